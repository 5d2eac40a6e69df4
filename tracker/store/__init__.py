"""Storage: the DuckDB file, units of work, migrations, the schema, record loading, the catalogue tables
and the audit log's writer. Services use the names below; SQL lives in the services and in this package.
"""

from tracker.store.connection import Connection, storage_error, transaction
from tracker.store.database import connect, default_db_path
from tracker.store.migrations import applied_migrations, apply_migrations, migrations, pending_migrations

__all__ = [
    "Connection",
    "applied_migrations",
    "apply_migrations",
    "connect",
    "default_db_path",
    "migrations",
    "pending_migrations",
    "storage_error",
    "transaction",
]
