"""The training office's registers: units, people and roles, supervision, moving trainees, one-time codes
and password changes; who may do what (the access matrix), the audit rows, and the pages.

The hand-made database of the service tests: regions R1 (units U1 Norra, U2 Södra) and R2 (U3 Väst);
pS is studierektor for the whole of R1, pS2 for the area Väst of R2, pV verksamhetschef at U3, pAdm
administrator; TA (person pA) is at U1 with huvudhandledare pH, TB (pB) at U3, whose handledare pH2
stopped a month ago. Everybody's password is "hemligt".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import test_services
from appdb import actor, app_copy
from rows import insert_rows
from streamlit.testing.v1 import AppTest
from test_app import person as person_of
from test_app import signed_in as open_page
from test_services import audit_rows

from tracker import services
from tracker.accounts import (
    CODE_DAYS,
    CODE_REFUSED,
    MAX_FAILED_LOGINS,
    WRONG_CURRENT_PASSWORD,
    actor_for_person,
    change_password,
    has_password,
    issue_code,
    redeem_code,
    verify_password,
)
from tracker.demo import load_demo
from tracker.errors import LoginError, NotFoundError, PasswordError
from tracker.services import AccessDenied, InputError, RoleSpec, StateConflict
from tracker.services.people import EMAIL_LOCKED, UNIT_REGION_LOCKED
from tracker.store import Connection, connect

template = test_services.template
con = test_services.con

TODAY = date.today()
ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
PAGES = "dashboards/pages"
CODE_RE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")
NEW_PASSWORD = "ett nytt långt lösenord"

# Roles of the access matrix: (person, allowed) for an act in studierektor pS's R1.
OFFICE_MATRIX = [
    ("pS", True),  # studierektor of the region
    ("pS2", False),  # studierektor of another region
    ("pAdm", True),
    ("pH", False),  # handledare
    ("pA", False),  # ST-läkare
    ("pV", False),  # verksamhetschef (of another unit)
]


def fields(exc: pytest.ExceptionInfo[InputError]) -> dict[str, str]:
    return {e.column: e.message for e in exc.value.errors}


def count(con: Connection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return int(row[0])


def allowed_or_refused(allowed: bool, act: Callable[[], Any]) -> Any:
    if allowed:
        return act()
    with pytest.raises(AccessDenied):
        act()
    return None


D = date.fromisoformat


def new_handledare(con: Connection, by: str = "pS", unit: str = "U1", email: str = "hedda@example.se") -> str:
    return services.create_person(
        con, actor(con, by), name="Hedda Handledare", email=email, roles=[RoleSpec("handledare", unit_id=unit)]
    )


# --- the office's reads ---------------------------------------------------------------------------


@pytest.mark.parametrize("pid", ["pH", "pA", "pV"])
def test_the_registers_are_not_for_handledare_trainees_or_verksamhetschefer(con: Connection, pid: str) -> None:
    act = actor(con, pid)
    for read in (
        services.office_units,
        services.office_regions,
        services.office_people,
        services.office_trainees,
        services.supervisor_choices,
    ):
        with pytest.raises(AccessDenied, match="studierektorer och administratörer"):
            read(con, act)


def test_the_studierektor_manages_the_trainees_of_their_area(con: Connection) -> None:
    assert list(services.office_trainees(con, actor(con, "pS"))["trainee_id"]) == ["TA"]
    assert list(services.office_trainees(con, actor(con, "pS2"))["trainee_id"]) == ["TB"]
    assert list(services.office_trainees(con, actor(con, "pAdm"))["trainee_id"]) == ["TA", "TB"]


# --- units ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("pid", "allowed"), OFFICE_MATRIX)
def test_creating_a_unit_in_region_r1(con: Connection, pid: str, allowed: bool) -> None:
    act = actor(con, pid)
    allowed_or_refused(
        allowed,
        lambda: services.create_unit(
            con, act, unit_id="U4", name="VC Östra", region_id="R1", area="Östra", kind="vardcentral"
        ),
    )
    assert count(con, "SELECT count(*) FROM unit WHERE unit_id = 'U4'") == (1 if allowed else 0)
    assert len(audit_rows(con, "add")) == (1 if allowed else 0)


def test_an_area_studierektor_creates_units_only_in_their_area(con: Connection) -> None:
    sven = actor(con, "pS2")  # area Väst of R2
    assert services.create_unit(con, sven, unit_id="U5", name="VC Väst 2", region_id="R2", area="Väst", kind="klinik") == "U5"
    with pytest.raises(AccessDenied, match="inom ditt eget område"):
        services.create_unit(con, sven, unit_id="U6", name="VC Öst", region_id="R2", area="Öst", kind="klinik")
    with pytest.raises(AccessDenied):
        services.create_unit(con, sven, unit_id="U6", name="VC Norr", region_id="R1", area="Väst", kind="klinik")
    assert sorted(services.office_units(con, sven)["unit_id"]) == ["U3", "U5"]
    assert list(services.office_regions(con, sven)["region_id"]) == ["R2"]
    assert sorted(services.office_units(con, actor(con, "pS"))["unit_id"]) == ["U1", "U2"]
    assert sorted(services.office_units(con, actor(con, "pAdm"))["unit_id"]) == ["U1", "U2", "U3", "U5"]


def test_a_new_unit_is_audited_with_its_values(con: Connection) -> None:
    services.create_unit(con, actor(con, "pS"), unit_id="U4", name=" VC Östra ", region_id="R1", area="Östra", kind="annan")
    [(who, entity, entity_id, trainee_id, before, after)] = audit_rows(con, "add")
    assert (who, entity, entity_id, trainee_id, before) == ("pS", "unit", "U4", None, None)
    assert json.loads(str(after)) == {
        "unit_id": "U4", "name": "VC Östra", "region_id": "R1", "area": "Östra", "kind": "annan",
    }


def test_unit_input_is_checked_field_by_field_in_swedish(con: Connection) -> None:
    sara = actor(con, "pS")
    with pytest.raises(InputError) as exc:
        services.create_unit(con, sara, unit_id="U 4", name="  ", region_id="R1", area="", kind="sjukhus")
    assert fields(exc) == {
        "unit_id": "id:t ska vara 1–60 tecken: bokstäver a–z, siffror, punkt, bindestreck eller understreck",
        "name": "ange ett namn (högst 200 tecken)",
        "area": "ange ett område (högst 100 tecken)",
        "kind": "okänd enhetstyp (vårdcentral, klinik eller annan)",
    }
    with pytest.raises(InputError) as exc:
        services.create_unit(con, sara, unit_id="U1", name="Dubblett", region_id="R1", area="Norra", kind="klinik")
    assert fields(exc) == {"unit_id": "det finns redan en enhet med det id:t"}
    with pytest.raises(InputError) as exc:
        services.create_unit(con, actor(con, "pAdm"), unit_id="U9", name="X", region_id="R9", area="A", kind="klinik")
    assert fields(exc) == {"region_id": "okänd region"}
    assert count(con, "SELECT count(*) FROM unit") == 3


@pytest.mark.parametrize(("pid", "allowed"), OFFICE_MATRIX)
def test_editing_unit_u1(con: Connection, pid: str, allowed: bool) -> None:
    act = actor(con, pid)
    allowed_or_refused(
        allowed,
        lambda: services.update_unit(con, act, "U1", name="VC Norra centrum", region_id="R1", area="Norra", kind="klinik"),
    )
    row = con.execute("SELECT name, kind FROM unit WHERE unit_id = 'U1'").fetchone()
    assert row == (("VC Norra centrum", "klinik") if allowed else ("VC Norra", "vardcentral"))


def test_a_unit_stays_in_the_studierektors_area_and_a_referenced_one_in_its_region(con: Connection) -> None:
    sara, adam = actor(con, "pS"), actor(con, "pAdm")
    with pytest.raises(AccessDenied, match="utanför ditt område"):
        services.update_unit(con, sara, "U2", name="VC Södra", region_id="R2", area="Väst", kind="vardcentral")
    with pytest.raises(AccessDenied):
        services.update_unit(con, sara, "U3", name="VC Väst", region_id="R2", area="Väst", kind="klinik")
    # U2 is referred to by nothing: the administrator moves it to R2; its new area is then Sven's.
    services.update_unit(con, adam, "U2", name="VC Södra", region_id="R2", area="Väst", kind="vardcentral")
    assert "U2" in set(services.office_units(con, actor(con, "pS2"))["unit_id"])
    # U3 has a verksamhetschef: its region is fixed (the page disables the field), the name is not.
    units = services.office_units(con, adam).set_index("unit_id")
    assert bool(units.loc["U3", "region_locked"]) and int(units.loc["U3", "trainees"]) == 1
    with pytest.raises(StateConflict) as exc:
        services.update_unit(con, adam, "U3", name="VC Väst", region_id="R1", area="Väst", kind="vardcentral")
    assert str(exc.value) == UNIT_REGION_LOCKED
    services.update_unit(con, adam, "U3", name="VC Väster", region_id="R2", area="Väst", kind="vardcentral")
    [before, after] = [json.loads(str(v)) for v in audit_rows(con, "update")[-1][4:6]]
    assert (before["name"], after["name"], after["region_id"]) == ("VC Väst", "VC Väster", "R2")
    with pytest.raises(NotFoundError):
        services.update_unit(con, adam, "U9", name="X", region_id="R1", area="A", kind="annan")


def test_only_the_administrator_creates_regions(con: Connection) -> None:
    with pytest.raises(AccessDenied):
        services.create_region(con, actor(con, "pS"), "R3", "Region Öst")
    adam = actor(con, "pAdm")
    assert services.create_region(con, adam, "R3", "Region Öst") == "R3"
    with pytest.raises(InputError) as exc:
        services.create_region(con, adam, "R4", "Region Öst")
    assert fields(exc) == {"name": "det finns redan en region med det namnet"}
    with pytest.raises(InputError) as exc:
        services.create_region(con, adam, "R 5", "")
    assert set(fields(exc)) == {"region_id", "name"}
    assert list(services.office_regions(con, adam)["region_id"]) == ["R1", "R2", "R3"]
    assert [r[:3] for r in audit_rows(con, "add")] == [("pAdm", "region", "R3")]


# --- people and roles -----------------------------------------------------------------------------


@pytest.mark.parametrize(("pid", "allowed"), OFFICE_MATRIX)
def test_creating_a_handledare_at_unit_u1(con: Connection, pid: str, allowed: bool) -> None:
    act = actor(con, pid)
    new = allowed_or_refused(
        allowed,
        lambda: services.create_person(
            con, act, name="Hedda Handledare", email="hedda@example.se", roles=[RoleSpec("handledare", unit_id="U1")]
        ),
    )
    assert count(con, "SELECT count(*) FROM person WHERE email = 'hedda@example.se'") == (1 if allowed else 0)
    if allowed:
        hedda = actor(con, new)
        assert hedda.roles == {"handledare"} and hedda.email == "hedda@example.se"
        assert con.execute("SELECT role, region_id, area, unit_id FROM role_assignment WHERE person_id = ?", [new]).fetchall() == [
            ("handledare", None, None, "U1")
        ]
        assert [r[:3] for r in audit_rows(con, "add")] == [(pid, "person", new)]
        assert [r[:2] for r in audit_rows(con, "add_role")] == [(pid, "role_assignment")]


def test_a_studierektor_gives_only_unit_roles_in_their_area(con: Connection) -> None:
    sara = actor(con, "pS")
    for role in (RoleSpec("studierektor", region_id="R1"), RoleSpec("admin")):
        with pytest.raises(AccessDenied, match="Bara en administratör"):
            services.create_person(con, sara, name="Stina", email="stina@example.se", roles=[role])
    with pytest.raises(AccessDenied, match="utanför ditt område"):
        services.create_person(con, sara, name="Stina", email="stina@example.se", roles=[RoleSpec("verksamhetschef", unit_id="U3")])
    with pytest.raises(InputError) as exc:
        services.create_person(con, sara, name="Stina", email="stina@example.se", roles=[RoleSpec("handledare")])
    assert fields(exc) == {"unit_id": "välj enheten i ditt område där personen arbetar"}
    with pytest.raises(InputError) as exc:
        services.create_person(con, sara, name="Stina", email="stina@example.se")
    assert fields(exc) == {"role": "ge personen en roll vid en enhet i ditt område"}
    pid = services.create_person(
        con, sara, name="Stina", email="stina@example.se", roles=[RoleSpec("verksamhetschef", unit_id="U2")]
    )
    assert actor(con, pid).unit_ids == {"U2"}
    assert count(con, "SELECT count(*) FROM person") == 9


def test_the_administrator_creates_studierektorer_administrators_and_people_without_roles(con: Connection) -> None:
    adam = actor(con, "pAdm")
    sr = services.create_person(con, adam, name="Siv", email="siv@example.se", roles=[RoleSpec("studierektor", "R2", "Öst")])
    assert actor(con, sr).areas == {("R2", "Öst")}
    admin = services.create_person(con, adam, name="Ada", email="ada@example.se", roles=[RoleSpec("admin")])
    assert actor(con, admin).is_admin
    bare = services.create_person(con, adam, name="Bo", email="bo@example.se")
    assert actor(con, bare).roles == frozenset()
    with pytest.raises(InputError) as exc:
        services.create_person(con, adam, name="Siv", email="siv2@example.se", roles=[RoleSpec("studierektor")])
    assert fields(exc) == {"region_id": "en studierektor behöver en region eller ett område"}
    with pytest.raises(InputError) as exc:
        services.create_person(con, adam, name="Sten", email="sten@example.se", roles=[RoleSpec("st_lakare")])
    assert fields(exc) == {"role": "ST-läkare läggs upp genom inskrivning eller import"}


def test_a_person_needs_a_name_and_an_unused_address_whatever_its_case(con: Connection) -> None:
    sara = actor(con, "pS")
    roles = [RoleSpec("handledare", unit_id="U1")]
    with pytest.raises(InputError) as exc:
        services.create_person(con, sara, name=" ", email="inte-en-adress", roles=roles)
    assert fields(exc) == {
        "name": "ange ett namn (högst 200 tecken)",
        "email": "ange en giltig e-postadress (t.ex. namn@region.se, högst 320 tecken)",
    }
    with pytest.raises(InputError) as exc:
        services.create_person(con, sara, name="Anna Igen", email=" PA@Example.SE ", roles=roles)
    assert fields(exc) == {"email": "det finns redan en person med den e-postadressen"}
    assert count(con, "SELECT count(*) FROM person") == 8 and not audit_rows(con, "add")


@pytest.mark.parametrize(
    ("pid", "target", "allowed"),
    [
        ("pS", "pH", True),  # supervises a trainee of R1
        ("pS", "pA", True),  # a trainee of R1
        ("pS", "pB", False),  # a trainee of R2
        ("pS", "pS2", False),  # another studierektor
        ("pS", "pAdm", False),
        ("pS2", "pV", True),  # verksamhetschef at U3 in Väst
        ("pS2", "pH", False),
        ("pAdm", "pS", True),
        ("pAdm", "pB", True),
        ("pH", "pA", False),
        ("pA", "pA", False),
        ("pV", "pB", False),
    ],
)
def test_editing_a_person(con: Connection, pid: str, target: str, allowed: bool) -> None:
    act = actor(con, pid)
    email = f"{target.lower()}@example.se"
    allowed_or_refused(allowed, lambda: services.update_person(con, act, target, name="Nytt Namn", email=email))
    name = con.execute("SELECT name FROM person WHERE person_id = ?", [target]).fetchone()
    assert name == (("Nytt Namn",) if allowed else (actor(con, target).name,))


def test_renaming_a_trainee_renames_the_record_and_is_logged_for_the_trainee(con: Connection) -> None:
    services.update_person(con, actor(con, "pS"), "pA", name="Anna Ny", email="pa@example.se")
    assert con.execute("SELECT name FROM trainee WHERE trainee_id = 'TA'").fetchone() == ("Anna Ny",)
    [(who, entity, entity_id, trainee_id, before, after)] = audit_rows(con, "update")
    assert (who, entity, entity_id, trainee_id) == ("pS", "person", "pA", "TA")
    assert json.loads(str(before)) == {"name": "Anna ST", "email": "pa@example.se"}
    assert json.loads(str(after)) == {"name": "Anna Ny", "email": "pa@example.se"}


def test_an_address_changes_only_until_something_refers_to_the_person(con: Connection) -> None:
    adam = actor(con, "pAdm")
    with pytest.raises(StateConflict) as exc:
        services.update_person(con, adam, "pH", name="Hanna Handledare", email="hanna@example.se")
    assert str(exc.value) == EMAIL_LOCKED
    bo = services.create_person(con, adam, name="Bo", email="bo@exampel.se")
    assert not services.office_people(con, adam).set_index("person_id").loc[bo, "email_locked"]
    services.update_person(con, adam, bo, name="Bo", email="bo@example.se")
    assert actor(con, bo).email == "bo@example.se"
    with pytest.raises(InputError) as exc:
        services.update_person(con, adam, bo, name="Bo", email="PH@example.se")
    assert fields(exc) == {"email": "det finns redan en person med den e-postadressen"}
    people = services.office_people(con, adam).drop_duplicates("person_id").set_index("person_id")
    assert bool(people.loc["pH", "email_locked"]) and bool(people.loc["pH", "has_password"])
    assert not people.loc[bo, "has_password"]


def test_the_studierektor_lists_the_people_of_their_area(con: Connection) -> None:
    sara = actor(con, "pS")
    assert set(services.office_people(con, sara)["person_id"]) == {"pA", "pH"}
    hedda = new_handledare(con)
    people = services.office_people(con, sara)
    assert set(people["person_id"]) == {"pA", "pH", hedda}
    assert bool(people.set_index("person_id").loc[hedda, "removable"])
    assert set(services.office_people(con, actor(con, "pS2"))["person_id"]) == {"pB", "pV", "pH2"}
    assert len(set(services.office_people(con, actor(con, "pAdm"))["person_id"])) == 9
    for pid in ("pH", "pA", "pV"):
        with pytest.raises(AccessDenied):
            services.office_people(con, actor(con, pid))


def test_a_studierektor_gives_and_removes_unit_roles_in_their_area(con: Connection) -> None:
    sara = actor(con, "pS")
    rid = services.add_role(con, sara, "pH", "verksamhetschef", unit_id="U2")
    assert actor(con, "pH").unit_ids == {"U2"}
    with pytest.raises(InputError, match="redan"):
        services.add_role(con, sara, "pH", "verksamhetschef", unit_id="U2")
    with pytest.raises(AccessDenied):
        services.add_role(con, sara, "pH", "verksamhetschef", unit_id="U3")  # outside R1
    with pytest.raises(AccessDenied):
        services.add_role(con, sara, "pB", "handledare", unit_id="U1")  # a person of R2
    with pytest.raises(AccessDenied):
        services.add_role(con, sara, "pH", "studierektor", region_id="R1")
    pv_role = con.execute("SELECT role_assignment_id FROM role_assignment WHERE person_id = 'pV'").fetchone()
    assert pv_role is not None
    with pytest.raises(AccessDenied):
        services.remove_role(con, sara, int(pv_role[0]))  # verksamhetschef at U3
    with pytest.raises(AccessDenied):
        services.remove_role(con, actor(con, "pS2"), rid)
    services.remove_role(con, sara, rid)
    assert actor(con, "pH").unit_ids == frozenset()
    assert [(r[0], r[2]) for r in audit_rows(con, "add_role") + audit_rows(con, "remove_role")] == [
        ("pS", str(rid)),
        ("pS", str(rid)),
    ]


# --- supervision ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("pid", "allowed"), OFFICE_MATRIX)
def test_assigning_a_handledare_to_ta(con: Connection, pid: str, allowed: bool) -> None:
    hedda = new_handledare(con, by="pAdm")
    act = actor(con, pid)
    sid = allowed_or_refused(
        allowed,
        lambda: services.assign_supervisor(con, act, "TA", hedda, kind="handledare", start_date=TODAY),
    )
    assert count(con, "SELECT count(*) FROM supervision WHERE person_id = ?", [hedda]) == (1 if allowed else 0)
    if allowed:
        [(who, entity, entity_id, trainee_id, _, after)] = audit_rows(con, "add")[1:]
        assert (who, entity, entity_id, trainee_id) == (pid, "supervision", str(sid), "TA")
        assert json.loads(str(after)) == {
            "supervision_id": sid, "trainee_id": "TA", "person_id": hedda, "kind": "handledare",
            "start_date": TODAY.isoformat(), "end_date": None,
        }


def test_a_handledare_assigned_through_the_service_sees_the_trainee_until_it_ends(con: Connection) -> None:
    sara = actor(con, "pS")
    hedda = new_handledare(con)
    assert services.supervisor_table(con, actor(con, hedda), TODAY).empty
    sid = services.assign_supervisor(
        con, sara, "TA", hedda, kind="handledare", start_date=TODAY - timedelta(days=10)
    )
    h = actor(con, hedda)
    assert list(services.supervisor_table(con, h, TODAY)["trainee_id"]) == ["TA"]
    assert list(services.visible_trainees(con, h)["trainee_id"]) == ["TA"]
    assert list(services.handledare_for(con, sara, "TA")["person_id"]) == ["pH", hedda]
    services.end_supervision(con, sara, sid, TODAY - timedelta(days=1))
    h = actor(con, hedda)
    assert services.supervisor_table(con, h, TODAY).empty
    assert services.visible_trainees(con, h).empty
    table = services.supervisions(con, sara, "TA")
    assert list(zip(table["person_id"], table["status"], strict=True)) == [("pH", "pågår"), (hedda, "avslutat")]
    assert table.set_index("person_id").loc[hedda, "end_date"] == TODAY - timedelta(days=1)
    [(who, entity, entity_id, trainee_id, before, after)] = audit_rows(con, "update")
    assert (who, entity, entity_id, trainee_id) == ("pS", "supervision", str(sid), "TA")
    assert json.loads(str(before))["end_date"] is None
    assert json.loads(str(after))["end_date"] == (TODAY - timedelta(days=1)).isoformat()


def test_supervision_input_and_its_rules(con: Connection) -> None:
    sara = actor(con, "pS")
    hedda = new_handledare(con)
    with pytest.raises(InputError) as exc:
        services.assign_supervisor(
            con, sara, "TA", hedda, kind="bihandledare", start_date=TODAY, end_date=TODAY - timedelta(days=1)
        )
    assert fields(exc) == {
        "kind": "okänd typ av handledarskap (huvudhandledare eller handledare)",
        "end_date": "slutdatum ligger före startdatum",
    }
    with pytest.raises(InputError) as exc:
        services.assign_supervisor(con, sara, "TA", hedda, kind="huvudhandledare", start_date=TODAY)
    assert fields(exc) == {
        "kind": "ST-läkaren har redan en huvudhandledare under perioden; avsluta det handledarskapet dagen före"
    }
    with pytest.raises(InputError) as exc:
        services.assign_supervisor(con, sara, "TA", "pH", kind="handledare", start_date=TODAY)
    assert fields(exc) == {"start_date": "personen är redan handledare för ST-läkaren under en del av perioden"}
    with pytest.raises(InputError) as exc:
        services.assign_supervisor(con, actor(con, "pAdm"), "TA", "pV", kind="handledare", start_date=TODAY)
    assert fields(exc) == {"role": "personen har inte rollen handledare; ge personen rollen först"}
    with pytest.raises(InputError) as exc:
        services.assign_supervisor(con, actor(con, "pAdm"), "TA", "pA", kind="handledare", start_date=TODAY)
    assert fields(exc) == {"role": "en ST-läkare kan inte vara sin egen handledare"}
    with pytest.raises(AccessDenied):
        services.assign_supervisor(con, sara, "TB", hedda, kind="handledare", start_date=TODAY)  # TB is in R2
    # A handledare of another area is refused; one tied to no place at all (pH2) may be assigned.
    other = new_handledare(con, by="pAdm", unit="U3", email="otto@example.se")
    with pytest.raises(AccessDenied, match="hör inte till ditt område"):
        services.assign_supervisor(con, sara, "TA", other, kind="handledare", start_date=TODAY)
    assert set(services.supervisor_choices(con, sara)["person_id"]) == {"pH", "pH2", hedda}
    services.assign_supervisor(con, sara, "TA", "pH2", kind="handledare", start_date=TODAY + timedelta(days=30))
    # A huvudhandledare after the current one has ended (the day before) is fine.
    services.end_supervision(con, sara, supervision_of(con, "TA", "pH"), TODAY + timedelta(days=9))
    services.assign_supervisor(con, sara, "TA", hedda, kind="huvudhandledare", start_date=TODAY + timedelta(days=10))
    table = services.supervisions(con, sara, "TA")
    assert sorted(zip(table["person_id"], table["kind"], table["status"], strict=True)) == sorted(
        [("pH", "huvudhandledare", "pågår"), (hedda, "huvudhandledare", "kommande"), ("pH2", "handledare", "kommande")]
    )


def supervision_of(con: Connection, trainee_id: str, person_id: str) -> int:
    row = con.execute(
        "SELECT supervision_id FROM supervision WHERE trainee_id = ? AND person_id = ?", [trainee_id, person_id]
    ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(("pid", "allowed"), OFFICE_MATRIX)
def test_ending_the_supervision_of_ta(con: Connection, pid: str, allowed: bool) -> None:
    sid = supervision_of(con, "TA", "pH")
    act = actor(con, pid)
    allowed_or_refused(allowed, lambda: services.end_supervision(con, act, sid, TODAY))
    end = con.execute("SELECT end_date FROM supervision WHERE supervision_id = ?", [sid]).fetchone()
    assert end == ((TODAY,) if allowed else (None,))


def test_an_ended_supervision_cannot_be_ended_again_nor_end_before_it_began(con: Connection) -> None:
    adam = actor(con, "pAdm")
    with pytest.raises(StateConflict, match="redan avslutat"):
        services.end_supervision(con, adam, supervision_of(con, "TB", "pH2"), TODAY)
    with pytest.raises(InputError) as exc:
        services.end_supervision(con, adam, supervision_of(con, "TA", "pH"), date(2022, 12, 31))
    assert fields(exc) == {"end_date": "slutdatum ligger före startdatum"}
    with pytest.raises(NotFoundError):
        services.end_supervision(con, adam, 999, TODAY)
    assert not audit_rows(con, "update")


# --- moving trainees ------------------------------------------------------------------------------


@pytest.mark.parametrize(("pid", "allowed"), OFFICE_MATRIX)
def test_moving_ta_within_r1(con: Connection, pid: str, allowed: bool) -> None:
    act = actor(con, pid)
    allowed_or_refused(allowed, lambda: services.move_trainee(con, act, "TA", "U2"))
    assert con.execute("SELECT unit_id FROM trainee WHERE trainee_id = 'TA'").fetchone() == (
        ("U2",) if allowed else ("U1",)
    )


def test_a_move_stays_in_the_area_and_is_audited(con: Connection) -> None:
    sara, sven = actor(con, "pS"), actor(con, "pS2")
    with pytest.raises(AccessDenied, match="enheter i ditt område"):
        services.move_trainee(con, sara, "TA", "U3")
    with pytest.raises(AccessDenied):
        services.move_trainee(con, sara, "TB", "U1")
    with pytest.raises(InputError) as exc:
        services.move_trainee(con, sven, "TB", "U3")
    assert fields(exc) == {"unit_id": "ST-läkaren är redan på den enheten"}
    with pytest.raises(InputError) as exc:
        services.move_trainee(con, sara, "TA", "U9")
    assert fields(exc) == {"unit_id": "okänd enhet"}
    services.move_trainee(con, actor(con, "pAdm"), "TB", "U1")
    assert "TB" in set(services.visible_trainees(con, sara)["trainee_id"])
    assert "TB" not in set(services.visible_trainees(con, sven)["trainee_id"])
    [(who, entity, entity_id, trainee_id, before, after)] = audit_rows(con, "update")
    assert (who, entity, entity_id, trainee_id) == ("pAdm", "trainee", "TB", "TB")
    assert (json.loads(str(before)), json.loads(str(after))) == ({"unit_id": "U3"}, {"unit_id": "U1"})


# --- one-time codes and passwords -----------------------------------------------------------------


@pytest.mark.parametrize(("pid", "allowed"), OFFICE_MATRIX)
def test_issuing_a_first_password_code_for_a_handledare_of_r1(con: Connection, pid: str, allowed: bool) -> None:
    hedda = new_handledare(con, by="pAdm")
    act = actor(con, pid)
    code = allowed_or_refused(allowed, lambda: services.issue_password_code(con, act, hedda))
    assert count(con, "SELECT count(*) FROM one_time_code WHERE person_id = ?", [hedda]) == (1 if allowed else 0)
    if allowed:
        assert CODE_RE.match(code)
        assert [r[:3] for r in audit_rows(con, "issue_code")] == [(pid, "person", hedda)]
        assert code not in str(audit_rows(con, "issue_code"))
        assert redeem_code(con, "hedda@example.se", code, NEW_PASSWORD).person_id == hedda


def test_codes_are_for_the_right_people_and_resets_for_the_administrator(con: Connection) -> None:
    sara, adam = actor(con, "pS"), actor(con, "pAdm")
    with pytest.raises(StateConflict, match="redan ett lösenord"):
        services.issue_password_code(con, sara, "pH")
    with pytest.raises(AccessDenied, match="Bara en administratör"):
        services.issue_password_code(con, sara, "pH", purpose="reset")
    with pytest.raises(AccessDenied):
        services.issue_password_code(con, sara, "pS2")  # a studierektor's account is the administrator's
    insert_rows(con, "person", [{"person_id": "pX", "name": "Xerxes Utan Adress"}])
    with pytest.raises(StateConflict, match="ingen e-postadress"):
        services.issue_password_code(con, adam, "pX")
    code = services.issue_password_code(con, adam, "pH", purpose="reset")
    assert verify_password(con, "ph@example.se", "hemligt") is None
    assert redeem_code(con, "ph@example.se", code, NEW_PASSWORD).person_id == "pH"
    assert verify_password(con, "ph@example.se", NEW_PASSWORD) == actor(con, "pH")


def test_someone_who_also_works_in_another_area_gets_no_code_from_a_studierektor(con: Connection) -> None:
    sara, adam = actor(con, "pS"), actor(con, "pAdm")
    # Hedda is a handledare at U1 (Sara's region R1) and also verksamhetschef at U3 in R2: her account would
    # open U3's trainees, so only an administrator hands her a code or edits her.
    hedda = new_handledare(con, by="pAdm")
    insert_rows(con, "role_assignment", [{"person_id": hedda, "role": "verksamhetschef", "unit_id": "U3"}])
    with pytest.raises(AccessDenied, match="ändras av en administratör"):
        services.issue_password_code(con, sara, hedda)
    with pytest.raises(AccessDenied):
        services.update_person(con, sara, hedda, name="Hedda Ny", email="hedda@example.se")
    assert CODE_RE.match(services.issue_password_code(con, adam, hedda))
    # Likewise a handledare of U1 who still supervises a trainee of U3.
    hugo = new_handledare(con, by="pAdm", email="hugo@example.se")
    insert_rows(con, "supervision", [{"trainee_id": "TB", "person_id": hugo, "kind": "handledare", "start_date": D("2024-01-01")}])
    with pytest.raises(AccessDenied):
        services.issue_password_code(con, sara, hugo)
    con.execute("UPDATE supervision SET end_date = DATE '2024-06-30' WHERE person_id = ?", [hugo])
    assert CODE_RE.match(services.issue_password_code(con, sara, hugo))  # the supervision there has ended


def test_a_code_is_used_once(con: Connection) -> None:
    hedda = new_handledare(con)
    code = issue_code(con, hedda, purpose="first_password", by="pS")
    assert CODE_RE.match(code)
    # Written as it was read aloud: lower case, without dashes, with spaces.
    spoken = " ".join(code.replace("-", "").lower()[i : i + 4] for i in (0, 4, 8))
    assert redeem_code(con, " HEDDA@example.se ", spoken, NEW_PASSWORD) == actor(con, hedda)
    assert verify_password(con, "hedda@example.se", NEW_PASSWORD) == actor(con, hedda)
    with pytest.raises(LoginError) as exc:
        redeem_code(con, "hedda@example.se", code, "ett annat långt lösenord")
    assert str(exc.value) == CODE_REFUSED
    assert verify_password(con, "hedda@example.se", NEW_PASSWORD) is not None
    assert [(r[0], r[2], json.loads(str(r[5]))) for r in audit_rows(con, "set_password")] == [
        (hedda, hedda, {"with": "engångskod"})
    ]


def test_a_code_expires_after_its_days(con: Connection) -> None:
    hedda = new_handledare(con)
    issued = datetime(2026, 3, 1, 9, 0)
    code = issue_code(con, hedda, purpose="first_password", by="pS", now=issued)
    with pytest.raises(LoginError, match="för gammal"):
        redeem_code(con, "hedda@example.se", code, NEW_PASSWORD, now=issued + timedelta(days=CODE_DAYS, minutes=1))
    assert not has_password(con, hedda)
    assert redeem_code(con, "hedda@example.se", code, NEW_PASSWORD, now=issued + timedelta(days=CODE_DAYS - 1))
    assert has_password(con, hedda)


def test_a_wrong_code_or_address_is_refused_alike_and_counts_as_a_failed_sign_in(con: Connection) -> None:
    hedda = new_handledare(con)
    code = issue_code(con, hedda, purpose="first_password", by="pS")
    moment = datetime(2026, 3, 1, 9, 0)
    for email, attempt in (("hedda@example.se", "2222-2222-2222"), ("ingen@example.se", code), ("pa@example.se", code)):
        with pytest.raises(LoginError) as exc:
            redeem_code(con, email, attempt, NEW_PASSWORD, now=moment)
        assert str(exc.value) == CODE_REFUSED
    failed = dict(con.execute("SELECT person_id, failed_logins FROM person WHERE person_id IN (?, 'pA')", [hedda]).fetchall())
    assert failed == {hedda: 1, "pA": 1}
    assert len(audit_rows(con, "login_failed")) == 3
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginError):
            redeem_code(con, "hedda@example.se", "2222-2222-2222", NEW_PASSWORD, now=moment)
    # Locked now: even the right code is refused until the lock has passed, and then it works.
    with pytest.raises(LoginError):
        redeem_code(con, "hedda@example.se", code, NEW_PASSWORD, now=moment + timedelta(minutes=1))
    assert redeem_code(con, "hedda@example.se", code, NEW_PASSWORD, now=moment + timedelta(minutes=16))


def test_a_too_short_password_keeps_the_code_and_a_new_code_voids_the_old(con: Connection) -> None:
    hedda = new_handledare(con)
    first = issue_code(con, hedda, purpose="first_password", by="pS")
    with pytest.raises(PasswordError, match="minst 10 tecken"):
        redeem_code(con, "hedda@example.se", first, "kort")
    second = issue_code(con, hedda, purpose="first_password", by="pS")
    with pytest.raises(LoginError):
        redeem_code(con, "hedda@example.se", first, NEW_PASSWORD)
    assert redeem_code(con, "hedda@example.se", second, NEW_PASSWORD).person_id == hedda
    assert [json.loads(str(r[5])) for r in audit_rows(con, "issue_code")] == [{"purpose": "first_password"}] * 2


def test_a_reset_stops_the_old_password_at_once(con: Connection) -> None:
    assert verify_password(con, "pa@example.se", "hemligt") is not None
    code = issue_code(con, "pA", purpose="reset", by="pAdm")
    assert verify_password(con, "pa@example.se", "hemligt") is None
    assert not has_password(con, "pA")
    redeem_code(con, "pa@example.se", code, NEW_PASSWORD)
    assert verify_password(con, "pa@example.se", "hemligt") is None
    assert verify_password(con, "pa@example.se", NEW_PASSWORD) == actor(con, "pA")


def test_changing_the_password_needs_the_current_one(con: Connection) -> None:
    change_password(con, "pA", "hemligt", NEW_PASSWORD)
    assert verify_password(con, "pa@example.se", "hemligt") is None
    assert verify_password(con, "pa@example.se", NEW_PASSWORD) == actor(con, "pA")
    assert [(r[0], json.loads(str(r[5]))) for r in audit_rows(con, "set_password")] == [
        ("pA", {"with": "byte av lösenord"})
    ]
    with pytest.raises(PasswordError, match="minst 10 tecken"):
        change_password(con, "pA", NEW_PASSWORD, "kort")
    with pytest.raises(PasswordError, match="skiljer sig"):
        change_password(con, "pA", NEW_PASSWORD, NEW_PASSWORD)
    insert_rows(con, "person", [{"person_id": "pX", "name": "Xerxes", "email": "px@example.se"}])
    with pytest.raises(PasswordError, match="inget lokalt lösenord"):
        change_password(con, "pX", "", NEW_PASSWORD)
    assert count(con, "SELECT failed_logins FROM person WHERE person_id = 'pA'") == 0


def test_a_wrong_current_password_counts_as_a_failed_sign_in_and_locks_the_account(con: Connection) -> None:
    moment = datetime(2026, 3, 1, 9, 0)
    with pytest.raises(LoginError) as exc:
        change_password(con, "pA", "fel", NEW_PASSWORD, now=moment)
    assert str(exc.value) == WRONG_CURRENT_PASSWORD
    assert count(con, "SELECT failed_logins FROM person WHERE person_id = 'pA'") == 1
    assert [(r[0], r[2]) for r in audit_rows(con, "login_failed")] == [("pA", "pA")]
    # Together with wrong passwords at the login: the fifth in a row locks the account.
    for _ in range(MAX_FAILED_LOGINS - 2):
        assert verify_password(con, "pa@example.se", "fel", now=moment) is None
    with pytest.raises(LoginError, match="låst i 15 minuter"):
        change_password(con, "pA", "fel", NEW_PASSWORD, now=moment)
    with pytest.raises(LoginError, match="Kontot är låst"):
        change_password(con, "pA", "hemligt", NEW_PASSWORD, now=moment + timedelta(minutes=5))
    assert [r[2] for r in audit_rows(con, "lockout")] == ["pA"]
    change_password(con, "pA", "hemligt", NEW_PASSWORD, now=moment + timedelta(minutes=16))
    assert verify_password(con, "pa@example.se", NEW_PASSWORD) is not None


def test_the_services_change_the_signed_in_persons_own_password(con: Connection) -> None:
    anna = actor(con, "pA")
    assert services.has_local_password(con, anna)
    services.change_own_password(con, anna, "hemligt", NEW_PASSWORD)
    assert verify_password(con, "pa@example.se", NEW_PASSWORD) == anna
    insert_rows(con, "person", [{"person_id": "pX", "name": "Xerxes", "email": "px@example.se"}])
    assert not services.has_local_password(con, actor(con, "pX"))


# --- the pages (AppTest) --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("people") / "demo.duckdb"
    c = connect(path)
    load_demo(c, trainees=12, seed=5, as_of=TODAY)
    c.close()
    return path


@pytest.fixture
def app_db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    """A writable copy of the demo database, which the app opens."""
    c = app_copy(demo_db, tmp_path / "app.duckdb", monkeypatch, dev_auth=False)
    yield c
    c.close()


def form(at: AppTest, form_id: str) -> Any:
    found = [f for f in at.get("form") if f.proto.form.form_id == form_id]
    assert found, f"no form {form_id!r}"
    return found[0]


def click(at: AppTest, label: str) -> None:
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}"
    found[0].click().run()
    assert not at.exception, [e.value for e in at.exception]


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def test_the_studierektor_adds_a_handledare_and_hands_over_a_code_on_personer_och_konton(app_db: Connection) -> None:
    at = open_page(app_db, "studierektor@demo.se", "utbildningsenhet/personer")
    assert at.title[0].value == "Personer och konton"
    majorna = "vgr-vc-majorna"
    f = form(at, "add_person")
    assert f.selectbox(key="ap_role").options == ["Handledare", "Verksamhetschef"]
    assert "Vårdcentralen Majorna" in f.selectbox(key="ap_unit").options
    assert "Vårdcentralen Rinkeby" not in f.selectbox(key="ap_unit").options  # Stockholm is not hers
    f.text_input(key="ap_name").input("Hedda Testhandledare")
    f.text_input(key="ap_email").input("hedda.test@demo.se")
    f.selectbox(key="ap_unit").set_value(majorna)
    click(at, "Lägg upp person")
    assert any("Hedda Testhandledare är upplagd som handledare" in s for s in successes(at))
    hedda = person_of(app_db, "hedda.test@demo.se")
    assert app_db.execute("SELECT role, unit_id FROM role_assignment WHERE person_id = ?", [hedda]).fetchall() == [
        ("handledare", majorna)
    ]
    at.selectbox(key="code_person").set_value(hedda).run()
    click(at, "Skapa engångskod")
    [code] = [c.value for c in at.code]
    assert CODE_RE.match(code)
    assert any("visas inte igen" in s for s in successes(at))
    assert redeem_code(app_db, "hedda.test@demo.se", code, NEW_PASSWORD).person_id == hedda
    at.run()
    assert not at.code  # shown once


def test_a_bad_person_form_shows_the_field_errors_and_writes_nothing(app_db: Connection) -> None:
    at = open_page(app_db, "studierektor@demo.se", "utbildningsenhet/personer")
    people = app_db.execute("SELECT count(*) FROM person").fetchone()
    f = form(at, "add_person")
    f.text_input(key="ap_name").input("Utan Enhet")
    f.text_input(key="ap_email").input("utan-adress")
    click(at, "Lägg upp person")
    assert any("kunde inte sparas" in e.value for e in at.error)
    shown = at.dataframe[-1].value
    assert dict(zip(shown["Fält"], shown["Vad är fel"], strict=True)) == {
        "E-post": "Ange en giltig e-postadress (t.ex. namn@region.se, högst 320 tecken)"
    }
    assert app_db.execute("SELECT count(*) FROM person").fetchone() == people


def test_the_studierektor_assigns_ends_and_moves_on_enheter_och_handledning(app_db: Connection) -> None:
    sr = actor_for_person(app_db, person_of(app_db, "studierektor@demo.se"))
    assert sr is not None
    hedda = services.create_person(
        app_db, sr, name="Hedda Testhandledare", email="hedda.test@demo.se",
        roles=[RoleSpec("handledare", unit_id="vgr-vc-majorna")],
    )
    trainee = services.office_trainees(app_db, sr).iloc[0]
    tid = str(trainee["trainee_id"])
    at = open_page(app_db, "studierektor@demo.se", "utbildningsenhet/enheter")
    assert at.title[0].value == "Enheter och handledning"
    at.selectbox(key="sup_trainee").set_value(tid).run()
    f = form(at, f"assign_{tid}")
    f.selectbox[0].set_value(hedda)
    click(at, "Tilldela handledare")
    assert any("Hedda Testhandledare är handledare för" in s for s in successes(at))
    h = actor_for_person(app_db, hedda)
    assert h is not None and tid in set(services.supervisor_table(app_db, h, TODAY)["trainee_id"])
    sid = supervision_of(app_db, tid, hedda)
    f = form(at, f"end_{tid}")
    f.selectbox[0].set_value(sid)
    f.date_input[0].set_value(TODAY)
    click(at, "Avsluta handledarskap")
    assert app_db.execute("SELECT end_date FROM supervision WHERE supervision_id = ?", [sid]).fetchone() == (TODAY,)
    other = next(u for u in services.office_units(app_db, sr)["unit_id"] if u != trainee["unit_id"])
    f = form(at, "move_trainee")
    f.selectbox[0].set_value(tid)
    f.selectbox[1].set_value(other)
    click(at, "Flytta ST-läkaren")
    assert app_db.execute("SELECT unit_id FROM trainee WHERE trainee_id = ?", [tid]).fetchone() == (other,)
    f = form(at, "create_unit")
    f.text_input[0].input("vgr-vc-test")
    f.text_input[1].input("Vårdcentralen Test")
    f.text_input[2].input("Göteborg")
    click(at, "Lägg upp enhet")
    assert app_db.execute("SELECT region_id, area FROM unit WHERE unit_id = 'vgr-vc-test'").fetchone() == (
        "VGR",
        "Göteborg",
    )
    actions = [r[0] for r in app_db.execute("SELECT action FROM audit_log ORDER BY audit_id").fetchall()]
    assert actions[-4:] == ["add", "update", "update", "add"]


def test_the_menu_offers_the_new_pages_by_role(app_db: Connection) -> None:
    for email, page, present in [
        ("studierektor@demo.se", "utbildningsenhet/enheter", True),
        ("studierektor@demo.se", "utbildningsenhet/personer", True),
        ("studierektor@demo.se", "utbildningsenhet/anvandare", False),
        ("admin@demo.se", "utbildningsenhet/enheter", True),
        ("admin@demo.se", "utbildningsenhet/anvandare", True),
        ("admin@demo.se", "utbildningsenhet/personer", False),
        ("handledare@demo.se", "utbildningsenhet/enheter", False),
        ("handledare@demo.se", "gemensamt/losenord", True),
        ("st@demo.se", "utbildningsenhet/personer", False),
        ("st@demo.se", "gemensamt/losenord", True),
    ]:
        at = open_page(app_db, email)
        if present:
            at.switch_page(f"{PAGES}/{page}.py").run()
            assert not at.exception, (email, page)
        else:
            with pytest.raises(ValueError):
                at.switch_page(f"{PAGES}/{page}.py")


def test_the_login_page_signs_in_with_a_one_time_code(app_db: Connection) -> None:
    pid = person_of(app_db, "handledare@demo.se")
    code = issue_code(app_db, pid, purpose="reset", by=None)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert {t.label for t in at.text_input} == {"E-postadress", "Lösenord"}
    click(at, "Jag har en engångskod")
    assert [t.label for t in at.text_input] == ["E-postadress", "Engångskod", "Nytt lösenord", "Upprepa lösenord"]
    at.text_input(key="code_email").input("handledare@demo.se")
    at.text_input(key="code_code").input(code)
    at.text_input(key="code_new").input(NEW_PASSWORD)
    at.text_input(key="code_again").input(NEW_PASSWORD + "x")
    click(at, "Spara lösenord och logga in")
    assert any("inte lika" in e.value for e in at.error) and "person_id" not in at.session_state
    at.text_input(key="code_again").input(NEW_PASSWORD)
    at.text_input(key="code_code").input("2222-2222-2222")
    click(at, "Spara lösenord och logga in")
    assert [e.value for e in at.error] == [CODE_REFUSED] and "person_id" not in at.session_state
    at.text_input(key="code_code").input(code)
    click(at, "Spara lösenord och logga in")
    assert at.session_state["person_id"] == pid
    assert [t.value for t in at.title] == ["Mina ST-läkare"]
    assert verify_password(app_db, "handledare@demo.se", NEW_PASSWORD) is not None


def test_the_way_back_from_the_code_form_is_the_password_form(app_db: Connection) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    click(at, "Jag har en engångskod")
    click(at, "Tillbaka till inloggning med lösenord")
    assert {t.label for t in at.text_input} == {"E-postadress", "Lösenord"}


def test_byt_losenord_changes_the_password_and_refuses_a_wrong_current_one(app_db: Connection) -> None:
    at = open_page(app_db, "st@demo.se", "gemensamt/losenord")
    assert at.title[0].value == "Byt lösenord"
    f = form(at, "change_password")
    f.text_input[0].input("fel lösenord")
    f.text_input[1].input(NEW_PASSWORD)
    f.text_input[2].input(NEW_PASSWORD)
    click(at, "Byt lösenord")
    assert [e.value for e in at.error] == [WRONG_CURRENT_PASSWORD]
    pid = person_of(app_db, "st@demo.se")
    assert count(app_db, "SELECT failed_logins FROM person WHERE person_id = ?", [pid]) == 1
    f = form(at, "change_password")
    f.text_input[0].input("demo")
    f.text_input[1].input(NEW_PASSWORD)
    f.text_input[2].input(NEW_PASSWORD)
    click(at, "Byt lösenord")
    assert "Lösenordet är bytt." in successes(at)
    assert verify_password(app_db, "st@demo.se", "demo") is None
    assert verify_password(app_db, "st@demo.se", NEW_PASSWORD) is not None


def test_byt_losenord_without_a_local_password_says_so(app_db: Connection) -> None:
    sr = actor_for_person(app_db, person_of(app_db, "admin@demo.se"))
    assert sr is not None
    pid = services.create_person(
        app_db, sr, name="Olle Organisationskonto", email="olle@demo.se", roles=[RoleSpec("handledare", unit_id="vgr-vc-majorna")]
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["person_id"] = pid
    at.switch_page(f"{PAGES}/gemensamt/losenord.py").run()
    assert not at.exception
    assert any("inget lokalt lösenord" in i.value for i in at.info)
    assert not at.get("form")


def test_the_administrator_forces_a_new_password_on_anvandare_och_roller(app_db: Connection) -> None:
    first = app_db.execute("SELECT coalesce(max(audit_id), 0) FROM audit_log").fetchone()[0]  # the demo's own rows
    at = open_page(app_db, "admin@demo.se", "utbildningsenhet/anvandare")
    pid = person_of(app_db, "handledare@demo.se")
    at.selectbox(key="code_person").set_value(pid).run()
    assert [b.disabled for b in at.button if b.label == "Skapa engångskod"] == [True]  # has a password
    click(at, "Tvinga nytt lösenord")
    [code] = [c.value for c in at.code]
    assert verify_password(app_db, "handledare@demo.se", "demo") is None
    assert redeem_code(app_db, "handledare@demo.se", code, NEW_PASSWORD).person_id == pid
    actions = [r[0] for r in app_db.execute("SELECT action FROM audit_log WHERE audit_id > ? ORDER BY audit_id", [first]).fetchall()]
    assert actions == ["issue_code", "login_failed", "set_password"]  # the old password was tried once
