"""Import hardening: the importer's scope, app-owned records, audit rows, bounded dates, zip bombs and
malformed files, each reported as a row error and never written."""

from __future__ import annotations

import io
import json
import shutil
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from appdb import actor
from rows import insert_rows

from tracker import services
from tracker.accounts import hash_password
from tracker.cli import main
from tracker.errors import ImportRejected
from tracker.ingest import read
from tracker.ingest.load import import_bundle
from tracker.ingest.read import read_uploads
from tracker.services import InputError
from tracker.store import Connection, catalogue, connect

D = date.fromisoformat
HEADER = "trainee_id,name,specialty,legitimation_date,swedish_at,st_start_date,regulation,doktorsexamen,bt_approved_date"
# The hand-made trainees as a bundle would repeat them unchanged.
ROW_TA = "TA,Anna ST,Allmänmedicin,2022-06-01,false,2023-01-01,,false,"
ROW_TB = "TB,Bertil ST,Allmänmedicin,2016-06-01,true,2020-01-01,,false,"
ROW_TC = "TC,Cecilia ST,Allmänmedicin,2021-06-01,true,2022-01-01,,false,"
ROW_TD = "TD,David ST,Allmänmedicin,2021-06-01,true,2022-01-01,,false,"
CERT_HEADER = "certificate_id,trainee_id,type,delmal,title,start_date,end_date,signed_by,signed_date"
PLACEMENT_HEADER = "trainee_id,kind,setting,workplace,start_date,end_date,percent"
DATE_RANGE = "datumet ska ligga mellan 1950-01-01 och 2099-12-31"




@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Regions R1 and R2; units U1 (R1, Norra), U2 (R1, Södra), U3 (R2, Väst); trainees TA (U1) and TB (U3)
    entered in the app, TC (U1) and TD (U3) imported; a studierektor for R1 (pS) and for R2/Väst (pS2)."""
    path = str(tmp_path_factory.mktemp("imp") / "template.duckdb")
    con = connect(path)
    catalogue.ensure_catalogue(con)
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
    pw = hash_password("hemligt")
    people = {"pA": "Anna ST", "pB": "Bertil ST", "pH": "Hanna Handledare", "pS": "Sara Studierektor",
              "pS2": "Sven Studierektor", "pAdm": "Adam Admin"}
    insert_rows(con, "person", [{"person_id": k, "name": v, "email": f"{k.lower()}@example.se", "password_hash": pw}
                            for k, v in people.items()])
    insert_rows(
        con,
        "role_assignment",
        [
            {"person_id": "pA", "role": "st_lakare"},
            {"person_id": "pB", "role": "st_lakare"},
            {"person_id": "pH", "role": "handledare"},
            {"person_id": "pS", "role": "studierektor", "region_id": "R1"},
            {"person_id": "pS2", "role": "studierektor", "region_id": "R2", "area": "Väst"},
            {"person_id": "pAdm", "role": "admin"},
        ],
    )
    base = {"specialty": "Allmänmedicin"}
    insert_rows(
        con,
        "trainee",
        [
            {**base, "trainee_id": "TA", "person_id": "pA", "name": "Anna ST", "legitimation_date": D("2022-06-01"),
             "swedish_at": False, "st_start_date": D("2023-01-01"), "unit_id": "U1"},
            {**base, "trainee_id": "TB", "person_id": "pB", "name": "Bertil ST", "legitimation_date": D("2016-06-01"),
             "swedish_at": True, "st_start_date": D("2020-01-01"), "unit_id": "U3"},
            {**base, "trainee_id": "TC", "name": "Cecilia ST", "legitimation_date": D("2021-06-01"),
             "swedish_at": True, "st_start_date": D("2022-01-01"), "unit_id": "U1", "source": "import"},
            {**base, "trainee_id": "TD", "name": "David ST", "legitimation_date": D("2021-06-01"),
             "swedish_at": True, "st_start_date": D("2022-01-01"), "unit_id": "U3", "source": "import"},
        ],
    )
    insert_rows(con, "supervision", [{"trainee_id": "TA", "person_id": "pH", "kind": "huvudhandledare",
                                  "start_date": D("2023-01-01")}])
    # Anna has sent a certificate to her handledare; only Hanna may sign it.
    insert_rows(con, "certificate", [{"certificate_id": "C1", "trainee_id": "TA", "type": "kurs", "title": "Ledarskap",
                                  "status": "skickat", "signer_person_id": "pH"}])
    insert_rows(con, "certificate_delmal", [{"certificate_id": "C1", "code": "STa5"}])
    con.close()
    return path


@pytest.fixture
def db_path(template: str, tmp_path: Path) -> Path:
    path = tmp_path / "db.duckdb"
    shutil.copy(template, path)
    return path


@pytest.fixture
def con(db_path: Path) -> Iterator[Connection]:
    c = connect(db_path)
    yield c
    c.close()



def trainees(*rows: str, unit: bool = False) -> bytes:
    return ("\n".join([HEADER + (",unit_id" if unit else ""), *rows]) + "\n").encode()


def check(con: Connection, pid: str, files: dict[str, bytes]) -> list[str]:
    """The import's row errors as text; a bundle without errors is imported."""
    a = actor(con, pid)
    frames, errors = services.check_import(con, a, files)
    if not errors:
        services.run_import(con, a, frames)
    return [str(e) for e in errors]


