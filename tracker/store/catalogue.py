"""The delmål catalogue inside the database: loaded from the catalogue file, read by the rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from tracker.catalogue_file import Catalogue, Delmal
from tracker.domain import REGULATIONS
from tracker.rules.reference import Requirement
from tracker.store.connection import Connection, reading, transaction

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


def _entries(cat: Catalogue) -> Iterator[tuple[str, str, Delmal, bool]]:
    """(regulation, specialty, delmål, verified) for every delmål of the catalogue; BT under ''."""
    for s in cat.specialties:
        for reg in REGULATIONS:
            verified = cat.is_verified(s.name, reg)
            for d in cat.delmal_for(s.name, reg):
                yield reg, s.name, d, verified
    for d in cat.bt_delmal():
        yield REGULATIONS[1], BT_SPECIALTY, d, False


def _text_rows(regulation: str, specialty: str, d: Delmal) -> Iterator[tuple[object, ...]]:
    for kind, texts in (("kompetenskrav", d.kompetenskrav), ("aktivitet", d.activities_text), ("rad", d.advice_text)):
        for n, text in enumerate(texts):
            yield (regulation, specialty, d.code, kind, n, text)


def write_catalogue(cur: duckdb.DuckDBPyConnection, cat: Catalogue) -> int:
    """``load_catalogue`` inside the caller's transaction."""
    specialty_rows = [(s.name, s.kind, ";".join(s.requires_bas)) for s in cat.specialties]
    delmal_rows: list[tuple[object, ...]] = []
    req_rows: list[tuple[object, ...]] = []
    text_rows: list[tuple[object, ...]] = []
    for regulation, specialty, d, verified in _entries(cat):
        delmal_rows.append(
            (regulation, specialty, d.code, d.group, _ordinal(d.code), d.title, d.title_official, verified)
        )
        for i, group in enumerate(d.required):
            for t in sorted(set(group)):
                req_rows.append((regulation, specialty, d.code, i, t))
        text_rows.extend(_text_rows(regulation, specialty, d))

    cur.execute("DELETE FROM catalogue_text")
    cur.execute("DELETE FROM catalogue_requirement")
    cur.execute("DELETE FROM catalogue_delmal")
    cur.execute("DELETE FROM catalogue_specialty")
    cur.executemany("INSERT INTO catalogue_specialty VALUES (?, ?, ?)", specialty_rows)
    _bulk_insert(cur, "catalogue_delmal", delmal_rows)
    _bulk_insert(cur, "catalogue_requirement", req_rows)
    _bulk_insert(cur, "catalogue_text", text_rows)
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


def _rows(con: Connection, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    with reading(con) as cur:
        return cur.execute(sql, params or []).fetchall()


def catalogue_loaded(con: Connection) -> bool:
    rows = _rows(con, "SELECT count(*) FROM catalogue_delmal")
    return bool(rows and rows[0][0])


def ensure_catalogue(con: Connection) -> None:
    """Load the bundled catalogue into a new database. A database whose catalogue was loaded before its
    texts were stored gets the texts of the bundled catalogue for the delmål it holds."""
    if not catalogue_loaded(con):
        load_catalogue(con)
    elif not _rows(con, "SELECT 1 FROM catalogue_text LIMIT 1"):
        with transaction(con) as cur:
            write_catalogue_texts(cur, Catalogue.load())


def write_catalogue_texts(cur: duckdb.DuckDBPyConnection, cat: Catalogue) -> None:
    """The catalogue's texts for the delmål already stored (the codes stay as they are)."""
    kept = {tuple(r) for r in cur.execute("SELECT regulation, specialty, code FROM catalogue_delmal").fetchall()}
    rows = [
        row
        for regulation, specialty, d, _ in _entries(cat)
        if (regulation, specialty, d.code) in kept
        for row in _text_rows(regulation, specialty, d)
    ]
    _bulk_insert(cur, "catalogue_text", rows)


def delmal_texts(con: Connection, regulation: str, specialty: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """For each applicable delmål code: {'kompetenskrav': (...), 'aktivitet': (...), 'rad': (...)}."""
    out: dict[str, dict[str, list[str]]] = {}
    for code, kind, text in _rows(
        con,
        "SELECT code, kind, text FROM catalogue_text WHERE regulation = ? AND specialty = ? ORDER BY code, kind, ordinal",
        [regulation, specialty],
    ):
        out.setdefault(str(code), {}).setdefault(str(kind), []).append(str(text))
    return {code: {k: tuple(v) for k, v in kinds.items()} for code, kinds in out.items()}


def specialties(con: Connection) -> list[str]:
    return [str(r[0]) for r in _rows(con, "SELECT name FROM catalogue_specialty ORDER BY name")]


def requirements(con: Connection, regulation: str, specialty: str) -> list[Requirement]:
    """Applicable delmål with their required activity groups, in catalogue order."""
    rows = _rows(
        con,
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
    groups: dict[str, dict[int, list[str]]] = {}
    for code, grp, atype in rows:
        g = groups.setdefault(code, {})
        if grp is not None:
            g.setdefault(grp, []).append(atype)
    return [Requirement(code, tuple(tuple(v) for _, v in sorted(g.items()))) for code, g in groups.items()]


def delmal_table(con: Connection, regulation: str, specialty: str) -> list[tuple[str, str, bool, bool]]:
    """(code, title, title_official, verified) for the applicable delmål, in order."""
    rows = _rows(
        con,
        "SELECT code, title, title_official, verified FROM catalogue_delmal "
        "WHERE regulation = ? AND specialty = ? ORDER BY ordinal",
        [regulation, specialty],
    )
    return [(r[0], r[1], bool(r[2]), bool(r[3])) for r in rows]
