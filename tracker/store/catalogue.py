"""The delmål catalogue inside the database: loaded from the catalogue file, read by the rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import duckdb

from tracker.catalogue_file import Catalogue, Delmal
from tracker.domain import REGULATIONS
from tracker.rules.reference import Requirement
from tracker.store import Connection, transaction

BT_SPECIALTY = ""  # BT delmål are not specialty-specific


def _ordinal(code: str) -> int:
    m = re.match(r"^(a|b|c|STa|STb|STc|BT)(\d+)$", code)
    if not m:
        return 0
    prefix_rank = {"a": 0, "STa": 0, "b": 1, "STb": 1, "c": 2, "STc": 2, "BT": 3}[m.group(1)]
    return prefix_rank * 100 + int(m.group(2))


def load_catalogue(con: Connection, catalogue: Catalogue | None = None, path: str | Path | None = None) -> int:
    """Replace the catalogue tables with the given catalogue (default: the bundled file).

    Returns the number of delmål rows written. Certificates keep their delmål codes; a code that is
    no longer in the catalogue simply stops counting toward an applicable delmål.
    """
    cat = catalogue or Catalogue.load(path)
    with transaction(con) as cur:
        return write_catalogue(cur, cat)


def write_catalogue(cur: duckdb.DuckDBPyConnection, cat: Catalogue) -> int:
    """``load_catalogue`` inside the caller's transaction."""
    specialty_rows = [(s.name, s.kind, ";".join(s.requires_bas)) for s in cat.specialties]
    delmal_rows: list[tuple[object, ...]] = []
    req_rows: list[tuple[object, ...]] = []

    def add(regulation: str, specialty: str, items: Iterable[Delmal], verified: bool) -> None:
        for d in items:
            delmal_rows.append(
                (regulation, specialty, d.code, d.group, _ordinal(d.code), d.title, d.title_official, verified)
            )
            for i, group in enumerate(d.required):
                for t in sorted(set(group)):
                    req_rows.append((regulation, specialty, d.code, i, t))

    for s in cat.specialties:
        for reg in REGULATIONS:
            add(reg, s.name, cat.delmal_for(s.name, reg), cat.is_verified(s.name, reg))
    add(REGULATIONS[1], BT_SPECIALTY, cat.bt_delmal(), False)

    cur.execute("DELETE FROM catalogue_requirement")
    cur.execute("DELETE FROM catalogue_delmal")
    cur.execute("DELETE FROM catalogue_specialty")
    cur.executemany("INSERT INTO catalogue_specialty VALUES (?, ?, ?)", specialty_rows)
    _bulk_insert(cur, "catalogue_delmal", delmal_rows)
    _bulk_insert(cur, "catalogue_requirement", req_rows)
    return len(delmal_rows)


def _bulk_insert(cur: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[object, ...]]) -> None:
    if not rows:
        return
    import pandas as pd

    frame = pd.DataFrame(rows)
    cur.register("_bulk_rows", frame)
    try:
        cur.execute(f"INSERT INTO {table} SELECT * FROM _bulk_rows")
    finally:
        cur.unregister("_bulk_rows")


def catalogue_loaded(con: Connection) -> bool:
    row = con.cursor().execute("SELECT count(*) FROM catalogue_delmal").fetchone()
    return bool(row and row[0])


def ensure_catalogue(con: Connection) -> None:
    if not catalogue_loaded(con):
        load_catalogue(con)


def specialties(con: Connection) -> list[str]:
    rows = con.cursor().execute("SELECT name FROM catalogue_specialty ORDER BY name").fetchall()
    return [r[0] for r in rows]


def requirements(con: Connection, regulation: str, specialty: str) -> list[Requirement]:
    """Applicable delmål with their required activity groups, in catalogue order."""
    rows = (
        con.cursor()
        .execute(
            """
            SELECT d.code, r.req_group, r.activity_type
            FROM catalogue_delmal d
            LEFT JOIN catalogue_requirement r
              ON r.regulation = d.regulation AND r.specialty = d.specialty AND r.code = d.code
            WHERE d.regulation = ? AND d.specialty = ?
            ORDER BY d.ordinal, r.req_group, r.activity_type
            """,
            [regulation, specialty],
        )
        .fetchall()
    )
    groups: dict[str, dict[int, list[str]]] = {}
    for code, grp, atype in rows:
        g = groups.setdefault(code, {})
        if grp is not None:
            g.setdefault(grp, []).append(atype)
    return [Requirement(code, tuple(tuple(v) for _, v in sorted(g.items()))) for code, g in groups.items()]


def delmal_table(con: Connection, regulation: str, specialty: str) -> list[tuple[str, str, bool, bool]]:
    """(code, title, title_official, verified) for the applicable delmål, in order."""
    rows = (
        con.cursor()
        .execute(
            "SELECT code, title, title_official, verified FROM catalogue_delmal "
            "WHERE regulation = ? AND specialty = ? ORDER BY ordinal",
            [regulation, specialty],
        )
        .fetchall()
    )
    return [(r[0], r[1], bool(r[2]), bool(r[3])) for r in rows]
