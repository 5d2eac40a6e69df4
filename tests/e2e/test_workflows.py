"""Journeys that write: signing an intyg, registering leave, and a refused import."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from .conftest import (
    ROLE_EMAILS,
    AppServer,
    OpenApp,
    SignedIn,
    assert_healthy,
    choose_section,
    error_alerts,
    open_nav_page,
    screenshot,
    sign_in,
    wait_for_app,
)

SV_MONTHS = "januari februari mars april maj juni juli augusti september oktober november december".split()


def parse_sv_date(text: str) -> date:
    """'31 oktober 2029' -> date(2029, 10, 31)."""
    m = re.fullmatch(r"\s*(\d{1,2}) ([a-zåäö]+) (\d{4})\s*", text)
    assert m and m.group(2) in SV_MONTHS, f"not a Swedish date: {text!r}"
    return date(int(m.group(3)), SV_MONTHS.index(m.group(2)) + 1, int(m.group(1)))


def metric(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=label))


def metric_value(page: Page, label: str) -> str:
    value = metric(page, label).first.get_by_test_id("stMetricValue")
    expect(value).to_be_visible()
    return value.inner_text().strip()


def grid_row(page: Page, text: str) -> Locator:
    """A data-grid row (the accessible table behind st.dataframe) containing ``text``."""
    return page.get_by_test_id("stDataFrame").locator("[role='row']").filter(has_text=text)


def test_handledare_signs_and_trainee_sees_it_signed(
    open_app: OpenApp, signed_in: SignedIn, app_server: AppServer, people: dict[str, Any]
) -> None:
    trainee = people["by_email"][ROLE_EMAILS["st"]]
    page, log = open_app(app_server)
    sign_in(page, ROLE_EMAILS["handledare"])
    open_nav_page(page, "Att signera")
    waiting = int(metric_value(page, "Intyg som väntar på dig"))

    # One bordered card per intyg; the innermost block holding the trainee's name and a Signera button.
    cards = (
        page.get_by_test_id("stVerticalBlock")
        .filter(has_text=trainee)
        .filter(has=page.get_by_role("button", name="Signera", exact=True))
    )
    assert cards.count() > 0, f"the demo data should have an intyg from {trainee} waiting for the handledare"
    card = cards.last
    title = card.get_by_test_id("stMarkdownContainer").nth(1).inner_text().splitlines()[0].strip()
    assert title and title != "–", "the intyg to sign should have a title"

    card.get_by_role("button", name="Signera", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Intyget för {trainee} är signerat")
    expect(metric(page, "Intyg som väntar på dig").get_by_test_id("stMetricValue")).to_have_text(str(waiting - 1))
    remaining = (
        page.get_by_test_id("stVerticalBlock")
        .filter(has_text=trainee)
        .filter(has_text=title)
        .filter(has=page.get_by_role("button", name="Signera", exact=True))
    )
    expect(remaining).to_have_count(0)
    screenshot(page, "handledare", "att-signera-efter-signering")
    assert_healthy(page, log, "handledare after signing")

    # The ST-läkare sees the same intyg as signed (another session: the app's caches were cleared).
    page, log = signed_in("st")
    open_nav_page(page, "Intyg")
    row = grid_row(page, title)
    expect(row).not_to_have_count(0)  # the accessible grid is in the DOM but visually hidden
    expect(row.first).to_contain_text("Signerat")
    screenshot(page, "st", "intyg-efter-signering")
    assert_healthy(page, log, "ST-läkare's intyg after signing")


def _fill_date(form: Locator, label: str, value: date) -> None:
    """Type a date into st.date_input (a segmented year/month/day field that advances by itself)."""
    year = form.get_by_role("spinbutton", name=f"år, {label}")
    year.click()
    form.page.keyboard.type(f"{value.year:04d}{value.month:02d}{value.day:02d}")
    form.page.keyboard.press("Tab")
    expect(year).to_have_text(f"{value.year:04d}")
    expect(form.get_by_role("spinbutton", name=f"månad, {label}")).to_have_text(f"{value.month:02d}")
    expect(form.get_by_role("spinbutton", name=f"dag, {label}")).to_have_text(f"{value.day:02d}")


def test_leave_moves_the_projected_date(signed_in: SignedIn) -> None:
    page, log = signed_in("st")
    open_nav_page(page, "Översikt")
    before = parse_sv_date(metric_value(page, "Beräknat klar"))

    open_nav_page(page, "Tidslinje")
    choose_section(page, "Ledigheter")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Spara ledighet"))
    form.scroll_into_view_if_needed()  # a select's list closes when the page scrolls under it
    start = date.today() + timedelta(days=30)
    end = start + timedelta(days=89)
    # Föräldraledighet does not count as service.
    form.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="Föräldraledighet").click()
    _fill_date(form, "Startdatum", start)
    _fill_date(form, "Slutdatum", end)
    form.get_by_role("button", name="Spara ledighet").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Ledigheten är sparad")
    assert_healthy(page, log, "after saving leave")

    open_nav_page(page, "Översikt")
    after = parse_sv_date(metric_value(page, "Beräknat klar"))
    screenshot(page, "st", "oversikt-efter-ledighet")
    # 90 days of full-time leave push the date out by about three months.
    assert after > before, f"projected date did not move: {before} -> {after}"
    assert 60 <= (after - before).days <= 120, f"{before} -> {after}"
    assert_healthy(page, log, "Översikt after leave")


def test_import_with_a_bad_row_writes_nothing(open_app: OpenApp, app_server: AppServer, example_bundle: Path) -> None:
    # Corrupt one row: a start date that is not a date, on line 3 of placements.csv.
    placements = example_bundle / "placements.csv"
    lines = placements.read_text("utf-8").splitlines()
    cells = lines[2].split(",")
    cells[lines[0].split(",").index("start_date")] = "2020-13-45"
    lines[2] = ",".join(cells)
    placements.write_text("\n".join(lines) + "\n", "utf-8")
    imported_name = "Anna Heltid"  # trainee E1 of the example bundle
    assert imported_name in (example_bundle / "trainees.csv").read_text("utf-8")

    page, log = open_app(app_server)
    sign_in(page, ROLE_EMAILS["studierektor"])
    open_nav_page(page, "Import")
    files = sorted(example_bundle.glob("*.csv"))
    page.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files([str(f) for f in files])
    wait_for_app(page)

    alerts = error_alerts(page)
    assert any("Inget har skrivits" in a for a in alerts), alerts
    row = grid_row(page, "placements.csv")
    expect(row).not_to_have_count(0)  # the accessible grid is in the DOM but visually hidden
    expect(row.first).to_contain_text("3")
    expect(row.first).to_contain_text("start_date")
    expect(page.get_by_role("button", name="Importera", exact=True)).to_have_count(0)
    screenshot(page, "studierektor", "import-fel")
    assert_healthy(page, log, "import with a bad row", allow_error_alert=True)

    # Nothing was written: the administrator, who sees every trainee, does not find the bundle's trainee.
    page, log = open_app(app_server)
    sign_in(page, ROLE_EMAILS["admin"])
    open_nav_page(page, "ST-läkare")
    page.get_by_label("Sök namn").fill(imported_name)
    page.get_by_label("Sök namn").press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^0 av \d+ ST-läkare"))).to_be_visible()
    assert_healthy(page, log, "admin's trainee list after the refused import")


def test_trainee_records_a_credit_and_sees_it_as_a_notice(signed_in: SignedIn) -> None:
    # RULES 2: tidigare ST at most 30 months in total; every credit is listed as something to act on.
    page, log = signed_in("st")
    open_nav_page(page, "Tidslinje")
    choose_section(page, "Tillgodoräknanden")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Spara tillgodoräknande"))
    form.scroll_into_view_if_needed()  # a select's list closes when the page scrolls under it
    form.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Tidigare ST").click()
    months = form.get_by_test_id("stNumberInput").locator("input")
    months.fill("31")
    form.get_by_test_id("stTextInput").locator("input").fill("ST i kirurgi, Region Skåne")
    form.get_by_role("button", name="Spara tillgodoräknande").click()
    wait_for_app(page)
    assert any("kunde inte sparas" in a for a in error_alerts(page))
    expect(grid_row(page, "Månader").first).to_contain_text("blir sammanlagt 31 månader")

    months.fill("12.5")
    form.get_by_role("button", name="Spara tillgodoräknande").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Tillgodoräknandet är sparat")
    open_nav_page(page, "Översikt")
    expect(page.get_by_text("Att tänka på")).to_be_visible()
    expect(page.get_by_text("Tillgodoräknande: tidigare ST 12,5 månader mot ST; bedöms av Socialstyrelsen.")).to_be_visible()
    assert_healthy(page, log, "Översikt after a credit")
