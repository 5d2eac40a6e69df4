"""Helpers shared by the service modules: queries on a fresh cursor, dates and the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from tracker.accounts import Actor
from tracker.domain import TYPE_LABELS, as_date
from tracker.store import Connection
from tracker.store.audit import write_audit
from tracker.store.connection import reading

# Each certificate's delmål codes as a sorted list, to LEFT JOIN ... USING (certificate_id).
DELMAL_LISTS_SQL = (
    "(SELECT certificate_id, list(code ORDER BY code) AS delmal FROM certificate_delmal GROUP BY certificate_id)"
)


def todays_date() -> date:
    return date.today()


def query(
    con: Connection,
    sql: str,
    params: Mapping[str, Any] | None = None,
    frames: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Run ``sql`` on a fresh cursor; ``frames`` are registered on that cursor first, by name."""
    with reading(con) as cur:
        for name, frame in (frames or {}).items():
            cur.register(name, frame)
        return cur.execute(sql, dict(params or {})).df()


def one_row(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, Any] | None:
    res = cur.execute(sql, params)
    row = res.fetchone()
    if row is None:
        return None
    names = [d[0] for d in res.description]
    return dict(zip(names, row, strict=True))


def records_of(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def date_columns(df: pd.DataFrame, cols: Iterable[str]) -> pd.DataFrame:
    for c in cols:
        if c in df.columns:
            df[c] = df[c].map(as_date).astype(object)
    return df


def certificate_lists(df: pd.DataFrame) -> pd.DataFrame:
    """Certificate rows: the ``delmal`` column as Python lists and a Swedish ``type_label``."""
    df["delmal"] = df["delmal"].map(lambda v: list(v) if v is not None else [])
    df["type_label"] = df["type"].map(lambda t: TYPE_LABELS.get(t, t))
    return df


def record_audit(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    trainee_id: str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    write_audit(cur, actor.person_id, action, entity, entity_id, trainee_id, before, after)
