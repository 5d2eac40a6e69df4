"""The admission process of ST-intressenter: registration, the BT-first rule, inskrivning with an
ST-kontrakt, a huvudhandledare, a unit and an account, who may do what, and the page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import test_services
from appdb import actor, app_copy
from rows import insert_rows
from streamlit.testing.v1 import AppTest
from test_app import button
from test_app import signed_in as app_signed_in
from test_services import audit_rows

from dashboards import format as fmt
from tracker import services
from tracker.accounts import actor_for_person, redeem_code
from tracker.demo import load_demo
from tracker.errors import LoginError
from tracker.services import AccessDenied, InputError, StateConflict
from tracker.services.intressenter import BT_FIRST_NOTICE, BT_FIRST_UNLESS_EARLIER_ST
from tracker.store import Connection, connect

# The hand-made database of the service tests (people pA, pB, pH, pH2, pS, pS2, pV, pAdm; units U1-U3).
template = test_services.template
con = test_services.con

D = date.fromisoformat
TODAY = date.today()
CODE_RE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")
PASSWORD = "ett långt lösenord"


def fields(exc: pytest.ExceptionInfo[InputError]) -> set[str]:
    return {e.column for e in exc.value.errors}


def count(con: Connection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def staffed(con: Connection) -> Connection:
    """The hand-made database plus handledare placed in areas: pH3 at U1 (R1, Norra), pH4 at U3 (R2,
    Väst), pH5 for the whole of R1, and pH (from the template) not tied to any place."""
    insert_rows(
        con,
        "person",
        [
            {"person_id": "pH3", "name": "Henrik Handledare", "email": "ph3@example.se"},
            {"person_id": "pH4", "name": "Helga Handledare", "email": "ph4@example.se"},
            {"person_id": "pH5", "name": "Harald Handledare", "email": "ph5@example.se"},
        ],
    )
    insert_rows(
        con,
        "role_assignment",
        [
            {"person_id": "pH3", "role": "handledare", "region_id": "R1", "area": "Norra", "unit_id": "U1"},
            {"person_id": "pH4", "role": "handledare", "region_id": "R2", "area": "Väst", "unit_id": "U3"},
            {"person_id": "pH5", "role": "handledare", "region_id": "R1"},
        ],
    )
    return con


def registration(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Olga Nilsson",
        "email": "olga.nilsson@example.se",
        "specialty": "Allmänmedicin",
        "unit_id": "U1",
        "legitimation_date": D("2022-03-01"),
        "swedish_at": False,
        "language_ok": True,
        "note": "Anmäld av verksamhetschefen",
        "reported_date": D("2025-05-02"),
    }
    values.update(changes)
    return values


def enrolment(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "st_start_date": D("2025-09-01"),
        "contract_date": D("2025-08-15"),
        "huvudhandledare_id": "pH3",
        "contract_document": "Dnr 2025/123",
    }
    values.update(changes)
    return values


# --- registration -------------------------------------------------------------------------------


def test_registration_writes_the_intressent_its_first_step_and_an_audit_row(con: Connection) -> None:
    sara = actor(con, "pS")
    iid = services.register_intressent(con, sara, **registration())  # type: ignore[arg-type]
    row = con.execute(
        """SELECT name, email, specialty, unit_id, legitimation_date, swedish_at, language_ok, step,
                  reported_date, note, trainee_id FROM intressent WHERE intressent_id = ?""",
        [iid],
    ).fetchone()
    assert row == (
        "Olga Nilsson",
        "olga.nilsson@example.se",
        "Allmänmedicin",
        "U1",
        D("2022-03-01"),
        False,
        True,
        "intresse",
        D("2025-05-02"),
        "Anmäld av verksamhetschefen",
        None,
    )
    steps = con.execute("SELECT step, step_date, by_person_id FROM intressent_step WHERE intressent_id = ?", [iid])
    assert steps.fetchall() == [("intresse", D("2025-05-02"), "pS")]
    (who, entity, entity_id, trainee, before, after) = audit_rows(con, "register")[-1]
    assert (who, entity, entity_id, trainee, before) == ("pS", "intressent", iid, None, None)
    assert json.loads(str(after))["email"] == "olga.nilsson@example.se"
    queue = services.intressent_queue(con, sara, D("2025-05-12"))
    mine = queue[queue["intressent_id"] == iid].iloc[0]
    assert (mine["step"], mine["days_in_step"], bool(mine["bt_first"])) == ("intresse", 10, True)
    # Legitimated 2022-03-01, after HSLF-FS 2021:8 began: no exception to name.
    assert mine["bt_notice"] == BT_FIRST_NOTICE


def test_registration_cleans_the_input_and_defaults_the_report_date_to_today(con: Connection) -> None:
    values = registration(
        name="  Olga Nilsson ", email=" Olga.Nilsson@Example.se ", specialty="allmänmedicin", reported_date=None
    )
    iid = services.register_intressent(con, actor(con, "pS"), **values)  # type: ignore[arg-type]
    assert con.execute(
        "SELECT name, email, specialty, reported_date FROM intressent WHERE intressent_id = ?", [iid]
    ).fetchone() == ("Olga Nilsson", "Olga.Nilsson@Example.se", "Allmänmedicin", TODAY)


def test_registration_reports_every_bad_field_and_writes_nothing(con: Connection) -> None:
    before = count(con, "SELECT count(*) FROM intressent")
    bad = registration(
        name=" ",
        email="olga.example.se",
        specialty="Trädgårdsmedicin",
        unit_id="U3",  # Sara's region is R1
        legitimation_date=TODAY + timedelta(days=1),
        reported_date=TODAY + timedelta(days=1),
        note="rad\x00brytning",
    )
    with pytest.raises(InputError) as exc:
        services.register_intressent(con, actor(con, "pS"), **bad)  # type: ignore[arg-type]
    assert fields(exc) == {"name", "email", "specialty", "unit_id", "legitimation_date", "reported_date", "note"}
    messages = {e.column: e.message for e in exc.value.errors}
    assert messages["legitimation_date"] == "legitimationsdatumet kan inte ligga i framtiden"
    assert messages["unit_id"] == "välj en enhet inom ditt ansvarsområde"
    assert count(con, "SELECT count(*) FROM intressent") == before
    assert audit_rows(con, "register") == []


def test_an_email_already_in_the_queue_or_of_an_st_lakare_is_a_field_error(con: Connection) -> None:
    sara = actor(con, "pS")
    # Ines (I1) waits on the list with this address, in any letter case.
    with pytest.raises(InputError) as exc:
        services.register_intressent(con, sara, **registration(email="INES@example.se"))  # type: ignore[arg-type]
    assert [(e.column, e.message) for e in exc.value.errors] == [
        ("email", "en ST-intressent med den e-postadressen finns redan i kön")
    ]
    # pa@example.se is Anna, an ST-läkare already; pv@example.se the verksamhetschef of U3 in R2, outside
    # Sara's region (inskrivning would join the new trainee to that account), in any letter case.
    for taken in ("pa@example.se", "PV@example.se"):
        with pytest.raises(InputError, match="tillhör redan en ST-läkare eller en person med en roll utanför"):
            services.register_intressent(con, sara, **registration(email=taken))  # type: ignore[arg-type]
    # A closed case no longer holds the address.
    services.move_intressent(con, sara, "I1", "avslutad", "Drog tillbaka sitt intresse.")
    iid = services.register_intressent(con, sara, **registration(email="ines@example.se"))  # type: ignore[arg-type]
    assert count(con, "SELECT count(*) FROM intressent WHERE lower(email) = 'ines@example.se'") == 2
    assert iid


@pytest.mark.parametrize(
    ("pid", "unit_id", "allowed"),
    [
        ("pV", "U3", True),  # verksamhetschef of the unit
        ("pV", "U1", False),  # verksamhetschef of another unit
        ("pS", "U1", True),  # studierektor of the region
        ("pS", "U2", True),
        ("pS", "U3", False),  # another region
        ("pS2", "U3", True),  # studierektor of the area
        ("pS2", "U1", False),
        ("pAdm", "U2", True),
    ],
)
def test_who_may_register_for_which_unit(con: Connection, pid: str, unit_id: str, allowed: bool) -> None:
    values = registration(unit_id=unit_id)
    if allowed:
        iid = services.register_intressent(con, actor(con, pid), **values)  # type: ignore[arg-type]
        assert con.execute("SELECT unit_id FROM intressent WHERE intressent_id = ?", [iid]).fetchone() == (unit_id,)
    else:
        with pytest.raises(InputError) as exc:
            services.register_intressent(con, actor(con, pid), **values)  # type: ignore[arg-type]
        assert fields(exc) == {"unit_id"}


@pytest.mark.parametrize("pid", ["pH", "pA"])
def test_handledare_and_trainees_may_not_register(con: Connection, pid: str) -> None:
    with pytest.raises(AccessDenied):
        services.register_intressent(con, actor(con, pid), **registration())  # type: ignore[arg-type]
    with pytest.raises(AccessDenied):
        services.intressent_specialties(con, actor(con, pid))
    assert audit_rows(con, "register") == []


# --- BT first -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("st_start", "swedish_at", "expected"),
    [
        ("2021-06-30", False, False),  # begun before HSLF-FS 2021:8: SOSFS 2015:8, no BT
        ("2021-07-01", False, True),  # begun on the first day of HSLF-FS 2021:8: BT first
        ("2021-06-30", True, False),  # Swedish AT: SOSFS 2015:8
        ("2021-07-01", True, False),
    ],
)
def test_bt_comes_first_follows_the_regulation_rule(st_start: str, swedish_at: bool, expected: bool) -> None:
    assert services.bt_comes_first(swedish_at, D(st_start)) is expected


@pytest.mark.parametrize(
    ("legitimation", "swedish_at", "expected"),
    [
        # ST begins after legitimation, so from 2021-07-01 no earlier ST under the old rules is possible.
        ("2021-07-01", False, BT_FIRST_NOTICE),
        # Legitimated a day earlier: an ST begun 2021-06-30 would still be under SOSFS 2015:8.
        ("2021-06-30", False, BT_FIRST_NOTICE + BT_FIRST_UNLESS_EARLIER_ST),
        (None, False, BT_FIRST_NOTICE),  # not legitimated yet
        ("2021-07-01", True, ""),
        ("2021-06-30", True, ""),
        (None, True, ""),
    ],
)
def test_bt_first_notice_at_the_boundary(legitimation: str | None, swedish_at: bool, expected: str) -> None:
    day = D(legitimation) if legitimation else None
    assert services.bt_first_notice(day, swedish_at) == expected
    # Someone beginning ST today without Swedish AT begins with BT whatever the legitimation date.
    assert services.bt_comes_first(swedish_at) is (not swedish_at)


def test_the_bt_notice_names_the_regulation_and_the_bt_facts() -> None:
    assert BT_FIRST_NOTICE == (
        "BT först: utan svensk AT gäller HSLF-FS 2021:8, och specialiseringstjänstgöringen inleds då med "
        "bastjänstgöring (BT) under minst 6 månader, varav minst 3 i primärvård och 3 i akut sjukvård."
    )
    assert "2021-07-01" in BT_FIRST_UNLESS_EARLIER_ST and "SOSFS 2015:8" in BT_FIRST_UNLESS_EARLIER_ST


def test_the_queue_carries_the_bt_notice(con: Connection) -> None:
    sara = actor(con, "pS")
    services.register_intressent(
        con, sara, **registration(email="at@example.se", swedish_at=True)  # type: ignore[arg-type]
    )
    queue = services.intressent_queue(con, sara).set_index("email")
    # Ines: legitimated 2024-01-15, no AT.
    assert queue.loc["ines@example.se", "bt_notice"] == BT_FIRST_NOTICE
    assert bool(queue.loc["ines@example.se", "bt_first"]) is True
    assert queue.loc["at@example.se", "bt_notice"] == ""
    assert bool(queue.loc["at@example.se", "bt_first"]) is False


# --- inskrivning --------------------------------------------------------------------------------


def test_enrolment_writes_the_trainee_contract_supervision_role_and_a_code_that_redeems(staffed: Connection) -> None:
    con = staffed
    sara = actor(con, "pS")
    done = services.enrol_intressent(con, sara, "I1", on=D("2025-08-20"), **enrolment())  # type: ignore[arg-type]
    tid, pid = done.trainee_id, done.person_id
    assert (tid, pid, done.email, done.account) == ("T-I1", "P-I1", "ines@example.se", "code")
    assert done.code is not None and CODE_RE.match(done.code)
    assert done.account_text == (
        "Ge koden till ST-läkaren; den gäller i 14 dagar och används på inloggningssidan under "
        "'Jag har en engångskod'."
    )
    assert con.execute(
        """SELECT person_id, name, specialty, legitimation_date, swedish_at, st_start_date, unit_id, source
           FROM trainee WHERE trainee_id = ?""",
        [tid],
    ).fetchone() == (pid, "Ines Intressent", "Allmänmedicin", D("2024-01-15"), False, D("2025-09-01"), "U1", "app")
    assert con.execute(
        "SELECT contract_date, document, recorded_by FROM st_contract WHERE trainee_id = ?", [tid]
    ).fetchone() == (D("2025-08-15"), "Dnr 2025/123", "pS")
    # The huvudhandledare from the ST start, open-ended.
    assert con.execute(
        "SELECT person_id, kind, start_date, end_date FROM supervision WHERE trainee_id = ?", [tid]
    ).fetchall() == [("pH3", "huvudhandledare", D("2025-09-01"), None)]
    assert con.execute(
        "SELECT role, unit_id FROM role_assignment WHERE person_id = ?", [pid]
    ).fetchall() == [("st_lakare", "U1")]
    assert con.execute("SELECT name, email, password_hash FROM person WHERE person_id = ?", [pid]).fetchone() == (
        "Ines Intressent",
        "ines@example.se",
        None,
    )
    assert con.execute("SELECT step, trainee_id FROM intressent WHERE intressent_id = 'I1'").fetchone() == (
        "inskriven",
        tid,
    )
    assert con.execute(
        "SELECT step_date, by_person_id FROM intressent_step WHERE intressent_id = 'I1' AND step = 'inskriven'"
    ).fetchone() == (D("2025-08-20"), "pS")
    audited = con.execute(
        "SELECT action, entity, entity_id FROM audit_log WHERE actor_person_id = 'pS' ORDER BY audit_id"
    ).fetchall()
    supervision_id = str(con.execute("SELECT supervision_id FROM supervision WHERE trainee_id = ?", [tid]).fetchone()[0])  # type: ignore[index]
    assert audited == [
        ("add", "person", pid),
        ("add", "trainee", tid),
        ("add", "st_contract", tid),
        ("add", "supervision", supervision_id),
        ("enrol", "intressent", "I1"),
        ("issue_code", "person", pid),
    ]
    # The office sees the ST-kontrakt with the trainee.
    assert services.trainee_unit(con, sara, tid)["st_contract_date"] == D("2025-08-15")

    # The new ST-läkare sets a password with the code and signs in with a trainee record.
    assert done.code is not None
    new = redeem_code(con, "Ines@Example.se", done.code, PASSWORD)
    assert (new.person_id, new.trainee_id, "st_lakare" in new.roles) == (pid, tid, True)
    with pytest.raises(LoginError):
        redeem_code(con, "ines@example.se", done.code, PASSWORD)  # used once
    # The huvudhandledare sees the trainee once the ST has begun.
    hh = actor_for_person(con, "pH3", today=D("2025-09-01"))
    assert hh is not None and "handledare" in hh.roles


def test_enrolment_to_another_unit_of_the_area_and_with_a_region_wide_handledare(staffed: Connection) -> None:
    con = staffed
    done = services.enrol_intressent(
        con, actor(con, "pS"), "I1", **enrolment(unit_id="U2", huvudhandledare_id="pH5", contract_document="")
    )  # type: ignore[arg-type]
    assert con.execute("SELECT unit_id FROM trainee WHERE trainee_id = ?", [done.trainee_id]).fetchone() == ("U2",)
    assert con.execute("SELECT document FROM st_contract WHERE trainee_id = ?", [done.trainee_id]).fetchone() == ("",)
    # The intressent keeps the unit it was reported for.
    assert con.execute("SELECT unit_id FROM intressent WHERE intressent_id = 'I1'").fetchone() == ("U1",)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"unit_id": "U3"}, "unit_id"),  # another region
        ({"huvudhandledare_id": "pS"}, "huvudhandledare_id"),  # no handledare role
        ({"huvudhandledare_id": "pH4"}, "huvudhandledare_id"),  # handledare of another area
        ({"huvudhandledare_id": None}, "huvudhandledare_id"),
        ({"contract_date": None}, "contract_date"),
        ({"contract_date": TODAY + timedelta(days=1)}, "contract_date"),
        ({"st_start_date": None}, "st_start_date"),
        ({"st_start_date": D("2024-01-14")}, "st_start_date"),  # the day before the legitimation
        ({"contract_document": "x" * 201}, "document"),
        ({"legitimation_date": TODAY + timedelta(days=1)}, "legitimation_date"),
    ],
)
def test_enrolment_input_is_checked_field_by_field_and_nothing_is_written(
    staffed: Connection, changes: dict[str, object], field: str
) -> None:
    con = staffed
    with pytest.raises(InputError) as exc:
        services.enrol_intressent(con, actor(con, "pS"), "I1", **enrolment(**changes))  # type: ignore[arg-type]
    assert fields(exc) == {field}
    assert count(con, "SELECT count(*) FROM trainee") == 2
    assert count(con, "SELECT count(*) FROM st_contract") == 0
    assert count(con, "SELECT count(*) FROM person WHERE person_id = 'P-I1'") == 0
    assert con.execute("SELECT step FROM intressent WHERE intressent_id = 'I1'").fetchone() == ("vantelista",)


def test_the_legitimation_date_may_be_completed_at_enrolment(staffed: Connection) -> None:
    con = staffed
    sara = actor(con, "pS")
    iid = services.register_intressent(
        con, sara, **registration(legitimation_date=None)  # type: ignore[arg-type]
    )
    services.move_intressent(con, sara, iid, "bedomning")
    with pytest.raises(InputError) as exc:
        services.enrol_intressent(con, sara, iid, **enrolment())  # type: ignore[arg-type]
    assert fields(exc) == {"legitimation_date"}
    done = services.enrol_intressent(con, sara, iid, legitimation_date=D("2025-06-01"), **enrolment())  # type: ignore[arg-type]
    assert con.execute("SELECT legitimation_date FROM trainee WHERE trainee_id = ?", [done.trainee_id]).fetchone() == (
        D("2025-06-01"),
    )


@pytest.mark.parametrize(
    ("step", "allowed"),
    [("intresse", False), ("dokument", False), ("bedomning", True), ("vantelista", True), ("avslutad", False)],
)
def test_enrolment_follows_the_assessment(staffed: Connection, step: str, allowed: bool) -> None:
    con = staffed
    sara = actor(con, "pS")
    services.move_intressent(con, sara, "I1", step)
    if allowed:
        assert services.enrol_intressent(con, sara, "I1", **enrolment()).trainee_id == "T-I1"  # type: ignore[arg-type]
        with pytest.raises(StateConflict, match="redan inskriven"):
            services.enrol_intressent(con, sara, "I1", **enrolment())  # type: ignore[arg-type]
    else:
        with pytest.raises(StateConflict):
            services.enrol_intressent(con, sara, "I1", **enrolment())  # type: ignore[arg-type]
        assert count(con, "SELECT count(*) FROM trainee WHERE trainee_id = 'T-I1'") == 0


@pytest.mark.parametrize(
    ("pid", "intressent_id", "allowed"),
    [
        ("pS", "I1", True),  # studierektor of the region
        ("pS2", "I2", True),  # studierektor of the area
        ("pAdm", "I1", True),
        ("pS", "I2", False),  # another region
        ("pV", "I2", False),  # verksamhetschef of the unit: reports, does not enrol
        ("pH", "I1", False),
        ("pA", "I1", False),
    ],
)
def test_only_a_studierektor_or_an_administrator_enrols(
    staffed: Connection, pid: str, intressent_id: str, allowed: bool
) -> None:
    con = staffed
    who = actor(con, pid)
    if intressent_id == "I2":  # I2 waits at U3 (R2, Väst), Ivar has not been assessed yet
        services.move_intressent(con, actor(con, "pS2"), "I2", "vantelista")
    # Ivar was reported without a legitimation date; it is completed at inskrivning.
    values = enrolment(huvudhandledare_id="pH4", legitimation_date=D("2023-05-01")) if intressent_id == "I2" else enrolment()
    if allowed:
        done = services.enrol_intressent(con, who, intressent_id, **values)  # type: ignore[arg-type]
        assert done.trainee_id == f"T-{intressent_id}"
    else:
        with pytest.raises(AccessDenied):
            services.enrol_intressent(con, who, intressent_id, **values)  # type: ignore[arg-type]
        assert count(con, "SELECT count(*) FROM trainee") == 2


def test_an_intressent_without_email_gets_no_code(staffed: Connection) -> None:
    con = staffed
    sven = actor(con, "pS2")
    services.move_intressent(con, sven, "I2", "bedomning")
    done = services.enrol_intressent(con, sven, "I2", **enrolment(huvudhandledare_id="pH", legitimation_date=D("2023-05-01")))  # type: ignore[arg-type]
    assert (done.account, done.code, done.email) == ("no_email", None, None)
    assert count(con, "SELECT count(*) FROM one_time_code") == 0
    assert "saknar e-postadress" in done.account_text


def test_a_person_with_a_password_or_an_organisation_account_gets_no_code(staffed: Connection) -> None:
    con = staffed
    sara = actor(con, "pS")
    # Harald, a handledare for the whole of Sara's region R1, with a password, starts a second ST.
    con.execute("UPDATE person SET password_hash = (SELECT password_hash FROM person WHERE person_id = 'pH') WHERE person_id = 'pH5'")
    hugo = services.register_intressent(con, sara, **registration(email="ph5@example.se"))  # type: ignore[arg-type]
    insert_rows(con, "person", [{"person_id": "pO", "name": "Olle Org", "email": "olle@example.se"}])
    insert_rows(
        con,
        "oidc_identity",
        [{"subject": "iss:https://idp|sub:olle", "person_id": "pO", "linked_at": TODAY, "linked_by": "admin"}],
    )
    olle = services.register_intressent(con, sara, **registration(email="olle@example.se"))  # type: ignore[arg-type]
    for iid in (hugo, olle):
        services.move_intressent(con, sara, iid, "vantelista")
    first = services.enrol_intressent(con, sara, hugo, **enrolment())  # type: ignore[arg-type]
    second = services.enrol_intressent(con, sara, olle, **enrolment())  # type: ignore[arg-type]
    assert (first.person_id, first.account, first.code) == ("pH5", "password", None)
    assert (second.person_id, second.account, second.code) == ("pO", "organisation", None)
    assert count(con, "SELECT count(*) FROM one_time_code") == 0
    assert count(con, "SELECT count(*) FROM person WHERE person_id LIKE 'P-%'") == 0


def test_a_person_already_in_training_is_not_enrolled_twice(staffed: Connection) -> None:
    con = staffed
    con.execute("UPDATE intressent SET email = 'pa@example.se' WHERE intressent_id = 'I1'")
    with pytest.raises(StateConflict, match="redan en ST-utbildning"):
        services.enrol_intressent(con, actor(con, "pS"), "I1", **enrolment())  # type: ignore[arg-type]


def test_inskrivning_never_joins_a_trainee_to_someone_elses_account(staffed: Connection) -> None:
    con = staffed
    # An intressent given the address of a verksamhetschef of another region (here pH4's, a handledare in R2):
    # the studierektor would otherwise receive a one-time code for that person's account.
    email = con.execute("SELECT email FROM person WHERE person_id = 'pH4'").fetchall()[0][0]
    con.execute("UPDATE intressent SET email = ? WHERE intressent_id = 'I1'", [str(email).upper()])
    codes = count(con, "SELECT count(*) FROM one_time_code")
    with pytest.raises(StateConflict, match="tillhör redan en person med en roll eller ett handledarskap utanför"):
        services.enrol_intressent(con, actor(con, "pS"), "I1", **enrolment())  # type: ignore[arg-type]
    assert count(con, "SELECT count(*) FROM one_time_code") == codes
    assert count(con, "SELECT count(*) FROM trainee WHERE person_id = 'pH4'") == 0


def test_huvudhandledare_choices_are_the_handledare_of_the_units_area(staffed: Connection) -> None:
    con = staffed
    sara = actor(con, "pS")
    # U1 (R1, Norra), by name: the unit's own (pH3), the region-wide one (pH5) and those tied to no place
    # (pH, pH2); not pH4 (R2).
    assert list(services.huvudhandledare_choices(con, sara, "U1")["person_id"]) == ["pH", "pH5", "pH3", "pH2"]
    assert list(services.huvudhandledare_choices(con, actor(con, "pS2"), "U3")["person_id"]) == ["pH", "pH4", "pH2"]
    with pytest.raises(AccessDenied):
        services.huvudhandledare_choices(con, sara, "U3")
    with pytest.raises(AccessDenied):
        services.huvudhandledare_choices(con, actor(con, "pV"), "U3")


# --- the page (AppTest) -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("admission") / "demo.duckdb"
    c = connect(path)
    load_demo(c, trainees=40, seed=11, as_of=TODAY)
    c.close()
    return path


@pytest.fixture
def app_con(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    """A writable copy of the demo database, opened by the app under test."""
    c = app_copy(demo_db, tmp_path / "app.duckdb", monkeypatch, dev_auth=True)
    yield c
    c.close()


PAGE = "utbildningsenhet/intressenter"


def office_actor(db: Connection, at: AppTest) -> services.Actor:
    return actor(db, str(at.session_state["person_id"]))


def labelled(widgets: Any, label: str) -> Any:
    found = [w for w in widgets if w.label == label]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r}"
    return found[0]


def named_table(at: AppTest, column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a column {column!r}"
    return found[0]


def test_the_page_registers_an_intressent_and_shows_the_bt_notice(app_con: Connection) -> None:
    at = app_signed_in(app_con, "studierektor@demo.se", PAGE)
    first_unit = str(services.units(app_con, office_actor(app_con, at))["unit_id"].iloc[0])
    at.text_input(key="reg_name").input("Omar Haddad")
    at.text_input(key="reg_email").input("omar.haddad@example.se")
    at.selectbox(key="reg_unit").select(first_unit)
    at.date_input(key="reg_legitimation").set_value(D("2023-02-01"))
    button(at, "Registrera ST-intressent").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["Omar Haddad är registrerad som ST-intressent."]
    assert fmt.plain(BT_FIRST_NOTICE + BT_FIRST_UNLESS_EARLIER_ST) not in [i.value for i in at.info]
    assert at.info[0].value == fmt.plain(BT_FIRST_NOTICE)
    assert app_con.execute(
        "SELECT specialty, unit_id, legitimation_date, step FROM intressent WHERE email = 'omar.haddad@example.se'"
    ).fetchone() == ("Allmänmedicin", first_unit, D("2023-02-01"), "intresse")
    queue = named_table(at, "BT först")
    assert list(queue.loc[queue["Namn"] == "Omar Haddad", "BT först"]) == ["Ja"]


def test_the_page_lists_bad_registration_fields_in_swedish(app_con: Connection) -> None:
    at = app_signed_in(app_con, "studierektor@demo.se", PAGE)
    before = count(app_con, "SELECT count(*) FROM intressent")
    at.text_input(key="reg_email").input("inte-en-adress")
    button(at, "Registrera ST-intressent").click().run()
    assert not at.exception
    assert any("kunde inte sparas" in e.value for e in at.error)
    errors = named_table(at, "Fält")
    assert set(errors["Fält"]) == {"Namn", "E-post", "Enhet"}
    assert count(app_con, "SELECT count(*) FROM intressent") == before


def test_the_page_enrols_and_shows_the_one_time_code_once(app_con: Connection) -> None:
    at = app_signed_in(app_con, "studierektor@demo.se", PAGE)
    office = office_actor(app_con, at)
    queue = services.intressent_queue(app_con, office)
    waiting = queue[queue["step"] == "vantelista"].sort_values(["name", "intressent_id"]).iloc[0]
    labelled(at.selectbox, "Hantera intressent").select(waiting["intressent_id"]).run()
    assert not at.exception, [e.value for e in at.exception]
    choices = services.huvudhandledare_choices(app_con, office, waiting["unit_id"])
    labelled(at.selectbox, "Huvudhandledare").select(choices["person_id"].iloc[0])
    labelled(at.text_input, "Dokumentreferens (valfri)").input("Dnr 2025/77")
    button(at, "Skriv in som ST-läkare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"{waiting['name']} är inskriven som ST-läkare." in [s.value for s in at.success]
    codes = [c.value for c in at.code]
    assert len(codes) == 1 and CODE_RE.match(codes[0])
    assert fmt.plain(
        "Ge koden till ST-läkaren; den gäller i 14 dagar och används på inloggningssidan under 'Jag har en engångskod'."
    ) in [m.value for m in at.markdown]
    row = app_con.execute(
        """SELECT t.trainee_id, c.document, s.person_id FROM intressent i JOIN trainee t USING (trainee_id)
           JOIN st_contract c USING (trainee_id) JOIN supervision s USING (trainee_id) WHERE i.intressent_id = ?""",
        [waiting["intressent_id"]],
    ).fetchone()
    assert row is not None and row[1:] == ("Dnr 2025/77", choices["person_id"].iloc[0])
    new = redeem_code(app_con, str(waiting["email"]), codes[0], PASSWORD)
    assert new.trainee_id == row[0]
    # Shown once: the next run no longer has it.
    at.run()
    assert not at.code


def test_the_verksamhetschef_registers_but_does_not_enrol(app_con: Connection) -> None:
    found = app_con.execute(
        """SELECT p.email FROM person p JOIN role_assignment r USING (person_id)
           JOIN intressent i ON i.unit_id = r.unit_id
           WHERE r.role = 'verksamhetschef' AND p.email IS NOT NULL AND i.step = 'vantelista'
           ORDER BY p.person_id LIMIT 1"""
    ).fetchone()
    assert found is not None, "the demo has a verksamhetschef with an intressent on the waiting list"
    at = app_signed_in(app_con, str(found[0]), PAGE)
    assert button(at, "Registrera ST-intressent")
    queue = services.intressent_queue(app_con, office_actor(app_con, at))
    waiting = queue[queue["step"] == "vantelista"]["intressent_id"].iloc[0]
    labelled(at.selectbox, "Hantera intressent").select(waiting).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Inskrivningen görs av studierektorn." in [i.value for i in at.info]
    assert not [b for b in at.button if b.label == "Skriv in som ST-läkare"]
