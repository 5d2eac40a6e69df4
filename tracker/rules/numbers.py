"""How figures are rounded and written (RULES 2): computed exactly, rounded half-up to two decimals only
when shown or written to JSON (0,125 -> 0,13)."""

from __future__ import annotations

import math
from fractions import Fraction


def hundredths(x: float) -> int:
    """A percent or a number of months in hundredths, a half rounded up as DuckDB's round() does (entry
    allows two decimals, so a half only comes from older data)."""
    return math.floor(x * 100 + 0.5)


def half_up(x: Fraction | float | int, decimals: int = 2) -> Fraction:
    """``x`` rounded half-up (away from zero) to ``decimals``, exactly."""
    value = Fraction(x)
    scale = 10**decimals
    n = math.floor(abs(value) * scale + Fraction(1, 2))
    return Fraction(n if value >= 0 else -n, scale)


def r2(x: Fraction | float | int) -> float:
    """For JSON: two decimals, half-up."""
    return float(half_up(x))


def sv_number(x: Fraction | float | int, decimals: int = 2) -> str:
    """Half-up to ``decimals`` at most, Swedish decimal comma, trailing zeros dropped: 30.25 -> '30,25',
    6.0 -> '6', 0.125 -> '0,13'."""
    rounded = half_up(x, decimals)
    sign = "-" if rounded < 0 else ""
    whole, rest = divmod(abs(rounded.numerator) * 10**decimals // rounded.denominator, 10**decimals)
    text = f"{whole},{rest:0{decimals}d}".rstrip("0").rstrip(",") if decimals else str(whole)
    return sign + text


def months_text(x: Fraction | float | int) -> str:
    """'1 månad', '2,5 månader'."""
    text = sv_number(x)
    return f"{text} {'månad' if text == '1' else 'månader'}"
