"""The documents about a trainee, downloaded in the browser: the filled application to Socialstyrelsen
(one PDF and the zip of every form) and the IUP report (PDF), for the trainee, their handledare and a
studierektor of their area. Each file is opened with pypdf, and its first page is rendered with pdftoppm.

One server for the module: the developer identity picker (any demo person signs in by name) and
``TRACKER_FORMS`` pointed at Socialstyrelsen's blank forms. The project does not ship those forms (they are
Socialstyrelsen's and change): the server reads the copies in ../shared/reference/blanketter, and the
tests that fill them skip, saying so, where that folder is absent.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pypdf import PdfReader

from .conftest import (
    APP_TIMEOUT_MS,
    ROLE_EMAILS,
    ROOT,
    AppServer,
    BrowserLog,
    assert_healthy,
    open_nav_page,
    screenshot,
    wait_for_app,
)
from .test_admission import labelled_select
from .test_workflows import grid_row

BLANKS = ROOT.parent / "shared" / "reference" / "blanketter"
needs_blanks = pytest.mark.skipif(
    not BLANKS.is_dir(),
    reason=f"Socialstyrelsen's blank forms are not next to this clone ({BLANKS} is missing); "
    "the project does not ship them ('tracker forms fetch' downloads them)",
)
PDFTOPPM = shutil.which("pdftoppm")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RENDER_DPI = 50
# The forms' table's Status cell of a form ready to fill (a blocked one says "Ej klar: …" and why).
READY_CELL = re.compile(r"^Klar$")

REG_2015 = "SOSFS 2015:8"
REG_2021 = "HSLF-FS 2021:8"

Signed = tuple[Page, BrowserLog]


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    label: str  # as the identity picker lists them: "name – roles"


@dataclass(frozen=True)
class Cast:
    """The people of these tests, found in the seeded database for the day the server computes for."""

    ready: dict[str, tuple[str, Person]]  # regulation -> (trainee id, the trainee), ready to apply
    studierektor: Person  # of the area of ready[office_regulation]
    office_regulation: str  # the regulation of the trainee the studierektor opens
    handledare: Person  # the demo handledare
    supervised: tuple[str, str]  # (trainee id, name) of a trainee the demo handledare supervises now


@pytest.fixture(scope="module")
def cast(seeded_db: Path) -> Cast:
    from tracker import services, store
    from tracker.accounts import actor_for_email, people_with_roles
    from tracker.rules.engines import progress

    today = date.today()  # the app's as-of date (dashboards.cache.as_of)
    con = store.connect(seeded_db, read_only=True)
    try:
        listed = {pid: Person(pid, name, f"{name} – {roles}") for pid, name, roles in people_with_roles(con)}

        def person(pid: str) -> Person:
            who = listed[str(pid)]
            # The picker's option is found by this text: it must name no one else.
            others = [p.label for p in listed.values() if who.label in p.label and p.person_id != who.person_id]
            assert not others, f"the picker label {who.label!r} also matches {others}"
            return who

        def trainee(tid: str) -> Person:
            row = con.execute("SELECT person_id FROM trainee WHERE trainee_id = ?", [tid]).fetchone()
            assert row is not None
            return person(row[0])

        ready: dict[str, tuple[str, Person]] = {}
        for p in progress(con, today):
            if p.ready_to_apply and p.regulation not in ready:
                ready[p.regulation] = (p.trainee_id, trainee(p.trainee_id))
        assert REG_2021 in ready, f"the e2e demo holds no trainee ready under {REG_2021} on {today}: {sorted(ready)}"

        office_regulation = REG_2015 if REG_2015 in ready else REG_2021
        inside = con.execute(
            """SELECT r.person_id FROM trainee t JOIN unit u USING (unit_id)
               JOIN role_assignment r ON r.role = 'studierektor' AND r.region_id = u.region_id
                    AND (r.area IS NULL OR r.area = u.area)
               WHERE t.trainee_id = ? ORDER BY r.person_id LIMIT 1""",
            [ready[office_regulation][0]],
        ).fetchone()
        assert inside is not None, "no studierektor covers the ready trainee's unit"

        hl = actor_for_email(con, ROLE_EMAILS["handledare"])
        assert hl is not None
        mine = services.supervisor_table(con, hl, today).sort_values("name")
        assert not mine.empty, "the demo handledare supervises no one today"
        supervised = (str(mine["trainee_id"].iloc[0]), str(mine["name"].iloc[0]))
    finally:
        con.close()
    return Cast(ready, person(inside[0]), office_regulation, person(hl.person_id), supervised)


@pytest.fixture(scope="module")
def docs_server(start_server: Callable[..., AppServer], tmp_path_factory: pytest.TempPathFactory) -> AppServer:
    """Developer sign-in and the blank forms (a folder without them where they are absent: the IUP
    report needs none, and the application's section then says the forms are not fetched)."""
    forms = BLANKS if BLANKS.is_dir() else tmp_path_factory.mktemp("no-forms")
    return start_server("dokument", env={"TRACKER_AUTH": "dev", "TRACKER_FORMS": str(forms)})


@pytest.fixture(scope="module")
def signed_in_as(app_context: BrowserContext, docs_server: AppServer) -> Iterator[Callable[[Person], Signed]]:
    """``signed_in_as(person)``: a page signed in through the identity picker, one per person for the module."""
    pages: dict[str, Signed] = {}

    def _get(who: Person) -> Signed:
        if who.person_id in pages and not pages[who.person_id][0].is_closed():
            return pages[who.person_id]
        page = app_context.new_page()
        page.set_default_timeout(APP_TIMEOUT_MS)
        log = BrowserLog(origin=docs_server.url)
        log.attach(page)
        page.goto(docs_server.url)
        wait_for_app(page)
        page.get_by_text("Utvecklarinloggning").click()
        picker = labelled_select(page, "Logga in som")
        chosen = page.get_by_role("button", name="Logga in som vald person")
        _pick(page, picker, who.label)
        expect(chosen).to_be_enabled()
        chosen.click()
        wait_for_app(page)
        expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
        pages[who.person_id] = (page, log)
        return page, log

    yield _get
    for page, _ in pages.values():
        if not page.is_closed():
            page.close()


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def _pick(page: Page, select: Locator, option: str) -> None:
    """Choose ``option`` in a selectbox: typing into its search field filters the (long, virtualised) list
    to the one match, which Enter takes. A rerun that ends meanwhile can close the list or drop the
    choice, so a choice that did not stick is made again."""
    chosen = select.locator("input")
    match = page.get_by_role("option").filter(has_text=option)
    for _ in range(3):
        wait_for_app(page)
        select.scroll_into_view_if_needed()
        select.click()
        chosen.press_sequentially(option)
        try:
            expect(match).to_have_count(1, timeout=5_000)
        except AssertionError:
            page.keyboard.press("Escape")
            continue
        page.keyboard.press("Enter")
        wait_for_app(page)
        if chosen.input_value() == option:
            return
    expect(chosen).to_have_value(option)


def _make(page: Page, label: str) -> None:
    """Press a "Skapa …" button and wait for the run that builds the document."""
    button = page.get_by_test_id("stButton").filter(has_text=label)
    expect(button).to_have_count(1)
    button.scroll_into_view_if_needed()
    button.click()
    wait_for_app(page)


def _download(page: Page, label: str, dest: Path) -> Path:
    """Press the download button ``label`` and save what the browser receives under ``dest``."""
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label)
    expect(button).to_have_count(1)
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / download.suggested_filename
    download.save_as(out)
    return out


