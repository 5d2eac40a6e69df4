"""Copies of a seeded database for a test: the one the app under test (AppTest) opens, a fresh copy of a
module's hand-made template per test, and the signed-in person as the services see them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from tracker import services
from tracker.accounts import actor_for_person
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


def fresh_copy(template: Path | str, tmp_path: Path) -> Iterator[Connection]:
    """A test's own copy of ``template``, open for the test and closed after it (a fixture's body:
    ``yield from fresh_copy(template, tmp_path)``)."""
    path = tmp_path / "db.duckdb"
    shutil.copy(template, path)
    c = connect(path)
    yield c
    c.close()


def actor(con: Connection, pid: str) -> services.Actor:
    """The person ``pid`` as the services see them signed in."""
    a = actor_for_person(con, pid)
    assert a is not None
    return a
