"""The example bundle's hand-computed figures (tests/fixtures/README.md) through every path."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from tracker.cli import main
from tracker.ingest.load import import_bundle
from tracker.rules.progress import progress_all
from tracker.rules.setbased import cohort
from tracker.store import Connection
from tracker.store.scope import TraineeScope

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AS_OF = date(2025, 6, 30)
EXPECTED = FIXTURES / f"expected-{AS_OF.isoformat()}.json"
# The reference example kept next to the repository in ../shared (on the maintainers' machines and in
# CI); a clone on its own does not have it.
SHARED_EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "examples" / "basic"
SHARED_AS_OF = "2024-06-30"
TIME_FIELDS = ("regulation", "required_months", "service_months", "credited_months", "counted_months",
               "remaining_months", "projected_completion_date")


def _expected(path: Path = EXPECTED) -> dict[str, dict[str, object]]:
    return {e["trainee_id"]: e for e in json.loads(path.read_text(encoding="utf-8"))}


def _differences(got: object, exp: object, where: str) -> list[str]:
    """Where ``got`` differs from ``exp``; an expected object lists only the keys that are checked."""
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            return [f"{where}: {got!r} is not an object"]
        return [d for k, v in exp.items() for d in _differences(got.get(k, "<missing>"), v, f"{where}.{k}")]
    return [] if got == exp else [f"{where}: got {got!r}, expected {exp!r}"]


def _progress_all_json(
    db: str, bundle: Path, as_of: str, capsys: pytest.CaptureFixture[str]
) -> dict[str, dict[str, object]]:
    """``tracker init``, ``import`` and ``progress --all --json`` on a fresh database, by trainee id."""
    assert main(["init", "--db", db]) == 0
    assert main(["import", str(bundle), "--db", db]) == 0
    capsys.readouterr()
    assert main(["progress", "--all", "--as-of", as_of, "--json", "--db", db]) == 0
    return {p["trainee_id"]: p for p in json.loads(capsys.readouterr().out)}


def test_cli_progress_all_matches_the_hand_computed_example(
    example_bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = _progress_all_json(str(tmp_path / "cli.duckdb"), example_bundle, AS_OF.isoformat(), capsys)
    expected = _expected()
    assert set(got) == set(expected)
    for tid, exp in expected.items():
        for field in TIME_FIELDS:
            assert field in exp, (tid, field)
        assert _differences(got[tid], exp, tid) == []


def test_shared_reference_example_when_present(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not SHARED_EXAMPLE.is_dir():
        pytest.skip(
            f"the shared reference example is not next to this clone ({SHARED_EXAMPLE} is missing); "
            "tests/fixtures/example covers the same rules"
        )
    bundle = tmp_path / "shared-bundle"
    shutil.copytree(SHARED_EXAMPLE, bundle)
    got = _progress_all_json(str(tmp_path / "shared.duckdb"), bundle, SHARED_AS_OF, capsys)
    expected = _expected(bundle / f"expected-{SHARED_AS_OF}.json")
    assert set(got) == set(expected)
    for tid, exp in expected.items():
        for field in TIME_FIELDS:
            assert got[tid][field] == exp[field], (tid, field)
        if exp["bt"] is None:
            assert got[tid]["bt"] is None
        else:
            assert {k: got[tid]["bt"][k] for k in exp["bt"]} == exp["bt"]


def test_cli_progress_for_one_trainee(example_bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.duckdb")
    main(["import", str(example_bundle), "--db", db])
    capsys.readouterr()
    assert main(["progress", "E3", "--as-of", AS_OF.isoformat(), "--json", "--db", db]) == 0
    e3 = json.loads(capsys.readouterr().out)
    assert e3["regulation"] == "HSLF-FS 2021:8"
    assert e3["bt"]["approved"] is True and e3["bt"]["time_complete"] is True
    assert e3["at"] is None
    assert e3["delmal"]["STa1"] == "ej påbörjat" and len(e3["delmal"]) == len(set(e3["delmal"]))


def test_cli_progress_for_unknown_trainee_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["progress", "NOPE", "--json", "--db", str(tmp_path / "x.duckdb")]) == 1
    assert "ST-läkare NOPE finns inte" in capsys.readouterr().err


def test_at_placements_give_an_at_object(example_bundle: Path, con: Connection) -> None:
    import_bundle(con, example_bundle)
    e1 = next(p for p in progress_all(con, AS_OF) if p.trainee_id == "E1").to_json()
    # AT 2018-07-01..2020-06-30 at 75 % in primärvård: 24 x 0.75 = 18 months, but no internmedicin,
    # kirurgi or psykiatri
    assert e1["at"] == {"months": 18.0, "complete": False}


def test_sql_path_gives_the_same_figures_as_the_reference_path(example_bundle: Path, con: Connection) -> None:
    import_bundle(con, example_bundle)
    by_sql = cohort(con, AS_OF).set_index("trainee_id")
    expected = _expected()
    for p in progress_all(con, AS_OF):
        row = by_sql.loc[p.trainee_id]
        assert row["regulation"] == p.regulation
        assert row["service_months"] == pytest.approx(float(p.service_months), abs=1e-9)
        assert row["credited_months"] == pytest.approx(float(p.credited_months), abs=1e-9)
        assert row["projected_completion_date"] == p.projected_completion_date
        assert str(row["projected_completion_date"]) == expected[p.trainee_id]["projected_completion_date"]
        assert int(row["delmal_uppfyllt"]) == sum(s == "uppfyllt" for s in p.delmal.values())
        assert int(row["delmal_total"]) == len(p.delmal)
        assert bool(row["ready_to_apply"]) == p.ready_to_apply


def test_course_gaps_count_trainees_missing_a_signed_course(example_bundle: Path, con: Connection) -> None:
    from tracker.rules.setbased import course_gaps

    (example_bundle / "certificates.csv").write_text(
        "certificate_id,trainee_id,type,delmal,title,start_date,end_date,signed_by,signed_date\n"
        "K1,E3,kurs,STa1,Hälso- och sjukvårdens förutsättningar,2023-05-01,2023-05-03,Kursledare,2023-05-10\n"
        "K2,E1,kurs,a1,Ledarskap (osignerat),2023-05-01,2023-05-03,,\n",
        encoding="utf-8",
    )
    import_bundle(con, example_bundle)
    gaps = course_gaps(con, date(2026, 1, 1))
    by_code = gaps.groupby(["regulation", "code"])["trainees"].sum()
    # STa1 requires a course: of the two 2021 trainees E3 has one signed, E6 none -> one gap left
    assert by_code[("HSLF-FS 2021:8", "STa1")] == 1
    # a1 requires a course under 2015: all four 2015 trainees lack a signed one (E1's is unsigned)
    assert by_code[("SOSFS 2015:8", "a1")] == 4
    # scoped to one trainee: E3's signed course closes its STa1 gap
    e3 = course_gaps(con, date(2026, 1, 1), TraineeScope.of_ids(["E3"]))
    assert e3["regulation"].unique().tolist() == ["HSLF-FS 2021:8"]
    assert "STa1" not in e3["code"].tolist()
