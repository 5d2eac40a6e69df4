"""Entries on a trainee's record besides certificates: placements, leave, credits (tillgodoräknande) and
the bevis om specialistkompetens in a basspecialitet. The ST-läkare (or an administrator) enters them;
each write is checked by the same rules as an import, runs in one transaction and is audited.

A placement that overlaps another placement of the same kind (AT, BT or ST) of the same trainee is
refused with ``OverlapConflict`` unless the caller confirms the overlap: parallel placements are
allowed (two part-time posts), but a duplicate entered by mistake is the common case. Correcting
entries (edit, delete) is in ``corrections``."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import duckdb

from tracker.accounts import Actor
from tracker.domain import BEVIS_BAS, SETTING_LABELS, TYPE_LABELS, Credit
from tracker.errors import FieldError, InputError, OverlapConflict
from tracker.rules.credits import credit_error
from tracker.rules.numbers import sv_number
from tracker.rules.reference import resolve_regulation
from tracker.services.access import require_own_write
from tracker.services.shared import record_audit, todays_date
from tracker.services.validation import CREDIT_INPUT, LEAVE_INPUT, PLACEMENT_INPUT, validate_input
from tracker.store import Connection, catalogue, transaction
from tracker.store.records import load_record

# --- overlapping placements (RULES 2: a day counts at most 100 % of full time) --------------------


def percent_text(percent: float) -> str:
    """'62,5 %'."""
    return f"{sv_number(percent)} %"


def placement_text(kind: str, setting: str, workplace: str, start: date, end: date, percent: float) -> str:
    """'ST-placeringen Primärvård, VC Norra 2024-01-01 – 2024-06-30 (100 %)': a placement in a message."""
    where = SETTING_LABELS.get(setting, setting) + (f", {workplace}" if workplace else "")
    return f"{kind}-placeringen {where} {start.isoformat()} – {end.isoformat()} ({percent_text(percent)})"


def _worst_day(values: Mapping[str, Any], others: Sequence[tuple[Any, ...]]) -> list[float]:
    """The percents on the day within the placement's period where the overlapping placements (rows of
    ``_overlapping``) and it together come to the most: theirs first, its own last."""
    start, end, own = values["start_date"], values["end_date"], float(values["percent"])
    days = sorted({start, *(max(r[3], start) for r in others)})
    best: list[float] = [own]
    for day in days:
        if day > end:
            continue
        terms = [float(r[5]) for r in others if r[3] <= day <= r[4]] + [own]
        if sum(terms) > sum(best):
            best = terms
    return best


def overlap_message(values: Mapping[str, Any], others: Sequence[tuple[Any, ...]]) -> str:
    """Which placements of the same kind the placement overlaps, when, and how their percents combine on
    a day: added up and counted at most 100 % (RULES 2)."""
    start, end = values["start_date"], values["end_date"]

    def one(r: tuple[Any, ...]) -> str:
        during = f"{max(r[3], start).isoformat()} – {min(r[4], end).isoformat()}"
        return f"{placement_text(values['kind'], r[1], r[2], r[3], r[4], float(r[5]))} under {during}"

    if len(others) == 1:
        head = f"Placeringen överlappar {one(others[0])}. De dagarna blir omfattningen"
    else:
        listed = "; ".join(one(r) for r in others)
        head = (
            f"Placeringen överlappar {len(others)} andra {values['kind']}-placeringar: {listed}. "
            "Som mest blir omfattningen samma dag"
        )
    terms = _worst_day(values, others)
    total = sum(terms)
    sums = f"{' + '.join(percent_text(t) for t in terms)} = {percent_text(total)}"
    counted = (
        f"som räknas som högst 100 % av heltid per dag, så {percent_text(total - 100)} räknas inte"
        if total > 100
        else "som räknas fullt (högst 100 % av heltid per dag)"
    )
    return (
        f"{head} {sums}, {counted}. Spara ändå om placeringarna verkligen löper parallellt "
        "(till exempel två deltidstjänster); annars rätta eller ta bort den som är fel."
    )


def _overlapping(
    cur: duckdb.DuckDBPyConnection, trainee_id: str, values: Mapping[str, Any], exclude: int | None
) -> list[tuple[Any, ...]]:
    """The trainee's other placements of the same kind overlapping the period: (id, setting, workplace,
    start_date, end_date, percent), in date order."""
    return cur.execute(
        """SELECT placement_id, setting, workplace, start_date, end_date, percent FROM placement
           WHERE trainee_id = ? AND kind = ? AND start_date <= ? AND end_date >= ?
             AND placement_id IS DISTINCT FROM ?
           ORDER BY start_date, placement_id""",
        [trainee_id, values["kind"], values["end_date"], values["start_date"], exclude],
    ).fetchall()


def refuse_overlap(
    cur: duckdb.DuckDBPyConnection, trainee_id: str, values: Mapping[str, Any], *, exclude: int | None = None
) -> None:
    """OverlapConflict if the placement (``values``; ``exclude``: its own id when edited) overlaps another
    placement of the same kind of the trainee."""
    others = _overlapping(cur, trainee_id, values, exclude)
    if others:
        raise OverlapConflict(overlap_message(values, others), [int(r[0]) for r in others])


def _add_row(
    con: Connection,
    actor: Actor,
    table: str,
    trainee_id: str,
    values: Mapping[str, Any],
    check: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> int:
    """Insert one row of ``table`` (placement, leave, credit) for the trainee and audit it; its id.
    ``check`` runs first in the same transaction and may refuse the write."""
    marks = ", ".join("?" for _ in values)
    with transaction(con) as cur:
        if check is not None:
            check(cur)
        row = cur.execute(
            f"INSERT INTO {table} (trainee_id, {', '.join(values)}) VALUES (?, {marks}) RETURNING {table}_id",
            [trainee_id, *values.values()],
        ).fetchone()
        assert row is not None
        rid = int(row[0])
        record_audit(cur, actor, "add", table, str(rid), trainee_id, None, values)
    return rid


def placement_values(
    kind: str, setting: str, start_date: date, end_date: date, percent: float, workplace: str, bt_part: str | None
) -> dict[str, Any]:
    """A placement's columns as a form gives them, checked (``PLACEMENT_INPUT``); InputError otherwise."""
    values = {
        "kind": kind,
        "setting": setting,
        "workplace": (workplace or "").strip(),
        "start_date": start_date,
        "end_date": end_date,
        "percent": percent,
        "bt_part": bt_part or None,
    }
    validate_input(PLACEMENT_INPUT, "placering", values)
    return values


