"""Storage: migrations recorded in the database, constraints declared at creation, typed errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tracker.cli import main
from tracker.errors import ConstraintError
from tracker.store import applied_migrations, connect, migrations, pending_migrations, transaction


def test_migrations_are_recorded_and_init_is_safe_to_run_twice(tmp_path: Path) -> None:
    db = str(tmp_path / "t.duckdb")
    assert main(["init", "--db", db]) == 0
    assert main(["init", "--db", db]) == 0
    con = connect(db)
    assert applied_migrations(con) == [m.name for m in migrations()]
    assert pending_migrations(con) == []
    assert con.execute("SELECT count(*) FROM catalogue_specialty").fetchone() == (63,)


def _insert_trainee(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("INSERT INTO trainee (trainee_id, name, specialty, st_start_date) "
                "VALUES ('T1', 'Test', 'Allmänmedicin', DATE '2022-01-01')")


@pytest.mark.parametrize(
    "sql",
    [
        # percent outside 1-100
        "INSERT INTO placement (trainee_id, kind, setting, start_date, end_date, percent) "
        "VALUES ('T1', 'ST', 'annan', DATE '2022-01-01', DATE '2022-02-01', 101)",
        # end before start
        "INSERT INTO leave (trainee_id, kind, start_date, end_date, percent) "
        "VALUES ('T1', 'sjukfranvaro', DATE '2022-02-01', DATE '2022-01-01', 100)",
        # unknown code values
        "INSERT INTO placement (trainee_id, kind, setting, start_date, end_date, percent) "
        "VALUES ('T1', 'XT', 'annan', DATE '2022-01-01', DATE '2022-02-01', 100)",
        # unknown trainee (foreign key)
        "INSERT INTO credit (trainee_id, kind, months) VALUES ('NOPE', 'annan', 3)",
        # earlier ST credited with more than 30 months
        "INSERT INTO credit (trainee_id, kind, months) VALUES ('T1', 'tidigare_st', 31)",
        # a signed certificate must carry its signature date
        "INSERT INTO certificate (certificate_id, trainee_id, type, status) VALUES ('C1', 'T1', 'kurs', 'signerat')",
        # malformed delmål code
        "INSERT INTO certificate (certificate_id, trainee_id, type) VALUES ('C2', 'T1', 'kurs');"
        "INSERT INTO certificate_delmal VALUES ('C2', 'STx1')",
    ],
)
def test_constraints_are_the_last_line_of_defence(tmp_path: Path, sql: str) -> None:
    con = connect(tmp_path / "t.duckdb")
    with transaction(con) as cur:
        _insert_trainee(cur)
    with pytest.raises((ConstraintError, duckdb.Error)):
        with transaction(con) as cur:
            for stmt in sql.split(";"):
                cur.execute(stmt)
    # nothing of the failed unit of work remains
    assert con.execute("SELECT count(*) FROM certificate").fetchone() == (0,)


def test_a_failed_unit_of_work_is_rolled_back(tmp_path: Path) -> None:
    con = connect(tmp_path / "t.duckdb")
    with pytest.raises(ConstraintError):
        with transaction(con) as cur:
            _insert_trainee(cur)
            cur.execute("INSERT INTO credit (trainee_id, kind, months) VALUES ('T1', 'annan', -1)")
    assert con.execute("SELECT count(*) FROM trainee").fetchone() == (0,)


def test_tracker_library_never_imports_streamlit_or_plotly() -> None:
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), str(root / "pyproject.toml")],
        cwd=root, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tracker is UI-free: it never imports streamlit or plotly KEPT" in result.stdout
    assert " 0 broken" in result.stdout  # the layers and the pages' data access too


def test_catalogue_can_be_replaced_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    data = json.loads((Path(__file__).resolve().parents[1] / "data" / "catalogue.json").read_text(encoding="utf-8"))
    psyk = next(s for s in data["specialties"] if s["name"] == "Psykiatri")
    psyk["regulations"]["SOSFS 2015:8"]["delmal"] = psyk["regulations"]["SOSFS 2015:8"]["delmal"][:5]
    revised = tmp_path / "revised.json"
    revised.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db = str(tmp_path / "t.duckdb")
    assert main(["catalogue", str(revised), "--db", db]) == 0
    con = connect(db)
    codes = [r[0] for r in con.execute(
        "SELECT code FROM catalogue_delmal WHERE regulation = 'SOSFS 2015:8' AND specialty = 'Psykiatri' "
        "ORDER BY ordinal").fetchall()]
    assert codes == ["a1", "a2", "a3", "a4", "a5", "a6", "b1", "b2", "b3", "b4", "b5", "c1", "c2", "c3", "c4", "c5"]
