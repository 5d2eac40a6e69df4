"""Rules round 2 (RULES.md sections 2, 4, 6, 7) with hand-computed expectations, through the import and
both engines: every case runs on the set-based and on the reference path, and the two must print the
same progress JSON.

The records enter the database as an import bundle (tests/bundles.py), so the optional columns
``bt_part`` and ``applies_to`` and the certificate type ``bevis_bas`` are read as a training office
would send them. A "complete" record covers every applicable delmål with signed certificates of the
catalogue's required types, so the cases where readiness is true are real.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from bundles import Bundle

from tracker.domain import REG_2015, REG_2021, TYPE_LABELS
from tracker.errors import ImportRejected, RowError
from tracker.ingest.load import import_bundle, import_frames
from tracker.rules.engines import ENGINES, progress
from tracker.rules.reference import Progress, Requirement
from tracker.store import Connection, catalogue, connect
from tracker.store.scope import TraineeScope

D = date.fromisoformat
Reqs = Callable[[str, str], list[Requirement]]

# --- records --------------------------------------------------------------------------------------


def complete_2021(
    b: Bundle,
    reqs: Reqs,
    tid: str,
    *,
    specialty: str = "Allmänmedicin",
    late: Mapping[str, str] | None = None,
    documents: Mapping[str, str | None] | None = None,
) -> None:
    """An HSLF-FS 2021:8 trainee with everything in place by 2027-12-31.

    BT primärvård 2022-01..03 = 3 months, BT akut sjukvård 2022-04..06 = 3, ST 2022-07..2027-12 = 66:
    72 counted, the 66th month complete on 2027-06-30. BT approved 2022-09-01. BT1-BT18 signed
    2022-06-30, the ST delmål 2027-06-01 (``late`` moves an activity type's signature), fullgjord BT and
    baskompetens 2022-07-05, fullgjord ST and specialistkompetens 2027-12-01 (``documents`` moves one, or
    leaves it out with None)."""
    b.trainee(tid, specialty=specialty, st_start_date="2022-01-01", legitimation_date="2021-06-01",
              bt_approved_date="2022-09-01")
    b.placement(tid, "2022-01-01", "2022-03-31", kind="BT", setting="primarvard")
    b.placement(tid, "2022-04-01", "2022-06-30", kind="BT", setting="akutsjukvard")
    b.placement(tid, "2022-07-01", "2027-12-31", setting="primarvard")
    b.cover(tid, reqs(REG_2021, catalogue.BT_SPECIALTY), "2022-06-30", late=late)
    b.cover(tid, reqs(REG_2021, specialty), "2027-06-01", late=late)
    docs: dict[str, str | None] = {
        "fullgjord_bt": "2022-07-05", "baskompetens": "2022-07-05",
        "fullgjord_st": "2027-12-01", "specialistkompetens": "2027-12-01", **(documents or {}),
    }
    for kind, signed in docs.items():
        if signed is not None:
            b.certificate(tid, kind, signed_date=signed, title=TYPE_LABELS[kind])


def complete_2015(
    b: Bundle,
    reqs: Reqs,
    tid: str,
    *,
    specialty: str = "Allmänmedicin",
    late: Mapping[str, str] | None = None,
    documents: Mapping[str, str | None] | None = None,
) -> None:
    """A SOSFS 2015:8 trainee (Swedish AT) with everything in place by 2024-12-31: ST 2020-01..2024-12
    at 100 % = 60 months, the delmål signed 2024-06-01, specialistkompetens 2024-12-01."""
    b.trainee(tid, specialty=specialty, swedish_at=True, st_start_date="2020-01-01", legitimation_date="2019-06-01")
    b.placement(tid, "2020-01-01", "2024-12-31", setting="primarvard")
    b.cover(tid, reqs(REG_2015, specialty), "2024-06-01", late=late)
    docs: dict[str, str | None] = {"specialistkompetens": "2024-12-01", **(documents or {})}
    for kind, signed in docs.items():
        if signed is not None:
            b.certificate(tid, kind, signed_date=signed, title=TYPE_LABELS[kind])


def trainee_2021(b: Bundle, tid: str, **kw: Any) -> None:
    """An HSLF-FS 2021:8 trainee: no Swedish AT, ST from 2023-01-01, legitimation 2022-06-01."""
    b.trainee(tid, **{"st_start_date": "2023-01-01", "legitimation_date": "2022-06-01", **kw})


def trainee_2015(b: Bundle, tid: str, **kw: Any) -> None:
    """A SOSFS 2015:8 trainee: Swedish AT, ST from 2020-01-01, legitimation 2019-06-01."""
    b.trainee(tid, **{"swedish_at": True, "st_start_date": "2020-01-01", "legitimation_date": "2019-06-01", **kw})


# --- the two engines ------------------------------------------------------------------------------


# The as-of dates each trainee is read on (filled next to the cases below): every as-of date is computed
# once, for all the trainees read on it, by both engines.
READS: dict[str, set[str]] = defaultdict(set)
_COMPUTED: dict[str, dict[str, dict[str, Progress]]] = {}  # as-of -> engine -> trainee -> progress


def reads(*pairs: tuple[str, str]) -> None:
    for tid, as_of in pairs:
        READS[as_of].add(tid)


def computed(con: Connection, tid: str, as_of: str, engine: str) -> Progress:
    """The trainee's progress by ``engine``, after checking that both engines print the same JSON (and
    hold the same exact figures)."""
    done = _COMPUTED.get(as_of)
    if done is None or tid not in done["reference"]:
        scope = TraineeScope.of_ids(sorted(READS[as_of] | {tid}))
        done = {e: {p.trainee_id: p for p in progress(con, D(as_of), scope=scope, engine=e)} for e in ENGINES}
        _COMPUTED[as_of] = done
    assert done["setbased"][tid].to_json() == done["reference"][tid].to_json(), tid
    assert done["setbased"][tid] == done["reference"][tid], tid  # the figures behind the JSON too
    return done[engine][tid]


def items(p: Progress) -> list[tuple[str, str | None, str]]:
    j = p.to_json()
    assert [m["text"] for m in j["missing_items"]] == j["missing"]  # type: ignore[index,union-attr]
    return [(m["kind"], m["code"], m["text"]) for m in j["missing_items"]]  # type: ignore[index,union-attr]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --- the cases (each table builds its trainees in the module's database) ---------------------------

VETENSKAP = "Delmål STa3 är inte uppfyllt: signerat intyg saknas för delmål STa3 Medicinsk vetenskap."
SKRIFTLIGT = "Delmål a5 är inte uppfyllt: signerat intyg saknas för självständigt skriftligt arbete."
FULLGJORD_ST = "Intyg om fullgjord specialiseringstjänstgöring (bilaga 6) är inte signerat."
SK_2021 = "Intyg om uppnådd specialistkompetens (bilaga 7) är inte signerat."
SK_2015 = "Intyg om uppnådd specialistkompetens (bilaga 2) är inte signerat."

# RULES 6: a certificate counts on the as-of date only if signed on or before it. Each row: trainee,
# regulation, the late activity type or document and its signature date, the delmål (or None for a
# document), the as-of dates just before and on the signature date, and the item missing before.
LATE_CASES = [
    # STa3 needs its own vetenskap certificate (bilaga 12): signed 2027-12-15
    ("L21-VET", REG_2021, {"vetenskap": "2027-12-15"}, {}, "STa3", "2027-12-14", "2027-12-15",
     ("delmal", "STa3", VETENSKAP)),
    # a5 (2015) needs a signed självständigt skriftligt arbete: signed 2025-01-15
    ("L15-SKR", REG_2015, {"skriftligt_arbete": "2025-01-15"}, {}, "a5", "2025-01-14", "2025-01-15",
     ("delmal", "a5", SKRIFTLIGT)),
    # summary documents: fullgjord ST (bilaga 6) and specialistkompetens (bilaga 7 / bilaga 2)
    ("L21-FST", REG_2021, {}, {"fullgjord_st": "2027-12-15"}, None, "2027-12-14", "2027-12-15",
     ("document", "fullgjord_st", FULLGJORD_ST)),
    ("L21-SK", REG_2021, {}, {"specialistkompetens": "2027-12-20"}, None, "2027-12-19", "2027-12-20",
     ("document", "specialistkompetens", SK_2021)),
    ("L15-SK", REG_2015, {}, {"specialistkompetens": "2025-02-03"}, None, "2025-02-02", "2025-02-03",
     ("document", "specialistkompetens", SK_2015)),
]

# RULES 4: a BT placement's part is its bt_part, else from its setting. Each trainee has one BT placement
# 2023-01-01..2023-03-31 at 100 % = 1 + 1 + 1 = 3 months (as-of 2023-12-31); expected (primary, acute).
BT_PART_CASES = [
    ("BP-IM-AKUT", "internmedicin", "akut_sjukvard", (0, 3)),  # akut sjukvård is a kind of work
    ("BP-AKUT", "akutsjukvard", None, (0, 3)),  # no bt_part: akutsjukvard -> akut_sjukvard
    ("BP-PV", "primarvard", None, (3, 0)),  # primarvard -> primarvard
    ("BP-IM", "internmedicin", None, (0, 0)),  # anything else -> annan (BT months only)
    ("BP-KIR", "kirurgi", None, (0, 0)),
    ("BP-PSY-EMPTY", "psykiatri", "", (0, 0)),  # an empty cell is "not given"
    ("BP-PV-ANNAN", "primarvard", "annan", (0, 0)),  # a recorded part wins over the setting
    ("BP-AKUT-PV", "akutsjukvard", "primarvard", (3, 0)),
    ("BP-ANNAN-PV", "annan", "primarvard", (3, 0)),
]

# RULES 7: gren- and tilläggsspecialiteter need a recorded bevis_bas naming a qualifying basspecialitet.
# Each row: trainee, specialty, the bevis (title, signature date) or None, as-of, ready, missing items.
BAS_NEO = "Bevis om specialistkompetens i basspecialiteten Barn- och ungdomsmedicin är inte registrerat."
BAS_ANY = "Bevis om specialistkompetens i en basspecialitet är inte registrerat."
BAS_PSY = "Bevis om specialistkompetens i basspecialiteten Psykiatri är inte registrerat."
BAS_CASES = [
    ("BB-NEO-NONE", "Neonatologi", None, "2027-12-31", False, [("bas_specialty", "bevis_bas", BAS_NEO)]),
    ("BB-NEO-OK", "Neonatologi", ("Barn- och ungdomsmedicin", "2027-12-01"), "2027-12-31", True, []),
    # the title is matched case-insensitively
    ("BB-NEO-UPPER", "Neonatologi", ("BARN- OCH UNGDOMSMEDICIN", "2027-12-01"), "2027-12-31", True, []),
    ("BB-NEO-LOWER", "Neonatologi", ("barn- och ungdomsmedicin", "2027-12-31"), "2027-12-31", True, []),
    # dated after the as-of date: not recorded then (RULES 7, last paragraph, and 6)
    ("BB-NEO-LATE", "Neonatologi", ("Barn- och ungdomsmedicin", "2028-01-15"), "2027-12-31", False,
     [("bas_specialty", "bevis_bas", BAS_NEO)]),
    ("BB-NEO-LATE2", "Neonatologi", ("Barn- och ungdomsmedicin", "2028-01-15"), "2028-01-15", True, []),
    ("BB-NEO-UNSIGNED", "Neonatologi", ("Barn- och ungdomsmedicin", None), "2027-12-31", False,
     [("bas_specialty", "bevis_bas", BAS_NEO)]),
    # a bevis in another specialty does not count for a gren
    ("BB-NEO-OTHER", "Neonatologi", ("Allmänmedicin", "2027-12-01"), "2027-12-31", False,
     [("bas_specialty", "bevis_bas", BAS_NEO)]),
    # a tillägg with empty requires_bas accepts any basspecialitet ...
    ("BB-ALL-OK", "Allergologi", ("Internmedicin", "2027-12-01"), "2027-12-31", True, []),
    ("BB-ALL-NONE", "Allergologi", None, "2027-12-31", False, [("bas_specialty", "bevis_bas", BAS_ANY)]),
    # ... but only a basspecialitet: Neonatologi is a gren
    ("BB-ALL-GREN", "Allergologi", ("Neonatologi", "2027-12-01"), "2027-12-31", False,
     [("bas_specialty", "bevis_bas", BAS_ANY)]),
    # a tillägg that names its bas (Beroendemedicin: Psykiatri) accepts only that one
    ("BB-BER-OTHER", "Beroendemedicin", ("Allmänmedicin", "2027-12-01"), "2027-12-31", False,
     [("bas_specialty", "bevis_bas", BAS_PSY)]),
    ("BB-BER-OK", "Beroendemedicin", ("Psykiatri", "2027-12-01"), "2027-12-31", True, []),
    # a basspecialitet needs none
    ("BB-BAS", "Allmänmedicin", None, "2027-12-31", True, []),
]

# RULES 2: credits that are refused at entry (import), with the row error's line and column and what
# its message must name. Line 1 is the header.
REFUSED_CREDITS = [
    # tidigare ST 20 + 20 = 40 > 30 summed per trainee: the second row is refused
    ("RF-TS", REG_2015, [("tidigare_st", 20, None), ("tidigare_st", 20, None)], 3, "months", ("RF-TS", "40", "30")),
    ("RF-TS21", REG_2021, [("tidigare_st", 12.5, "ST"), ("tidigare_st", 17.5, "BT"), ("tidigare_st", 0.25, "ST")],
     4, "months", ("RF-TS21", "30,25")),
    # a doktorsexamen row under SOSFS 2015:8 would count the merit twice (the flag lowers the minimum)
    ("RF-DR15", REG_2015, [("doktorsexamen", 6, None)], 2, "kind", ("RF-DR15", "SOSFS 2015:8")),
    # under HSLF-FS 2021:8 annan merit is refused toward ST (PSF 4 kap. 1 §) ...
    ("RF-AN21", REG_2021, [("annan", 3, "ST")], 2, "applies_to", ("RF-AN21",)),
    ("RF-AN21-DEFAULT", REG_2021, [("annan", 3, None)], 2, "applies_to", ("RF-AN21-DEFAULT",)),
    # ... BT does not exist under SOSFS 2015:8
    ("RF-BT15", REG_2015, [("utlandstjanstgoring", 2, "BT")], 2, "applies_to", ("RF-BT15",)),
    # doktorsexamen under 2021:8 at most 6 months in total (a setting): 4 + 3 = 7
    ("RF-DR21", REG_2021, [("doktorsexamen", 4, "ST"), ("doktorsexamen", 3, "ST")], 3, "months", ("RF-DR21", "7", "6")),
]

# RULES 2: credit rows written straight into the database (bypassing entry), as after a change of
# regulation: the computation applies the same rules. Row: trainee, regulation, rows (kind, months,
# applies_to), expected credited months, expected notices (a prefix of each).
DIRECT_CREDITS = [
    # 20 + 20 tidigare ST: the cap of 30 leaves 10 of the second row
    ("DC-TS", REG_2015, [("tidigare_st", 20, "ST"), ("tidigare_st", 20, "ST")], Fraction(30),
     ["Tillgodoräknande: tidigare ST 20 månader mot ST; bedöms av Socialstyrelsen.",
      "Tillgodoräknande: tidigare ST 20 månader mot ST räknas med 10 månader (högst 30 månader sammanlagt); "
      "bedöms av Socialstyrelsen."]),
    # 25 + 5 + 10: exactly 30 after two rows, the third counts 0
    ("DC-TS3", REG_2021, [("tidigare_st", 25, "ST"), ("tidigare_st", 5, "BT"), ("tidigare_st", 10, "ST")], Fraction(30),
     ["Tillgodoräknande: tidigare ST 25 månader mot ST; bedöms av Socialstyrelsen.",
      "Tillgodoräknande: tidigare ST 5 månader mot BT; bedöms av Socialstyrelsen.",
      "Tillgodoräknande: tidigare ST 10 månader mot ST räknas med 0 månader (högst 30 månader sammanlagt); "
      "bedöms av Socialstyrelsen."]),
    # doktorsexamen for a 2015:8 trainee counts nothing (it is the flag's 54 months instead)
    ("DC-DR15", REG_2015, [("doktorsexamen", 6, "ST")], Fraction(0),
     ["Tillgodoräknande: doktorsexamen 6 månader mot ST räknas inte: under SOSFS 2015:8"]),
    # annan toward ST under 2021:8 counts nothing; BT credits under 2015:8 neither
    ("DC-AN21", REG_2021, [("annan", 3, "ST")], Fraction(0),
     ["Tillgodoräknande: annan merit 3 månader mot ST räknas inte: under HSLF-FS 2021:8"]),
    ("DC-BT15", REG_2015, [("utlandstjanstgoring", 2, "BT"), ("utlandstjanstgoring", 1.5, "ST")], Fraction(3, 2),
     ["Tillgodoräknande: utlandstjänstgöring 2 månader mot BT räknas inte: BT finns inte i SOSFS 2015:8",
      "Tillgodoräknande: utlandstjänstgöring 1,5 månader mot ST; bedöms av Socialstyrelsen."]),
    # doktorsexamen under 2021:8: 4 + 4 capped at 6
    ("DC-DR21", REG_2021, [("doktorsexamen", 4, "ST"), ("doktorsexamen", 4, "ST")], Fraction(6),
     ["Tillgodoräknande: doktorsexamen 4 månader mot ST; bedöms av Socialstyrelsen.",
      "Tillgodoräknande: doktorsexamen 4 månader mot ST räknas med 2 månader (högst 6 månader sammanlagt); "
      "bedöms av Socialstyrelsen."]),
]


# RULES 4 and 6: L21-BT's bt_delmal for BT1-BT18 is signed 2022-08-15, fullgjord BT 2022-08-10,
# baskompetens 2022-08-20. Row: as-of, the BT delmål status, fullgjord BT and baskompetens signed.
BT_DOCUMENT_DATES = [
    ("2022-08-09", "pågår", False, False),
    ("2022-08-10", "pågår", True, False),
    ("2022-08-15", "uppfyllt", True, False),
    ("2022-08-19", "uppfyllt", True, False),
    ("2022-08-20", "uppfyllt", True, True),
]

# RULES 2: days before the legitimation date. Row: trainee, as-of, service months, BT months and those
# before the legitimation date (None under 2015:8), ST days before it, notices.
LEGITIMATION_CASES = [
    # BT 2023-01-01..06-30 at 100 %, legitimation 2023-02-15: all 6 months count toward BT; before it
    # January 1 + 14/28 of February = 1,5 months
    ("LG-BT", "2023-12-31", 6.0, 6.0, 1.5, 0,
     ["BT-tjänstgöring före legitimationsdatum: 1,5 månader på heltid räknas i BT och ska anges i ansökan om "
      "intyg om godkänd bastjänstgöring (bilaga 1, Tjänstgöring före legitimation)."]),
    # cut at the as-of date: only January so far
    ("LG-BT", "2023-01-31", 1.0, 1.0, 1.0, 0,
     ["BT-tjänstgöring före legitimationsdatum: 1 månad på heltid räknas i BT och ska anges i ansökan om "
      "intyg om godkänd bastjänstgöring (bilaga 1, Tjänstgöring före legitimation)."]),
    # the same at 50 % with 100 % sick leave in January: 6 x 0,5 - 0,5 = 2,5; before: 14/28 x 0,5 = 0,25
    ("LG-BT50", "2023-12-31", 2.5, 2.5, 0.25, 0,
     ["BT-tjänstgöring före legitimationsdatum: 0,25 månader på heltid räknas i BT och ska anges i ansökan "
      "om intyg om godkänd bastjänstgöring (bilaga 1, Tjänstgöring före legitimation)."]),
    # ST 2021-02-01..12-31, legitimation 2021-02-15: 14 days never count; 14/28 + 10 = 10,5
    ("LG-ST", "2021-12-31", 10.5, None, None, 14,
     ["ST-tjänstgöring före legitimationsdatum räknas inte: 14 dagar."]),
    # BT January (1 month, all before 2023-03-01) counts; ST February (28 days) does not; ST March 1
    ("LG-BOTH", "2023-12-31", 2.0, 1.0, 1.0, 28,
     ["BT-tjänstgöring före legitimationsdatum: 1 månad på heltid räknas i BT och ska anges i ansökan om "
      "intyg om godkänd bastjänstgöring (bilaga 1, Tjänstgöring före legitimation).",
      "ST-tjänstgöring före legitimationsdatum räknas inte: 28 dagar."]),
]

reads(
    ("C21", "2027-12-31"), ("L21-VOID", "2027-12-31"), ("C15", "2024-12-31"), ("CR21", "2023-12-31"), ("CR15", "2021-12-31"),
    ("MI-21", "2022-12-31"), ("MI-15", "2022-06-30"), ("RD-15", "2023-12-31"), ("RD-21", "2023-12-31"),
    ("BP-MIX-AKUT", "2023-12-31"), ("BP-MIX-NONE", "2023-12-31"),
    *((c[0], c[5]) for c in LATE_CASES), *((c[0], c[6]) for c in LATE_CASES),
    *(("L21-BT", c[0]) for c in BT_DOCUMENT_DATES),
    *((c[0], "2023-12-31") for c in BT_PART_CASES),
    *((c[0], c[3]) for c in BAS_CASES),
    *((c[0], "2023-12-31") for c in DIRECT_CREDITS),
    *((c[0], c[1]) for c in LEGITIMATION_CASES),
)


def _build(b: Bundle, reqs: Reqs) -> None:
    """Every trainee the tests below read."""
    complete_2021(b, reqs, "C21")
    complete_2015(b, reqs, "C15")
    for tid, reg, late, docs, *_ in LATE_CASES:
        (complete_2021 if reg == REG_2021 else complete_2015)(b, reqs, tid, late=late, documents=docs)
    complete_2021(b, reqs, "L21-VOID")  # its vetenskap certificate is voided after the import
    # BT documents and BT delmål signed late (RULES 4, 6): bt_delmal 2022-08-15, fullgjord BT
    # 2022-08-10, baskompetens 2022-08-20
    complete_2021(b, reqs, "L21-BT", late={"bt_delmal": "2022-08-15"},
                  documents={"fullgjord_bt": "2022-08-10", "baskompetens": "2022-08-20"})
    for tid, specialty, bevis, *_ in BAS_CASES:
        complete_2021(b, reqs, tid, specialty=specialty)
        if bevis is not None:
            b.certificate(tid, "bevis_bas", title=bevis[0], signed_date=bevis[1], signed_by="Socialstyrelsen")
    for tid, setting, part, _ in BT_PART_CASES:
        trainee_2021(b, tid)
        b.placement(tid, "2023-01-01", "2023-03-31", kind="BT", setting=setting, bt_part=part)
    # BT time is complete with akut sjukvård done on an internal-medicine ward, not without the bt_part
    for tid, part in (("BP-MIX-AKUT", "akut_sjukvard"), ("BP-MIX-NONE", None)):
        trainee_2021(b, tid)
        b.placement(tid, "2023-01-01", "2023-03-31", kind="BT", setting="primarvard")
        b.placement(tid, "2023-04-01", "2023-06-30", kind="BT", setting="internmedicin", bt_part=part)
    # credits entered through the import (RULES 2)
    trainee_2021(b, "CR21")
    b.placement("CR21", "2023-01-01", "2023-03-31", kind="BT", setting="primarvard")
    b.placement("CR21", "2023-04-01", "2023-05-31", kind="BT", setting="akutsjukvard")
    b.credit("CR21", "annan", 1.5, applies_to="BT")
    b.credit("CR21", "tidigare_st", 6, applies_to="ST")
    b.credit("CR21", "utlandstjanstgoring", 2.25)  # applies_to empty: ST
    trainee_2015(b, "CR15")
    b.placement("CR15", "2020-01-01", "2021-12-31")
    b.credit("CR15", "tidigare_st", 12)
    b.credit("CR15", "tidigare_st", 18)  # 12 + 18 = 30: exactly the cap, accepted
    b.credit("CR15", "utlandstjanstgoring", 3)
    b.credit("CR15", "annan", 2)  # annan toward ST is accepted under 2015:8
    for tid, reg, *_ in DIRECT_CREDITS:
        (trainee_2021 if reg == REG_2021 else trainee_2015)(b, tid)
        b.placement(tid, "2023-01-01", "2023-12-31")
    # days before the legitimation date (RULES 2)
    trainee_2021(b, "LG-BT", st_start_date="2023-01-01", legitimation_date="2023-02-15")
    b.placement("LG-BT", "2023-01-01", "2023-06-30", kind="BT", setting="primarvard")
    trainee_2021(b, "LG-BT50", st_start_date="2023-01-01", legitimation_date="2023-02-15")
    b.placement("LG-BT50", "2023-01-01", "2023-06-30", 50, kind="BT", setting="primarvard")
    b.leave("LG-BT50", "2023-01-01", "2023-01-31", 100, kind="sjukfranvaro")
    trainee_2015(b, "LG-ST", st_start_date="2021-02-01", legitimation_date="2021-02-15")
    b.placement("LG-ST", "2021-02-01", "2021-12-31")
    trainee_2021(b, "LG-BOTH", st_start_date="2023-01-01", legitimation_date="2023-03-01")
    b.placement("LG-BOTH", "2023-01-01", "2023-01-31", kind="BT", setting="akutsjukvard")
    b.placement("LG-BOTH", "2023-02-01", "2023-03-31")
    # every kind of missing item
    trainee_2021(b, "MI-21", specialty="Neonatologi", st_start_date="2022-01-01", legitimation_date="2021-06-01")
    b.placement("MI-21", "2022-01-01", "2022-12-31")
    b.certificate("MI-21", "kurs", ["STa1"], title="Kurs utan signatur")
    trainee_2015(b, "MI-15")
    b.placement("MI-15", "2020-01-01", "2022-06-30", 80)
    # rounding half-up (RULES 2)
    trainee_2015(b, "RD-15")
    b.placement("RD-15", "2023-02-01", "2023-02-07", 50)
    trainee_2021(b, "RD-21")
    b.placement("RD-21", "2023-02-01", "2023-02-07", 50, kind="BT", setting="primarvard")


def _insert_credits(con: Connection) -> None:
    """DIRECT_CREDITS written with SQL, bypassing the import's checks."""
    for tid, _reg, rows, *_ in DIRECT_CREDITS:
        for kind, months, applies_to in rows:
            con.execute(
                "INSERT INTO credit (trainee_id, kind, months, note, applies_to, source) VALUES (?, ?, ?, ?, ?, 'app')",
                [tid, kind, months, "direkt i databasen", applies_to],
            )


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database file with the catalogue, to copy (loading the catalogue takes a second)."""
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    con = connect(path)
    catalogue.ensure_catalogue(con)
    con.close()
    return path


@pytest.fixture
def con(empty_db: Path, tmp_path: Path) -> Iterator[Connection]:
    """A database of its own (a copy of ``empty_db``) for a test that imports."""
    target = tmp_path / "own.duckdb"
    shutil.copyfile(empty_db, target)
    own = connect(target)
    yield own
    own.close()


@pytest.fixture(scope="module")
def db(empty_db: Path) -> Iterator[Connection]:
    """Every trainee of the cases, imported once; then the rows written past the import's checks."""
    path = empty_db.parent / "round2.duckdb"
    shutil.copyfile(empty_db, path)
    con = connect(path)

    def reqs(regulation: str, specialty: str) -> list[Requirement]:
        return catalogue.requirements(con, regulation, specialty)

    b = Bundle()
    _build(b, reqs)
    import_frames(con, b.frames())
    _insert_credits(con)
    con.execute("UPDATE certificate SET status = 'makulerat' WHERE trainee_id = 'L21-VOID' AND type = 'vetenskap'")
    _COMPUTED.clear()
    yield con
    _COMPUTED.clear()
    con.close()


