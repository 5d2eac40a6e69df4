"""The portable record: a trainee's, or an area's, complete bundle (INTERFACE.md) as files or one zip.

An ST-läkare exports their own record; a studierektor or verksamhetschef the trainees of the units in
their scope (and those units' people); an administrator everything. A handledare exports nothing (they
read their trainees in the app). Every export is an audit row, since it carries personal data out.
"""

from __future__ import annotations

from tracker.accounts import Actor
from tracker.errors import AccessDenied, NotFoundError
from tracker.ingest.export import Selection, bundle_files, bundle_zip
from tracker.services.access import office_units_sql
from tracker.services.shared import record_audit
from tracker.store import Connection, transaction
from tracker.store.connection import reading

_REFUSED = "Bara ST-läkaren själv, utbildningsenheten för ST-läkarens enhet och administratörer kan exportera en utbildning."


def _office_units(con: Connection, actor: Actor) -> frozenset[str] | None:
    office = office_units_sql(actor)
    if office is None:
        return None
    sql, params = office
    with reading(con) as cur:
        return frozenset(str(r[0]) for r in cur.execute(sql, params).fetchall())


def _selection(con: Connection, actor: Actor, trainee_id: str | None) -> Selection:
    units = _office_units(con, actor)
    if trainee_id is None:
        if actor.is_admin:
            return Selection(None)
        if units is not None:
            with reading(con) as cur:
                rows = cur.execute(
                    "SELECT trainee_id FROM trainee WHERE list_contains($u, unit_id)", {"u": sorted(units)}
                ).fetchall()
            return Selection(frozenset(str(r[0]) for r in rows), units)
        if actor.trainee_id is not None:
            return Selection(frozenset({actor.trainee_id}))
        raise AccessDenied(_REFUSED)
    with reading(con) as cur:
        row = cur.execute("SELECT unit_id FROM trainee WHERE trainee_id = ?", [trainee_id]).fetchone()
    if row is None and actor.is_admin:
        raise NotFoundError(f"ST-läkare {trainee_id} finns inte.")
    if row is not None and (actor.trainee_id == trainee_id or actor.is_admin or (units and row[0] in units)):
        return Selection(frozenset({trainee_id}))
    raise AccessDenied(_REFUSED)


def export_bundle(con: Connection, actor: Actor, trainee_id: str | None = None) -> dict[str, str]:
    """The bundle of one trainee, or (``None``) of everyone the actor may export: file name -> CSV text."""
    sel = _selection(con, actor, trainee_id)
    files = bundle_files(con, sel)
    with transaction(con) as cur:
        record_audit(
            cur,
            actor,
            "export",
            "bundle",
            trainee_id or "alla",
            trainee_id,
            None,
            {name: text.count("\n") - 1 for name, text in files.items()},
        )
    return files


def export_zip(con: Connection, actor: Actor, trainee_id: str | None = None) -> bytes:
    """``export_bundle`` as one zip archive (the app's download)."""
    return bundle_zip(export_bundle(con, actor, trainee_id))
