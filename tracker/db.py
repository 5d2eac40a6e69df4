"""Connection handling, transactions, typed errors and the migration runner.

One process owns the database file read-write (DuckDB takes a file lock). Within that process,
each unit of work takes its own cursor from the shared connection: DuckDB 2.0 refuses concurrent
calls on one connection object, while cursors are independent handles.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

DEFAULT_DB = Path("data") / "tracker.duckdb"

Connection = duckdb.DuckDBPyConnection


class TrackerError(Exception):
    """Base of every error the library raises on purpose; the message is meant for people."""


class DatabaseLockedError(TrackerError):
    """Another process holds the database file."""


class ConstraintError(TrackerError):
    """A write broke a database constraint (the last line of defence after validation)."""


class NotFoundError(TrackerError):
    """A record that was asked for does not exist."""


def default_db_path() -> Path:
    return Path(os.environ.get("TRACKER_DB") or DEFAULT_DB)


def connect(path: str | Path | None = None, *, migrate: bool = True) -> Connection:
    """Open (and by default migrate) the database; ``":memory:"`` gives a throw-away one."""
    target = str(path if path is not None else default_db_path())
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLockedError(
                f"Databasen {target} används av ett annat program (t.ex. appen). "
                "Stäng det först eller använd en annan fil med --db."
            ) from exc
        raise TrackerError(f"Kunde inte öppna databasen {target}: {exc}") from exc
    if migrate:
        apply_migrations(con)
    return con


@contextmanager
def transaction(con: Connection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor with its own transaction: committed on success, rolled back on any error."""
    cur = con.cursor()
    cur.begin()
    try:
        yield cur
        cur.commit()
    except duckdb.ConstraintException as exc:
        cur.rollback()
        raise ConstraintError(f"Ändringen bryter mot en regel i databasen: {exc}") from exc
    except BaseException:
        cur.rollback()
        raise
    finally:
        cur.close()


# --- migrations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Migration:
    name: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


_MIGRATIONS: list[Migration] = []


def migration(fn: Callable[[duckdb.DuckDBPyConnection], None]) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """Register a migration; its function name is its identity, its position its order."""
    if any(m.name == fn.__name__ for m in _MIGRATIONS):
        raise ValueError(f"duplicate migration {fn.__name__}")
    _MIGRATIONS.append(Migration(fn.__name__, fn))
    return fn


def migrations() -> tuple[Migration, ...]:
    from tracker import schema  # noqa: F401  (registers the migrations)

    return tuple(_MIGRATIONS)


def applied_migrations(con: Connection) -> list[str]:
    _ensure_migrations_table(con)
    rows = con.execute("SELECT name FROM _migrations ORDER BY applied_at, name").fetchall()
    return [r[0] for r in rows]


def pending_migrations(con: Connection) -> list[str]:
    done = set(applied_migrations(con))
    return [m.name for m in migrations() if m.name not in done]


def apply_migrations(con: Connection) -> list[str]:
    """Apply every pending migration, each with its record in one transaction. Safe to repeat."""
    applied: list[str] = []
    done = set(applied_migrations(con))
    for m in migrations():
        if m.name in done:
            continue
        with transaction(con) as cur:
            m.apply(cur)
            cur.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                [m.name, datetime.now(UTC).replace(tzinfo=None)],
            )
        applied.append(m.name)
    return applied


def _ensure_migrations_table(con: Connection) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
    )
