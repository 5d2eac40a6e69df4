"""Import of data files (CSV or an Excel workbook) by studierektorer and administratörer.

An administrator imports without limits; a studierektor only for trainees of the units in their
region or area (``import_scope``), the same scope as everything else they see. The command line
(``tracker import DIR --as EMAIL``) uses the same function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from tracker.accounts import Actor
from tracker.errors import ImportRejected, RowError
from tracker.ingest.checks import COLUMNS, OPTIONAL_COLUMNS
from tracker.ingest.load import ImportResult, import_frames
from tracker.ingest.read import read_bundle_dir, read_uploads
from tracker.ingest.validate import validate
from tracker.services.access import office_units_sql, require_import
from tracker.store import Connection
from tracker.store.connection import reading


def import_scope(con: Connection, actor: Actor) -> frozenset[str] | None:
    """The units whose trainees the actor may import, or None for no limit (an administrator).

    Raises AccessDenied for a person who may not import at all.
    """
    require_import(actor)
    if actor.is_admin:
        return None
    office = office_units_sql(actor)
    if office is None:
        return frozenset()
    sql, params = office
    with reading(con) as cur:
        return frozenset(str(r[0]) for r in cur.execute(sql, params).fetchall())


def new_unit_rule(actor: Actor) -> Callable[[str, str], bool]:
    """Where a limited importer may add units (units.csv): the regions and areas of their studierektor role."""

    def ok(region_id: str, area: str) -> bool:
        return "studierektor" in actor.roles and (
            region_id in actor.regions or (region_id, area) in actor.areas or ("", area) in actor.areas
        )

    return ok


# The files of an import bundle and their columns, in order (for the import page's help).
# Each file's columns: the required ones, then the optional ones.
BUNDLE_COLUMNS = {f: cols + OPTIONAL_COLUMNS.get(f, ()) for f, cols in COLUMNS.items()}


def check_import(
    con: Connection, actor: Actor, files: Mapping[str, bytes]
) -> tuple[dict[str, pd.DataFrame], list[RowError]]:
    """Read and validate uploaded files without writing anything: (frames, every row error)."""
    units = import_scope(con, actor)
    try:
        frames = read_uploads(files)
    except ImportRejected as exc:
        return {}, list(exc.errors)
    _, errors = validate(con, frames, units=units, new_unit_ok=new_unit_rule(actor))
    return frames, errors


def run_import(con: Connection, actor: Actor, frames: dict[str, pd.DataFrame]) -> ImportResult:
    """Write a validated bundle (all or nothing; raises ImportRejected on any bad row)."""
    units = import_scope(con, actor)
    return import_frames(con, frames, actor=actor.person_id, units=units, new_unit_ok=new_unit_rule(actor))


def import_dir(con: Connection, actor: Actor, path: str | Path) -> ImportResult:
    """A bundle folder imported with the actor's scope (``tracker import DIR --as EMAIL``)."""
    return run_import(con, actor, read_bundle_dir(path))