def one(con: Connection, sql: str, params: list[object] | None = None) -> object:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


def import_audit(con: Connection) -> list[tuple[str, str, str]]:
    return [
        (str(a), str(e), str(i))
        for a, e, i in con.execute(
            "SELECT action, entity, entity_id FROM audit_log WHERE action LIKE 'import%' ORDER BY audit_id"
        ).fetchall()
    ]


# --- 1. scope ---------------------------------------------------------------------------------


def test_studierektor_import_refuses_a_trainee_of_another_area(con: Connection) -> None:
    errors = check(con, "pS2", {"trainees.csv": trainees(ROW_TC.replace("Cecilia ST", "Omdöpt"))})
    assert errors == ["trainees.csv:2: trainee_id: ST-läkaren tillhör en enhet utanför ditt område"]
    assert one(con, "SELECT name FROM trainee WHERE trainee_id = 'TC'") == "Cecilia ST"


def test_studierektor_import_refuses_records_of_a_trainee_outside_the_area(con: Connection) -> None:
    files = {
        "trainees.csv": trainees(ROW_TC),
        "certificates.csv": f"{CERT_HEADER}\nK9,TD,kurs,a1,Ledarskap,,,Sara Studierektor,2025-01-10\n".encode(),
        "placements.csv": f"{PLACEMENT_HEADER}\nTC,ST,primarvard,VC,2022-01-01,2022-12-31,100\n"
        "TD,ST,primarvard,VC,2022-01-01,2022-12-31,100\n".encode(),
    }
    errors = check(con, "pS", files)
    assert errors == [
        "certificates.csv:2: trainee_id: ST-läkaren tillhör en enhet utanför ditt område",
        "placements.csv:3: trainee_id: ST-läkaren tillhör en enhet utanför ditt område",
    ]
    assert one(con, "SELECT count(*) FROM certificate WHERE certificate_id = 'K9'") == 0
    assert one(con, "SELECT count(*) FROM placement WHERE trainee_id IN ('TC', 'TD')") == 0


def test_new_trainee_of_a_studierektor_needs_a_unit_in_the_area(con: Connection) -> None:
    new = "Ny ST,Allmänmedicin,2023-06-01,true,2024-01-01,,false,"
    assert check(con, "pS", {"trainees.csv": trainees(f"T1,{new}")}) == [
        "trainees.csv:2: unit_id: ange unit_id: en enhet i ditt område"
    ]
    errors = check(con, "pS", {"trainees.csv": trainees(f"T1,{new},", f"T2,{new},U3", f"T3,{new},U9", unit=True)})
    assert errors == [
        "trainees.csv:2: unit_id: ange unit_id: en enhet i ditt område",
        "trainees.csv:3: unit_id: enheten ligger utanför ditt område",
        "trainees.csv:4: unit_id: okänd enhet: finns varken i units.csv eller i databasen",
    ]
    assert one(con, "SELECT count(*) FROM trainee WHERE trainee_id IN ('T1', 'T2', 'T3')") == 0
    assert check(con, "pS", {"trainees.csv": trainees(f"T4,{new},U2", unit=True)}) == []
    assert con.execute("SELECT unit_id, source FROM trainee WHERE trainee_id = 'T4'").fetchall() == [("U2", "import")]