# --- complete records -----------------------------------------------------------------------------


def test_a_complete_2021_record_is_ready_to_apply(db: Connection, engine: str) -> None:  # RULES 4, 6, 7
    j = computed(db, "C21", "2027-12-31", engine).to_json()
    # 3 + 3 BT + 66 ST = 72; the 66th month is complete on 2027-06-30 (6 BT + 60 ST from 2022-07)
    assert {k: j[k] for k in ("regulation", "required_months", "service_months", "credited_months",
                              "counted_months", "remaining_months", "projected_completion_date")} == {
        "regulation": REG_2021, "required_months": 66.0, "service_months": 72.0, "credited_months": 0.0,
        "counted_months": 72.0, "remaining_months": 0.0, "projected_completion_date": "2027-06-30",
    }
    assert j["bt"] == {
        "months": 6.0, "primary_care_months": 3.0, "acute_care_months": 3.0, "credited_months": 0.0,
        "before_legitimation_months": 0.0, "time_complete": True, "delmal_complete": True, "approved": True,
        "delmal": {f"BT{i}": "uppfyllt" for i in range(1, 19)},
    }
    assert set(j["delmal"].values()) == {"uppfyllt"}  # type: ignore[union-attr]
    assert len(j["delmal"]) == len(catalogue.requirements(db, REG_2021, "Allmänmedicin"))  # type: ignore[arg-type]
    assert (j["ready_to_apply"], j["missing"], j["missing_items"], j["notices"]) == (True, [], [], [])
    assert j["days_before_legitimation"] == 0


