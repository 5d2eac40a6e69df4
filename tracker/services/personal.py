"""A trainee's personal details for Socialstyrelsen's forms: personnummer, postal address, telephones,
läkarexamen (country, date) and the legitimation's country (its date is the trainee's record's).

Who sees what:

- The trainee themself and the office (a studierektor or verksamhetschef whose scope holds the trainee's
  unit, an administrator) see everything, and may change it.
- Anyone else who may read the trainee (a current handledare) sees the personnummer masked as
  ÅÅMMDD-**** and no address or telephones; the countries and the läkarexamen date are not secret.
- Anyone else is refused (AccessDenied).

A read by the office (not by the trainee themself) is an audit row ('read_personal'). A change is one
audit row with the fields before and after, except that the personnummer, the address and the
telephones are recorded only as 'ändrat': the audit log is read by the trainee's handledare too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import duckdb

from tracker.accounts import Actor
from tracker.errors import AccessDenied, FieldError, InputError
from tracker.personal import (
    PERSONAL_FIELDS,
    PERSONNUMMER_TAKEN_MSG,
    mask_personnummer,
    normalise_personnummer,
    normalise_phone,
    normalise_postal_code,
)
from tracker.services.access import office_units_sql, require_read
from tracker.services.shared import one_row, record_audit, todays_date
from tracker.services.validation import personal_input, validate_input
from tracker.store import Connection, transaction
from tracker.store.connection import reading

# What someone who may not see them in full never sees (and the audit log records only as 'ändrat').
HIDDEN_FIELDS: tuple[str, ...] = tuple(
    f for f in PERSONAL_FIELDS if f not in ("lakarexamen_country", "lakarexamen_date", "legitimation_country")
)
CHANGED = "ändrat"
_NOT_EDITOR = (
    "Personuppgifterna ändras av ST-läkaren själv, av studierektorn eller verksamhetschefen för "
    "ST-läkarens enhet eller av en administratör."
)


@dataclass(frozen=True)
class PersonalDetails:
    """What Socialstyrelsen's forms ask of the applicant. ``masked``: the personnummer is shown as
    ÅÅMMDD-**** and the address and telephones are None, because the reader may not see them."""

    trainee_id: str
    email: str | None  # the trainee's account
    personnummer: str | None
    street_address: str | None
    postal_code: str | None  # 'NNN NN'
    postal_town: str | None
    phone_home: str | None
    phone_mobile: str | None
    phone_work: str | None
    lakarexamen_country: str | None
    lakarexamen_date: date | None
    legitimation_country: str | None
    legitimation_date: date | None  # the trainee's record's (trainee.legitimation_date)
    masked: bool = False


def _sees_everything(cur: duckdb.DuckDBPyConnection, actor: Actor, trainee_id: str) -> bool:
    """The trainee themself, an administrator, or an office role whose units hold the trainee's."""
    if actor.trainee_id == trainee_id or actor.is_admin:
        return True
    office = office_units_sql(actor)
    if office is None:
        return False
    sql, params = office
    row = cur.execute(
        f"SELECT count(*) FROM trainee WHERE trainee_id = $tid AND unit_id IN ({sql})", {**params, "tid": trainee_id}
    ).fetchone()
    return bool(row and row[0])


def sees_personal_details(con: Connection, actor: Actor, trainee_id: str) -> bool:
    """Whether the actor sees the trainee's personal details in full (and may change them); False when
    they see them masked. AccessDenied (NotFoundError for an administrator) when they may not read the
    trainee at all. Nothing is read, so nothing is logged."""
    require_read(con, actor, trainee_id)
    with reading(con) as cur:
        return _sees_everything(cur, actor, trainee_id)


def _stored(cur: duckdb.DuckDBPyConnection, trainee_id: str) -> dict[str, Any]:
    """The trainee's details as stored (every field None when there is no row yet), with the account's
    e-mail and the record's legitimation date."""
    row = one_row(
        cur,
        f"""SELECT t.trainee_id, p.email, t.legitimation_date, {", ".join(f"tp.{c}" for c in PERSONAL_FIELDS)}
            FROM trainee t LEFT JOIN person p USING (person_id) LEFT JOIN trainee_personal tp USING (trainee_id)
            WHERE t.trainee_id = ?""",
        [trainee_id],
    )
    assert row is not None, "require_read found the trainee"
    return row


def _details(row: Mapping[str, Any], *, masked: bool) -> PersonalDetails:
    details = PersonalDetails(**{k: row[k] for k in ("trainee_id", "email", "legitimation_date", *PERSONAL_FIELDS)})
    if not masked:
        return details
    hidden: dict[str, Any] = dict.fromkeys(HIDDEN_FIELDS)
    hidden["personnummer"] = mask_personnummer(details.personnummer) or None
    return replace(details, **hidden, masked=True)


