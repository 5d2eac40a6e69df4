"""The rules of RULES.md for one trainee, in plain Python with exact arithmetic.

This is the reference path: every figure can be followed day by day. ``tracker.rules.setbased`` computes
the same for all trainees at once in DuckDB, and the tests hold the two to the same answers.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import cache

from tracker.domain import (
    REG_2015,
    REG_2021,
    REGULATION_2021_START,
    STATUS_EJ,
    STATUS_PAGAR,
    STATUS_UPPFYLLT,
    TYPE_LABELS,
    Leave,
    Placement,
    Trainee,
    TraineeRecord,
)
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
_LCM_DAYS = 377_580
FULL = 10_000
MONTH = FULL * _LCM_DAYS


def days_in_month(d: date) -> int:
    return _days_in_month(d.year, d.month)


@cache
def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _hundredths(percent: float) -> int:
    return round(percent * 100)


def to_months(units: int) -> Fraction:
    return Fraction(units, MONTH)


def _days(start: date, end: date) -> Iterable[date]:
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
        p = _hundredths(percent)
        for d in _days(start, end):
            self.placement[d] = self.placement.get(d, 0) + p

    def add_leave(self, leaves: Iterable[Leave]) -> None:
        for lv in leaves:
            p = _hundredths(lv.percent)
            for d in _days(lv.start_date, lv.end_date):
                self.leave[d] = self.leave.get(d, 0) + p

    def counted(self, d: date) -> int:
        """max(0, min(100 %, placements) - leave) for one day, in hundredths of a percent."""
        return max(0, min(FULL, self.placement.get(d, 0)) - self.leave.get(d, 0))

    def units(self, d: date) -> int:
        """The day's counted time in month units (see MONTH)."""
        return self.counted(d) * (_LCM_DAYS // days_in_month(d))

    def months(self, until: date) -> Fraction:
        return to_months(sum(self.units(d) for d in self.placement if d <= until))


def counting_kinds(regulation: str) -> tuple[str, ...]:
    """AT never counts toward ST; BT counts only under HSLF-FS 2021:8."""
    return ("BT", "ST") if regulation == REG_2021 else ("ST",)


def counted_start(p: Placement, legitimation: date | None) -> date:
    """ST days before the legitimation date do not count."""
    if p.kind == "ST" and legitimation is not None and p.start_date < legitimation:
        return legitimation
    return p.start_date


def service_table(rec: TraineeRecord, kinds: Sequence[str], settings: Sequence[str] | None = None) -> DayTable:
    table = DayTable()
    for p in rec.placements:
        if p.kind not in kinds or (settings is not None and p.setting not in settings):
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
    days: set[date] = set()
    for p in rec.placements:
        if p.kind == "ST" and p.start_date < legit:
            days.update(_days(p.start_date, min(p.end_date, legit - ONE_DAY)))
    return len(days)


# --- section 8: projected completion ----------------------------------------------------------

def projected_completion(
    table: DayTable, target: Fraction, as_of: date, fallback_start: date
) -> date | None:
    """First day the counted months reach ``target`` (credits already subtracted)."""
    if target <= 0:
        return fallback_start
    goal = target * MONTH  # in units; compared exactly
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
        total += tail * (_LCM_DAYS // days_in_month(d))
        if total >= goal:
            return d
        d += ONE_DAY
    return None


# --- section 6: delmål status -----------------------------------------------------------------

def delmal_status(rec: TraineeRecord, applicable: Sequence[Requirement]) -> dict[str, str]:
    listed: dict[str, list[tuple[str, bool]]] = {}
    for c in rec.certificates:
        for code in c.delmal:
            listed.setdefault(code, []).append((c.type, c.signed))
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


def missing_types(rec: TraineeRecord, req: Requirement) -> list[tuple[str, ...]]:
    """The requirement groups not yet covered by a signed certificate listing the delmål."""
    signed = {c.type for c in rec.certificates if c.signed and req.code in c.delmal}
    return [g for g in req.required if not any(t in signed for t in g)]


# --- the whole picture ------------------------------------------------------------------------

@dataclass(frozen=True)
class BTProgress:
    months: Fraction
    primary_care_months: Fraction
    acute_care_months: Fraction
    time_complete: bool
    delmal: dict[str, str]
    delmal_complete: bool
    fullgjord_signed: bool
    baskompetens_signed: bool
    approved: bool

    @property
    def ready_for_application(self) -> bool:
        return self.time_complete and self.delmal_complete and self.fullgjord_signed and self.baskompetens_signed


@dataclass(frozen=True)
class ATProgress:
    months: Fraction
    by_setting: dict[str, Fraction]
    complete: bool


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
    ready_to_apply: bool
    missing: list[str]
    days_before_legitimation: int = 0

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
            "missing": list(self.missing),
            "days_before_legitimation": self.days_before_legitimation,
        }


def r2(x: Fraction | float) -> float:
    return round(float(x), 2)


def sv_number(x: Fraction | float) -> str:
    """Two decimals at most, Swedish decimal comma: 30.25 -> '30,25', 6.0 -> '6'."""
    text = f"{float(x):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _signed(rec: TraineeRecord, ctype: str) -> bool:
    return any(c.type == ctype and c.signed for c in rec.certificates)


def _bt_progress(rec: TraineeRecord, as_of: date, bt_applicable: Sequence[Requirement]) -> BTProgress:
    months = service_table(rec, ("BT",)).months(as_of)
    primary = service_table(rec, ("BT",), ("primarvard",)).months(as_of)
    acute = service_table(rec, ("BT",), ("akutsjukvard",)).months(as_of)
    status = delmal_status(rec, bt_applicable)
    approved = rec.trainee.bt_approved_date is not None and rec.trainee.bt_approved_date <= as_of
    return BTProgress(
        months=months,
        primary_care_months=primary,
        acute_care_months=acute,
        time_complete=months >= BT_MIN_MONTHS and primary >= BT_MIN_PRIMARY and acute >= BT_MIN_ACUTE,
        delmal=status,
        delmal_complete=bool(status) and all(s == STATUS_UPPFYLLT for s in status.values()),
        fullgjord_signed=_signed(rec, "fullgjord_bt"),
        baskompetens_signed=_signed(rec, "baskompetens"),
        approved=approved,
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

    by_setting = {s: months((s,)) for s in ("internmedicin", "kirurgi", "psykiatri", "primarvard")}
    total = months(None)
    complete = (
        total >= AT_MIN_MONTHS
        and by_setting["internmedicin"] >= AT_MIN_EACH_OF_MEDICINE_AND_SURGERY
        and by_setting["kirurgi"] >= AT_MIN_EACH_OF_MEDICINE_AND_SURGERY
        and by_setting["internmedicin"] + by_setting["kirurgi"] >= AT_MIN_MEDICINE_AND_SURGERY
        and by_setting["psykiatri"] >= AT_MIN_PSYCHIATRY
        and by_setting["primarvard"] >= AT_MIN_GENERAL_PRACTICE
    )
    return ATProgress(months=total, by_setting=by_setting, complete=complete)


def _lower_first(label: str) -> str:
    """'Kurs' -> 'kurs' inside a sentence; codes and names further on keep their case."""
    return label[:1].lower() + label[1:]


def missing_activities(rec: TraineeRecord, req: Requirement) -> str:
    """The activity types still lacking a signed certificate, as Swedish text ('' when none)."""
    groups = missing_types(rec, req)
    return ", ".join(" eller ".join(_lower_first(TYPE_LABELS.get(t, t)) for t in g) for g in groups)


def missing_sentence_for_delmal(rec: TraineeRecord, req: Requirement) -> str:
    lacking = missing_activities(rec, req)
    if not lacking:
        return f"Delmål {req.code} är inte uppfyllt."
    return f"Delmål {req.code} är inte uppfyllt: signerat intyg saknas för {lacking}."


def compute_progress(
    rec: TraineeRecord,
    as_of: date,
    applicable: Sequence[Requirement],
    bt_applicable: Sequence[Requirement] = (),
) -> Progress:
    t = rec.trainee
    regulation = resolve_regulation(t)
    required = required_months(regulation, t.doktorsexamen)
    table = service_table(rec, counting_kinds(regulation))
    service = table.months(as_of)
    credited = sum((Fraction(c.months).limit_denominator(10_000) for c in rec.credits), Fraction(0))
    projected = projected_completion(table, required - credited, as_of, t.st_start_date)
    bt = _bt_progress(rec, as_of, bt_applicable) if regulation == REG_2021 else None
    status = delmal_status(rec, applicable)

    missing: list[str] = []
    if bt is not None:
        if not bt.approved:
            missing.append(
                "Bastjänstgöringen är inte godkänd: datum för intyg om godkänd bastjänstgöring saknas."
            )
        if not bt.time_complete:
            missing.append(
                f"BT-tiden är {sv_number(bt.months)} månader (primärvård {sv_number(bt.primary_care_months)}, "
                f"akut sjukvård {sv_number(bt.acute_care_months)}); minst {sv_number(BT_MIN_MONTHS)} månader varav "
                f"{sv_number(BT_MIN_PRIMARY)} i varje krävs."
            )
    counted = service + credited
    if counted < required:
        missing.append(
            f"Tjänstgöringstiden är {sv_number(counted)} av {sv_number(required)} månader; "
            f"{sv_number(required - counted)} månader återstår."
        )
    for req in applicable:
        if status.get(req.code) != STATUS_UPPFYLLT:
            missing.append(missing_sentence_for_delmal(rec, req))
    if regulation == REG_2021:
        if not _signed(rec, "fullgjord_st"):
            missing.append("Intyg om fullgjord specialiseringstjänstgöring (bilaga 6) är inte signerat.")
        if not _signed(rec, "specialistkompetens"):
            missing.append("Intyg om uppnådd specialistkompetens (bilaga 7) är inte signerat.")
    elif not _signed(rec, "specialistkompetens"):
        missing.append("Intyg om uppnådd specialistkompetens (bilaga 2) är inte signerat.")

    return Progress(
        trainee_id=t.trainee_id,
        regulation=regulation,
        as_of=as_of,
        required_months=required,
        service_months=service,
        credited_months=credited,
        projected_completion_date=projected,
        bt=bt,
        at=_at_progress(rec, as_of),
        delmal=status,
        ready_to_apply=not missing,
        missing=missing,
        days_before_legitimation=days_before_legitimation(rec),
    )
