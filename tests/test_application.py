"""The application to Socialstyrelsen: the tjänsteförteckning's rows (RULES.md 2), every form's fields
from the records, the package read back from the PDFs, the blank forms' folder, access and the page.

Tests that fill PDFs need Socialstyrelsen's blank forms, which the project does not ship (they are
Socialstyrelsen's and change): they read the copies next to the repository in
../shared/reference/blanketter and skip, saying so, where that folder is absent.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import shutil
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from fractions import Fraction
from functools import partial
from pathlib import Path

import pytest
from appdb import actor, app_copy
from pypdf import PdfReader
from test_app import button, signed_in
from test_services import audit_rows

from dashboards import format as fmt
from tracker import services
from tracker.application import FORMS, build, fetch, read_application
from tracker.application.content import FormContent, delmal_text, numbers_text, period, plan, split_name, yymmdd
from tracker.application.folder import RECORD, blank_form
from tracker.application.forms import FORM_BY_KEY
from tracker.application.package import FilledForm, Package
from tracker.application.pdf import field_values
from tracker.cli import main
from tracker.demo import load_demo
from tracker.domain import REG_2015, REG_2021, REQUIRABLE_TYPES, Leave, Placement, Trainee, TraineeRecord
from tracker.errors import AccessDenied, FormsError
from tracker.rules.engines import progress
from tracker.rules.service_list import apportion, service_rows
from tracker.store import Connection, connect

BLANKS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "blanketter"
needs_blanks = pytest.mark.skipif(
    not BLANKS.is_dir(),
    reason=f"Socialstyrelsen's blank forms are not next to this clone ({BLANKS} is missing); "
    "the project does not ship them ('tracker forms fetch' downloads them)",
)
AS_OF = date(2026, 12, 1)
D = date.fromisoformat


# --- the tjänsteförteckning (RULES.md 2: full-time months per placement, leave deducted) -----------------

def _rec(placements: list[Placement], leave: list[Leave] = (), legitimation: str = "2020-01-01") -> TraineeRecord:  # type: ignore[assignment]
    t = Trainee("T", "Test Testsson", "Allmänmedicin", D("2023-01-01"), legitimation_date=D(legitimation))
    return TraineeRecord(t, tuple(placements), tuple(leave))


def _st(start: str, end: str, pct: float, where: str = "A") -> Placement:
    return Placement("ST", "annan", D(start), D(end), pct, workplace=where)


ROW_CASES = [
    # (placements, leave, legitimation, as_of, expected rows as (workplace, start, end, months))
    ([_st("2024-01-01", "2024-03-31", 100)], [], "2020-01-01", "2026-12-01",
     [("A", "2024-01-01", "2024-03-31", "3")]),  # three whole months at full time
    ([_st("2024-01-01", "2024-02-29", 50)], [], "2020-01-01", "2026-12-01",
     [("A", "2024-01-01", "2024-02-29", "1")]),  # two months at half time = one month
    ([_st("2024-01-01", "2024-01-31", 100, "A"), _st("2024-01-01", "2024-01-31", 50, "B")], [], "2020-01-01",
     "2026-12-01", [("A", "2024-01-01", "2024-01-31", "0.67"), ("B", "2024-01-01", "2024-01-31", "0.33")]),
    # 150 % on a day counts 100 %, shared 2:1; the rows still sum to the one month counted
    ([_st("2024-01-01", "2024-02-29", 100)], [Leave("foraldraledighet", D("2024-02-01"), D("2024-02-29"), 100)],
     "2020-01-01", "2026-12-01", [("A", "2024-01-01", "2024-02-29", "1")]),  # a month of leave deducted
    ([_st("2024-01-01", "2024-12-31", 100)], [], "2020-01-01", "2024-03-31",
     [("A", "2024-01-01", "2024-03-31", "3")]),  # up to the as-of date
    ([_st("2024-01-01", "2024-03-31", 100)], [], "2024-02-01", "2026-12-01",
     [("A", "2024-02-01", "2024-03-31", "2")]),  # ST days before the legitimation do not count
    ([_st("2025-01-01", "2025-06-30", 100)], [], "2020-01-01", "2024-12-31", []),  # not begun on the as-of date
]


@pytest.mark.parametrize(("placements", "leave", "legitimation", "as_of", "expected"), ROW_CASES)
def test_service_rows_count_each_placements_share_of_the_counted_time(
    placements: list[Placement], leave: list[Leave], legitimation: str, as_of: str,
    expected: list[tuple[str, str, str, str]],
) -> None:
    rows = service_rows(_rec(placements, leave, legitimation), ("ST",), D(as_of))
    assert [(r.placement.workplace, r.start.isoformat(), r.end.isoformat(), r.months) for r in rows] == [
        (w, s, e, Fraction(m)) for w, s, e, m in expected
    ]


@pytest.mark.parametrize(("values", "expected"), [
    ([Fraction(1, 3)] * 3, ["0.34", "0.33", "0.33"]),  # 1.00 in all, the first largest remainder gets the cent
    ([Fraction(1, 6), Fraction(5, 6)], ["0.17", "0.83"]),
    ([Fraction(5, 1000), Fraction(5, 1000)], ["0.01", "0"]),  # 0.01 half-up in all
    ([Fraction(3), Fraction(9, 2)], ["3", "4.5"]),
])
def test_apportion_rounds_rows_to_the_rounded_total(values: list[Fraction], expected: list[str]) -> None:
    assert apportion(values) == [Fraction(e) for e in expected]


@pytest.mark.parametrize(("codes", "text"), [
    (["STc10", "STa2", "STc2", "STb1"], "STa2, STb1, STc2, STc10"),
    (["c1", "a2", "b10", "b2"], "a2, b2, b10, c1"),
    (["BT12", "BT2"], "BT2, BT12"),
])
def test_delmal_codes_are_written_in_the_malbeskrivnings_order(codes: list[str], text: str) -> None:
    assert delmal_text(codes) == text


def test_the_forms_formats() -> None:
    assert numbers_text([8, 3, 4, 5]) == "3–5, 8"
    assert numbers_text([1]) == "1"
    assert split_name("Anna Karin Lindqvist") == ("Lindqvist", "Anna Karin")
    assert yymmdd(D("2024-01-09")) == "240109"
    assert period(D("2024-01-01"), D("2024-03-31")) == "240101 – 240331"


# --- the demo's packages ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("application") / "demo.duckdb"
    c = connect(path)
    load_demo(c, as_of=AS_OF)
    c.close()
    return path


@pytest.fixture(scope="module")
def ready(demo_db: Path) -> dict[str, str]:
    """The first demo trainee ready to apply under each regulation."""
    c = connect(demo_db, read_only=True)
    try:
        found: dict[str, str] = {}
        for p in progress(c, AS_OF):
            if p.ready_to_apply:
                found.setdefault(p.regulation, p.trainee_id)
        return found
    finally:
        c.close()


@pytest.fixture(scope="module")
def packages(demo_db: Path, ready: dict[str, str]) -> dict[str, services.Package]:
    if not BLANKS.is_dir():
        pytest.skip(needs_blanks.kwargs["reason"])
    c = connect(demo_db, read_only=True)
    try:
        return {reg: build(read_application(c, tid, AS_OF), BLANKS) for reg, tid in ready.items()}
    finally:
        c.close()


def test_the_demo_holds_a_trainee_ready_under_each_regulation(ready: dict[str, str]) -> None:
    assert set(ready) == {REG_2015, REG_2021}


def _months(text: str) -> Fraction:
    return Fraction(text.replace(",", "."))


@needs_blanks
@pytest.mark.parametrize("regulation", [REG_2021, REG_2015])
def test_every_filled_field_reads_back_as_the_manifest_and_the_database_say(
    demo_db: Path, ready: dict[str, str], packages: dict[str, services.Package], regulation: str
) -> None:
    package, tid = packages[regulation], ready[regulation]
    c = connect(demo_db, read_only=True)
    name, personnummer = c.execute(
        "SELECT t.name, tp.personnummer FROM trainee t JOIN trainee_personal tp USING (trainee_id) WHERE trainee_id = ?",
        [tid],
    ).fetchone()
    certs = {
        r[0]: r[1:]
        for r in c.execute(
            """SELECT c.certificate_id, c.signed_by, c.start_date, c.end_date, list_sort(list(d.code))
               FROM certificate c LEFT JOIN certificate_delmal d USING (certificate_id)
               WHERE c.trainee_id = ? AND c.status = 'signerat' GROUP BY ALL""",
            [tid],
        ).fetchall()
    }
    c.close()
    last, first = name.split()[-1], " ".join(name.split()[:-1])
    for f in package.forms:
        read = field_values(f.pdf)
        assert read == f.content.fields, f.file  # the PDF holds exactly what the manifest says, nothing more
        assert (read["Efternamn"], read["Förnamn"], read["Personnummer"]) == (last, first, personnummer)
        assert not f.content.problems, (f.file, f.content.problems)  # a ready demo trainee's package is complete
        if f.content.certificate_id is not None:
            signed_by, start, end, codes = certs[f.content.certificate_id]
            assert signed_by in read.values()
            delmal = [v for k, v in read.items() if k.startswith("Delmål som intyget avser")]
            if codes and codes[0] is not None and f.content.form.key != "2021-12":
                assert delmal == [delmal_text(codes)]
            if f.content.form.key in ("2021-8", "2021-9"):
                assert read["Period ååmmdd  ååmmdd"] == f"{start:%y%m%d} – {end:%y%m%d}"
        if f.content.attachment is not None:
            assert read["Bilaga nr"] == str(f.content.attachment)


@needs_blanks
@pytest.mark.parametrize(("regulation", "form_key"), [(REG_2021, "2021-6"), (REG_2015, "2015-1")])
def test_the_tjansteforteckning_sums_to_the_progress_figure(
    demo_db: Path, ready: dict[str, str], packages: dict[str, services.Package], regulation: str, form_key: str
) -> None:
    c = connect(demo_db, read_only=True)
    expected = progress(c, AS_OF, trainee_id=ready[regulation])[0].to_json()["service_months"]
    c.close()
    (f,) = [f for f in packages[regulation].forms if f.content.form.key == form_key]
    read = field_values(f.pdf)
    rows = [_months(v) for k, v in read.items() if "heltidRow" in k and "procent" not in k and "pro cent" not in k]
    (summa,) = [_months(v) for k, v in read.items() if k.endswith("heltidSumma")]
    assert rows and sum(rows) == summa == Fraction(str(expected))


@needs_blanks
@pytest.mark.parametrize("regulation", [REG_2021, REG_2015])
def test_one_certificate_form_per_signed_activity_certificate(
    demo_db: Path, ready: dict[str, str], packages: dict[str, services.Package], regulation: str
) -> None:
    c = connect(demo_db, read_only=True)
    # Once Socialstyrelsen has approved the BT, its application (with the BT delmål intyg) lies behind.
    signed = c.execute(
        """SELECT certificate_id FROM certificate c JOIN trainee t USING (trainee_id)
           WHERE trainee_id = ? AND status = 'signerat' AND signed_date <= ? AND list_contains(?, type)
             AND NOT (type = 'bt_delmal' AND t.bt_approved_date IS NOT NULL) ORDER BY certificate_id""",
        [ready[regulation], AS_OF, list(REQUIRABLE_TYPES)],
    ).fetchall()
    c.close()
    assert signed
    activity_forms = {key for forms in services_forms().values() for key in forms}
    formed = sorted(f.content.certificate_id for f in packages[regulation].forms if f.content.form.key in activity_forms)
    assert formed == [r[0] for r in signed]


def services_forms() -> dict[str, set[str]]:
    from tracker.application.forms import CERTIFICATE_FORMS

    return {reg: set(m.values()) for reg, m in CERTIFICATE_FORMS.items()}


@needs_blanks
def test_the_package_files_manifest_merged_pdf_and_zip(packages: dict[str, services.Package], tmp_path: Path) -> None:
    package = packages[REG_2021]
    written = {p.name for p in package.write(tmp_path)}
    assert written == {f.file for f in package.forms} | {"ansokan.pdf", "ansokan.zip", "manifest.json"}
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in manifest["files"]] == [f.file for f in package.forms]
    for entry in manifest["files"]:
        assert field_values((tmp_path / entry["file"]).read_bytes()) == entry["fields"]
    assert manifest["files"][0]["form"] == "HSLF-FS 2021:8 bilaga 5"  # the application first, then its bilagor
    merged = PdfReader(io.BytesIO((tmp_path / "ansokan.pdf").read_bytes()))
    assert len(merged.pages) == sum(len(PdfReader(io.BytesIO(f.pdf)).pages) for f in package.forms)
    merged_fields = field_values((tmp_path / "ansokan.pdf").read_bytes())
    assert merged_fields["b01 Efternamn"] == package.forms[0].content.fields["Efternamn"]
    assert merged_fields["b02 Bilaga nr"] == "1"
    with zipfile.ZipFile(tmp_path / "ansokan.zip") as z:
        assert set(z.namelist()) == written - {"ansokan.zip"}


@needs_blanks
def test_the_attachment_list_names_each_kind_of_intyg(packages: dict[str, services.Package]) -> None:
    package = packages[REG_2021]
    application = package.forms[0].content.fields
    numbers = {f.content.form.key: [] for f in package.forms}
    for f in package.forms[1:]:
        numbers[f.content.form.key].append(f.content.attachment)
    assert application["Bilagor nr.0.0"] == numbers_text(numbers["2021-6"])
    assert application["Bilagor nr.0.3"] == numbers_text(numbers["2021-9"])
    assert application["Bilagor nr.0.4"] == numbers_text(numbers["2021-10"])


def test_a_bt_not_yet_approved_brings_the_bt_application_first(demo_db: Path) -> None:
    c = connect(demo_db, read_only=True)
    tid = c.execute(
        """SELECT t.trainee_id FROM trainee t WHERE t.bt_approved_date IS NULL AND t.st_start_date >= DATE '2021-07-01'
           AND NOT t.swedish_at AND EXISTS (SELECT 1 FROM certificate c WHERE c.trainee_id = t.trainee_id
           AND c.type = 'bt_delmal' AND c.status = 'signerat') ORDER BY 1 LIMIT 1"""
    ).fetchone()[0]
    planned = plan(read_application(c, tid, AS_OF))
    c.close()
    keys = [p.form.key for p in planned]
    assert keys[0] == "2021-1" and keys.index("2021-5") > keys.index("2021-4")
    bt_delmal = [p.attachment for p in planned if p.form.key == "2021-2"]
    assert planned[0].fields["Bilagor nr.0"] == numbers_text([n for n in bt_delmal if n is not None])
    st_application = planned[keys.index("2021-5")]
    assert any("godkänd bastjänstgöring saknas" in p for p in st_application.problems)


def test_a_missing_personnummer_is_a_problem_of_every_form(demo_db: Path, tmp_path: Path, ready: dict[str, str]) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    c = connect(copy)
    c.execute("UPDATE trainee_personal SET personnummer = NULL, street_address = NULL WHERE trainee_id = ?", [ready[REG_2015]])
    planned = plan(read_application(c, ready[REG_2015], AS_OF))
    c.close()
    assert all("Personnummer saknas i ST-läkarens personuppgifter (Mina uppgifter)." in p.problems for p in planned)
    assert all("Personnummer" not in p.fields for p in planned)
    assert "Utdelningsadress saknas i ST-läkarens personuppgifter (Mina uppgifter)." in planned[0].problems


def test_a_doktorsexamen_is_a_note_to_attach_not_a_blocked_form(demo_db: Path) -> None:
    c = connect(demo_db, read_only=True)
    tid = c.execute("SELECT min(trainee_id) FROM trainee WHERE doktorsexamen").fetchone()[0]
    (application,) = [p for p in plan(read_application(c, tid, AS_OF)) if p.form.key in ("2015-1", "2021-5")]
    c.close()
    assert [n for n in application.notes if n.startswith("Doktorsexamen: bifoga")]
    assert not [p for p in application.problems if "oktorsexamen" in p]


_MONTHLY = [
    _st(f"{2021 + i // 12}-{i % 12 + 1:02d}-01", f"{2021 + i // 12}-{i % 12 + 1:02d}-28", 100, f"Ställe {i + 1}")
    for i in range(45)
]


@pytest.mark.parametrize(("regulation", "key", "place", "last_rows"), [
    # HSLF-FS 2021:8 bilaga 6: 20 rows on page 1, then 19 more on its continuation page (Row1_2 …)
    (REG_2021, "2021-6", "Tjänstgöringsställe sjukhus klinik enhet eller annan specificering",
     {"Row20": "Ställe 20", "Row1_2": "Ställe 21", "Row19_2": "Ställe 39"}),
    # bilaga 3 (the BT's list): 18 rows
    (REG_2021, "2021-3", "Tjänstgöringsställe sjukhus klinik enhet eller annan specificering", {"Row18": "Ställe 18"}),
    # SOSFS 2015:8 bilaga 1: 33 rows
    (REG_2015, "2015-1", "Tjänstgöringsställe Sjukhus klinik enhet eller annan specificering", {"Row33": "Ställe 33"}),
])
def test_more_placements_than_the_forms_rows_fill_every_row_and_ask_for_a_sheet(
    demo_db: Path, ready: dict[str, str], regulation: str, key: str, place: str, last_rows: dict[str, str]
) -> None:
    c = connect(demo_db, read_only=True)
    app = read_application(c, ready[regulation], AS_OF)
    c.close()
    rows = tuple(service_rows(_rec(_MONTHLY), ("ST",), AS_OF))
    long_list = replace(app, service_rows=rows, bt_rows=rows, trainee=replace(app.trainee, bt_approved_date=None))
    (form,) = [p for p in plan(long_list) if p.form.key == key]
    capacity = {"2021-6": 39, "2021-3": 18, "2015-1": 33}[key]
    assert {row: form.fields[place + row] for row in last_rows} == last_rows
    assert sum(1 for name in form.fields if name.startswith(place + "Row")) == capacity
    assert f"45 tjänstgöringar men blanketten har {capacity} rader: de sista {45 - capacity} får föras på ett eget blad." in (
        form.problems
    )

# --- the blank forms' folder --------------------------------------------------------------------------

@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local web server holding copies of the blank forms (the tests never reach Socialstyrelsen)."""
    if not BLANKS.is_dir():
        pytest.skip(needs_blanks.kwargs["reason"])
    root = tmp_path / "mirror"
    root.mkdir()
    for form in FORMS:
        shutil.copy(BLANKS / form.file, root / form.file)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", root
    server.shutdown()


