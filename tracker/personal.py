"""Personal identity numbers and the other personal details Socialstyrelsen's forms ask for: the
personnummer (and samordningsnummer), the postal code and telephone numbers.

A personnummer is written ÅÅÅÅMMDD-NNNN. The last digit is a control digit over the ten digits ÅÅMMDDNNN
(the Luhn algorithm, weights 2 and 1 from the left); a samordningsnummer adds 60 to the day of birth.
The app's forms and an import judge it by one rule, ``personnummer_problem`` (which also refuses a birth
after today), and a personnummer may stand only on the records of one person.
Shown to someone who may not see it in full, it is masked as ÅÅMMDD-**** (``mask_personnummer``).

A postal code is five digits, stored as "NNN NN" (``normalise_postal_code``). A telephone number holds
digits, spaces and hyphens, with an optional + first (``phone_error``).
"""

from __future__ import annotations

import re
from datetime import date

# The applicant's details the forms ask for, as the columns of trainee_personal, in the forms' order.
PERSONAL_FIELDS: tuple[str, ...] = (
    "personnummer",
    "street_address",
    "postal_code",
    "postal_town",
    "phone_home",
    "phone_mobile",
    "phone_work",
    "lakarexamen_country",
    "lakarexamen_date",
    "legitimation_country",
)
PERSONNUMMER_RE = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})-([0-9]{4})$")
PERSONNUMMER_FORMAT_MSG = "personnummer skrivs ÅÅÅÅMMDD-NNNN (t.ex. 19900101-1234)"
PERSONNUMMER_DATE_MSG = "personnumret har inget giltigt födelsedatum"
PERSONNUMMER_CONTROL_MSG = "personnumrets kontrollsiffra stämmer inte"
PERSONNUMMER_FUTURE_MSG = "personnumrets födelsedatum ligger i framtiden"
# Every reason personnummer_problem gives, in the order it judges them.
PERSONNUMMER_PROBLEMS: tuple[str, ...] = (
    PERSONNUMMER_FORMAT_MSG,
    PERSONNUMMER_DATE_MSG,
    PERSONNUMMER_CONTROL_MSG,
    PERSONNUMMER_FUTURE_MSG,
)
# A personnummer names one person: it may stand on several trainee records only of the same person. The
# message does not say whose it is.
PERSONNUMMER_TAKEN_MSG = "personnumret finns redan hos en annan person i ST-trackern"
PERSONNUMMER_MASK = "******-****"

POSTAL_CODE_RE = re.compile(r"^[0-9]{3} [0-9]{2}$")
POSTAL_CODE_MSG = "postnumret ska vara fem siffror (t.ex. 413 19)"
PHONE_DIGITS = (5, 15)  # the fewest and the most digits of a telephone number (E.164 allows 15)
PHONE_MAX_CHARS = 30
PHONE_RE = re.compile(r"^\+?[0-9][0-9 -]*[0-9]$")
PHONE_MSG = (
    f"telefonnumret får bara innehålla siffror, mellanslag och bindestreck (och + först), "
    f"{PHONE_DIGITS[0]}–{PHONE_DIGITS[1]} siffror och högst {PHONE_MAX_CHARS} tecken (t.ex. 070-123 45 67)"
)


def control_digit(nine: str) -> int:
    """The Luhn control digit of the nine digits ÅÅMMDDNNN."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def personnummer_error(value: str) -> str | None:
    """Why ``value`` is not a valid personnummer (Swedish text), or None."""
    m = PERSONNUMMER_RE.fullmatch(value)
    if m is None:
        return PERSONNUMMER_FORMAT_MSG
    year, month, day, tail = int(m[1]), int(m[2]), int(m[3]), m[4]
    try:
        date(year, month, day - 60 if day > 60 else day)
    except ValueError:
        return PERSONNUMMER_DATE_MSG
    digits = m[1][2:] + m[2] + m[3] + tail
    if control_digit(digits[:9]) != int(digits[9]):
        return PERSONNUMMER_CONTROL_MSG
    return None


def personnummer_problem(value: str, today: date) -> str | None:
    """Why ``value`` is not the personnummer of someone born by ``today`` (Swedish text, one of
    ``PERSONNUMMER_PROBLEMS``: its format, its date of birth, its control digit, a birth after ``today``),
    or None. The one rule of the app's forms and of an import."""
    error = personnummer_error(value)
    if error is not None:
        return error
    born = birth_date(value)
    if born is not None and born > today:
        return PERSONNUMMER_FUTURE_MSG
    return None


def birth_date(value: str) -> date | None:
    """The date of birth a personnummer written ÅÅÅÅMMDD-NNNN holds (a samordningsnummer's day less 60);
    None for a value without one."""
    m = PERSONNUMMER_RE.fullmatch(value)
    if m is None:
        return None
    day = int(m[3])
    try:
        return date(int(m[1]), int(m[2]), day - 60 if day > 60 else day)
    except ValueError:
        return None


def normalise_personnummer(value: str) -> str:
    """Spaces removed and the hyphen put in when twelve digits are written without it
    ("199001011234" -> "19900101-1234"); anything else is returned as written, for the check to judge."""
    compact = re.sub(r"\s+", "", value)
    if re.fullmatch(r"[0-9]{12}", compact):
        return f"{compact[:8]}-{compact[8:]}"
    return compact


def mask_personnummer(value: str | None) -> str:
    """The personnummer as someone who may not see it in full sees it: ÅÅMMDD-**** ("19900101-1234" ->
    "900101-****"; "900101-1234" too). Nothing ('') for no number; a value that is not a personnummer is
    masked whole, so that no part of it shows."""
    if value is None or not value.strip():
        return ""
    compact = value.strip()
    m = re.fullmatch(r"(?:[0-9]{2})?([0-9]{6})[-+]?[0-9]{4}", compact)
    if m is None:
        return PERSONNUMMER_MASK
    return f"{m[1]}-****"


def normalise_postal_code(value: str) -> str:
    """Five digits, however spaced, as "NNN NN" ("41319", "413 19" -> "413 19"); anything else is returned
    as written (without surrounding spaces), for the check to judge."""
    digits = re.sub(r"\s+", "", value)
    if re.fullmatch(r"[0-9]{5}", digits):
        return f"{digits[:3]} {digits[3:]}"
    return value.strip()


def postal_code_error(value: str) -> str | None:
    """Why ``value`` is not a stored postal code ("NNN NN", after ``normalise_postal_code``), or None."""
    return None if POSTAL_CODE_RE.fullmatch(value) else POSTAL_CODE_MSG


def normalise_phone(value: str) -> str:
    """Surrounding spaces removed and runs of spaces made one."""
    return re.sub(r"\s+", " ", value.strip())


def phone_error(value: str) -> str | None:
    """Why ``value`` is not a telephone number (Swedish text), or None."""
    digits = sum(ch in "0123456789" for ch in value)
    if (
        PHONE_RE.fullmatch(value) is None
        or len(value) > PHONE_MAX_CHARS
        or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]
    ):
        return PHONE_MSG
    return None