def test_studierektor_may_move_a_trainee_only_within_the_area(con: Connection) -> None:
    assert check(con, "pS", {"trainees.csv": trainees(f"{ROW_TC},U3", unit=True)}) == [
        "trainees.csv:2: unit_id: enheten ligger utanför ditt område"
    ]
    assert one(con, "SELECT unit_id FROM trainee WHERE trainee_id = 'TC'") == "U1"
    assert check(con, "pS", {"trainees.csv": trainees(f"{ROW_TC},U2", unit=True)}) == []
    assert one(con, "SELECT unit_id FROM trainee WHERE trainee_id = 'TC'") == "U2"


def test_unit_id_is_kept_when_the_column_is_empty_and_must_name_a_unit(con: Connection) -> None:
    assert check(con, "pAdm", {"trainees.csv": trainees(f"{ROW_TD},", unit=True)}) == []
    assert one(con, "SELECT unit_id FROM trainee WHERE trainee_id = 'TD'") == "U3"
    assert check(con, "pAdm", {"trainees.csv": trainees(f"{ROW_TD},U9", unit=True)}) == [
        "trainees.csv:2: unit_id: okänd enhet: finns varken i units.csv eller i databasen"
    ]
    # An administrator's import is not limited to an area.
    assert check(con, "pAdm", {"trainees.csv": trainees(ROW_TD.replace("David ST", "David Ny"), f"{ROW_TC}")}) == []
    assert one(con, "SELECT name FROM trainee WHERE trainee_id = 'TD'") == "David Ny"


def test_import_scope_is_the_actors_office_units(con: Connection) -> None:
    assert services.imports.import_scope(con, actor(con, "pS")) == {"U1", "U2"}
    assert services.imports.import_scope(con, actor(con, "pS2")) == {"U3"}
    assert services.imports.import_scope(con, actor(con, "pAdm")) is None
    with pytest.raises(services.AccessDenied):
        services.imports.import_scope(con, actor(con, "pH"))


def test_cli_import_as_a_studierektor_applies_their_area(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "trainees.csv").write_bytes(trainees(ROW_TC.replace("Cecilia ST", "Omdöpt")))
    db = ["--db", str(db_path)]
    assert main(["import", str(bundle), "--as", "PS2@example.se", *db]) == 1
    err = capsys.readouterr().err
    assert "trainees.csv:2: trainee_id: ST-läkaren tillhör en enhet utanför ditt område" in err
    assert main(["import", str(bundle), "--as", "okand@example.se", *db]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "tracker: Ingen person med e-postadressen okand@example.se finns i databasen."
    ]
    assert main(["import", str(bundle), "--as", "ph@example.se", *db]) == 1
    assert "Import är till för studierektorer och administratörer" in capsys.readouterr().err
    assert main(["import", str(bundle), "--as", "ps@example.se", *db]) == 0
    assert main(["import", str(bundle), *db]) == 0  # the operator of the file: no limit
    c = connect(db_path)
    try:
        assert one(c, "SELECT name FROM trainee WHERE trainee_id = 'TC'") == "Omdöpt"
        assert one(c, "SELECT actor_person_id FROM audit_log WHERE action = 'import' ORDER BY audit_id LIMIT 1") == "pS"
    finally:
        c.close()


# --- 2. records owned by the app, and the audit log -----------------------------------------------


def test_import_cannot_sign_a_certificate_awaiting_signature_in_the_app(con: Connection) -> None:
    files = {
        "trainees.csv": trainees(ROW_TA),
        "certificates.csv": f"{CERT_HEADER}\nC1,TA,kurs,STa5,Ledarskap,,,Sara Studierektor,2025-01-10\n".encode(),
    }
    assert check(con, "pAdm", files) == [
        "certificates.csv:2: certificate_id: intyget är registrerat i appen och ändras där, inte genom import"
    ]
    assert con.execute("SELECT status, signed_date FROM certificate WHERE certificate_id = 'C1'").fetchall() == [
        ("skickat", None)
    ]


def test_an_unchanged_app_certificate_and_trainee_are_skipped(con: Connection) -> None:
    a = actor(con, "pAdm")
    files = {"trainees.csv": trainees(ROW_TA), "certificates.csv": f"{CERT_HEADER}\nC1,TA,kurs,STa5,Ledarskap,,,,\n".encode()}
    frames, errors = services.check_import(con, a, files)
    assert errors == []
    result = services.run_import(con, a, frames)
    assert (result.unchanged_certificates, result.unchanged_trainees) == (1, 1)
    assert one(con, "SELECT status FROM certificate WHERE certificate_id = 'C1'") == "skickat"
    assert import_audit(con) == [("import", "bundle", "1 ST-läkare")]


