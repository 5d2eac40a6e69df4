"""A trainee's personal details for Socialstyrelsen's forms: who sees them in full, masked or not at all,
who may change them, the audit rows, the checks of each field, migration m007, the demo's generated
details and the pages ("Mina uppgifter", the office's Personuppgifter tab, the handledare's view)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from appdb import actor, fresh_copy, own_trainee
from rows import insert_rows
from test_app import button, signed_in

from tracker import services
from tracker.accounts import actor_for_person
from tracker.demo import load_demo
from tracker.demo.personal import FIXED_SERIES, MOBILE_SERIES
from tracker.errors import AccessDenied, InputError
from tracker.personal import (
    PERSONNUMMER_CONTROL_MSG,
    PERSONNUMMER_DATE_MSG,
    PERSONNUMMER_FORMAT_MSG,
    PERSONNUMMER_FUTURE_MSG,
    PERSONNUMMER_TAKEN_MSG,
    PHONE_MSG,
    POSTAL_CODE_MSG,
    mask_personnummer,
    personnummer_error,
    personnummer_problem,
)
from tracker.services.validation import personal_input, validate_input
from tracker.store import Connection, apply_migrations, connect
from tracker.store.connection import open_connection

D = date.fromisoformat
TODAY = date.today()
# 19850612-1238: the Luhn control digit of 850612123 is 8.
PNR = "19850612-1238"
STORED: dict[str, Any] = {
    "personnummer": PNR,
    "street_address": "Exempelgatan 12",
    "postal_code": "413 19",
    "postal_town": "Göteborg",
    "phone_home": "031-390 06 12",
    "phone_mobile": "070-174 06 12",
    "phone_work": None,
    "lakarexamen_country": "Sverige",
    "lakarexamen_date": D("2018-06-10"),
    "legitimation_country": "Sverige",
}


def _build(con: Connection) -> None:
    """Regions R1 and R2; units U1 (R1, Norra), U2 (R1, Södra), U3 (R2, Väst). Trainee TA (pA) at U1 with
    her handledare pH now and pHold formerly; trainee TB (pB) at U3 with handledare pH2; studierektor pS
    for R1/Norra and pS2 for R2; verksamhetschef pV of U1; administrator pAdm."""
    insert_rows(con, "region", [{"region_id": "R1", "name": "Region Norr"}, {"region_id": "R2", "name": "Region Syd"}])
    insert_rows(
        con,
        "unit",
        [
            {"unit_id": "U1", "name": "VC Norra", "region_id": "R1", "area": "Norra", "kind": "vardcentral"},
            {"unit_id": "U2", "name": "VC Södra", "region_id": "R1", "area": "Södra", "kind": "vardcentral"},
            {"unit_id": "U3", "name": "VC Väst", "region_id": "R2", "area": "Väst", "kind": "vardcentral"},
        ],
    )
    people = ("pA", "pB", "pH", "pHold", "pH2", "pS", "pS2", "pV", "pAdm")
    insert_rows(con, "person", [{"person_id": p, "name": f"Person {p}", "email": f"{p.lower()}@example.se"} for p in people])
    insert_rows(
        con,
        "role_assignment",
        [
            {"person_id": "pA", "role": "st_lakare"},
            {"person_id": "pB", "role": "st_lakare"},
            {"person_id": "pH", "role": "handledare", "unit_id": "U1"},
            {"person_id": "pHold", "role": "handledare", "unit_id": "U1"},
            {"person_id": "pH2", "role": "handledare", "unit_id": "U3"},
            {"person_id": "pS", "role": "studierektor", "region_id": "R1", "area": "Norra"},
            {"person_id": "pS2", "role": "studierektor", "region_id": "R2"},
            {"person_id": "pV", "role": "verksamhetschef", "region_id": "R1", "area": "Norra", "unit_id": "U1"},
            {"person_id": "pAdm", "role": "admin"},
        ],
    )
    base = {"specialty": "Allmänmedicin", "swedish_at": True}
    insert_rows(
        con,
        "trainee",
        [
            {**base, "trainee_id": "TA", "person_id": "pA", "name": "Anna ST", "legitimation_date": D("2020-06-01"),
             "st_start_date": D("2021-01-01"), "unit_id": "U1"},
            {**base, "trainee_id": "TB", "person_id": "pB", "name": "Bertil ST", "legitimation_date": D("2019-06-01"),
             "st_start_date": D("2020-01-01"), "unit_id": "U3"},
        ],
    )
    insert_rows(
        con,
        "supervision",
        [
            {"trainee_id": "TA", "person_id": "pH", "kind": "huvudhandledare", "start_date": D("2021-01-01")},
            {"trainee_id": "TA", "person_id": "pHold", "kind": "handledare", "start_date": D("2021-01-01"),
             "end_date": D("2022-12-31")},
            {"trainee_id": "TB", "person_id": "pH2", "kind": "huvudhandledare", "start_date": D("2020-01-01")},
        ],
    )
    insert_rows(con, "trainee_personal", [{"trainee_id": "TA", **STORED}])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("personal") / "template.duckdb"
    con = connect(path)
    _build(con)
    con.close()
    return path


@pytest.fixture
def con(template: Path, tmp_path: Path) -> Iterator[Connection]:
    yield from fresh_copy(template, tmp_path)



def audit(con: Connection) -> list[dict[str, Any]]:
    res = con.execute(
        "SELECT actor_person_id, action, entity, entity_id, trainee_id, before_json, after_json FROM audit_log "
        "WHERE entity = 'trainee_personal' ORDER BY audit_id"
    )
    names = [d[0] for d in res.description]
    return [dict(zip(names, r, strict=True)) for r in res.fetchall()]


def stored(con: Connection, trainee_id: str = "TA") -> dict[str, Any]:
    res = con.execute(f"SELECT {', '.join(STORED)} FROM trainee_personal WHERE trainee_id = ?", [trainee_id])
    row = res.fetchone()
    assert row is not None
    return dict(zip(STORED, row, strict=True))


# --- who sees what, who may change it ------------------------------------------------------------

# (person, what they read of TA's details, whether they may change them)
ACCESS_MATRIX = [
    ("pA", "full", True),  # the trainee
    ("pH", "masked", False),  # her handledare now
    ("pHold", "refused", False),  # a handledare whose supervision has ended
    ("pH2", "refused", False),  # another trainee's handledare
    ("pS", "full", True),  # the studierektor of her area
    ("pS2", "refused", False),  # a studierektor of another region
    ("pV", "full", True),  # the verksamhetschef of her unit
    ("pAdm", "full", True),  # an administrator
]


@pytest.mark.parametrize(("pid", "reads", "edits"), ACCESS_MATRIX)
def test_who_reads_the_personal_details_in_full_masked_or_not_at_all(
    con: Connection, pid: str, reads: str, edits: bool
) -> None:
    act = actor(con, pid)
    if reads == "refused":
        with pytest.raises(AccessDenied):
            services.personal_details(con, act, "TA")
        with pytest.raises(AccessDenied):
            services.sees_personal_details(con, act, "TA")
        return
    got = services.personal_details(con, act, "TA")
    assert services.sees_personal_details(con, act, "TA") is (reads == "full")
    assert got.email == "pa@example.se"
    assert got.lakarexamen_country == "Sverige" and got.lakarexamen_date == D("2018-06-10")
    assert got.legitimation_country == "Sverige" and got.legitimation_date == D("2020-06-01")
    if reads == "full":
        assert not got.masked
        assert got.personnummer == PNR
        assert (got.street_address, got.postal_code, got.postal_town) == ("Exempelgatan 12", "413 19", "Göteborg")
        assert (got.phone_home, got.phone_mobile, got.phone_work) == ("031-390 06 12", "070-174 06 12", None)
    else:
        assert got.masked
        assert got.personnummer == "850612-****"
        assert (got.street_address, got.postal_code, got.postal_town) == (None, None, None)
        assert (got.phone_home, got.phone_mobile, got.phone_work) == (None, None, None)


@pytest.mark.parametrize(("pid", "reads", "edits"), ACCESS_MATRIX)
def test_who_may_change_the_personal_details(con: Connection, pid: str, reads: str, edits: bool) -> None:
    act = actor(con, pid)
    if edits:
        got = services.update_personal_details(con, act, "TA", phone_work="031-390 06 99")
        assert got.phone_work == "031-390 06 99" and not got.masked
        assert stored(con)["phone_work"] == "031-390 06 99"
    else:
        with pytest.raises(AccessDenied):
            services.update_personal_details(con, act, "TA", phone_work="031-390 06 99")
        assert stored(con) == STORED
        assert [r["action"] for r in audit(con)] == []


def test_a_trainee_without_a_row_yet_gets_one_on_saving(con: Connection) -> None:
    bertil = actor(con, "pB")
    empty = services.personal_details(con, bertil, "TB")
    assert (empty.personnummer, empty.street_address, empty.masked) == (None, None, False)
    assert services.personal_details(con, actor(con, "pH2"), "TB").personnummer is None  # nothing to mask
    services.update_personal_details(con, bertil, "TB", street_address="Provgatan 3", postal_code="21145")
    row = stored(con, "TB")
    assert (row["street_address"], row["postal_code"], row["personnummer"]) == ("Provgatan 3", "211 45", None)


# --- the audit log --------------------------------------------------------------------------------


@pytest.mark.parametrize("pid", ["pS", "pV", "pAdm"])
def test_a_read_by_the_office_is_an_audit_row(con: Connection, pid: str) -> None:
    services.personal_details(con, actor(con, pid), "TA")
    assert audit(con) == [
        {"actor_person_id": pid, "action": "read_personal", "entity": "trainee_personal", "entity_id": "TA",
         "trainee_id": "TA", "before_json": None, "after_json": None}
    ]
    assert services.ACTION_LABELS["read_personal"] == "Läste personuppgifter"


@pytest.mark.parametrize("pid", ["pA", "pH"])
def test_the_trainees_own_read_and_a_masked_read_are_not_logged(con: Connection, pid: str) -> None:
    services.personal_details(con, actor(con, pid), "TA")
    services.sees_personal_details(con, actor(con, pid), "TA")
    assert audit(con) == []


def test_a_change_is_one_audit_row_that_never_holds_the_personnummer_or_the_address(con: Connection) -> None:
    services.update_personal_details(
        con,
        actor(con, "pA"),
        "TA",
        personnummer="19900101-2385",
        street_address="Nygatan 5",
        lakarexamen_country="Danmark",
        phone_work="",  # unchanged (None), so not in the row
    )
    rows = audit(con)
    assert len(rows) == 1
    row = rows[0]
    assert (row["actor_person_id"], row["action"], row["entity_id"], row["trainee_id"]) == ("pA", "update", "TA", "TA")
    assert json.loads(row["before_json"]) == {"lakarexamen_country": "Sverige"}
    assert json.loads(row["after_json"]) == {
        "personnummer": "ändrat",
        "street_address": "ändrat",
        "lakarexamen_country": "Danmark",
    }
    text = json.dumps(rows)
    for secret in ("19900101-2385", "900101", PNR, "Nygatan", "Exempelgatan"):
        assert secret not in text
    # The same values again: nothing changes, nothing is logged.
    services.update_personal_details(con, actor(con, "pA"), "TA", street_address=" Nygatan 5 ")
    assert len(audit(con)) == 1


# --- the checks of each field ---------------------------------------------------------------------

TOMORROW = TODAY + timedelta(days=1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("personnummer", "19850612-1234", PERSONNUMMER_CONTROL_MSG),
        ("personnummer", "850612-1238", PERSONNUMMER_FORMAT_MSG),
        ("personnummer", "19851312-1238", PERSONNUMMER_DATE_MSG),
        ("personnummer", "ett nummer", PERSONNUMMER_FORMAT_MSG),
        ("personnummer", "20991231-1231", PERSONNUMMER_FUTURE_MSG),  # a valid control digit, born in 2099
        ("personnummer", "20991291-1238", PERSONNUMMER_FUTURE_MSG),  # the samordningsnummer of that day
        ("postal_code", "4131", POSTAL_CODE_MSG),
        ("postal_code", "413 19 A", POSTAL_CODE_MSG),
        ("phone_mobile", "070-ABC 12", PHONE_MSG),
        ("phone_home", "+46 (0)31 390 06 12", PHONE_MSG),
        ("phone_work", "031+390 06 12", PHONE_MSG),
        ("phone_work", "1234", PHONE_MSG),
        ("lakarexamen_date", TOMORROW, "datumet för läkarexamen kan inte ligga i framtiden"),
        ("lakarexamen_date", D("2020-06-02"), "läkarexamen kan inte ligga efter legitimationen (1 juni 2020)"),
        ("street_address", "x" * 201, "högst 200 tecken"),
        ("postal_town", "Göte\x00borg", "värdet innehåller otillåtna tecken (styrtecken)"),
        ("legitimation_country", "y" * 101, "högst 100 tecken"),
    ],
)
def test_a_bad_value_is_a_field_error_and_nothing_is_written(
    con: Connection, field: str, value: object, message: str
) -> None:
    with pytest.raises(InputError) as exc:
        # with a good change besides: that is not written either
        services.update_personal_details(con, actor(con, "pA"), "TA", **{"phone_home": "08-465 004 01", field: value})
    assert [(e.column, e.message) for e in exc.value.errors] == [(field, message)]
    assert stored(con) == STORED
    assert audit(con) == []


@pytest.mark.parametrize(
    ("field", "typed", "kept"),
    [
        ("personnummer", "198506121238", PNR),
        ("personnummer", " 19850612-1238 ", PNR),
        ("postal_code", "41319", "413 19"),
        ("postal_code", "4 1 3 1 9", "413 19"),
        ("phone_mobile", "  070-174  06 05 ", "070-174 06 05"),
        ("phone_mobile", "+46 70 174 06 05", "+46 70 174 06 05"),
        ("phone_home", "", None),
        ("street_address", "  Nygatan 5  ", "Nygatan 5"),
        ("lakarexamen_date", None, None),
    ],
)
def test_values_are_stored_normalised(con: Connection, field: str, typed: object, kept: object) -> None:
    services.update_personal_details(con, actor(con, "pS"), "TA", **{field: typed})
    assert stored(con)[field] == kept


def test_an_unknown_field_is_a_programming_error(con: Connection) -> None:
    with pytest.raises(TypeError):
        services.update_personal_details(con, actor(con, "pA"), "TA", shoe_size="42")


# One rule for the forms and an import. The control digits, by Luhn over ÅÅMMDDNNN (weights 2, 1, …; a
# product's digits summed): 240531123 → 4+4+0+5+6+1+2+2+6 = 30 → 0; 240601123 → 4+4+0+6+0+1+2+2+6 = 25 → 5;
# 240661123 (samordningsnummer of 1 June) → 4+4+0+6+3+1+2+2+6 = 28 → 2; 240591123 (of 31 May) → 33 → 7.
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("20240531-1230", None),  # born on the day
        ("20240591-1237", None),  # the samordningsnummer of that day
        ("20240601-1235", PERSONNUMMER_FUTURE_MSG),  # born the day after
        ("20240661-1232", PERSONNUMMER_FUTURE_MSG),  # the samordningsnummer of the day after
        ("20240601-1234", PERSONNUMMER_CONTROL_MSG),  # a wrong control digit is said first
        ("20240631-1230", PERSONNUMMER_DATE_MSG),
        ("202406011235", PERSONNUMMER_FORMAT_MSG),
    ],
)
def test_personnummer_problem_judges_format_date_control_digit_and_a_birth_after_today(
    value: str, problem: str | None
) -> None:
    assert personnummer_problem(value, D("2024-05-31")) == problem


# 19900101-2385: Luhn over 900101238 → 9+0+0+1+0+1+4+3+7 = 25 → 5. 19920315-4563: over 920315456 →
# 9+2+0+3+2+5+8+5+3 = 37 → 3.
NOBODYS = "19900101-2385"
UNLINKEDS = "19920315-4563"


def _unlinked_record(con: Connection) -> None:
    """TU: a record without an account, at U1, holding UNLINKEDS."""
    insert_rows(
        con,
        "trainee",
        [{"trainee_id": "TU", "person_id": None, "name": "Utan Konto", "specialty": "Allmänmedicin",
          "swedish_at": True, "legitimation_date": D("2020-06-01"), "st_start_date": D("2024-01-01"), "unit_id": "U1"}],
    )
    insert_rows(con, "trainee_personal", [{"trainee_id": "TU", "personnummer": UNLINKEDS}])


TAKEN = ("personnummer", PERSONNUMMER_TAKEN_MSG)


# (the record whose details are saved, by whom, the fields given, the field errors: none when saved)
@pytest.mark.parametrize(
    ("trainee_id", "pid", "fields", "errors"),
    [
        ("TB", "pB", {"personnummer": PNR}, [TAKEN]),  # Anna's number
        ("TB", "pB", {"personnummer": "198506121238"}, [TAKEN]),  # the same, as typed without the hyphen
        ("TB", "pB", {"personnummer": UNLINKEDS}, [TAKEN]),  # a record without an account is a person of its own
        ("TU", "pS", {"personnummer": PNR}, [TAKEN]),  # and Anna is another person to it
        ("TB", "pB", {"personnummer": PNR, "postal_code": "4131"}, [TAKEN, ("postal_code", POSTAL_CODE_MSG)]),
        ("TB", "pB", {"personnummer": "20991231-1231"}, [("personnummer", PERSONNUMMER_FUTURE_MSG)]),
        ("TA", "pA", {"personnummer": PNR, "street_address": "Nygatan 5"}, []),  # her own number, kept
        ("TA", "pS", {"personnummer": "198506121238"}, []),
        ("TB", "pB", {"personnummer": NOBODYS}, []),
        ("TU", "pS", {"personnummer": UNLINKEDS, "postal_town": "Lund"}, []),
    ],
)
def test_a_personnummer_another_person_holds_is_refused_and_nothing_is_written(
    con: Connection, trainee_id: str, pid: str, fields: dict[str, str], errors: list[tuple[str, str]]
) -> None:
    _unlinked_record(con)
    before = con.execute("SELECT * FROM trainee_personal ORDER BY trainee_id").fetchall()
    if errors:
        with pytest.raises(InputError) as exc:
            services.update_personal_details(con, actor(con, pid), trainee_id, **fields)
        assert [(e.column, e.message) for e in exc.value.errors] == errors
        assert con.execute("SELECT * FROM trainee_personal ORDER BY trainee_id").fetchall() == before
        assert audit(con) == []
    else:
        got = services.update_personal_details(con, actor(con, pid), trainee_id, **fields)
        assert got.personnummer == fields["personnummer"].replace("198506121238", PNR)


def test_a_number_held_twice_before_the_rule_does_not_block_saving_the_other_fields(con: Connection) -> None:
    insert_rows(con, "trainee_personal", [{"trainee_id": "TB", "personnummer": PNR}])  # Anna's, on Bertil's record
    got = services.update_personal_details(con, actor(con, "pB"), "TB", personnummer=PNR, postal_town="Lund")
    assert (got.personnummer, got.postal_town) == (PNR, "Lund")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("19850612-1238", "850612-****"),
        ("850612-1238", "850612-****"),
        ("198506121238", "850612-****"),
        ("19850672-1238", "850672-****"),  # a samordningsnummer
        (" 19850612-1238 ", "850612-****"),
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("okänt", "******-****"),
        ("1985-06-12", "******-****"),
        ("19850612-12", "******-****"),
    ],
)
def test_mask_personnummer_shows_the_birth_date_only(value: str | None, shown: str) -> None:
    assert mask_personnummer(value) == shown


# --- migration m007 -------------------------------------------------------------------------------


def test_m007_adds_the_columns_to_a_database_created_before_it_and_keeps_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old = open_connection(str(path))
    assert apply_migrations(old, upto="m006_region_records")[-1] == "m006_region_records"
    insert_rows(old, "region", [{"region_id": "R1", "name": "Region Norr"}])
    insert_rows(old, "unit", [{"unit_id": "U1", "name": "VC", "region_id": "R1", "area": "Norra", "kind": "vardcentral"}])
    insert_rows(
        old,
        "trainee",
        [{"trainee_id": "TA", "name": "Anna", "specialty": "Allmänmedicin", "st_start_date": D("2021-01-01"), "unit_id": "U1"},
         {"trainee_id": "TB", "name": "Bo", "specialty": "Allmänmedicin", "st_start_date": D("2021-01-01"), "unit_id": "U1"}],
    )
    insert_rows(old, "trainee_personal", [{"trainee_id": "TA", "personnummer": PNR}])
    old.close()
    con = connect(path)  # migrates the rest
    try:
        assert con.execute("SELECT * FROM trainee_personal").fetchall() == [("TA", PNR, *([None] * 9))]
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'trainee_personal' ORDER BY ordinal_position"
        ).fetchall()]
        assert columns == ["trainee_id", *STORED]
        # The new columns keep their rules, and the old ones theirs.
        for bad in ({"postal_code": "41319"}, {"phone_mobile": "070-ABC"}, {"personnummer": "850612-1238"}):
            with pytest.raises(duckdb.ConstraintException):
                insert_rows(con, "trainee_personal", [{"trainee_id": "TB", **bad}])
        with pytest.raises(duckdb.ConstraintException):
            insert_rows(con, "trainee_personal", [{"trainee_id": "TX"}])  # no such trainee
        insert_rows(con, "person", [{"person_id": "pAdm", "name": "Adam"}])
        insert_rows(con, "role_assignment", [{"person_id": "pAdm", "role": "admin"}])
        got = services.update_personal_details(con, actor(con, "pAdm"), "TA", postal_code="413 19")
        assert (got.personnummer, got.postal_code) == (PNR, "413 19")
    finally:
        con.close()


# --- the demo ---------------------------------------------------------------------------------------

DEMO_AS_OF = date(2026, 3, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    path = tmp_path_factory.mktemp("personal_demo") / "demo.duckdb"
    c = connect(path)
    load_demo(c, trainees=60, seed=2026, as_of=DEMO_AS_OF)
    yield c
    c.close()


def _demo_rows(con: Connection) -> list[dict[str, Any]]:
    res = con.execute(
        """SELECT t.trainee_id, t.legitimation_date, p.email, tp.* EXCLUDE (trainee_id)
           FROM trainee t JOIN person p USING (person_id) LEFT JOIN trainee_personal tp USING (trainee_id)
           ORDER BY t.trainee_id"""
    )
    names = [d[0] for d in res.description]
    return [dict(zip(names, r, strict=True)) for r in res.fetchall()]


def test_every_demo_trainee_has_a_distinct_personnummer_with_a_valid_control_digit(demo: Connection) -> None:
    rows = _demo_rows(demo)
    assert len(rows) == 60
    numbers = [r["personnummer"] for r in rows]
    assert all(n is not None and personnummer_error(n) is None for n in numbers), numbers
    assert len(set(numbers)) == len(numbers)


def test_the_demo_details_are_plausible_and_pass_the_forms_checks(demo: Connection) -> None:
    for r in _demo_rows(demo):
        born = date(int(r["personnummer"][:4]), int(r["personnummer"][4:6]), int(r["personnummer"][6:8]))
        age = (r["legitimation_date"] - born).days / 365.25
        assert 25 <= age <= 32.1, (r["trainee_id"], age)
        assert r["lakarexamen_date"] < r["legitimation_date"]
        assert r["lakarexamen_country"] == r["legitimation_country"] == "Sverige"
        assert r["street_address"] and r["postal_town"]
        assert r["phone_mobile"].startswith(MOBILE_SERIES + " ") and 5 <= int(r["phone_mobile"][-2:]) <= 99
        for phone in (r["phone_home"], r["phone_work"]):
            assert phone is None or phone.rsplit(" ", 1)[0] in FIXED_SERIES.values()
        values = {k: r[k] for k in STORED}
        validate_input(personal_input(today=DEMO_AS_OF, legitimation_date=r["legitimation_date"]), "demo", values)


def test_no_demo_email_holds_a_personnummer(demo: Connection) -> None:
    rows = _demo_rows(demo)
    emails = [str(e) for (e,) in demo.execute("SELECT email FROM person WHERE email IS NOT NULL").fetchall()]
    assert emails
    for r in rows:
        n = r["personnummer"]
        forms = {n, n.replace("-", ""), n[2:], n[2:].replace("-", ""), n[:8]}
        assert not [e for e in emails if any(f in e for f in forms)], n


def test_the_same_seed_gives_the_same_demo_details(demo: Connection, tmp_path: Path) -> None:
    again = connect(tmp_path / "again.duckdb")
    try:
        load_demo(again, trainees=60, seed=2026, as_of=DEMO_AS_OF)
        assert _demo_rows(again) == _demo_rows(demo)
    finally:
        again.close()


# --- the pages --------------------------------------------------------------------------------------


def _everything_shown(at: Any) -> str:
    parts = [
        str(e.value)
        for kind in ("markdown", "caption", "title", "header", "subheader", "info", "success", "warning", "error", "text_input")
        for e in getattr(at, kind)
    ]
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(parts)


def test_the_trainee_saves_their_address_on_mina_uppgifter_and_reads_it_back(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    at = signed_in(wdb, "st@demo.se", "st_lakare/uppgifter")
    assert "Socialstyrelsens blanketter" in _everything_shown(at)
    at.text_input(key=f"own_{tid}_street").set_value("Nygatan 5")
    at.text_input(key=f"own_{tid}_postal_code").set_value("41319")
    at.text_input(key=f"own_{tid}_town").set_value("Göteborg")
    button(at, "Spara uppgifter").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Personuppgifterna är sparade." in [s.value for s in at.success]
    assert wdb.execute(
        "SELECT street_address, postal_code, postal_town FROM trainee_personal WHERE trainee_id = ?", [tid]
    ).fetchone() == ("Nygatan 5", "413 19", "Göteborg")
    # A new session reads them back; the trainee's own reads are not logged.
    again = signed_in(wdb, "st@demo.se", "st_lakare/uppgifter")
    assert again.text_input(key=f"own_{tid}_street").value == "Nygatan 5"
    assert again.text_input(key=f"own_{tid}_postal_code").value == "413 19"
    actions = [a for (a,) in wdb.execute("SELECT action FROM audit_log WHERE entity = 'trainee_personal'").fetchall()]
    assert actions == ["update"]


def test_a_bad_postal_code_on_mina_uppgifter_is_shown_and_not_saved(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    before = wdb.execute("SELECT * FROM trainee_personal WHERE trainee_id = ?", [tid]).fetchall()
    at = signed_in(wdb, "st@demo.se", "st_lakare/uppgifter")
    at.text_input(key=f"own_{tid}_postal_code").set_value("4131")
    button(at, "Spara uppgifter").click().run()
    assert not at.exception
    assert any("kunde inte sparas" in e.value for e in at.error)
    assert list(at.dataframe[-1].value["Fält"]) == ["Postnummer"]
    assert wdb.execute("SELECT * FROM trainee_personal WHERE trainee_id = ?", [tid]).fetchall() == before


def test_another_trainees_personnummer_on_mina_uppgifter_is_refused_without_saying_whose(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    row = wdb.execute(
        "SELECT personnummer FROM trainee_personal WHERE trainee_id <> ? AND personnummer IS NOT NULL LIMIT 1", [tid]
    ).fetchone()
    assert row is not None
    before = wdb.execute("SELECT * FROM trainee_personal WHERE trainee_id = ?", [tid]).fetchall()
    at = signed_in(wdb, "st@demo.se", "st_lakare/uppgifter")
    at.text_input(key=f"own_{tid}_pnr").set_value(row[0])
    button(at, "Spara uppgifter").click().run()
    assert not at.exception
    assert any("kunde inte sparas" in e.value for e in at.error)
    shown = at.dataframe[-1].value
    assert list(shown["Fält"]) == ["Personnummer"]
    assert list(shown["Vad är fel"]) == ["Personnumret finns redan hos en annan person i ST-trackern"]
    assert wdb.execute("SELECT * FROM trainee_personal WHERE trainee_id = ?", [tid]).fetchall() == before


def test_the_handledares_view_shows_the_masked_personnummer_and_no_address(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    row = wdb.execute(
        "SELECT personnummer, street_address, postal_code, phone_mobile FROM trainee_personal WHERE trainee_id = ?", [tid]
    ).fetchone()
    assert row is not None and all(row)
    at = signed_in(wdb, "handledare@demo.se", "handledare/mina_st_lakare")
    at.selectbox(key="tl_open_True").set_value(tid).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _everything_shown(at)
    assert f"Personnummer {row[0][2:8]}-****" in shown
    for secret in row:
        assert secret not in shown
    assert "Personuppgifter" not in [t.label for t in at.tabs]
    assert not [b for b in at.button if b.label in ("Visa personuppgifter", "Spara uppgifter")]
    assert wdb.execute("SELECT count(*) FROM audit_log WHERE entity = 'trainee_personal'").fetchone() == (0,)


def test_the_studierektor_opens_the_personuppgifter_tab_with_a_button_and_the_read_is_logged_once(
    wdb: Connection,
) -> None:
    tid = own_trainee(wdb)
    street = wdb.execute("SELECT street_address FROM trainee_personal WHERE trainee_id = ?", [tid]).fetchone()
    assert street is not None
    at = signed_in(wdb, "studierektor@demo.se", "utbildningsenhet/st_lakare")
    at.selectbox(key="tl_open_False").set_value(tid).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Personuppgifter" in [t.label for t in at.tabs]

    def reads() -> int:
        found = wdb.execute("SELECT count(*) FROM audit_log WHERE action = 'read_personal'").fetchone()
        assert found is not None
        return int(found[0])

    assert reads() == 0 and street[0] not in _everything_shown(at)  # nothing read before the button
    button(at, "Visa personuppgifter").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert street[0] in _everything_shown(at)
    assert reads() == 1
    at.run()  # another run of the page shows what was read, without reading it again
    assert street[0] in _everything_shown(at) and reads() == 1
    at.text_input(key=f"tv_False_pd_{tid}_work").set_value("031-390 06 50")
    button(at, "Spara uppgifter").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert wdb.execute("SELECT phone_work FROM trainee_personal WHERE trainee_id = ?", [tid]).fetchone() == (
        "031-390 06 50",
    )
    assert reads() == 1
    button(at, "Dölj personuppgifter").click().run()
    assert street[0] not in _everything_shown(at)


def test_the_office_form_writes_only_what_it_changed_and_then_shows_the_details_as_stored(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    at = signed_in(wdb, "studierektor@demo.se", "utbildningsenhet/st_lakare")
    at.selectbox(key="tl_open_False").set_value(tid).run()
    button(at, "Visa personuppgifter").click().run()
    # While the office has the details open, the trainee changes the mobile number on Mina uppgifter.
    own = wdb.execute("SELECT person_id FROM trainee WHERE trainee_id = ?", [tid]).fetchone()
    assert own is not None
    trainee = actor_for_person(wdb, str(own[0]))
    assert trainee is not None
    services.update_personal_details(wdb, trainee, tid, phone_mobile="070-999 99 99")
    at.text_input(key=f"tv_False_pd_{tid}_postal_code").set_value("41319")
    button(at, "Spara uppgifter").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert wdb.execute(
        "SELECT postal_code, phone_mobile FROM trainee_personal WHERE trainee_id = ?", [tid]
    ).fetchone() == ("413 19", "070-999 99 99")  # the office's form did not write back the old number
    # The form then shows what is stored: the postal code normalised, the trainee's new number.
    assert at.text_input(key=f"tv_False_pd_{tid}_postal_code").value == "413 19"
    assert at.text_input(key=f"tv_False_pd_{tid}_mobile").value == "070-999 99 99"
    after = [a for (a,) in wdb.execute(
        "SELECT after_json FROM audit_log WHERE entity = 'trainee_personal' AND action = 'update' ORDER BY audit_id"
    ).fetchall()]
    assert [json.loads(a) for a in after] == [{"phone_mobile": "ändrat"}, {"postal_code": "ändrat"}]
