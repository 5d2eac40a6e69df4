"""Opening the database and units of work: every ``duckdb.Error`` becomes a ``tracker.errors`` error here.

One process owns the database file read-write (DuckDB takes a file lock). Within that process,
each unit of work takes its own cursor from the shared connection: DuckDB 2.0 refuses concurrent
calls on one connection object, while cursors are independent handles.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tracker.errors import ConflictError, ConstraintError, DatabaseLockedError, QueryFailed, StorageError, TrackerError

Connection = duckdb.DuckDBPyConnection


def open_connection(target: str, *, read_only: bool = False) -> Connection:
    """Open the database file (no migrations); ``":memory:"`` gives a throw-away one."""
    if read_only and (target == ":memory:" or not Path(target).exists()):
        raise StorageError(f"Databasen {target} finns inte. Skapa den med tracker init.")
    if target != ":memory:" and not read_only:
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Mappen för databasen {target} kan inte skapas: {exc.strerror}.") from exc
    try:
        return duckdb.connect(target, read_only=read_only)
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


def storage_error(exc: duckdb.Error) -> TrackerError:
    """A Swedish error for a database failure that is not the input's fault."""
    text = str(exc)
    lower = text.lower()
    # The file system's verdicts come first: a commit that fails on a full disk is a TransactionException too.
    if "no space left" in lower or "disk is full" in lower or "disk full" in lower:
        return StorageError("Disken är full; ändringen kunde inte sparas och inget av den skrevs. Frigör utrymme och försök igen.")
    if "read-only" in lower or "read only" in lower or "permission denied" in lower:
        return StorageError("Databasen är skrivskyddad; ändringen kunde inte sparas.")
    if isinstance(exc, duckdb.ConstraintException):
        return ConstraintError(f"Ändringen bryter mot en regel i databasen: {text}")
    if isinstance(exc, duckdb.TransactionException) or "conflict" in lower:
        return ConflictError("Någon annan ändrade samma uppgifter samtidigt; inget av din ändring sparades. Försök igen.")
    return QueryFailed(f"Databasen kunde inte utföra åtgärden: {text}")


@contextmanager
def reading(con: Connection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of its own for reads; any database failure becomes a ``tracker.errors`` error."""
    try:
        cur = con.cursor()
    except duckdb.Error as exc:
        raise storage_error(exc) from exc
    try:
        yield cur
    except duckdb.Error as exc:
        raise storage_error(exc) from exc
    finally:
        cur.close()


@contextmanager
def transaction(con: Connection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor with its own transaction: committed on success, rolled back on any error (which then
    becomes a ``tracker.errors`` error as in ``reading``)."""
    with reading(con) as cur:
        try:
            cur.begin()
            yield cur
            cur.commit()
        except BaseException:
            _rollback_quietly(cur)
            raise


def _rollback_quietly(cur: duckdb.DuckDBPyConnection) -> None:
    """Roll back; a transaction that already ended (a failed commit) has nothing left to undo."""
    try:
        cur.rollback()
    except duckdb.Error:
        pass
