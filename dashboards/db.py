"""The database for the app: one DuckDB connection per server process, seeded on first start.

Each unit of work takes its own cursor from this connection (the service layer does that), because
DuckDB 2.0 refuses concurrent calls on one connection object.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import streamlit as st

from tracker import catalogue_store
from tracker.db import Connection, connect

DEFAULT_PATH = Path("data") / "tracker.duckdb"
DEMO_TRAINEES = 180


def db_path() -> str:
    return os.environ.get("TRACKER_DB") or str(DEFAULT_PATH)


@st.cache_resource(show_spinner="Öppnar databasen …")
def _open(path: str) -> Connection:
    con = connect(path)
    catalogue_store.ensure_catalogue(con)
    return con


@st.cache_resource(show_spinner="Första start: skapar demodata (det tar en liten stund) …")
def _seed_if_empty(path: str) -> bool:
    """Load the demo when the database has no trainees yet; True if it did."""
    con = _open(path)
    cur = con.cursor()
    try:
        row = cur.execute("SELECT count(*) FROM trainee").fetchone()
    finally:
        cur.close()
    if row and row[0]:
        return False
    from tracker.demo import load_demo

    trainees = int(os.environ.get("TRACKER_DEMO_TRAINEES", DEMO_TRAINEES))
    load_demo(con, trainees=trainees, as_of=date.today())
    return True


def connection() -> Connection:
    """The process-wide connection for the configured database file (migrated, catalogue and data loaded)."""
    path = db_path()
    con = _open(path)
    _seed_if_empty(path)
    return con


def after_write() -> None:
    """Forget every cached read so that the next run shows the change."""
    st.cache_data.clear()