def test_a_complete_2015_record_is_ready_to_apply(db: Connection, engine: str) -> None:  # RULES 6, 7
    j = computed(db, "C15", "2024-12-31", engine).to_json()
    # 2020-01..2024-12 at 100 % = 60 = the minimum, reached on the last day
    assert (j["service_months"], j["remaining_months"], j["projected_completion_date"]) == (60.0, 0.0, "2024-12-31")
    assert j["bt"] is None and set(j["delmal"].values()) == {"uppfyllt"}  # type: ignore[union-attr]
    assert (j["ready_to_apply"], j["missing_items"], j["notices"]) == (True, [], [])


# --- RULES 6: certificates as of a date -------------------------------------------------------------


@pytest.mark.parametrize(("tid", "reg", "late", "docs", "code", "before", "on", "missing"), LATE_CASES,
                         ids=[c[0] for c in LATE_CASES])
def test_a_certificate_signed_after_the_as_of_date_counts_as_unsigned_then(
    db: Connection, engine: str, tid: str, reg: str, late: object, docs: object, code: str | None,
    before: str, on: str, missing: tuple[str, str, str],
) -> None:
    early = computed(db, tid, before, engine)
    assert items(early) == [missing] and not early.ready_to_apply
    if code is not None:
        assert early.delmal[code] == "pågår"  # recorded, not yet signed on that day
    signed = computed(db, tid, on, engine)  # signed on the as-of date itself: counts
    assert items(signed) == [] and signed.ready_to_apply
    if code is not None:
        assert signed.delmal[code] == "uppfyllt"


