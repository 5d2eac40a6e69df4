from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.store import Connection, catalogue, connect

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
EXAMPLE = SHARED / "examples" / "basic"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[Connection]:
    """A fresh, migrated database file with the bundled catalogue loaded."""
    c = connect(tmp_path / "test.duckdb")
    catalogue.ensure_catalogue(c)
    yield c
    c.close()


@pytest.fixture
def example_bundle(tmp_path: Path) -> Path:
    """A writable copy of the reference example bundle (INTERFACE.md import format)."""
    if not EXAMPLE.exists():
        pytest.skip("../shared/reference/examples/basic is not present on this machine")
    target = tmp_path / "bundle"
    shutil.copytree(EXAMPLE, target)
    return target