def test_fetch_downloads_every_form_and_records_its_checksum(mirror: tuple[str, Path], tmp_path: Path) -> None:
    url, root = mirror
    got = fetch(tmp_path / "forms", url)
    assert {f.form.file for f in got} == {f.file for f in FORMS}
    record = json.loads((tmp_path / "forms" / RECORD).read_text(encoding="utf-8"))
    for form in FORMS:
        data = (tmp_path / "forms" / form.file).read_bytes()
        assert record[form.file]["sha256"] == hashlib.sha256(data).hexdigest() == hashlib.sha256((root / form.file).read_bytes()).hexdigest()
        assert record[form.file]["url"] == url + form.file


def test_fetch_refuses_a_form_whose_fields_changed_and_writes_nothing(mirror: tuple[str, Path], tmp_path: Path) -> None:
    url, root = mirror
    shutil.copy(root / FORM_BY_KEY["2021-2"].file, root / FORM_BY_KEY["2021-9"].file)  # another form's fields
    with pytest.raises(FormsError, match=r"HSLF-FS 2021:8 bilaga 9 \(2021-2-7212-bilaga-9.pdf\) har inte de fält"):
        fetch(tmp_path / "forms", url)
    assert not (tmp_path / "forms").exists()


@pytest.mark.parametrize(("source", "reason"), [
    ("http://127.0.0.1:9/", "servern tog inte emot anslutningen"),
    ("http://nowhere.invalid/", "adressen kunde inte slås upp (ingen internetanslutning, eller fel adress)"),
    ("blanketter", "adressen är ingen webbadress (den ska börja med https://)"),  # was a traceback
])
def test_fetch_from_an_unreachable_address_is_a_clear_swedish_error(tmp_path: Path, source: str, reason: str) -> None:
    with pytest.raises(FormsError) as exc:
        fetch(tmp_path / "forms", source)
    assert str(exc.value) == f"Kunde inte hämta {source.rstrip('/')}/{FORMS[0].file}: {reason}."
    assert not (tmp_path / "forms").exists()


