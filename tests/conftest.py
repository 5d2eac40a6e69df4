from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from appdb import app_copy

from tracker.demo import load_demo
from tracker.store import Connection, catalogue, connect

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = FIXTURES / "example"  # the project's own example bundle (tests/fixtures/README.md)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[Connection]:
    """A fresh, migrated database file with the bundled catalogue loaded."""
    c = connect(tmp_path / "test.duckdb")
    catalogue.ensure_catalogue(c)
    yield c
    c.close()


@pytest.fixture
def example_bundle(tmp_path: Path) -> Path:
    """A writable copy of the example bundle in tests/fixtures/example (docs/interface.md import format)."""
    target = tmp_path / "bundle"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture(scope="module")
def small_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database (12 trainees, seed 7, dated today), made once per test module."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    c = connect(path)
    load_demo(c, trainees=12, seed=7, as_of=date.today())
    c.close()
    return path


@pytest.fixture
def wdb(small_demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    """A writable copy of ``small_demo_db`` that the app under test opens."""
    c = app_copy(small_demo_db, tmp_path / "write.duckdb", monkeypatch, dev_auth=True)
    yield c
    c.close()
