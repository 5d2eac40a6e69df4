"""The IUP / progress report (``services.iup_report``, ``tracker report``, the download in the app): an A4 PDF
whose text holds the computed figures, that flows onto numbered pages, follows the reader's scope and is
audited when someone other than the trainee makes it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from pypdf import PdfReader
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from dashboards import format as fmt
from tracker import services
from tracker.accounts import Actor, actor_for_email
from tracker.cli import main
from tracker.demo import load_demo
from tracker.documents.report import (
    LEAVE,
    CoveringCertificate,
    DelmalLine,
    Period,
    ReportData,
    printable,
    render,
)
from tracker.domain import REG_2015, REG_2021, STATUS_EJ, STATUS_PAGAR, STATUS_UPPFYLLT
from tracker.errors import AccessDenied, NotFoundError
from tracker.rules.numbers import sv_number
from tracker.store import Connection, connect

TODAY = date.today()
ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
A4 = (595.28, 841.89)
STATUS_WORD = {STATUS_UPPFYLLT: "Uppfyllt", STATUS_PAGAR: "Pågår", STATUS_EJ: "Ej påbörjat"}
PAGE_NUMBER = re.compile(r"Sida (\d+) av (\d+)")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database (40 trainees, both regulations) for the module; the reports' audit rows go into it."""
    path = tmp_path_factory.mktemp("report") / "demo.duckdb"
    con = connect(path)
    load_demo(con, trainees=40, seed=11, as_of=TODAY)
    con.close()
    return path


@pytest.fixture(scope="module")
def con(seeded: Path) -> Iterator[Connection]:
    c = connect(seeded)
    yield c
    c.close()


def rows(con: Connection, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return con.cursor().execute(sql, params or []).fetchall()


def actor(con: Connection, email: str) -> Actor:
    found = actor_for_email(con, email)
    assert found is not None, email
    return found


def admin(con: Connection) -> Actor:
    return actor(con, "admin@demo.se")


def flat(text: str) -> str:
    return " ".join(text.split())


def pages(pdf: bytes) -> list[str]:
    """Each page's text."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def body(pdf: bytes) -> str:
    """The report's text on one line, the page footers left out (a paragraph may run over a page break)."""
    texts = []
    for text in pages(pdf):
        lines = [
            line for line in text.splitlines() if not line.startswith("IUP-rapport ·") and not PAGE_NUMBER.search(line)
        ]
        texts.append("\n".join(lines))
    return flat("\n".join(texts))


def trainee_under(con: Connection, regulation: str) -> str:
    """A demo trainee under ``regulation`` with something still missing, a projected date and delmål under way."""
    for (tid,) in rows(con, "SELECT trainee_id FROM trainee ORDER BY trainee_id"):
        p = services.trainee_overview(con, admin(con), tid, TODAY)
        if (
            p.regulation == regulation
            and p.missing_items
            and p.projected_completion_date
            and STATUS_PAGAR in p.delmal.values()
        ):
            return str(tid)
    raise AssertionError(f"no demo trainee under {regulation}")


def own_trainee(con: Connection) -> str:
    return str(
        rows(con, "SELECT trainee_id FROM trainee JOIN person USING (person_id) WHERE email = 'st@demo.se'")[0][0]
    )


# --- the report's content --------------------------------------------------------------------


@pytest.mark.parametrize("regulation", [REG_2015, REG_2021])
def test_report_is_a4_and_its_text_holds_the_computed_progress(con: Connection, regulation: str) -> None:
    tid = trainee_under(con, regulation)
    tv = services.trainee_view(con, admin(con), tid, TODAY)
    p = tv.progress
    pdf = services.iup_report(con, admin(con), tid, TODAY)

    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.01)
    text = body(pdf)
    assert tv.record.trainee.name in text
    assert f"Regelverk {regulation}" in text
    # The progress figure: counted of required months, with a decimal comma where there are decimals.
    counted = f"{sv_number(p.counted_months)} av {sv_number(p.required_months)} mån"
    assert f"Tid mot minimitiden {counted}" in text
    assert p.counted_months.denominator == 1 or "," in sv_number(p.counted_months)
    assert f"Återstår till minimitiden {sv_number(p.remaining_months)} mån" in text
    assert f"Beräknat klar {fmt.sv_date(p.projected_completion_date)}" in text
    # Every delmål: its code, title and status word, in the catalogue's order.
    at = 0
    for r in tv.delmal.to_dict("records"):
        row = f"{r['code']} {flat(r['title'])} {STATUS_WORD[r['status']]}"
        found = text.find(row, at)
        assert found >= 0, row
        at = found + len(row)
    for item in p.missing_items:
        assert flat(item.text) in text
    for notice in p.notices:
        assert flat(notice) in text
    assert "Klar att ansöka om bevis om specialistkompetens Nej" in text
    if regulation == REG_2021:
        assert p.bt is not None
        done = sum(1 for v in p.bt.delmal.values() if v == STATUS_UPPFYLLT)
        assert f"BT-tid {sv_number(p.bt.months)} av 6 mån" in text
        assert f"BT-delmål {done} av {len(p.bt.delmal)} uppfyllda" in text
        assert "BT-period" in text
    else:
        assert p.bt is None and "Bastjänstgöring (BT)" not in text
    assert "ST-period" in text and f"Rapportdag {fmt.sv_date(TODAY)}" in text
    # No personnummer, in any form.
    assert not re.search(r"\d{6,8}-?\d{4}", text)