def test_fetch_into_a_folder_that_cannot_be_made_is_a_clear_error(mirror: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = mirror
    (tmp_path / "forms").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(FormsError) as exc:
        fetch(tmp_path / "forms", url)
    assert str(exc.value) == (
        f"Blanketterna kunde inte sparas i mappen {tmp_path / 'forms'}: det finns redan en fil eller mapp med det namnet."
    )


@pytest.mark.parametrize("content", [b"", b"<html>Sidan finns inte</html>"])
def test_a_blank_that_is_no_pdf_names_the_file_and_what_to_do_in_swedish(tmp_path: Path, content: bytes) -> None:
    form = FORM_BY_KEY["2021-9"]
    (tmp_path / form.file).write_bytes(content)
    with pytest.raises(FormsError) as exc:
        blank_form(tmp_path, form)
    assert str(exc.value) == (
        "HSLF-FS 2021:8 bilaga 9 (2021-2-7212-bilaga-9.pdf) är ingen läsbar PDF-fil: den är skadad eller av fel sort. "
        "Hämta blanketterna igen med 'tracker forms fetch' på servern."
    )


def test_a_missing_blank_names_the_form_and_how_to_fetch_it(tmp_path: Path) -> None:
    with pytest.raises(FormsError, match=r"Blanketten HSLF-FS 2021:8 bilaga 9 .* 'tracker forms fetch'"):
        blank_form(tmp_path, FORM_BY_KEY["2021-9"])


@needs_blanks
def test_the_known_fields_are_those_of_the_published_forms() -> None:
    for form in FORMS:
        blank_form(BLANKS, form)  # raises if any differs from form_fields.json


# --- access, audit, the command line and the page -----------------------------------------------------

@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Iterator[Connection]:
    copy = tmp_path / "db.duckdb"
    shutil.copy(demo_db, copy)
    c = connect(copy)
    yield c
    c.close()


def _supervised(c: Connection) -> str:
    """A trainee in training today (a handledare reads only those they supervise now)."""
    return str(c.execute("SELECT min(trainee_id) FROM supervision WHERE end_date IS NULL").fetchone()[0])


def _people(c: Connection, tid: str) -> dict[str, str]:
    own = c.execute("SELECT person_id FROM trainee WHERE trainee_id = ?", [tid]).fetchone()[0]
    handledare = c.execute(
        "SELECT person_id FROM supervision WHERE trainee_id = ? AND end_date IS NULL LIMIT 1", [tid]
    ).fetchone()[0]
    inside = c.execute(
        """SELECT r.person_id FROM trainee t JOIN unit u USING (unit_id) JOIN role_assignment r ON r.role = 'studierektor'
           AND r.region_id = u.region_id AND (r.area IS NULL OR r.area = u.area) WHERE t.trainee_id = ? LIMIT 1""",
        [tid],
    ).fetchone()[0]
    outside = c.execute(
        """SELECT r.person_id FROM role_assignment r WHERE r.role = 'studierektor' AND r.region_id <>
           (SELECT u.region_id FROM trainee t JOIN unit u USING (unit_id) WHERE t.trainee_id = ?) LIMIT 1""",
        [tid],
    ).fetchone()[0]
    admin = c.execute("SELECT person_id FROM role_assignment WHERE role = 'admin' LIMIT 1").fetchone()[0]
    return {"own": own, "handledare": handledare, "inside": inside, "outside": outside, "admin": admin}


@needs_blanks
@pytest.mark.parametrize(("who", "package", "status"), [
    ("own", True, True), ("handledare", False, True), ("inside", True, True), ("outside", False, False), ("admin", True, True),
])
def test_who_may_make_the_package_and_see_which_forms_are_blocked(
    db: Connection, who: str, package: bool, status: bool
) -> None:
    tid = _supervised(db)
    a = actor(db, _people(db, tid)[who])
    if status:
        assert services.application_status(db, a, tid, AS_OF, BLANKS).forms
    else:
        with pytest.raises(AccessDenied):
            services.application_status(db, a, tid, AS_OF, BLANKS)
    before = len(audit_rows(db, "application"))
    if package:
        made = services.application_package(db, a, tid, AS_OF, BLANKS)
        rows = audit_rows(db, "application")
        assert len(rows) == before + 1 and rows[-1][:4] == (a.person_id, "application", tid, tid)
        assert made.trainee_id == tid
    else:
        with pytest.raises(AccessDenied):
            services.application_package(db, a, tid, AS_OF, BLANKS)
        assert len(audit_rows(db, "application")) == before


def test_only_an_administrator_fetches_the_forms(db: Connection, tmp_path: Path) -> None:
    studierektor = actor(db, _people(db, _supervised(db))["inside"])
    with pytest.raises(AccessDenied):
        services.fetch_forms(db, studierektor, tmp_path / "forms", "http://127.0.0.1:9/")
    assert not (tmp_path / "forms").exists()


@needs_blanks
def test_cli_application_writes_the_package(demo_db: Path, ready: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = ["application", ready[REG_2015], "--out", str(out), "--forms", str(BLANKS), "--as-of", "2026-12-01"]
    assert main([*args, "--db", str(demo_db)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["trainee_id"] == ready[REG_2015] and manifest["regulation"] == REG_2015
    assert "ifyllda blanketter" in capsys.readouterr().out
    assert main(["application", ready[REG_2015], "--out", str(out), "--forms", str(tmp_path / "none"), "--db", str(demo_db)]) == 1
    assert "finns inte i" in capsys.readouterr().err


def _package(trainee_id: str, *certificates: str) -> Package:
    """A package of one form per certificate id (no PDFs filled: for where it is written)."""
    forms = tuple(
        FilledForm(f"{i:02d}-bilaga-2021-9-{c}.pdf", FormContent(FORM_BY_KEY["2021-9"], c, {}), b"%PDF-1.7 " + c.encode())
        for i, c in enumerate(certificates, start=1)
    )
    return Package(trainee_id, REG_2021, AS_OF, forms, (), b"%PDF-1.7 merged")


def test_a_package_written_again_replaces_the_earlier_one_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _package("TA", "C1", "C2", "C3").write(out)
    _package("TB", "C9").write(out)  # another trainee into the same folder
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["trainee_id"] == "TB"
    # nothing of the first trainee's package is left beside the second's
    assert sorted(p.name for p in out.iterdir()) == ["01-bilaga-2021-9-C9.pdf", "ansokan.pdf", "ansokan.zip", "manifest.json"]


def test_cli_application_refuses_a_folder_holding_anything_else_before_building_the_package(
    demo_db: Path, ready: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, a_file, typo = tmp_path / "out", tmp_path / "a-file", tmp_path / "typo.duckdb"
    _package("TA", "C1").write(out)
    (out / "anteckningar.txt").write_text("mina anteckningar", encoding="utf-8")
    a_file.write_text("x", encoding="utf-8")
    refusals = [
        (out, demo_db, f"Mappen {out} innehåller annat än en tidigare ansökan (anteckningar.txt); ange en ny eller tom mapp."),
        (a_file, demo_db, f"{a_file} är en fil, inte en mapp; ange en ny eller tom mapp för ansökan."),
        (tmp_path / "new", typo, f"Databasen {typo} finns inte; ange databasfilen med --db eller TRACKER_DB."),
    ]
    for folder, db, message in refusals:
        argv = ["application", ready[REG_2015], "--out", str(folder), "--forms", str(tmp_path / "none"), "--db", str(db)]
        assert main(argv) == 1, argv
        assert capsys.readouterr().err.strip() == f"tracker: {message}"  # not the missing blanks: refused first
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["trainee_id"] == "TA"
    assert not typo.exists() and not (tmp_path / "new").exists()


def test_cli_forms_fetch(mirror: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = mirror
    assert main(["forms", "fetch", "--dir", str(tmp_path / "f"), "--source", url]) == 0
    assert f"{len(FORMS)} blanketter i" in capsys.readouterr().out


@needs_blanks
def test_the_overview_page_offers_the_filled_application(
    demo_db: Path, ready: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = app_copy(demo_db, tmp_path / "app.duckdb", monkeypatch, dev_auth=True)
    monkeypatch.setenv("TRACKER_FORMS", str(BLANKS))
    try:
        email = c.execute(
            "SELECT p.email FROM trainee t JOIN person p USING (person_id) WHERE t.trainee_id = ?", [ready[REG_2021]]
        ).fetchone()[0]
        at = signed_in(c, email, "st_lakare/oversikt")
        assert "Ansökan till Socialstyrelsen" in [s.value for s in at.subheader]
        assert "Alla blanketter kan fyllas i." in [s.value for s in at.success]
        button(at, "Skapa ansökan").click().run()
        assert not at.exception, [e.value for e in at.exception]
        labels = [b.label for b in at.get("download_button")]
        assert "Ladda ner ansökan (PDF)" in labels and "Ladda ner alla blanketter (zip)" in labels
        assert [r[2] for r in audit_rows(c, "application")] == [ready[REG_2021]]  # every package made is recorded
    finally:
        c.close()


def test_what_keeps_a_trainee_from_applying_is_folded_under_the_overview_warning(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = app_copy(demo_db, tmp_path / "app.duckdb", monkeypatch, dev_auth=True)
    try:
        tid, pid = c.execute(
            "SELECT trainee_id, person_id FROM trainee JOIN person USING (person_id) WHERE email = 'st@demo.se'"
        ).fetchone()
        status = services.application_status(c, actor(c, pid), tid, date.today())
        assert len(status.problems) > 2  # the demo's own trainee is half-way
        at = signed_in(c, "st@demo.se", "st_lakare/oversikt")
        blocked = sum(f.blocked for f in status.forms)
        warning = f"{blocked} {'blankett' if blocked == 1 else 'blanketter'} saknar uppgifter och ST-läkaren är inte klar att ansöka."
        assert warning in [w.value for w in at.warning]
        folded = [e for e in at.expander if e.label.startswith("Visa vad som saknas")]
        assert len(folded) == 2  # the readiness checklist's and the application's, each a list behind a click
        assert folded[1].label == f"Visa vad som saknas ({len(status.problems)} punkter)"
        assert [m.value for m in folded[1].markdown] == ["\n".join(f"- {fmt.plain(p)}" for p in status.problems)]
    finally:
        c.close()


def test_the_admin_fetches_the_blanks_in_the_app_and_is_offered_the_package_at_once(
    demo_db: Path, ready: dict[str, str], mirror: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = mirror
    c = app_copy(demo_db, tmp_path / "app.duckdb", monkeypatch, dev_auth=True)
    monkeypatch.setenv("TRACKER_FORMS", str(tmp_path / "forms"))  # nothing fetched yet
    monkeypatch.setenv("TRACKER_FORMS_SOURCE", url)
    try:
        at = signed_in(c, "admin@demo.se", "utbildningsenhet/st_lakare")
        at.selectbox(key="tl_open_False").set_value(ready[REG_2021]).run()
        assert not [b for b in at.button if b.label == "Skapa ansökan"]
        button(at, "Hämta blanketterna från Socialstyrelsen").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert f"{len(FORMS)} blanketter är hämtade." in [s.value for s in at.success]
        assert [b for b in at.button if b.label == "Skapa ansökan"]  # without another click first
        assert not [b for b in at.button if b.label == "Hämta blanketterna från Socialstyrelsen"]
    finally:
        c.close()
