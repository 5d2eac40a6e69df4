"""The migration runner: named schema changes applied once each, recorded in the database.

The migrations themselves are the ordered functions of ``tracker.store.schema``; each runs in its own
transaction together with its row in ``_migrations``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from tracker.store import schema
from tracker.store.audit import now
from tracker.store.connection import Connection, transaction


@dataclass(frozen=True)
class Migration:
    name: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def migrations() -> tuple[Migration, ...]:
    return tuple(Migration(step.__name__, step) for step in schema.MIGRATIONS)


def applied_migrations(con: Connection, *, create: bool = True) -> list[str]:
    if create:
        _ensure_migrations_table(con)
    elif not con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = '_migrations'"
    ).fetchall()[0][0]:
        return []
    rows = con.execute("SELECT name FROM _migrations ORDER BY applied_at, name").fetchall()
    return [r[0] for r in rows]


def pending_migrations(con: Connection, *, create: bool = True) -> list[str]:
    done = set(applied_migrations(con, create=create))
    return [m.name for m in migrations() if m.name not in done]


def apply_migrations(con: Connection, *, upto: str | None = None) -> list[str]:
    """Apply every pending migration (or those up to and including ``upto``), each with its record in
    one transaction. Safe to repeat."""
    applied: list[str] = []
    done = set(applied_migrations(con))
    for m in migrations():
        if m.name not in done:
            with transaction(con) as cur:
                m.apply(cur)
                cur.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    [m.name, now()],
                )
            applied.append(m.name)
        if m.name == upto:
            break
    return applied


def _ensure_migrations_table(con: Connection) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
    )
