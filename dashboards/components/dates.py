"""Every date input of the app: the one range of dates it accepts, and the help text that says so.

Streamlit's date input accepts today ± 10 years unless told otherwise, and a date outside its range is
dropped in the browser: the server keeps the previous value (or none), so a placement from 2015 would be
refused as "Ange ett startdatum". Every date input therefore goes through ``date_field`` (or
``range_field``), which accepts the domain's earliest date (``tracker.domain.EARLIEST_DATE``, well before
any legitimation or AT still relevant) up to the end of the last year a projection looks at
(``PROJECTION_HORIZON_YEARS`` from today, at most ``LATEST_DATE``) and says that range in its help text.

Tighter limits (a legitimation or a bevis cannot lie in the future, an end comes after its start) are
the services' rules: they refuse such a date with a Swedish message instead of the widget dropping it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboards import cache
from tracker.domain import EARLIEST_DATE, LATEST_DATE, sv_date
from tracker.rules.facts import PROJECTION_HORIZON_YEARS

EARLIEST = EARLIEST_DATE


def latest() -> date:
    """The last date a form accepts: the end of the last year within the projection horizon from today."""
    return min(LATEST_DATE, date(cache.as_of().year + PROJECTION_HORIZON_YEARS - 1, 12, 31))


def range_text() -> str:
    """'Datum från 1 januari 1950 till 31 december 2085.'"""
    return f"Datum från {sv_date(EARLIEST)} till {sv_date(latest())}."


def _help(hint: str | None) -> str:
    return f"{hint} {range_text()}" if hint else range_text()


def date_field(
    where: Any,
    label: str,
    value: date | None,
    *,
    hint: str | None = None,
    key: str | None = None,
    disabled: bool = False,
) -> date | None:
    """A date input (ISO format, ``where``: ``st``, a column or a container) with the app's range; its help
    text is ``hint`` (if any) followed by the range."""
    result: date | None = where.date_input(
        label,
        value=value,
        min_value=EARLIEST,
        max_value=latest(),
        format="YYYY-MM-DD",
        help=_help(hint),
        key=key,
        disabled=disabled,
    )
    return result


def range_field(where: Any, label: str, value: tuple[date, date], *, key: str | None = None) -> Any:
    """A period input (two dates) with the app's range; the dates chosen so far (a tuple of 0–2)."""
    return where.date_input(
        label,
        value=value,
        min_value=EARLIEST,
        max_value=latest(),
        format="YYYY-MM-DD",
        help=range_text(),
        key=key,
    )
