"""The structure the code promises: frozen migrations, one catalogue source, one error family at the
database boundary."""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path

import pytest

from tracker import cli, services
from tracker.accounts import actor_for_person
from tracker.catalogue_file import DEFAULT_PATH
from tracker.errors import StorageError, TrackerError
from tracker.store import Connection, apply_migrations, connect, migrations, schema
from tracker.store import catalogue as stored
from tracker.store.connection import open_connection

ROOT = Path(__file__).resolve().parents[1]


def _schema_of(path: Path) -> list[tuple[object, ...]]:
    con = open_connection(str(path))
    try:
        return con.execute(
            """SELECT table_name, column_name, data_type, is_nullable, column_default
               FROM information_schema.columns WHERE table_name <> '_migrations' ORDER BY ALL"""
        ).fetchall() + con.execute(
            "SELECT table_name, constraint_type, expression FROM duckdb_constraints() ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


def test_a_database_created_by_the_first_migration_migrates_to_todays_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.duckdb"
    con = open_connection(str(old))
    assert apply_migrations(con, upto="m001_core") == ["m001_core"]
    con.execute("INSERT INTO region VALUES ('R1', 'Region Norr')")
    con.close()
    con = connect(old)  # migrates the rest
    try:
        assert [r[0] for r in con.execute("SELECT name FROM _migrations ORDER BY applied_at").fetchall()] == [
            m.name for m in migrations()
        ]
        assert con.execute("SELECT name FROM region").fetchall() == [("Region Norr",)]
    finally:
        con.close()
    new = tmp_path / "new.duckdb"
    connect(new).close()
    assert _schema_of(old) == _schema_of(new)


def test_the_schema_module_imports_nothing_of_the_project() -> None:
    tree = ast.parse(Path(schema.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {m for m in imported if m.startswith("tracker")}, imported


def _delmal_texts(con: Connection, actor_id: str) -> dict[str, tuple[str, ...]]:
    actor = actor_for_person(con, actor_id)
    assert actor is not None and actor.trainee_id
    table = services.delmal_detail(con, actor, actor.trainee_id, date(2026, 1, 1))
    return dict(zip(table["code"], table["kompetenskrav"], strict=True))


def test_replacing_the_catalogue_replaces_the_kompetenskrav_the_pages_show(tmp_path: Path) -> None:
    con = connect(tmp_path / "cat.duckdb")
    stored.ensure_catalogue(con)
    con.execute("INSERT INTO region VALUES ('R1', 'Region Norr')")
    con.execute("INSERT INTO person (person_id, name, email) VALUES ('pA', 'Anna', 'a@example.se'), ('pAdm', 'Adam', 'adm@example.se')")
    con.execute("INSERT INTO role_assignment (person_id, role) VALUES ('pAdm', 'admin')")
    con.execute(
        """INSERT INTO trainee (trainee_id, person_id, name, specialty, legitimation_date, st_start_date)
           VALUES ('TA', 'pA', 'Anna', 'Allmänmedicin', DATE '2022-06-01', DATE '2023-01-01')"""
    )
    before = _delmal_texts(con, "pA")
    assert before["STc1"], "the bundled catalogue's kompetenskrav are stored with the codes"
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    changed = 0
    for spec in data["specialties"]:
        if spec["name"] == "Allmänmedicin":
            for d in spec["regulations"]["HSLF-FS 2021:8"]["delmal"]:
                if d["code"] == "STc1":
                    d["kompetenskrav"] = ["kunna det nya kravet"]
                    changed += 1
    assert changed == 1
    admin = actor_for_person(con, "pAdm")
    assert admin is not None
    services.replace_catalogue(con, admin, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert _delmal_texts(con, "pA")["STc1"] == ("kunna det nya kravet",)
    con.close()


def test_replacing_the_catalogue_replaces_its_doubts_and_unreliable_marks(tmp_path: Path) -> None:
    con = connect(tmp_path / "doubts.duckdb")
    stored.ensure_catalogue(con)
    con.execute("INSERT INTO person (person_id, name) VALUES ('pAdm', 'Adam')")
    con.execute("INSERT INTO role_assignment (person_id, role) VALUES ('pAdm', 'admin')")
    admin = actor_for_person(con, "pAdm")
    assert admin is not None
    r2015, r2021 = "SOSFS 2015:8", "HSLF-FS 2021:8"
    assert services.catalogue_doubts(con, admin, r2015, "Rättspsykiatri").unreliable
    assert "c11" in services.catalogue_doubts(con, admin, r2015, "Klinisk genetik").delmal
    assert services.catalogue_doubts(con, admin, r2021, "Allmänmedicin") == services.CatalogueDoubts()

    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    for spec in data["specialties"]:
        for body in spec["regulations"].values():
            body.pop("unreliable", None)
            for d in body["delmal"]:
                d.pop("doubt", None)
        if spec["name"] == "Allmänmedicin":
            body = spec["regulations"][r2021]
            body["unreliable"] = "Ny anmärkning om hela målbeskrivningen."
            body["delmal"][0]["doubt"] = "Ny anmärkning om delmålet."
    data["bt"][0]["doubt"] = "Anmärkning om BT1."
    services.replace_catalogue(con, admin, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    assert services.catalogue_doubts(con, admin, r2015, "Rättspsykiatri") == services.CatalogueDoubts()
    assert services.catalogue_doubts(con, admin, r2015, "Klinisk genetik").delmal == {}
    assert services.catalogue_doubts(con, admin, r2021, "Allmänmedicin") == services.CatalogueDoubts(
        "Ny anmärkning om hela målbeskrivningen.", {"STc1": "Ny anmärkning om delmålet.", "BT1": "Anmärkning om BT1."}
    )
    con.close()


def test_a_catalogue_stored_before_doubts_were_gets_those_of_the_bundled_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = open_connection(str(path))
    apply_migrations(con, upto="m003_catalogue_texts")
    con.execute(
        """INSERT INTO catalogue_delmal VALUES
           ('SOSFS 2015:8', 'Klinisk genetik', 'c11', 'c', 211, 'Komplexa genetiska samband', false, false),
           ('SOSFS 2015:8', 'Rättspsykiatri', 'c1', 'c', 201, 'Etikett', false, false)"""
    )
    con.close()
    con = connect(path)  # migrates the rest; m004 notes that the stored catalogue has no markings yet
    try:
        assert con.execute("SELECT doubt FROM catalogue_delmal ORDER BY specialty").fetchall() == [("",), ("",)]
        stored.ensure_catalogue(con)
        doubts = dict(con.execute("SELECT specialty, doubt FROM catalogue_delmal").fetchall())
        assert doubts["Klinisk genetik"] and doubts["Rättspsykiatri"] == ""
        assert stored.unreliable(con, "SOSFS 2015:8", "Rättspsykiatri")
        assert stored.unreliable(con, "SOSFS 2015:8", "Barn- och ungdomspsykiatri") is None  # not stored here
        assert con.execute("SELECT count(*) FROM meta WHERE key = 'catalogue_markings'").fetchone() == (0,)
        stored.ensure_catalogue(con)  # once only
    finally:
        con.close()


def test_a_malformed_catalogue_file_is_one_swedish_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1, "specialties": [', encoding="utf-8")
    assert cli.main(["catalogue", str(bad), "--db", str(tmp_path / "c.duckdb")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tracker: Delmålskatalogen") and "JSON" in err[0]


def test_a_database_failure_in_a_read_is_a_storage_error_not_a_duckdb_error(tmp_path: Path) -> None:
    con = connect(tmp_path / "x.duckdb")
    con.execute("INSERT INTO person (person_id, name) VALUES ('pAdm', 'Adam')")
    con.execute("INSERT INTO role_assignment (person_id, role) VALUES ('pAdm', 'admin')")
    admin = actor_for_person(con, "pAdm")
    assert admin is not None
    con.execute("DROP TABLE audit_log")  # a broken database
    with pytest.raises(StorageError) as exc:
        services.audit_trail(con, admin)
    assert isinstance(exc.value, TrackerError) and "audit_log" in str(exc.value)
    con.close()
    with pytest.raises(StorageError):
        services.visible_trainees(con, admin)  # a closed connection


def test_after_replacing_the_catalogue_the_delmal_page_shows_the_new_kompetenskrav(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tracker.demo import load_demo

    path = tmp_path / "demo.duckdb"
    con = connect(path)
    load_demo(con, trainees=8, seed=3, as_of=date(2026, 11, 30))
    trainee_id, specialty, person_id = con.execute(
        "SELECT t.trainee_id, t.specialty, t.person_id FROM trainee t JOIN person p USING (person_id) "
        "WHERE p.email = 'st@demo.se'"
    ).fetchone()  # type: ignore[misc]
    regulation = services.delmal_detail(con, actor_for_person(con, person_id), trainee_id, date(2026, 11, 30))  # type: ignore[arg-type]
    code = str(regulation[~regulation["is_bt"].astype(bool)]["code"].iloc[-1])
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    spec = next(s for s in data["specialties"] if s["name"] == specialty)
    edited = 0
    for reg in spec["regulations"].values():
        for d in reg["delmal"]:
            if d["code"] == code:
                d["kompetenskrav"] = ["behärska det helt nya kompetenskravet"]
                edited += 1
    assert edited
    admin = con.execute("SELECT person_id FROM role_assignment WHERE role = 'admin' LIMIT 1").fetchone()
    assert admin is not None
    admin_actor = actor_for_person(con, str(admin[0]))
    assert admin_actor is not None
    services.replace_catalogue(con, admin_actor, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    con.close()

    monkeypatch.setenv("TRACKER_DB", str(path))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["person_id"] = person_id
    at.switch_page("dashboards/pages/st_lakare/delmal.py").run()
    assert not at.exception
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert "behärska det helt nya kompetenskravet" in shown
