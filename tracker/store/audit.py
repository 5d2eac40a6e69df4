"""Writing the append-only audit log (``audit_log``): one row per change, in the change's own transaction.

The services, sign-in and the import all write through :func:`write_audit`; nothing in the project
updates or deletes an audit row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import duckdb


def now() -> datetime:
    """The current moment in UTC, without tzinfo (the log's timestamps are UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def as_json(value: Mapping[str, Any] | None) -> str | None:
    """A record as the log's JSON: dates in ISO form, Swedish letters kept."""
    if value is None:
        return None
    return json.dumps(
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in value.items()},
        ensure_ascii=False,
        default=str,
    )


def write_audit(
    cur: duckdb.DuckDBPyConnection,
    actor_person_id: str | None,
    action: str,
    entity: str,
    entity_id: str,
    trainee_id: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit row; ``actor_person_id`` is None for an anonymous visitor or the system."""
    cur.execute(
        """INSERT INTO audit_log (logged_at, actor_person_id, action, entity, entity_id, trainee_id, before_json, after_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [now(), actor_person_id, action, entity, entity_id, trainee_id, as_json(before), as_json(after)],
    )
