"""A trainee record gets its account later: an import that gives a record imported without an e-mail its
address links the record to that person (m008 made trainee.person_id a plain column), keeping its records;
one person has at most one trainee record, checked where the column is written; and the migration keeps
every row, sequence, index and the rest of the schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from appdb import actor, fresh_copy
from bundles import Bundle
from rows import insert_rows

from tracker import services
from tracker.accounts import redeem_code, verify_password
from tracker.demo import load_demo
from tracker.errors import ImportRejected, StateConflict
from tracker.ingest import load
from tracker.store import Connection, apply_migrations, catalogue, connect
from tracker.store.connection import open_connection

D = date.fromisoformat
PERSONNUMMER = "19811218-9876"  # a valid control digit (see test_bundle_people)
EMAIL = "tove.nia@example.se"
PASSWORD = "ett långt lösenord"
# The tables that hold a trainee's records (everything that references trainee, and certificate's codes).
RECORD_TABLES = (
    "placement", "leave", "credit", "certificate", "certificate_delmal", "supervision", "trainee_personal",
    "st_contract",
)
OTHER_TRAINEE = "e-postadressen tillhör en annan ST-läkare"
TWICE = "e-postadressen förekommer för mer än en ST-läkare"
OTHER_ACCOUNT = "ST-läkaren har redan ett konto med en annan e-postadress; den ändras i appen"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Region R1 with unit U1; studierektor pS for R1; a handledare pH (placed nowhere); Anna (pA), an
    ST-läkare with record TA; Olle (pO), a person with an account and no trainee record."""
    path = tmp_path_factory.mktemp("account") / "template.duckdb"
    con = connect(path)
    catalogue.ensure_catalogue(con)
    insert_rows(con, "region", [{"region_id": "R1", "name": "Region Norr"}])
    insert_rows(
        con, "unit", [{"unit_id": "U1", "name": "VC Norra", "region_id": "R1", "area": "Norra", "kind": "vardcentral"}]
    )
    people = {"pS": "Sara Studierektor", "pH": "Hanna Handledare", "pA": "Anna ST", "pO": "Olle Annan"}
    insert_rows(con, "person", [{"person_id": k, "name": v, "email": f"{k.lower()}@example.se"} for k, v in people.items()])
    insert_rows(
        con,
        "role_assignment",
        [
            {"person_id": "pS", "role": "studierektor", "region_id": "R1"},
            {"person_id": "pH", "role": "handledare"},
            {"person_id": "pA", "role": "st_lakare", "unit_id": "U1"},
        ],
    )
    insert_rows(
        con,
        "trainee",
        [{"trainee_id": "TA", "person_id": "pA", "name": "Anna ST", "specialty": "Allmänmedicin",
          "legitimation_date": D("2022-06-01"), "st_start_date": D("2023-01-01"), "unit_id": "U1"}],
    )
    con.close()
    return path


@pytest.fixture
def con(template: Path, tmp_path: Path) -> Iterator[Connection]:
    yield from fresh_copy(template, tmp_path)



def _import(con: Connection, b: Bundle) -> list[str]:
    """Row errors of importing ``b`` as the studierektor (imported when there are none)."""
    try:
        services.run_import(con, actor(con, "pS"), b.frames())
    except ImportRejected as exc:
        return [str(e) for e in exc.errors]
    return []


def _records(con: Connection) -> dict[str, list[tuple[Any, ...]]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in RECORD_TABLES}


def _person_of(con: Connection, trainee_id: str) -> str | None:
    row = con.execute("SELECT person_id FROM trainee WHERE trainee_id = ?", [trainee_id]).fetchone()
    assert row is not None
    return None if row[0] is None else str(row[0])


# --- what the record has before it gets its account -------------------------------------------------


def _placement(b: Bundle) -> None:
    b.placement("T1", "2022-01-01", "2022-06-30", kind="BT", setting="primarvard")


def _leave_and_credit(b: Bundle) -> None:
    _placement(b)
    b.leave("T1", "2022-03-01", "2022-03-31", 50)
    b.credit("T1", "annan", 2, applies_to="BT")


def _certificate_and_supervision(b: Bundle) -> None:
    _placement(b)
    b.certificate("T1", "kurs", ("STa1",), signed_date="2022-05-01", title="Ledarskap")
    b.supervisor("T1", "ph@example.se", "2022-01-01")


def _personnummer(b: Bundle) -> None:
    _placement(b)
    b.rows["trainees.csv"][0]["personnummer"] = PERSONNUMMER