def personal_details(con: Connection, actor: Actor, trainee_id: str) -> PersonalDetails:
    """The trainee's personal details as the actor may see them (see the module docstring); a read by the
    office is an audit row."""
    require_read(con, actor, trainee_id)
    with transaction(con) as cur:
        full = _sees_everything(cur, actor, trainee_id)
        details = _details(_stored(cur, trainee_id), masked=not full)
        if full and actor.trainee_id != trainee_id:
            record_audit(cur, actor, "read_personal", "trainee_personal", trainee_id, trainee_id, None, None)
    return details


def _cleaned(name: str, value: Any) -> Any:
    """A form's value as stored: texts without surrounding spaces, an empty text as None, the personnummer,
    postal code and telephones normalised; a datetime as its date."""
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    if name == "personnummer":
        return normalise_personnummer(text)
    if name == "postal_code":
        return normalise_postal_code(text)
    if name.startswith("phone_"):
        return normalise_phone(text)
    return text


def _held_by_another_person(cur: duckdb.DuckDBPyConnection, trainee_id: str, personnummer: str) -> bool:
    """Whether another person's trainee record holds ``personnummer`` (stored normalised). The trainee's
    other records (of the same person_id) do not count; a record without a person counts as a person of
    its own."""
    row = cur.execute(
        """SELECT count(*) FROM trainee_personal tp JOIN trainee t USING (trainee_id)
           WHERE tp.personnummer = $pnr AND tp.trainee_id <> $tid
             AND coalesce(t.person_id <> (SELECT person_id FROM trainee WHERE trainee_id = $tid), true)""",
        {"pnr": personnummer, "tid": trainee_id},
    ).fetchone()
    return bool(row and row[0])


def _audit_rows(stored: Mapping[str, Any], changed: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The audit row's before and after: the changed fields, the hidden ones only as 'ändrat' (after)."""
    before = {k: stored[k] for k in changed if k not in HIDDEN_FIELDS}
    after = {k: (CHANGED if k in HIDDEN_FIELDS else v) for k, v in changed.items()}
    return before or None, after


def update_personal_details(con: Connection, actor: Actor, trainee_id: str, **fields: Any) -> PersonalDetails:
    """Change the given fields of the trainee's personal details (``PERSONAL_FIELDS``; a field left out is
    kept, None or '' clears it); the trainee themself and the office may. Every field is checked
    (``validation.personal_input``; InputError with a FieldError per bad field, nothing written), and a new
    personnummer may not be another person's. One audit row when anything changed. Returns the details as
    now stored."""
    unknown = sorted(set(fields) - set(PERSONAL_FIELDS))
    if unknown:
        raise TypeError(f"update_personal_details: unknown fields {unknown}")
    require_read(con, actor, trainee_id)
    values = {k: _cleaned(k, v) for k, v in fields.items()}
    with transaction(con) as cur:
        if not _sees_everything(cur, actor, trainee_id):
            raise AccessDenied(_NOT_EDITOR)
        stored = _stored(cur, trainee_id)
        problems: list[FieldError] = []
        try:
            validate_input(
                personal_input(today=todays_date(), legitimation_date=stored["legitimation_date"]),
                "personuppgifter",
                {**{k: stored[k] for k in PERSONAL_FIELDS}, **values},
            )
        except InputError as exc:
            problems = list(exc.errors)
        number = values.get("personnummer")
        if (
            number is not None
            and number != stored["personnummer"]
            and not any(p.column == "personnummer" for p in problems)
            and _held_by_another_person(cur, trainee_id, number)
        ):
            problems.append(FieldError("personnummer", PERSONNUMMER_TAKEN_MSG))
        if problems:
            raise InputError(problems)
        changed = {k: v for k, v in values.items() if stored[k] != v}
        if not changed:
            return _details(stored, masked=False)
        exists = cur.execute("SELECT count(*) FROM trainee_personal WHERE trainee_id = ?", [trainee_id]).fetchone()
        if exists and exists[0]:
            sets = ", ".join(f"{k} = ${k}" for k in changed)
            cur.execute(f"UPDATE trainee_personal SET {sets} WHERE trainee_id = $tid", {**changed, "tid": trainee_id})
        else:
            cols = ["trainee_id", *changed]
            cur.execute(
                f"INSERT INTO trainee_personal ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [trainee_id, *changed.values()],
            )
        before, after = _audit_rows(stored, changed)
        record_audit(cur, actor, "update", "trainee_personal", trainee_id, trainee_id, before, after)
        return _details({**stored, **changed}, masked=False)
