"""Correcting a trainee's record: editing and deleting placements, leave and credits, and the date
Socialstyrelsen approved the BT.

Who may correct: the ST-läkare their own record, a studierektor the records of trainees in their region
or area, an administrator everyone's (``require_correction``); handledare and everyone else are refused.

What stays as it is:

- A placement or leave period that a signed intyg of service covers (a signed, not voided certificate of
  a type in ``domain.SERVICE_TYPES`` whose period overlaps it: klinisk tjänstgöring, BT's delmål intyg,
  the summary documents) is not changed or deleted: the intyg attests it. A course or a congress does
  not lock the placement it falls in. The refusal names the intyg; it is voided first if the record is
  wrong. A record added or changed in the app after the intyg was signed is not what it attests (a leave
  registered afterwards, say): it stays open to change and deletion (``_attested``).
- A record that came with an import is corrected in the import file: the next import of the trainee
  replaces the imported records with the file's.

Edits are checked as entries are (the same pandera schemas, the credit rules against the trainee's
other credits, the overlap check for placements); each change runs in one transaction and leaves one
audit row ('update' or 'delete') with the record before and after.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from tracker.accounts import Actor
from tracker.domain import REG_2021, SERVICE_TYPES, TYPE_LABELS, Credit
from tracker.errors import AccessDenied, FieldError, InputError, NotFoundError, StateConflict
from tracker.rules.credits import credit_error
from tracker.rules.reference import resolve_regulation
from tracker.services.access import office_units_sql, require_read
from tracker.services.audit import LOCAL_TIMEZONE
from tracker.services.entries import placement_values, refuse_overlap
from tracker.services.shared import date_columns, one_row, query, record_audit, todays_date
from tracker.services.validation import CREDIT_INPUT, LEAVE_INPUT, validate_input
from tracker.store import Connection, transaction
from tracker.store.connection import reading
from tracker.store.records import load_record

_NOT_CORRECTOR = (
    "Bara ST-läkaren själv, studierektorn för ST-läkarens område eller en administratör kan ändra eller "
    "ta bort uppgifter i utbildningen."
)
_IMPORTED = (
    "{what} kom med en import och rättas i importfilen: nästa import av ST-läkaren ersätter de importerade "
    "uppgifterna med filens."
)
_NO_BT = "Godkänd BT registreras bara för ST-läkare som följer HSLF-FS 2021:8; {name} följer {regulation}."

# Per table: the columns a correction changes, its id column and the record's name in messages.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "placement": ("kind", "setting", "workplace", "start_date", "end_date", "percent", "bt_part"),
    "leave": ("kind", "start_date", "end_date", "percent"),
    "credit": ("kind", "months", "note", "applies_to"),
}
_WHAT = {"placement": "Placeringen", "leave": "Ledigheten", "credit": "Tillgodoräknandet"}


# --- who may correct ----------------------------------------------------------------------------


def _studierektor_covers(con: Connection, actor: Actor, trainee_id: str) -> bool:
    """Whether the trainee's unit lies in the actor's region or area as a studierektor (another role of
    the same person, such as verksamhetschef, does not count)."""
    if "studierektor" not in actor.roles:
        return False
    office = office_units_sql(dataclasses.replace(actor, roles=frozenset({"studierektor"}), unit_ids=frozenset()))
    if office is None:
        return False
    sql, params = office
    df = query(
        con,
        f"SELECT count(*) AS n FROM trainee WHERE trainee_id = $tid AND unit_id IN ({sql})",
        {**params, "tid": trainee_id},
    )
    return bool(df["n"].iloc[0])


def require_correction(con: Connection, actor: Actor, trainee_id: str) -> None:
    """The actor may correct the trainee's record: the trainee, a studierektor of the trainee's region or
    area, or an administrator; AccessDenied otherwise."""
    if actor.trainee_id == trainee_id:
        return
    if actor.is_admin:
        require_read(con, actor, trainee_id)
        return
    if _studierektor_covers(con, actor, trainee_id):
        return
    raise AccessDenied(_NOT_CORRECTOR)


# --- reading the records to correct ---------------------------------------------------------------


def _service_certificates(cur: duckdb.DuckDBPyConnection, trainee_id: str) -> list[dict[str, Any]]:
    """The trainee's signed (not voided) intyg of service (``SERVICE_TYPES``) that have a period: what locks
    the placements and leave within it."""
    rows = cur.execute(
        """SELECT type, title, coalesce(start_date, end_date) AS start_date, coalesce(end_date, start_date) AS end_date,
                  signed_date,
                  (SELECT max(a.logged_at) FROM audit_log a
                   WHERE a.action = 'sign' AND a.entity = 'certificate' AND a.entity_id = c.certificate_id) AS signed_at
           FROM certificate c
           WHERE trainee_id = ? AND status = 'signerat' AND list_contains(?, type)
             AND coalesce(start_date, end_date) IS NOT NULL
           ORDER BY signed_date, certificate_id""",
        [trainee_id, list(SERVICE_TYPES)],
    ).fetchall()
    keys = ("type", "title", "start_date", "end_date", "signed_date", "signed_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _intyg_text(cert: Mapping[str, Any]) -> str:
    """'”Klinisk tjänstgöring: VC Norra” (signerat 2024-07-01)'."""
    title = cert["title"] or TYPE_LABELS.get(str(cert["type"]), str(cert["type"]))
    signed = cert["signed_date"]
    return f"”{title}” (signerat {signed.isoformat() if isinstance(signed, date) else signed})"


def _attested(cert: Mapping[str, Any], written: datetime | None) -> bool:
    """Whether the intyg attests a record as it was last written in the app (added or changed) at ``written``
    (UTC; None for a record of the demo, an import or from before the log: attested). It does when the
    record was written before the signature: the moment the app recorded it ('sign' row), or, for an intyg
    that came signed, the day it is dated (a record written on a later day is not attested)."""
    if written is None:
        return True
    if cert["signed_at"] is not None:
        return bool(written <= cert["signed_at"])
    signed = cert["signed_date"]
    local_day = written.replace(tzinfo=UTC).astimezone(ZoneInfo(LOCAL_TIMEZONE)).date()
    return signed is None or local_day <= signed


def _covering(certs: list[dict[str, Any]], start: date, end: date, written: datetime | None = None) -> list[str]:
    """The intyg of ``certs`` that attest a record of start..end last written at ``written``, as text: those
    whose period overlaps it and that were signed after it was written (``_attested``)."""
    return [
        _intyg_text(c) for c in certs if c["start_date"] <= end and c["end_date"] >= start and _attested(c, written)
    ]


def _written(cur: duckdb.DuckDBPyConnection, table: str, trainee_id: str) -> dict[int, datetime]:
    """When each of the trainee's placements or leave periods was last written in the app (added or changed):
    its newest 'add' or 'update' row in the audit log (UTC)."""
    rows = cur.execute(
        """SELECT entity_id, max(logged_at) FROM audit_log
           WHERE action IN ('add', 'update') AND entity = ? AND trainee_id = ? GROUP BY entity_id""",
        [table, trainee_id],
    ).fetchall()
    return {int(r[0]): r[1] for r in rows}


@dataclasses.dataclass(frozen=True)
class TraineeEntries:
    """A trainee's placements, leave and credits with their ids, for correcting them. Placements and leave
    carry ``covered_by``: the signed intyg covering the period ('' if none; such a record is locked)."""

    placements: pd.DataFrame  # placement_id, kind, setting, workplace, start_date, end_date, percent, bt_part, source, covered_by
    leave: pd.DataFrame  # leave_id, kind, start_date, end_date, percent, source, covered_by
    credits: pd.DataFrame  # credit_id, kind, months, note, applies_to, source


def trainee_entries(con: Connection, actor: Actor, trainee_id: str) -> TraineeEntries:
    """The trainee's placements, leave and credits, in date (credits: entry) order."""
    require_read(con, actor, trainee_id)
    with reading(con) as cur:
        certs = _service_certificates(cur, trainee_id)
        written = {table: _written(cur, table, trainee_id) for table in ("placement", "leave")}
    frames: dict[str, pd.DataFrame] = {}
    for table, order in (("placement", "start_date, placement_id"), ("leave", "start_date, leave_id"), ("credit", "credit_id")):
        df = query(
            con,
            f"SELECT {table}_id, {', '.join(_COLUMNS[table])}, source FROM {table} WHERE trainee_id = $t ORDER BY {order}",
            {"t": trainee_id},
        )
        if table != "credit":
            df = date_columns(df, ["start_date", "end_date"])
            df["covered_by"] = [
                "; ".join(_covering(certs, s, e, written[table].get(int(i))))
                for i, s, e in zip(df[f"{table}_id"], df["start_date"], df["end_date"], strict=True)
            ]
        frames[table] = df
    return TraineeEntries(frames["placement"], frames["leave"], frames["credit"])