def test_a_voided_certificate_never_counts(db: Connection, engine: str) -> None:  # RULES 6
    # L21-VOID is C21 with its signed vetenskap certificate (STa3's only one) voided: nothing recorded
    p = computed(db, "L21-VOID", "2027-12-31", engine)
    assert p.delmal["STa3"] == "ej påbörjat"
    assert items(p) == [("delmal", "STa3", VETENSKAP)] and not p.ready_to_apply


@pytest.mark.parametrize(("as_of", "delmal", "fullgjord", "baskompetens"), BT_DOCUMENT_DATES)
def test_bt_documents_and_bt_delmal_count_from_their_signature_date(
    db: Connection, engine: str, as_of: str, delmal: str, fullgjord: bool, baskompetens: bool
) -> None:  # RULES 4 (the BT application), 6
    p = computed(db, "L21-BT", as_of, engine)
    assert p.bt is not None
    assert set(p.bt.delmal.values()) == {delmal} and p.bt.delmal_complete == (delmal == "uppfyllt")
    assert (p.bt.fullgjord_signed, p.bt.baskompetens_signed) == (fullgjord, baskompetens)
    # BT time: 3 + 3 months by 2022-06-30; the application for godkänd BT needs all three
    assert p.bt.time_complete
    assert p.bt.ready_for_application == (delmal == "uppfyllt" and fullgjord and baskompetens)