def test_a_trainee_with_many_certificates_flows_onto_numbered_pages_listing_each_intyg(con: Connection) -> None:
    tid, n_certs = rows(
        con,
        """SELECT trainee_id, count(*) FROM certificate_delmal JOIN certificate USING (certificate_id)
           WHERE status <> 'makulerat' GROUP BY trainee_id ORDER BY count(*) DESC, trainee_id LIMIT 1""",
    )[0]
    assert n_certs >= 20
    pdf = services.iup_report(con, admin(con), tid, TODAY)
    texts = pages(pdf)
    assert len(texts) >= 3
    for i, page in enumerate(texts, start=1):
        assert PAGE_NUMBER.findall(page) == [(str(i), str(len(texts)))]
        assert f"per {fmt.sv_date(TODAY)}" in page
    text = body(pdf)
    certs = services.certificates(con, admin(con), tid)
    shown = certs[(certs["status"] != "makulerat") & certs["delmal"].map(len).astype(bool)]
    assert len(shown)
    for r in shown.to_dict("records"):
        title = r["title"] if isinstance(r["title"], str) else ""
        label = r["type_label"] if not title or title == r["type_label"] else f"{r['type_label']}: {title}"
        when = f"signerat {fmt.sv_date(r['signed_date'])}" if r["status"] == "signerat" else r["status_label"].lower()
        assert flat(f"{label} · {when}") in text
    assert "· makulerat" not in text, "voided intyg are left out"


def test_people_text_is_printed_as_typed_never_as_markup_or_a_link() -> None:
    name = 'Åsa <b>Öberg</b> & <a href="https://example.org">länk</a> – ≥ Łukasz Dąbrowski 🙂'
    data = ReportData(
        trainee_id="T1",
        name=name,
        specialty="Allmänmedicin",
        regulation=REG_2015,
        st_start=date(2024, 3, 1),
        unit="VC <i>Öst</i>",
        region="Region Test",
        huvudhandledare=("Hanna & Co",),
        handledare=(),
        as_of=date(2026, 12, 1),
        required_months=Fraction(60),
        service_months=Fraction(121, 4),
        credited_months=Fraction(0),
        projected_completion=date(2030, 2, 28),
        bt=None,
        periods=(
            Period("ST", "Primärvård", date(2024, 3, 1), date(2027, 2, 28), 75.0),
            Period(LEAVE, "Föräldraledighet", date(2025, 1, 1), date(2025, 6, 30), 100.0),
        ),
        delmal=(
            DelmalLine(
                "a1",
                "Medarbetarskap",
                STATUS_PAGAR,
                False,
                (CoveringCertificate("Kurs", "<script>x</script>", None, "Skickat för signering"),),
            ),
        ),
        missing_items=("Delmål a1 är inte uppfyllt.",),
        notices=(),
    )
    pdf = render(data)
    text = body(pdf)
    assert printable(name) == 'Åsa <b>Öberg</b> & <a href="https://example.org">länk</a> – ≥ Łukasz Dabrowski ?'
    assert printable(name) in text
    assert "VC <i>Öst</i>" in text and "Kurs: <script>x</script> · skickat för signering" in text
    assert "30,25 av 60 mån (50 % av minimitiden)" in text
    assert "Beräknat klar 28 februari 2030" in text
    reader = PdfReader(io.BytesIO(pdf))
    assert all("/Annots" not in page for page in reader.pages), "no link annotations"
    assert reader.metadata is not None and reader.metadata.title == f"IUP-rapport {printable(name)}"


