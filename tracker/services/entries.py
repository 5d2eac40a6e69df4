"""Entries on a trainee's record besides certificates: placements, leave, credits (tillgodoräknande) and
the bevis om specialistkompetens in a basspecialitet. The ST-läkare (or an administrator) enters them;
each write is checked by the same rules as an import, runs in one transaction and is audited."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from tracker.accounts import Actor
from tracker.domain import BEVIS_BAS, BT_PARTS, CREDIT_KINDS, CREDIT_TARGETS, TYPE_LABELS, Credit
from tracker.errors import FieldError, InputError
from tracker.ingest.checks import CONTROL_MSG, CONTROL_RE, MAX_TEXT
from tracker.rules.credits import credit_error
from tracker.rules.facts import MAX_CREDIT_MONTHS
from tracker.rules.numbers import sv_number
from tracker.rules.reference import resolve_regulation
from tracker.services.access import require_own_write
from tracker.services.shared import record_audit, todays_date
from tracker.services.validation import LEAVE_INPUT, PLACEMENT_INPUT, validate_input
from tracker.store import Connection, catalogue, transaction
from tracker.store.records import load_record


def _placement_values(
    kind: str, setting: str, start_date: date, end_date: date, percent: float, workplace: str, bt_part: str | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "setting": setting,
        "workplace": (workplace or "").strip(),
        "start_date": start_date,
        "end_date": end_date,
        "percent": percent,
        "bt_part": bt_part or None,
    }


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
    values = _placement_values(kind, setting, start_date, end_date, percent, workplace, bt_part)
    errors: list[FieldError] = []
    try:
        validate_input(PLACEMENT_INPUT, "placering", {k: v for k, v in values.items() if k != "bt_part"})
    except InputError as exc:
        errors.extend(exc.errors)
    if values["bt_part"] is not None and kind != "BT":
        errors.append(FieldError("bt_part", "BT-del anges bara för BT-placeringar"))
    elif values["bt_part"] is not None and values["bt_part"] not in BT_PARTS:
        errors.append(FieldError("bt_part", "okänd BT-del (primärvård, akut sjukvård eller annan)"))
    if errors:
        raise InputError(sorted(set(errors)))
    with transaction(con) as cur:
        row = cur.execute(
            """INSERT INTO placement (trainee_id, kind, setting, workplace, start_date, end_date, percent, bt_part)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING placement_id""",
            [trainee_id, kind, setting, values["workplace"], start_date, end_date, float(percent), values["bt_part"]],
        ).fetchone()
        assert row is not None
        pid = int(row[0])
        record_audit(cur, actor, "add", "placement", str(pid), trainee_id, None, values)
    return pid


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
    with transaction(con) as cur:
        row = cur.execute(
            """INSERT INTO leave (trainee_id, kind, start_date, end_date, percent)
               VALUES (?, ?, ?, ?, ?) RETURNING leave_id""",
            [trainee_id, kind, start_date, end_date, float(percent)],
        ).fetchone()
        assert row is not None
        lid = int(row[0])
        record_audit(cur, actor, "add", "leave", str(lid), trainee_id, None, values)
    return lid


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
    errors: list[FieldError] = []
    if kind not in CREDIT_KINDS:
        errors.append(FieldError("kind", "okänd typ av tillgodoräknande"))
    if applies_to not in CREDIT_TARGETS:
        errors.append(FieldError("applies_to", "ska vara ST eller BT"))
    if isinstance(months, bool) or not isinstance(months, int | float) or not 0 < float(months) <= MAX_CREDIT_MONTHS:
        errors.append(FieldError("months", f"ska vara större än 0 och högst {sv_number(MAX_CREDIT_MONTHS)} månader"))
    elif round(float(months), 2) != float(months):
        errors.append(FieldError("months", "högst två decimaler"))
    if len(text) > MAX_TEXT["note"]:
        errors.append(FieldError("note", f"högst {MAX_TEXT['note']} tecken"))
    if re.search(CONTROL_RE, text):
        errors.append(FieldError("note", CONTROL_MSG))
    rec = load_record(con, trainee_id)
    if not errors:
        credit = Credit(kind, float(months), text, applies_to)
        refused = credit_error(resolve_regulation(rec.trainee), trainee_id, rec.credits, credit)
        if refused is not None:
            errors.append(FieldError(*refused))
        elif credit in rec.credits:
            errors.append(FieldError("kind", "samma tillgodoräknande är redan registrerat"))
    if errors:
        raise InputError(sorted(set(errors)))
    with transaction(con) as cur:
        row = cur.execute(
            """INSERT INTO credit (trainee_id, kind, months, note, applies_to)
               VALUES (?, ?, ?, ?, ?) RETURNING credit_id""",
            [trainee_id, kind, float(months), text, applies_to],
        ).fetchone()
        assert row is not None
        cid = int(row[0])
        record_audit(cur, actor, "add", "credit", str(cid), trainee_id, None, values)
    return cid


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