# --- RULES 4: bt_part ----------------------------------------------------------------------------


@pytest.mark.parametrize(("tid", "setting", "part", "expected"), BT_PART_CASES, ids=[c[0] for c in BT_PART_CASES])
def test_bt_part_decides_which_part_of_bt_a_placement_is(
    db: Connection, engine: str, tid: str, setting: str, part: str | None, expected: tuple[int, int]
) -> None:
    j = computed(db, tid, "2023-12-31", engine).to_json()
    bt = j["bt"]
    assert isinstance(bt, dict)
    assert (bt["primary_care_months"], bt["acute_care_months"]) == tuple(float(x) for x in expected)
    # every BT placement counts toward BT and the ST total, whatever its part
    assert bt["months"] == 3.0 and j["service_months"] == 3.0 and bt["time_complete"] is False


@pytest.mark.parametrize(
    ("tid", "acute", "complete"),
    [
        # primärvård 3 + internmedicin recorded as akut sjukvård 3: BT time complete
        ("BP-MIX-AKUT", 3.0, True),
        # the same ward without bt_part is annan: 6 BT months but akut sjukvård 0 < 3
        ("BP-MIX-NONE", 0.0, False),
    ],
)
def test_bt_time_is_complete_with_akut_sjukvard_on_a_ward(
    db: Connection, engine: str, tid: str, acute: float, complete: bool
) -> None:
    bt = computed(db, tid, "2023-12-31", engine).to_json()["bt"]
    assert isinstance(bt, dict)
    assert (bt["months"], bt["primary_care_months"], bt["acute_care_months"], bt["time_complete"]) == (
        6.0, 3.0, acute, complete
    )