def test_a_trainee_with_nothing_recorded_yet_gets_one_page_that_says_so() -> None:
    data = ReportData(
        trainee_id="T2",
        name="Ny Läkare",
        specialty="Internmedicin",
        regulation=REG_2021,
        st_start=None,
        unit="",
        region="",
        huvudhandledare=(),
        handledare=(),
        as_of=date(2026, 12, 1),
        required_months=Fraction(66),
        service_months=Fraction(0),
        credited_months=Fraction(0),
        projected_completion=None,
        bt=None,
        periods=(),
        delmal=(),
        missing_items=("Tjänstgöringstiden är 0 av minst 66 månader.",),
        notices=("Ett tillgodoräknande väntar på beslut.",),
    )
    pdf = render(data)
    texts = pages(pdf)
    assert len(texts) == 1 and PAGE_NUMBER.findall(texts[0]) == [("1", "1")]
    text = body(pdf)
    assert "Tid mot minimitiden 0 av 66 mån (0 % av minimitiden)" in text
    assert "Beräknat klar Kan inte beräknas" in text
    assert "Inga placeringar eller ledigheter är registrerade ännu." in text
    assert "Ingen målbeskrivning hittades" in text
    assert "Klar att ansöka om bevis om specialistkompetens Nej: 1 punkt saknas" in text
    assert "• Tjänstgöringstiden är 0 av minst 66 månader." in text
    assert "Ett tillgodoräknande väntar på beslut." in text


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("Åsa Ärlig Östberg", "Åsa Ärlig Östberg"),
        ("2024–2026, ≥ 6 mån", "2024–2026, ≥ 6 mån"),
        ("Renée Müller", "Renée Müller"),
        ("Dąbrowski Nguyễn", "Dabrowski Nguyen"),
        ("rad ett\nrad  två", "rad ett rad två"),
        ("✓ klart 🙂", "? klart ?"),
    ],
)
def test_printable_keeps_swedish_letters_and_replaces_what_the_font_lacks(text: str, printed: str) -> None:
    assert printable(text) == printed


# --- who may have it, and the audit log ------------------------------------------------------


def _access_cases(con: Connection) -> dict[str, tuple[str, bool]]:
    """role -> (email, may have the report) for the trainee behind st@demo.se."""
    tid = own_trainee(con)
    (unit, region, area) = rows(
        con, "SELECT unit_id, region_id, area FROM trainee JOIN unit USING (unit_id) WHERE trainee_id = ?", [tid]
    )[0]
    current = "start_date <= current_date AND (end_date IS NULL OR end_date >= current_date)"
    own_handledare = rows(
        con,
        f"SELECT p.email FROM supervision s JOIN person p USING (person_id) WHERE trainee_id = ? AND {current} ORDER BY 1",
        [tid],
    )[0][0]
    other_handledare = rows(
        con,
        f"""SELECT p.email FROM role_assignment r JOIN person p USING (person_id) WHERE r.role = 'handledare'
            AND person_id NOT IN (SELECT person_id FROM supervision WHERE trainee_id = ? AND {current})
            AND NOT EXISTS (SELECT 1 FROM role_assignment o WHERE o.person_id = r.person_id AND o.role <> 'handledare')
            ORDER BY 1""",
        [tid],
    )[0][0]
    studierektorer = rows(
        con,
        """SELECT p.email, (coalesce(r.region_id, '') IN ('', ?)) AND coalesce(r.area, ?) = ? FROM role_assignment r
           JOIN person p USING (person_id) WHERE r.role = 'studierektor' ORDER BY 1""",
        [region, area, area],
    )
    inside = next(e for e, ok in studierektorer if ok)
    outside = next(e for e, ok in studierektorer if not ok)
    verksamhetschef = rows(
        con,
        "SELECT p.email FROM role_assignment r JOIN person p USING (person_id) WHERE r.role = 'verksamhetschef' AND r.unit_id = ?",
        [unit],
    )[0][0]
    return {
        "the trainee": ("st@demo.se", True),
        "their handledare": (own_handledare, True),
        "another handledare": (other_handledare, False),
        "studierektor of the area": (inside, True),
        "studierektor of another area": (outside, False),
        "verksamhetschef of the unit": (verksamhetschef, True),
        "admin": ("admin@demo.se", True),
    }


@pytest.mark.parametrize(
    "role",
    [
        "the trainee",
        "their handledare",
        "another handledare",
        "studierektor of the area",
        "studierektor of another area",
        "verksamhetschef of the unit",
        "admin",
    ],
)
def test_who_may_have_the_report(con: Connection, role: str) -> None:
    email, allowed = _access_cases(con)[role]
    tid = own_trainee(con)
    reader = actor(con, email)
    before = rows(con, "SELECT count(*) FROM audit_log WHERE action = 'report'")[0][0]
    if allowed:
        pdf = services.iup_report(con, reader, tid, TODAY)
        assert pdf.startswith(b"%PDF-")
    else:
        with pytest.raises(AccessDenied):
            services.iup_report(con, reader, tid, TODAY)
    logged = rows(con, "SELECT count(*) FROM audit_log WHERE action = 'report'")[0][0] - before
    assert logged == (1 if allowed and role != "the trainee" else 0)