# --- the checks every correction makes, in its transaction -------------------------------------------


def _trainee_of(con: Connection, table: str, row_id: int) -> str:
    """The trainee a placement, leave or credit row belongs to (NotFoundError if there is none)."""
    df = query(con, f"SELECT trainee_id FROM {table} WHERE {table}_id = $id", {"id": int(row_id)})
    if df.empty:
        raise NotFoundError(f"{_WHAT[table]} finns inte (id {row_id}); den kan redan ha tagits bort.")
    return str(df["trainee_id"].iloc[0])


def _current(cur: duckdb.DuckDBPyConnection, table: str, row_id: int) -> dict[str, Any]:
    """The row as this transaction sees it (its columns of ``_COLUMNS`` and its source), refused if it came
    with an import or if a signed intyg covers its period."""
    row = one_row(
        cur,
        f"SELECT trainee_id, {', '.join(_COLUMNS[table])}, source FROM {table} WHERE {table}_id = ?",
        [int(row_id)],
    )
    if row is None:
        raise NotFoundError(f"{_WHAT[table]} finns inte (id {row_id}); den kan redan ha tagits bort.")
    if row["source"] == "import":
        raise StateConflict(_IMPORTED.format(what=_WHAT[table]))
    if "start_date" in row:
        _refuse_covered(cur, table, int(row_id), row)
    return row


