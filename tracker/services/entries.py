"""Entries on a trainee's record besides certificates: placements, leave, credits (tillgodoräknande) and
the bevis om specialistkompetens in a basspecialitet. The ST-läkare (or an administrator) enters them;
each write is checked by the same rules as an import, runs in one transaction and is audited."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from tracker.accounts import Actor
from tracker.domain import BEVIS_BAS, TYPE_LABELS, Credit
from tracker.errors import FieldError, InputError
from tracker.rules.credits import credit_error
from tracker.rules.reference import resolve_regulation
from tracker.services.access import require_own_write
from tracker.services.shared import record_audit, todays_date
from tracker.services.validation import CREDIT_INPUT, LEAVE_INPUT, PLACEMENT_INPUT, validate_input
from tracker.store import Connection, catalogue, transaction
from tracker.store.records import load_record


def _add_row(con: Connection, actor: Actor, table: str, trainee_id: str, values: Mapping[str, Any]) -> int:
    """Insert one row of ``table`` (placement, leave, credit) for the trainee and audit it; its id."""
    marks = ", ".join("?" for _ in values)
    with transaction(con) as cur:
        row = cur.execute(
            f"INSERT INTO {table} (trainee_id, {', '.join(values)}) VALUES (?, {marks}) RETURNING {table}_id",
            [trainee_id, *values.values()],
        ).fetchone()
        assert row is not None
        rid = int(row[0])
        record_audit(cur, actor, "add", table, str(rid), trainee_id, None, values)
    return rid


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
) -> int:
    """Record a placement (tjänstgöring); returns its id. ``bt_part`` (BT only; RULES 4): which part of BT
    it is, when its setting does not say (None: from the setting)."""
    require_own_write(con, actor, trainee_id)
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
    return _add_row(con, actor, "placement", trainee_id, values)


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
