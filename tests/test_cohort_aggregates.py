"""The utbildningsenhet's aggregates: who needs attention and why, when the minimum time is reached, how many
delmål few have uppfyllt, and the trainees behind a bar or a cell (on the hand-made database of cohortdb)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from appdb import actor, fresh_copy
from cohortdb import C_ALLMAN_2015, C_KARDIO_2015, COMMON_2015, build

from tracker import services
from tracker.services import CohortFilter
from tracker.store import Connection

AS_OF = date(2026, 6, 1)
REG_2015 = CohortFilter(regulations=("SOSFS 2015:8",))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cohort") / "template.duckdb"
    build(path, AS_OF)
    return path


@pytest.fixture
def con(template: Path, tmp_path: Path) -> Iterator[Connection]:
    yield from fresh_copy(template, tmp_path)



def admin_cohort(con: Connection) -> pd.DataFrame:
    return services.cohort(con, actor(con, "pAdm"), AS_OF)


# --- who needs attention ----------------------------------------------------------------------


def test_at_risk_gives_each_trainee_the_real_reason(con: Connection) -> None:
    risk = services.at_risk(con, actor(con, "pAdm"), AS_OF)
    assert dict(zip(risk["name"], risk["reason_list"], strict=True)) == {
        "Doris Klar": [
            "Minimitiden är nådd (60 av 60 mån) men ansökan är inte klar",
            "23 delmål är inte uppfyllda, varav 23 ej påbörjade",
            "Intyg om uppnådd specialistkompetens (bilaga 2) är inte signerat",
        ],
        "Lena Ledig": ["Lång ledighet: 150 dagar det senaste året"],
        "Sven Sakta": ["Efter förväntad takt: 12 tjänstgöringsmånader på 36 månader sedan ST-start"],
        "Xena Sen": ["Sent i ST (80 % av minimitiden): 24 delmål ej påbörjade"],
    }
    assert list(risk["name"]) == ["Doris Klar", "Lena Ledig", "Sven Sakta", "Xena Sen"]  # by name
    assert risk["reasons"].iloc[0] == "; ".join(risk["reason_list"].iloc[0])


def test_a_trainee_past_the_minimum_time_is_not_called_behind_pace(con: Connection) -> None:
    # Doris served 60 months in 168 since her ST start: far below the pace, but the time is done.
    risk = services.at_risk(con, actor(con, "pAdm"), AS_OF).set_index("name")
    doris = risk.loc["Doris Klar"]
    assert bool(doris["time_reached"]) and not bool(doris["behind_pace"]) and not bool(doris["late_delmal"])
    assert "takt" not in doris["reasons"]
    assert float(doris["elapsed_months"]) > 160 and float(doris["service_months"]) == 60


def test_at_risk_keeps_to_the_actors_area(con: Connection) -> None:
    assert set(services.at_risk(con, actor(con, "pS"), AS_OF)["trainee_id"]) == {"TD", "TL", "TS", "TX"}
    assert services.at_risk(con, actor(con, "pAdm"), AS_OF, CohortFilter(specialties=("Kardiologi",)))[
        "name"
    ].tolist() == ["Xena Sen"]


def _row(**changes: Any) -> dict[str, Any]:
    """A risks_of row for a trainee under HSLF-FS 2021:8 who reached the minimum time with nothing missing."""
    base = {
        "time_reached": True,
        "behind_pace": False,
        "long_leave": False,
        "late_delmal": False,
        "regulation": "HSLF-FS 2021:8",
        "counted_months": 66.0,
        "required_months": 66.0,
        "service_months": 66.0,
        "elapsed_months": 70.0,
        "leave_days": 0,
        "delmal_total": 26,
        "delmal_uppfyllt": 26,
        "delmal_ej": 0,
        "fullgjord_st_signed": True,
        "specialistkompetens_signed": True,
        "bt_approved": True,
        "bt_time_complete": True,
        "bas_recorded": True,
    }
    return base | changes


REACHED = "Minimitiden är nådd (66 av 66 mån) men ansökan är inte klar"


@pytest.mark.parametrize(
    ("changes", "sentences"),
    [
        ({"delmal_uppfyllt": 25, "delmal_ej": 1}, [REACHED, "1 delmål är inte uppfyllt, varav 1 ej påbörjat"]),
        ({"delmal_uppfyllt": 23, "delmal_ej": 0}, [REACHED, "3 delmål är inte uppfyllda"]),
        ({"delmal_uppfyllt": 22, "delmal_ej": 2}, [REACHED, "4 delmål är inte uppfyllda, varav 2 ej påbörjade"]),
        (
            {"specialistkompetens_signed": False},
            [REACHED, "Intyg om uppnådd specialistkompetens (bilaga 7) är inte signerat"],
        ),
        (
            {"fullgjord_st_signed": False, "specialistkompetens_signed": False},
            [
                REACHED,
                "Intyg om fullgjord specialiseringstjänstgöring (bilaga 6) och intyg om uppnådd "
                "specialistkompetens (bilaga 7) är inte signerade",
            ],
        ),
        (
            {"bt_approved": False, "bt_time_complete": False},
            [REACHED, "Bastjänstgöringen är inte godkänd", "BT-tiden är inte fullgjord"],
        ),
        ({"bas_recorded": False}, [REACHED, "Bevis om specialistkompetens i basspecialiteten är inte registrerat"]),
        (
            {"regulation": "SOSFS 2015:8", "counted_months": 60.5, "required_months": 60.0, "bt_approved": None,
             "bt_time_complete": None, "fullgjord_st_signed": False},
            ["Minimitiden är nådd (60,5 av 60 mån) men ansökan är inte klar"],
        ),
        (
            {"time_reached": False, "behind_pace": True, "service_months": 20.04, "elapsed_months": 30.46},
            ["Efter förväntad takt: 20 tjänstgöringsmånader på 30,5 månader sedan ST-start"],
        ),
        (
            {"time_reached": False, "late_delmal": True, "counted_months": 45.0, "delmal_ej": 1},
            ["Sent i ST (68 % av minimitiden): 1 delmål ej påbörjat"],
        ),
        ({"time_reached": False, "long_leave": True, "leave_days": 121}, ["Lång ledighet: 121 dagar det senaste året"]),
    ],
)
def test_risk_sentences_name_what_is_missing_in_swedish(changes: dict[str, Any], sentences: list[str]) -> None:
    assert services.risk_reasons(_row(**changes)) == sentences


# --- the minimum time per year ----------------------------------------------------------------


def test_completions_split_reached_from_projected_per_year(con: Connection) -> None:
    years = services.completions_of(con, admin_cohort(con), AS_OF)
    assert years[["year", "status", "n"]].to_dict("records") == [
        {"year": 2017, "status": services.COMPLETION_REACHED, "n": 1},  # Doris, nine years ago
        {"year": 2027, "status": services.COMPLETION_PROJECTED, "n": 1},  # Xena
        {"year": 2030, "status": services.COMPLETION_PROJECTED, "n": 4},
    ]
    assert years["label"].tolist() == [
        "Har nått minimitiden, annat saknas",
        "Beräknas nå minimitiden",
        "Beräknas nå minimitiden",
    ]


def _frame(rows: list[tuple[str, date | None, bool]]) -> pd.DataFrame:
    """A cohort frame with only what completions_of and members_of read."""
    return pd.DataFrame(
        {
            "trainee_id": [f"T{i}" for i in range(len(rows))],
            "name": [r[0] for r in rows],
            "specialty": "Allmänmedicin",
            "regulation": "SOSFS 2015:8",
            "unit_name": None,
            "progress_pct": 100.0,
            "counted_months": 60.0,
            "required_months": 60.0,
            "projected_completion_date": pd.Series([r[1] for r in rows], dtype=object),
            "ready_to_apply": [r[2] for r in rows],
        }
    )


@pytest.mark.parametrize(
    ("projected", "ready", "status"),
    [
        (date(2026, 5, 31), True, services.COMPLETION_READY),
        (date(2026, 6, 1), True, services.COMPLETION_READY),  # reached on the as-of date
        (date(2026, 6, 1), False, services.COMPLETION_REACHED),
        (date(2019, 1, 1), False, services.COMPLETION_REACHED),
        (date(2026, 6, 2), False, services.COMPLETION_PROJECTED),
    ],
)
def test_completion_status_of_one_trainee(con: Connection, projected: date, ready: bool, status: str) -> None:
    frame = _frame([("A", projected, ready), ("Utan datum", None, False)])
    years = services.completions_of(con, frame, AS_OF)
    assert years[["year", "status", "n"]].to_dict("records") == [{"year": projected.year, "status": status, "n": 1}]
    assert services.members_of(con, frame, AS_OF, year=projected.year, status=status)["name"].tolist() == ["A"]


# --- the trainees behind a bar ----------------------------------------------------------------


def test_members_of_a_bar_are_the_trainees_it_counts(con: Connection) -> None:
    frame = admin_cohort(con)
    bins = services.bins_of(con, frame).set_index("lo")["n"]
    tens = services.members_of(con, frame, AS_OF, progress_from=10)
    assert tens["name"].tolist() == ["Olle Ordning", "Sven Sakta"] and int(bins[10]) == 2
    assert services.members_of(con, frame, AS_OF, progress_from=90)["name"].tolist() == ["Doris Klar"]
    assert services.members_of(con, frame, AS_OF, by="unit", group="Ingen enhet")["trainee_id"].tolist() == ["TO"]
    breakdown = services.breakdown_of(con, frame, "specialty").set_index("grp")["n"]
    allman = services.members_of(con, frame, AS_OF, by="specialty", group="Allmänmedicin")
    assert len(allman) == int(breakdown["Allmänmedicin"]) == 5
    reached = services.members_of(con, frame, AS_OF, year=2017, status=services.COMPLETION_REACHED)
    assert reached["name"].tolist() == ["Doris Klar"]
    assert reached["projected_completion_date"].tolist() == [date(2017, 5, 31)]


# --- delmål few have uppfyllt ---------------------------------------------------------------


def test_delmal_below_half_counts_each_delmal_once_not_each_cell(con: Connection) -> None:
    admin = actor(con, "pAdm")
    cells = services.delmal_bottlenecks(con, admin, AS_OF, "specialty", REG_2015)
    # Allmänmedicin (Doris, Zara) and Kardiologi (Xena): every code of each specialty is a cell.
    assert len(cells) == (COMMON_2015 + C_ALLMAN_2015) + (COMMON_2015 + C_KARDIO_2015) == 49
    shares = services.delmal_shares(con, admin, AS_OF, "specialty", REG_2015)
    # A common delmål once, a c-delmål once per specialty.
    assert len(shares) == COMMON_2015 + C_ALLMAN_2015 + C_KARDIO_2015 == 38
    by_key = {(r.specialty, r.code): (int(r.n), int(r.n_uppfyllt)) for r in shares.itertuples()}
    assert by_key[("", "a6")] == (3, 1)  # Doris's kurs, over all three trainees
    assert by_key[("Allmänmedicin", "c1")] == (2, 1)
    assert by_key[("Kardiologi", "c1")] == (1, 0)
    # Below half: every delmål but Allmänmedicin's c1 (1 of 2 is half; a6 is 1 of 3 over all).
    assert int((shares["share_uppfyllt"] < 50).sum()) == 38 - 1
    # Per cell, Allmänmedicin's a6 is half as well (1 of Doris and Zara).
    assert int((cells["share_uppfyllt"] < 50).sum()) == 49 - 2


def test_delmal_shares_per_unit_compare_only_the_common_delmal(con: Connection) -> None:
    admin = actor(con, "pAdm")
    assert len(services.delmal_shares(con, admin, AS_OF, "unit", REG_2015)) == COMMON_2015
    one = CohortFilter(specialties=("Allmänmedicin",), regulations=("SOSFS 2015:8",))
    assert len(services.delmal_shares(con, admin, AS_OF, "unit", one)) == COMMON_2015 + C_ALLMAN_2015


def test_delmal_members_are_the_trainees_of_a_cell_with_their_status(con: Connection) -> None:
    cell = services.delmal_members(con, actor(con, "pAdm"), AS_OF, "specialty", REG_2015, "Allmänmedicin", "a6")
    assert cell[["name", "status"]].values.tolist() == [["Zara Zon", "ej påbörjat"], ["Doris Klar", "uppfyllt"]]
    mine = services.delmal_members(con, actor(con, "pS"), AS_OF, "specialty", REG_2015, "Allmänmedicin", "a6")
    assert mine["trainee_id"].tolist() == ["TD"]  # Zara is in another region
    per_unit = services.delmal_members(con, actor(con, "pAdm"), AS_OF, "unit", REG_2015, "VC Norra", "a6")
    assert per_unit["name"].tolist() == ["Xena Sen", "Doris Klar"]