def test_import_refuses_to_change_a_trainee_entered_in_the_app(con: Connection) -> None:
    errors = check(con, "pAdm", {"trainees.csv": trainees(ROW_TA.replace("2023-01-01", "2023-02-01"))})
    assert errors == ["trainees.csv:2: trainee_id: ST-läkaren är registrerad i appen och ändras där, inte genom import"]
    errors = check(con, "pS", {"trainees.csv": trainees(f"{ROW_TA},U2", unit=True)})
    assert errors == ["trainees.csv:2: trainee_id: ST-läkaren är registrerad i appen och ändras där, inte genom import"]
    assert con.execute("SELECT st_start_date, unit_id FROM trainee WHERE trainee_id = 'TA'").fetchall() == [
        (D("2023-01-01"), "U1")
    ]


def test_every_import_change_has_its_own_audit_row(con: Connection) -> None:
    files = {
        "trainees.csv": trainees("T5,Ny ST,Allmänmedicin,2023-06-01,false,2024-01-01,,false,,U2",
                                 ROW_TC.replace("Cecilia ST", "Cecilia Ny") + ",", unit=True),
        "placements.csv": f"{PLACEMENT_HEADER}\nT5,ST,primarvard,VC Södra,2024-01-01,2024-12-31,100\n".encode(),
        "leave.csv": b"trainee_id,kind,start_date,end_date,percent\nT5,sjukfranvaro,2024-03-01,2024-03-10,100\n",
        "credits.csv": b"trainee_id,kind,months,note\nT5,doktorsexamen,2,Forskning\n",
        "certificates.csv": f"{CERT_HEADER}\nK5,T5,kurs,STa5,Ledarskap,2024-02-01,2024-02-03,,\n".encode(),
    }
    assert check(con, "pS", files) == []
    pid = one(con, "SELECT placement_id FROM placement WHERE trainee_id = 'T5'")
    entries = import_audit(con)
    assert sorted(entries) == sorted([
        ("import_add", "trainee", "T5"),
        ("import_update", "trainee", "TC"),
        ("import_add", "placement", str(pid)),
        ("import_add", "leave", str(one(con, "SELECT leave_id FROM leave WHERE trainee_id = 'T5'"))),
        ("import_add", "credit", str(one(con, "SELECT credit_id FROM credit WHERE trainee_id = 'T5'"))),
        ("import_add", "certificate", "K5"),
        ("import", "bundle", "2 ST-läkare"),
    ])
    before, after = con.execute(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'import_update' AND entity_id = 'TC'"
    ).fetchone()  # type: ignore[misc]
    assert (json.loads(before)["name"], json.loads(after)["name"]) == ("Cecilia ST", "Cecilia Ny")
    added = json.loads(str(one(con, "SELECT after_json FROM audit_log WHERE action = 'import_add' AND entity = 'trainee'")))
    assert (added["unit_id"], added["st_start_date"]) == ("U2", "2024-01-01")
    assert {r[0] for r in con.execute("SELECT DISTINCT actor_person_id FROM audit_log WHERE action LIKE 'import%'")
            .fetchall()} == {"pS"}

    # The same bundle again changes nothing and logs only the bundle.
    assert check(con, "pS", files) == []
    assert import_audit(con)[len(entries):] == [("import", "bundle", "2 ST-läkare")]

    # A corrected placement replaces the earlier one: its removal and the new row are logged.
    files["placements.csv"] = files["placements.csv"].replace(b",100\n", b",50\n")
    assert check(con, "pS", files) == []
    new_pid = one(con, "SELECT placement_id FROM placement WHERE trainee_id = 'T5'")
    assert import_audit(con)[len(entries) + 1:] == [
        ("import_delete", "placement", str(pid)),
        ("import_add", "placement", str(new_pid)),
        ("import", "bundle", "2 ST-läkare"),
    ]
    removed = one(con, "SELECT before_json FROM audit_log WHERE action = 'import_delete' AND entity_id = ?", [str(pid)])
    added_row = one(con, "SELECT after_json FROM audit_log WHERE action = 'import_add' AND entity_id = ?", [str(new_pid)])
    assert json.loads(str(removed))["percent"] == 100.0 and json.loads(str(added_row))["percent"] == 50.0


