"""Swedish formatting of dates, months and numbers for everything shown to people."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from fractions import Fraction

import pandas as pd

from tracker.catalogue_file import code_sort_key
from tracker.domain import DASH, as_date, plural, sv_date  # noqa: F401  (sv_date: the pages call fmt.sv_date)
from tracker.rules.numbers import sv_number


def iso_date(d: object) -> str:
    """'2024-06-30'; a dash for a missing date (for tables, where ISO sorts and reads well)."""
    day = as_date(d)
    return day.isoformat() if day else DASH


def period(start: object, end: object) -> str:
    a, b = iso_date(start), iso_date(end)
    if a == DASH and b == DASH:
        return DASH
    return f"{a} – {b}" if a != b else a


def num(x: Fraction | float | int | None, decimals: int = 2) -> str:
    """A number with a decimal comma, trailing zeros dropped: 30.25 -> '30,25', 6.0 -> '6'."""
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return DASH
    return sv_number(x, decimals)


def months(x: Fraction | float | int | None) -> str:
    """'30,25 mån'."""
    text = num(x)
    return text if text == DASH else f"{text} mån"


def months_of(counted: Fraction | float, required: Fraction | float) -> str:
    """'30,25 av 66 mån'."""
    return f"{num(counted)} av {num(required)} mån"


def pct(x: float | None, decimals: int = 0) -> str:
    """'46 %'."""
    text = num(x, decimals)
    return text if text == DASH else f"{text} %"


def count(n: int, one: str, many: str) -> str:
    """A count and its word: "1 punkt", "3 punkter" (``domain.plural``)."""
    return f"{int(n)} {plural(int(n), one, many)}"


def count_of(done: int, total: int) -> str:
    return f"{int(done)} av {int(total)}"


def days(n: float | int | None) -> str:
    if n is None or pd.isna(n):
        return DASH
    n = int(round(float(n)))
    return f"{n} dag" if abs(n) == 1 else f"{n} dagar"


def _add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar months, the day clamped to the month's last (31 January + 1 = 28 February)."""
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, last))


def duration(start: date, end: date) -> str:
    """The time between two dates in days and, from half a month on, in calendar years and months
    (rounded to the nearest month, 'ca' when rounded): '1096 dagar (3 år)', '45 dagar (ca 1 månad)',
    '549 dagar (1 år och 6 månader)', '10 dagar'. The order of the dates does not matter."""
    a, b = sorted((start, end))
    n = (b - a).days
    whole = (b.year - a.year) * 12 + b.month - a.month
    while whole > 0 and _add_months(a, whole) > b:
        whole -= 1
    rest = (b - _add_months(a, whole)).days
    rounded = whole + (1 if rest >= 15 else 0)
    text = days(n)
    if rounded == 0:
        return text
    years, months_ = divmod(rounded, 12)
    parts = ([f"{years} år"] if years else []) + (
        [f"{months_} {'månad' if months_ == 1 else 'månader'}"] if months_ else []
    )
    return f"{text} ({'ca ' if rest else ''}{' och '.join(parts)})"


def shift(before: date, after: date) -> str:
    """How far a date moved, signed ('+' later, '-' earlier, as st.metric reads a delta):
    '+1096 dagar (3 år)', '-45 dagar (ca 1 månad)', '0 dagar'."""
    sign = "+" if after > before else "-" if after < before else ""
    return sign + duration(before, after)


def codes(values: Iterable[str] | None) -> str:
    """Delmål codes in the målbeskrivning's order ("c7, c11", not "c11, c7")."""
    items = sorted(values or [], key=code_sort_key)
    return ", ".join(items) if items else DASH


def yes_no(v: object) -> str:
    return "Ja" if bool(v) else "Nej"


# Characters that start Markdown syntax (links, images, emphasis, code, tables, HTML, maths) or one of
# Streamlit's directives (``:red[…]``, ``:material/…:``, ``:emoji:``).
_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>#!|~:$")
_LIST_MARKER = re.compile(r"^(\d+)([.)])|^([-+])")


def plain(text: object) -> str:
    """People's own text (names, titles, comments) for a Markdown element, shown exactly as typed.

    Streamlit renders Markdown in most elements, so a name such as ``![x](https://…)`` would become an
    image fetched from another server. Every character that starts Markdown syntax or one of Streamlit's
    directives is escaped, a leading list marker too, and line breaks become spaces.
    """
    if text is None:
        return DASH
    flat = " ".join(str(text).split())
    escaped = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in flat)
    # A leading "1." or "-" would turn the text into a list.
    return _LIST_MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped, count=1)