def _refuse_covered(cur: duckdb.DuckDBPyConnection, table: str, row_id: int, row: Mapping[str, Any]) -> None:
    written = _written(cur, table, row["trainee_id"]).get(row_id)
    names = _covering(_service_certificates(cur, row["trainee_id"]), row["start_date"], row["end_date"], written)
    if names:
        period = f"{row['start_date'].isoformat()} – {row['end_date'].isoformat()}"
        which = "ett signerat intyg" if len(names) == 1 else f"{len(names)} signerade intyg"
        raise StateConflict(
            f"{_WHAT[table]} {period} kan inte ändras eller tas bort: den omfattas av {which}: "
            f"{'; '.join(names)}. Ett signerat intyg ändras inte; om uppgifterna är fel makulerar den som "
            "signerade intyget, studierektorn eller en administratör det först."
        )


def _before(row: Mapping[str, Any], table: str) -> dict[str, Any]:
    return {c: row[c] for c in _COLUMNS[table]}


def _update(
    con: Connection,
    actor: Actor,
    table: str,
    row_id: int,
    values: Mapping[str, Any],
    check: Callable[[duckdb.DuckDBPyConnection, str], None] | None = None,
) -> None:
    """Write ``values`` to the row in one transaction, after ``_current``'s refusals and ``check(cur,
    trainee_id)``; one 'update' audit row (nothing is written when nothing changes)."""
    with transaction(con) as cur:
        row = _current(cur, table, row_id)
        trainee_id = str(row["trainee_id"])
        if check is not None:
            check(cur, trainee_id)
        before = _before(row, table)
        if before == dict(values):
            return
        sets = ", ".join(f"{c} = ?" for c in values)
        cur.execute(f"UPDATE {table} SET {sets} WHERE {table}_id = ?", [*values.values(), int(row_id)])
        record_audit(cur, actor, "update", table, str(row_id), trainee_id, before, values)


def _delete(con: Connection, actor: Actor, table: str, row_id: int) -> None:
    trainee_id = _trainee_of(con, table, row_id)
    require_correction(con, actor, trainee_id)
    with transaction(con) as cur:
        row = _current(cur, table, row_id)
        cur.execute(f"DELETE FROM {table} WHERE {table}_id = ?", [int(row_id)])
        record_audit(cur, actor, "delete", table, str(row_id), str(row["trainee_id"]), _before(row, table), None)


# --- placements ------------------------------------------------------------------------------------


def update_placement(
    con: Connection,
    actor: Actor,
    placement_id: int,
    *,
    kind: str,
    setting: str,
    start_date: date,
    end_date: date,
    percent: float,
    workplace: str = "",
    bt_part: str | None = None,
    confirm_overlap: bool = False,
) -> None:
    """Change a placement (as ``add_placement`` checks a new one, overlaps included: ``confirm_overlap``)."""
    trainee_id = _trainee_of(con, "placement", placement_id)
    require_correction(con, actor, trainee_id)
    values = placement_values(kind, setting, start_date, end_date, percent, workplace, bt_part)

    def overlaps(cur: duckdb.DuckDBPyConnection, tid: str) -> None:
        if not confirm_overlap:
            refuse_overlap(cur, tid, values, exclude=int(placement_id))

    _update(con, actor, "placement", placement_id, values, overlaps)


