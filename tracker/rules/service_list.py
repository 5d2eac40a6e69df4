"""The tjänsteförteckning of Socialstyrelsen's forms: one row per placement with its period, its percent
of full time and the full-time months it counts (RULES 2), summing to the progress figure.

A day's counted time is shared among the placements that cover it in proportion to their percents (two
50 % placements on a day of 30 % leave count 35 % each), so the exact row months add up to exactly the
months of RULES 2. Each row is then rounded to hundredths so that the rounded rows still add up to the
rounded total (largest remainder): the Summa on the form equals the progress JSON's figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from tracker.domain import Placement, TraineeRecord
from tracker.rules.numbers import half_up, hundredths
from tracker.rules.reference import MONTH, counted_start, days, service_table


@dataclass(frozen=True)
class ServiceRow:
    """One placement as the form lists it: the counted period up to the as-of date."""

    placement: Placement
    start: date
    end: date
    exact_months: Fraction
    months: Fraction  # rounded to hundredths; the rows' months sum to the rounded total


def apportion(values: Sequence[Fraction]) -> list[Fraction]:
    """``values`` rounded to hundredths so that they sum to the half-up rounded sum of ``values``."""
    target = int(half_up(sum(values, Fraction(0))) * 100)
    floors = [int(v * 100) // 1 for v in values]
    remainders = sorted(range(len(values)), key=lambda i: (-(values[i] * 100 - floors[i]), i))
    for i in remainders[: max(0, target - sum(floors))]:
        floors[i] += 1
    return [Fraction(f, 100) for f in floors]


def service_rows(
    rec: TraineeRecord, kinds: Sequence[str], as_of: date, bt_parts: Sequence[str] | None = None
) -> list[ServiceRow]:
    """The placements of ``kinds`` (BT placements of ``bt_parts`` only, if given) with counted days up to
    ``as_of``, in date order, each with the months it counts."""
    table = service_table(rec, kinds, bt_parts)
    legit = rec.trainee.legitimation_date
    chosen: list[tuple[Placement, date, date]] = []
    for p in rec.placements:
        if p.kind not in kinds or (bt_parts is not None and p.part not in bt_parts):
            continue
        start, end = counted_start(p, legit), min(p.end_date, as_of)
        if start <= end:
            chosen.append((p, start, end))
    chosen.sort(key=lambda c: (c[1], c[2], c[0].workplace))
    months_exact: list[Fraction] = []
    for p, start, end in chosen:
        weight = hundredths(p.percent)
        units = Fraction(0)
        for d in days(start, end):
            if counted := table.units(d):
                units += Fraction(counted * weight, table.placement[d])
        months_exact.append(units / MONTH)
    rounded = apportion(months_exact)
    return [
        ServiceRow(placement=p, start=start, end=end, exact_months=m, months=r)
        for (p, start, end), m, r in zip(chosen, months_exact, rounded, strict=True)
    ]
