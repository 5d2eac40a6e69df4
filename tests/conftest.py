from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

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