def _everything(b: Bundle) -> None:
    _leave_and_credit(b)
    b.certificate("T1", "kurs", ("STa1",), signed_date="2022-05-01", title="Ledarskap")
    b.supervisor("T1", "ph@example.se", "2022-01-01")
    b.rows["trainees.csv"][0]["personnummer"] = PERSONNUMMER


def _bundle(records: Callable[[Bundle], None], email: str) -> Bundle:
    """Trainee T1 of unit U1 with the records; ``email`` empty: a record without an account."""
    b = Bundle()
    b.trainee("T1", unit_id="U1", name="Tove Nia", email=email)
    records(b)
    return b


@pytest.mark.parametrize(
    "records",
    [_placement, _leave_and_credit, _certificate_and_supervision, _personnummer, _everything],
    ids=["placering", "ledighet-och-tillgodoraknande", "intyg-och-handledare", "personnummer", "allt"],
)
@pytest.mark.parametrize(("email", "existing"), [(EMAIL, None), ("PO@example.se", "pO")], ids=["ny-person", "befintlig-person"])
def test_an_import_gives_a_trainee_record_with_records_its_account(
    con: Connection, records: Callable[[Bundle], None], email: str, existing: str | None
) -> None:
    assert _import(con, _bundle(records, "")) == []
    assert _person_of(con, "T1") is None
    before = _records(con)
    assert before["placement"], "the record has something that references it"
    people = con.execute("SELECT count(*) FROM person").fetchall()[0][0]

    assert _import(con, _bundle(records, email)) == []

    pid = _person_of(con, "T1")
    assert pid is not None
    assert con.execute("SELECT lower(email) FROM person WHERE person_id = ?", [pid]).fetchall() == [(email.lower(),)]
    if existing is not None:
        assert pid == existing
        assert con.execute("SELECT count(*) FROM person").fetchall()[0][0] == people
    else:
        assert con.execute("SELECT name FROM person WHERE person_id = ?", [pid]).fetchall() == [("Tove Nia",)]
        assert con.execute("SELECT count(*) FROM person").fetchall()[0][0] == people + 1
    assert _records(con) == before  # every record kept as it was
    link = con.execute(
        """SELECT actor_person_id, before_json, after_json FROM audit_log
           WHERE action = 'import_update' AND entity = 'trainee' AND entity_id = 'T1'"""
    ).fetchall()
    assert [(a, json.loads(b), json.loads(c)) for a, b, c in link] == [
        ("pS", {"person_id": None}, {"trainee_id": "T1", "person_id": pid})
    ]

    # The person signs in (a first password from a one-time code) and sees the record as their own.
    code = services.issue_password_code(con, actor(con, "pS"), pid)
    redeem_code(con, email, code, PASSWORD)
    tove = verify_password(con, email, PASSWORD)
    assert tove is not None and tove.trainee_id == "T1" and "st_lakare" in tove.roles
    record = services.trainee_record(con, tove, "T1")
    assert len(record.placements) == len(before["placement"])
    assert len(record.certificates) == len(before["certificate"])
    details = services.personal_details(con, tove, "T1")
    assert details.email is not None and details.email.lower() == email.lower()
    assert details.personnummer == (PERSONNUMMER if before["trainee_personal"] else None)

    # Importing the bundle again changes nothing.
    after = _records(con)
    assert _import(con, _bundle(records, email)) == []
    assert _records(con) == after and _person_of(con, "T1") == pid


# --- one person, one trainee record ---------------------------------------------------------------------


def _second_record(b: Bundle, email: str) -> None:
    b.trainee("T2", unit_id="U1", name="Tor Två", email=email)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # The address of Anna, who has record TA.
        (lambda b: b.rows["trainees.csv"][0].update(email="pa@example.se"), [f"trainees.csv:2: email: {OTHER_TRAINEE}"]),
        (lambda b: b.rows["trainees.csv"][0].update(email="PA@Example.se"), [f"trainees.csv:2: email: {OTHER_TRAINEE}"]),
        # Two rows give one address (T2 new in this bundle).
        (lambda b: _second_record(b, EMAIL.upper()), [f"trainees.csv:3: email: {TWICE}"]),
    ],
    ids=["annans-adress", "annans-adress-versaler", "tva-rader"],
)
def test_an_address_that_would_give_a_person_two_trainee_records_is_a_row_error(
    con: Connection, change: Callable[[Bundle], None], expected: list[str]
) -> None:
    assert _import(con, _bundle(_placement, "")) == []
    before = _records(con)
    people = con.execute("SELECT * FROM person ORDER BY ALL").fetchall()
    b = _bundle(_placement, EMAIL)
    change(b)
    assert _import(con, b) == expected
    assert _person_of(con, "T1") is None and _person_of(con, "TA") == "pA"
    assert _records(con) == before
    assert con.execute("SELECT * FROM person ORDER BY ALL").fetchall() == people


