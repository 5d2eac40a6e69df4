"""People and their role assignments: listing, adding and removing roles (administrators only, audited)."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import pandas as pd

from tracker.accounts import Actor, link_oidc_subject
from tracker.catalogue_file import Catalogue
from tracker.domain import ROLES
from tracker.errors import AccessDenied, CatalogueError, FieldError, InputError, NotFoundError
from tracker.services.shared import one_row, query, record_audit
from tracker.store import Connection, catalogue, transaction

_ADMIN_ONLY = "Användare och roller hanteras av administratörer."


MAX_CATALOGUE_BYTES = 20 * 1024 * 1024


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied(_ADMIN_ONLY)


def link_identity(con: Connection, actor: Actor, person_id: str, subject: str) -> None:
    """Link a person to their organisation account (the provider's stable subject), for a provider that
    sends no verified e-mail address (administrators only, audited)."""
    _require_admin(actor)
    link_oidc_subject(con, person_id, subject, by=actor.person_id)


def role_assignments(con: Connection, actor: Actor) -> pd.DataFrame:
    """Every person with their role assignments (one row per assignment; people without roles once)."""
    _require_admin(actor)
    return query(
        con,
        """SELECT p.person_id, p.name, p.email, r.role_assignment_id, r.role, r.region_id, r.area, r.unit_id,
                  u.name AS unit_name
           FROM person p LEFT JOIN role_assignment r USING (person_id) LEFT JOIN unit u ON u.unit_id = r.unit_id
           ORDER BY p.name, p.person_id, r.role, r.role_assignment_id""",
    )


def add_role(
    con: Connection,
    actor: Actor,
    person_id: str,
    role: str,
    *,
    region_id: str | None = None,
    area: str | None = None,
    unit_id: str | None = None,
) -> int:
    """Give a person a role (studierektor: a region and/or area; verksamhetschef: a unit). Returns its id."""
    _require_admin(actor)
    errors: list[FieldError] = []
    if role not in ROLES:
        errors.append(FieldError("role", "okänd roll"))
    if role == "studierektor" and not (region_id or area):
        errors.append(FieldError("region_id", "en studierektor behöver en region eller ett område"))
    if role == "verksamhetschef" and not unit_id:
        errors.append(FieldError("unit_id", "en verksamhetschef behöver en enhet"))
    if errors:
        raise InputError(errors)
    values: dict[str, Any] = {
        "person_id": person_id,
        "role": role,
        "region_id": region_id or None,
        "area": area or None,
        "unit_id": unit_id or None,
    }
    with transaction(con) as cur:
        if one_row(cur, "SELECT person_id FROM person WHERE person_id = ?", [person_id]) is None:
            raise NotFoundError(f"Personen {person_id} finns inte.")
        same = one_row(
            cur,
            """SELECT count(*) AS n FROM role_assignment WHERE person_id = ? AND role = ?
               AND region_id IS NOT DISTINCT FROM ? AND area IS NOT DISTINCT FROM ? AND unit_id IS NOT DISTINCT FROM ?""",
            [person_id, role, values["region_id"], values["area"], values["unit_id"]],
        )
        if same and same["n"]:
            raise InputError([FieldError("role", "personen har redan den rollen")])
        row = cur.execute(
            """INSERT INTO role_assignment (person_id, role, region_id, area, unit_id) VALUES (?, ?, ?, ?, ?)
               RETURNING role_assignment_id""",
            [person_id, role, values["region_id"], values["area"], values["unit_id"]],
        ).fetchone()
        assert row is not None
        rid = int(row[0])
        record_audit(cur, actor, "add_role", "role_assignment", str(rid), None, None, values)
    return rid


def remove_role(con: Connection, actor: Actor, role_assignment_id: int) -> None:
    """Remove a role assignment; an administrator cannot remove their own admin role."""
    _require_admin(actor)
    with transaction(con) as cur:
        before = one_row(cur, "SELECT * FROM role_assignment WHERE role_assignment_id = ?", [role_assignment_id])
        if before is None:
            raise NotFoundError(f"Rolltilldelningen {role_assignment_id} finns inte.")
        if before["role"] == "admin" and before["person_id"] == actor.person_id:
            raise AccessDenied("Du kan inte ta bort din egen administratörsroll.")
        cur.execute("DELETE FROM role_assignment WHERE role_assignment_id = ?", [role_assignment_id])
        record_audit(cur, actor, "remove_role", "role_assignment", str(role_assignment_id), None, before, None)


def replace_catalogue(con: Connection, actor: Actor, data: bytes) -> int:
    """Replace the delmål catalogue with an uploaded catalogue file (administrators). Returns delmål rows."""
    _require_admin(actor)
    if len(data) > MAX_CATALOGUE_BYTES:
        raise InputError([FieldError("catalogue", "filen är större än 20 MB")])
    fd, name = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            cat = Catalogue.load(name)
        except CatalogueError as exc:
            raise InputError([FieldError("catalogue", str(exc))]) from None
    finally:
        os.unlink(name)
    with transaction(con) as cur:
        n = catalogue.write_catalogue(cur, cat)
        record_audit(cur, actor, "replace", "catalogue", "catalogue", None, None,
               {"delmal": n, "specialties": len(cat.specialties), "corrections": len(cat.corrections)})
    return n
