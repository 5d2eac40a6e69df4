"""Each demo role signs in through the real login form, sees its own menu and can open every page in it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import (
    ROLE_EMAILS,
    AppServer,
    OpenApp,
    assert_healthy,
    error_alerts,
    expect_login_page,
    nav_links,
    nav_sections,
    open_nav_page,
    screenshot,
    sign_in,
    sign_out,
    wait_for_app,
)

OFFICE_PAGES = {"Kohort", "ST-läkare", "Delmål-flaskhalsar", "BT", "ST-intressenter"}
OWN_PAGES = {"Översikt", "Tidslinje", "Delmål", "Intyg", "Tänk om"}
SUPERVISOR_PAGES = {"Mina ST-läkare", "Att signera"}

# Per role: sections and pages that must be in the menu, and pages that must not be.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "st": {
        "sections": {"Min ST"},
        "pages": OWN_PAGES | {"Logg"},
        "absent": SUPERVISOR_PAGES | OFFICE_PAGES | {"Import", "Användare och roller"},
    },
    "handledare": {
        "sections": {"Mina ST-läkare"},
        "pages": SUPERVISOR_PAGES | {"Logg"},
        "absent": OWN_PAGES | OFFICE_PAGES | {"Import", "Användare och roller"},
    },
    "studierektor": {
        "sections": {"Utbildningsenhet"},
        "pages": OFFICE_PAGES | {"Import", "Logg"},
        "absent": OWN_PAGES | SUPERVISOR_PAGES | {"Användare och roller"},
    },
    "admin": {
        "sections": {"Utbildningsenhet"},
        "pages": OFFICE_PAGES | {"Import", "Logg", "Användare och roller"},
        "absent": OWN_PAGES | SUPERVISOR_PAGES,
    },
}


def _assert_no_personal_data(page: Page, people: dict[str, Any], *extra: str) -> None:
    """No trainee name (nor ``extra`` names) in the page's visible text.

    Polled briefly: right after signing out the previous page may still be on its way out.
    """
    names = [*people["trainees"], *extra]
    leaked: list[str] = []
    for _ in range(20):
        text = page.locator("body").inner_text()
        leaked = [name for name in names if name in text]
        if not leaked:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the login page shows names to an anonymous visitor: {leaked[:5]}")


@pytest.mark.parametrize("role", list(EXPECTED))
def test_role_can_open_every_page(role: str, open_app: OpenApp, app_server: AppServer, people: dict[str, Any]) -> None:
    email = ROLE_EMAILS[role]
    page, log = open_app(app_server)
    # Anonymous: only the login page, nothing from the database but the demo account list.
    expect_login_page(page)
    _assert_no_personal_data(page, people)
    assert_healthy(page, log, "login page")
    if role == "st":
        screenshot(page, "anonym", "logga-in")

    sign_in(page, email)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text(people["by_email"][email])

    links = nav_links(page)
    titles = set(links)
    expected = EXPECTED[role]
    assert expected["pages"] <= titles, f"{role}: missing pages {sorted(expected['pages'] - titles)}"
    assert not (expected["absent"] & titles), f"{role}: must not see {sorted(expected['absent'] & titles)}"
    sections = set(nav_sections(page))
    if sections:  # Streamlit draws headers only when the menu has sections
        assert expected["sections"] <= sections, f"{role}: sections {sorted(sections)}"
        assert not ({"Min ST", "Mina ST-läkare", "Utbildningsenhet"} - expected["sections"]) & sections

    for title in links:
        open_nav_page(page, title)
        screenshot(page, role, title)
        assert_healthy(page, log, f"{role}: page {title}")

    sign_out(page)
    expect_login_page(page)
    _assert_no_personal_data(page, people, people["by_email"][email])
    assert_healthy(page, log, f"{role}: after signing out")


def test_wrong_password_is_refused(open_app: OpenApp, app_server: AppServer, people: dict[str, Any]) -> None:
    page, log = open_app(app_server)
    # Without TRACKER_AUTH=dev there is no identity picker, and without [auth] no OIDC button.
    expect(page.get_by_text("Utvecklarinloggning")).to_have_count(0)
    expect(page.get_by_role("button", name="Logga in med organisationskonto")).to_have_count(0)

    sign_in(page, ROLE_EMAILS["admin"], "inte-rätt-lösenord")
    screenshot(page, "anonym", "fel-losenord")
    alerts = error_alerts(page)
    assert any("Fel e-postadress eller lösenord" in a for a in alerts), alerts
    expect_login_page(page)
    _assert_no_personal_data(page, people)
    assert_healthy(page, log, "wrong password", allow_error_alert=True)

    # An unknown address gets exactly the same answer (no hint that an account exists).
    sign_in(page, "ingen.alls@example.org", "demo")
    assert any("Fel e-postadress eller lösenord" in a for a in error_alerts(page))
    expect_login_page(page)


def test_dev_picker_signs_in_on_loopback(open_app: OpenApp, dev_server: AppServer) -> None:
    page, log = open_app(dev_server)
    page.get_by_text("Utvecklarinloggning").click()
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Logga in som")
    chosen = page.get_by_role("button", name="Logga in som vald person")
    for _ in range(3):  # a rerun of the freshly started server can drop a choice made during it
        wait_for_app(page)
        picker.scroll_into_view_if_needed()
        picker.click()
        # The list is long and virtualised (and may open below the window): filter it by typing into
        # the picker's own search field, then take the one match with the keyboard.
        picker.locator("input").press_sequentially("Johan Bergström")
        page.keyboard.press("Enter")
        wait_for_app(page)
        if chosen.is_enabled():
            break
    chosen.click()
    wait_for_app(page)
    assert "Mina ST-läkare" in nav_links(page)
    assert_healthy(page, log, "dev sign-in")
    screenshot(page, "dev", "handledare")
