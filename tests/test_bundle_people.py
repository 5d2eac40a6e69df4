"""units.csv, people.csv and supervision.csv, and trainees.csv's e-mail and personnummer (INTERFACE.md):
a studierektor imports their area's units, handledare and supervision, then sees those trainees with
their handledare; every bad row is a row error and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from appdb import actor
from bundles import Bundle
from test_import_security import db_path, template  # noqa: F401  (the hand-made regions R1/R2)

from tracker import services
from tracker.accounts import actor_for_email
from tracker.errors import ImportRejected
from tracker.ingest.load import import_frames
from tracker.ingest.validate import validate
from tracker.personal import personnummer_error
from tracker.store import Connection, connect

D = date.fromisoformat
# 19811218-9876: the control digit of 811218987 is 6 (Luhn: 2·8, 1, 2·1, 8, 2·1, 8, 2·9, 8, 2·7 → 44 → 6).
PERSONNUMMER = "19811218-9876"
# 19820304-1234: 820304123 → 16→7, 2, 0, 3, 0, 4, 2, 2, 6 → 26 → 4. 20991231-1231, born in 2099: 991231123 →
# 18→9, 9, 2, 2, 6, 1, 2, 2, 6 → 39 → 1.
OTHER = "19820304-1234"
FUTURE = "20991231-1231"
TAKEN = "personnumret finns redan hos en annan person i ST-trackern"


@pytest.fixture
def con(db_path: Path) -> Iterator[Connection]:  # noqa: F811  (a copy of the template, as in test_import_security)
    c = connect(db_path)
    yield c
    c.close()


def _area_bundle() -> Bundle:
    """A new unit U4 in R1 (pS's region), a handledare on it, trainee T9 there with that huvudhandledare."""
    b = Bundle()
    b.unit("U4", "R1", "Östra", name="VC Östra")
    b.person("hh4@example.se", "Hilda Handledare", ("handledare",), unit_id="U4")
    b.trainee("T9", email="t9@example.se", unit_id="U4", personnummer=PERSONNUMMER, name="Tove Nia")
    b.placement("T9", "2022-01-01", "2022-06-30", kind="BT", setting="primarvard")
    b.supervisor("T9", "hh4@example.se", "2022-01-01")
    return b


def _errors(con: Connection, pid: str, b: Bundle) -> list[str]:
    """Row errors of importing ``b`` as ``pid`` (imported when there are none)."""
    try:
        services.run_import(con, actor(con, pid), b.frames())
    except ImportRejected as exc:
        return [str(e) for e in exc.errors]
    return []


def _count(con: Connection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def test_studierektor_imports_units_people_and_supervision_and_then_sees_them(con: Connection) -> None:
    assert _errors(con, "pS", _area_bundle()) == []
    sara = actor(con, "pS")
    assert "T9" in set(services.visible_trainees(con, sara)["trainee_id"])
    assert con.execute("SELECT name, region_id, area, kind FROM unit WHERE unit_id = 'U4'").fetchall() == [
        ("VC Östra", "R1", "Östra", "vardcentral")
    ]
    hilda = actor_for_email(con, "hh4@example.se")
    assert hilda is not None and "handledare" in hilda.roles
    assert list(services.supervisor_table(con, hilda, date.today())["trainee_id"]) == ["T9"]
    # The trainee's account is the e-mail address; the personnummer is kept apart from the record.
    tove = actor_for_email(con, "t9@example.se")
    assert tove is not None and tove.trainee_id == "T9" and tove.name == "Tove Nia"
    assert con.execute("SELECT personnummer FROM trainee_personal WHERE trainee_id = 'T9'").fetchall() == [(PERSONNUMMER,)]
    assert con.execute(
        "SELECT kind, start_date, end_date FROM supervision WHERE trainee_id = 'T9'"
    ).fetchall() == [("huvudhandledare", D("2022-01-01"), None)]


def test_the_same_bundle_twice_adds_nothing_and_a_new_end_date_ends_the_assignment(con: Connection) -> None:
    assert _errors(con, "pS", _area_bundle()) == []
    before = {t: _count(con, t) for t in ("unit", "person", "role_assignment", "supervision", "trainee_personal")}
    assert _errors(con, "pS", _area_bundle()) == []
    assert {t: _count(con, t) for t in before} == before
    b = _area_bundle()
    b.rows["supervision.csv"][0]["end_date"] = "2023-12-31"
    assert _errors(con, "pS", b) == []
    assert con.execute("SELECT end_date FROM supervision WHERE trainee_id = 'T9'").fetchall() == [(D("2023-12-31"),)]
    assert _count(con, "supervision") == before["supervision"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: b.supervisor("T9", "okand@example.se", "2022-01-01", role="handledare"),
         "supervision.csv:3: email: okänd person: e-postadressen finns varken i people.csv, i trainees.csv eller i databasen"),
        (lambda b: b.supervisor("T9", "hh4@example.se", "2022-06-01", "2022-05-31", role="handledare"),
         "supervision.csv:3: end_date: slutdatum ligger före startdatum"),
        (lambda b: b.supervisor("T9", "hh4@example.se", "2022-06-01", role="bihandledare"),
         "supervision.csv:3: role: okänd handledarroll; tillåtna: huvudhandledare, handledare"),
        (lambda b: b.supervisor("T9", "HH4@example.se", "2022-01-01"),
         "supervision.csv:3: start_date: samma handledarskap (ST-läkare, person, roll och startdatum) står på en "
         "tidigare rad"),
        (lambda b: b.unit("U5", "R2", "Väst"), "units.csv:3: unit_id: enheten ligger utanför ditt område"),
        (lambda b: b.unit("U3", "R1", "Östra"), "units.csv:3: unit_id: enheten ligger utanför ditt område"),
        (lambda b: b.person("ny@example.se", "Ny Studierektor", ("studierektor",), region="R1"),
         "people.csv:3: roles: bara en administratör ger rollerna studierektor och admin"),
        (lambda b: b.person("vc@example.se", "Vera Chef", ("verksamhetschef",), unit_id="U3"),
         "people.csv:3: unit_id: enheten ligger utanför ditt område"),
        (lambda b: b.person("vc@example.se", "Vera Chef", ("verksamhetschef",)),
         "people.csv:3: unit_id: en verksamhetschef ska ha en enhet (unit_id)"),
        (lambda b: b.person("vc@example.se", "Vera Chef", ("handledare",), unit_id="U8"),
         "people.csv:3: unit_id: okänd enhet: finns varken i units.csv eller i databasen"),
        (lambda b: b.person("hh4@example.se", "Hilda Annan", ("handledare",)),
         "people.csv:3: name: samma e-postadress har ett annat namn på en tidigare rad"),
        (lambda b: b.person("inte-en-adress", "Ingen", ("handledare",)), "people.csv:3: email: ogiltig e-postadress"),
        (lambda b: b.person("x@example.se", "X", ("chef",)),
         "people.csv:3: roles: okänd roll; tillåtna (åtskilda med ;): handledare, studierektor, verksamhetschef, admin"),
        (lambda b: b.trainee("T8", email="pa@example.se", unit_id="U4"),
         "trainees.csv:3: email: e-postadressen tillhör en annan ST-läkare"),
        (lambda b: b.trainee("T8", email="T9@example.se", unit_id="U4"),
         "trainees.csv:3: email: e-postadressen förekommer för mer än en ST-läkare"),
        (lambda b: b.trainee("T8", unit_id="U4", personnummer="19811218-9875"),
         "trainees.csv:3: personnummer: personnumrets kontrollsiffra stämmer inte"),
        (lambda b: b.trainee("T8", unit_id="U4", personnummer=FUTURE),
         "trainees.csv:3: personnummer: personnumrets födelsedatum ligger i framtiden"),
        (lambda b: b.trainee("T8", unit_id="U4", personnummer=PERSONNUMMER),  # T9's, on line 2
         "trainees.csv:3: personnummer: personnumret står redan på en tidigare rad för en annan person"),
        (lambda b: b.trainee("T8", email="t8@example.se", unit_id="U4", personnummer=PERSONNUMMER),
         "trainees.csv:3: personnummer: personnumret står redan på en tidigare rad för en annan person"),
    ],
)
def test_a_bad_row_is_a_row_error_and_nothing_is_written(con: Connection, change: object, expected: str) -> None:
    b = _area_bundle()
    change(b)  # type: ignore[operator]
    counts = {t: _count(con, t) for t in ("unit", "person", "role_assignment", "supervision", "trainee", "region")}
    assert _errors(con, "pS", b) == [expected]
    assert {t: _count(con, t) for t in counts} == counts