def test_a_record_that_has_an_account_is_not_given_another_by_an_import(con: Connection) -> None:
    assert _import(con, _bundle(_placement, EMAIL)) == []
    pid = _person_of(con, "T1")
    assert _import(con, _bundle(_placement, "annan@example.se")) == [f"trainees.csv:2: email: {OTHER_ACCOUNT}"]
    assert _person_of(con, "T1") == pid


def test_an_address_that_became_another_records_account_after_validation_refuses_the_import(
    con: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writing transaction checks again: between validation and writing, another import (here a
    direct write) gives Olle's account to record T2, so the bundle's link of T1 to Olle is refused."""
    b = Bundle()
    b.trainee("T1", unit_id="U1", email="")
    b.trainee("T2", unit_id="U1", email="")
    _placement(b)
    assert _import(con, b) == []
    real = load.validate

    def validate_then_link(*args: Any, **kwargs: Any) -> tuple[dict[str, pd.DataFrame], list[Any]]:
        found = real(*args, **kwargs)
        con.execute("UPDATE trainee SET person_id = 'pO' WHERE trainee_id = 'T2'")
        return found

    monkeypatch.setattr(load, "validate", validate_then_link)
    before = _records(con)
    b.rows["trainees.csv"][0]["email"] = "po@example.se"
    assert _import(con, b) == [f"trainees.csv:2: email: {OTHER_TRAINEE}"]
    assert _person_of(con, "T1") is None and _records(con) == before


def test_inskrivning_refuses_the_person_an_import_gave_a_trainee_record(con: Connection) -> None:
    assert _import(con, _bundle(_placement, EMAIL)) == []
    insert_rows(
        con,
        "intressent",
        [{"intressent_id": "I1", "name": "Tove Nia", "email": EMAIL, "specialty": "Allmänmedicin", "unit_id": "U1",
          "step": "bedomning", "reported_date": D("2025-05-02")}],
    )
    trainees = con.execute("SELECT count(*) FROM trainee").fetchall()
    with pytest.raises(StateConflict, match="redan en ST-utbildning"):
        services.enrol_intressent(
            con, actor(con, "pS"), "I1", st_start_date=D("2025-09-01"), contract_date=D("2025-08-15"),
            huvudhandledare_id="pH",
        )
    assert con.execute("SELECT count(*) FROM trainee").fetchall() == trainees


def test_every_demo_trainee_has_a_person_of_its_own() -> None:
    con = connect(":memory:")
    try:
        load_demo(con, trainees=30, seed=1, as_of=D("2026-01-15"))
        assert con.execute(
            """SELECT count(*), count(DISTINCT t.person_id), count(p.person_id)
               FROM trainee t LEFT JOIN person p USING (person_id)"""
        ).fetchall() == [(30, 30, 30)]
    finally:
        con.close()


# --- the migration ---------------------------------------------------------------------------------------


def _catalog(con: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """The schema as DuckDB's catalogue describes it (the migration record left out)."""
    return {
        "tables": con.execute(
            "SELECT table_name, sql FROM duckdb_tables() WHERE table_name <> '_migrations' ORDER BY ALL"
        ).fetchall(),
        "indexes": con.execute("SELECT table_name, index_name, sql FROM duckdb_indexes() ORDER BY ALL").fetchall(),
        "constraints": [
            tuple(tuple(v) if isinstance(v, list) else v for v in r)
            for r in con.execute(
                """SELECT table_name, constraint_type, constraint_text, expression, constraint_column_names,
                          referenced_table, referenced_column_names
                   FROM duckdb_constraints() WHERE table_name <> '_migrations' ORDER BY ALL"""
            ).fetchall()
        ],
        "columns": con.execute(
            """SELECT table_name, ordinal_position, column_name, data_type, is_nullable, column_default
               FROM information_schema.columns WHERE table_name <> '_migrations' ORDER BY ALL"""
        ).fetchall(),
        # A sequence's DDL names its current value (START n): the values are compared apart.
        "sequences": [
            (name, re.sub(r" START \d+ ", " ", sql))
            for name, sql in con.execute("SELECT sequence_name, sql FROM duckdb_sequences() ORDER BY ALL").fetchall()
        ],
    }


def _everything_in(con: Connection) -> dict[str, list[tuple[Any, ...]]]:
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}


