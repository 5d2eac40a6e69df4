"""Rows written straight into a test database (for the hand-made databases several test files build)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tracker.store import Connection


def insert_rows(con: Connection, table: str, rows: Sequence[Mapping[str, object]]) -> None:
    """INSERT each row (column -> value) into ``table``."""
    for r in rows:
        con.execute(f"INSERT INTO {table} ({', '.join(r)}) VALUES ({', '.join('?' for _ in r)})", list(r.values()))