# --- RULES 2: credits ------------------------------------------------------------------------------


def test_credits_toward_bt_count_in_bt_months_but_not_its_parts(db: Connection, engine: str) -> None:
    j = computed(db, "CR21", "2023-12-31", engine).to_json()
    # BT service: primärvård 2023-01..03 = 3, akut sjukvård 2023-04..05 = 2 -> 5
    # credits: annan 1,5 toward BT; tidigare ST 6 and utlandstjänstgöring 2,25 toward ST
    # bt.months = 5 + 1,5 = 6,5 (>= 6) but akut sjukvård 2 < 3: not complete
    assert j["bt"] == {
        "months": 6.5, "primary_care_months": 3.0, "acute_care_months": 2.0, "credited_months": 1.5,
        "before_legitimation_months": 0.0, "time_complete": False, "delmal_complete": False, "approved": False,
        "delmal": {f"BT{i}": "ej påbörjat" for i in range(1, 19)},
    }
    # credited = 1,5 + 6 + 2,25 = 9,75; counted = 5 + 9,75 = 14,75; remaining = 66 - 14,75 = 51,25
    assert (j["service_months"], j["credited_months"], j["counted_months"], j["remaining_months"]) == (
        5.0, 9.75, 14.75, 51.25
    )
    assert j["notices"] == [
        "Tillgodoräknande: annan merit 1,5 månader mot BT; bedöms av Socialstyrelsen.",
        "Tillgodoräknande: tidigare ST 6 månader mot ST; bedöms av Socialstyrelsen.",
        "Tillgodoräknande: utlandstjänstgöring 2,25 månader mot ST; bedöms av Socialstyrelsen.",
    ]
    assert ("bt", None, "BT-tiden är 6,5 månader (primärvård 3, akut sjukvård 2); minst 6 månader varav 3 i varje "
            "krävs.") in items(computed(db, "CR21", "2023-12-31", engine))


def test_credits_up_to_the_cap_count_and_move_the_projection(db: Connection, engine: str) -> None:
    j = computed(db, "CR15", "2021-12-31", engine).to_json()
    # ST 2020-01..2021-12 = 24; credits 12 + 18 (= the cap 30) + 3 + 2 = 35; counted 59 of 60
    assert (j["service_months"], j["credited_months"], j["counted_months"], j["remaining_months"]) == (
        24.0, 35.0, 59.0, 1.0
    )
    # credits are added at the as-of date; the last day's 100 % continues: one more month -> 2022-01-31
    assert j["projected_completion_date"] == "2022-01-31"
    assert j["notices"] == [
        "Tillgodoräknande: tidigare ST 12 månader mot ST; bedöms av Socialstyrelsen.",
        "Tillgodoräknande: tidigare ST 18 månader mot ST; bedöms av Socialstyrelsen.",
        "Tillgodoräknande: utlandstjänstgöring 3 månader mot ST; bedöms av Socialstyrelsen.",
        "Tillgodoräknande: annan merit 2 månader mot ST; bedöms av Socialstyrelsen.",
    ]


@pytest.mark.parametrize(("tid", "reg", "rows", "credited", "notices"), DIRECT_CREDITS,
                         ids=[c[0] for c in DIRECT_CREDITS])
def test_credits_written_past_the_rules_are_counted_by_the_rules(
    db: Connection, engine: str, tid: str, reg: str, rows: object, credited: Fraction, notices: list[str]
) -> None:
    p = computed(db, tid, "2023-12-31", engine)
    assert p.regulation == reg
    # service: ST 2023-01..12 at 100 % = 12
    assert (p.service_months, p.credited_months, p.counted_months) == (12, credited, 12 + credited)
    assert len(p.notices) == len(notices)
    for got, expected in zip(p.notices, notices, strict=True):
        assert got.startswith(expected), (got, expected)


@pytest.mark.parametrize(("tid", "reg", "rows", "line", "column", "named"), REFUSED_CREDITS,
                         ids=[c[0] for c in REFUSED_CREDITS])
def test_a_credit_past_the_rules_is_refused_at_import(
    db: Connection, tid: str, reg: str, rows: list[tuple[str, float, str | None]], line: int, column: str,
    named: tuple[str, ...],
) -> None:
    b = Bundle()
    (trainee_2021 if reg == REG_2021 else trainee_2015)(b, tid)
    for kind, months, applies_to in rows:
        b.credit(tid, kind, months, applies_to=applies_to)
    with pytest.raises(ImportRejected) as exc:
        import_frames(db, b.frames())
    errors: list[RowError] = list(exc.value.errors)
    assert [(e.file, e.line, e.column) for e in errors] == [("credits.csv", line, column)], errors
    for text in named:
        assert text in errors[0].message, (text, errors[0].message)
    # all or nothing: the trainee was not written
    assert db.execute("SELECT count(*) FROM trainee WHERE trainee_id = ?", [tid]).fetchone() == (0,)