def test_a_changed_unsigned_import_certificate_is_updated_and_logged(con: Connection) -> None:
    draft = f"{CERT_HEADER}\nK8,TC,kurs,a1;b1,Kurs,2023-01-01,2023-01-02,,\n"
    files = {"trainees.csv": trainees(ROW_TC), "certificates.csv": draft.encode()}
    assert check(con, "pS", files) == []
    files["certificates.csv"] = draft.replace("a1;b1,Kurs,", "a2,Kurs i ledarskap,").replace(
        ",,\n", ",Hanna Handledare,2023-01-05\n"
    ).encode()
    assert check(con, "pS", files) == []
    assert con.execute(
        "SELECT title, status, signed_by, signed_date, source FROM certificate WHERE certificate_id = 'K8'"
    ).fetchall() == [("Kurs i ledarskap", "signerat", "Hanna Handledare", D("2023-01-05"), "import")]
    assert con.execute("SELECT code FROM certificate_delmal WHERE certificate_id = 'K8'").fetchall() == [("a2",)]
    before, after = con.execute(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'import_update' AND entity_id = 'K8'"
    ).fetchone()  # type: ignore[misc]
    assert (json.loads(before)["delmal"], json.loads(after)["delmal"]) == (["a1", "b1"], ["a2"])
    assert (json.loads(before)["status"], json.loads(after)["status"]) == ("utkast", "signerat")


# --- 3. dates within bounds -------------------------------------------------------------------


def test_import_refuses_dates_outside_1950_to_2099(con: Connection) -> None:
    files = {
        "trainees.csv": trainees(ROW_TC.replace("2021-06-01", "1900-01-01")),
        "placements.csv": f"{PLACEMENT_HEADER}\nTC,ST,primarvard,VC,2022-01-01,9999-12-31,100\n".encode(),
    }
    assert check(con, "pAdm", files) == [
        f"placements.csv:2: end_date: {DATE_RANGE}",
        f"trainees.csv:2: legitimation_date: {DATE_RANGE}",
    ]
    assert one(con, "SELECT count(*) FROM placement") == 0


def test_app_refuses_a_placement_ending_in_the_year_9999(con: Connection) -> None:
    with pytest.raises(InputError) as exc:
        services.add_placement(con, actor(con, "pA"), "TA", kind="ST", setting="primarvard",
                               start_date=D("2024-01-01"), end_date=date(9999, 12, 31), percent=100)
    assert [(e.column, e.message) for e in exc.value.errors] == [("end_date", DATE_RANGE)]
    with pytest.raises(InputError) as exc:
        services.add_leave(con, actor(con, "pA"), "TA", kind="sjukfranvaro", start_date=D("1949-12-31"),
                           end_date=D("2024-01-01"))
    assert [(e.column, e.message) for e in exc.value.errors] == [("start_date", DATE_RANGE)]
    with pytest.raises(InputError) as exc:
        services.add_certificate(con, actor(con, "pA"), "TA", type="kurs", title="Kurs", delmal=["STa5"],
                                 start_date=D("2024-01-01"), end_date=D("2100-01-01"))
    assert [(e.column, e.message) for e in exc.value.errors] == [("end_date", DATE_RANGE)]
    assert one(con, "SELECT count(*) FROM placement") == 0


# --- 4. zip bombs and huge files --------------------------------------------------------------

_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKBOOK_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="' + _REL + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + _NS + b' xmlns:r="' + _REL + b'">'
    b'<sheets><sheet name="trainees" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="' + _REL + b'/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def _bomb(megabytes: int) -> bytes:
    """A valid workbook whose sheet unpacks to ``megabytes`` MB of identical rows (written as a stream)."""
    buf = io.BytesIO()
    rows = b'<row><c t="inlineStr"><is><t>E1</t></is></c></row>' * 20_000  # 1 MB
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for part, content in _WORKBOOK_PARTS.items():
            z.writestr(part, content)
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + _NS + b"><sheetData>")
            for _ in range(megabytes):
                f.write(rows)
            f.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def test_the_bomb_is_a_readable_workbook_when_small() -> None:
    frames = read_uploads({"bundle.xlsx": _bomb(1)})
    assert list(frames) == ["trainees.csv"] and len(frames["trainees.csv"]) == 19_999


