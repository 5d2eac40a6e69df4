"""The audit trail: read-only access to ``audit_log``, scoped like the records it describes.

- ST-läkare: rows about their own record.
- Handledare: rows about the trainees they supervise now.
- Studierektor: rows about trainees in their region or area, plus their own actions.
- Verksamhetschef: rows about trainees of their units.
- Admin: everything.

Nothing here (nor anywhere in the services) updates or deletes audit rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from tracker.accounts import Actor
from tracker.domain import TYPE_LABELS
from tracker.services import audit_changes
from tracker.services.access import require_read, visible_sql
from tracker.services.shared import query
from tracker.spreadsheet import csv_bytes
from tracker.store import Connection

LOCAL_TIMEZONE = "Europe/Stockholm"

ACTION_LABELS: dict[str, str] = {
    "add": "Lade till",
    "update": "Ändrade",
    "delete": "Tog bort",
    "withdraw": "Drog tillbaka",
    "request_signature": "Skickade för signering",
    "sign": "Signerade",
    "return": "Returnerade",
    "void": "Makulerade",
    "reissue": "Utfärdade på nytt",
    "move": "Flyttade i kön",
    "documents": "Uppdaterade dokument",
    "enrol": "Skrev in",
    "import": "Importerade",
    "add_role": "Gav roll",
    "remove_role": "Tog bort roll",
    "replace": "Ersatte",
    "login_failed": "Misslyckad inloggning",
    "lockout": "Kontot låstes",
    "oidc_link": "Kopplade organisationskonto",
    "sign_out": "Loggade ut",
    "create_admin": "Skapade administratör",
    "import_add": "Importerade ny",
    "import_update": "Ändrade genom import",
    "import_delete": "Tog bort genom import",
    "export": "Exporterade",
    "application": "Skapade ansökan till Socialstyrelsen",
    "fetch_forms": "Hämtade Socialstyrelsens blanketter",
    "register": "Registrerade",
    "issue_code": "Skapade engångskod",
    "set_password": "Satte lösenord",
    "report": "Skapade rapport",
    "read_personal": "Läste personuppgifter",
    "backup": "Gjorde säkerhetskopia",
}

ENTITY_LABELS: dict[str, str] = {
    "placement": "Placering",
    "leave": "Ledighet",
    "certificate": "Intyg",
    "intressent": "ST-intressent",
    "trainee": "ST-läkare",
    "role_assignment": "Roll",
    "credit": "Tillgodoräknande",
    "person": "Person",
    "bundle": "Paket (import eller export)",
    "application": "Ansökan (ifyllda blanketter)",
    "forms": "Blanketter",
    "unit": "Enhet",
    "region": "Region",
    "role": "Roll",
    "supervision": "Handledarskap",
    "trainee_personal": "Personuppgifter",
    "st_contract": "ST-kontrakt",
    "catalogue": "Delmålskatalog",
    "iup_report": "IUP-rapport",
    "backup": "Säkerhetskopia",
}

# Column headings of the exported file, in order.
CSV_COLUMNS: dict[str, str] = {
    "logged_at": "Tidpunkt",
    "actor_name": "Vem",
    "action_label": "Händelse",
    "entity_label": "Post",
    "entity_id": "Post-id",
    "record_name": "Avser",
    "trainee_name": "ST-läkare",
    "change": "Ändring",
    "before_json": "Före",
    "after_json": "Efter",
}


def audit_trail(
    con: Connection,
    actor: Actor,
    trainee_id: str | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """The audit rows the actor may see, newest first; optionally for one trainee and a date range.

    Columns: audit_id, logged_at (local time), actor_person_id, actor_name, action, action_label, entity,
    entity_label, entity_id, trainee_id, trainee_name, before_json, after_json, and readable: change (the
    changed fields, "Slutdatum: 2024-03-31 → 2024-06-30"; ``audit_changes.describe_change``), change_lines
    (the same, one text per field) and record_name (what the row is about, by name where one is known).
    """
    params: dict[str, Any] = {}
    where: list[str] = []
    if not actor.is_admin:
        sql, params = visible_sql(actor)
        scope = f"a.trainee_id IN ({sql})"
        if "studierektor" in actor.roles:
            scope += " OR a.actor_person_id = $me"
            params["me"] = actor.person_id
        where.append(f"({scope})")
    if trainee_id is not None:
        require_read(con, actor, trainee_id)
        where.append("a.trainee_id = $tid")
        params["tid"] = trainee_id
    df = query(
        con,
        f"""SELECT a.audit_id, a.logged_at, a.actor_person_id, p.name AS actor_name, a.action, a.entity,
                   a.entity_id, a.trainee_id, t.name AS trainee_name, a.before_json, a.after_json
            FROM audit_log a
            LEFT JOIN person p ON p.person_id = a.actor_person_id
            LEFT JOIN trainee t ON t.trainee_id = a.trainee_id
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY a.logged_at DESC, a.audit_id DESC""",
        params,
    )
    stamps = pd.to_datetime(df["logged_at"])
    df["logged_at"] = stamps.dt.tz_localize("UTC").dt.tz_convert(LOCAL_TIMEZONE).dt.tz_localize(None)
    if start is not None:
        df = df[df["logged_at"] >= pd.Timestamp(start)]
    if end is not None:
        df = df[df["logged_at"] < pd.Timestamp(end + timedelta(days=1))]
    df = df.reset_index(drop=True)
    df["actor_name"] = df["actor_name"].fillna(df["actor_person_id"]).fillna("")
    df["trainee_name"] = df["trainee_name"].fillna(df["trainee_id"]).fillna("")
    df["action_label"] = df["action"].map(lambda a: ACTION_LABELS.get(a, a))
    df["entity_label"] = df["entity"].map(lambda e: ENTITY_LABELS.get(e, e))
    return _readable(con, df)


def _readable(con: Connection, df: pd.DataFrame) -> pd.DataFrame:
    """The rows' ``change`` and ``record_name`` columns, with the names of the ids they hold."""
    befores = [audit_changes.parse(v) for v in df["before_json"]]
    afters = [audit_changes.parse(v) for v in df["after_json"]]
    ids = audit_changes.referenced_ids([*befores, *afters])
    ids["people"] |= {str(e) for e, k in zip(df["entity_id"], df["entity"], strict=True) if k == "person"}
    ids["units"] |= {str(e) for e, k in zip(df["entity_id"], df["entity"], strict=True) if k == "unit"}
    ids["certificates"] |= {str(e) for e, k in zip(df["entity_id"], df["entity"], strict=True) if k == "certificate"}
    names = audit_changes.Names(
        people=_names(con, "SELECT person_id, name FROM person WHERE list_contains($ids, person_id)", ids["people"]),
        units=_names(con, "SELECT unit_id, name FROM unit WHERE list_contains($ids, unit_id)", ids["units"]),
        regions=_names(con, "SELECT region_id, name FROM region WHERE list_contains($ids, region_id)", ids["regions"]),
        certificates={
            **{k: TYPE_LABELS.get(v, v) for k, v in _names(
                con, "SELECT certificate_id, type FROM certificate WHERE list_contains($ids, certificate_id)",
                ids["certificates"],
            ).items()},
            **_names(
                con,
                "SELECT certificate_id, title FROM certificate WHERE list_contains($ids, certificate_id) AND title <> ''",
                ids["certificates"],
            ),
        },
        trainees={
            **dict(zip(df["trainee_id"].dropna(), df["trainee_name"][df["trainee_id"].notna()], strict=True)),
            **_names(con, "SELECT trainee_id, name FROM trainee WHERE list_contains($ids, trainee_id)", ids["trainees"]),
        },
    )
    rows = zip(df["entity"], df["entity_id"], befores, afters, strict=True)
    lines, records = [], []
    for entity, entity_id, before, after in rows:
        lines.append(audit_changes.change_lines(str(entity), before, after, names))
        records.append(audit_changes.record_name(str(entity), str(entity_id), before, after, names))
    df["change_lines"] = pd.Series(lines, index=df.index, dtype=object)
    df["change"] = df["change_lines"].map(audit_changes.SEPARATOR.join)
    df["record_name"] = pd.Series(records, index=df.index, dtype=object)
    return df


def _names(con: Connection, sql: str, ids: set[str]) -> dict[str, str]:
    """id -> name for the given ids (a query selecting the two, with the ids as ``$ids``)."""
    if not ids:
        return {}
    rows = query(con, sql, {"ids": sorted(ids)})
    return {str(k): str(v) for k, v in zip(rows.iloc[:, 0], rows.iloc[:, 1], strict=True)}


def audit_csv(df: pd.DataFrame) -> bytes:
    """An audit_trail() frame as UTF-8 CSV with Swedish headings and times as 'YYYY-MM-DD HH:MM:SS';
    cells a spreadsheet would run as formulas are neutralised (``tracker.spreadsheet``)."""
    out = df[list(CSV_COLUMNS)].rename(columns=CSV_COLUMNS)
    out["Tidpunkt"] = df["logged_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    return csv_bytes(out, bom=False)


def export_audit_csv(
    con: Connection,
    actor: Actor,
    trainee_id: str | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> bytes:
    """The actor's audit trail (as ``audit_trail``) as UTF-8 CSV."""
    return audit_csv(audit_trail(con, actor, trainee_id, start=start, end=end))
