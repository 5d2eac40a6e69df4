#!/usr/bin/env python3
"""Write a synthetic import bundle (INTERFACE.md) of N trainees, for testing the import and the rules.

    python scripts/generate_bundle.py DIR --trainees 2000 --seed 7

The bundle uses every part of the format a training office may send: both regelverk (derived and
chosen), specialties of every kind from data/catalogue.json (bas, gren, tillägg), AT before ST, BT
placements with and without ``bt_part``, part-time and parallel (overlapping) placements, leave of
every kind at full and partial percent, credits of every kind and ``applies_to`` within the limits of
RULES.md section 2, placements before the legitimation date, certificates signed before and after
the usual as-of dates (and unsigned ones), summary documents and ``bevis_bas``.

Everything stays within the rules the import checks, so the bundle imports. The same seed gives the
same files; each trainee depends only on the seed and its number.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tracker.catalogue_file import Catalogue, Delmal, Specialty
from tracker.domain import LEAVE_KINDS, REG_2015, REG_2021, REGULATION_2021_START, TYPE_LABELS, Trainee
from tracker.rules.facts import CREDIT_CAPS_MONTHS
from tracker.rules.reference import resolve_regulation

COLUMNS: dict[str, tuple[str, ...]] = {
    "trainees.csv": ("trainee_id", "name", "specialty", "legitimation_date", "swedish_at", "st_start_date",
                     "regulation", "doktorsexamen", "bt_approved_date"),
    "placements.csv": ("trainee_id", "kind", "setting", "workplace", "start_date", "end_date", "percent", "bt_part"),
    "leave.csv": ("trainee_id", "kind", "start_date", "end_date", "percent"),
    "credits.csv": ("trainee_id", "kind", "months", "note", "applies_to"),
    "certificates.csv": ("certificate_id", "trainee_id", "type", "delmal", "title", "start_date", "end_date",
                         "signed_by", "signed_date"),
}

FIRST_NAMES = ("Anna", "Erik", "Maria", "Karl", "Sara", "Johan", "Emma", "Lars", "Elin", "Anders", "Fatima",
               "Mohammed", "Ingrid", "Olof", "Sofia", "Ali", "Lena", "Nils", "Hanna", "Per", "Amira", "Jonas")
LAST_NAMES = ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
              "Svensson", "Gustafsson", "Lindberg", "Hassan", "Åberg", "Öberg", "Ekström", "Nyström", "Berg")
WORKPLACES = {
    "primarvard": ("Vårdcentralen Norr", "Vårdcentralen Söder", "Hälsocentralen Älvsbyn"),
    "akutsjukvard": ("Akutmottagningen, Centralsjukhuset", "Akutkliniken, Länssjukhuset"),
    "internmedicin": ("Medicinkliniken, Länssjukhuset", "Medicinavdelning 12"),
    "kirurgi": ("Kirurgkliniken, Centralsjukhuset", "Ortopedkliniken"),
    "psykiatri": ("Psykiatriska kliniken", "Allmänpsykiatrisk mottagning"),
    "annan": ("Specialistkliniken", "Forskningsenheten", "Röntgenkliniken"),
}
SETTINGS = tuple(WORKPLACES)
PART_TIME = (50, 62.5, 75, 80, 90)
PARTIAL_LEAVE = (20, 25, 50, 75)
SIGNERS = ("Karin Handledare", "Lars Verksamhetschef", "Kursledare Region", "Eva Studierektor")


# --- dates -----------------------------------------------------------------------------------------

def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def random_day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


# --- one trainee -------------------------------------------------------------------------------------

@dataclass
class Person:
    """One synthetic trainee and every row of theirs, as text cells per file."""

    tid: str
    specialty: Specialty
    regulation: str
    swedish_at: bool
    choice: str
    st_start: date
    legitimation: date
    doktorsexamen: bool
    plan_end: date
    diligent: bool  # every certificate and document in good time: may be ready to apply
    bt_end: date | None = None
    bt_approved: date | None = None
    rows: dict[str, list[list[str]]] = field(default_factory=lambda: {f: [] for f in COLUMNS})
    n_certificates: int = 0

    def add(self, file: str, *values: object) -> None:
        self.rows[file].append([_cell(v) for v in values])


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _track(rng: random.Random) -> tuple[bool, str, date]:
    """(Swedish AT, explicit regulation, ST start) for the RULES 1 routes."""
    r = rng.random()
    if r < 0.40:  # Swedish AT: SOSFS 2015:8
        return True, "", month_start(rng.randint(2015, 2024), rng.randint(1, 12))
    if r < 0.50:  # no AT, ST started before HSLF-FS 2021:8
        return False, "", random_day(rng, date(2016, 1, 1), REGULATION_2021_START - timedelta(days=1))
    if r < 0.88:  # no AT, ST from 2021-07-01: HSLF-FS 2021:8 with BT
        return False, "", random_day(rng, REGULATION_2021_START, date(2026, 6, 30))
    if r < 0.96:  # an AT doctor who chose HSLF-FS 2021:8
        return True, REG_2021, random_day(rng, REGULATION_2021_START, date(2025, 12, 31))
    # an explicit SOSFS 2015:8 choice on a start that would otherwise give 2021:8
    return False, REG_2015, random_day(rng, REGULATION_2021_START, date(2022, 12, 31))


def make_person(rng: random.Random, index: int, specialties: Sequence[Specialty]) -> Person:
    swedish_at, choice, st_start = _track(rng)
    specialty = rng.choice(specialties)
    legitimation = st_start - timedelta(days=rng.randint(20, 900))
    doktorsexamen = rng.random() < 0.12
    tid = f"G{index:05d}"
    trainee = Trainee(tid, "", specialty.name, st_start, legitimation, swedish_at, choice or None, doktorsexamen)
    regulation = resolve_regulation(trainee)
    # placements before the legitimation date: BT (counted, declared) or ST (not counted, flagged)
    if rng.random() < 0.08:
        legitimation = st_start + timedelta(days=rng.randint(5, 75))
    years = rng.choice((4.5, 5, 5, 5.5, 5.5, 6, 6.5, 7))
    plan_end = add_months(st_start, int(years * 12)) - timedelta(days=1)
    diligent = rng.random() < 0.35
    return Person(tid, specialty, regulation, swedish_at, choice, st_start, legitimation, doktorsexamen, plan_end,
                  diligent)


# --- trainees.csv ------------------------------------------------------------------------------------

def trainee_row(rng: random.Random, p: Person) -> None:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    specialty = p.specialty.name if rng.random() < 0.95 else p.specialty.name.lower()  # the import folds case
    p.add("trainees.csv", p.tid, name, specialty, p.legitimation, p.swedish_at, p.st_start, p.choice,
          p.doktorsexamen, p.bt_approved)


# --- placements.csv ---------------------------------------------------------------------------------

def _placement(
    rng: random.Random, p: Person, kind: str, setting: str, start: date, end: date, percent: float, bt_part: str = ""
) -> None:
    p.add("placements.csv", p.tid, kind, setting, rng.choice(WORKPLACES[setting]), start, end, percent, bt_part)


def at_placements(rng: random.Random, p: Person) -> None:
    """AT before the legitimation date (RULES 5): shown, never counted toward ST."""
    if not p.swedish_at or rng.random() < 0.4:
        return
    end = min(p.legitimation, p.st_start) - timedelta(days=1)
    parts = [("primarvard", 6), ("psykiatri", 3), ("kirurgi", rng.choice((3, 4))), ("internmedicin", rng.choice((4, 5, 6)))]
    if rng.random() < 0.2:
        parts.pop(rng.randrange(len(parts)))  # an AT not yet complete
    percent = 100 if rng.random() < 0.85 else rng.choice((40, 75))
    for setting, months in parts:
        start = add_months(end + timedelta(days=1), -months)
        _placement(rng, p, "AT", setting, start, end, percent)
        end = start - timedelta(days=1)


def bt_placements(rng: random.Random, p: Person) -> date:
    """BT (HSLF-FS 2021:8): a primärvård part and an akut sjukvård part (an akutmottagning, or a ward
    recorded with bt_part), sometimes more; returns the first day after BT."""
    start = p.st_start
    parts: list[tuple[str, str, int]] = [("primarvard", rng.choice(("", "", "primarvard")), rng.choice((3, 3, 4, 6)))]
    acute = rng.random() * (0.85 if p.diligent else 1)
    if acute < 0.45:
        parts.append(("akutsjukvard", rng.choice(("", "akut_sjukvard")), rng.choice((3, 3, 4))))
    elif acute < 0.85:
        parts.append((rng.choice(("internmedicin", "kirurgi")), "akut_sjukvard", rng.choice((3, 4))))
    else:
        parts.append(("internmedicin", "", 3))  # a ward without bt_part: annan, the BT time stays short
    if rng.random() < 0.3:
        parts.append((rng.choice(("psykiatri", "annan", "internmedicin")), rng.choice(("", "annan")), rng.choice((1, 2))))
    rng.shuffle(parts)
    part_time = rng.random() < 0.15
    for setting, bt_part, months in parts:
        end = add_months(start, months) - timedelta(days=1)
        percent = rng.choice(PART_TIME) if part_time else 100
        _placement(rng, p, "BT", setting, start, end, percent, bt_part)
        start = end + timedelta(days=1)
    p.bt_end = start - timedelta(days=1)
    return start


def st_placements(rng: random.Random, p: Person, start: date) -> None:
    """ST in stretches of 3-18 months up to the planned end (or an earlier stop), with gaps, part-time
    and parallel placements."""
    stop = p.plan_end if rng.random() < 0.92 else add_months(start, rng.randint(6, 36))
    own = rng.choice(SETTINGS)
    while start <= stop:
        end = min(stop, add_months(start, rng.randint(3, 18)) - timedelta(days=1))
        setting = own if rng.random() < 0.6 else rng.choice(SETTINGS)
        percent = 100 if rng.random() < 0.78 else rng.choice(PART_TIME)
        _placement(rng, p, "ST", setting, start, end, percent)
        if rng.random() < 0.12:  # a parallel placement (research, another clinic), possibly past 100 % in sum
            lo = random_day(rng, start, end)
            hi = min(end, lo + timedelta(days=rng.randint(30, 240)))
            _placement(rng, p, "ST", rng.choice(SETTINGS), lo, hi, rng.choice((10, 20, 25, 40, 50)))
        start = end + timedelta(days=1 if rng.random() < 0.9 else rng.randint(2, 120))
    if p.regulation == REG_2015 and rng.random() < 0.02:
        # a BT placement recorded for a SOSFS 2015:8 trainee counts toward nothing
        _placement(rng, p, "BT", "primarvard", p.st_start, add_months(p.st_start, 3) - timedelta(days=1), 100)


def placements(rng: random.Random, p: Person) -> None:
    at_placements(rng, p)
    start = p.st_start
    if p.regulation == REG_2021:
        start = bt_placements(rng, p)
        if rng.random() < 0.6 and p.bt_end is not None:  # intyg om godkänd BT, after the BT and the legitimation
            p.bt_approved = max(p.legitimation, p.bt_end) + timedelta(days=rng.randint(20, 150))
    st_placements(rng, p, start)


# --- leave.csv --------------------------------------------------------------------------------------

def leave(rng: random.Random, p: Person) -> None:
    """0-3 periods of every kind, at full or partial percent, some overlapping."""
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        kind = rng.choice(LEAVE_KINDS)
        start = random_day(rng, p.st_start, p.plan_end)
        days = rng.randint(5, 60) if kind == "sjukfranvaro" else rng.randint(30, 400)
        percent = 100 if rng.random() < 0.6 else rng.choice(PARTIAL_LEAVE)
        p.add("leave.csv", p.tid, kind, start, start + timedelta(days=days), percent)


# --- credits.csv ------------------------------------------------------------------------------------

def _months(rng: random.Random, lo: float, hi: float) -> float:
    """A number of months between ``lo`` and ``hi``: whole, in quarters or with two decimals."""
    x = rng.uniform(lo, hi)
    return min(hi, max(lo, round(rng.choice((round(x), round(x * 4) / 4, x)), 2)))


def credit_rows(rng: random.Random, p: Person) -> None:
    """Credits within RULES 2: tidigare ST at most 30 in total, doktorsexamen only under 2021:8 (at most
    its cap), annan toward BT only under 2021:8, nothing toward BT under 2015:8."""
    reg21 = p.regulation == REG_2021
    cap_st = float(CREDIT_CAPS_MONTHS[(p.regulation, "tidigare_st")])
    if rng.random() < 0.12:
        rows = [_months(rng, 1, 20)] if rng.random() < 0.6 else [_months(rng, 1, 15), _months(rng, 1, 15)]
        if rng.random() < 0.2:
            rows = [cap_st - 10, 10.0]  # exactly the cap
        for months in rows:
            applies_to = rng.choice(("", "ST", "BT")) if reg21 else rng.choice(("", "ST"))
            p.add("credits.csv", p.tid, "tidigare_st", months, "Tidigare specialiseringstjänstgöring", applies_to)
    if rng.random() < 0.10:
        applies_to = rng.choice(("", "ST", "BT")) if reg21 else rng.choice(("", "ST"))
        p.add("credits.csv", p.tid, "utlandstjanstgoring", _months(rng, 0.5, 6), "Tjänstgöring i Norge enligt IUP",
              applies_to)
    if reg21 and rng.random() < 0.10:
        cap = float(CREDIT_CAPS_MONTHS[(REG_2021, "doktorsexamen")])
        first = _months(rng, 1, cap)
        p.add("credits.csv", p.tid, "doktorsexamen", first, "Disputerad", rng.choice(("", "ST")))
        if first <= cap - 1 and rng.random() < 0.3:
            p.add("credits.csv", p.tid, "doktorsexamen", round(cap - first, 2), "Disputerad (resten)", "ST")
    if rng.random() < 0.10:
        if reg21:
            p.add("credits.csv", p.tid, "annan", _months(rng, 0.25, 3), "Annan relevant utbildning", "BT")
        else:
            p.add("credits.csv", p.tid, "annan", _months(rng, 0.25, 4), "Annan merit", rng.choice(("", "ST")))


# --- certificates.csv --------------------------------------------------------------------------------

def _certificate(
    p: Person, type_: str, codes: Sequence[str], title: str, signed: date | None, start: date | None = None,
    end: date | None = None, signer: str = "",
) -> None:
    p.n_certificates += 1
    cid = f"{p.tid}-{p.n_certificates:03d}"
    by = (signer or SIGNERS[p.n_certificates % len(SIGNERS)]) if signed else ""
    p.add("certificates.csv", cid, p.tid, type_, ";".join(codes), title[:200], start, end, by, signed)


def _signed_date(rng: random.Random, p: Person, lo: date, hi: date) -> date | None:
    """A signature between ``lo`` and ``hi``; unless the trainee is diligent, sometimes none and sometimes
    long after (later than any usual as-of date)."""
    if p.diligent:
        return random_day(rng, lo, hi)
    if rng.random() < 0.1:
        return None
    return random_day(rng, lo, hi + timedelta(days=rng.choice((0, 30, 200, 500))))


def delmal_certificates(rng: random.Random, p: Person, delmal: Sequence[Delmal]) -> None:
    """Activity certificates for most delmål, the way they are issued: one intyg (a placement's
    klinisk tjänstgöring, a course) lists several delmål. The delmål are taken in batches; each batch gets
    one certificate per activity type its requirement groups need (one of the alternatives of "X
    alternativt Y"). Some groups are left out (pågår), some recommended activities recorded."""
    pending: list[Delmal] = [d for d in delmal if p.diligent or rng.random() < 0.85]
    while pending:
        size = rng.choice((1, 2, 3, 4, 6))
        together, pending = pending[:size], pending[size:]
        made: set[str] = set()
        for group in (g for x in together for g in x.required):
            if made & set(group):
                continue  # the batch's certificate of that type lists every delmål that needs it
            if not p.diligent and rng.random() < 0.08:
                continue  # partly covered: the delmål stays pågår
            type_ = rng.choice(group)
            made.add(type_)
            with_it = [x.code for x in together if any(type_ in g for g in x.required)]
            lo = p.st_start + timedelta(days=90)
            start = random_day(rng, p.st_start, p.plan_end)
            _certificate(p, type_, with_it, f"{TYPE_LABELS.get(type_, type_)}: {together[0].title}",
                         _signed_date(rng, p, lo, p.plan_end), start, start + timedelta(days=rng.randint(1, 120)))
        d = rng.choice(together)
        if d.recommended and rng.random() < 0.25:
            rec = "sammankomst" if rng.random() < 0.5 else "ovrig_aktivitet"
            _certificate(p, rec, [d.code], f"{TYPE_LABELS[rec]}: {d.title}", _signed_date(rng, p, p.st_start, p.plan_end))


def bt_certificates(rng: random.Random, p: Person, bt: Sequence[Delmal]) -> None:
    """Intyg om delmål i bastjänstgöringen (bilaga 2), a few BT delmål each, and the BT documents."""
    assert p.bt_end is not None
    codes = [d.code for d in bt if p.diligent or rng.random() < 0.9]
    while codes:
        k = rng.randint(1, 6)
        chunk, codes = codes[:k], codes[k:]
        _certificate(p, "bt_delmal", chunk, "Intyg om delmål i bastjänstgöringen",
                     _signed_date(rng, p, p.st_start + timedelta(days=60), p.bt_end), p.st_start, p.bt_end)
    for doc in ("fullgjord_bt", "baskompetens"):
        if p.diligent or rng.random() < 0.7:
            _certificate(p, doc, [], TYPE_LABELS[doc], _signed_date(rng, p, p.bt_end, p.bt_end + timedelta(days=60)))


def documents(rng: random.Random, p: Person) -> None:
    """The summary documents of the application, signed near the planned end (some not yet)."""
    docs = ("fullgjord_st", "specialistkompetens") if p.regulation == REG_2021 else ("specialistkompetens",)
    for doc in docs:
        if p.diligent or rng.random() < 0.55:
            _certificate(p, doc, [], TYPE_LABELS[doc],
                         _signed_date(rng, p, p.plan_end - timedelta(days=120), p.plan_end + timedelta(days=30)))


def bevis_bas(rng: random.Random, p: Person, bas_names: Sequence[str]) -> None:
    """For a gren- or tilläggsspecialitet: mostly a bevis in a qualifying basspecialitet, sometimes in
    another specialty, in any letter case, dated before ST or during it."""
    if p.specialty.kind == "bas" or (not p.diligent and rng.random() < 0.25):
        return
    options = p.specialty.requires_bas or tuple(bas_names)
    title = rng.choice(options) if p.diligent or rng.random() < 0.85 else rng.choice(bas_names)
    title = title.upper() if rng.random() < 0.1 else title.lower() if rng.random() < 0.1 else title
    when = random_day(rng, p.st_start - timedelta(days=2000), p.plan_end) if p.diligent or rng.random() < 0.9 else None
    _certificate(p, "bevis_bas", [], title, when, signer="Socialstyrelsen")


def certificates(rng: random.Random, p: Person, cat: Catalogue, bas_names: Sequence[str]) -> None:
    delmal_certificates(rng, p, cat.delmal_for(p.specialty.name, p.regulation))
    if p.regulation == REG_2021 and p.bt_end is not None:
        bt_certificates(rng, p, cat.bt_delmal())
    documents(rng, p)
    bevis_bas(rng, p, bas_names)


# --- the bundle ---------------------------------------------------------------------------------------

def generate(n: int, seed: int, cat: Catalogue | None = None) -> dict[str, list[list[str]]]:
    """Every file's rows (without the header) for ``n`` trainees."""
    cat = cat or Catalogue.load()
    specialties = cat.specialties
    bas_names = [s.name for s in specialties if s.kind == "bas"]
    out: dict[str, list[list[str]]] = {f: [] for f in COLUMNS}
    for i in range(1, n + 1):
        rng = random.Random(f"{seed}:{i}")
        p = make_person(rng, i, specialties)
        placements(rng, p)
        trainee_row(rng, p)
        leave(rng, p)
        credit_rows(rng, p)
        certificates(rng, p, cat, bas_names)
        for f in COLUMNS:
            out[f].extend(p.rows[f])
    return out


def write_bundle(folder: Path, rows: dict[str, list[list[str]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f, cols in COLUMNS.items():
        with (folder / f).open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(cols)
            w.writerows(rows[f])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a synthetic import bundle of N trainees.")
    ap.add_argument("dir", type=Path)
    ap.add_argument("--trainees", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rows = generate(args.trainees, args.seed)
    write_bundle(args.dir, rows)
    print(", ".join(f"{len(r)} {f}" for f, r in rows.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
