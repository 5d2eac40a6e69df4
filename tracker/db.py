"""Connection handling, transactions, typed errors and the migration runner.

One process owns the database file read-write (DuckDB takes a file lock). Within that process,
each unit of work takes its own cursor from the shared connection: DuckDB 2.0 refuses concurrent
calls on one connection object, while cursors are independent handles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tracker.config import Settings

Connection = duckdb.DuckDBPyConnection


class TrackerError(Exception):
    """Base of every error the library raises on purpose; the message is meant for people."""


class DatabaseLockedError(TrackerError):
    """Another process holds the database file."""


class ConstraintError(TrackerError):
    """A write broke a database constraint (the last line of defence after validation)."""


class NotFoundError(TrackerError):
    """A record that was asked for does not exist."""


class ConflictError(TrackerError):
    """Someone else changed the same record at the same time; nothing of this change was written."""


class StorageError(TrackerError):
    """The database could not be read or written (disk full, read-only file, broken file)."""


def default_db_path() -> Path:
    return Settings.from_env().db_path


def connect(path: str | Path | None = None, *, migrate: bool = True, read_only: bool = False) -> Connection:
    """Open (and by default migrate) the database; ``":memory:"`` gives a throw-away one.

    ``read_only`` opens an existing file without writing to it (no migrations): for commands that only
    read, so that they work on a write-protected file. It refuses a database that needs migrating.
    """
    target = str(path if path is not None else default_db_path())
    if read_only and (target == ":memory:" or not Path(target).exists()):
        raise StorageError(f"Databasen {target} finns inte. Skapa den med tracker init.")
    if target != ":memory:" and not read_only:
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Mappen för databasen {target} kan inte skapas: {exc.strerror}.") from exc
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.Error as exc:
        text = str(exc).lower()
        if "lock" in text:
            raise DatabaseLockedError(
                f"Databasen {target} används av ett annat program (t.ex. appen). "
                "Stäng det först eller använd en annan fil med --db."
            ) from exc
        if "permission denied" in text or "read-only" in text or "read only" in text:
            raise StorageError(
                f"Databasen {target} är skrivskyddad för det här programmet. "
                "Kommandon som bara läser (t.ex. tracker progress) fungerar ändå; ge skrivrätt för att ändra."
            ) from exc
        raise StorageError(f"Kunde inte öppna databasen {target}: {exc}") from exc
    if read_only:
        if migrate and pending_migrations(con, create=False):
            con.close()
            raise StorageError(f"Databasen {target} behöver uppgraderas; kör tracker init med skrivrätt till filen.")
        return con
    if migrate:
        try:
            apply_migrations(con)
        except duckdb.Error as exc:
            con.close()
            raise _storage_error(exc) from exc
    return con


def _storage_error(exc: duckdb.Error) -> TrackerError:
    """A Swedish error for a database failure that is not the input's fault."""
    text = str(exc)
    lower = text.lower()
    if isinstance(exc, duckdb.ConstraintException):
        return ConstraintError(f"Ändringen bryter mot en regel i databasen: {text}")
    if isinstance(exc, duckdb.TransactionException) or "conflict" in lower:
        return ConflictError("Någon annan ändrade samma uppgifter samtidigt; inget av din ändring sparades. Försök igen.")
    if "no space left" in lower or "disk is full" in lower or "disk full" in lower:
        return StorageError("Disken är full; ändringen kunde inte sparas och inget av den skrevs. Frigör utrymme och försök igen.")
    if "read-only" in lower or "read only" in lower or "permission denied" in lower:
        return StorageError("Databasen är skrivskyddad; ändringen kunde inte sparas.")
    return StorageError(f"Databasen kunde inte utföra ändringen: {text}")


@contextmanager
def transaction(con: Connection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor with its own transaction: committed on success, rolled back on any error."""
    cur = con.cursor()
    try:
        cur.begin()
        yield cur
        cur.commit()
    except duckdb.Error as exc:
        _rollback_quietly(cur)
        raise _storage_error(exc) from exc
    except BaseException:
        _rollback_quietly(cur)
        raise
    finally:
        cur.close()


def _rollback_quietly(cur: duckdb.DuckDBPyConnection) -> None:
    """Roll back; a transaction that already ended (a failed commit) has nothing left to undo."""
    try:
        cur.rollback()
    except duckdb.Error:
        pass


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
