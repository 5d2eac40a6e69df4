"""The rules of RULES.md for one trainee, in plain Python with exact arithmetic.

This is the reference path: every figure can be followed day by day. ``tracker.rules.setbased`` computes
the same for all trainees at once in DuckDB, and the tests hold the two to the same answers.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import cache

from tracker.domain import (
    BEVIS_BAS,
    REG_2015,
    REG_2021,
    REGULATION_2021_START,
    STATUS_EJ,
    STATUS_PAGAR,
    STATUS_UPPFYLLT,
    Leave,
    Placement,
    Trainee,
    TraineeRecord,
)
from tracker.rules.credits import CountedCredit, count_credits, credit_notice
from tracker.rules.facts import (
    AT_MIN_EACH_OF_MEDICINE_AND_SURGERY,
    AT_MIN_GENERAL_PRACTICE,
    AT_MIN_MEDICINE_AND_SURGERY,
    AT_MIN_MONTHS,
    AT_MIN_PART_TIME,
    AT_MIN_PSYCHIATRY,
    BT_MIN_ACUTE,
    BT_MIN_MONTHS,
    BT_MIN_PRIMARY,
    MIN_MONTHS,
    MIN_MONTHS_2015_DOKTORSEXAMEN,
    PROJECTION_HORIZON_YEARS,
)
from tracker.rules.numbers import hundredths, r2
from tracker.rules.readiness import (
    BTStanding,
    MissingItem,
    activities_text,
    bas_recorded,
    legitimation_notices,
    missing_items,
)

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Requirement:
    """One applicable delmål: every group must be covered; any type within a group suffices."""

    code: str
    required: tuple[tuple[str, ...], ...]


# --- section 1: regelverk ---------------------------------------------------------------------

def resolve_regulation(t: Trainee) -> str:
    if t.regulation_choice:
        return t.regulation_choice
    if t.swedish_at or t.st_start_date < REGULATION_2021_START:
        return REG_2015
    return REG_2021


# --- section 3: minimum time ------------------------------------------------------------------

def required_months(regulation: str, doktorsexamen: bool) -> Fraction:
    if regulation == REG_2015 and doktorsexamen:
        return MIN_MONTHS_2015_DOKTORSEXAMEN
    return MIN_MONTHS[regulation]


# --- section 2: counting time -----------------------------------------------------------------

# Exact integer arithmetic: a percent is held in hundredths (100 % = 10 000) and a day in units of
# 1/377 580 of a month times the percent, where 377 580 = lcm(28, 29, 30, 31). A full month at
# 100 % is then exactly MONTH units, and every sum stays an integer (fast, and no rounding).
LCM_DAYS = 377_580
FULL = 10_000
MONTH = FULL * LCM_DAYS


def days_in_month(d: date) -> int:
    return _days_in_month(d.year, d.month)


@cache
def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def to_months(units: int) -> Fraction:
    return Fraction(units, MONTH)


def days(start: date, end: date) -> Iterable[date]:
    d = start
    while d <= end:
        yield d
        d += ONE_DAY


@dataclass
class DayTable:
    """Placement and leave percent (in hundredths) per day, summed over overlapping periods."""

    placement: dict[date, int] = field(default_factory=dict)
    leave: dict[date, int] = field(default_factory=dict)

    def add_placement(self, start: date, end: date, percent: float) -> None:
        p = hundredths(percent)
        for d in days(start, end):
            self.placement[d] = self.placement.get(d, 0) + p

    def add_leave(self, leaves: Iterable[Leave]) -> None:
        for lv in leaves:
            p = hundredths(lv.percent)
            for d in days(lv.start_date, lv.end_date):
                self.leave[d] = self.leave.get(d, 0) + p

    def counted(self, d: date) -> int:
        """max(0, min(100 %, placements) - leave) for one day, in hundredths of a percent."""
        return max(0, min(FULL, self.placement.get(d, 0)) - self.leave.get(d, 0))

    def units(self, d: date) -> int:
        """The day's counted time in month units (see MONTH)."""
        return self.counted(d) * (LCM_DAYS // days_in_month(d))

    def months(self, until: date) -> Fraction:
        return to_months(sum(self.units(d) for d in self.placement if d <= until))

    def months_before(self, day: date, until: date) -> Fraction:
        """Months counted on the days before ``day`` (and not after ``until``)."""
        return to_months(sum(self.units(d) for d in self.placement if d < day and d <= until))


def counting_kinds(regulation: str) -> tuple[str, ...]:
    """AT never counts toward ST; BT counts only under HSLF-FS 2021:8."""
    return ("BT", "ST") if regulation == REG_2021 else ("ST",)


def counted_start(p: Placement, legitimation: date | None) -> date:
    """ST days before the legitimation date do not count."""
    if p.kind == "ST" and legitimation is not None and p.start_date < legitimation:
        return legitimation
    return p.start_date


def service_table(rec: TraineeRecord, kinds: Sequence[str], bt_parts: Sequence[str] | None = None) -> DayTable:
    """The counting days of the placements of ``kinds`` (BT placements of ``bt_parts`` only, if given)."""
    table = DayTable()
    for p in rec.placements:
        if p.kind not in kinds or (bt_parts is not None and p.part not in bt_parts):
            continue
        start = counted_start(p, rec.trainee.legitimation_date)
        if start <= p.end_date:
            table.add_placement(start, p.end_date, p.percent)
    table.add_leave(rec.leave)
    return table


def days_before_legitimation(rec: TraineeRecord) -> int:
    """Placement days (ST) recorded before the legitimation date: shown as a flag."""
    legit = rec.trainee.legitimation_date
    if legit is None:
        return 0
    seen: set[date] = set()
    for p in rec.placements:
        if p.kind == "ST" and p.start_date < legit:
            seen.update(days(p.start_date, min(p.end_date, legit - ONE_DAY)))
    return len(seen)


# --- section 8: projected completion ----------------------------------------------------------

def projected_completion(
    table: DayTable, target: Fraction, as_of: date, fallback_start: date
) -> date | None:
    """First day the counted months reach ``target`` (credits already subtracted)."""
    if target <= 0:
        return fallback_start
    goal = math.ceil(target * MONTH)  # in units (an integer: the day reaching it is the same)
    total = 0
    recorded = sorted(table.placement)
    for d in recorded:
        total += table.units(d)
        if total >= goal:
            return d
    if not recorded:
        return None
    last = recorded[-1]
    tail = min(FULL, table.placement[last])
    if tail <= 0:
        return None
    d = max(last, as_of) + ONE_DAY
    horizon = date(d.year + PROJECTION_HORIZON_YEARS, 1, 1)
    while d < horizon:
        total += tail * (LCM_DAYS // days_in_month(d))
        if total >= goal:
            return d
        d += ONE_DAY
    return None


# --- section 6: delmål status -----------------------------------------------------------------

def delmal_status(rec: TraineeRecord, applicable: Sequence[Requirement], as_of: date) -> dict[str, str]:
    """Each applicable delmål's status on the as-of date (certificates signed later count as unsigned)."""
    listed: dict[str, list[tuple[str, bool]]] = {}
    for c in rec.certificates:
        for code in c.delmal:
            listed.setdefault(code, []).append((c.type, c.signed_on(as_of)))
    result: dict[str, str] = {}
    for req in applicable:
        certs = listed.get(req.code, [])
        signed_types = {t for t, s in certs if s}
        if req.required and all(any(t in signed_types for t in group) for group in req.required):
            result[req.code] = STATUS_UPPFYLLT
        elif certs:
            result[req.code] = STATUS_PAGAR
        else:
            result[req.code] = STATUS_EJ
    return result


def signed_types(rec: TraineeRecord, code: str, as_of: date) -> set[str]:
    """The types of the certificates listing the delmål that are signed on the as-of date."""
    return {c.type for c in rec.certificates if c.signed_on(as_of) and code in c.delmal}


def uncovered(req: Requirement, signed: Iterable[str]) -> list[tuple[str, ...]]:
    """The requirement groups none of the signed types covers."""
    have = set(signed)
    return [g for g in req.required if not any(t in have for t in g)]


def missing_types(rec: TraineeRecord, req: Requirement, as_of: date) -> list[tuple[str, ...]]:
    """The requirement groups not yet covered by a signed certificate listing the delmål."""
    return uncovered(req, signed_types(rec, req.code, as_of))


# --- the whole picture ------------------------------------------------------------------------

@dataclass(frozen=True)
class BTProgress:
    months: Fraction  # BT service and BT credits
    primary_care_months: Fraction
    acute_care_months: Fraction
    time_complete: bool
    delmal: dict[str, str]
    delmal_complete: bool
    fullgjord_signed: bool
    baskompetens_signed: bool
    approved: bool
    credited_months: Fraction = Fraction(0)
    before_legitimation_months: Fraction = Fraction(0)

    @property
    def ready_for_application(self) -> bool:
        return self.time_complete and self.delmal_complete and self.fullgjord_signed and self.baskompetens_signed

    def standing(self) -> BTStanding:
        return BTStanding(
            self.months, self.primary_care_months, self.acute_care_months, self.time_complete, self.approved
        )


def bt_time_complete(months: Fraction, primary: Fraction, acute: Fraction) -> bool:
    """RULES 4: at least 6 BT months, of which at least 3 in primärvård and 3 in akut sjukvård."""
    return months >= BT_MIN_MONTHS and primary >= BT_MIN_PRIMARY and acute >= BT_MIN_ACUTE


@dataclass(frozen=True)
class ATProgress:
    months: Fraction
    by_setting: dict[str, Fraction]
    complete: bool


def at_complete(total: Fraction, by_setting: dict[str, Fraction]) -> bool:
    """RULES 5: 18 months; medicine and surgery 9 together, 3 each; psychiatry 3; general practice 6."""
    return (
        total >= AT_MIN_MONTHS
        and by_setting["internmedicin"] >= AT_MIN_EACH_OF_MEDICINE_AND_SURGERY
        and by_setting["kirurgi"] >= AT_MIN_EACH_OF_MEDICINE_AND_SURGERY
        and by_setting["internmedicin"] + by_setting["kirurgi"] >= AT_MIN_MEDICINE_AND_SURGERY
        and by_setting["psykiatri"] >= AT_MIN_PSYCHIATRY
        and by_setting["primarvard"] >= AT_MIN_GENERAL_PRACTICE
    )


AT_SETTINGS = ("internmedicin", "kirurgi", "psykiatri", "primarvard")


@dataclass(frozen=True)
class Progress:
    trainee_id: str
    regulation: str
    as_of: date
    required_months: Fraction
    service_months: Fraction
    credited_months: Fraction
    projected_completion_date: date | None
    bt: BTProgress | None
    at: ATProgress | None
    delmal: dict[str, str]
    missing_items: tuple[MissingItem, ...]
    notices: tuple[str, ...] = ()
    days_before_legitimation: int = 0
    bas_required: bool = False  # a gren- or tilläggsspecialitet: a bevis_bas is needed

    @property
    def ready_to_apply(self) -> bool:
        return not self.missing_items

    @property
    def missing(self) -> list[str]:
        return [m.text for m in self.missing_items]

    @property
    def counted_months(self) -> Fraction:
        return self.service_months + self.credited_months

    @property
    def remaining_months(self) -> Fraction:
        return max(Fraction(0), self.required_months - self.counted_months)

    def to_json(self) -> dict[str, object]:
        """The progress JSON of INTERFACE.md."""
        bt: dict[str, object] | None = None
        if self.bt is not None:
            bt = {
                "months": r2(self.bt.months),
                "primary_care_months": r2(self.bt.primary_care_months),
                "acute_care_months": r2(self.bt.acute_care_months),
                "credited_months": r2(self.bt.credited_months),
                "before_legitimation_months": r2(self.bt.before_legitimation_months),
                "time_complete": self.bt.time_complete,
                "delmal_complete": self.bt.delmal_complete,
                "approved": self.bt.approved,
                "delmal": dict(self.bt.delmal),
            }
        at: dict[str, object] | None = None
        if self.at is not None:
            at = {"months": r2(self.at.months), "complete": self.at.complete}
        return {
            "trainee_id": self.trainee_id,
            "regulation": self.regulation,
            "as_of": self.as_of.isoformat(),
            "required_months": r2(self.required_months),
            "service_months": r2(self.service_months),
            "credited_months": r2(self.credited_months),
            "counted_months": r2(self.counted_months),
            "remaining_months": r2(self.remaining_months),
            "projected_completion_date": (
                self.projected_completion_date.isoformat() if self.projected_completion_date else None
            ),
            "bt": bt,
            "at": at,
            "delmal": dict(self.delmal),
            "ready_to_apply": self.ready_to_apply,
            "missing": self.missing,
            "missing_items": [m.to_json() for m in self.missing_items],
            "notices": list(self.notices),
            "days_before_legitimation": self.days_before_legitimation,
        }


def signed_documents(rec: TraineeRecord, as_of: date) -> set[str]:
    """The types of the trainee's certificates signed on the as-of date."""
    return {c.type for c in rec.certificates if c.signed_on(as_of)}


def bt_progress(
    *,
    service: Fraction,
    primary: Fraction,
    acute: Fraction,
    credited: Fraction,
    before_legitimation: Fraction,
    delmal: dict[str, str],
    documents: Collection[str],
    approved: bool,
) -> BTProgress:
    """BT from its counted parts (RULES 4): credits toward BT add to its months, not to its parts."""
    months = service + credited
    return BTProgress(
        months=months,
        primary_care_months=primary,
        acute_care_months=acute,
        time_complete=bt_time_complete(months, primary, acute),
        delmal=delmal,
        delmal_complete=bool(delmal) and all(s == STATUS_UPPFYLLT for s in delmal.values()),
        fullgjord_signed="fullgjord_bt" in documents,
        baskompetens_signed="baskompetens" in documents,
        approved=approved,
        credited_months=credited,
        before_legitimation_months=before_legitimation,
    )


def _bt_progress(
    rec: TraineeRecord,
    as_of: date,
    bt_applicable: Sequence[Requirement],
    credited: Fraction,
    documents: set[str],
) -> BTProgress:
    legit = rec.trainee.legitimation_date
    return bt_progress(
        service=service_table(rec, ("BT",)).months(as_of),
        primary=service_table(rec, ("BT",), ("primarvard",)).months(as_of),
        acute=service_table(rec, ("BT",), ("akut_sjukvard",)).months(as_of),
        credited=credited,
        before_legitimation=service_table(rec, ("BT",)).months_before(legit, as_of) if legit else Fraction(0),
        delmal=delmal_status(rec, bt_applicable, as_of),
        documents=documents,
        approved=rec.trainee.bt_approved_date is not None and rec.trainee.bt_approved_date <= as_of,
    )


def _at_progress(rec: TraineeRecord, as_of: date) -> ATProgress | None:
    ats = [p for p in rec.placements if p.kind == "AT"]
    if not ats:
        return None

    def months(settings: tuple[str, ...] | None) -> Fraction:
        table = DayTable()
        for p in ats:
            if p.percent >= AT_MIN_PART_TIME and (settings is None or p.setting in settings):
                table.add_placement(p.start_date, p.end_date, p.percent)
        table.add_leave(rec.leave)
        return table.months(as_of)

    by_setting = {s: months((s,)) for s in AT_SETTINGS}
    total = months(None)
    return ATProgress(months=total, by_setting=by_setting, complete=at_complete(total, by_setting))


def missing_activities(rec: TraineeRecord, req: Requirement, as_of: date) -> str:
    """The activity types still lacking a signed certificate, as Swedish text ('' when none)."""
    return activities_text(missing_types(rec, req, as_of))


def judged(
    *,
    trainee_id: str,
    regulation: str,
    as_of: date,
    required: Fraction,
    service: Fraction,
    counted_credits: Sequence[CountedCredit],
    projected: date | None,
    bt: BTProgress | None,
    at: ATProgress | None,
    delmal: dict[str, str],
    unmet: Sequence[tuple[str, Sequence[Sequence[str]]]],
    documents: Collection[str],
    bas: tuple[tuple[str, ...], bool, bool] | None,
    st_days_before_legitimation: int,
) -> Progress:
    """The progress from its computed parts, with what is missing and the notices (RULES 7), as both
    engines give it. ``bas``: as ``readiness.missing_items``."""
    credited = sum((c.counted for c in counted_credits), Fraction(0))
    items = missing_items(
        regulation=regulation,
        required=required,
        counted=service + credited,
        bt=bt.standing() if bt is not None else None,
        unmet_delmal=unmet,
        documents=documents,
        bas=bas,
    )
    notices = [credit_notice(regulation, c) for c in counted_credits]
    notices += legitimation_notices(
        bt.before_legitimation_months if bt else Fraction(0), st_days_before_legitimation
    )
    return Progress(
        trainee_id=trainee_id,
        regulation=regulation,
        as_of=as_of,
        required_months=required,
        service_months=service,
        credited_months=credited,
        projected_completion_date=projected,
        bt=bt,
        at=at,
        delmal=delmal,
        missing_items=tuple(items),
        notices=tuple(notices),
        days_before_legitimation=st_days_before_legitimation,
        bas_required=bas is not None,
    )


def compute_progress(
    rec: TraineeRecord,
    as_of: date,
    applicable: Sequence[Requirement],
    bt_applicable: Sequence[Requirement] = (),
    bas_options: tuple[tuple[str, ...], bool] | None = None,
) -> Progress:
    """``bas_options``: None when the specialty builds on no basspecialitet, else (the qualifying
    basspecialiteter, whether that is every one)."""
    t = rec.trainee
    regulation = resolve_regulation(t)
    required = required_months(regulation, t.doktorsexamen)
    table = service_table(rec, counting_kinds(regulation))
    counted_credits = count_credits(regulation, rec.credits)
    credited = sum((c.counted for c in counted_credits), Fraction(0))
    bt_credited = sum((c.counted for c in counted_credits if c.credit.applies_to == "BT"), Fraction(0))
    documents = signed_documents(rec, as_of)
    status = delmal_status(rec, applicable, as_of)
    bas = None
    if bas_options is not None:
        titles = [c.title for c in rec.certificates if c.type == BEVIS_BAS and c.signed_on(as_of)]
        bas = (bas_options[0], bas_options[1], bas_recorded(titles, bas_options[0]))
    return judged(
        trainee_id=t.trainee_id,
        regulation=regulation,
        as_of=as_of,
        required=required,
        service=table.months(as_of),
        counted_credits=counted_credits,
        projected=projected_completion(table, required - credited, as_of, t.st_start_date),
        bt=_bt_progress(rec, as_of, bt_applicable, bt_credited, documents) if regulation == REG_2021 else None,
        at=_at_progress(rec, as_of),
        delmal=status,
        unmet=[(r.code, missing_types(rec, r, as_of)) for r in applicable if status.get(r.code) != STATUS_UPPFYLLT],
        documents=documents,
        bas=bas,
        st_days_before_legitimation=days_before_legitimation(rec),
    )