# (who holds PERSONNUMMER in the database, the bundle's rows besides _area_bundle's T9, the row errors).
# TA is Anna's (pA, entered in the app), TC a record without an account (imported).
@pytest.mark.parametrize(
    ("holder", "change", "expected"),
    [
        ("TA", lambda b: None, [f"trainees.csv:2: personnummer: {TAKEN}"]),
        ("TC", lambda b: None, [f"trainees.csv:2: personnummer: {TAKEN}"]),
        # Cecilia's row is above T9's: her number is the database's all the same, and T9's row is refused.
        ("TC", lambda b: (b.trainee("TC", unit_id="U1", personnummer=PERSONNUMMER),
                          b.rows["trainees.csv"].reverse()), [f"trainees.csv:3: personnummer: {TAKEN}"]),
        # Cecilia's number changes in the same bundle: after the import only T9 holds it.
        ("TC", lambda b: b.trainee("TC", unit_id="U1", personnummer=OTHER), []),
        # Cecilia's own number, unchanged, on her row; T9 has another.
        ("TC", lambda b: (b.rows["trainees.csv"][0].update(personnummer=OTHER),
                          b.trainee("TC", unit_id="U1", personnummer=PERSONNUMMER)), []),
    ],
)
def test_a_personnummer_another_person_holds_in_the_database_is_a_row_error(
    con: Connection, holder: str, change: object, expected: list[str]
) -> None:
    con.execute("INSERT INTO trainee_personal (trainee_id, personnummer) VALUES (?, ?)", [holder, PERSONNUMMER])
    b = _area_bundle()
    change(b)  # type: ignore[operator]
    before = con.execute("SELECT * FROM trainee_personal ORDER BY trainee_id").fetchall()
    assert _errors(con, "pS", b) == expected
    if expected:
        assert con.execute("SELECT * FROM trainee_personal ORDER BY trainee_id").fetchall() == before
        assert _count(con, "trainee") == 4
    else:
        numbers = dict(con.execute("SELECT trainee_id, personnummer FROM trainee_personal").fetchall())
        assert sorted(numbers.values()) == sorted([PERSONNUMMER, OTHER])  # one each, Cecilia's and T9's


