"""Who may see what: the actor's scope as SQL and the checks every service function makes first.

- ST-läkare: their own record.
- Handledare: trainees with a supervision row for them covering today.
- Studierektor: trainees and intressenter whose unit lies in their region or area.
- Verksamhetschef: trainees and intressenter of their units.
- Admin: everything.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.accounts import Actor
from tracker.errors import AccessDenied, NotFoundError
from tracker.services.shared import todays_date
from tracker.store import Connection
from tracker.store.connection import reading
from tracker.store.scope import EVERYONE, TraineeScope

_OFFICE_ONLY = "Sidan är till för studierektorer, verksamhetschefer och administratörer."


def office_units_sql(actor: Actor) -> tuple[str, dict[str, Any]] | None:
    """Units whose trainees and intressenter the actor sees in an office role, or None."""
    if actor.is_admin:
        return "SELECT unit_id FROM unit", {}
    parts: list[str] = []
    params: dict[str, Any] = {}
    if "studierektor" in actor.roles and actor.regions:
        parts.append("list_contains($sr_regions, region_id)")
        params["sr_regions"] = sorted(actor.regions)
    if "studierektor" in actor.roles and actor.areas:
        parts.append("list_contains($sr_areas, region_id || '|' || area) OR list_contains($sr_areas, '|' || area)")
        params["sr_areas"] = sorted(f"{r}|{a}" for r, a in actor.areas)
    if "verksamhetschef" in actor.roles and actor.unit_ids:
        parts.append("list_contains($vc_units, unit_id)")
        params["vc_units"] = sorted(actor.unit_ids)
    if not parts:
        return None
    return "SELECT unit_id FROM unit WHERE " + " OR ".join(f"({p})" for p in parts), params


def visible_sql(actor: Actor, day: date | None = None) -> tuple[str, dict[str, Any]]:
    """A query giving the trainee_id of every trainee the actor may read."""
    if actor.is_admin:
        return "SELECT trainee_id FROM trainee", {}
    params: dict[str, Any] = {"v_pid": actor.person_id, "v_day": day or todays_date()}
    parts = [
        "SELECT trainee_id FROM supervision WHERE person_id = $v_pid AND start_date <= $v_day "
        "AND (end_date IS NULL OR end_date >= $v_day)"
    ]
    if actor.trainee_id:
        parts.append("SELECT trainee_id FROM trainee WHERE trainee_id = $v_own")
        params["v_own"] = actor.trainee_id
    office = office_units_sql(actor)
    if office is not None:
        sql, p = office
        parts.append(f"SELECT trainee_id FROM trainee WHERE unit_id IN ({sql})")
        params.update(p)
    return " UNION ".join(parts), params


def supervised_sql(actor: Actor, day: date | None = None) -> tuple[str, dict[str, Any]]:
    return (
        "SELECT trainee_id, min(kind) AS supervision_kind FROM supervision WHERE person_id = $s_pid "
        "AND start_date <= $s_day AND (end_date IS NULL OR end_date >= $s_day) GROUP BY trainee_id",
        {"s_pid": actor.person_id, "s_day": day or todays_date()},
    )


def can_read(con: Connection, actor: Actor, trainee_id: str) -> bool:
    sql, params = visible_sql(actor)
    with reading(con) as cur:
        row = cur.execute(
            f"SELECT count(*) FROM ({sql}) v WHERE v.trainee_id = $tid", {**params, "tid": trainee_id}
        ).fetchone()
    return bool(row and row[0])


def require_read(con: Connection, actor: Actor, trainee_id: str) -> None:
    if can_read(con, actor, trainee_id):
        return
    if actor.is_admin:
        raise NotFoundError(f"ST-läkare {trainee_id} finns inte.")
    raise AccessDenied("Du har inte behörighet att se den här ST-läkarens uppgifter.")


def require_own_write(con: Connection, actor: Actor, trainee_id: str) -> None:
    if actor.trainee_id == trainee_id:
        return
    if actor.is_admin:
        require_read(con, actor, trainee_id)
        return
    raise AccessDenied("Bara ST-läkaren själv (eller en administratör) kan lägga till uppgifter i sin utbildning.")


def require_office(actor: Actor, message: str = _OFFICE_ONLY) -> tuple[str, dict[str, Any]]:
    """The actor's office units (``office_units_sql``); AccessDenied(message) without an office role."""
    office = office_units_sql(actor)
    if office is None:
        raise AccessDenied(message)
    return office


def require_import(actor: Actor) -> None:
    if not actor.has("admin", "studierektor"):
        raise AccessDenied("Import är till för studierektorer och administratörer.")


def trainee_scope(actor: Actor) -> TraineeScope:
    """The trainees the actor may read, as a scope the set-based queries join (everyone for an admin)."""
    if actor.is_admin:
        return EVERYONE
    sql, params = visible_sql(actor)
    return TraineeScope(sql, params)
