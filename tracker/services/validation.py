"""Validation of the input of writes (pandera schemas), reported as ``InputError`` with every problem."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import pandera.pandas as pa

from tracker.domain import (
    ACTIVITY_TYPES,
    BT_PARTS,
    CREDIT_KINDS,
    CREDIT_TARGETS,
    LEAVE_KINDS,
    PLACEMENT_KINDS,
    SETTINGS,
)
from tracker.errors import FieldError, InputError
from tracker.ingest.checks import CONTROL_MSG, CONTROL_RE, DATE_RANGE_MSG, MAX_TEXT, date_in_range, errors_from
from tracker.rules.facts import MAX_CREDIT_MONTHS
from tracker.rules.numbers import sv_number


def _check(column: str, message: str, fn: Any, *, element_wise: bool = True) -> pa.Check:
    return pa.Check(fn, element_wise=element_wise, ignore_na=False, error=f"{column}|{message}")


def _end_not_before_start(df: pd.DataFrame) -> pd.Series:
    both = df["start_date"].notna() & df["end_date"].notna()
    return ~both | (df["end_date"] >= df["start_date"])


def _end_not_before_start_check() -> pa.Check:
    return pa.Check(_end_not_before_start, error="end_date|slutdatum ligger före startdatum")


def _is_date(v: object) -> bool:
    return isinstance(v, date)


def _date_in_range(v: object) -> bool:
    """A date within EARLIEST_DATE..LATEST_DATE; anything else is for the column's own check."""
    if isinstance(v, datetime):
        v = v.date()
    return not isinstance(v, date) or date_in_range(v)


def _no_control_characters(v: object) -> bool:
    return not isinstance(v, str) or re.search(CONTROL_RE, v) is None


def _col(column: str, message: str, fn: Any, *more: pa.Check) -> pa.Column:
    """A column of one write's input; nulls reach the checks (which decide whether they are allowed)."""
    return pa.Column(object, nullable=True, checks=[_check(column, message, fn), *more])


def _date_col(column: str, message: str, fn: Any) -> pa.Column:
    return _col(column, message, fn, _check(column, DATE_RANGE_MSG, _date_in_range))


def _text_col(column: str, message: str, fn: Any) -> pa.Column:
    return _col(column, message, fn, _check(column, CONTROL_MSG, _no_control_characters))


def _percent_ok(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 1 <= float(v) <= 100 and round(v, 2) == v


def _period_schema(
    kinds: Sequence[str],
    kind_msg: str,
    extra: Mapping[str, pa.Column] | None = None,
    checks: Sequence[pa.Check] = (),
) -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {
        "kind": _col("kind", kind_msg, lambda v: v in kinds),
        "start_date": _date_col("start_date", "ange ett startdatum", _is_date),
        "end_date": _date_col("end_date", "ange ett slutdatum", _is_date),
        "percent": _col("percent", "ska vara mellan 1 och 100 procent, med högst två decimaler", _percent_ok),
    }
    cols.update(extra or {})
    return pa.DataFrameSchema(
        cols,
        checks=[_end_not_before_start_check(), *checks],
        coerce=False,
    )


def _bt_part_only_for_bt(df: pd.DataFrame) -> pd.Series:
    return df["bt_part"].isna() | (df["kind"] == "BT")


PLACEMENT_INPUT = _period_schema(
    PLACEMENT_KINDS,
    "okänd tjänstgöringstyp (AT, BT eller ST)",
    {
        "setting": _col("setting", "okänd verksamhet", lambda v: v in SETTINGS),
        "workplace": _text_col(
            "workplace",
            f"högst {MAX_TEXT['workplace']} tecken",
            lambda v: isinstance(v, str) and len(v) <= MAX_TEXT["workplace"],
        ),
        "bt_part": _col("bt_part", "okänd BT-del (primärvård, akut sjukvård eller annan)", lambda v: v is None or v in BT_PARTS),
    },
    [pa.Check(_bt_part_only_for_bt, error="bt_part|BT-del anges bara för BT-placeringar")],
)
LEAVE_INPUT = _period_schema(LEAVE_KINDS, "okänd typ av ledighet")


def _credit_months_ok(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 0 < float(v) <= MAX_CREDIT_MONTHS


CREDIT_INPUT = pa.DataFrameSchema(
    {
        "kind": _col("kind", "okänd typ av tillgodoräknande", lambda v: v in CREDIT_KINDS),
        "months": _col(
            "months",
            f"ska vara större än 0 och högst {sv_number(MAX_CREDIT_MONTHS)} månader",
            _credit_months_ok,
            # hundredths of a month (judged only for a number in range, which has its own message)
            _check("months", "högst två decimaler", lambda v: not _credit_months_ok(v) or round(v, 2) == v),
        ),
        "note": _text_col(
            "note", f"högst {MAX_TEXT['note']} tecken", lambda v: isinstance(v, str) and len(v) <= MAX_TEXT["note"]
        ),
        "applies_to": _col("applies_to", "ska vara ST eller BT", lambda v: v in CREDIT_TARGETS),
    },
    coerce=False,
)
CERTIFICATE_INPUT = pa.DataFrameSchema(
    {
        "type": _col("type", "okänd intygstyp", lambda v: v in ACTIVITY_TYPES),
        "title": _text_col(
            "title", "ange en rubrik (högst 200 tecken)", lambda v: isinstance(v, str) and 0 < len(v.strip()) <= 200
        ),
        "start_date": _date_col("start_date", "ogiltigt datum", lambda v: v is None or _is_date(v)),
        "end_date": _date_col("end_date", "ogiltigt datum", lambda v: v is None or _is_date(v)),
    },
    checks=[_end_not_before_start_check()],
    coerce=False,
)


def validate_input(schema: pa.DataFrameSchema, label: str, values: Mapping[str, Any]) -> None:
    """One form's values against its schema; InputError with a FieldError per problem."""
    frame = pd.DataFrame([dict(values)], dtype=object)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise InputError([FieldError(e.column, e.message) for e in errors_from(label, exc)]) from None