# The forms' rule on the import's day (control digits as in test_personal_details: 240531123 → 0,
# 240601123 → 5, 240661123 → 2, 240591123 → 7).
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("20240531-1230", None),
        ("20240591-1237", None),
        ("20240601-1235", "personnumrets födelsedatum ligger i framtiden"),
        ("20240661-1232", "personnumrets födelsedatum ligger i framtiden"),
        ("20240601-1234", "personnumrets kontrollsiffra stämmer inte"),
        ("20240631-1230", "personnumret har inget giltigt födelsedatum"),
        ("202406011235", "personnummer skrivs ÅÅÅÅMMDD-NNNN (t.ex. 19900101-1234)"),
    ],
)
def test_an_imported_personnummer_is_judged_by_the_forms_rule_on_the_day_of_the_import(
    con: Connection, value: str, problem: str | None
) -> None:
    b = _area_bundle()
    b.rows["trainees.csv"][0]["personnummer"] = value
    _, errors = validate(con, b.frames(), today=D("2024-05-31"))
    assert [str(e) for e in errors] == ([] if problem is None else [f"trainees.csv:2: personnummer: {problem}"])


def test_an_administrator_adds_regions_studierektorer_and_renames_people(con: Connection) -> None:
    b = _area_bundle()
    b.unit("N1", "Region Nord", "Kiruna", kind="klinik")
    b.person("sr@example.se", "Stina Studierektor", ("studierektor",), region="Region Nord", area="Kiruna")
    b.person("ph@example.se", "Hanna Nytt Namn", ("handledare",))
    assert _errors(con, "pAdm", b) == []
    assert con.execute("SELECT region_id, name FROM region WHERE region_id = 'Region Nord'").fetchall() == [
        ("Region Nord", "Region Nord")
    ]
    stina = actor_for_email(con, "sr@example.se")
    assert stina is not None and stina.areas == frozenset({("Region Nord", "Kiruna")})
    assert set(services.visible_trainees(con, stina)["trainee_id"]) == set()  # N1 has no trainees yet
    assert con.execute("SELECT name FROM person WHERE person_id = 'pH'").fetchall() == [("Hanna Nytt Namn",)]
    # A region is matched by its name too: R1 is "Region Norr".
    b2 = Bundle()
    b2.trainee("TX")
    b2.unit("U6", "region norr", "Norra")
    assert _errors(con, "pAdm", b2) == []
    assert con.execute("SELECT region_id FROM unit WHERE unit_id = 'U6'").fetchall() == [("R1",)]