def test_a_zip_bomb_workbook_is_a_quick_row_error(con: Connection) -> None:
    bomb = _bomb(100)
    assert len(bomb) < 1024 * 1024
    started = time.perf_counter()
    frames, errors = services.check_import(con, actor(con, "pAdm"), {"bundle.xlsx": bomb})
    assert time.perf_counter() - started < 2
    assert frames == {}
    assert [(e.file, e.line) for e in errors] == [("bundle.xlsx", 1)]
    assert "packas upp till mer än 60 MB" in errors[0].message


def test_a_workbook_packed_absurdly_tight_is_refused_below_the_size_limit(con: Connection) -> None:
    frames, errors = services.check_import(con, actor(con, "pAdm"), {"bundle.xlsx": _bomb(20)})
    assert [str(e) for e in errors] == [
        "bundle.xlsx:1: -: arbetsboken är onormalt hårt packad (möjlig zip-bomb) och läses inte"
    ]


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_sheet_or_csv_file_with_too_many_rows_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_ROWS", 5)
    row = ROW_TC.split(",")
    book = _workbook({"trainees": [HEADER.split(","), *([row] * 6)]})
    with pytest.raises(ImportRejected) as exc:
        read_uploads({"bundle.xlsx": book})
    assert [str(e) for e in exc.value.errors] == ["trainees.csv:1: -: filen har fler än 5 rader; dela upp den"]
    with pytest.raises(ImportRejected) as exc:
        read_uploads({"trainees.csv": trainees(*([ROW_TC] * 6))})
    assert [str(e) for e in exc.value.errors] == ["trainees.csv:1: -: filen har fler än 5 rader; dela upp den"]
    assert len(read_uploads({"trainees.csv": trainees(*([ROW_TC] * 5))})["trainees.csv"]) == 5


def test_workbook_cells_are_read_as_the_text_a_csv_file_holds() -> None:
    from datetime import datetime

    book = _workbook({
        "Placements": [
            ["trainee_id", "kind", "setting", "workplace", "start_date", "end_date", "percent"],
            ["TC", "ST", "primarvard", None, datetime(2022, 1, 1), date(2022, 12, 31), 100.0],
            [],
            ["TC", "ST", "primarvard", "VC", "2023-01-01", datetime(2023, 6, 30, 12, 30), 75.5],
        ],
        "Annat": [["x"]],
        "trainees": [HEADER.split(","), ROW_TC.split(",")],
    })
    frames = read_uploads({"bundle.xlsx": book})
    assert set(frames) == {"placements.csv", "trainees.csv"}
    p = frames["placements.csv"]
    assert p.to_dict("records") == [
        {"trainee_id": "TC", "kind": "ST", "setting": "primarvard", "workplace": "", "start_date": "2022-01-01",
         "end_date": "2022-12-31", "percent": "100"},
        {"trainee_id": "TC", "kind": "ST", "setting": "primarvard", "workplace": "VC", "start_date": "2023-01-01",
         "end_date": "2023-06-30 12:30:00", "percent": "75.5"},
    ]
    assert list(p.index + 2) == [2, 4]  # the rows of the sheet, past the empty one


# --- 5. malformed files and text --------------------------------------------------------------


def test_an_empty_file_is_a_row_error() -> None:
    for data in (b"", b"\xef\xbb\xbf", b"  \n\r\n "):
        with pytest.raises(ImportRejected) as exc:
            read_uploads({"trainees.csv": data})
        assert [str(e) for e in exc.value.errors] == ["trainees.csv:1: -: filen är tom"]
    with pytest.raises(ImportRejected) as exc:
        read_uploads({"bundle.xlsx": b""})
    assert [str(e) for e in exc.value.errors] == ["bundle.xlsx:1: -: filen är tom"]


def test_a_row_with_more_fields_than_the_header_names_its_line(con: Connection) -> None:
    files = {
        "trainees.csv": trainees(ROW_TC),
        "placements.csv": f"{PLACEMENT_HEADER}\nTC,ST,primarvard,VC,2022-01-01,2022-12-31,100\n"
        "TC,ST,primarvard,VC,2023-01-01,2023-12-31,100,extra\n".encode(),
    }
    assert check(con, "pAdm", files) == ["placements.csv:3: -: raden har 8 värden men rubrikraden bara 7 kolumner"]


