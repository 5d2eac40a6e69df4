"""Importing bundles: all or nothing, every bad row reported, repeatable, app records kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.cli import main
from tracker.errors import ImportRejected
from tracker.ingest.load import ImportResult, import_bundle
from tracker.store import Connection

COUNT_TABLES = ("trainee", "placement", "leave", "credit", "certificate", "certificate_delmal")


def counts(con: Connection) -> dict[str, int]:
    cur = con.cursor()
    return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNT_TABLES}  # type: ignore[index]


def write(bundle: Path, name: str, text: str) -> None:
    (bundle / name).write_text(text, encoding="utf-8")


CERTS = (
    "certificate_id,trainee_id,type,delmal,title,start_date,end_date,signed_by,signed_date\n"
    "K1,E3,kurs,STa1;STb3,Ledarskap,2023-05-01,2023-05-03,Anna Handledare,2023-05-10\n"
    "K2,E3,klinisk_tjanstgoring,STc1,Medicinkliniken,2023-03-01,2024-02-29,,\n"
    "K3,E1,sammankomst,a1;b1,FSL – Framtidens Specialistläkare,2023-09-27,2023-09-29,Kursledare,2023-09-29\n"
    "K4,E3,bt_delmal,BT1;BT2,BT-intyg,2022-09-01,2023-02-28,Anna Handledare,2023-03-15\n"
)


def test_importing_the_same_bundle_twice_equals_importing_it_once(example_bundle: Path, con: Connection) -> None:
    write(example_bundle, "certificates.csv", CERTS)
    import_bundle(con, example_bundle)
    once = counts(con)
    import_bundle(con, example_bundle)
    assert counts(con) == once
    assert once == {"trainee": 6, "placement": 12, "leave": 2, "credit": 1, "certificate": 4,
                    "certificate_delmal": 7}


def test_import_never_deletes_records_entered_in_the_app(example_bundle: Path, con: Connection) -> None:
    import_bundle(con, example_bundle)
    con.execute("INSERT INTO placement (trainee_id, kind, setting, start_date, end_date, percent, source) "
                "VALUES ('E1', 'ST', 'primarvard', DATE '2025-01-01', DATE '2025-06-30', 100, 'app')")
    import_bundle(con, example_bundle)
    rows = con.execute("SELECT source, count(*) FROM placement WHERE trainee_id = 'E1' GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("app", 1), ("import", 2)]


def test_a_corrected_bundle_replaces_the_earlier_import(example_bundle: Path, con: Connection) -> None:
    import_bundle(con, example_bundle)
    text = (example_bundle / "placements.csv").read_text().replace(
        "E2,ST,internmedicin,Geriatriska kliniken,2020-03-01,2025-02-28,80",
        "E2,ST,internmedicin,Geriatriska kliniken,2020-03-01,2025-02-28,90")
    write(example_bundle, "placements.csv", text)
    import_bundle(con, example_bundle)
    assert con.execute("SELECT percent FROM placement WHERE trainee_id = 'E2'").fetchall() == [(90.0,)]


BAD_PLACEMENTS = (
    "trainee_id,kind,setting,workplace,start_date,end_date,percent\n"
    "E1,ST,primarvard,VC,2020-01-01,2024-12-31,100\n"   # line 2 fine
    "X9,ST,primarvard,VC,2020-01-01,2020-12-31,100\n"   # line 3 unknown trainee
    "E2,ST,psykiatri,PN,2021-05-01,2021-04-01,75\n"     # line 4 end before start
    "E2,XT,psykiatri,PN,2021-05-01,2021-06-01,75\n"     # line 5 unknown kind
    "E3,ST,kirurgi,KK,2023-01-01,2023-02-30,150\n"      # line 6 bad date and percent
    "E4,ST,kirurgi,KK,2023-01-01,2023-02-01,0\n"        # line 7 percent 0
)


def test_bad_rows_are_all_reported_and_nothing_is_written(example_bundle: Path, con: Connection) -> None:
    write(example_bundle, "placements.csv", BAD_PLACEMENTS)
    write(example_bundle, "trainees.csv", (example_bundle / "trainees.csv").read_text()
          + "E1,Dubblett,Allmänmedicin,2019-06-01,true,2020-01-01,,false,\n"
          + "E7,Okänd Specialitet,Hjärnkirurgi,2019-06-01,true,2020-01-01,,maybe,\n")
    write(example_bundle, "certificates.csv", CERTS
          + "K5,E3,kurs,STc99,Okänd,2023-01-01,2023-01-02,,\n"
          + "K6,E1,kurs,STa1,Fel regelverk,2023-01-01,2023-01-02,,\n"
          + "K1,E3,kurs,STa1,Dubblett,2023-01-01,2023-01-02,,\n")
    before = counts(con)
    with pytest.raises(ImportRejected) as exc:
        import_bundle(con, example_bundle)
    assert counts(con) == before
    messages = [str(e) for e in exc.value.errors]
    assert messages == [
        "certificates.csv:6: delmal: delmålskod finns inte i ST-läkarens målbeskrivning",
        "certificates.csv:7: delmal: delmålskod finns inte i ST-läkarens målbeskrivning",
        "certificates.csv:8: certificate_id: id förekommer mer än en gång",
        "placements.csv:3: trainee_id: okänd ST-läkare: finns varken i trainees.csv eller i databasen",
        "placements.csv:4: end_date: slutdatum ligger före startdatum",
        "placements.csv:5: kind: okänd typ; tillåtna: AT, BT, ST",
        "placements.csv:6: end_date: datum ska skrivas ÅÅÅÅ-MM-DD (t.ex. 2024-03-01)",
        "placements.csv:6: percent: ska vara ett tal mellan 1 och 100",
        "placements.csv:7: percent: ska vara ett tal mellan 1 och 100",
        "trainees.csv:8: trainee_id: id förekommer mer än en gång",
        "trainees.csv:9: doktorsexamen: ska vara true eller false",
    ]


def test_unknown_specialty_is_a_row_error(example_bundle: Path, con: Connection) -> None:
    write(example_bundle, "trainees.csv", (example_bundle / "trainees.csv").read_text()
          + "E7,Okänd Specialitet,Hjärnkirurgi,2019-06-01,true,2020-01-01,,false,\n")
    with pytest.raises(ImportRejected) as exc:
        import_bundle(con, example_bundle)
    assert [str(e) for e in exc.value.errors] == [
        "trainees.csv:8: specialty: okänd specialitet (se målbeskrivningarna)"
    ]


def test_missing_column_is_reported_on_the_header_line(example_bundle: Path, con: Connection) -> None:
    write(example_bundle, "leave.csv", "trainee_id,kind,start_date,end_date\nE2,foraldraledighet,2021-01-01,2021-06-30\n")
    with pytest.raises(ImportRejected) as exc:
        import_bundle(con, example_bundle)
    assert [str(e) for e in exc.value.errors] == ["leave.csv:1: percent: kolumnen saknas i rubrikraden"]


def test_signed_certificate_cannot_be_changed_by_a_later_import(example_bundle: Path, con: Connection) -> None:
    write(example_bundle, "certificates.csv", CERTS)
    import_bundle(con, example_bundle)
    import_bundle(con, example_bundle)  # unchanged repeat is fine
    write(example_bundle, "certificates.csv", CERTS.replace("STa1;STb3,Ledarskap", "STa1,Ledarskap"))
    with pytest.raises(ImportRejected) as exc:
        import_bundle(con, example_bundle)
    assert [str(e) for e in exc.value.errors] == [
        "certificates.csv:2: certificate_id: intyget är redan signerat (eller makulerat) i databasen och kan inte ändras"
    ]


def test_imported_certificates_drive_delmal_status(example_bundle: Path, con: Connection) -> None:
    from datetime import date

    from tracker.rules.progress import progress_for

    write(example_bundle, "certificates.csv", CERTS)
    import_bundle(con, example_bundle)
    e3 = progress_for(con, "E3", date(2024, 6, 30))
    assert e3.delmal["STa1"] == "uppfyllt"  # STa1 requires a course; K1 is a signed course
    assert e3.delmal["STc1"] == "pågår"  # K2 unsigned
    assert e3.bt is not None and e3.bt.delmal["BT1"] == "uppfyllt" and e3.bt.delmal["BT3"] == "ej påbörjat"
    e1 = progress_for(con, "E1", date(2024, 6, 30))
    assert e1.delmal["a1"] == "pågår"  # a congress (sammankomst) is recorded, never required


def test_cli_import_prints_every_bad_row_and_exits_nonzero(
    example_bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(example_bundle, "placements.csv", BAD_PLACEMENTS)
    assert main(["import", str(example_bundle), "--db", str(tmp_path / "c.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "placements.csv:4: end_date: slutdatum ligger före startdatum" in err
    assert "inget skrevs till databasen" in err


def test_semicolon_separated_excel_export_is_read(example_bundle: Path, con: Connection) -> None:
    text = (example_bundle / "credits.csv").read_text().replace(",", ";")
    write(example_bundle, "credits.csv", text)
    import_bundle(con, example_bundle)
    assert con.execute("SELECT months FROM credit").fetchall() == [(4.5,)]


def test_excel_workbook_with_the_same_sheets_is_imported(example_bundle: Path, con: Connection) -> None:
    import io

    import pandas as pd

    from tracker.ingest.load import import_frames
    from tracker.ingest.read import read_uploads

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name in ("trainees", "placements", "leave", "credits"):
            df = pd.read_csv(example_bundle / f"{name}.csv", dtype=str, keep_default_na=False)
            if name == "placements":  # real date cells, as Excel stores them
                df["start_date"] = pd.to_datetime(df["start_date"])
            df.to_excel(xl, sheet_name=name, index=False)
    import_frames(con, read_uploads({"bundle.xlsx": buf.getvalue()}))
    assert counts(con)["placement"] == 12 and counts(con)["leave"] == 2


def test_upload_of_an_unknown_file_is_refused(con: Connection) -> None:
    from tracker.ingest.read import read_uploads

    with pytest.raises(ImportRejected) as exc:
        read_uploads({"evil.exe": b"MZ"})
    assert "okänd fil" in str(exc.value.errors[0])


@pytest.mark.parametrize(("counts", "text"), [
    ({"ST-läkare": 1, "placeringar": 1, "ledigheter": 1, "tillgodoräknanden": 1, "intyg": 1},
     "Importerade 1 ST-läkare, 1 placering, 1 ledighet, 1 tillgodoräknande, 1 intyg."),
    ({"ST-läkare": 6, "placeringar": 12, "tillgodoräknanden": 2, "enheter": 1, "personer": 3},
     "Importerade 6 ST-läkare, 12 placeringar, 2 tillgodoräknanden, 1 enhet, 3 personer."),
])
def test_the_import_summary_counts_in_correct_swedish(counts: dict[str, int], text: str) -> None:
    assert ImportResult(counts=counts).summary() == text