def test_the_cap_sums_credits_entered_in_the_app_but_not_the_rows_an_import_replaces(con: Connection) -> None:
    # RULES 2: "summed over all their credit rows". A re-import replaces the trainee's imported rows, so
    # 20 imported, then 25 instead of it, is 25 (accepted); with 20 entered in the app, 20 + 25 = 45.
    first, second = Bundle(), Bundle()
    for b, months in ((first, 20), (second, 25)):
        trainee_2015(b, "CAP")
        b.credit("CAP", "tidigare_st", months)
    import_frames(con, first.frames())
    import_frames(con, first.frames())  # the same row again: still 20
    assert import_frames(con, second.frames()).replaced["tillgodoräknanden"] == 1
    assert con.execute("SELECT months FROM credit WHERE trainee_id = 'CAP'").fetchall() == [(25.0,)]
    con.execute("INSERT INTO credit (trainee_id, kind, months, note, source) VALUES ('CAP', 'tidigare_st', 20, 'app', 'app')")
    with pytest.raises(ImportRejected) as exc:
        import_frames(con, second.frames())
    ((error,),) = [exc.value.errors]
    assert (error.file, error.line, error.column) == ("credits.csv", 2, "months")
    assert "CAP" in error.message and "45" in error.message


def test_annan_merit_toward_bt_is_accepted_under_2021(db: Connection, engine: str) -> None:
    # RULES 2: "toward BT it is accepted" -- CR21's annan 1,5 toward BT was imported and counts
    rows = db.execute(
        "SELECT kind, months, applies_to FROM credit WHERE trainee_id = 'CR21' ORDER BY credit_id"
    ).fetchall()
    assert rows == [("annan", 1.5, "BT"), ("tidigare_st", 6.0, "ST"), ("utlandstjanstgoring", 2.25, "ST")]
    assert computed(db, "CR21", "2023-12-31", engine).bt.credited_months == Fraction(3, 2)  # type: ignore[union-attr]


# --- RULES 2: days before the legitimation date ----------------------------------------------------


@pytest.mark.parametrize(("tid", "as_of", "service", "bt_months", "before", "st_days", "notices"), LEGITIMATION_CASES)
def test_days_before_legitimation(
    db: Connection, engine: str, tid: str, as_of: str, service: float, bt_months: float | None,
    before: float | None, st_days: int, notices: list[str],
) -> None:
    j = computed(db, tid, as_of, engine).to_json()
    assert j["service_months"] == service
    if bt_months is None:
        assert j["bt"] is None
    else:
        assert isinstance(j["bt"], dict)
        assert (j["bt"]["months"], j["bt"]["before_legitimation_months"]) == (bt_months, before)
    assert j["days_before_legitimation"] == st_days
    assert j["notices"] == notices


# --- RULES 7: bevis om specialistkompetens in the basspecialitet -------------------------------------


@pytest.mark.parametrize(("tid", "specialty", "bevis", "as_of", "ready", "missing"), BAS_CASES,
                         ids=[c[0] for c in BAS_CASES])
def test_a_gren_or_tillagg_needs_a_bevis_in_its_bas(
    db: Connection, engine: str, tid: str, specialty: str, bevis: object, as_of: str, ready: bool,
    missing: list[tuple[str, str, str]],
) -> None:
    p = computed(db, tid, as_of, engine)
    assert set(p.delmal.values()) == {"uppfyllt"}  # everything else is in place
    assert items(p) == missing
    assert p.ready_to_apply is ready


# --- RULES 7: missing items ------------------------------------------------------------------------


def test_missing_items_carry_kind_and_code_2021(db: Connection, engine: str) -> None:
    p = computed(db, "MI-21", "2022-12-31", engine)
    codes = [r.code for r in catalogue.requirements(db, REG_2021, "Neonatologi")]
    got = items(p)
    # ST 2022 at 100 % = 12 of 66; no BT, nothing signed (STa1's course is unsigned: pågår)
    assert got[:3] == [
        ("bt", None, "Bastjänstgöringen är inte godkänd: datum för intyg om godkänd bastjänstgöring saknas."),
        ("bt", None, "BT-tiden är 0 månader (primärvård 0, akut sjukvård 0); minst 6 månader varav 3 i varje krävs."),
        ("time", None, "Tjänstgöringstiden är 12 av 66 månader; 54 månader återstår."),
    ]
    assert [(k, c) for k, c, _ in got[3:-3]] == [("delmal", c) for c in codes]
    assert got[3] == ("delmal", "STa1", "Delmål STa1 är inte uppfyllt: signerat intyg saknas för kurs.")
    assert got[-3:] == [
        ("document", "fullgjord_st", FULLGJORD_ST),
        ("document", "specialistkompetens", SK_2021),
        ("bas_specialty", "bevis_bas", BAS_NEO),
    ]
    assert p.delmal["STa1"] == "pågår" and set(p.delmal.values()) == {"pågår", "ej påbörjat"}


def test_missing_items_carry_kind_and_code_2015(db: Connection, engine: str) -> None:
    p = computed(db, "MI-15", "2022-06-30", engine)
    codes = [r.code for r in catalogue.requirements(db, REG_2015, "Allmänmedicin")]
    got = items(p)
    # 30 months at 80 % = 24 of 60; no BT under 2015:8, no bas needed for Allmänmedicin
    assert got[0] == ("time", None, "Tjänstgöringstiden är 24 av 60 månader; 36 månader återstår.")
    assert [(k, c) for k, c, _ in got[1:-1]] == [("delmal", c) for c in codes]
    assert got[-1] == ("document", "specialistkompetens", SK_2015)


# --- RULES 2: rounding ------------------------------------------------------------------------------


def test_rounding_is_half_up_when_written(db: Connection, engine: str) -> None:
    # 2023-02-01..07 at 50 %: 7 days x 0,5 / 28 = 0,125 exactly -> 0,13; remaining 60 - 0,125 = 59,875 -> 59,88
    p = computed(db, "RD-15", "2023-12-31", engine)
    assert p.service_months == Fraction(1, 8)
    j = p.to_json()
    assert (j["service_months"], j["counted_months"], j["remaining_months"]) == (0.13, 0.13, 59.88)
    assert items(p)[0] == ("time", None, "Tjänstgöringstiden är 0,13 av 60 månader; 59,88 månader återstår.")
    # the same days as BT primärvård: 0,125 BT months -> 0,13; remaining 66 - 0,125 = 65,875 -> 65,88
    bt = computed(db, "RD-21", "2023-12-31", engine).to_json()
    assert bt["bt"]["months"] == 0.13 and bt["bt"]["primary_care_months"] == 0.13  # type: ignore[index]
    assert bt["remaining_months"] == 65.88