def test_a_credit_of_more_than_66_months_is_a_row_error(con: Connection) -> None:
    files = {"trainees.csv": trainees(ROW_TC), "credits.csv": b"trainee_id,kind,months,note\nTC,annan,100,\nTC,annan,66,\n"}
    assert check(con, "pAdm", files) == [
        "credits.csv:2: months: ska vara ett tal större än 0 och högst 66 (månader)"
    ]
    assert one(con, "SELECT count(*) FROM credit") == 0


def test_a_header_repeating_a_column_in_another_case_is_refused() -> None:
    text = HEADER.replace("name,", "name, Name ,") + "\n" + ROW_TC.replace("Cecilia ST,", "Cecilia ST,Cecilia,") + "\n"
    with pytest.raises(ImportRejected) as exc:
        read_uploads({"trainees.csv": text.encode()})
    assert [str(e) for e in exc.value.errors] == ["trainees.csv:1: name: kolumnen förekommer mer än en gång i rubrikraden"]


def test_nul_bytes_and_control_characters_in_cells_are_row_errors(con: Connection) -> None:
    files = {
        "trainees.csv": trainees(ROW_TC.replace("Cecilia ST", "Cecilia\x00ST")),
        "placements.csv": f"{PLACEMENT_HEADER}\nTC,ST,primarvard,VC\x1b[2J,2022-01-01,2022-12-31,100\n".encode(),
    }
    assert check(con, "pAdm", files) == [
        "placements.csv:2: workplace: värdet innehåller otillåtna tecken (styrtecken)",
        "trainees.csv:2: name: värdet innehåller otillåtna tecken (styrtecken)",
    ]
    assert one(con, "SELECT name FROM trainee WHERE trainee_id = 'TC'") == "Cecilia ST"


def test_a_megabyte_name_is_a_row_error_and_not_stored(con: Connection) -> None:
    huge = "x" * 1_000_000
    files = {
        "trainees.csv": trainees(ROW_TC.replace("Cecilia ST", huge)),
        "certificates.csv": f"{CERT_HEADER}\nK7,TC,kurs,a1,{'t' * 201},,,,\n".encode(),
        "credits.csv": f"trainee_id,kind,months,note\nTC,annan,2,{'n' * 1001}\n".encode(),
    }
    assert check(con, "pAdm", files) == [
        "certificates.csv:2: title: högst 200 tecken",
        "credits.csv:2: note: högst 1000 tecken",
        "trainees.csv:2: name: högst 200 tecken",
    ]
    assert one(con, "SELECT max(length(name)) FROM trainee") == len("Cecilia ST")


def test_app_text_with_control_characters_is_refused(con: Connection) -> None:
    anna = actor(con, "pA")
    with pytest.raises(InputError) as exc:
        services.add_placement(con, anna, "TA", kind="ST", setting="primarvard", start_date=D("2024-01-01"),
                               end_date=D("2024-02-01"), percent=100, workplace="VC\x00Norra")
    assert [e.column for e in exc.value.errors] == ["workplace"]
    with pytest.raises(InputError) as exc:
        services.add_certificate(con, anna, "TA", type="kurs", title="Kurs\x1b", delmal=["STa5"])
    assert [(e.column, e.message) for e in exc.value.errors] == [
        ("title", "värdet innehåller otillåtna tecken (styrtecken)")
    ]


def test_a_bundle_directory_reports_every_unreadable_file(tmp_path: Path, con: Connection) -> None:
    (tmp_path / "trainees.csv").write_bytes(trainees(ROW_TC))
    (tmp_path / "leave.csv").write_bytes(b"")
    (tmp_path / "credits.csv").write_bytes(b"trainee_id,kind,months,note\nTC,annan,2,x,y\n")
    with pytest.raises(ImportRejected) as exc:
        import_bundle(con, tmp_path)
    assert [str(e) for e in exc.value.errors] == [
        "credits.csv:2: -: raden har 5 värden men rubrikraden bara 4 kolumner",
        "leave.csv:1: -: filen är tom",
    ]


