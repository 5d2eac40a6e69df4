"""People and their role assignments: the full list (administrators), adding and removing roles (audited).

An administrator gives and removes any role; a studierektor gives and removes the roles handledare and
verksamhetschef at the units of their area, for the people they may edit (``tracker.services.people``).
"""

from __future__ import annotations

import os
import tempfile

import pandas as pd

from tracker.accounts import Actor, link_oidc_subject
from tracker.catalogue_file import Catalogue
from tracker.errors import AccessDenied, CatalogueError, FieldError, InputError, NotFoundError
from tracker.services.people import (
    UNIT_ROLES,
    RoleSpec,
    covers,
    insert_role,
    require_editable,
    require_manager,
    require_may_grant,
)
from tracker.services.shared import one_row, query, record_audit
from tracker.services.validation import ROLE_INPUT, validate_input
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
    """Give a person a role (studierektor: a region and/or area; verksamhetschef: a unit). Returns its id.

    An administrator gives any role; a studierektor handledare and verksamhetschef at a unit of their area.
    """
    require_manager(actor)
    spec = RoleSpec(role, region_id, area, unit_id).cleaned()
    validate_input(ROLE_INPUT, "roll", spec.values())
    with transaction(con) as cur:
        if not actor.is_admin and spec.role not in UNIT_ROLES:
            raise AccessDenied("Bara en administratör ger andra roller än handledare och verksamhetschef.")
        require_editable(cur, actor, person_id)
        return insert_role(cur, actor, person_id, require_may_grant(cur, actor, spec))


def remove_role(con: Connection, actor: Actor, role_assignment_id: int) -> None:
    """Remove a role assignment; an administrator cannot remove their own admin role, a studierektor only
    handledare and verksamhetschef at the units of their area."""
    require_manager(actor)
    with transaction(con) as cur:
        before = one_row(cur, "SELECT * FROM role_assignment WHERE role_assignment_id = ?", [role_assignment_id])
        if before is None:
            raise NotFoundError(f"Rolltilldelningen {role_assignment_id} finns inte.")
        if before["role"] == "admin" and before["person_id"] == actor.person_id:
            raise AccessDenied("Du kan inte ta bort din egen administratörsroll.")
        if not actor.is_admin:
            unit = (
                one_row(cur, "SELECT region_id, area FROM unit WHERE unit_id = ?", [before["unit_id"]])
                if before["unit_id"]
                else None
            )
            if before["role"] not in UNIT_ROLES or unit is None or not covers(actor, unit["region_id"], unit["area"]):
                raise AccessDenied("Du kan ta bort rollerna handledare och verksamhetschef vid enheter i ditt område.")
            require_editable(cur, actor, str(before["person_id"]))
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
