"""Import of data files (CSV or an Excel workbook) by studierektorer and administratörer."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from tracker.auth import Actor
from tracker.db import Connection
from tracker.importer import ImportRejected, ImportResult, import_frames, read_uploads, validate
from tracker.schemas import RowError
from tracker.services.access import _require_import


def check_import(
    con: Connection, actor: Actor, files: Mapping[str, bytes]
) -> tuple[dict[str, pd.DataFrame], list[RowError]]:
    """Read and validate uploaded files without writing anything: (frames, every row error)."""
    _require_import(actor)
    try:
        frames = read_uploads(files)
    except ImportRejected as exc:
        return {}, list(exc.errors)
    _, errors = validate(con, frames)
    return frames, errors


def run_import(con: Connection, actor: Actor, frames: dict[str, pd.DataFrame]) -> ImportResult:
    """Write a validated bundle (all or nothing; raises ImportRejected on any bad row)."""
    _require_import(actor)
    return import_frames(con, frames, actor=actor.person_id)