def test_an_imported_certificate_sent_for_signature_in_the_app_cannot_be_signed_by_a_reimport(con: Connection) -> None:
    unsigned = f"{CERT_HEADER}\nC7,TC,kurs,a1,Ledarskap,,,,\n".encode()
    assert check(con, "pAdm", {"trainees.csv": trainees(ROW_TC), "certificates.csv": unsigned}) == []
    con.execute("UPDATE certificate SET status = 'skickat', signer_person_id = 'pS' WHERE certificate_id = 'C7'")
    signed = f"{CERT_HEADER}\nC7,TC,kurs,a1,Ledarskap,,,Någon Annan,2025-01-10\n".encode()
    assert check(con, "pAdm", {"trainees.csv": trainees(ROW_TC), "certificates.csv": signed}) == [
        "certificates.csv:2: certificate_id: intyget är skickat för signering i appen och ändras där, inte genom import"
    ]
    # Repeating it unchanged is fine and changes nothing.
    assert check(con, "pAdm", {"trainees.csv": trainees(ROW_TC), "certificates.csv": unsigned}) == []
    assert con.execute("SELECT status, signed_date FROM certificate WHERE certificate_id = 'C7'").fetchall() == [
        ("skickat", None)
    ]


def test_a_trainees_file_without_the_trainee_id_column_is_a_row_error_not_a_crash(con: Connection) -> None:
    bad_header = HEADER.replace("trainee_id", "traine_id", 1)
    errors = check(con, "pAdm", {"trainees.csv": f"{bad_header}\n{ROW_TA}\n".encode()})
    assert errors and all(e.startswith("trainees.csv:1: ") for e in errors), errors
    assert any("trainee_id" in e for e in errors)
    # A file that starts with the byte order mark twice reads like one with it once.
    doubled = "\ufeff\ufeff" + HEADER + "\n" + ROW_TA + "\n"
    assert check(con, "pAdm", {"trainees.csv": doubled.encode()}) == []


def test_demo_records_are_protected_like_app_records(con: Connection) -> None:
    """Demo data stands for entries made in the app: an import cannot sign a demo draft."""
    con.execute(
        "INSERT INTO certificate (certificate_id, trainee_id, type, title, status, source) "
        "VALUES ('D1', 'TC', 'kurs', 'Demo-kurs', 'utkast', 'demo')"
    )
    con.execute("INSERT INTO certificate_delmal VALUES ('D1', 'a1')")
    signed = f"{CERT_HEADER}\nD1,TC,kurs,a1,Demo-kurs,,,Någon,2025-01-10\n".encode()
    assert check(con, "pAdm", {"trainees.csv": trainees(ROW_TC), "certificates.csv": signed}) == [
        "certificates.csv:2: certificate_id: intyget är registrerat i appen och ändras där, inte genom import"
    ]
    assert con.execute("SELECT status FROM certificate WHERE certificate_id = 'D1'").fetchone() == ("utkast",)


def test_a_file_full_of_bad_rows_stops_at_a_full_report(con: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.ingest import validate as validation

    monkeypatch.setattr(validation, "MAX_REPORTED_ERRORS", 5)
    monkeypatch.setattr(validation, "CHUNK_ROWS", 4)
    rows = "".join(f"TC,ST,primarvard,VC,2024-13-0{i % 9 + 1},2024-01-01,100\n" for i in range(40))
    errors = check(con, "pAdm", {"trainees.csv": trainees(ROW_TC), "placements.csv": f"{PLACEMENT_HEADER}\n{rows}".encode()})
    assert len(errors) == 6
    assert errors[-1].startswith("placements.csv:") and "mer än 5 fel" in errors[-1]
    assert int(errors[-1].split(":")[1]) < 42  # the rows after it were never read


@pytest.mark.parametrize("text", ["Anna\u202eTS", "Anna\u200bST", "Anna\u2066ST"])
def test_invisible_characters_that_reorder_or_hide_text_are_row_errors(con: Connection, text: str) -> None:
    errors = check(con, "pAdm", {"trainees.csv": trainees(f"T7,{text},Allmänmedicin,2023-06-01,false,2024-01-01,,false,")})
    assert errors == ["trainees.csv:2: name: värdet innehåller otillåtna tecken (styrtecken)"]


def test_two_sheets_for_the_same_file_are_refused(con: Connection) -> None:
    from io import BytesIO

    from openpyxl import Workbook  # type: ignore[import-untyped]

    wb = Workbook()
    first = wb.active
    first.title = "trainees"
    second = wb.create_sheet("TRAINEES.CSV")
    for ws in (first, second):
        ws.append(HEADER.split(","))
    buf = BytesIO()
    wb.save(buf)
    errors = check(con, "pAdm", {"bundle.xlsx": buf.getvalue()})
    assert len(errors) == 1 and "två flikar motsvarar trainees.csv" in errors[0]
