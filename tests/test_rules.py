"""The rules of RULES.md with hand-computed expectations (section numbers cited per case)."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

import pytest

from tracker.domain import REG_2015, REG_2021, Certificate, Credit, Leave, Placement, Trainee, TraineeRecord
from tracker.rules.reference import Requirement, compute_progress, delmal_status, resolve_regulation

D = date.fromisoformat


def trainee(**kw: object) -> Trainee:
    base: dict[str, object] = {
        "trainee_id": "T",
        "name": "Test",
        "specialty": "Allmänmedicin",
        "st_start_date": D("2020-01-01"),
        "legitimation_date": D("2016-06-01"),
        "swedish_at": True,
    }
    base.update(kw)
    return Trainee(**base)  # type: ignore[arg-type]


def st(start: str, end: str, pct: float = 100, kind: str = "ST", setting: str = "annan") -> Placement:
    return Placement(kind, setting, D(start), D(end), pct)


def leave(start: str, end: str, pct: float = 100, kind: str = "foraldraledighet") -> Leave:
    return Leave(kind, D(start), D(end), pct)


def progress(rec: TraineeRecord, as_of: str = "2030-12-31", applicable: tuple[Requirement, ...] = ()):
    return compute_progress(rec, D(as_of), applicable)


# RULES 1: which regulation applies
@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"swedish_at": True, "st_start_date": D("2022-01-01")}, REG_2015),  # 1.2 Swedish AT
        ({"swedish_at": False, "st_start_date": D("2021-06-30")}, REG_2015),  # 1.2 started before 2021-07-01
        ({"swedish_at": False, "st_start_date": D("2021-07-01")}, REG_2021),  # 1.3 otherwise 2021:8
        ({"swedish_at": True, "st_start_date": D("2022-01-01"), "regulation_choice": REG_2021}, REG_2021),  # 1.1
    ],
)
def test_regulation_is_resolved_in_rule_order(kw: dict[str, object], expected: str) -> None:
    assert resolve_regulation(trainee(**kw)) == expected


# RULES 2: counting time, day by day, a day = 1/(days in its month)
@pytest.mark.parametrize(
    ("placements", "leaves", "as_of", "months"),
    [
        ([st("2024-01-01", "2024-06-30")], [], "2024-12-31", Fraction(6)),  # full months at 100 %
        ([st("2024-01-01", "2024-06-30", 75)], [], "2024-12-31", Fraction(9, 2)),  # 75 % -> 4.5
        ([st("2024-01-16", "2024-01-31")], [], "2024-12-31", Fraction(16, 31)),  # half of January
        ([st("2024-02-01", "2024-02-29")], [], "2024-12-31", Fraction(1)),  # leap February is 1.0
        ([st("2024-02-01", "2024-02-15")], [], "2024-12-31", Fraction(15, 29)),  # leap-year day value
        ([st("2023-02-15", "2023-02-28")], [], "2023-12-31", Fraction(1, 2)),  # 14 of 28 days
        ([st("2024-01-31", "2024-02-01")], [], "2024-12-31", Fraction(1, 31) + Fraction(1, 29)),  # boundary
        ([st("2024-01-01", "2024-12-31")], [], "2024-03-31", Fraction(3)),  # cut at the as-of date
        # leave longer than the placement: the placement is zeroed, nothing goes negative
        ([st("2024-03-01", "2024-03-31"), st("2024-06-01", "2024-06-30")],
         [leave("2024-02-01", "2024-04-30")], "2024-12-31", Fraction(1)),
        # 50 % leave inside a 75 % placement: 25 % on those days (E2)
        ([st("2021-01-01", "2021-12-31", 75)], [leave("2021-01-01", "2021-06-30", 50)], "2021-12-31",
         Fraction(3, 2) + Fraction(9, 2)),
        # 100 % sick leave inside a 75 % placement: max(0, 75 - 100) = 0 for February
        ([st("2022-01-01", "2022-03-31", 75)], [leave("2022-02-01", "2022-02-28", 100, "sjukfranvaro")],
         "2022-12-31", Fraction(3, 2)),
        # overlapping placements are capped at 100 % (E5)
        ([st("2021-03-01", "2022-02-28", 60), st("2021-03-01", "2021-08-31", 50)], [], "2024-06-30",
         Fraction(6) + Fraction(36, 10)),
        # tjänstledighet does not count either
        ([st("2024-01-01", "2024-12-31")], [leave("2024-07-01", "2024-12-31", 100, "tjanstledighet")],
         "2024-12-31", Fraction(6)),
    ],
)
def test_service_months_follow_the_day_rule(placements, leaves, as_of, months) -> None:
    rec = TraineeRecord(trainee(), tuple(placements), tuple(leaves))
    assert progress(rec, as_of).service_months == months


def test_at_never_counts_toward_st() -> None:  # RULES 2 table
    rec = TraineeRecord(trainee(), (st("2017-09-01", "2019-02-28", kind="AT", setting="internmedicin"),))
    p = progress(rec)
    assert p.service_months == 0
    assert p.at is not None and p.at.months == 18


def test_bt_counts_only_under_2021() -> None:  # RULES 2 table and 4
    bt = (st("2022-09-01", "2022-11-30", kind="BT", setting="primarvard"),
          st("2022-12-01", "2023-02-28", kind="BT", setting="akutsjukvard"))
    p2021 = progress(TraineeRecord(trainee(swedish_at=False, st_start_date=D("2022-09-01")), bt), "2023-12-31")
    p2015 = progress(TraineeRecord(trainee(swedish_at=True, st_start_date=D("2022-09-01")), bt), "2023-12-31")
    assert p2021.regulation == REG_2021 and p2021.service_months == 6
    assert p2021.bt is not None
    assert (p2021.bt.months, p2021.bt.primary_care_months, p2021.bt.acute_care_months) == (6, 3, 3)
    assert p2021.bt.time_complete
    assert p2015.regulation == REG_2015 and p2015.service_months == 0 and p2015.bt is None


def test_bt_time_needs_three_months_in_each_setting() -> None:  # RULES 4
    bt = (st("2022-09-01", "2023-02-28", kind="BT", setting="primarvard"),)
    p = progress(TraineeRecord(trainee(swedish_at=False, st_start_date=D("2022-09-01")), bt), "2023-12-31")
    assert p.bt is not None and p.bt.months == 6 and p.bt.acute_care_months == 0
    assert not p.bt.time_complete


@pytest.mark.parametrize(
    ("kw", "required"),
    [
        ({"swedish_at": True, "doktorsexamen": False}, 60),  # RULES 3: 2015:8
        ({"swedish_at": True, "doktorsexamen": True}, 54),  # 2015:8 with doktorsexamen
        ({"swedish_at": False, "st_start_date": D("2022-01-01"), "doktorsexamen": True}, 66),  # 2021:8 ignores it
    ],
)
def test_minimum_time_per_regulation(kw: dict[str, object], required: int) -> None:
    assert progress(TraineeRecord(trainee(**kw))).required_months == required


def test_days_before_legitimation_do_not_count_and_are_flagged() -> None:  # RULES 2 table, E6
    rec = TraineeRecord(trainee(legitimation_date=D("2021-02-15")), (st("2021-02-01", "2021-12-31"),))
    p = progress(rec, "2024-06-30")
    assert p.service_months == Fraction(21, 2)
    assert p.days_before_legitimation == 14
    assert p.projected_completion_date == D("2028-08-16")


def test_credits_are_added_to_counted_months() -> None:  # RULES 2 credits
    rec = TraineeRecord(trainee(), (st("2024-01-01", "2024-06-30"),), credits=(Credit("tidigare_st", 6),))
    p = progress(rec, "2024-06-30")
    assert (p.service_months, p.credited_months, p.counted_months) == (6, 6, 12)


# RULES 8: projection
@pytest.mark.parametrize(
    ("placements", "leaves", "as_of", "projected"),
    [
        # reached in the past: the day it was reached
        ([st("2017-01-01", "2021-12-31")], [], "2024-06-30", "2021-12-31"),
        # the last day's percent continues after the last placement (E1: 54 + 6 more)
        ([st("2020-01-01", "2024-06-30")], [], "2024-06-30", "2024-12-31"),
        # planned leave inside planned placements moves the date by its length
        ([st("2024-01-01", "2026-12-31")], [leave("2025-01-01", "2025-06-30")], "2024-06-30", "2029-06-30"),
        # a placement that ended before the as-of date continues from the day after the as-of date:
        # 48 x 0.75 = 36, 24 more at 0.75 = 32 months from 2024-07
        ([st("2020-01-01", "2023-12-31", 75)], [], "2024-06-30", "2027-02-28"),
        # 11 months by 2021-12-31, a gap, then 49 more at 100 % from 2024-07-01
        ([st("2021-02-01", "2021-12-31")], [], "2024-06-30", "2028-07-31"),
        # 15 of June's 30 days on leave -> 59.5 by 2024-12-31; 0.5 of January (31 days) is day 16
        ([st("2020-01-01", "2024-12-31")], [leave("2024-06-01", "2024-06-15")], "2024-06-30", "2025-01-16"),
    ],
)
def test_projected_completion(placements, leaves, as_of, projected) -> None:
    rec = TraineeRecord(trainee(), tuple(placements), tuple(leaves))
    assert progress(rec, as_of).projected_completion_date == D(projected)


def test_projection_is_none_without_any_placement() -> None:
    assert progress(TraineeRecord(trainee())).projected_completion_date is None


# RULES 6: delmål status
REQS = (
    Requirement("a1", (("kurs",),)),
    Requirement("a5", (("skriftligt_arbete",), ("kurs",))),
    Requirement("c1", (("klinisk_tjanstgoring",), ("kurs", "auskultation"))),
    Requirement("c2", (("klinisk_tjanstgoring",),)),
)


@pytest.mark.parametrize(
    ("certs", "expected"),
    [
        ((), {"a1": "ej påbörjat", "a5": "ej påbörjat", "c1": "ej påbörjat", "c2": "ej påbörjat"}),
        # one signed course covering two delmål; a5 still lacks its skriftligt arbete
        ((Certificate("k1", "kurs", ("a1", "a5"), D("2024-01-10")),),
         {"a1": "uppfyllt", "a5": "pågår", "c1": "ej påbörjat", "c2": "ej påbörjat"}),
        # unsigned certificate: pågår, never uppfyllt
        ((Certificate("k2", "klinisk_tjanstgoring", ("c2",), None),),
         {"a1": "ej påbörjat", "a5": "ej påbörjat", "c1": "ej påbörjat", "c2": "pågår"}),
        # "kurs alternativt auskultation": auskultation suffices
        ((Certificate("k3", "klinisk_tjanstgoring", ("c1",), D("2024-01-10")),
          Certificate("k4", "auskultation", ("c1",), D("2024-02-10"))),
         {"a1": "ej påbörjat", "a5": "ej påbörjat", "c1": "uppfyllt", "c2": "ej påbörjat"}),
        # a recommended activity (FSL congress) is recorded: pågår, never uppfyllt
        ((Certificate("k5", "sammankomst", ("a1",), D("2024-09-27")),),
         {"a1": "pågår", "a5": "ej påbörjat", "c1": "ej påbörjat", "c2": "ej påbörjat"}),
    ],
)
def test_delmal_status_from_signed_certificates(certs, expected) -> None:
    rec = TraineeRecord(trainee(), certificates=tuple(certs))
    assert delmal_status(rec, REQS, D("2025-01-01")) == expected


# RULES 7: readiness
def _complete_2015_record(**extra_certs: bool) -> TraineeRecord:
    certs = [Certificate(f"c{i}", "kurs", ("a1",), D("2024-01-01")) for i in range(1)]
    if extra_certs.get("specialistkompetens", True):
        certs.append(Certificate("sk", "specialistkompetens", (), D("2024-12-01")))
    return TraineeRecord(trainee(), (st("2020-01-01", "2024-12-31"),), certificates=tuple(certs))


def test_ready_to_apply_when_everything_holds_2015() -> None:
    p = progress(_complete_2015_record(), "2025-01-31", (Requirement("a1", (("kurs",),)),))
    assert p.ready_to_apply and p.missing == []


def test_missing_items_are_swedish_sentences() -> None:
    rec = TraineeRecord(trainee(), (st("2020-01-01", "2024-06-30"),))
    p = progress(rec, "2024-06-30", (Requirement("c1", (("klinisk_tjanstgoring",), ("kurs",))),))
    assert not p.ready_to_apply
    assert p.missing == [
        "Tjänstgöringstiden är 54 av 60 månader; 6 månader återstår.",
        "Delmål c1 är inte uppfyllt: signerat intyg saknas för klinisk tjänstgöring under handledning, kurs.",
        "Intyg om uppnådd specialistkompetens (bilaga 2) är inte signerat.",
    ]


def test_2021_readiness_needs_bt_approval_and_both_st_documents() -> None:
    t = trainee(swedish_at=False, st_start_date=D("2022-01-01"), legitimation_date=D("2021-06-01"))
    rec = TraineeRecord(t, (st("2022-01-01", "2027-06-30"),))
    p = progress(rec, "2027-12-31")
    assert p.regulation == REG_2021 and p.counted_months == 66
    assert p.missing == [
        "Bastjänstgöringen är inte godkänd: datum för intyg om godkänd bastjänstgöring saknas.",
        "BT-tiden är 0 månader (primärvård 0, akut sjukvård 0); minst 6 månader varav 3 i varje krävs.",
        "Intyg om fullgjord specialiseringstjänstgöring (bilaga 6) är inte signerat.",
        "Intyg om uppnådd specialistkompetens (bilaga 7) är inte signerat.",
    ]


def test_progress_json_has_the_contract_fields() -> None:
    rec = TraineeRecord(trainee(), (st("2020-01-01", "2024-06-30", 75),))
    j = progress(rec, "2024-06-30").to_json()
    assert j["service_months"] == 40.5 and j["remaining_months"] == 19.5 and j["counted_months"] == 40.5
    assert j["bt"] is None and j["at"] is None and j["regulation"] == REG_2015
    assert set(j) >= {"trainee_id", "required_months", "credited_months", "projected_completion_date",
                      "delmal", "ready_to_apply", "missing"}


def test_missing_sentence_keeps_delmal_codes_as_written() -> None:
    rec = TraineeRecord(trainee(swedish_at=False, st_start_date=D("2022-01-01")))
    p = progress(rec, "2024-01-01", (Requirement("STa3", (("vetenskap",),)),))
    assert "Delmål STa3 är inte uppfyllt: signerat intyg saknas för delmål STa3 Medicinsk vetenskap." in p.missing


# RULES 5: AT composition (shown, not required for ST)
AT_COMPLETE = (
    st("2017-09-01", "2017-12-31", kind="AT", setting="internmedicin"),  # 4
    st("2018-01-01", "2018-04-30", kind="AT", setting="kirurgi"),  # 4
    st("2018-05-01", "2018-05-31", kind="AT", setting="internmedicin"),  # 1 -> 9 together, >= 3 each
    st("2018-06-01", "2018-08-31", kind="AT", setting="psykiatri"),  # 3
    st("2018-09-01", "2019-02-28", kind="AT", setting="primarvard"),  # 6 -> 18
)


@pytest.mark.parametrize(
    ("placements", "months", "complete"),
    [
        (AT_COMPLETE, 18, True),
        (AT_COMPLETE[:-1] + (st("2018-09-01", "2019-01-31", kind="AT", setting="primarvard"),), 17, False),
        # 9 months invärtes only, no kirurgi: 18 months but not the composition
        ((st("2017-09-01", "2018-05-31", kind="AT", setting="internmedicin"),) + AT_COMPLETE[3:], 18, False),
        # part-time below 50 % does not count toward AT
        (AT_COMPLETE[:-1] + (st("2018-09-01", "2019-02-28", 40, kind="AT", setting="primarvard"),), 12, False),
    ],
)
def test_at_composition(placements, months, complete) -> None:
    p = progress(TraineeRecord(trainee(), tuple(placements)), "2020-01-01")
    assert p.at is not None and (p.at.months, p.at.complete) == (months, complete)


def _bt_done_record(**kw: object) -> TraineeRecord:
    t = trainee(swedish_at=False, st_start_date=D("2022-01-01"), legitimation_date=D("2021-06-01"), **kw)
    placements = (
        st("2022-01-01", "2022-03-31", kind="BT", setting="primarvard"),
        st("2022-04-01", "2022-06-30", kind="BT", setting="akutsjukvard"),
        st("2022-07-01", "2027-12-31"),
    )
    certs = [Certificate(f"bt{i}", "bt_delmal", (f"BT{i}",), D("2022-06-30")) for i in range(1, 19)]
    certs += [Certificate("fbt", "fullgjord_bt", (), D("2022-07-05")), Certificate("bk", "baskompetens", (), D("2022-07-05")),
              Certificate("fst", "fullgjord_st", (), D("2027-12-01")), Certificate("sk", "specialistkompetens", (), D("2027-12-01")),
              Certificate("k", "kurs", ("STa1",), D("2023-01-01"))]
    return TraineeRecord(t, placements, certificates=tuple(certs))


BT_REQS = tuple(Requirement(f"BT{i}", (("bt_delmal",),)) for i in range(1, 19))


def test_bt_application_is_ready_when_time_delmal_and_both_documents_hold() -> None:  # RULES 4
    p = compute_progress(_bt_done_record(), D("2022-12-31"), (), BT_REQS)
    assert p.bt is not None and p.bt.time_complete and p.bt.delmal_complete
    assert p.bt.fullgjord_signed and p.bt.baskompetens_signed and p.bt.ready_for_application
    assert not p.bt.approved  # no date of "intyg om godkänd bastjänstgöring" recorded yet


def test_2021_trainee_is_ready_to_apply_when_everything_holds() -> None:  # RULES 7
    rec = _bt_done_record(bt_approved_date=D("2022-09-01"))
    p = compute_progress(rec, D("2027-12-31"), (Requirement("STa1", (("kurs",),)),), BT_REQS)
    assert p.counted_months == 72 and p.missing == [] and p.ready_to_apply
    # one day earlier than the approval date, BT is not yet approved
    early = compute_progress(rec, D("2022-08-31"), (Requirement("STa1", (("kurs",),)),), BT_REQS)
    assert early.bt is not None and not early.bt.approved


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("2024-02-29"), D("2024-02-29")),
        (datetime(2024, 2, 29, 13, 5), D("2024-02-29")),
        ("2024-02-29", D("2024-02-29")),
        ("2024-02-29 00:00:00", D("2024-02-29")),
        ("inte ett datum", None),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_as_date_reads_what_queries_and_frames_hold(value: object, expected: date | None) -> None:
    import pandas as pd

    from tracker.domain import as_date

    assert as_date(value) == expected
    assert as_date(pd.NaT) is None
    assert as_date(pd.Timestamp("2024-02-29")) == D("2024-02-29")
