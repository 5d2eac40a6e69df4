"""The Logg page's readable changes: the audit log's before/after as Swedish field changes, ids as names."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from rows import insert_rows

from tracker import services
from tracker.accounts import actor_for_person
from tracker.services.audit_changes import Names, describe_change, field_value, record_name
from tracker.store import Connection

NAMES = Names(
    people={"pH": "Hanna Handledare", "pA": "Anna ST"},
    units={"U1": "VC Norra", "U2": "VC Södra"},
    regions={"R1": "Region Norr"},
    certificates={"TA-old": "Kurs i etik"},
    trainees={"TA": "Anna ST"},
)
CERT = {
    "certificate_id": "TA-1", "trainee_id": "TA", "type": "kurs", "title": "Ledarskap", "start_date": "2024-03-04",
    "end_date": "2024-03-06", "status": "utkast", "signer_person_id": None, "signed_by": None, "signed_date": None,
    "comment": "", "delmal": ["STa5"],
}

CHANGES: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None, str]] = [
    # An update lists only the fields that changed, old → new.
    (
        "placement",
        {"kind": "ST", "setting": "primarvard", "start_date": "2024-01-01", "end_date": "2024-03-31", "percent": 100},
        {"kind": "ST", "setting": "primarvard", "start_date": "2024-01-01", "end_date": "2024-06-30", "percent": 75},
        "Slutdatum: 2024-03-31 → 2024-06-30; Omfattning: 100 % → 75 %",
    ),
    # Codes get their Swedish names, a person id the person's name; the certificate's own id is left out.
    (
        "certificate",
        CERT,
        {**CERT, "status": "skickat", "signer_person_id": "pH"},
        "Status: Utkast → Skickat för signering; Skickat till: – → Hanna Handledare",
    ),
    (
        "certificate",
        {**CERT, "status": "skickat"},
        {**CERT, "status": "returnerat", "comment": "Ange datum"},
        "Status: Skickat för signering → Returnerat; Kommentar: – → Ange datum",
    ),
    ("certificate", CERT, {**CERT, "delmal": ["STa5", "STa6"]}, "Delmål: STa5 → STa5, STa6"),
    (
        "certificate",
        {**CERT, "status": "skickat"},
        {**CERT, "status": "signerat", "signed_by": "Hanna Handledare", "signed_role": "huvudhandledare",
         "signed_date": "2024-03-10"},
        "Status: Skickat för signering → Signerat; Signerat av: – → Hanna Handledare; "
        "Signerat: – → 2024-03-10; Signerat som: – → Huvudhandledare",
    ),
    # A new record lists what it was given (empty fields left out).
    (
        "certificate",
        None,
        {**CERT, "replaces": "TA-old"},
        "Intygstyp: Kurs; Rubrik: Ledarskap; Startdatum: 2024-03-04; Slutdatum: 2024-03-06; Status: Utkast; "
        "Delmål: STa5; Ersätter intyget: Kurs i etik",
    ),
    (
        "leave",
        None,
        {"kind": "foraldraledighet", "start_date": "2025-01-01", "end_date": "2025-03-31", "percent": 50.0},
        "Ledighet: Föräldraledighet; Startdatum: 2025-01-01; Slutdatum: 2025-03-31; Omfattning: 50 %",
    ),
    (
        "credit",
        None,
        {"kind": "tidigare_st", "months": 12.5, "note": "ST i kirurgi", "applies_to": "ST"},
        "Tillgodoräknande: Tidigare ST; Månader: 12,5 mån; Anteckning: ST i kirurgi; Räknas mot: ST",
    ),
    # A removed one what it held.
    ("placement", {"kind": "BT", "setting": "akutsjukvard", "bt_part": "akut_sjukvard"}, None,
     "Placering: BT; Verksamhet: Akut sjukvård; BT-del: Akut sjukvård"),
    # Ids of units, regions and people become names; unknown ids stay as they are.
    ("trainee", {"unit_id": "U1"}, {"unit_id": "U2"}, "Enhet: VC Norra → VC Södra"),
    ("trainee", {"unit_id": "U1"}, {"unit_id": "U9"}, "Enhet: VC Norra → U9"),
    ("role_assignment", None, {"person_id": "pH", "role": "studierektor", "region_id": "R1", "area": None},
     "Person: Hanna Handledare; Roll: Studierektor; Region: Region Norr"),
    ("supervision", {"kind": "handledare", "end_date": None}, {"kind": "handledare", "end_date": "2025-06-30"},
     "Slutdatum: – → 2025-06-30"),
    ("supervision", None, {"person_id": "pH", "kind": "huvudhandledare", "start_date": "2025-01-01"},
     "Person: Hanna Handledare; Roll: Huvudhandledare; Startdatum: 2025-01-01"),
    ("intressent", {"step": "bedomning", "doc_cv": False}, {"step": "vantelista", "doc_cv": True},
     "Steg: Bedömning → Väntelista; CV: Nej → Ja"),
    # A value the log does not show is only said to have changed.
    ("trainee_personal", None, {"personnummer": "ändrat", "postal_town": "Umeå"},
     "Personnummer: ändrat; Postort: Umeå"),
    ("trainee_personal", {"postal_town": "Luleå"}, {"postal_town": "Umeå", "personnummer": "ändrat"},
     "Postort: Luleå → Umeå; Personnummer: ändrat"),
    # Timestamps to the minute, a key without a label readable rather than raw.
    ("person", {"locked_until": None}, {"locked_until": "2026-01-01T12:15:00"}, "Låst till: – → 2026-01-01 12:15"),
    ("bundle", None, {"files_read": 3}, "Files read: 3"),
    # Nothing to say: a read, or an update that changed nothing.
    ("trainee_personal", None, None, ""),
    ("placement", {"percent": 100}, {"percent": 100.0}, ""),
]


@pytest.mark.parametrize(("entity", "before", "after", "expected"), CHANGES)
def test_a_change_reads_as_swedish_field_changes(
    entity: str, before: dict[str, Any] | None, after: dict[str, Any] | None, expected: str
) -> None:
    assert describe_change(entity, before, after, NAMES) == expected


@pytest.mark.parametrize(
    ("key", "value", "entity", "expected"),
    [
        ("status", "makulerat", "certificate", "Makulerat"),
        ("type", "bt_delmal", "certificate", "Intyg om delmål i bastjänstgöringen"),
        ("kind", "sjukfranvaro", "leave", "Sjukfrånvaro"),
        ("kind", "annan", "credit", "Annan merit"),
        ("kind", "vardcentral", "unit", "Vårdcentral"),
        ("kind", "AT", "placement", "AT"),
        ("setting", "internmedicin", "placement", "Internmedicin"),
        ("swedish_at", True, "trainee", "Ja"),
        ("percent", 62.5, "placement", "62,5 %"),
        ("months", 6, "credit", "6 mån"),
        ("delmal", [], "certificate", "–"),
        ("purpose", "first_password", "person", "Första lösenord"),
        ("source", "import", "certificate", "Import"),
        ("signer_person_id", "pH", "certificate", "Hanna Handledare"),
        ("start_date", "2024-06-30", "placement", "2024-06-30"),
    ],
)
def test_a_field_value_reads_as_people_read_it(key: str, value: Any, entity: str, expected: str) -> None:
    assert field_value(key, value, entity, NAMES) == expected


@pytest.mark.parametrize(
    ("entity", "entity_id", "before", "after", "expected"),
    [
        ("certificate", "TA-1", None, CERT, "Ledarskap"),
        ("certificate", "TA-2", {**CERT, "title": ""}, None, "Kurs"),
        ("placement", "7", None, {"kind": "ST", "setting": "primarvard", "workplace": "VC Norra",
                                  "start_date": "2024-01-01", "end_date": "2024-06-30"},
         "ST primärvård, VC Norra 2024-01-01 – 2024-06-30"),
        ("leave", "3", {"kind": "tjanstledighet", "start_date": "2025-02-01", "end_date": "2025-02-28"}, None,
         "Tjänstledighet 2025-02-01 – 2025-02-28"),
        ("credit", "2", None, {"kind": "doktorsexamen", "months": 6}, "Doktorsexamen 6 mån"),
        ("supervision", "12", None, {"person_id": "pH", "kind": "huvudhandledare"}, "Hanna Handledare (huvudhandledare)"),
        ("role_assignment", "9", None, {"person_id": "pH", "role": "handledare"}, "Hanna Handledare: Handledare"),
        ("unit", "U2", {"name": "VC Södra"}, {"name": "VC Söder"}, "VC Söder"),
        ("person", "pA", None, None, "Anna ST"),
        ("bundle", "import-2025-01-01", None, None, "import-2025-01-01"),
    ],
)
def test_a_row_is_named_by_what_it_is_about(
    entity: str, entity_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None, expected: str
) -> None:
    assert record_name(entity, entity_id, before, after, NAMES) == expected


def test_the_audit_trail_gives_each_row_its_readable_change_with_names_from_the_database(con: Connection) -> None:
    insert_rows(con, "region", [{"region_id": "R1", "name": "Region Norr"}])
    insert_rows(con, "unit", [{"unit_id": "U1", "name": "VC Norra", "region_id": "R1", "area": "Norra",
                               "kind": "vardcentral"}])
    insert_rows(con, "person", [{"person_id": "pA", "name": "Anna ST"}, {"person_id": "pH", "name": "Hanna Handledare"}])
    insert_rows(con, "role_assignment", [{"person_id": "pA", "role": "st_lakare"}, {"person_id": "pH", "role": "handledare"}])
    insert_rows(con, "trainee", [{"trainee_id": "TA", "person_id": "pA", "name": "Anna ST", "specialty": "Allmänmedicin",
                                  "st_start_date": date(2023, 1, 1), "unit_id": "U1"}])
    insert_rows(con, "supervision", [{"trainee_id": "TA", "person_id": "pH", "kind": "huvudhandledare",
                                      "start_date": date.today() - timedelta(days=400)}])
    anna = actor_for_person(con, "pA")
    assert anna is not None
    pid = services.add_placement(con, anna, "TA", kind="ST", setting="primarvard", workplace="VC Norra",
                                 start_date=date(2024, 1, 1), end_date=date(2024, 3, 31), percent=100)
    services.update_placement(con, anna, int(pid), kind="ST", setting="primarvard", workplace="VC Norra",
                              start_date=date(2024, 1, 1), end_date=date(2024, 6, 30), percent=100)
    cid = services.add_certificate(con, anna, "TA", type="kurs", title="Ledarskap", delmal=["STa5"])
    services.request_signature(con, anna, cid, "pH")
    df = services.audit_trail(con, anna)
    rows = {(r["action"], r["entity"]): r for r in df.to_dict("records")}
    update = rows[("update", "placement")]
    assert update["change"] == "Slutdatum: 2024-03-31 → 2024-06-30"
    assert update["change_lines"] == ["Slutdatum: 2024-03-31 → 2024-06-30"]
    assert update["record_name"] == "ST primärvård, VC Norra 2024-01-01 – 2024-06-30"
    sent = rows[("request_signature", "certificate")]
    assert sent["change"] == "Status: Utkast → Skickat för signering; Skickat till: – → Hanna Handledare"
    assert sent["record_name"] == "Ledarskap"
    assert json.loads(sent["after_json"])["signer_person_id"] == "pH"  # the raw JSON stays as it was logged
    csv = services.audit_csv(df).decode("utf-8").splitlines()
    assert csv[0] == "Tidpunkt,Vem,Händelse,Post,Post-id,Avser,ST-läkare,Ändring,Före,Efter"
    assert any("Skickat till: – → Hanna Handledare" in line and '""signer_person_id"": ""pH""' in line for line in csv)
