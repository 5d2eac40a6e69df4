"""Changing a trainee's plan without saving it ("Tänk om"): what the record would be under another
future percent or with planned leave. Pure: the caller computes progress on the changed record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tracker.domain import Leave, Placement, TraineeRecord


@dataclass(frozen=True)
class PlannedLeave:
    kind: str
    start_date: date
    end_date: date
    percent: float


def changed_plan(
    rec: TraineeRecord,
    as_of: date,
    *,
    future_percent: float | None = None,
    planned_leave: Sequence[PlannedLeave] = (),
) -> TraineeRecord:
    """The record under a changed plan.

    ``future_percent`` replaces the percent of every placement day after ``as_of`` and of the assumed
    continuation after the last recorded day; planned leave is added as recorded leave, with the
    placement extended through the leave so that the leave is inside the recorded time.
    """
    placements: list[Placement] = []
    tomorrow = as_of + timedelta(days=1)
    for p in rec.placements:
        if future_percent is None or p.end_date <= as_of or p.kind == "AT":
            placements.append(p)
            continue
        if p.start_date <= as_of:
            placements.append(replace(p, end_date=as_of))
            placements.append(replace(p, start_date=tomorrow, percent=future_percent))
        else:
            placements.append(replace(p, percent=future_percent))
    counting = [p for p in placements if p.kind != "AT"]
    last_end = max((p.end_date for p in counting), default=None)
    if future_percent is not None and counting and (last_end is None or last_end <= as_of):
        kind = max(counting, key=lambda p: p.end_date).kind
        placements.append(Placement(kind, "annan", tomorrow, tomorrow, future_percent, "planerat"))
        last_end = tomorrow
    leave = list(rec.leave)
    for lv in planned_leave:
        leave.append(Leave(lv.kind, lv.start_date, lv.end_date, lv.percent))
        if counting and last_end is not None and lv.end_date > last_end:
            last = max((p for p in placements if p.kind != "AT"), key=lambda p: p.end_date)
            tail_pct = (
                future_percent
                if future_percent is not None
                else min(
                    100.0,
                    sum(
                        p.percent for p in placements if p.kind != "AT" and p.start_date <= last.end_date <= p.end_date
                    ),
                )
            )
            placements.append(
                Placement(last.kind, last.setting, last_end + timedelta(days=1), lv.end_date, tail_pct, "planerat")
            )
            last_end = lv.end_date
    return replace(rec, placements=tuple(placements), leave=tuple(leave))