def _sequence_values(con: Connection) -> list[tuple[Any, ...]]:
    return con.execute("SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY ALL").fetchall()


def test_m008_keeps_every_row_sequence_and_index_and_changes_only_trainee_person_id(tmp_path: Path) -> None:
    path = tmp_path / "m007.duckdb"
    con = open_connection(str(path))
    apply_migrations(con, upto="m007_personal_details")
    load_demo(con, trainees=30, seed=1, as_of=D("2026-01-15"))
    con.execute(
        """INSERT INTO st_contract (trainee_id, contract_date, document, recorded_by, recorded_at)
           SELECT trainee_id, st_start_date, 'Dnr 1', NULL, TIMESTAMP '2026-01-02 10:11:12.131415' FROM trainee LIMIT 3"""
    )
    # A record without an account, with a placement: before m008 it could not be given one.
    con.execute(
        """INSERT INTO trainee (trainee_id, name, specialty, st_start_date, unit_id, source)
           SELECT 'T999', 'Utan Konto', specialty, st_start_date, unit_id, 'import' FROM trainee LIMIT 1"""
    )
    con.execute(
        """INSERT INTO placement (trainee_id, kind, setting, start_date, end_date, percent, source)
           VALUES ('T999', 'ST', 'annan', DATE '2025-01-01', DATE '2025-06-30', 100, 'import')"""
    )
    old_schema, old_rows, old_sequences = _catalog(con), _everything_in(con), _sequence_values(con)

    assert apply_migrations(con) == ["m008_trainee_person_plain"]
    new_schema = _catalog(con)
    assert _everything_in(con) == {**old_rows, "_migrations": _everything_in(con)["_migrations"]}
    assert len(_everything_in(con)["_migrations"]) == len(old_rows["_migrations"]) + 1
    assert _sequence_values(con) == old_sequences
    assert new_schema["indexes"] == old_schema["indexes"] and new_schema["sequences"] == old_schema["sequences"]
    assert new_schema["columns"] == old_schema["columns"]  # names, types, NULL/NOT NULL, defaults (nextval)
    # Only trainee's DDL changed, and only its person_id: no UNIQUE, no FOREIGN KEY.
    old_ddl, new_ddl = dict(old_schema["tables"]), dict(new_schema["tables"])
    assert {t for t in old_ddl if old_ddl[t] != new_ddl.get(t)} == {"trainee"} and set(new_ddl) == set(old_ddl)
    expected = old_ddl["trainee"].replace("person_id VARCHAR UNIQUE,", "person_id VARCHAR,")
    expected = expected.replace(" FOREIGN KEY (person_id) REFERENCES person(person_id),", "")
    assert new_ddl["trainee"] == expected != old_ddl["trainee"]
    gone = sorted(set(old_schema["constraints"]) - set(new_schema["constraints"]))
    assert [(c[0], c[1], c[4]) for c in gone] == [("trainee", "FOREIGN KEY", ("person_id",)), ("trainee", "UNIQUE", ("person_id",))]
    assert set(new_schema["constraints"]) < set(old_schema["constraints"])

    # The record that had no account gets one although it has records; new rows keep counting.
    con.execute("INSERT INTO person (person_id, name, email) VALUES ('pNy', 'Utan Konto', 'ny@example.se')")
    con.execute("UPDATE trainee SET person_id = 'pNy' WHERE trainee_id = 'T999'")
    assert actor(con, "pNy").trainee_id == "T999"
    top = con.execute("SELECT max(placement_id) FROM placement").fetchall()[0][0]
    new_id = con.execute(
        """INSERT INTO placement (trainee_id, kind, setting, start_date, end_date, percent)
           VALUES ('T999', 'ST', 'annan', DATE '2026-01-01', DATE '2026-01-31', 100) RETURNING placement_id"""
    ).fetchall()[0][0]
    assert new_id == top + 1
    con.close()

    fresh = connect(tmp_path / "fresh.duckdb")
    try:
        assert _catalog(fresh) == new_schema
    finally:
        fresh.close()


def test_a_fresh_database_has_no_unique_or_foreign_key_on_trainee_person_id() -> None:
    con = connect(":memory:")
    try:
        assert con.execute(
            """SELECT constraint_type FROM duckdb_constraints()
               WHERE table_name = 'trainee' AND list_contains(constraint_column_names, 'person_id')"""
        ).fetchall() == []
        ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'trainee'").fetchall()[0][0]
        assert re.search(r"person_id VARCHAR,", ddl)
    finally:
        con.close()