def delete_placement(con: Connection, actor: Actor, placement_id: int) -> None:
    """Delete a placement (one entered twice or by mistake)."""
    _delete(con, actor, "placement", placement_id)


# --- leave ------------------------------------------------------------------------------------------


def update_leave(
    con: Connection,
    actor: Actor,
    leave_id: int,
    *,
    kind: str,
    start_date: date,
    end_date: date,
    percent: float = 100.0,
) -> None:
    """Change a period of leave."""
    trainee_id = _trainee_of(con, "leave", leave_id)
    require_correction(con, actor, trainee_id)
    values = {"kind": kind, "start_date": start_date, "end_date": end_date, "percent": percent}
    validate_input(LEAVE_INPUT, "ledighet", values)
    _update(con, actor, "leave", leave_id, values)


def delete_leave(con: Connection, actor: Actor, leave_id: int) -> None:
    """Delete a period of leave."""
    _delete(con, actor, "leave", leave_id)


# --- credits ----------------------------------------------------------------------------------------


def update_credit(
    con: Connection,
    actor: Actor,
    credit_id: int,
    *,
    kind: str,
    months: float,
    note: str = "",
    applies_to: str = "ST",
) -> None:
    """Change a credit (tillgodoräknande), judged by the rules of RULES 2 against the trainee's other
    credits (as ``add_credit`` judges a new one)."""
    trainee_id = _trainee_of(con, "credit", credit_id)
    require_correction(con, actor, trainee_id)
    text = (note or "").strip()
    values = {"kind": kind, "months": months, "note": text, "applies_to": applies_to}
    validate_input(CREDIT_INPUT, "tillgodoräknande", values)
    regulation = resolve_regulation(load_record(con, trainee_id).trainee)
    credit = Credit(kind, float(months), text, applies_to)

    def by_the_rules(cur: duckdb.DuckDBPyConnection, tid: str) -> None:
        others = [
            Credit(r[0], float(r[1]), r[2], r[3])
            for r in cur.execute(
                "SELECT kind, months, note, applies_to FROM credit WHERE trainee_id = ? AND credit_id <> ? "
                "ORDER BY credit_id",
                [tid, int(credit_id)],
            ).fetchall()
        ]
        refused = credit_error(regulation, tid, others, credit)
        if refused is not None:
            raise InputError([FieldError(*refused)])
        if credit in others:
            raise InputError([FieldError("kind", "samma tillgodoräknande är redan registrerat")])

    _update(con, actor, "credit", credit_id, values, by_the_rules)


def delete_credit(con: Connection, actor: Actor, credit_id: int) -> None:
    """Delete a credit."""
    _delete(con, actor, "credit", credit_id)


# --- the BT approval (HSLF-FS 2021:8) ----------------------------------------------------------------


def set_bt_approval(con: Connection, actor: Actor, trainee_id: str, approved: date | None) -> None:
    """Record the date Socialstyrelsen approved the trainee's BT (intyg om godkänd bastjänstgöring,
    RULES 4 and 7); None clears it. Only for HSLF-FS 2021:8 trainees; the date lies on or after the
    legitimation date and not in the future."""
    require_correction(con, actor, trainee_id)
    trainee = load_record(con, trainee_id).trainee
    regulation = resolve_regulation(trainee)
    if regulation != REG_2021:
        raise StateConflict(_NO_BT.format(name=trainee.name, regulation=regulation))
    if approved is not None:
        errors: list[FieldError] = []
        if not isinstance(approved, date):
            errors.append(FieldError("bt_approved_date", "ange datumet då Socialstyrelsen godkände BT"))
        elif approved > todays_date():
            errors.append(FieldError("bt_approved_date", "datumet kan inte ligga i framtiden"))
        elif trainee.legitimation_date is not None and approved < trainee.legitimation_date:
            errors.append(
                FieldError(
                    "bt_approved_date",
                    f"godkänd BT kan inte ligga före legitimationsdatum ({trainee.legitimation_date.isoformat()})",
                )
            )
        if errors:
            raise InputError(errors)
    with transaction(con) as cur:
        row = one_row(cur, "SELECT bt_approved_date FROM trainee WHERE trainee_id = ?", [trainee_id])
        before = None if row is None else row["bt_approved_date"]
        if before == approved:
            return
        cur.execute("UPDATE trainee SET bt_approved_date = ? WHERE trainee_id = ?", [approved, trainee_id])
        record_audit(
            cur,
            actor,
            "update",
            "trainee",
            trainee_id,
            trainee_id,
            {"bt_approved_date": before},
            {"bt_approved_date": approved},
        )
