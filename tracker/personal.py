"""Personal identity numbers: the personnummer (and samordningsnummer) Socialstyrelsen's forms ask for.

Written ÅÅÅÅMMDD-NNNN. The last digit is a control digit over the ten digits ÅÅMMDDNNN (the Luhn
algorithm, weights 2 and 1 from the left); a samordningsnummer adds 60 to the day of birth.
"""

from __future__ import annotations

import re
from datetime import date

PERSONNUMMER_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})-(\d{4})$")


def control_digit(nine: str) -> int:
    """The Luhn control digit of the nine digits ÅÅMMDDNNN."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def personnummer_error(value: str) -> str | None:
    """Why ``value`` is not a valid personnummer (Swedish text), or None."""
    m = PERSONNUMMER_RE.match(value)
    if m is None:
        return "personnummer skrivs ÅÅÅÅMMDD-NNNN (t.ex. 19900101-1234)"
    year, month, day, tail = int(m[1]), int(m[2]), int(m[3]), m[4]
    try:
        date(year, month, day - 60 if day > 60 else day)
    except ValueError:
        return "personnumret har inget giltigt födelsedatum"
    digits = m[1][2:] + m[2] + m[3] + tail
    if control_digit(digits[:9]) != int(digits[9]):
        return "personnumrets kontrollsiffra stämmer inte"
    return None
