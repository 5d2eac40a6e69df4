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
    "trainee_name": "ST-läkare",
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
    entity_label, entity_id, trainee_id, trainee_name, before_json, after_json.
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
    return df


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