def test_a_studierektor_cannot_rename_someone_already_in_the_database(con: Connection) -> None:
    b = _area_bundle()
    b.person("ph@example.se", "Hanna Nytt Namn", ("handledare",))
    assert _errors(con, "pS", b) == [
        "people.csv:3: name: personen finns redan med ett annat namn; en administratör ändrar namnet"
    ]


def test_certificates_keep_their_status_and_addressee(con: Connection) -> None:
    b = _area_bundle()
    b.certificate("T9", "kurs", ["STa5"], title="Ledarskap", certificate_id="K1")
    b.rows["certificates.csv"][-1].update({"status": "skickat", "signer_email": "hh4@example.se"})
    b.certificate("T9", "kurs", ["STa6"], title="Makulerad kurs", certificate_id="K2", signed_date="2022-05-01")
    b.rows["certificates.csv"][-1]["status"] = "makulerat"
    assert _errors(con, "pS", b) == []
    rows = con.execute(
        "SELECT certificate_id, status, signer_person_id IS NOT NULL, signed_date FROM certificate "
        "WHERE trainee_id = 'T9' ORDER BY 1"
    ).fetchall()
    assert rows == [("K1", "skickat", True, None), ("K2", "makulerat", False, D("2022-05-01"))]
    hilda = actor_for_email(con, "hh4@example.se")
    assert hilda is not None
    assert list(services.pending_signatures(con, hilda)["certificate_id"]) == ["K1"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"status": "skickat"}, "certificates.csv:2: signer_email: ett skickat intyg ska ange vem det är skickat till (signer_email)"),
        ({"status": "skickat", "signer_email": "okand@example.se"},
         "certificates.csv:2: signer_email: okänd person: e-postadressen finns varken i people.csv, i trainees.csv eller i databasen"),
        ({"status": "signerat"},
         "certificates.csv:2: status: ett signerat intyg har signed_date, andra intyg (utom makulerade) har det inte"),
        ({"status": "klar"},
         "certificates.csv:2: status: okänd status; tillåtna: utkast, skickat, signerat, returnerat, makulerat"),
    ],
)
def test_certificate_status_and_addressee_errors(con: Connection, values: dict[str, str], expected: str) -> None:
    b = _area_bundle()
    b.certificate("T9", "kurs", ["STa5"], title="Ledarskap", certificate_id="K1")
    b.rows["certificates.csv"][-1].update(values)
    assert _errors(con, "pS", b) == [expected]


def test_the_operator_imports_without_limits(con: Connection) -> None:
    b = _area_bundle()
    b.unit("U5", "R2", "Väst")
    import_frames(con, b.frames())
    assert _count(con, "unit") == 5


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("19811218-9876", None),
        ("19811278-9873", None),  # a samordningsnummer, day 18 + 60: 16→7, 1, 2, 2, 14→5, 8, 18→9, 8, 14→5 = 47 → 3
        ("19811218-9875", "personnumrets kontrollsiffra stämmer inte"),
        ("19810230-1234", "personnumret har inget giltigt födelsedatum"),
        ("811218-9876", "personnummer skrivs ÅÅÅÅMMDD-NNNN (t.ex. 19900101-1234)"),
        ("198112189876", "personnummer skrivs ÅÅÅÅMMDD-NNNN (t.ex. 19900101-1234)"),
    ],
)
def test_personnummer_needs_a_date_of_birth_and_the_luhn_control_digit(value: str, error: str | None) -> None:
    assert personnummer_error(value) == error