def test_a_report_made_by_someone_else_is_one_audit_row_the_trainee_sees_on_the_log(con: Connection) -> None:
    tid = own_trainee(con)
    handledare = actor(con, _access_cases(con)["their handledare"][0])
    before = rows(con, "SELECT max(audit_id) FROM audit_log")[0][0] or 0
    services.iup_report(con, actor(con, "st@demo.se"), tid, TODAY)  # the trainee's own: not logged
    pdf = services.iup_report(con, handledare, tid, TODAY)
    new = rows(
        con,
        "SELECT actor_person_id, action, entity, entity_id, trainee_id, after_json FROM audit_log WHERE audit_id > ?",
        [before],
    )
    assert new == [
        (
            handledare.person_id,
            "report",
            "iup_report",
            tid,
            tid,
            f'{{"as_of": "{TODAY.isoformat()}", "bytes": {len(pdf)}}}',
        )
    ]
    trail = services.audit_trail(con, actor(con, "st@demo.se"), tid)
    top = trail.iloc[0]
    assert (top["action_label"], top["entity_label"], top["actor_name"]) == (
        "Skapade rapport",
        "IUP-rapport",
        handledare.name,
    )


def test_an_unknown_trainee_is_not_found_for_an_admin(con: Connection) -> None:
    with pytest.raises(NotFoundError):
        services.iup_report(con, admin(con), "T-finns-inte", TODAY)


# --- the command line ------------------------------------------------------------------------


def test_cli_report_writes_the_pdf_and_refuses_in_swedish(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], con: Connection
) -> None:
    db = tmp_path / "cli.duckdb"
    db.write_bytes(seeded.read_bytes())
    own, other = own_trainee(con), "T002" if own_trainee(con) != "T002" else "T003"
    out = tmp_path / "iup.pdf"
    assert main(["report", own, "--out", str(out), "--as-of", "2026-06-30", "--db", str(db)]) == 0
    assert "Rapportdag 30 juni 2026" in body(out.read_bytes())
    assert capsys.readouterr().out.strip() == f"IUP-rapporten för {own} per 2026-06-30 är skriven till {out}."
    assert main(["report", own, "--out", str(out), "--as", "st@demo.se", "--db", str(db)]) == 0
    refused = tmp_path / "refused.pdf"
    assert main(["report", other, "--out", str(refused), "--as", "st@demo.se", "--db", str(db)]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "tracker: Du har inte behörighet att se den här ST-läkarens uppgifter."
    )
    assert main(["report", "T999", "--out", str(refused), "--db", str(db)]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == "tracker: ST-läkare T999 finns inte."
    assert not refused.exists()
    nowhere = tmp_path / "nowhere" / "iup.pdf"
    assert main(["report", own, "--out", str(nowhere), "--db", str(db)]) == 1
    assert capsys.readouterr().err.strip() == f"tracker: Filen {nowhere} kunde inte skrivas: mappen finns inte."
    typo = tmp_path / "typo.duckdb"  # a mistyped --db: refused, and no empty database is made in its place
    assert main(["report", own, "--out", str(out), "--db", str(typo)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"tracker: Databasen {typo} finns inte; ange databasfilen med --db eller TRACKER_DB."
    )
    assert not typo.exists()


# --- the app ---------------------------------------------------------------------------------


def test_the_overview_page_makes_the_report_and_offers_it_as_a_download(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, con: Connection
) -> None:
    stores: list[MemoryMediaFileStorage] = []

    class Kept(MemoryMediaFileStorage):
        """The test's media storage, kept so that the downloaded file can be read after the run."""

        def __init__(self, media_endpoint: str) -> None:
            super().__init__(media_endpoint)
            stores.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Kept)
    monkeypatch.setenv("TRACKER_DB", str(seeded))
    monkeypatch.setenv("TRACKER_AUTH", "dev")
    st.cache_data.clear()
    tid = own_trainee(con)
    person_id = rows(con, "SELECT person_id FROM person WHERE email = 'st@demo.se'")[0][0]

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["person_id"] = person_id
    at.run()
    at.switch_page("dashboards/pages/st_lakare/oversikt.py").run()
    assert not at.exception, at.exception
    assert not at.get("download_button") or all(
        d.proto.label != "Ladda ner IUP-rapport (PDF)" for d in at.get("download_button")
    ), "nothing is built before it is asked for"
    at.button(key="own_iup_make").click().run()
    assert not at.exception, at.exception
    (download,) = [d for d in at.get("download_button") if d.proto.label == "Ladda ner IUP-rapport (PDF)"]
    file_id = download.proto.url.rsplit("/", 1)[-1].split(".")[0]
    media = stores[-1].get_file(file_id)
    assert media.filename == f"iup-{tid}-{TODAY.isoformat()}.pdf"
    assert media.mimetype == "application/pdf"
    name = rows(con, "SELECT name FROM trainee WHERE trainee_id = ?", [tid])[0][0]
    assert name in body(media.content)
