"""The delmål catalogue inside the database: loaded from the catalogue file, read by the rules.

Replacing the catalogue replaces everything stored from it: the specialties, the delmål (with each
delmål's doubt), their requirements and texts, and the målbeskrivningar marked unreliable."""

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
# Left in ``meta`` by migration m004 when a catalogue was stored before doubts were.
_MARKINGS_PENDING = "catalogue_markings"


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
            (regulation, specialty, d.code, d.group, _ordinal(d.code), d.title, d.title_official, verified, d.doubt)
        )
        for i, group in enumerate(d.required):
            for t in sorted(set(group)):
                req_rows.append((regulation, specialty, d.code, i, t))
        text_rows.extend(_text_rows(regulation, specialty, d))

    cur.execute("DELETE FROM catalogue_unreliable")
    cur.execute("DELETE FROM catalogue_text")
    cur.execute("DELETE FROM catalogue_requirement")
    cur.execute("DELETE FROM catalogue_delmal")
    cur.execute("DELETE FROM catalogue_specialty")
    cur.executemany("INSERT INTO catalogue_specialty VALUES (?, ?, ?)", specialty_rows)
    _bulk_insert(cur, "catalogue_delmal", delmal_rows)
    _bulk_insert(cur, "catalogue_requirement", req_rows)
    _bulk_insert(cur, "catalogue_text", text_rows)
    _bulk_insert(cur, "catalogue_unreliable", _unreliable_rows(cat))
    cur.execute("DELETE FROM meta WHERE key = ?", [_MARKINGS_PENDING])
    return len(delmal_rows)


def _unreliable_rows(cat: Catalogue) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for s in cat.specialties:
        for reg in cat.regulations_for(s.name):
            reason = cat.unreliable(s.name, reg)
            if reason is not None:
                rows.append((reg, s.name, reason))
    return rows


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
    texts (or its doubts and unreliable målbeskrivningar) were stored gets those of the bundled catalogue
    for the delmål it holds."""
    if not catalogue_loaded(con):
        load_catalogue(con)
        return
    if not _rows(con, "SELECT 1 FROM catalogue_text LIMIT 1"):
        with transaction(con) as cur:
            write_catalogue_texts(cur, Catalogue.load())
    if _rows(con, "SELECT 1 FROM meta WHERE key = ?", [_MARKINGS_PENDING]):
        with transaction(con) as cur:
            write_catalogue_markings(cur, Catalogue.load())


def write_catalogue_markings(cur: duckdb.DuckDBPyConnection, cat: Catalogue) -> None:
    """The catalogue's doubts and unreliable målbeskrivningar for the delmål and plans already stored."""
    kept = {tuple(r) for r in cur.execute("SELECT regulation, specialty, code FROM catalogue_delmal").fetchall()}
    doubts = [
        (d.doubt, regulation, specialty, d.code)
        for regulation, specialty, d, _ in _entries(cat)
        if d.doubt and (regulation, specialty, d.code) in kept
    ]
    if doubts:
        cur.executemany("UPDATE catalogue_delmal SET doubt = ? WHERE regulation = ? AND specialty = ? AND code = ?", doubts)
    plans = {(r, s) for r, s, _ in kept}
    cur.execute("DELETE FROM catalogue_unreliable")
    _bulk_insert(cur, "catalogue_unreliable", [row for row in _unreliable_rows(cat) if (row[0], row[1]) in plans])
    cur.execute("DELETE FROM meta WHERE key = ?", [_MARKINGS_PENDING])


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


def delmal_doubts(con: Connection, regulation: str, specialty: str) -> dict[str, str]:
    """Why a delmål's requirements are in doubt (Swedish), for each applicable delmål that has a doubt."""
    rows = _rows(
        con,
        "SELECT code, doubt FROM catalogue_delmal WHERE regulation = ? AND specialty = ? AND doubt <> '' "
        "ORDER BY ordinal",
        [regulation, specialty],
    )
    return {str(code): str(doubt) for code, doubt in rows}


def unreliable(con: Connection, regulation: str, specialty: str) -> str | None:
    """Why the specialty's målbeskrivning under ``regulation`` is not to be trusted (Swedish), or None."""
    rows = _rows(
        con,
        "SELECT reason FROM catalogue_unreliable WHERE regulation = ? AND specialty = ?",
        [regulation, specialty],
    )
    return str(rows[0][0]) if rows else None


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


def bas_options(con: Connection, specialty: str) -> tuple[tuple[str, ...], bool] | None:
    """The basspecialiteter whose bevis om specialistkompetens a gren- or tilläggsspecialitet needs
    (RULES 7), and whether that is every basspecialitet: a gren's ``requires_bas``, for a tillägg those it
    names or else all of them. None for a basspecialitet (nothing needed)."""
    rows = _rows(con, "SELECT name, kind, requires_bas FROM catalogue_specialty")
    kinds = {str(r[0]): (str(r[1]), str(r[2])) for r in rows}
    kind, named = kinds.get(specialty, ("bas", ""))
    if kind == "bas":
        return None
    if named:
        return tuple(n for n in named.split(";") if n), False
    return tuple(sorted(n for n, (k, _) in kinds.items() if k == "bas")), True
