"""``connect``: the database, opened and migrated, ready for the services."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tracker.config import Settings
from tracker.errors import StorageError
from tracker.store.connection import Connection, open_connection, storage_error
from tracker.store.migrations import apply_migrations, pending_migrations


def default_db_path() -> Path:
    return Settings.from_env().db_path


def connect(path: str | Path | None = None, *, migrate: bool = True, read_only: bool = False) -> Connection:
    """Open (and by default migrate) the database; ``":memory:"`` gives a throw-away one.

    ``read_only`` opens an existing file without writing to it (no migrations): for commands that only
    read, so that they work on a write-protected file. It refuses a database that needs migrating.
    """
    target = str(path if path is not None else default_db_path())
    con = open_connection(target, read_only=read_only)
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
            raise storage_error(exc) from exc
    return con