def _open_trainee(page: Page, name: str) -> None:
    """Open a trainee of the list (the select under the table filters by what is typed)."""
    _pick(page, labelled_select(page, "Öppna ST-läkare"), name)


def _section(page: Page, timeout: float | None = None) -> None:
    heading = page.get_by_test_id("stHeading").filter(has_text="Ansökan till Socialstyrelsen")
    expect(heading).to_be_visible(timeout=timeout)


def _all_forms_fillable(page: Page) -> None:
    success = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Alla blanketter kan fyllas i.")
    expect(success).to_be_visible()


def _field(reader: PdfReader, name: str) -> str:
    fields = reader.get_fields() or {}
    assert name in fields, f"no field {name!r} in the PDF ({len(fields)} fields)"
    return str(fields[name].get("/V", ""))


def _assert_application_pdf(path: Path, tid: str, surname: str) -> PdfReader:
    assert path.name == f"ansokan-{tid}-{date.today().isoformat()}.pdf"
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 10
    assert _field(reader, "b01 Efternamn") == surname
    assert _field(reader, "b02 Efternamn") == surname
    return reader


def _assert_page_one_renders(path: Path, reader: PdfReader) -> None:
    """``pdftoppm -png -f 1 -l 1 -r 50`` draws page 1 as a PNG of the page's size at 50 dpi."""
    if PDFTOPPM is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF opened with pypdf, but page 1 was not rendered")
    prefix = path.with_suffix("")
    run = subprocess.run(
        [PDFTOPPM, "-png", "-f", "1", "-l", "1", "-r", str(RENDER_DPI), str(path), str(prefix)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    pngs = sorted(prefix.parent.glob(f"{prefix.name}-*1.png"))
    assert len(pngs) == 1, f"pdftoppm wrote {[p.name for p in prefix.parent.iterdir()]}"
    png = pngs[0].read_bytes()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1_000
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    box = reader.pages[0].mediabox
    expected = (round(float(box.width) * RENDER_DPI / 72), round(float(box.height) * RENDER_DPI / 72))
    assert abs(width - expected[0]) <= 1 and abs(height - expected[1]) <= 1, ((width, height), expected)


# --------------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------------


@needs_blanks
def test_trainee_downloads_the_filled_application(
    signed_in_as: Callable[[Person], Signed], cast: Cast, tmp_path: Path
) -> None:
    from tracker.application.content import split_name

    tid, trainee = cast.ready[REG_2021]
    page, log = signed_in_as(trainee)
    open_nav_page(page, "Översikt")
    _section(page)
    _all_forms_fillable(page)
    # The forms' table (its accessible rows): every form ready to fill.
    forms = grid_row(page, f"{REG_2021} bilaga")
    ready = page.locator("[role='gridcell']").filter(has_text=READY_CELL)
    expect(forms.filter(has=ready)).not_to_have_count(0)
    expect(forms.filter(has_not=ready)).to_have_count(0)
    _make(page, "Skapa ansökan")
    screenshot(page, "st", "oversikt-ansokan")

    pdf = _download(page, "Ladda ner ansökan (PDF)", tmp_path)
    reader = _assert_application_pdf(pdf, tid, split_name(trainee.name)[0])
    bundle = _download(page, "Ladda ner alla blanketter (zip)", tmp_path)
    assert bundle.name == f"ansokan-{tid}-{date.today().isoformat()}.zip"
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        assert {"manifest.json", "ansokan.pdf"} <= set(names)
        assert z.read("ansokan.pdf") == pdf.read_bytes()  # the same package in both downloads
    assert sum(n.endswith(".pdf") for n in names) == len(names) - 1  # every form, the merged PDF, the manifest
    assert_healthy(page, log, "after downloading the application")
    _assert_page_one_renders(pdf, reader)


def test_trainee_downloads_the_iup_report(signed_in_as: Callable[[Person], Signed], cast: Cast, tmp_path: Path) -> None:
    tid, trainee = cast.ready[REG_2021]
    page, log = signed_in_as(trainee)
    open_nav_page(page, "Översikt")
    expect(page.get_by_test_id("stDownloadButton").filter(has_text="Ladda ner IUP-rapport (PDF)")).to_have_count(0)
    _make(page, "Skapa rapport")
    pdf = _download(page, "Ladda ner IUP-rapport (PDF)", tmp_path)
    assert pdf.name == f"iup-{tid}-{date.today().isoformat()}.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 1
    assert trainee.name in (reader.pages[0].extract_text() or "")
    assert_healthy(page, log, "after downloading the IUP report")
    _assert_page_one_renders(pdf, reader)


def test_handledare_downloads_the_iup_report_but_cannot_make_the_application(
    signed_in_as: Callable[[Person], Signed], cast: Cast, tmp_path: Path
) -> None:
    tid, name = cast.supervised
    page, log = signed_in_as(cast.handledare)
    open_nav_page(page, "Mina ST-läkare")
    _open_trainee(page, name)
    expect(page.get_by_test_id("stButton").filter(has_text="Skapa rapport")).to_have_count(1)
    # The filled forms hold the personnummer and the address, which a handledare does not see.
    expect(page.get_by_test_id("stButton").filter(has_text="Skapa ansökan")).to_have_count(0)
    _make(page, "Skapa rapport")
    pdf = _download(page, "Ladda ner IUP-rapport (PDF)", tmp_path)
    assert pdf.name == f"iup-{tid}-{date.today().isoformat()}.pdf"
    reader = PdfReader(pdf)
    assert name in (reader.pages[0].extract_text() or "")
    screenshot(page, "handledare", "mina-st-lakare-rapport")
    assert_healthy(page, log, "the handledare's report")


def test_handledare_sees_which_forms_the_application_holds(
    signed_in_as: Callable[[Person], Signed], cast: Cast
) -> None:
    _, name = cast.supervised
    page, log = signed_in_as(cast.handledare)
    open_nav_page(page, "Mina ST-läkare")
    _open_trainee(page, name)
    _section(page, timeout=1_000)  # the run has finished: the section is there or not at all
    expect(grid_row(page, " bilaga ")).not_to_have_count(0)
    expect(page.get_by_text("skapas av ST-läkaren eller utbildningsenheten")).to_be_visible()
    expect(page.get_by_test_id("stButton").filter(has_text="Skapa ansökan")).to_have_count(0)
    assert_healthy(page, log, "the handledare's view of the application")


@needs_blanks
def test_studierektor_downloads_a_trainees_application(
    signed_in_as: Callable[[Person], Signed], cast: Cast, tmp_path: Path
) -> None:
    from tracker.application.content import split_name

    tid, trainee = cast.ready[cast.office_regulation]
    page, log = signed_in_as(cast.studierektor)
    open_nav_page(page, "ST-läkare")
    _open_trainee(page, trainee.name)
    _section(page)
    _all_forms_fillable(page)
    _make(page, "Skapa ansökan")
    screenshot(page, "studierektor", "st-lakare-ansokan")
    pdf = _download(page, "Ladda ner ansökan (PDF)", tmp_path)
    _assert_application_pdf(pdf, tid, split_name(trainee.name)[0])
    assert_healthy(page, log, "after the studierektor's download")