def add_placement(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    *,
    kind: str,
    setting: str,
    start_date: date,
    end_date: date,
    percent: float,
    workplace: str = "",
    bt_part: str | None = None,
    confirm_overlap: bool = False,
) -> int:
    """Record a placement (tjänstgöring); returns its id. ``bt_part`` (BT only; RULES 4): which part of BT
    it is, when its setting does not say (None: from the setting). A placement overlapping another of the
    same kind is refused (``OverlapConflict``) unless ``confirm_overlap``."""
    require_own_write(con, actor, trainee_id)
    values = placement_values(kind, setting, start_date, end_date, percent, workplace, bt_part)
    check = None if confirm_overlap else (lambda cur: refuse_overlap(cur, trainee_id, values))
    return _add_row(con, actor, "placement", trainee_id, values, check)


def add_leave(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    *,
    kind: str,
    start_date: date,
    end_date: date,
    percent: float = 100.0,
) -> int:
    """Record a period of leave (ledighet); returns its id."""
    require_own_write(con, actor, trainee_id)
    values = {"kind": kind, "start_date": start_date, "end_date": end_date, "percent": percent}
    validate_input(LEAVE_INPUT, "ledighet", values)
    return _add_row(con, actor, "leave", trainee_id, values)


def add_credit(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    *,
    kind: str,
    months: float,
    note: str = "",
    applies_to: str = "ST",
) -> int:
    """Record a credit (tillgodoräknande) by the rules of RULES 2: refused combinations and sums past a
    cap are field errors naming the trainee and the sum. Returns its id."""
    require_own_write(con, actor, trainee_id)
    text = (note or "").strip()
    values = {"kind": kind, "months": months, "note": text, "applies_to": applies_to}
    validate_input(CREDIT_INPUT, "tillgodoräknande", values)
    rec = load_record(con, trainee_id)
    credit = Credit(kind, float(months), text, applies_to)
    refused = credit_error(resolve_regulation(rec.trainee), trainee_id, rec.credits, credit)
    if refused is not None:
        raise InputError([FieldError(*refused)])
    if credit in rec.credits:
        raise InputError([FieldError("kind", "samma tillgodoräknande är redan registrerat")])
    return _add_row(con, actor, "credit", trainee_id, values)


def record_bevis_bas(con: Connection, actor: Actor, trainee_id: str, *, specialty: str, bevis_date: date) -> str:
    """Record Socialstyrelsen's bevis om specialistkompetens in a basspecialitet (RULES 7): the title names
    the specialty, the date is the bevis's. Returns the certificate id."""
    require_own_write(con, actor, trainee_id)
    rec = load_record(con, trainee_id)
    options = catalogue.bas_options(con, rec.trainee.specialty)
    errors: list[FieldError] = []
    if options is None:
        errors.append(FieldError("specialty", f"{rec.trainee.specialty} är en basspecialitet och bygger inte på någon annan"))
    elif specialty not in options[0]:
        errors.append(FieldError("specialty", f"{rec.trainee.specialty} bygger på {', '.join(options[0])}"))
    if not isinstance(bevis_date, date):
        errors.append(FieldError("signed_date", "ange bevisets datum"))
    elif bevis_date > todays_date():
        errors.append(FieldError("signed_date", "bevisets datum kan inte ligga i framtiden"))
    if any(c.type == BEVIS_BAS and c.title.casefold() == specialty.casefold() for c in rec.certificates):
        errors.append(FieldError("specialty", f"ett bevis i {specialty} är redan registrerat"))
    if errors:
        raise InputError(errors)
    cid = f"{trainee_id}-{uuid.uuid4().hex[:8]}"
    values = {"type": BEVIS_BAS, "title": specialty, "signed_date": bevis_date, "status": "signerat"}
    with transaction(con) as cur:
        cur.execute(
            """INSERT INTO certificate (certificate_id, trainee_id, type, title, status, signed_by, signed_date)
               VALUES (?, ?, ?, ?, 'signerat', 'Socialstyrelsen', ?)""",
            [cid, trainee_id, BEVIS_BAS, specialty, bevis_date],
        )
        record_audit(cur, actor, "add", "certificate", cid, trainee_id, None, {**values, "label": TYPE_LABELS[BEVIS_BAS]})
    return cid


def bas_choices(con: Connection, actor: Actor, trainee_id: str) -> tuple[str, ...]:
    """The basspecialiteter whose bevis the trainee's specialty accepts (empty for a basspecialitet)."""
    require_own_write(con, actor, trainee_id)
    options = catalogue.bas_options(con, load_record(con, trainee_id).trainee.specialty)
    return () if options is None else options[0]
