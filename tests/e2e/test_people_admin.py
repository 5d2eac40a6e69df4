"""The training office runs on the app: the studierektor adds a handledare, assigns them to a trainee of
the area and hands over a one-time code; the handledare sets a password with it on the login page, sees
the trainee, changes the password and signs in with the new one."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
from playwright.sync_api import Locator, Page, expect

from .conftest import (
    ROLE_EMAILS,
    AppServer,
    OpenApp,
    assert_healthy,
    open_nav_page,
    screenshot,
    sign_in,
    sign_out,
    wait_for_app,
)

CODE_RE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")
HANDLEDARE = "Hedda Testhandledare"
EMAIL = "hedda.testhandledare@demo.se"
FIRST_PASSWORD = "första lösenordet 1"
SECOND_PASSWORD = "andra lösenordet 2"


def _trainee_of_the_area(seeded_db: Path) -> str:
    """A trainee at a unit of the demo studierektor's area (VGR, Göteborg) whose name no one else has,
    other than the demo ST-läkare (whom other tests use)."""
    con = duckdb.connect(str(seeded_db), read_only=True)
    try:
        row = con.execute(
            """SELECT t.name FROM trainee t JOIN unit u USING (unit_id) LEFT JOIN person p ON p.person_id = t.person_id
               WHERE u.region_id = 'VGR' AND u.area = 'Göteborg' AND coalesce(p.email, '') <> 'st@demo.se'
                 AND t.name IN (SELECT name FROM trainee GROUP BY name HAVING count(*) = 1)
               ORDER BY t.name LIMIT 1"""
        ).fetchone()
    finally:
        con.close()
    assert row is not None, "the demo data has trainees in Göteborg"
    return str(row[0])


def _form(page: Page, button: str) -> Locator:
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name=button, exact=True))


def _choose(page: Page, select: Locator, text: str) -> None:
    """Pick the option containing ``text`` in a selectbox (typing into its search field, when it has one:
    a long list is virtualised)."""
    select.scroll_into_view_if_needed()
    select.click()
    search = select.locator("input")
    if search.count():
        search.press_sequentially(text)
    page.get_by_role("option").filter(has_text=text).first.click()
    expect(search).to_have_value(re.compile(re.escape(text)))  # the choice is shown in the search field


def _selectbox(scope: Page | Locator, label: str) -> Locator:
    page = scope if isinstance(scope, Page) else scope.page
    labelled = page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    return scope.get_by_test_id("stSelectbox").filter(has=labelled)


def test_studierektor_adds_a_handledare_who_sets_a_password_with_a_code(
    open_app: OpenApp, app_server: AppServer, seeded_db: Path
) -> None:
    trainee = _trainee_of_the_area(seeded_db)
    page, log = open_app(app_server)
    sign_in(page, ROLE_EMAILS["studierektor"])

    # A new handledare at a unit of the area.
    open_nav_page(page, "Personer och konton")
    form = _form(page, "Lägg upp person")
    form.get_by_label("Namn", exact=True).fill(HANDLEDARE)
    form.get_by_label("E-post", exact=True).fill(EMAIL)
    _choose(page, _selectbox(form, "Enhet (handledare, verksamhetschef)"), "Vårdcentralen Majorna")
    form.get_by_role("button", name="Lägg upp person").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"{HANDLEDARE} är upplagd som handledare")
    assert_healthy(page, log, "after adding a handledare")

    # ... assigned to a trainee of the area ...
    open_nav_page(page, "Enheter och handledning")
    _choose(page, _selectbox(page, "ST-läkare"), trainee)
    wait_for_app(page)
    form = _form(page, "Tilldela handledare")
    _choose(page, _selectbox(form, "Handledare"), HANDLEDARE)
    form.get_by_role("button", name="Tilldela handledare").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"{HANDLEDARE} är handledare för {trainee}")
    screenshot(page, "studierektor", "enheter-och-handledning")
    assert_healthy(page, log, "after assigning the handledare")

    # ... and a one-time code, shown once.
    open_nav_page(page, "Personer och konton")
    _choose(page, _selectbox(page, "Person som ska få en engångskod"), HANDLEDARE)
    wait_for_app(page)
    page.get_by_role("button", name="Skapa engångskod").click()
    wait_for_app(page)
    code = page.get_by_test_id("stCode").inner_text().strip()
    assert CODE_RE.match(code), code
    screenshot(page, "studierektor", "engangskod")
    assert_healthy(page, log, "after creating a one-time code")

    # The handledare, in a new browser page, sets a password with the code and is signed in.
    other, other_log = open_app(app_server)
    other.get_by_role("button", name="Jag har en engångskod").click()
    wait_for_app(other)
    other.get_by_label("E-postadress").fill(EMAIL)
    other.get_by_label("Engångskod").fill(code)
    other.get_by_label("Nytt lösenord", exact=True).fill(FIRST_PASSWORD)
    other.get_by_label("Upprepa lösenord", exact=True).fill(FIRST_PASSWORD)
    screenshot(other, "anonym", "engangskod")
    other.get_by_role("button", name="Spara lösenord och logga in").click()
    wait_for_app(other)
    expect(other.locator("h1").first).to_have_text("Mina ST-läkare")
    expect(other.get_by_test_id("stSidebar")).to_contain_text(HANDLEDARE)
    rows = other.get_by_test_id("stDataFrame").first.locator("[role='row']").filter(has_text=trainee)
    expect(rows).not_to_have_count(0)  # the accessible grid is in the DOM but visually hidden
    assert_healthy(other, other_log, "the handledare's first page")

    # A new password on "Byt lösenord"; the first one then no longer works, the new one does.
    open_nav_page(other, "Byt lösenord")
    form = _form(other, "Byt lösenord")
    form.get_by_label("Nuvarande lösenord").fill(FIRST_PASSWORD)
    form.get_by_label("Nytt lösenord", exact=True).fill(SECOND_PASSWORD)
    form.get_by_label("Upprepa lösenord", exact=True).fill(SECOND_PASSWORD)
    form.get_by_role("button", name="Byt lösenord").click()
    wait_for_app(other)
    expect(other.get_by_test_id("stAlertContentSuccess")).to_contain_text("Lösenordet är bytt.")
    assert_healthy(other, other_log, "after changing the password")
    sign_out(other)
    sign_in(other, EMAIL, FIRST_PASSWORD)
    expect(other.get_by_test_id("stAlertContentError")).to_contain_text("Fel e-postadress eller lösenord")
    sign_in(other, EMAIL, SECOND_PASSWORD)
    expect(other.locator("h1").first).to_have_text("Mina ST-läkare")
    # The refusal of the first attempt goes once the first page's run has finished.
    wait_for_app(other)
    expect(other.get_by_test_id("stAlertContentError")).to_have_count(0)
    assert_healthy(other, other_log, "signed in with the new password")
