"""A writable copy of a seeded database that the app under test (AppTest) opens."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st

from tracker.store import Connection, connect


def app_copy(source: Path, target: Path, monkeypatch: pytest.MonkeyPatch, *, dev_auth: bool) -> Connection:
    """Copy ``source`` to ``target``, point the app at it (``TRACKER_DB``; the developer identity picker with
    ``dev_auth``, else no demo or dev switches), empty the app's read cache and open the copy."""
    shutil.copy(source, target)
    monkeypatch.setenv("TRACKER_DB", str(target))
    if dev_auth:
        monkeypatch.setenv("TRACKER_AUTH", "dev")
    else:
        monkeypatch.delenv("TRACKER_AUTH", raising=False)
        monkeypatch.delenv("TRACKER_DEMO", raising=False)
    st.cache_data.clear()
    return connect(target)


def own_trainee(con: Connection) -> str:
    """The demo ST-läkare's (st@demo.se) trainee id."""
    row = con.execute("SELECT trainee_id FROM trainee JOIN person USING (person_id) WHERE email = 'st@demo.se'").fetchone()
    assert row is not None
    return str(row[0])
