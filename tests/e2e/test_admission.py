"""The admission journey: the studierektor registers an ST-intressent, ticks the documents, moves the case
through bedömning and väntelista, enrols with an ST-kontrakt and a huvudhandledare and reads the one-time
code; the new ST-läkare sets a password with it on the login page and lands on their Översikt."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

from playwright.sync_api import Locator, Page, expect

from .conftest import ROLE_EMAILS, AppServer, OpenApp, assert_healthy, open_nav_page, screenshot, sign_in, wait_for_app

CODE_RE = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")
NEW_PASSWORD = "mitt nya lösenord 2025"


def fill_date(form: Locator, label: str, value: date) -> None:
    """Type a date into st.date_input (a segmented year/month/day field that advances by itself)."""
    year = form.get_by_role("spinbutton", name=f"år, {label}")
    year.click()
    form.page.keyboard.type(f"{value.year:04d}{value.month:02d}{value.day:02d}")
    form.page.keyboard.press("Tab")
    expect(year).to_have_text(f"{value.year:04d}")
    expect(form.get_by_role("spinbutton", name=f"månad, {label}")).to_have_text(f"{value.month:02d}")
    expect(form.get_by_role("spinbutton", name=f"dag, {label}")).to_have_text(f"{value.day:02d}")


def form_with(page: Page, button: str) -> Locator:
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name=button, exact=True))


def choose(page: Page, select: Locator, option: str | None = None) -> None:
    """Open a selectbox and pick the option named ``option`` (typed to filter; the first one when None).

    A rerun that ends just after the click can close the list again, so opening is retried."""
    listbox = page.get_by_role("listbox")
    for _ in range(3):
        select.click()
        try:
            expect(listbox).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            wait_for_app(page)
    if option is not None:
        page.keyboard.type(option)
    options = page.get_by_role("option")
    (options.first if option is None else options.filter(has_text=option).first).click()
    wait_for_app(page)


def labelled_select(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))


def success(page: Page, text: str) -> None:
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text=text)).to_be_visible()


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def test_studierektor_admits_an_intressent_who_then_signs_in_with_the_code(
    open_app: OpenApp, app_server: AppServer
) -> None:
    stamp = int(time.time())
    name = f"Amira Haddad {stamp}"
    email = f"amira.haddad.{stamp}@example.se"
    page, log = open_app(app_server)
    sign_in(page, ROLE_EMAILS["studierektor"])
    open_nav_page(page, "ST-intressenter")

    # Registration: a doctor without Swedish AT, legitimated in 2023: told that BT comes first.
    page.get_by_text("Ny ST-intressent", exact=True).click()
    form = form_with(page, "Registrera ST-intressent")
    form.get_by_label("Namn", exact=True).fill(name)
    form.get_by_label("E-postadress", exact=True).fill(email)
    choose(page, form.get_by_test_id("stSelectbox").nth(1))  # Enhet: the first unit of the area
    fill_date(form, "Legitimationsdatum", date(2023, 2, 1))
    form.get_by_text("Språkkrav uppfyllt", exact=True).click()
    form.get_by_role("button", name="Registrera ST-intressent").click()
    wait_for_app(page)
    success(page, f"{name} är registrerad som ST-intressent.")
    expect(page.get_by_test_id("stAlertContentInfo").filter(has_text="BT först")).to_be_visible()
    assert_healthy(page, log, "after registering an intressent")

    choose(page, labelled_select(page, "Hantera intressent"), name)
    wait_for_app(page)
    expect(page.locator("h4").filter(has_text=name)).to_be_visible()

    # The documents arrive.
    open_tab(page, "Dokument")
    docs = form_with(page, "Spara dokumentlista")
    for label in ("Anställningsbevis", "CV", "Personligt brev", "Legitimation"):
        docs.get_by_text(label, exact=True).click()
    docs.get_by_role("button", name="Spara dokumentlista").click()
    wait_for_app(page)
    success(page, "Dokumentlistan är sparad.")

    # Bedömning, then the waiting list.
    for step in ("Bedömning", "Väntelista"):
        open_tab(page, "Flytta till steg")
        move = form_with(page, "Flytta")
        choose(page, move.get_by_test_id("stSelectbox"), step)
        move.get_by_role("button", name="Flytta", exact=True).click()
        wait_for_app(page)
        success(page, f"är flyttad till {step.lower()}.")
    assert_healthy(page, log, "after moving the intressent to the waiting list")

    # Inskrivning with an ST-kontrakt and a huvudhandledare.
    open_tab(page, "Skriv in")
    enrol = form_with(page, "Skriv in som ST-läkare")
    fill_date(enrol, "ST-kontrakt", date.today() - timedelta(days=3))
    enrol.get_by_label("Dokumentreferens (valfri)", exact=True).fill(f"Dnr {stamp}")
    choose(page, enrol.get_by_test_id("stSelectbox"))  # Huvudhandledare: the first handledare of the area
    enrol.get_by_role("button", name="Skriv in som ST-läkare").click()
    wait_for_app(page)
    success(page, f"{name} är inskriven som ST-läkare.")
    code_text = page.get_by_test_id("stCode").first.inner_text()
    found = CODE_RE.search(code_text)
    assert found, f"no one-time code on the page: {code_text!r}"
    code = found.group(0)
    expect(page.get_by_text("Ge koden till ST-läkaren; den gäller i 14 dagar", exact=False)).to_be_visible()
    screenshot(page, "studierektor", "intressent-inskriven")
    assert_healthy(page, log, "after inskrivning")

    # The new ST-läkare, in a fresh page, sets a password with the code and lands on Översikt.
    page, log = open_app(app_server)
    page.get_by_text("Jag har en engångskod", exact=True).click()
    # The code form replaces the password form (which has an "E-postadress" too) after a rerun.
    expect(page.get_by_label("Engångskod", exact=True)).to_be_visible()
    wait_for_app(page)
    for label, value in (
        ("E-postadress", email),
        ("Engångskod", code),
        ("Nytt lösenord", NEW_PASSWORD),
        ("Upprepa lösenord", NEW_PASSWORD),
    ):
        field = page.get_by_label(label, exact=True)
        field.fill(value)
        expect(field).to_have_value(value)
    page.get_by_role("button", name="Spara lösenord och logga in", exact=True).click()
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Översikt")
    expect(page.get_by_test_id("stSidebar").get_by_text(name)).to_be_visible()
    screenshot(page, "st", "oversikt-efter-engangskod")
    assert_healthy(page, log, "the new ST-läkare's Översikt")
