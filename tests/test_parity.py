"""The set-based SQL path and the day-by-day reference path agree on every demo trainee."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tracker.demo import load_demo
from tracker.rules.progress import progress_all
from tracker.rules.setbased import cohort, delmal_long
from tracker.store import Connection, connect

AS_OFS = (date(2026, 11, 23), date(2024, 2, 29))


@pytest.fixture(scope="module")
def demo_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    path: Path = tmp_path_factory.mktemp("parity") / "demo.duckdb"
    con = connect(path)
    load_demo(con, trainees=120, seed=11, as_of=AS_OFS[0])
    yield con
    con.close()


@pytest.mark.parametrize("as_of", AS_OFS)
def test_cohort_matches_the_reference_path_for_every_trainee(demo_con: Connection, as_of: date) -> None:
    by_sql = cohort(demo_con, as_of).set_index("trainee_id")
    reference = progress_all(demo_con, as_of)
    assert len(reference) == len(by_sql) == 120
    for p in reference:
        row = by_sql.loc[p.trainee_id]
        assert row["regulation"] == p.regulation
        assert row["required_months"] == float(p.required_months)
        assert row["service_months"] == pytest.approx(float(p.service_months), abs=1e-9), p.trainee_id
        assert row["credited_months"] == pytest.approx(float(p.credited_months), abs=1e-9)
        assert row["projected_completion_date"] == p.projected_completion_date, p.trainee_id
        if p.bt is None:
            assert row["bt_months"] != row["bt_months"]  # NaN: no BT under SOSFS 2015:8
        else:
            assert row["bt_months"] == pytest.approx(float(p.bt.months), abs=1e-9)
            assert row["bt_primary_months"] == pytest.approx(float(p.bt.primary_care_months), abs=1e-9)
            assert row["bt_acute_months"] == pytest.approx(float(p.bt.acute_care_months), abs=1e-9)
            assert bool(row["bt_time_complete"]) == p.bt.time_complete
            assert bool(row["bt_approved"]) == p.bt.approved
            assert int(row["bt_delmal_uppfyllt"]) == sum(s == "uppfyllt" for s in p.bt.delmal.values())
        assert int(row["delmal_total"]) == len(p.delmal)
        assert int(row["delmal_uppfyllt"]) == sum(s == "uppfyllt" for s in p.delmal.values())
        assert int(row["delmal_pagar"]) == sum(s == "pågår" for s in p.delmal.values())
        assert bool(row["ready_to_apply"]) == p.ready_to_apply, (p.trainee_id, p.missing)


def test_delmal_long_matches_the_reference_statuses(demo_con: Connection) -> None:
    as_of = AS_OFS[0]
    long = delmal_long(demo_con, as_of)
    by_sql = {(r.trainee_id, r.code): r.status for r in long.itertuples()}
    expected: dict[tuple[str, str], str] = {}
    for p in progress_all(demo_con, as_of):
        expected.update({(p.trainee_id, c): s for c, s in p.delmal.items()})
        if p.bt is not None:
            expected.update({(p.trainee_id, c): s for c, s in p.bt.delmal.items()})
    assert by_sql == expected


def test_demo_data_exercises_every_status(demo_con: Connection) -> None:
    statuses = set(delmal_long(demo_con, AS_OFS[0])["status"])
    assert statuses == {"uppfyllt", "pågår", "ej påbörjat"}
