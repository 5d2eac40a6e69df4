"""The demo trainees' personal details: generated test data, never anyone's real details.

Each trainee gets a personnummer with a valid control digit for a birth date that puts the legitimation
at 25–32 years of age (all distinct), an address on an invented street ("Exempelgatan 12") with a
real-looking postal code of the town of their unit's area, telephones from the series Post- och
telestyrelsen keeps for fiction (mobile 070-174 06 05–99; fixed 031-390 06 00–99, 08-465 004 00–99 and
040-628 04 00–99), and läkarexamen and legitimation in Sweden, the examen before the legitimation.

Drawn from a generator of its own, seeded from the demo's seed, so that the demo's other rows are the
same with or without these, and the same seed always gives the same details.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from tracker.personal import PERSONAL_FIELDS, control_digit

COLUMNS: tuple[str, ...] = ("trainee_id", *PERSONAL_FIELDS)
STREETS: tuple[str, ...] = (
    "Exempelgatan",
    "Provgatan",
    "Testvägen",
    "Påhittegatan",
    "Demovägen",
    "Fiktivgatan",
    "Modellgränd",
    "Låtsasvägen",
)
# Per (region, area): the town and the first three digits of its postal codes.
TOWNS: dict[tuple[str, str], tuple[str, tuple[int, ...]]] = {
    ("VGR", "Göteborg"): ("Göteborg", (411, 412, 413, 414, 415, 416, 417, 418)),
    ("VGR", "Södra Älvsborg"): ("Borås", (503, 504, 506, 507)),
    ("VGR", "Fyrbodal"): ("Trollhättan", (461, 462)),
    ("STHLM", "Norr"): ("Solna", (169, 170, 171)),
    ("STHLM", "Söder"): ("Stockholm", (116, 117, 118, 120, 123)),
    ("SKANE", "Malmö"): ("Malmö", (211, 212, 213, 214, 215, 216, 217)),
    ("SKANE", "Lund"): ("Lund", (222, 223, 224, 225, 226, 227)),
    ("SKANE", "Nordost"): ("Kristianstad", (291,)),
}
# The fixed-line series for fiction nearest each region ("031-390 06 " + two digits).
FIXED_SERIES: dict[str, str] = {"VGR": "031-390 06", "STHLM": "08-465 004", "SKANE": "040-628 04"}
MOBILE_SERIES = "070-174 06"
MOBILE_FIRST = 5  # 070-174 06 05 is the series' first number
SWEDEN = "Sverige"


def _personnummer(rng: random.Random, birth: date, taken: set[str]) -> str:
    """A personnummer for ``birth`` with a valid control digit that is not in ``taken`` (added to it)."""
    head = birth.strftime("%Y%m%d")
    for _ in range(1000):
        serial = f"{rng.randrange(1000):03d}"
        nine = head[2:] + serial
        number = f"{head}-{serial}{control_digit(nine)}"
        if number not in taken:
            taken.add(number)
            return number
    raise AssertionError("a thousand birth numbers of one day are taken")


def personal_rows(
    seed: int,
    trainees: Iterable[tuple[str, date | None, bool, str]],
    unit_areas: Mapping[str, tuple[str, str]],
    as_of: date,
) -> list[tuple[object, ...]]:
    """One row of ``COLUMNS`` per trainee given as (trainee_id, legitimation date, Swedish AT, unit_id);
    ``unit_areas`` maps a unit to its (region, area)."""
    rng = random.Random(f"personal-{seed}")
    taken: set[str] = set()
    rows: list[tuple[object, ...]] = []
    for trainee_id, legitimation, swedish_at, unit_id in trainees:
        legitimation = legitimation or as_of
        age_days = rng.randint(25 * 365 + 6, 32 * 365 + 8)
        birth = legitimation - timedelta(days=age_days)
        region, area = unit_areas[str(unit_id)]
        town, prefixes = TOWNS[(region, area)]
        postal = f"{rng.choice(prefixes)} {rng.randrange(100):02d}"
        street = f"{rng.choice(STREETS)} {rng.randint(1, 60)}"
        mobile = f"{MOBILE_SERIES} {rng.randint(MOBILE_FIRST, 99):02d}"
        fixed = FIXED_SERIES[region]
        home = f"{fixed} {rng.randrange(100):02d}" if rng.random() < 0.3 else None
        work = f"{fixed} {rng.randrange(100):02d}" if rng.random() < 0.6 else None
        # Läkarexamen comes before the legitimation: with a Swedish AT (about two years) in between, otherwise
        # the months the legitimation took.
        examen = legitimation - timedelta(days=rng.randint(540, 800) if swedish_at else rng.randint(30, 300))
        rows.append(
            (
                trainee_id,
                _personnummer(rng, birth, taken),
                street,
                postal,
                town,
                home,
                mobile,
                work,
                SWEDEN,
                examen,
                SWEDEN,
            )
        )
    return rows
