"""The ST-läkare corrects a wrong placement and deletes a duplicate one on Tidslinje, in the browser."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import ROLE_EMAILS, SignedIn, assert_healthy, choose_section, open_nav_page, screenshot, wait_for_app
from .test_workflows import _fill_date


@pytest.fixture(scope="module")
def last_placement(seeded_db: Path) -> dict[str, object]:
    """The demo trainee's last placement (planned, so no signed intyg covers it), from the seeded database."""
    con = duckdb.connect(str(seeded_db), read_only=True)
    try:
        row = con.execute(
            """SELECT p.kind, p.setting, p.workplace, p.start_date, p.end_date, p.percent
               FROM placement p JOIN trainee t USING (trainee_id) JOIN person pe USING (person_id)
               WHERE pe.email = ? ORDER BY p.start_date DESC LIMIT 1""",
            [ROLE_EMAILS["st"]],
        ).fetchone()
    finally:
        con.close()
    assert row is not None and row[3] > date.today() and row[5] == 100 and row[0] == "ST"
    keys = ("kind", "setting", "workplace", "start_date", "end_date", "percent")
    return dict(zip(keys, row, strict=True))


SETTING_NAMES = {"primarvard": "Primärvård", "akutsjukvard": "Akut sjukvård", "psykiatri": "Psykiatri",
                 "internmedicin": "Internmedicin", "kirurgi": "Kirurgi", "annan": "Annan"}  # fmt: skip


def _period(p: dict[str, object]) -> str:
    start, end = p["start_date"], p["end_date"]
    assert isinstance(start, date) and isinstance(end, date)
    return f"{start.isoformat()} – {end.isoformat()}"


def _open_corrections(page: Page) -> None:
    """The placements on Tidslinje: the list, the form for a new one, the select of one to change."""
    choose_section(page, "Placeringar")
    expect(page.get_by_text("Välj placeringen att ändra eller ta bort")).to_be_visible()


def _pick_placement(page: Page, workplace: str, period: str) -> None:
    """Choose the placement at ``workplace`` in ``period`` in the select of placements to change."""
    select = page.get_by_test_id("stSelectbox").filter(has_text="Välj placeringen att ändra eller ta bort")
    select.click()
    page.keyboard.type(period)  # the select filters its options by what is typed
    page.get_by_role("option").filter(has_text=workplace).filter(has_text=period).first.click()
    wait_for_app(page)
    chosen = select.locator("input")
    expect(chosen).to_have_value(re.compile(f"{re.escape(workplace)} · {re.escape(period)} · "))


def _table_row(page: Page, *texts: str) -> Locator:
    rows = page.get_by_test_id("stTable").locator("tr")
    for text in texts:
        rows = rows.filter(has_text=text)
    return rows


def _save_percent(page: Page, percent: str) -> None:
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Spara ändrad placering"))
    form.get_by_test_id("stNumberInput").locator("input").fill(percent)
    form.get_by_role("button", name="Spara ändrad placering").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Placeringen är ändrad.")


def test_trainee_corrects_a_placement_and_deletes_a_duplicate(
    signed_in: SignedIn, last_placement: dict[str, object]
) -> None:
    page, log = signed_in("st")
    open_nav_page(page, "Tidslinje")
    workplace, period = str(last_placement["workplace"]), _period(last_placement)

    # A wrong percent: 100 % becomes 50 %, and the list shows the new value.
    _open_corrections(page)
    _pick_placement(page, workplace, period)
    _save_percent(page, "50")
    expect(_table_row(page, workplace, period).first).to_contain_text("50 %")
    chosen = page.get_by_test_id("stSelectbox").filter(has_text="Välj placeringen att ändra eller ta bort")
    expect(chosen.locator("input")).to_have_value(re.compile(f"{re.escape(period)} · 50 %$"))
    screenshot(page, "st", "tidslinje-andrad-placering")
    assert_healthy(page, log, "after correcting a placement")
    # Set back, so that the other journeys see the demo's plan.
    _open_corrections(page)
    _pick_placement(page, workplace, period)
    _save_percent(page, "100")
    expect(_table_row(page, workplace, period).first).to_contain_text("100 %")

    # A duplicate of the same placement, in the form beside the list: the app asks before saving it.
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Spara placering"))
    form.scroll_into_view_if_needed()  # a select's list closes when the page scrolls under it
    form.get_by_test_id("stSelectbox").nth(1).click()
    page.get_by_role("option", name=SETTING_NAMES[str(last_placement["setting"])], exact=True).click()
    form.get_by_test_id("stTextInput").locator("input").fill("Dubblett")
    start, end = last_placement["start_date"], last_placement["end_date"]
    assert isinstance(start, date) and isinstance(end, date)
    _fill_date(form, "Startdatum", start)
    _fill_date(form, "Slutdatum", end)
    form.get_by_role("button", name="Spara placering").click()
    wait_for_app(page)
    warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="överlappar")
    expect(warning).to_contain_text(f"{workplace} {period} (100 %)")
    expect(warning).to_contain_text("100 % + 100 % = 200 %, som räknas som högst 100 % av heltid per dag")
    screenshot(page, "st", "tidslinje-overlapp")
    page.get_by_role("button", name="Spara ändå", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Placeringen är sparad.")

    # The duplicate is listed, and then deleted after a confirmation.
    _open_corrections(page)
    expect(_table_row(page, "Dubblett", period)).to_have_count(1)
    _pick_placement(page, "Dubblett", period)
    page.get_by_role("button", name="Ta bort placeringen", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentWarning").filter(has_text="Det går inte att ångra")).to_be_visible()
    page.get_by_role("button", name="Ja, ta bort", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Placeringen är borttagen.")
    _open_corrections(page)
    expect(_table_row(page, "Dubblett")).to_have_count(0)
    expect(_table_row(page, workplace, period)).to_have_count(1)
    assert_healthy(page, log, "after deleting the duplicate")

    # The intyg's corrections on the Intyg page: drafts and sent intyg, and the BT approval date.
    open_nav_page(page, "Intyg")
    choose_section(page, "Ändra intyg")
    # The pickers start empty (a stale list never acts on another intyg); the buttons follow a choice.
    for label, action in (("Utkast att ta bort", "Ta bort utkastet"), ("Skickat intyg", "Dra tillbaka")):
        select = page.get_by_test_id("stSelectbox").filter(has_text=label)
        expect(page.get_by_role("button", name=action, exact=True)).to_have_count(0)
        select.scroll_into_view_if_needed()  # a select's list closes when the page scrolls under it
        select.click()
        page.get_by_role("option").first.click()
        wait_for_app(page)
        expect(page.get_by_role("button", name=action, exact=True)).to_be_visible()
    screenshot(page, "st", "intyg-andra-intyg")
    choose_section(page, "Godkänd BT")
    expect(page.get_by_role("button", name="Spara datum", exact=True)).to_be_visible()
    screenshot(page, "st", "intyg-godkand-bt")
