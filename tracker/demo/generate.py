"""The generator of the demo data: units' staff, trainees with their plans, placements, leave, credits,
supervision and certificates, and ST-intressenter, all as rows in memory.

Everything is drawn from one ``random.Random(seed)`` and laid out relative to ``as_of``, so the same
seed and as-of date always give the same rows; ``write`` puts them in the database.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.demo.people import People, Person
from tracker.demo.reference import (
    ADMIN_EMAIL,
    AREAS,
    COMMON_COURSES,
    COUNTRIES,
    DEFAULT_PROFILE,
    DEVELOPMENT_TOPICS,
    FSL_DAYS,
    FSL_TITLE,
    HANDLEDARE_EMAIL,
    INTRESSENT_FLOW,
    INTRESSENT_NOTES,
    KLINIK,
    OTHER_ACTIVITIES,
    OTHER_HOSPITALS,
    OTHER_TOWNS,
    PROFILES,
    RETURN_COMMENTS,
    SCIENCE_TOPICS,
    SPECIALTY_COURSES,
    SPECIALTY_WEIGHTS,
    ST_EMAIL,
    STUDIEREKTOR_EMAIL,
    UNITS,
    VC,
    VERKSAMHETSCHEF_EMAIL,
    UnitDef,
)
from tracker.demo.simulate import (
    Block,
    Episode,
    Plan,
    Sick,
    Timeline,
    add_months,
    count_months,
    month_end,
    month_index,
    simulate,
)
from tracker.domain import REG_2015, REG_2021, REGULATION_2021_START, TYPE_LABELS
from tracker.rules.facts import MIN_MONTHS, MIN_MONTHS_2015_DOKTORSEXAMEN
from tracker.rules.reference import Requirement
from tracker.store import Connection, catalogue

_AB_PREFIXES = ("a", "b", "STa", "STb")


def _prefix(code: str) -> str:
    return code.rstrip("0123456789")


# --- the generator ------------------------------------------------------------------------------

@dataclass
class _UnitState:
    unit: UnitDef
    verksamhetschef: Person | None = None
    handledare: list[Person] = field(default_factory=list)
    trainees: int = 0
    next_hh: int = 0


@dataclass
class _TraineeDraft:
    index: int
    category: str  # demo_st, demo_hh, first_bt, klar, generic
    specialty: str
    unit: UnitDef


@dataclass
class _Stats:
    reg_2015: int = 0
    reg_2021: int = 0
    in_bt: int = 0
    early: int = 0
    middle: int = 0
    late: int = 0
    time_done: int = 0
    complete: int = 0


@dataclass
class _Activity:
    type: str
    title: str
    codes: tuple[str, ...]
    start: date | None
    end: date | None
    signer: Person
    role: str
    ongoing_draft: bool = False
    addressee: Person | None = None  # who an unsigned certificate is sent to, when not the signer


class Generator:
    """Builds every demo row in memory, drawing from one ``random.Random(seed)`` in a fixed order."""

    def __init__(self, con: Connection, trainees: int, seed: int, as_of: date) -> None:
        self.con = con
        self.n = trainees
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.people = People(self.rng)
        self.units = {u.unit_id: _UnitState(u) for u in UNITS}
        self.area_studierektor: dict[tuple[str, str], Person] = {}
        self.kursledare: list[Person] = []
        self.req_cache: dict[tuple[str, str], list[Requirement]] = {}
        self.title_cache: dict[tuple[str, str], dict[str, str]] = {}
        available = set(catalogue.specialties(con))
        weights = [(s, w) for s, w in SPECIALTY_WEIGHTS if s in available]
        if not weights:
            weights = [(s, 1) for s in sorted(available)]
        self.specialties = [s for s, _ in weights]
        self.specialty_weights = [w for _, w in weights]
        self.allow_2021 = as_of >= add_months(REGULATION_2021_START, 1)
        # rows
        self.roles: list[tuple[str, str, str | None, str | None, str | None]] = []
        self.trainee_rows: list[tuple[object, ...]] = []
        self.supervision: list[tuple[str, str, str, date, date | None]] = []
        self.placements: list[tuple[object, ...]] = []
        self.leave: list[tuple[object, ...]] = []
        self.credits: list[tuple[str, str, float, str]] = []
        self.certs: list[tuple[object, ...]] = []
        self.cert_codes: list[tuple[int, str]] = []  # (certificate index, code)
        self.intressenter: list[tuple[object, ...]] = []
        self.intressent_steps: list[tuple[str, str, date, str | None, str]] = []
        self.stats = _Stats()
        self.recent_vc_trainees: list[tuple[date, str, str, str, str, bool, date | None]] = []

    # -- catalogue --
    def requirements(self, regulation: str, specialty: str) -> list[Requirement]:
        key = (regulation, specialty)
        if key not in self.req_cache:
            self.req_cache[key] = catalogue.requirements(self.con, regulation, specialty)
        return self.req_cache[key]

    def titles(self, regulation: str, specialty: str) -> dict[str, str]:
        key = (regulation, specialty)
        if key not in self.title_cache:
            self.title_cache[key] = {
                code: title for code, title, _, _ in catalogue.delmal_table(self.con, regulation, specialty)
            }
        return self.title_cache[key]

    # -- organisation and staff --
    def build_drafts(self) -> list[_TraineeDraft]:
        rng = self.rng
        n = self.n
        cats: list[str] = []
        forced = [("first_bt", max(1, round(n * 0.015)) if self.allow_2021 else 0),
                  ("klar", max(1, round(n * 0.06))), ("demo_hh", 3)]
        room = n - 1
        for name, count in forced:
            take = min(room, count)
            cats.extend([name] * take)
            room -= take
        cats.extend(["generic"] * room)
        rng.shuffle(cats)
        cats.insert(0, "demo_st")
        cats = cats[:n]
        majorna = self.units["vgr-vc-majorna"].unit
        approved_vcs = [u for u in UNITS if u.kind == VC and u.st_approved]
        drafts: list[_TraineeDraft] = []
        for i, cat in enumerate(cats):
            if cat in ("demo_st", "demo_hh"):
                spec = "Allmänmedicin" if "Allmänmedicin" in self.specialties else self.specialties[0]
                unit = majorna
            else:
                spec = rng.choices(self.specialties, self.specialty_weights)[0]
                if spec == "Allmänmedicin":
                    unit = rng.choices(approved_vcs, [u.st_places for u in approved_vcs])[0]
                else:
                    hosts = [u for u in UNITS if spec in u.hosts] or [u for u in UNITS if u.kind == KLINIK]
                    unit = rng.choice(hosts)
            self.units[unit.unit_id].trainees += 1
            drafts.append(_TraineeDraft(i, cat, spec, unit))
        return drafts

    def build_staff(self) -> None:
        admin = self.people.add(specialist=False, email=ADMIN_EMAIL)
        self.roles.append((admin.person_id, "admin", None, None, None))
        for region_id, area in AREAS:
            email = STUDIEREKTOR_EMAIL if (region_id, area) == ("VGR", "Göteborg") else None
            p = self.people.add(specialist=True, email=email)
            self.area_studierektor[(region_id, area)] = p
            self.roles.append((p.person_id, "studierektor", region_id, area, None))
        for st in self.units.values():
            u = st.unit
            # The demo account is one unit's chief; its name is drawn as any other's, so the data stay the same.
            vc = self.people.add(specialist=True, email=VERKSAMHETSCHEF_EMAIL if u.unit_id == "vgr-vc-majorna" else None)
            st.verksamhetschef = vc
            self.roles.append((vc.person_id, "verksamhetschef", u.region_id, u.area, u.unit_id))
            count = max(2, math.ceil(st.trainees / 3))
            for k in range(count):
                email = HANDLEDARE_EMAIL if (u.unit_id == "vgr-vc-majorna" and k == 0) else None
                h = self.people.add(specialist=True, email=email)
                st.handledare.append(h)
                self.roles.append((h.person_id, "handledare", u.region_id, u.area, u.unit_id))
        for _ in range(8):
            self.kursledare.append(self.people.add(specialist=True))

    def huvudhandledare(self, draft: _TraineeDraft) -> Person:
        st = self.units[draft.unit.unit_id]
        if draft.category in ("demo_st", "demo_hh"):
            return st.handledare[0]
        pool = st.handledare[1:] if draft.unit.unit_id == "vgr-vc-majorna" and len(st.handledare) > 1 else (
            st.handledare
        )
        h = pool[st.next_hh % len(pool)]
        st.next_hh += 1
        return h

    # -- one trainee's plan --
    def _workplace(self, region_id: str, setting: str, dept: str, exclude: str) -> tuple[str, str | None, bool]:
        """A demo unit of the setting in the region (with some probability) or a named outside workplace."""
        rng = self.rng
        if setting == "primarvard":
            vcs = [u for u in UNITS if u.region_id == region_id and u.kind == VC and u.unit_id != exclude]
            if vcs and rng.random() < 0.8:
                u = rng.choice(vcs)
                return u.name, u.unit_id, True
            return f"{dept} {rng.choice(OTHER_TOWNS[region_id])}", None, False
        if setting in ("internmedicin", "akutsjukvard", "psykiatri", "kirurgi"):
            units = [
                u for u in UNITS
                if u.region_id == region_id and u.kind == KLINIK and u.setting == setting and u.unit_id != exclude
            ]
            if units and rng.random() < 0.6:
                u = rng.choice(units)
                return u.name, u.unit_id, True
        return f"{dept}, {rng.choice(OTHER_HOSPITALS[region_id])}", None, False

    def _block(self, kind: str, setting: str, dept: str, months: int, region: str, exclude: str) -> Block:
        workplace, unit_id, at_demo = self._workplace(region, setting, dept, exclude)
        side = None
        if unit_id is not None and at_demo and self.rng.random() < 0.5:
            side = self.rng.choice(self.units[unit_id].handledare)
        return Block(kind, setting, workplace, unit_id, months, False, side)

    def make_plan(self, draft: _TraineeDraft, regulation: str, doktorsexamen: bool, earlier_st: bool,
                  foreign_trained: bool) -> Plan:
        rng = self.rng
        unit = draft.unit
        region = unit.region_id
        home_setting, sides = PROFILES.get(draft.specialty, DEFAULT_PROFILE)
        blocks: list[Block] = []
        bt_months = 0
        if regulation == REG_2021:
            parts = [("primarvard", "Vårdcentralen", rng.choice((3, 4, 6))),
                     ("akutsjukvard", "Akutmottagningen", rng.choice((3, 4, 6)))]
            if rng.random() < 0.4:
                parts.append(("psykiatri", "Psykiatriska kliniken", 3))
            rng.shuffle(parts)
            for setting, dept, months in parts:
                if setting == "primarvard" and unit.kind == VC:
                    blocks.append(Block("BT", setting, unit.name, unit.unit_id, months, True))
                else:
                    blocks.append(self._block("BT", setting, dept, months, region, unit.unit_id))
                bt_months += months

        def home(months: int) -> Block:
            return Block("ST", home_setting, unit.name, unit.unit_id, months, True)

        chosen = list(sides)
        if draft.specialty != "Allmänmedicin":
            rng.shuffle(chosen)
            chosen = chosen[: rng.randint(1, max(1, len(chosen)))]
        blocks.append(home(rng.randint(6, 12)))
        for setting, dept, lo, hi in chosen:
            blocks.append(self._block("ST", setting, dept, rng.randint(lo, hi), region, unit.unit_id))
            blocks.append(home(rng.randint(4, 10)))
        planned = sum(b.months for b in blocks)
        while planned < 240:
            blocks.append(home(rng.randint(8, 12)))
            planned += blocks[-1].months
        episodes: list[Episode] = []
        sick: list[Sick] = []
        part_time: tuple[int, int, int] | None = None
        if draft.category != "demo_st":  # the demo account keeps a plain full-time plan
            episodes, sick, part_time = self._leave_plan(bt_months)
        merits: list[tuple[str, float, str]] = []
        if regulation == REG_2021 and doktorsexamen:
            merits.append(("doktorsexamen", 6.0, "Svensk doktorsexamen"))
        if earlier_st:
            merits.append(("tidigare_st", float(rng.choice((24, 27, 30))),
                            f"Tidigare ST i {rng.choice(('internmedicin', 'kirurgi', 'psykiatri'))}"))
        elif draft.category not in ("demo_st", "first_bt") and rng.random() < 0.04:
            merits.append(("tidigare_st", float(rng.randint(6, 24)),
                            f"Tidigare ST i {rng.choice(('internmedicin', 'kirurgi', 'pediatrik', 'geriatrik'))}"))
        if foreign_trained and draft.category not in ("demo_st", "first_bt") and rng.random() < 0.15:
            merits.append(("utlandstjanstgoring", float(rng.randint(3, 12)),
                            f"Tjänstgöring i {rng.choice(COUNTRIES)} enligt IUP"))
        if regulation == REG_2015 and doktorsexamen:
            required = float(MIN_MONTHS_2015_DOKTORSEXAMEN)
        else:
            required = float(MIN_MONTHS[regulation])
        return Plan(blocks, bt_months, episodes, sick, part_time, merits, required)

    def _add_research_leave(self, plan: Plan, months: int) -> bool:
        """Full-time tjänstledighet for ``months`` months early in the ST, where no other leave is."""
        taken = {m for ep in plan.episodes for m in range(ep.start, ep.start + ep.months)}
        start = plan.bt_months + self.rng.randint(10, 30)
        while any(m in taken for m in range(start, start + months)):
            start += 1
        if start > plan.bt_months + 48:
            return False
        plan.episodes.append(Episode("tjanstledighet", start, months, 100))
        plan.part_time = None
        return True

    def _leave_plan(self, first_st: int) -> tuple[list[Episode], list[Sick], tuple[int, int, int] | None]:
        rng = self.rng
        episodes: list[Episode] = []
        taken: set[int] = set()

        def add(kind: str, start: int, months: int, pct: int) -> bool:
            span = range(start, start + months)
            if any(m in taken for m in span):
                return False
            taken.update(span)
            episodes.append(Episode(kind, start, months, pct))
            return True

        parental_end: int | None = None
        if rng.random() < 0.32:
            start = first_st + rng.randint(2, 36)
            pct, months = (100, rng.randint(6, 12)) if rng.random() < 0.75 else (50, rng.randint(4, 10))
            add("foraldraledighet", start, months, pct)
            parental_end = start + months
            if rng.random() < 0.25:
                start2 = parental_end + rng.randint(10, 24)
                months2 = rng.randint(6, 12)
                if add("foraldraledighet", start2, months2, 100):
                    parental_end = start2 + months2
        if rng.random() < 0.03:
            add("sjukfranvaro", first_st + rng.randint(3, 48), rng.randint(1, 3), rng.choice((50, 100)))
        if rng.random() < 0.05:
            add("tjanstledighet", first_st + rng.randint(6, 48), rng.randint(3, 6), rng.choice((50, 100)))
        sick: list[Sick] = []
        for _ in range(2 if rng.random() < 0.03 else (1 if rng.random() < 0.15 else 0)):
            month = first_st + rng.randint(1, 54)
            if month in taken or any(s.month == month for s in sick):
                continue
            days = rng.randint(3, 21)
            sick.append(Sick(month, rng.randint(1, 28 - days + 1), days))
        part_time: tuple[int, int, int] | None = None
        if rng.random() < 0.22:
            if parental_end is not None and rng.random() < 0.6:
                pt_start = parental_end
            else:
                pt_start = first_st + rng.randint(3, 40)
            part_time = (pt_start, rng.randint(6, 24), rng.choice((75, 75, 80, 80, 50)))
        return episodes, sick, part_time

    # -- choosing the start --
    def _random_start(self) -> date:
        """Mostly within the last six years (a normal ST), sometimes back to 2016 (long leave)."""
        rng = self.rng
        first = month_index(date(2016, 1, 1))
        last = month_index(self.as_of)
        recent = max(first, last - 72)
        index = rng.randint(recent, last) if rng.random() < 0.85 or recent == first else rng.randint(first, recent)
        d = date(index // 12, index % 12 + 1, 1)
        if rng.random() < 0.15:
            d = d.replace(day=rng.choice((15, rng.randint(2, 28))))
        return min(d, self.as_of)

    def _fit_end(self, plan: Plan, end_month: date) -> Timeline:
        """The timeline shifted by whole months so that it ends in ``end_month``."""
        stop = count_months(plan, date(2020, 1, 1))[0]
        return simulate(plan, add_months(end_month, -stop))

    def _fit_before(self, plan: Plan, end_month: date) -> Timeline:
        """Like ``_fit_end`` but guaranteed to end before as_of (short sick leave can move the end)."""
        tl = self._fit_end(plan, end_month)
        for _ in range(4):
            if tl.end <= self.as_of:
                break
            tl = simulate(plan, add_months(tl.start, -1))
        return tl

    # -- one trainee --
    def build_trainee(self, draft: _TraineeDraft, trainee_id: str) -> None:
        rng = self.rng
        as_of = self.as_of
        cat = draft.category
        # 1. the track and the start date
        if cat == "demo_st":
            start = add_months(as_of, -30)
            track = "2021" if self.allow_2021 and start >= REGULATION_2021_START else "2015_at"
        elif cat == "first_bt":
            start = max(REGULATION_2021_START, as_of - timedelta(days=rng.randint(0, 20)))
            track = "2021"
        elif cat == "klar":
            start = add_months(as_of, -70)
            if self.allow_2021 and as_of >= date(2024, 7, 1) and rng.random() < 0.2:
                track = "2021_klar"
            else:
                track = "2015_at" if rng.random() < 0.8 else "2015_foreign"
        else:
            start = self._random_start()
            if start >= REGULATION_2021_START:
                track = "2021" if self.allow_2021 and rng.random() < 0.45 else "2015_at"
            else:
                track = "2015_at" if rng.random() < 0.8 else "2015_foreign"
        regulation = REG_2021 if track.startswith("2021") else REG_2015
        foreign_trained = track != "2015_at"
        doktorsexamen = cat != "demo_st" and rng.random() < (0.06 if regulation == REG_2015 else 0.05)
        plan = self.make_plan(draft, regulation, doktorsexamen, track == "2021_klar", foreign_trained)
        if regulation == REG_2021 and start.day != 1:
            # A mid-month start: the first BT placement gets one more (partial) month.
            plan.blocks[0].months += 1
            plan.bt_months += 1

        # 2. the timeline
        if cat == "klar":
            target = add_months(as_of, -rng.randint(1, 8))
            tl = self._fit_before(plan, target)
            if regulation == REG_2021 and tl.start < REGULATION_2021_START:
                # Too early for the 2021 rules: an AT doctor under SOSFS 2015:8 instead.
                regulation, track, foreign_trained = REG_2015, "2015_at", False
                plan = self.make_plan(draft, REG_2015, doktorsexamen, False, False)
                tl = self._fit_before(plan, target)
        else:
            tl = simulate(plan, start)
            early = add_months(as_of, -3)
            if cat == "generic" and tl.end < early and start < add_months(as_of, -84):
                # An early starter still in training: research leave (forskarstudier) fills the gap.
                gap = month_index(as_of) + rng.randint(-2, 24) - month_index(tl.end)
                if gap <= 60 and self._add_research_leave(plan, gap):
                    tl = simulate(plan, start)
            if cat == "generic" and tl.end < early:
                # Long finished trainees have left the tracker: move the start so the end is near as_of.
                tl = self._fit_end(plan, add_months(as_of, rng.randint(-3, 30)))
        start = tl.start
        # SOSFS 2015:8 after 2021-07-01 is only for doctors with Swedish AT.
        swedish_at = track == "2015_at" or (regulation == REG_2015 and start >= REGULATION_2021_START)
        if regulation == REG_2021:
            self.stats.reg_2021 += 1
        else:
            self.stats.reg_2015 += 1

        # 3. the person and the trainee row
        name_foreign = rng.random() < (0.7 if foreign_trained else 0.08)
        email = ST_EMAIL if cat == "demo_st" else None
        person = self.people.add(specialist=False, foreign=name_foreign, email=email)
        unit = draft.unit
        self.roles.append((person.person_id, "st_lakare", unit.region_id, unit.area, unit.unit_id))
        if swedish_at:
            # AT ends at a month end before the ST; legitimation follows a few weeks later.
            at_end = month_end(add_months(start, -1 if rng.random() < 0.5 else -rng.randint(2, 6)))
            legitimation = min(start, at_end + timedelta(days=rng.randint(21, 60)))
            self._at_placements(trainee_id, unit.region_id, at_end)
        else:
            legitimation = start - timedelta(days=rng.randint(30, 900))

        # 4. placements, leave, credits
        for kind, setting, workplace, unit_id, s, e, pct in tl.placements:
            self.placements.append((trainee_id, kind, setting, workplace, unit_id, s, e, float(pct)))
        for kind, s, e, pct in tl.leave:
            self.leave.append((trainee_id, kind, s, e, float(pct)))
        for kind, months, note in plan.credits:
            self.credits.append((trainee_id, kind, months, note))

        # 5. supervision
        hh = self.huvudhandledare(draft)
        sup_end = tl.end if tl.end <= as_of else None
        supervisors: list[tuple[Person, date, date | None]] = [(hh, start, sup_end)]
        last_day = min(as_of, tl.end)
        if cat not in ("demo_st", "demo_hh") and (last_day - start).days > 500 and rng.random() < 0.12:
            st = self.units[unit.unit_id]
            others = [h for h in st.handledare if h.person_id != hh.person_id]
            if others:
                change = start + timedelta(days=rng.randint(200, (last_day - start).days - 60))
                change = add_months(change, 1)
                if change < last_day:
                    supervisors = [(hh, start, change - timedelta(days=1)), (rng.choice(others), change, sup_end)]
        for sup, sup_start, sup_stop in supervisors:
            self.supervision.append((trainee_id, sup.person_id, "huvudhandledare", sup_start, sup_stop))
        for b, s, e in tl.blocks:
            if b.side_handledare is not None and s <= as_of:
                self.supervision.append((trainee_id, b.side_handledare.person_id, "handledare", s, e))

        def hh_at(d: date) -> Person:
            for p, s, e in supervisors:
                if s <= d and (e is None or d <= e):
                    return p
            return supervisors[-1][0] if d > supervisors[-1][1] else supervisors[0][0]

        # 6. certificates
        complete = cat == "klar"
        bt_approved = self._certificates(trainee_id, draft, regulation, plan, tl, hh_at, complete)

        self.trainee_rows.append((
            trainee_id, person.person_id, person.name, draft.specialty, legitimation, swedish_at, start, None,
            doktorsexamen, bt_approved, unit.unit_id,
        ))
        # 7. stage statistics
        self._count_stage(regulation, plan, tl, complete)
        if unit.kind == VC and start >= add_months(as_of, -14):
            self.recent_vc_trainees.append(
                (start, trainee_id, person.name, person.email, unit.unit_id, swedish_at, legitimation)
            )

    def _count_stage(self, regulation: str, plan: Plan, tl: Timeline, complete: bool) -> None:
        as_of = self.as_of
        if complete:
            self.stats.complete += 1
            return
        if tl.end <= as_of:
            self.stats.time_done += 1
            return
        if regulation == REG_2021 and tl.bt_end is not None and as_of <= tl.bt_end:
            self.stats.in_bt += 1
            return
        months_done = month_index(as_of) - month_index(tl.start)
        counted = tl.counted_at.get(min(months_done, tl.stop_month), 0.0) + sum(c[1] for c in plan.credits)
        share = counted / plan.required
        if share < 1 / 3:
            self.stats.early += 1
        elif share < 2 / 3:
            self.stats.middle += 1
        else:
            self.stats.late += 1

    def _at_placements(self, trainee_id: str, region_id: str, at_end: date) -> None:
        rng = self.rng
        parts = [("internmedicin", "Medicinkliniken", 6), ("kirurgi", rng.choice(("Kirurgkliniken", "Ortopedkliniken")),
                                                          rng.choice((3, 3, 6))),
                 ("psykiatri", "Psykiatriska kliniken", 3), ("primarvard", "Vårdcentralen", 6)]
        rng.shuffle(parts)
        hospital = rng.choice(OTHER_HOSPITALS[region_id])
        total = sum(p[2] for p in parts)
        s = add_months(at_end, -(total - 1))
        for setting, dept, months in parts:
            e = month_end(add_months(s, months - 1))
            where = f"{dept}, {hospital}" if setting != "primarvard" else f"{dept} {rng.choice(OTHER_TOWNS[region_id])}"
            self.placements.append((trainee_id, "AT", setting, where, None, s, e, 100.0))
            s = add_months(s, months)

    # -- certificates --
    def _certificates(self, trainee_id: str, draft: _TraineeDraft, regulation: str, plan: Plan, tl: Timeline,
                      hh_at: Callable[[date], Person], complete: bool) -> date | None:
        rng = self.rng
        as_of = self.as_of
        reqs = self.requirements(regulation, draft.specialty)
        applicable = [r.code for r in reqs]
        need: dict[str, list[str]] = {}
        for r in reqs:
            for group in r.required:
                if "klinisk_tjanstgoring" in group and not (
                    "auskultation" in group and rng.random() < 0.15
                ):
                    t = "klinisk_tjanstgoring"
                elif "kurs" in group:
                    t = "kurs"
                else:
                    t = group[0]
                need.setdefault(t, [])
                if r.code not in need[t]:
                    need[t].append(r.code)
        acts: list[_Activity] = []
        vc = self.units[draft.unit.unit_id].verksamhetschef
        assert vc is not None

        # BT
        bt_done_long_ago = False
        if regulation == REG_2021:
            bt_codes = [r.code for r in self.requirements(REG_2021, catalogue.BT_SPECIALTY)]
            bt_blocks = [(b, s, e) for b, s, e in tl.blocks if b.kind == "BT"]
            assignment: list[list[str]] = [[] for _ in bt_blocks]
            for code in bt_codes:
                assignment[rng.randrange(len(bt_blocks))].append(code)
            for (b, s, e), codes in zip(bt_blocks, assignment, strict=True):
                if not codes:
                    codes.append(rng.choice(bt_codes))
                signer = b.side_handledare or hh_at(e)
                acts.append(_Activity("bt_delmal", f"Delmål i BT: {b.workplace}", tuple(codes), s, e, signer,
                                      "handledare", ongoing_draft=True))
            assert tl.bt_end is not None
            bt_done_long_ago = (as_of - tl.bt_end).days > 120

        # ST: clinical service, one certificate per logical block
        st_blocks = [(b, s, e) for b, s, e in tl.blocks if b.kind == "ST"]
        t0 = st_blocks[0][1] if st_blocks else tl.start
        span = max(1, (tl.end - t0).days)

        def at(f: float) -> date:
            return t0 + timedelta(days=int(f * span))

        klin_assign: list[list[str]] = [[] for _ in st_blocks]
        home_idx = [i for i, (b, _, _) in enumerate(st_blocks) if b.home]
        weights = [st_blocks[i][0].months for i in range(len(st_blocks))]
        for code in need.get("klinisk_tjanstgoring", []):
            if _prefix(code) in _AB_PREFIXES and home_idx:
                i = rng.choices(home_idx, [weights[j] for j in home_idx])[0]
            else:
                i = rng.choices(range(len(st_blocks)), weights)[0]
            klin_assign[i].append(code)
        c_codes = [c for c in applicable if _prefix(c) in ("c", "STc")] or applicable
        for (b, s, e), codes in zip(st_blocks, klin_assign, strict=True):
            if not codes:
                codes.extend(sorted(rng.sample(c_codes, min(len(c_codes), rng.randint(1, 2)))))
            signer = b.side_handledare or hh_at(e)
            acts.append(_Activity("klinisk_tjanstgoring", f"Klinisk tjänstgöring: {b.workplace}", tuple(codes), s,
                                  e, signer, "handledare", ongoing_draft=True))

        # Courses
        kurs_codes = list(need.get("kurs", []))
        applicable_set = set(applicable)
        courses: list[tuple[str, tuple[str, ...]]] = []
        for title, c15, c21 in COMMON_COURSES:
            course_codes = tuple(c for c in (c21 if regulation == REG_2021 else c15) if c in applicable_set)
            if course_codes and (any(c in kurs_codes for c in course_codes) or rng.random() < 0.4):
                courses.append((title, course_codes))
                kurs_codes = [c for c in kurs_codes if c not in course_codes]
        rest = [c for c in kurs_codes]
        titles = SPECIALTY_COURSES.get(draft.specialty)
        code_titles = self.titles(regulation, draft.specialty)
        k = 0
        while rest:
            size = min(len(rest), rng.randint(1, 3))
            chunk, rest = tuple(rest[:size]), rest[size:]
            if titles:
                title = titles[k % len(titles)]
                if k >= len(titles):
                    title = f"{title}, fortsättning"
            else:
                title = f"SK-kurs i {draft.specialty.lower()}: {code_titles.get(chunk[0], chunk[0]).lower()}"
            courses.append((title, chunk))
            k += 1
        # The FSL congress (week 39 in Malmö) may replace a couple of the common courses.
        fsl_last = min(as_of, tl.end)
        fsl_years = [y for y, (first, last) in FSL_DAYS.items() if t0 <= first and last <= fsl_last]
        fsl_year = rng.choice(fsl_years) if fsl_years and rng.random() < 0.2 else None
        fsl_course_idx: list[int] = []
        if fsl_year is not None:
            candidates = [i for i, (_, cc) in enumerate(courses)
                          if _prefix(cc[0]) in _AB_PREFIXES and cc[0] != "STa3"]
            fsl_course_idx = sorted(rng.sample(candidates, min(len(candidates), rng.randint(1, 2))))
        for i, (title, course_codes) in enumerate(courses):
            if i in fsl_course_idx and fsl_year is not None:
                s = date.fromisocalendar(fsl_year, 39, rng.randint(2, 4))
                e = s
                title = f"FSL {fsl_year}: {title}"
                signer, role = rng.choice(self.kursledare), "kursledare"
            else:
                # Courses come somewhat more often early in the ST.
                s = at(0.03 + 0.92 * rng.random() ** 1.3)
                e = s + timedelta(days=rng.randint(1, 4))
                if rng.random() < 0.6:
                    signer, role = rng.choice(self.kursledare), "kursledare"
                else:
                    signer, role = hh_at(e), "handledare"
            acts.append(_Activity("kurs", title, course_codes, s, min(e, tl.end), signer, role,
                                  addressee=hh_at(min(e, tl.end))))
        if fsl_year is not None:
            ab = [c for c in applicable if _prefix(c) in _AB_PREFIXES]
            fsl_codes = tuple(sorted(rng.sample(ab, min(len(ab), rng.randint(2, 4))), key=applicable.index))
            s = date.fromisocalendar(fsl_year, 39, 2)
            acts.append(_Activity("sammankomst", FSL_TITLE, fsl_codes, s, s + timedelta(days=2),
                                  rng.choice(self.kursledare), "kursledare", addressee=hh_at(s)))

        # Auskultation
        ausk = need.get("auskultation", [])
        if ausk:
            s = at(rng.uniform(0.3, 0.85))
            palliative = any(c in ("STb4", "b5") for c in ausk)
            where = "palliativ enhet (ASIH)" if palliative else rng.choice(("närliggande klinik", "mottagning"))
            acts.append(_Activity("auskultation", f"Auskultation: {where}", tuple(ausk), s,
                                  s + timedelta(days=rng.randint(1, 4)), hh_at(s), "handledare"))

        # Projects
        def project(ctype: str, title: str, codes: list[str], lo: float, hi: float) -> None:
            if not codes:
                return
            s = at(rng.uniform(lo, hi))
            e = min(tl.end, s + timedelta(days=rng.randint(90, 300)))
            acts.append(_Activity(ctype, title, tuple(codes), s, e, hh_at(e), "handledare"))

        if regulation == REG_2021:
            project("utvecklingsarbete", f"Utvecklingsarbete: {rng.choice(DEVELOPMENT_TOPICS)}",
                    need.get("utvecklingsarbete", []), 0.35, 0.6)
            project("vetenskap", f"Vetenskapligt arbete: {rng.choice(SCIENCE_TOPICS)}",
                    need.get("vetenskap", []), 0.5, 0.75)
        else:
            project("kvalitetsarbete", f"Kvalitetsarbete: {rng.choice(DEVELOPMENT_TOPICS)}",
                    need.get("kvalitetsarbete", []), 0.35, 0.6)
            project("skriftligt_arbete", f"Skriftligt arbete: {rng.choice(SCIENCE_TOPICS)}",
                    need.get("skriftligt_arbete", []), 0.5, 0.75)
        for t in sorted(need):
            if t not in ("klinisk_tjanstgoring", "kurs", "auskultation", "utvecklingsarbete", "vetenskap",
                         "kvalitetsarbete", "skriftligt_arbete", "bt_delmal"):
                project(t, TYPE_LABELS.get(t, t), need[t], 0.3, 0.7)
        if rng.random() < 0.3 and c_codes:
            s = at(rng.uniform(0.1, 0.9))
            acts.append(_Activity("ovrig_aktivitet", rng.choice(OTHER_ACTIVITIES),
                                  tuple(sorted(rng.sample(c_codes, min(2, len(c_codes))), key=applicable.index)),
                                  s, s, hh_at(s), "handledare"))

        # Statuses of the activity certificates
        demo_unsigned = self._demo_unsigned(acts) if draft.category == "demo_st" else {}
        bt_all_signed = True
        for i, a in enumerate(acts):
            if a.start is not None and a.start > as_of:
                continue
            if a.end is not None and a.end > as_of:
                if a.ongoing_draft and rng.random() < 0.3:
                    self._add_cert(trainee_id, a, "utkast", None)
                    if a.type == "bt_delmal":
                        bt_all_signed = False
                continue
            forced = complete or draft.category == "demo_st" or (a.type == "bt_delmal" and bt_done_long_ago)
            status, signed = self._status(a, forced, demo_unsigned.get(i))
            self._add_cert(trainee_id, a, status, signed)
            if a.type == "bt_delmal" and status != "signerat":
                bt_all_signed = False

        # Summary documents
        bt_approved: date | None = None
        if regulation == REG_2021 and tl.bt_end is not None and tl.bt_end < as_of:
            bt_blocks_all = [e for b, _, e in tl.blocks if b.kind == "BT"]
            bt_certs_done = bt_all_signed and all(e <= as_of for e in bt_blocks_all)
            bt_start = tl.start
            force_bt = complete or bt_done_long_ago or draft.category == "demo_st"
            signed_dates: list[date] = []
            for ctype, signer, role in (("fullgjord_bt", vc, "verksamhetschef"),
                                        ("baskompetens", hh_at(tl.bt_end), "handledare")):
                a = _Activity(ctype, "", (), bt_start, tl.bt_end, signer, role)
                if force_bt or (bt_certs_done and rng.random() < 0.7):
                    d = min(as_of, tl.bt_end + timedelta(days=rng.randint(5, 40)))
                    self._add_cert(trainee_id, a, "signerat", d)
                    signed_dates.append(d)
                elif bt_certs_done:
                    self._add_cert(trainee_id, a, rng.choice(("utkast", "skickat")), None)
            if len(signed_dates) == 2:
                approved = max(signed_dates) + timedelta(days=rng.randint(14, 50))
                if complete or draft.category == "demo_st":
                    approved = min(approved, as_of)
                if approved <= as_of:
                    bt_approved = approved
        if tl.end <= as_of:
            summary = [("specialistkompetens", hh_at(tl.end), "handledare")]
            if regulation == REG_2021:
                summary.insert(0, ("fullgjord_st", vc, "verksamhetschef"))
            for ctype, signer, role in summary:
                a = _Activity(ctype, "", (), tl.start, tl.end, signer, role)
                if complete:
                    self._add_cert(trainee_id, a, "signerat", min(as_of, tl.end + timedelta(days=rng.randint(3, 25))))
                elif rng.random() < 0.7:
                    self._add_cert(trainee_id, a, rng.choice(("utkast", "skickat", "skickat")), None)
        return bt_approved

    def _demo_unsigned(self, acts: list[_Activity]) -> dict[int, str]:
        """For the demo ST account: the most recent finished activities wait for signature."""
        done = [
            (a.end, i) for i, a in enumerate(acts)
            if a.end is not None and a.end <= self.as_of and a.type not in ("bt_delmal", "sammankomst")
        ]
        done.sort(reverse=True)
        wanted = ("utkast", "skickat", "skickat", "returnerat")
        return {i: wanted[k] for k, (_, i) in enumerate(done[: len(wanted)])}

    def _status(self, a: _Activity, forced: bool, override: str | None) -> tuple[str, date | None]:
        rng = self.rng
        assert a.end is not None
        age = (self.as_of - a.end).days
        lag = rng.randint(2, 75)
        if override is not None:
            return override, None
        if forced:
            return "signerat", a.end + timedelta(days=min(lag, age))
        if lag <= age and rng.random() < 0.93:
            return "signerat", a.end + timedelta(days=lag)
        r = rng.random()
        return ("utkast" if r < 0.35 else "skickat" if r < 0.9 else "returnerat"), None

    def _add_cert(self, trainee_id: str, a: _Activity, status: str, signed: date | None) -> None:
        idx = len(self.certs)
        signer_id: str | None = None
        signed_by: str | None = None
        role: str | None = None
        comment = ""
        if status == "signerat":
            signer_id, signed_by, role = a.signer.person_id, a.signer.name, a.role
        elif status in ("skickat", "returnerat"):
            # Waiting in someone's inbox today: addressed to a current handledare (a draft when none is left).
            signer_id = (a.addressee or a.signer).person_id
            if a.type not in ("fullgjord_bt", "fullgjord_st") and not self._supervises(signer_id, trainee_id):
                signer_id = self._supervisor_today(trainee_id)
                if signer_id is None:
                    status = "utkast"
            if status == "returnerat":
                comment = self.rng.choice(RETURN_COMMENTS)
        self.certs.append((trainee_id, a.type, a.title, a.start, a.end, status, signer_id, signed_by, role, signed,
                           comment))
        for code in a.codes:
            self.cert_codes.append((idx, code))

    def _supervises(self, person_id: str, trainee_id: str) -> bool:
        return any(
            t == trainee_id and p == person_id and s <= self.as_of and (e is None or self.as_of <= e)
            for t, p, _, s, e in self.supervision
        )

    def _supervisor_today(self, trainee_id: str) -> str | None:
        for t, p, _, s, e in self.supervision:
            if t == trainee_id and s <= self.as_of and (e is None or self.as_of <= e):
                return p
        return None

    # -- intressenter --
    def build_intressenter(self) -> None:
        rng = self.rng
        as_of = self.as_of
        vcs = [u for u in UNITS if u.kind == VC]
        steps = ["intresse"] * 4 + ["dokument"] * 4 + ["bedomning"] * 4 + ["vantelista"] * 6 + ["inskriven"] * 4
        steps += ["avslutad"] * 3
        recent = sorted(self.recent_vc_trainees, reverse=True)
        order = list(range(len(steps)))
        rng.shuffle(order)
        for n, k in enumerate(order, start=1):
            step = steps[k]
            iid = f"I{n:03d}"
            linked = recent.pop(0) if step == "inskriven" and recent else None
            if step == "inskriven" and linked is None:
                step = "vantelista"
            if linked is not None:
                start, trainee_id, name, email, unit_id, swedish_at, legit = linked
                unit = next(u for u in vcs if u.unit_id == unit_id)
                last = min(as_of, start - timedelta(days=rng.randint(7, 45)))
            else:
                trainee_id = None
                unit = rng.choice(vcs) if step != "bedomning" or rng.random() < 0.5 else rng.choice(
                    [u for u in vcs if not u.st_approved])
                swedish_at = rng.random() < 0.5
                name = self.people.name(foreign=not swedish_at and rng.random() < 0.7)
                email = self.people.email_for(name)
                waiting = rng.randint(30, 270) if step == "vantelista" else rng.randint(2, 60)
                last = as_of - timedelta(days=waiting)
                legit = None if (step == "intresse" and rng.random() < 0.4) else last - timedelta(
                    days=rng.randint(60, 1500))
            history = list(
                INTRESSENT_FLOW[: INTRESSENT_FLOW.index(step) + 1] if step != "avslutad"
                else INTRESSENT_FLOW[: rng.randint(1, 3)] + ("avslutad",)
            )
            dates: list[date] = [last]
            for _ in history[:-1]:
                dates.insert(0, dates[0] - timedelta(days=rng.randint(7, 45)))
            studierektor = self.area_studierektor[(unit.region_id, unit.area)]
            vchef = self.units[unit.unit_id].verksamhetschef
            assert vchef is not None
            for h, d in zip(history, dates, strict=True):
                by = vchef.person_id if h == "intresse" else studierektor.person_id
                note = INTRESSENT_NOTES.get(h, "")
                if h == "avslutad":
                    note = rng.choice(("Drog tillbaka sitt intresse.", "Ej godkänd: enheten saknar handledare.",
                                       "Valde annan region."))
                self.intressent_steps.append((iid, h, d, by, note))
            reached = INTRESSENT_FLOW.index(history[-2] if step == "avslutad" else step)
            docs = [reached >= 2 or (reached == 1 and rng.random() < 0.5) for _ in range(4)]
            if reached == 1 and all(docs):
                docs[rng.randrange(4)] = False
            language_ok = swedish_at or reached >= 2 or rng.random() < 0.5
            note = ""
            if step == "vantelista":
                note = f"Väntar på ledig ST-plats sedan {last.isoformat()}."
            self.intressenter.append((
                iid, name, email, "Allmänmedicin", unit.unit_id, legit, swedish_at, language_ok, docs[0], docs[1],
                docs[2], docs[3], step, dates[0], note, trainee_id,
            ))
