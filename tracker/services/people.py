"""The training office's registers: regions and units, people and their roles, supervision, moving a
trainee between units, and the one-time codes with which a local account gets a password.

Who may do what here:

- Administrator: everything, everywhere; the only one who creates regions, gives the roles
  studierektor and administratör and forces a new password (a reset code).
- Studierektor, within their regions and areas (``Actor.regions``, ``Actor.areas``): creates and edits
  the units there; creates handledare and verksamhetschefer for those units and edits the people
  connected to the area (a role at one of its units or, without a unit, placed in its region or area;
  a trainee record there; or a supervision of one of its trainees) unless they are studierektor or
  administrator; assigns the area's handledare (and those tied to no place at all) to the area's
  trainees, ends those supervisions and moves the trainees between the area's units; gives a
  first-password code to the people they may edit.
- Everyone else: nothing (AccessDenied).

Each write runs in one transaction with an audit row per change (creating a person with a role is a
person row and a role row; a one-time code's row is written by ``tracker.accounts.issue_code``).

DuckDB cannot change an indexed column of a row that other rows reference (see tracker/store/schema.py):
a person's e-mail address can therefore be changed only while nothing refers to the person yet, and a
unit's region only while no role, placement or ST-intressent refers to the unit. Both are refused with
a Swedish explanation (StateConflict) instead of a database error.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from tracker.accounts import Actor, change_password, has_password, issue_code
from tracker.errors import AccessDenied, FieldError, InputError, NotFoundError, StateConflict
from tracker.services.access import office_units_sql, require_read
from tracker.services.shared import date_columns, one_row, query, record_audit, todays_date
from tracker.services.validation import (
    FORM_ROLES,
    PERSON_INPUT,
    REGION_INPUT,
    ROLE_INPUT,
    SUPERVISION_END_INPUT,
    SUPERVISION_INPUT,
    UNIT_INPUT,
    validate_input,
)
from tracker.store import Connection, transaction
from tracker.store.connection import reading

OFFICE_ONLY = "Enheter, personer och handledarskap hanteras av studierektorer och administratörer."
ADMIN_ONLY_ROLES = ("studierektor", "admin")
UNIT_ROLES = ("handledare", "verksamhetschef")
EMAIL_LOCKED = (
    "E-postadressen kan inte ändras när personen redan har roller, handledarskap, en ST-utbildning, en "
    "engångskod eller ett kopplat organisationskonto. Lägg upp personen på nytt med rätt adress och ta "
    "bort rollerna från den gamla posten."
)
UNIT_REGION_LOCKED = (
    "Enheten kan inte flyttas till en annan region när roller, placeringar eller ST-intressenter hör till "
    "den. Lägg upp en ny enhet i den andra regionen och flytta ST-läkarna dit."
)
_OPEN_END = date(9999, 12, 31)


@dataclass(frozen=True)
class RoleSpec:
    """A role to give: studierektor with a region and/or an area; handledare and verksamhetschef at a unit."""

    role: str
    region_id: str | None = None
    area: str | None = None
    unit_id: str | None = None

    def cleaned(self) -> RoleSpec:
        """Surrounding spaces removed and empty texts as None."""

        def clean(v: str | None) -> str | None:
            return (v.strip() or None) if isinstance(v, str) else None

        return RoleSpec(self.role, clean(self.region_id), clean(self.area), clean(self.unit_id))

    def values(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --- scope ----------------------------------------------------------------------------------------


def require_manager(actor: Actor) -> None:
    """AccessDenied unless the actor is an administrator or a studierektor with a region or an area."""
    if actor.is_admin or ("studierektor" in actor.roles and (actor.regions or actor.areas)):
        return
    raise AccessDenied(OFFICE_ONLY)


def managed_units_sql(actor: Actor) -> tuple[str, dict[str, Any]]:
    """The units the actor administers (a verksamhetschef's own units do not count here)."""
    require_manager(actor)
    office = office_units_sql(dataclasses.replace(actor, roles=actor.roles - {"verksamhetschef"}, unit_ids=frozenset()))
    assert office is not None
    return office


def covers(actor: Actor, region_id: str, area: str) -> bool:
    """Whether a unit in ``region_id`` and ``area`` lies within what the actor administers."""
    if actor.is_admin:
        return True
    if "studierektor" not in actor.roles:
        return False
    return region_id in actor.regions or (region_id, area) in actor.areas or ("", area) in actor.areas


def _covers_sql(actor: Actor, region: str, area: str) -> tuple[str, dict[str, Any]]:
    """SQL for ``covers`` on a region column and an area column."""
    if actor.is_admin:
        return "true", {}
    parts: list[str] = []
    params: dict[str, Any] = {}
    if "studierektor" in actor.roles and actor.regions:
        parts.append(f"list_contains($cv_regions, {region})")
        params["cv_regions"] = sorted(actor.regions)
    if "studierektor" in actor.roles and actor.areas:
        parts.append(f"list_contains($cv_areas, {region} || '|' || {area}) OR list_contains($cv_areas, '|' || {area})")
        params["cv_areas"] = sorted(f"{r}|{a}" for r, a in actor.areas)
    return " OR ".join(f"coalesce({p}, false)" for p in parts) or "false", params


def _people_sql(actor: Actor) -> tuple[str, dict[str, Any]]:
    """The people connected to what the actor administers (everyone for an administrator): a role at one of
    its units (or, without a unit, placed in its region or area), a trainee record there, or a
    supervision of one of its trainees."""
    if actor.is_admin:
        return "SELECT person_id FROM person", {}
    units, params = managed_units_sql(actor)
    place, place_params = _covers_sql(actor, "region_id", "area")
    return (
        f"""SELECT person_id FROM role_assignment
            WHERE unit_id IN ({units})
               OR (unit_id IS NULL AND role NOT IN ('studierektor', 'admin') AND ({place}))
            UNION SELECT person_id FROM trainee WHERE person_id IS NOT NULL AND unit_id IN ({units})
            UNION SELECT s.person_id FROM supervision s JOIN trainee t USING (trainee_id)
                  WHERE t.unit_id IN ({units})""",
        {**params, **place_params},
    )


def _eligible_handledare_sql(actor: Actor) -> tuple[str, dict[str, Any]]:
    """People with the handledare role whom the actor may assign: the people of the actor's area, and
    handledare not tied to any unit, region or area."""
    people, params = _people_sql(actor)
    return (
        f"""SELECT person_id FROM role_assignment WHERE role = 'handledare'
            AND (person_id IN ({people}) OR (unit_id IS NULL AND region_id IS NULL AND area IS NULL))""",
        params,
    )


def _editable_sql(actor: Actor) -> tuple[str, dict[str, Any]]:
    """The people the actor may edit (and give a first password): a studierektor's people whose every place
    lies inside the area: no role outside its units (nor studierektor or administrator), no trainee record
    and no current supervision outside them. Someone also working elsewhere is edited by an administrator,
    so that no studierektor can reach another area's data through that person's account."""
    sql, params = _people_sql(actor)
    if actor.is_admin:
        return sql, params
    units, unit_params = managed_units_sql(actor)
    place, place_params = _covers_sql(actor, "region_id", "area")
    return (
        f"""SELECT person_id FROM ({sql}) AS connected WHERE person_id NOT IN (
                SELECT person_id FROM role_assignment
                WHERE role IN ('studierektor', 'admin')
                   OR (unit_id IS NOT NULL AND unit_id NOT IN ({units}))
                   OR (unit_id IS NULL AND (region_id IS NOT NULL OR area IS NOT NULL) AND NOT ({place}))
                UNION SELECT person_id FROM trainee WHERE person_id IS NOT NULL
                      AND (unit_id IS NULL OR unit_id NOT IN ({units}))
                UNION SELECT s.person_id FROM supervision s JOIN trainee t USING (trainee_id)
                      WHERE (s.end_date IS NULL OR s.end_date >= current_date)
                        AND (t.unit_id IS NULL OR t.unit_id NOT IN ({units})))""",
        {**params, **unit_params, **place_params},
    )


def _count(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> int:
    row = cur.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def _in(cur: duckdb.DuckDBPyConnection, scope: tuple[str, dict[str, Any]], column: str, key: str) -> bool:
    sql, params = scope
    return bool(_count(cur, f"SELECT count(*) FROM ({sql}) AS s WHERE s.{column} = $key", {**params, "key": key}))


def _referenced_sql(cur: duckdb.DuckDBPyConnection, table: str) -> str:
    """A query of every key of ``table`` that another table's foreign key refers to (from the catalogue,
    so that a later table with a reference counts too)."""
    rows = cur.execute(
        """SELECT table_name, constraint_column_names FROM duckdb_constraints()
           WHERE constraint_type = 'FOREIGN KEY' AND referenced_table = ? ORDER BY table_name""",
        [table],
    ).fetchall()
    parts = [f'SELECT "{columns[0]}" AS key FROM "{name}"' for name, columns in rows]
    return " UNION ".join(parts) if parts else "SELECT NULL AS key WHERE false"


def _is_referenced(cur: duckdb.DuckDBPyConnection, table: str, key: str) -> bool:
    sql = _referenced_sql(cur, table)
    return bool(_count(cur, f"SELECT count(*) FROM ({sql}) AS r WHERE r.key = $key", {"key": key}))


def may_edit(cur: duckdb.DuckDBPyConnection, actor: Actor, person_id: str) -> bool:
    """Whether the actor may edit the person (and hand them a first-password code): ``_editable_sql``."""
    return _in(cur, _editable_sql(actor), "person_id", person_id)


def require_editable(cur: duckdb.DuckDBPyConnection, actor: Actor, person_id: str) -> dict[str, Any]:
    """The person's row, if the actor may edit the person (NotFoundError / AccessDenied otherwise)."""
    person = one_row(cur, "SELECT person_id, name, email, password_hash FROM person WHERE person_id = ?", [person_id])
    if person is None and actor.is_admin:
        raise NotFoundError(f"Personen {person_id} finns inte.")
    if person is None or not may_edit(cur, actor, person_id):
        raise AccessDenied(
            "Du kan ändra personer som bara har roller och handledarskap i ditt område, utom studierektorer och "
            "administratörer; den som också finns i ett annat område ändras av en administratör."
        )
    return person


def _require_managed_trainee(cur: duckdb.DuckDBPyConnection, actor: Actor, trainee_id: str) -> dict[str, Any]:
    """The trainee's row, if the trainee's unit lies within what the actor administers."""
    row = one_row(cur, "SELECT trainee_id, person_id, name, unit_id FROM trainee WHERE trainee_id = ?", [trainee_id])
    if row is None and actor.is_admin:
        raise NotFoundError(f"ST-läkare {trainee_id} finns inte.")
    if actor.is_admin:
        assert row is not None
        return row
    if row is None or not row["unit_id"] or not _in(cur, managed_units_sql(actor), "unit_id", str(row["unit_id"])):
        raise AccessDenied("ST-läkaren hör inte till en enhet i ditt område.")
    return row


def _unit(cur: duckdb.DuckDBPyConnection, unit_id: str) -> dict[str, Any] | None:
    return one_row(cur, "SELECT unit_id, name, region_id, area, kind FROM unit WHERE unit_id = ?", [unit_id])


# --- regions and units ----------------------------------------------------------------------------


def office_regions(con: Connection, actor: Actor) -> pd.DataFrame:
    """The regions the actor may place units in (every region for an administrator)."""
    require_manager(actor)
    everywhere = actor.is_admin or any(region == "" for region, _ in actor.areas)
    regions = sorted(actor.regions | {region for region, _ in actor.areas})
    return query(
        con,
        "SELECT region_id, name FROM region WHERE $all OR list_contains($regions, region_id) ORDER BY name",
        {"all": everywhere, "regions": regions},
    )


def create_region(con: Connection, actor: Actor, region_id: str, name: str) -> str:
    """Add a region (administrators only)."""
    if not actor.is_admin:
        raise AccessDenied("Regioner läggs upp av administratörer.")
    values = {"region_id": region_id.strip(), "name": name.strip()}
    validate_input(REGION_INPUT, "region", values)
    with transaction(con) as cur:
        taken = one_row(
            cur, "SELECT region_id, name FROM region WHERE region_id = ? OR name = ?", [values["region_id"], values["name"]]
        )
        if taken is not None:
            if taken["region_id"] == values["region_id"]:
                raise InputError([FieldError("region_id", "det finns redan en region med det id:t")])
            raise InputError([FieldError("name", "det finns redan en region med det namnet")])
        cur.execute("INSERT INTO region (region_id, name) VALUES ($region_id, $name)", values)
        record_audit(cur, actor, "add", "region", values["region_id"], None, None, values)
    return values["region_id"]


def office_units(con: Connection, actor: Actor) -> pd.DataFrame:
    """The units the actor administers, with their number of trainees and whether their region is fixed
    (``region_locked``: roles, placements or ST-intressenter refer to the unit)."""
    units, params = managed_units_sql(actor)
    with reading(con) as cur:
        referenced = _referenced_sql(cur, "unit")
    return query(
        con,
        f"""SELECT u.unit_id, u.name, u.region_id, r.name AS region_name, u.area, u.kind,
                   (SELECT count(*) FROM trainee t WHERE t.unit_id = u.unit_id) AS trainees,
                   u.unit_id IN ({referenced}) AS region_locked
            FROM unit u JOIN region r USING (region_id)
            WHERE u.unit_id IN ({units})
            ORDER BY r.name, u.area, u.name, u.unit_id""",
        params,
    )


def _unit_values(unit_id: str, name: str, region_id: str, area: str, kind: str) -> dict[str, Any]:
    values = {"unit_id": unit_id, "name": name, "region_id": region_id, "area": area, "kind": kind}
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _require_region(cur: duckdb.DuckDBPyConnection, region_id: str) -> None:
    if one_row(cur, "SELECT region_id FROM region WHERE region_id = ?", [region_id]) is None:
        raise InputError([FieldError("region_id", "okänd region")])


def create_unit(
    con: Connection, actor: Actor, *, unit_id: str, name: str, region_id: str, area: str, kind: str
) -> str:
    """Add a unit; a studierektor only within their own region or area."""
    require_manager(actor)
    values = _unit_values(unit_id, name, region_id, area, kind)
    validate_input(UNIT_INPUT, "enhet", values)
    with transaction(con) as cur:
        _require_region(cur, values["region_id"])
        if not covers(actor, values["region_id"], values["area"]):
            raise AccessDenied("Du kan bara lägga upp enheter inom ditt eget område.")
        if _unit(cur, values["unit_id"]) is not None:
            raise InputError([FieldError("unit_id", "det finns redan en enhet med det id:t")])
        cur.execute(
            "INSERT INTO unit (unit_id, name, region_id, area, kind) VALUES ($unit_id, $name, $region_id, $area, $kind)",
            values,
        )
        record_audit(cur, actor, "add", "unit", values["unit_id"], None, None, values)
    return str(values["unit_id"])


def update_unit(
    con: Connection, actor: Actor, unit_id: str, *, name: str, region_id: str, area: str, kind: str
) -> None:
    """Change a unit's name, region, area and kind; a studierektor only for a unit within their area, and
    only to keep it there."""
    require_manager(actor)
    values = _unit_values(unit_id, name, region_id, area, kind)
    validate_input(UNIT_INPUT, "enhet", values)
    with transaction(con) as cur:
        before = _unit(cur, unit_id)
        if before is None and actor.is_admin:
            raise NotFoundError(f"Enheten {unit_id} finns inte.")
        if before is None or not covers(actor, str(before["region_id"]), str(before["area"])):
            raise AccessDenied("Enheten ligger utanför ditt område.")
        if not covers(actor, values["region_id"], values["area"]):
            raise AccessDenied("Du kan inte flytta enheten utanför ditt område.")
        changed = {k: v for k, v in values.items() if before[k] != v}
        if not changed:
            return
        if "region_id" in changed:
            _require_region(cur, values["region_id"])
            if _is_referenced(cur, "unit", unit_id):
                raise StateConflict(UNIT_REGION_LOCKED)
        sets = ", ".join(f"{k} = ${k}" for k in changed)
        cur.execute(f"UPDATE unit SET {sets} WHERE unit_id = $unit_id", {**changed, "unit_id": unit_id})
        record_audit(cur, actor, "update", "unit", unit_id, None, before, {**before, **changed})


# --- people and roles -----------------------------------------------------------------------------


def office_people(con: Connection, actor: Actor) -> pd.DataFrame:
    """The people the actor administers, one row per role assignment (people without a role once).

    ``editable``: the actor may change the person and give them a code; ``has_password``: the person has
    a local password; ``email_locked``: the e-mail address can no longer be changed; ``removable``: the
    actor may remove the role assignment of the row.
    """
    people, params = _people_sql(actor)
    editable, _ = _editable_sql(actor)
    units, unit_params = managed_units_sql(actor)
    with reading(con) as cur:
        referenced = _referenced_sql(cur, "person")
    df = query(
        con,
        f"""SELECT p.person_id, p.name, p.email, p.password_hash IS NOT NULL AS has_password,
                   p.person_id IN ({editable}) AS editable,
                   p.person_id IN ({referenced}) AS email_locked,
                   r.role_assignment_id, r.role, r.region_id, r.area, r.unit_id, u.name AS unit_name,
                   r.role_assignment_id IS NOT NULL AND p.person_id IN ({editable})
                     AND ($is_admin OR (r.role IN ('handledare', 'verksamhetschef') AND r.unit_id IN ({units})))
                     AS removable
            FROM person p LEFT JOIN role_assignment r USING (person_id) LEFT JOIN unit u ON u.unit_id = r.unit_id
            WHERE p.person_id IN ({people})
            ORDER BY p.name, p.person_id, r.role, r.role_assignment_id""",
        {**params, **unit_params, "is_admin": actor.is_admin},
    )
    for column in ("has_password", "editable", "email_locked", "removable"):
        df[column] = df[column].fillna(False).astype(bool)
    return df


def require_may_grant(cur: duckdb.DuckDBPyConnection, actor: Actor, spec: RoleSpec) -> RoleSpec:
    """The role as it is stored, if the actor may give it (AccessDenied / InputError otherwise).

    A studierektor gives handledare and verksamhetschef at a unit of their area (the unit is the role's
    scope); an administrator gives any role, anywhere.
    """
    if spec.unit_id and _unit(cur, spec.unit_id) is None:
        raise InputError([FieldError("unit_id", "okänd enhet")])
    if spec.region_id:
        _require_region(cur, spec.region_id)
    if actor.is_admin:
        return spec
    if spec.role in ADMIN_ONLY_ROLES:
        raise AccessDenied("Bara en administratör ger rollerna studierektor och administratör.")
    if spec.role not in UNIT_ROLES:
        raise AccessDenied("Du kan ge rollerna handledare och verksamhetschef vid enheter i ditt område.")
    if not spec.unit_id:
        raise InputError([FieldError("unit_id", "välj enheten i ditt område där personen arbetar")])
    unit = _unit(cur, spec.unit_id)
    assert unit is not None
    if not covers(actor, str(unit["region_id"]), str(unit["area"])):
        raise AccessDenied("Enheten ligger utanför ditt område.")
    return RoleSpec(spec.role, unit_id=spec.unit_id)


def insert_role(cur: duckdb.DuckDBPyConnection, actor: Actor, person_id: str, spec: RoleSpec) -> int:
    """Store a role assignment (audited) and return its id; the same role twice is an InputError (for a
    role at a unit: the same unit, whatever region or area the earlier row names)."""
    values = {"person_id": person_id, **spec.values()}
    if spec.role in UNIT_ROLES and spec.unit_id:
        same = _count(
            cur,
            "SELECT count(*) FROM role_assignment WHERE person_id = $p AND role = $role AND unit_id = $unit",
            {"p": person_id, "role": spec.role, "unit": spec.unit_id},
        )
    else:
        same = _count(
            cur,
            """SELECT count(*) FROM role_assignment WHERE person_id = $person_id AND role = $role
               AND region_id IS NOT DISTINCT FROM $region_id AND area IS NOT DISTINCT FROM $area
               AND unit_id IS NOT DISTINCT FROM $unit_id""",
            values,
        )
    if same:
        raise InputError([FieldError("role", "personen har redan den rollen")])
    row = cur.execute(
        """INSERT INTO role_assignment (person_id, role, region_id, area, unit_id)
           VALUES ($person_id, $role, $region_id, $area, $unit_id) RETURNING role_assignment_id""",
        values,
    ).fetchone()
    assert row is not None
    rid = int(row[0])
    record_audit(cur, actor, "add_role", "role_assignment", str(rid), None, None, values)
    return rid


def create_person(
    con: Connection, actor: Actor, *, name: str, email: str, roles: Sequence[RoleSpec] = ()
) -> str:
    """Add a person with an e-mail address (unique, whatever the case) and roles; returns the person_id.

    A studierektor must give at least one role at a unit of their area (handledare or verksamhetschef).
    The person signs in with the organisation account of that address, or locally once given a
    one-time code (:func:`issue_password_code`).
    """
    require_manager(actor)
    values = {"name": name.strip(), "email": email.strip()}
    validate_input(PERSON_INPUT, "person", values)
    specs = [spec.cleaned() for spec in roles]
    for spec in specs:
        validate_input(ROLE_INPUT, "roll", spec.values())
        if spec.role not in FORM_ROLES:
            raise InputError([FieldError("role", "ST-läkare läggs upp genom inskrivning eller import")])
    if not actor.is_admin and not specs:
        raise InputError([FieldError("role", "ge personen en roll vid en enhet i ditt område")])
    person_id = f"P-{uuid.uuid4().hex[:12]}"
    with transaction(con) as cur:
        granted = [require_may_grant(cur, actor, spec) for spec in specs]
        if one_row(cur, "SELECT person_id FROM person WHERE lower(email) = lower(?)", [values["email"]]):
            raise InputError([FieldError("email", "det finns redan en person med den e-postadressen")])
        cur.execute("INSERT INTO person (person_id, name, email) VALUES (?, ?, ?)", [person_id, *values.values()])
        record_audit(cur, actor, "add", "person", person_id, None, None, {"person_id": person_id, **values})
        for spec in granted:
            insert_role(cur, actor, person_id, spec)
    return person_id


def update_person(con: Connection, actor: Actor, person_id: str, *, name: str, email: str) -> None:
    """Change a person's name (and their trainee record's) and e-mail address.

    The address can change only while nothing refers to the person (StateConflict otherwise, see the
    module docstring).
    """
    require_manager(actor)
    values = {"name": name.strip(), "email": email.strip()}
    validate_input(PERSON_INPUT, "person", values)
    with transaction(con) as cur:
        person = require_editable(cur, actor, person_id)
        before = {"name": person["name"], "email": person["email"]}
        changed = {k: v for k, v in values.items() if before[k] != v}
        if not changed:
            return
        if "email" in changed:
            taken = one_row(
                cur,
                "SELECT person_id FROM person WHERE lower(email) = lower(?) AND person_id <> ?",
                [values["email"], person_id],
            )
            if taken is not None:
                raise InputError([FieldError("email", "det finns redan en person med den e-postadressen")])
            if _is_referenced(cur, "person", person_id):
                raise StateConflict(EMAIL_LOCKED)
        sets = ", ".join(f"{k} = ${k}" for k in changed)
        cur.execute(f"UPDATE person SET {sets} WHERE person_id = $person_id", {**changed, "person_id": person_id})
        trainee = one_row(cur, "SELECT trainee_id FROM trainee WHERE person_id = ?", [person_id])
        trainee_id = str(trainee["trainee_id"]) if trainee else None
        if trainee_id and "name" in changed:
            cur.execute("UPDATE trainee SET name = ? WHERE trainee_id = ?", [values["name"], trainee_id])
        record_audit(cur, actor, "update", "person", person_id, trainee_id, before, {**before, **changed})


# --- supervision and moving trainees --------------------------------------------------------------


def office_trainees(con: Connection, actor: Actor) -> pd.DataFrame:
    """The trainees whose supervision and unit the actor administers."""
    units, params = managed_units_sql(actor)
    where = "" if actor.is_admin else f"WHERE t.unit_id IN ({units})"
    return query(
        con,
        f"""SELECT t.trainee_id, t.name, t.specialty, t.st_start_date, t.unit_id, u.name AS unit_name, u.region_id, u.area
            FROM trainee t LEFT JOIN unit u USING (unit_id) {where}
            ORDER BY t.name, t.trainee_id""",
        params,
    )


def supervisor_choices(con: Connection, actor: Actor) -> pd.DataFrame:
    """People with the handledare role whom the actor may assign: the people of the actor's area, and
    handledare not tied to any unit, region or area; with the units of their handledare roles."""
    require_manager(actor)
    eligible, params = _eligible_handledare_sql(actor)
    return query(
        con,
        f"""SELECT p.person_id, p.name, p.email,
                   coalesce(string_agg(DISTINCT u.name, ', ' ORDER BY u.name), '') AS units
            FROM person p JOIN role_assignment r USING (person_id) LEFT JOIN unit u ON u.unit_id = r.unit_id
            WHERE r.role = 'handledare' AND p.person_id IN ({eligible})
            GROUP BY p.person_id, p.name, p.email
            ORDER BY p.name, p.person_id""",
        params,
    )


def supervisions(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """Every supervision of the trainee, current, coming and ended, with ``status`` in Swedish."""
    require_read(con, actor, trainee_id)
    df = query(
        con,
        """SELECT s.supervision_id, s.person_id, p.name, p.email, s.kind, s.start_date, s.end_date,
                  CASE WHEN s.start_date > $d THEN 'kommande'
                       WHEN s.end_date IS NOT NULL AND s.end_date < $d THEN 'avslutat'
                       ELSE 'pågår' END AS status
           FROM supervision s JOIN person p USING (person_id)
           WHERE s.trainee_id = $t
           ORDER BY s.end_date IS NOT NULL AND s.end_date < $d, s.kind DESC, s.start_date DESC, p.name""",
        {"t": trainee_id, "d": todays_date()},
    )
    return date_columns(df, ["start_date", "end_date"])


def assign_supervisor(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    person_id: str,
    *,
    kind: str,
    start_date: date,
    end_date: date | None = None,
) -> int:
    """Make a person with the handledare role huvudhandledare or handledare of a trainee for a period
    (no end: until further notice); returns the supervision's id.

    The role is not given here: a person without it is an InputError (give the role first). A trainee
    has one huvudhandledare at a time, and a person one supervision of a trainee at a time.
    """
    require_manager(actor)
    values = {"kind": kind, "start_date": start_date, "end_date": end_date}
    validate_input(SUPERVISION_INPUT, "handledarskap", values)
    with transaction(con) as cur:
        trainee = _require_managed_trainee(cur, actor, trainee_id)
        if one_row(cur, "SELECT person_id FROM person WHERE person_id = ?", [person_id]) is None:
            raise NotFoundError(f"Personen {person_id} finns inte.")
        if trainee["person_id"] == person_id:
            raise InputError([FieldError("role", "en ST-läkare kan inte vara sin egen handledare")])
        if not _count(
            cur, "SELECT count(*) FROM role_assignment WHERE person_id = $p AND role = 'handledare'", {"p": person_id}
        ):
            raise InputError([FieldError("role", "personen har inte rollen handledare; ge personen rollen först")])
        if not _in(cur, _eligible_handledare_sql(actor), "person_id", person_id):
            raise AccessDenied("Handledaren hör inte till ditt område.")
        period = {"t": trainee_id, "p": person_id, "s": start_date, "e": end_date or _OPEN_END, "open": _OPEN_END}
        overlaps = "start_date <= $e AND coalesce(end_date, $open) >= $s AND trainee_id = $t"
        if _count(cur, f"SELECT count(*) FROM supervision WHERE {overlaps} AND person_id = $p", period):
            raise InputError(
                [FieldError("start_date", "personen är redan handledare för ST-läkaren under en del av perioden")]
            )
        others = {k: v for k, v in period.items() if k != "p"}
        if kind == "huvudhandledare" and _count(
            cur, f"SELECT count(*) FROM supervision WHERE {overlaps} AND kind = 'huvudhandledare'", others
        ):
            raise InputError(
                [
                    FieldError(
                        "kind",
                        "ST-läkaren har redan en huvudhandledare under perioden; avsluta det handledarskapet "
                        "dagen före",
                    )
                ]
            )
        row = cur.execute(
            """INSERT INTO supervision (trainee_id, person_id, kind, start_date, end_date)
               VALUES (?, ?, ?, ?, ?) RETURNING supervision_id""",
            [trainee_id, person_id, kind, start_date, end_date],
        ).fetchone()
        assert row is not None
        sid = int(row[0])
        after = {"supervision_id": sid, "trainee_id": trainee_id, "person_id": person_id, **values}
        record_audit(cur, actor, "add", "supervision", str(sid), trainee_id, None, after)
    return sid


def end_supervision(con: Connection, actor: Actor, supervision_id: int, end_date: date) -> None:
    """End a supervision on ``end_date`` (its last day); one that has already ended is a StateConflict."""
    require_manager(actor)
    with transaction(con) as cur:
        before = one_row(cur, "SELECT * FROM supervision WHERE supervision_id = ?", [supervision_id])
        if before is None:
            raise NotFoundError(f"Handledarskapet {supervision_id} finns inte.")
        _require_managed_trainee(cur, actor, str(before["trainee_id"]))
        if before["end_date"] is not None and before["end_date"] < todays_date():
            raise StateConflict(f"Handledarskapet är redan avslutat ({before['end_date'].isoformat()}).")
        validate_input(SUPERVISION_END_INPUT, "handledarskap", {"start_date": before["start_date"], "end_date": end_date})
        cur.execute("UPDATE supervision SET end_date = ? WHERE supervision_id = ?", [end_date, supervision_id])
        record_audit(
            cur, actor, "update", "supervision", str(supervision_id), str(before["trainee_id"]), before,
            {**before, "end_date": end_date},
        )


def move_trainee(con: Connection, actor: Actor, trainee_id: str, unit_id: str) -> None:
    """Move a trainee to another unit; a studierektor only between units of their area."""
    require_manager(actor)
    with transaction(con) as cur:
        trainee = _require_managed_trainee(cur, actor, trainee_id)
        target = _unit(cur, unit_id)
        if target is None:
            raise InputError([FieldError("unit_id", "okänd enhet")])
        if not covers(actor, str(target["region_id"]), str(target["area"])):
            raise AccessDenied("Du kan bara flytta ST-läkare till enheter i ditt område.")
        if trainee["unit_id"] == unit_id:
            raise InputError([FieldError("unit_id", "ST-läkaren är redan på den enheten")])
        cur.execute("UPDATE trainee SET unit_id = ? WHERE trainee_id = ?", [unit_id, trainee_id])
        if trainee["person_id"] and trainee["unit_id"]:
            # The ST-läkare role of an inskrivning names the unit: it follows the trainee.
            cur.execute(
                """UPDATE role_assignment SET unit_id = $new WHERE person_id = $p AND role = 'st_lakare'
                   AND unit_id = $old AND NOT EXISTS (SELECT 1 FROM role_assignment
                       WHERE person_id = $p AND role = 'st_lakare' AND unit_id = $new)""",
                {"new": unit_id, "old": trainee["unit_id"], "p": trainee["person_id"]},
            )
        record_audit(
            cur, actor, "update", "trainee", trainee_id, trainee_id,
            {"unit_id": trainee["unit_id"]}, {"unit_id": unit_id},
        )


# --- local accounts -------------------------------------------------------------------------------


def issue_password_code(con: Connection, actor: Actor, person_id: str, *, purpose: str = "first_password") -> str:
    """A one-time code with which the person sets a password, shown once to the one who hands it over.

    ``first_password``: for a person without a password (a studierektor for the people they may edit, an
    administrator for anyone). ``reset`` (administrators only): the current password stops working at once.
    """
    require_manager(actor)
    if purpose == "reset" and not actor.is_admin:
        raise AccessDenied("Bara en administratör kan tvinga fram ett nytt lösenord.")
    if purpose not in ("first_password", "reset"):
        raise InputError([FieldError("purpose", "okänd sorts engångskod")])
    with reading(con) as cur:
        person = require_editable(cur, actor, person_id)
    if not person["email"]:
        raise StateConflict("Personen har ingen e-postadress; koden används tillsammans med adressen.")
    if purpose == "first_password" and person["password_hash"]:
        raise StateConflict("Personen har redan ett lösenord. En administratör kan tvinga fram ett nytt.")
    return issue_code(con, person_id, purpose=purpose, by=actor.person_id)


def has_local_password(con: Connection, actor: Actor) -> bool:
    """Whether the signed-in person has a local password (to change)."""
    return has_password(con, actor.person_id)


def change_own_password(con: Connection, actor: Actor, current: str, new: str) -> None:
    """The signed-in person changes their own password (``tracker.accounts.change_password``)."""
    change_password(con, actor.person_id, current, new)