def test_a_percent_the_import_accepts_is_counted_alike_by_both_engines(con: Connection) -> None:
    # RULES 2: a day's fraction is the placement percent / 100, rounded only when shown. 2020 at
    # 50,125 %: 12 x 0,50125 = 6,015 exactly -> 6,02 (half-up). The import may refuse a percent with
    # more than two decimals; if it takes it, both engines must count it the same (and exactly).
    b = Bundle()
    trainee_2015(b, "PCT")
    b.placement("PCT", "2020-01-01", "2020-12-31", 50.125)
    try:
        import_frames(con, b.frames())
    except ImportRejected as exc:
        assert [(e.file, e.line, e.column) for e in exc.errors] == [("placements.csv", 2, "percent")]
        return
    by_engine = {e: progress(con, D("2020-12-31"), trainee_id="PCT", engine=e)[0].to_json() for e in ENGINES}
    assert {e: j["service_months"] for e, j in by_engine.items()} == {"setbased": 6.02, "reference": 6.02}
    assert by_engine["setbased"] == by_engine["reference"]


# --- the import of the new columns ------------------------------------------------------------------


def _round_trip_bundle(*, with_new_columns: bool) -> Bundle:
    b = Bundle()
    trainee_2021(b, "RT1")
    part = "akut_sjukvard" if with_new_columns else None
    b.placement("RT1", "2023-01-01", "2023-03-31", kind="BT", setting="internmedicin", bt_part=part)
    b.placement("RT1", "2023-04-01", "2023-06-30", kind="BT", setting="primarvard")
    b.placement("RT1", "2023-07-01", "2024-06-30", 75)
    b.leave("RT1", "2023-09-01", "2023-09-30", 50, kind="foraldraledighet")
    b.credit("RT1", "utlandstjanstgoring", 2, applies_to="BT" if with_new_columns else None)
    b.credit("RT1", "tidigare_st", 5)
    b.certificate("RT1", "bt_delmal", ["BT1", "BT2"], signed_date="2023-06-30")
    b.certificate("RT1", "kurs", ["STa1"])
    return b


def _snapshot(con: Connection) -> dict[str, list[tuple[object, ...]]]:
    return {
        "placement": con.execute("SELECT * FROM placement ORDER BY placement_id").fetchall(),
        "leave": con.execute("SELECT * FROM leave ORDER BY leave_id").fetchall(),
        "credit": con.execute("SELECT * FROM credit ORDER BY credit_id").fetchall(),
        "certificate": con.execute("SELECT * FROM certificate ORDER BY certificate_id").fetchall(),
        "trainee": con.execute("SELECT * FROM trainee ORDER BY trainee_id").fetchall(),
    }


def test_bt_part_and_applies_to_are_stored_and_a_reimport_changes_nothing(con: Connection, tmp_path: Path) -> None:
    folder = _round_trip_bundle(with_new_columns=True).write(tmp_path / "bundle")
    assert (folder / "placements.csv").read_text(encoding="utf-8").splitlines()[0].endswith(",bt_part")
    import_bundle(con, folder)
    assert con.execute("SELECT setting, bt_part FROM placement ORDER BY start_date").fetchall() == [
        ("internmedicin", "akut_sjukvard"), ("primarvard", None), ("annan", None),
    ]
    assert con.execute("SELECT kind, months, applies_to FROM credit ORDER BY credit_id").fetchall() == [
        ("utlandstjanstgoring", 2.0, "BT"), ("tidigare_st", 5.0, "ST"),
    ]
    before = _snapshot(con)
    audit_rows = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]  # type: ignore[index]
    again = import_bundle(con, folder)
    assert again.replaced == {"placeringar": 0, "ledigheter": 0, "tillgodoräknanden": 0}
    assert (again.unchanged_trainees, again.unchanged_certificates) == (1, 2)
    assert _snapshot(con) == before
    # the audit log gains the bundle's own row and nothing added, changed or removed
    new = con.execute("SELECT action, entity FROM audit_log ORDER BY audit_id OFFSET ?", [audit_rows]).fetchall()
    assert new == [("import", "bundle")]
    # the same rows as frames are the same import
    import_frames(con, _round_trip_bundle(with_new_columns=True).frames())
    assert _snapshot(con) == before


def test_changing_a_bt_part_replaces_only_that_placement(con: Connection) -> None:
    import_frames(con, _round_trip_bundle(with_new_columns=True).frames())
    changed = _round_trip_bundle(with_new_columns=True)
    changed.rows["placements.csv"][0]["bt_part"] = "annan"
    result = import_frames(con, changed.frames())
    assert result.replaced == {"placeringar": 1, "ledigheter": 0, "tillgodoräknanden": 0}
    assert con.execute("SELECT setting, bt_part FROM placement ORDER BY start_date").fetchall() == [
        ("internmedicin", "annan"), ("primarvard", None), ("annan", None),
    ]


@pytest.mark.parametrize(
    ("file", "row", "column"),
    [
        # bt_part is recorded for BT placements only (RULES 4)
        ("placements.csv", {"kind": "ST", "bt_part": "akut_sjukvard"}, "bt_part"),
        ("placements.csv", {"bt_part": "akut"}, "bt_part"),  # not one of the three parts
        ("credits.csv", {"applies_to": "AT"}, "applies_to"),  # ST or BT
    ],
)
def test_the_new_columns_take_only_their_values(con: Connection, file: str, row: dict[str, str], column: str) -> None:
    b = _round_trip_bundle(with_new_columns=True)
    b.rows[file][0].update(row)
    with pytest.raises(ImportRejected) as exc:
        import_frames(con, b.frames())
    assert [(e.file, e.line, e.column) for e in exc.value.errors] == [(file, 2, column)]


def test_a_bundle_without_the_new_columns_imports_as_before(con: Connection, tmp_path: Path) -> None:
    folder = _round_trip_bundle(with_new_columns=False).write(tmp_path / "old")
    assert (folder / "placements.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "trainee_id,kind,setting,workplace,start_date,end_date,percent"
    )
    assert (folder / "credits.csv").read_text(encoding="utf-8").splitlines()[0] == "trainee_id,kind,months,note"
    import_bundle(con, folder)
    assert con.execute("SELECT bt_part FROM placement").fetchall() == [(None,)] * 3
    assert con.execute("SELECT applies_to FROM credit").fetchall() == [("ST",), ("ST",)]
    by_engine = {e: progress(con, D("2023-06-30"), trainee_id="RT1", engine=e)[0].to_json() for e in ENGINES}
    assert by_engine["setbased"] == by_engine["reference"]
    bt = by_engine["reference"]["bt"]
    assert isinstance(bt, dict)
    # internmedicin without bt_part is annan; primarvard is primärvård; both credits toward ST (2 + 5)
    assert (bt["months"], bt["primary_care_months"], bt["acute_care_months"], bt["credited_months"]) == (
        6.0, 3.0, 0.0, 0.0
    )
    assert by_engine["reference"]["credited_months"] == 7.0
    again = import_bundle(con, folder)
    assert again.replaced == {"placeringar": 0, "ledigheter": 0, "tillgodoräknanden": 0}
