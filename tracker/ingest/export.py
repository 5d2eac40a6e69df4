"""The bundle written out (INTERFACE.md): every file, in the columns and forms an import reads, so that
importing an export into an empty database and exporting it again gives byte-identical files.

What goes in: the chosen trainees with their placements, leave, credits, certificates (with status and
the addressee's e-mail) and supervision; the people those name (handledare, signers); for an office's
export also everyone with a role on one of its units; those units. An export of everything (``trainees=None``) has
every unit and everyone with a role. A trainee's account is their ``email`` in trainees.csv, so the
ST-läkare role itself is not repeated in people.csv.

Rows come in a fixed order (by trainee, then date or entry order), numbers without trailing zeros,
booleans as ``true``/``false``, dates in ISO form and empty cells for missing values. Cells are written
as they are: a bundle is data for the tracker, not a sheet to open with formulas (the pages' downloads
neutralise formulas, see ``tracker.spreadsheet``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from tracker.domain import ROLES
from tracker.errors import NotFoundError
from tracker.ingest.checks import COLUMNS, OPTIONAL_COLUMNS
from tracker.store import Connection
from tracker.store.connection import reading

# Every file with every column, in the order INTERFACE.md lists them.
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {f: cols + OPTIONAL_COLUMNS.get(f, ()) for f, cols in COLUMNS.items()}


@dataclass(frozen=True)
class Selection:
    """What an export holds: trainees and units by id (None: all of them, and everyone with a role)."""

    trainees: frozenset[str] | None
    units: frozenset[str] | None = None

    @property
    def everything(self) -> bool:
        return self.trainees is None


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(v) for v in r] for r in rows)
    return out.getvalue()


_TRAINEES = """
    SELECT t.trainee_id, t.name, t.specialty, t.legitimation_date, t.swedish_at, t.st_start_date,
           t.regulation_choice, t.doktorsexamen, t.bt_approved_date, t.unit_id, p.email, tp.personnummer
    FROM trainee t LEFT JOIN person p USING (person_id) LEFT JOIN trainee_personal tp USING (trainee_id)
    WHERE {chosen} ORDER BY t.trainee_id"""
_PLACEMENTS = """
    SELECT trainee_id, kind, setting, workplace, start_date, end_date, percent, bt_part FROM placement t
    WHERE {chosen} ORDER BY trainee_id, start_date, end_date, placement_id"""
_LEAVE = """
    SELECT trainee_id, kind, start_date, end_date, percent FROM leave t
    WHERE {chosen} ORDER BY trainee_id, start_date, end_date, leave_id"""
_CREDITS = """
    SELECT trainee_id, kind, months, note, applies_to FROM credit t
    WHERE {chosen} ORDER BY trainee_id, credit_id"""
_CERTIFICATES = """
    SELECT t.certificate_id, t.trainee_id, t.type,
           (SELECT string_agg(code, ';' ORDER BY code) FROM certificate_delmal d
            WHERE d.certificate_id = t.certificate_id) AS delmal,
           t.title, t.start_date, t.end_date, t.signed_by, t.signed_date, t.status, p.email AS signer_email
    FROM certificate t LEFT JOIN person p ON p.person_id = t.signer_person_id
    WHERE {chosen} ORDER BY t.trainee_id, t.certificate_id"""
_SUPERVISION = """
    SELECT t.trainee_id, p.email, t.kind, t.start_date, t.end_date, t.person_id
    FROM supervision t JOIN person p USING (person_id)
    WHERE {chosen} ORDER BY t.trainee_id, t.start_date, t.kind, p.email, t.supervision_id"""


def _chosen(sel: Selection) -> tuple[str, dict[str, Any]]:
    if sel.trainees is None:
        return "true", {}
    return "list_contains($trainees, t.trainee_id)", {"trainees": sorted(sel.trainees)}


def _people_and_units(
    cur: duckdb.DuckDBPyConnection, sel: Selection, named: set[str], trainee_units: set[str]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """people.csv and units.csv rows: the named people (their roles on the trainees' and the chosen units),
    and everyone with a role on a chosen unit (``sel.units``: an office's export; a trainee's own names only
    the people of their supervision and certificates)."""
    staff_units = None if sel.everything else set(sel.units or ())
    units = None if staff_units is None else staff_units | set(trainee_units)
    roles = cur.execute(
        """SELECT p.person_id, p.email, p.name, r.role, r.region_id, r.area, r.unit_id
           FROM role_assignment r JOIN person p USING (person_id)
           WHERE r.role <> 'st_lakare' AND p.email IS NOT NULL"""
    ).fetchall()
    grouped: dict[tuple[str, str, str, str, str], set[str]] = {}
    people: dict[str, tuple[str, str]] = {}
    for pid, email, name, role, region_id, area, unit_id in roles:
        on_units = units is None or (unit_id is not None and unit_id in units) or (unit_id is None and role == "handledare")
        staff = staff_units is None or (unit_id is not None and unit_id in staff_units)
        if not (staff or (pid in named and on_units)):
            continue
        people[pid] = (email, name)
        grouped.setdefault((email, name, region_id or "", area or "", unit_id or ""), set()).add(role)
    if named - set(people):
        for pid, email, name in cur.execute(
            "SELECT person_id, email, name FROM person WHERE list_contains($p, person_id) AND email IS NOT NULL",
            {"p": sorted(named - set(people))},
        ).fetchall():
            people[pid] = (email, name)
            grouped.setdefault((email, name, "", "", ""), set())
    order = list(ROLES)
    people_rows = [
        (email, name, ";".join(sorted(rs, key=order.index)), unit_id, region, area)
        for (email, name, region, area, unit_id), rs in sorted(grouped.items(), key=lambda kv: (kv[0][0].lower(), kv[0][2:]))
    ]
    wanted = None if units is None else units | {u for (_, _, _, _, u) in grouped if u}
    unit_rows = [
        r
        for r in cur.execute("SELECT unit_id, name, region_id, area, kind FROM unit ORDER BY unit_id").fetchall()
        if wanted is None or r[0] in wanted
    ]
    return people_rows, unit_rows


def bundle_files(con: Connection, sel: Selection) -> dict[str, str]:
    """The bundle as file name -> CSV text, every file of INTERFACE.md (header only when empty)."""
    chosen, params = _chosen(sel)
    with reading(con) as cur:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return cur.execute(sql.format(chosen=chosen), params).fetchall()

        trainees = rows(_TRAINEES)
        missing = sorted((sel.trainees or set()) - {str(r[0]) for r in trainees})
        if missing:
            raise NotFoundError(f"ST-läkare {', '.join(missing)} finns inte.")
        certificates = rows(_CERTIFICATES)
        supervision = rows(_SUPERVISION)
        signers = {
            str(r[0])
            for r in cur.execute(
                f"SELECT DISTINCT signer_person_id FROM certificate t WHERE {chosen} AND signer_person_id IS NOT NULL",
                params,
            ).fetchall()
        }
        named = {str(r[5]) for r in supervision} | signers
        people, units = _people_and_units(cur, sel, named, {str(r[9]) for r in trainees if r[9]})
        files = {
            # trainees.csv: the required columns, then unit_id, email, personnummer
            "trainees.csv": _csv(EXPORT_COLUMNS["trainees.csv"], trainees),
            "placements.csv": _csv(EXPORT_COLUMNS["placements.csv"], rows(_PLACEMENTS)),
            "leave.csv": _csv(EXPORT_COLUMNS["leave.csv"], rows(_LEAVE)),
            "credits.csv": _csv(EXPORT_COLUMNS["credits.csv"], rows(_CREDITS)),
            "certificates.csv": _csv(EXPORT_COLUMNS["certificates.csv"], certificates),
            "units.csv": _csv(EXPORT_COLUMNS["units.csv"], units),
            "people.csv": _csv(EXPORT_COLUMNS["people.csv"], people),
            "supervision.csv": _csv(EXPORT_COLUMNS["supervision.csv"], [r[:5] for r in supervision]),
        }
    assert list(files) == list(EXPORT_COLUMNS), "every file of the bundle, in the contract's order"
    return files


def write_bundle(files: dict[str, str], directory: str | Path) -> list[Path]:
    """Write the files into ``directory`` (created if missing); the paths written."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = target / name
        path.write_text(text, encoding="utf-8", newline="")
        paths.append(path)
    return paths


def bundle_zip(files: dict[str, str]) -> bytes:
    """The files as one zip archive (for a download)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))
    return out.getvalue()
