"""A trainee's plan and the month-by-month simulation that lays it out as a timeline.

The timeline model is month based: placements start on the first of a month (a trainee may start
mid-month) and end on the last day of a month, whole-month leave episodes and short sick leave
overlap them. The trainee's plan continues until the counted months (RULES.md section 2) reach the
minimum, so the last planned placement ends in the month the ST is expected to be complete.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.demo.people import Person

_EPS = 1e-9

# --- months -------------------------------------------------------------------------------------

_MONTHS: dict[int, tuple[date, int, date]] = {}


def _month(index: int) -> tuple[date, int, date]:
    """(first day, number of days, last day) of the month with index year * 12 + month - 1."""
    m = _MONTHS.get(index)
    if m is None:
        first = date(index // 12, index % 12 + 1, 1)
        dim = calendar.monthrange(first.year, first.month)[1]
        m = (first, dim, first.replace(day=dim))
        _MONTHS[index] = m
    return m


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def add_months(d: date, months: int) -> date:
    """The first day of the month ``months`` after the month of ``d``."""
    return _month(month_index(d) + months)[0]


def month_end(d: date) -> date:
    return _month(month_index(d))[2]


# --- trainee plans ------------------------------------------------------------------------------

@dataclass
class Block:
    kind: str  # BT or ST
    setting: str
    workplace: str
    unit_id: str | None
    months: int
    home: bool
    side_handledare: Person | None = None


@dataclass(frozen=True)
class Episode:
    """Whole-month leave: month offsets from the start month."""

    kind: str
    start: int
    months: int
    percent: int


@dataclass(frozen=True)
class Sick:
    month: int
    day: int
    days: int


@dataclass
class Plan:
    blocks: list[Block]
    bt_months: int
    episodes: list[Episode]
    sick: list[Sick]
    part_time: tuple[int, int, int] | None  # start month, months, percent
    credits: list[tuple[str, float, str]]
    required: float


@dataclass
class Timeline:
    start: date
    end: date  # the day the minimum is expected to be reached (end of that month)
    stop_month: int
    placements: list[tuple[str, str, str, str | None, date, date, int]]
    leave: list[tuple[str, date, date, int]]
    blocks: list[tuple[Block, date, date]]  # the logical blocks, clipped to the timeline
    bt_end: date | None
    counted_at: dict[int, float] = field(default_factory=dict)  # month offset -> counted months at its end


def count_months(plan: Plan, start: date) -> tuple[int, list[float], list[int], list[int]]:
    """Walk month by month until the counted months (with credits) reach the minimum.

    Returns the offset of the last month, the counted months at the end of each month, the placement
    percent of each month and the block of each month.
    """
    month_block: list[int] = []
    for i, blk in enumerate(plan.blocks):
        month_block.extend([i] * blk.months)
    leave_by_month: dict[int, int] = {}
    for ep in plan.episodes:
        for m in range(ep.start, ep.start + ep.months):
            leave_by_month[m] = ep.percent
    sick_by_month = {sk.month: sk.days for sk in plan.sick}
    target = plan.required - sum(c[1] for c in plan.credits) - _EPS
    pt_start, pt_stop, pt_pct = 0, 0, 100
    if plan.part_time is not None:
        pt_start, pt_stop, pt_pct = plan.part_time[0], plan.part_time[0] + plan.part_time[1], plan.part_time[2]
    base = month_index(start)
    total = 0.0
    counted: list[float] = []
    percents: list[int] = []
    m = 0
    while True:
        if m >= len(month_block):
            month_block.append(len(plan.blocks) - 1)
        dim = _month(base + m)[1]
        covered = dim - start.day + 1 if m == 0 else dim
        pct = pt_pct if pt_start <= m < pt_stop and plan.blocks[month_block[m]].kind == "ST" else 100
        percents.append(pct)
        month_leave = leave_by_month.get(m)
        eff = max(0, pct - (month_leave or 0))
        days = covered
        if month_leave is None and m in sick_by_month:
            days -= sick_by_month[m]
        total += days / dim * eff / 100
        counted.append(total)
        if total >= target or m > 600:
            return m, counted, percents, month_block
        m += 1


def simulate(plan: Plan, start: date) -> Timeline:
    stop, counted, percents, month_block = count_months(plan, start)
    counted_at = dict(enumerate(counted))
    leave_by_month = {m for ep in plan.episodes for m in range(ep.start, ep.start + ep.months)}
    end = month_end(add_months(start, stop))

    # Placements: consecutive months at the same workplace and percent form one row.
    placements: list[tuple[str, str, str, str | None, date, date, int]] = []
    blocks: list[tuple[Block, date, date]] = []
    seg_start = 0
    for mm in range(stop + 1):
        last = mm == stop
        b = plan.blocks[month_block[mm]]
        nb = None if last else plan.blocks[month_block[mm + 1]]
        same_row = (
            nb is not None
            and (nb.kind, nb.setting, nb.workplace, nb.unit_id) == (b.kind, b.setting, b.workplace, b.unit_id)
            and percents[mm + 1] == percents[mm]
        )
        if not same_row:
            s = start if seg_start == 0 else add_months(start, seg_start)
            placements.append((b.kind, b.setting, b.workplace, b.unit_id, s, month_end(add_months(start, mm)),
                               percents[mm]))
            seg_start = mm + 1
    # Logical blocks (one clinical certificate each).
    m0 = 0
    for b in plan.blocks:
        if m0 > stop:
            break
        m1 = min(stop, m0 + b.months - 1)
        blocks.append((b, start if m0 == 0 else add_months(start, m0), month_end(add_months(start, m1))))
        m0 += b.months
    if m0 <= stop:  # the last block was stretched to the end
        b, s, _ = blocks[-1]
        blocks[-1] = (b, s, end)
    leave: list[tuple[str, date, date, int]] = []
    for ep in plan.episodes:
        if ep.start > stop:
            continue
        last_m = min(stop, ep.start + ep.months - 1)
        leave.append((ep.kind, add_months(start, ep.start), month_end(add_months(start, last_m)), ep.percent))
    for sk in plan.sick:
        if sk.month > stop or sk.month in leave_by_month:
            continue
        first = add_months(start, sk.month)
        s = first.replace(day=sk.day)
        leave.append(("sjukfranvaro", s, s + timedelta(days=sk.days - 1), 100))
    leave.sort(key=lambda r: r[1])
    bt_end = month_end(add_months(start, plan.bt_months - 1)) if plan.bt_months else None
    return Timeline(start, end, stop, placements, leave, blocks, bt_end, counted_at)

