"""A date older than ten years typed into the placement form on Tidslinje, in the browser: saved and listed.

Streamlit's date input accepts only today ± 10 years unless given a range; the browser then marks an older
date red and the server keeps the previous value, so the placement was refused as "Ange ett startdatum".
"""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from .conftest import SignedIn, assert_healthy, choose_section, open_nav_page, screenshot, wait_for_app
from .test_corrections import _pick_placement, _table_row
from .test_workflows import _fill_date

WORKPLACE = "Medicinkliniken, AT 2012"
START, END = date(2012, 3, 1), date(2012, 8, 31)
PERIOD = f"{START.isoformat()} – {END.isoformat()}"


def test_a_placement_from_2012_is_typed_saved_and_listed(signed_in: SignedIn) -> None:
    page, log = signed_in("st")
    open_nav_page(page, "Tidslinje")
    choose_section(page, "Placeringar")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Spara placering"))
    form.scroll_into_view_if_needed()  # a select's list closes when the page scrolls under it
    form.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="AT", exact=True).click()
    form.get_by_test_id("stSelectbox").nth(1).click()
    page.get_by_role("option", name="Internmedicin", exact=True).click()
    form.get_by_test_id("stTextInput").locator("input").fill(WORKPLACE)
    _fill_date(form, "Startdatum", START)
    _fill_date(form, "Slutdatum", END)
    expect(form.get_by_test_id("stDateInputError")).to_have_count(0)  # not marked as out of range
    form.get_by_role("button", name="Spara placering").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Placeringen är sparad.")
    # Listed beside the form, and the page is still on the placements.
    expect(_table_row(page, WORKPLACE, PERIOD)).to_have_count(1)
    expect(page.get_by_role("button", name="Spara placering", exact=True)).to_be_visible()
    screenshot(page, "st", "tidslinje-placering-2012")
    assert_healthy(page, log, "after saving a placement from 2012")

    # Removed again, so that the other journeys see the demo's record as seeded.
    _pick_placement(page, WORKPLACE, PERIOD)
    page.get_by_role("button", name="Ta bort placeringen", exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Ja, ta bort", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Placeringen är borttagen.")
    expect(_table_row(page, WORKPLACE)).to_have_count(0)
    assert_healthy(page, log, "after deleting the placement from 2012")
