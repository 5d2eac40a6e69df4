"""The database for the app: one DuckDB connection per server process.

An empty database is filled with demo data only when the app runs in demo mode (``TRACKER_DEMO=1``,
as the README's app command sets it); a production database starts empty.

Each unit of work takes its own cursor from this connection (the service layer does that), because
DuckDB 2.0 refuses concurrent calls on one connection object.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

import streamlit as st

from tracker import services
from tracker.config import Settings
from tracker.errors import TrackerError
from tracker.store import Connection, catalogue, connect


def db_path() -> str:
    return str(Settings.from_env().db_path)


@st.cache_resource(show_spinner="Öppnar databasen …")
def _open(path: str) -> Connection:
    con = connect(path)
    catalogue.ensure_catalogue(con)
    return con


@st.cache_resource(show_spinner="Första start: skapar demodata (det tar en liten stund) …")
def _seed_if_empty(path: str, trainees: int) -> bool:
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

    load_demo(con, trainees=trainees, as_of=date.today())
    return True


def database() -> Connection:
    """The process-wide connection for the configured database file (migrated, catalogue and data loaded)."""
    settings = Settings.from_env()
    path = str(settings.db_path)
    con = _open(path)
    if settings.demo:
        _seed_if_empty(path, settings.demo_trainees)
    _warm_up(path)
    if settings.backup_every_hours:
        _backup_schedule(path)
    return con


WARM_UP_THREAD = "db-warm-up"


@st.cache_resource
def _warm_up(path: str) -> None:
    """Once per database file: the cohort query in the background (``services.warm_up``), so that the first
    sign-in does not wait for DuckDB to read the tables."""
    con = _open(path)

    def run() -> None:
        try:
            services.warm_up(con, date.today())
        except TrackerError as exc:  # only a head start: the first real read reports any problem itself
            logging.getLogger("st_tracker").info("warm-up skipped: %s", exc)

    threading.Thread(target=run, name=WARM_UP_THREAD, daemon=True).start()


@st.cache_resource
def _backup_schedule(path: str) -> None:
    """Once per database file: a backup every ``TRACKER_BACKUP_EVERY_HOURS`` into ``TRACKER_BACKUP_DIR``,
    written by this process, which holds the file's lock (``services.backup_schedule``; failures are logged)."""
    settings = Settings.from_env()
    if not settings.backup_every_hours:
        return
    args = (_open(path), settings.backup_dir, settings.backup_every_hours, settings.backup_keep)
    threading.Thread(target=services.backup_schedule, args=args, name="db-backup", daemon=True).start()
    logging.getLogger("st_tracker").info("scheduled backups every %s h into %s (keeping %d)", *args[1:])


def after_write() -> None:
    """Forget every cached read so that the next run shows the change."""
    st.cache_data.clear()
