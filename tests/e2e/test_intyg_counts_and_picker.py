"""The handledare's two pages count the same intyg; the delmål picker offers a BT-approved trainee no BT delmål."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import SignedIn, assert_healthy, choose_section, open_nav_page, screenshot, wait_for_app


def _metric(page: Page, label: str) -> int:
    value = (
        page.get_by_test_id("stMetric")
        .filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=label))
        .first.get_by_test_id("stMetricValue")
    )
    expect(value).to_be_visible()
    return int(value.inner_text().strip())


def test_handledare_sees_the_same_number_waiting_on_both_pages(signed_in: SignedIn) -> None:
    page, log = signed_in("handledare")
    open_nav_page(page, "Mina ST-läkare")
    on_list = _metric(page, "Intyg som väntar på dig")
    assert_healthy(page, log, "Mina ST-läkare")
    open_nav_page(page, "Att signera")
    on_signing = _metric(page, "Intyg som väntar på dig")
    assert on_list == on_signing, f"Mina ST-läkare says {on_list}, Att signera {on_signing}"
    # One card, with its Signera button, per intyg counted.
    expect(page.get_by_role("button", name="Signera", exact=True)).to_have_count(on_signing)
    screenshot(page, "handledare", "att-signera-filter")
    assert_healthy(page, log, "Att signera")


def _options(page: Page, label: str) -> list[str]:
    """The options of a select or multiselect (opened, read, closed again)."""
    widget = page.locator("[data-testid='stSelectbox'], [data-testid='stMultiSelect']").filter(
        has=page.get_by_text(label, exact=True)
    )
    options = page.get_by_role("option")
    for _ in range(3):  # a widget drawn anew by the last rerun may drop the first click
        widget.first.get_by_role("combobox").click()
        try:
            expect(options.first).to_be_visible(timeout=3_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    expect(options.first).to_be_visible()
    texts = [t.strip() for t in options.all_inner_texts()]
    page.keyboard.press("Escape")
    expect(options).to_have_count(0)
    return texts


def test_the_delmal_picker_offers_no_bt_delmal_once_the_bt_is_approved(signed_in: SignedIn) -> None:
    # The demo ST-läkare (st@demo.se) follows HSLF-FS 2021:8 with an approved BT.
    page, log = signed_in("st")
    open_nav_page(page, "Intyg")
    choose_section(page, "Ny aktivitet eller intyg")
    types = _options(page, "Typ")
    assert "Kurs" in types and "Intyg om delmål i bastjänstgöringen" not in types, types
    assert "Kvalitets- och utvecklingsarbete" not in types, types  # SOSFS 2015:8's
    assert not [t for t in types if t.startswith("Intyg om fullgjord")], types  # their own section
    for ctype in ("Kurs", "Övrig utbildningsaktivitet"):
        select = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Typ", exact=True)).first
        select.get_by_role("combobox").click()
        page.get_by_role("option", name=ctype, exact=True).click()
        wait_for_app(page)
        offered = _options(page, "Delmål som intyget avser")
        assert offered, f"{ctype}: no delmål offered"
        assert not [o for o in offered if re.match(r"^BT\d", o)], f"{ctype}: {offered}"
        assert not [o for o in offered if "select all" in o.lower()], f"{ctype}: {offered}"
    screenshot(page, "st", "intyg-ny-aktivitet")
    assert_healthy(page, log, "the new-intyg form")
