"""Work done per page render: each thing is computed once per request (counted, not timed)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboards import connection, signin
from tracker import accounts
from tracker.rules import progress, setbased
from tracker.store import Connection, connect, records

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")


@pytest.fixture(scope="module")
def seeded(small_demo_db: Path) -> Path:
    """The conftest's small demo database: the page renders only read it."""
    return small_demo_db


@pytest.fixture
def counted(seeded: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts of the expensive steps, with every cache emptied first."""
    monkeypatch.setenv("TRACKER_DB", str(seeded))
    monkeypatch.delenv("TRACKER_AUTH", raising=False)
    st.cache_data.clear()
    calls: Counter[str] = Counter()

    def count(module: Any, name: str, label: str) -> None:
        real: Callable[..., Any] = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            # The process's first connection starts a warm-up of the cohort query in a thread of its own
            # (dashboards.connection): not part of any page's render.
            if threading.current_thread().name != connection.WARM_UP_THREAD:
                calls[label] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    count(signin, "actor_for_person", "actor")
    count(accounts, "actor_for_person", "actor")
    count(records, "load_records", "record load")
    count(progress, "compute_progress", "progress")
    count(setbased, "cohort", "cohort query")
    yield calls
    st.cache_data.clear()


def _person(path: Path, email: str) -> str:
    con: Connection = connect(path)
    try:
        row = con.execute("SELECT person_id FROM person WHERE email = ?", [email]).fetchone()
    finally:
        con.close()
    assert row is not None
    return str(row[0])


def _render(email: str, seeded: Path, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["person_id"] = _person(seeded, email)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_one_oversikt_render_derives_the_actor_loads_the_record_and_computes_progress_once(
    counted: Counter[str], seeded: Path
) -> None:
    at = _render("st@demo.se", seeded, "dashboards/pages/st_lakare/oversikt.py")
    assert [t.value for t in at.title] == ["Översikt"]
    assert counted["actor"] == 1
    assert counted["record load"] == 1
    assert counted["progress"] == 1


def test_one_kohort_render_runs_the_cohort_query_once(counted: Counter[str], seeded: Path) -> None:
    at = _render("studierektor@demo.se", seeded, "dashboards/pages/utbildningsenhet/kohort.py")
    assert [t.value for t in at.title] == ["Kohort"]
    assert counted["actor"] == 1
    assert counted["cohort query"] == 1
