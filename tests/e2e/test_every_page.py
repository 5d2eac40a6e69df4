"""Every page of every role in a real browser, at a desktop's size and a phone's.

* No English text of Streamlit's own is left: not in the visible text, not in a tooltip, a placeholder or
  a screen-reader label (Streamlit has no translations; dashboards/assets/look.js replaces its texts). The
  widgets whose texts only show when used are used: the pickers opened and searched, a calendar opened,
  a date out of range typed, the grid's toolbar and search opened, a file chosen in the import, a trainee
  opened, the Intyg forms chosen.
* The favicon and every other asset are served by the app (no request leaves 127.0.0.1 in any browser
  test: conftest's ``stays_on_loopback``).
* On a phone (390 × 844) the menu closes after a page is chosen, nothing is wider than the screen (chart
  titles are page text that wraps, not Plotly's, which is cut off), the Delmål table gives way to one card
  per delmål and every static table to one card per row, and on a touch screen a grid's toolbar has its
  own room above the grid instead of covering the widget there.

A screenshot of every page goes to test-artifacts/screenshots/: dator-<roll>-<sida>.png and
telefon-<roll>-<sida>.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from playwright.sync_api import Browser, BrowserContext, Error, Page, Playwright, expect

from .conftest import (
    EXAMPLE_BUNDLE,
    AppServer,
    BrowserLog,
    assert_healthy,
    choose_section,
    is_local,
    nav_links,
    offline_context,
    screenshot,
    sign_in,
    wait_for_app,
)

ROLES = {
    "st": "st@demo.se",
    "handledare": "handledare@demo.se",
    "studierektor": "studierektor@demo.se",
    "verksamhetschef": "verksamhetschef@demo.se",
    "admin": "admin@demo.se",
}

# Streamlit's English defaults, each matched as a whole word (so "Stopp" or "OpenID" would not count).
ENGLISH = [
    # file uploader
    "Browse files", "Drag and drop", "Limit", "per file", "Upload", "Add files",
    # pickers
    "Select all", "Select", "No results", "No options", "options available", "Choose an option",
    "Choose options", "Clear all", "Clear value", "Selected values", "Remove", "Open", "Close", "selected",
    "available", "Show suggestions",
    # date input
    "Choose date", "Clear date", "Previous month", "Next month", "Use arrow keys", "Value must be",
    "yyyy", "year,", "month,", "day,", "Selected Date", "Selected Range", "outside allowed range",
    "Error", "Please", "required",
    # data grid
    "Download as CSV", "Show/hide columns", "Search", "Fullscreen", "Type to search", "Sort ascending",
    "Sort descending", "Hide column", "Autosize", "_export",
    # text and number inputs
    "Press Enter", "Press Ctrl", "Show password", "Hide password", "Increment", "Decrement",
    # page chrome, status and menu
    "Running", "Stop", "Deploy", "Rerun", "Record", "Made with Streamlit", "Main menu", "Settings",
    "Collapse sidebar", "Expand sidebar", "App pages", "View less", "Link to heading", "Help for",
    "Skip to main content", "Copy to clipboard", "Connecting",
]  # fmt: skip
ENGLISH_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(e) for e in ENGLISH) + r")(?!\w)"
    r"|\bView \d+ more\b"  # the menu's "View 3 more"
    r"|\b\d+(?:\.\d+)?(?:B|KB|MB|GB)\b|\b\d+\.\d+ ?kB\b"  # file sizes as "0.7KB", "200MB"
    r"|\b[a-z_]+ icon\b"  # an icon's screen-reader label ("check_circle icon")
)

# Every text node that is shown (the icon font's ligatures such as "search" are pictures, not text) and
# every label a tooltip or a screen reader gives.
_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const text = n.nodeValue.trim();
    if (!text || !el || el.closest('script, style')) continue;
    if (getComputedStyle(el).fontFamily.includes('Material Symbols')) continue;
    if (el.checkVisibility({visibilityProperty: true})) out.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [aria-placeholder], [data-title]'))
    for (const name of ['aria-label', 'title', 'placeholder', 'aria-placeholder', 'data-title']) {
      const value = el.getAttribute(name);
      if (value) out.push(`${name}=${value}`);
    }
  return out;
}"""

PHONE = {"width": 390, "height": 844}
_SIDEBAR_CLOSED = """() => {
  const sidebar = document.querySelector("[data-testid='stSidebar']");
  return !!sidebar && sidebar.getBoundingClientRect().right <= 0;
}"""
_SIDEBAR_SETTLED = """() => {  // all the way in or out, not sliding
  const sidebar = document.querySelector("[data-testid='stSidebar']");
  if (!sidebar) return false;
  const box = sidebar.getBoundingClientRect();
  return box.right <= 0 || Math.abs(box.left) < 1;
}"""
_OVERFLOW = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  return {page: document.documentElement.scrollWidth - window.innerWidth, main: main.scrollWidth - main.clientWidth};
}"""
# Charts that draw their title inside the figure (Plotly would cut a long one off on a phone).
_TITLES_IN_FIGURES = (
    """() => [...document.querySelectorAll('.js-plotly-plot .gtitle')].map(t => t.textContent).filter(Boolean)"""
)
# Static tables whose rows are not cards with each value named by its column (look.js, look.css).
_TABLES_NOT_CARDS = """() => [...document.querySelectorAll("[data-testid='stTableStyledTable']")].filter(table => {
  const names = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const cells = [...table.querySelectorAll('tbody tr:first-child > *')].map(td => td.getAttribute('data-label'));
  return getComputedStyle(table.querySelector('thead')).display !== 'none'
    || getComputedStyle(table.querySelector('tbody tr')).display !== 'block'
    || JSON.stringify(cells) !== JSON.stringify(names);
}).length"""
# Grids whose toolbar (44 px, drawn above the grid once touched) would cover the element above.
_TOOLBAR_ROOM = """() => [...document.querySelectorAll("[data-testid='stDataFrame']")].filter(g => g.offsetParent).map(g => {
  const box = g.closest("[data-testid='stElementContainer']");
  let above = box.previousElementSibling;
  while (above && !above.offsetParent) above = above.previousElementSibling;
  return above ? box.getBoundingClientRect().top - above.getBoundingClientRect().bottom : 99;
})"""
# The Delmål table's element (the one before its downloads, see dashboards/assets/look.css).
DELMAL_TABLE = "[data-testid='stElementContainer']:has(+ [data-testid='stLayoutWrapper'] [class*='_delmal_csv_xlsx'])"


# --------------------------------------------------------------------------------------------------
# Recording and scanning
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def desktop(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[BrowserContext]:
    """One context for the desktop walk: the frontend loads once."""
    context = offline_context(browser, **browser_context_args)
    yield context
    context.close()


class Walk:
    """One signed-in page and the English texts found on it (with where)."""

    def __init__(self, page: Page, log: BrowserLog, role: str) -> None:
        self.page, self.log, self.role = page, log, role
        self.english: dict[str, str] = {}
        self.probed: set[str] = set()

    def scan(self, where: str) -> None:
        for text in self.page.evaluate(_TEXTS):
            if ENGLISH_RE.search(text):
                self.english.setdefault(text[:160], where)

    def assert_clean(self) -> None:
        found = [f"{text!r} on {where}" for text, where in sorted(self.english.items(), key=lambda kv: kv[1])]
        assert not found, f"{self.role}: English left in the UI:\n" + "\n".join(found)
        icons = self.page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
        assert icons and all(is_local(href) for href in icons), f"the favicon is not served locally: {icons}"


def _start(context: BrowserContext, server: AppServer, role: str) -> Walk:
    page = context.new_page()
    page.set_default_timeout(30_000)
    log = BrowserLog(origin=server.url)
    log.attach(page)
    walk = Walk(page, log, role)
    page.goto(server.url)
    wait_for_app(page)
    walk.scan("the login page")
    sign_in(page, ROLES[role])
    return walk


# --------------------------------------------------------------------------------------------------
# Using the widgets whose texts only show when used
# --------------------------------------------------------------------------------------------------


def _visible(page: Page, test_id: str) -> Any:
    found = page.get_by_test_id(test_id).filter(visible=True)
    return found.first if found.count() else None


def _close_popups(page: Page) -> None:
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)


def _probe_widgets(walk: Walk, where: str) -> None:
    """Open each kind of picker once per role (its texts are the same everywhere) and scan what it shows."""
    page = walk.page
    if "multiselect" not in walk.probed and (box := _visible(page, "stMultiSelect")) is not None:
        walk.probed.add("multiselect")
        box.locator("input").click()
        page.wait_for_timeout(250)
        walk.scan(f"{where}, a multiselect opened")
        page.keyboard.type("qxqxq")
        expect(page.get_by_text("Inga träffar", exact=True)).to_be_visible()  # Streamlit's "No results"
        walk.scan(f"{where}, a multiselect searched without a match")
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        _close_popups(page)
    if "selectbox" not in walk.probed and (box := _visible(page, "stSelectbox")) is not None:
        walk.probed.add("selectbox")
        box.click()
        page.wait_for_timeout(250)
        walk.scan(f"{where}, a selectbox opened")
        _close_popups(page)
    if "date" not in walk.probed and (box := _visible(page, "stDateInput")) is not None:
        walk.probed.add("date")
        box.get_by_test_id("stDateInputCalendarButton").click()
        page.wait_for_timeout(250)
        walk.scan(f"{where}, a calendar opened")
        _close_popups(page)
    if "grid" not in walk.probed and (grid := _visible(page, "stDataFrame")) is not None:
        walk.probed.add("grid")
        grid.evaluate("el => el.scrollIntoView({block: 'center'})")
        grid.hover()
        # The toolbar of this grid, shown while the pointer is over the grid (its buttons have labels, no
        # tooltips): its search opens a field of its own.
        toolbar = grid.locator("xpath=ancestor::div[@data-testid='stElementContainer'][1]").get_by_test_id(
            "stElementToolbar"
        )
        expect(toolbar.get_by_role("button", name="Visa/dölj kolumner")).to_be_visible()
        walk.scan(f"{where}, the grid's toolbar")
        search = toolbar.get_by_role("button", name="Sök")
        if search.count():
            search.first.dispatch_event("click")  # on the element itself: a neighbouring grid may lie over it
            page.wait_for_timeout(250)
            walk.scan(f"{where}, the grid's search")
            _close_popups(page)
    wait_for_app(page)


def _choose_first(page: Page, label: str) -> bool:
    """Pick the first option of the selectbox labelled ``label``; False when there is none."""
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    if not box.count():
        return False
    # In the middle of the window: a list that opens below the window closes when the page scrolls to it.
    box.first.evaluate("el => el.scrollIntoView({block: 'center'})")
    box.first.click()
    option = page.get_by_role("option").first
    expect(option).to_be_visible()
    option.click()
    wait_for_app(page)
    return True


def _choose_section(page: Page, label: str) -> None:
    option = page.get_by_test_id("stButtonGroup").get_by_role("radio", name=label, exact=True)
    if option.count():
        option.click()
        wait_for_app(page)


def _page_specific(walk: Walk, title: str, where: str) -> None:
    """What a page shows only when used: a trainee opened, the Intyg forms, a file chosen in the import."""
    page = walk.page
    if title in ("Mina ST-läkare", "ST-läkare") and _choose_first(page, "Öppna ST-läkare"):
        walk.scan(f"{where}, a trainee opened")
        for tab in ("Delmål", "Intyg"):
            page.get_by_role("tab", name=tab, exact=True).click()
            page.wait_for_timeout(250)
            walk.scan(f"{where}, a trainee's {tab}")
    elif title == "Intyg" and walk.role == "st":
        for section in ("Ny aktivitet eller intyg", "Sammanfattande intyg"):
            _choose_section(page, section)
            walk.scan(f"{where}, {section}")
            _probe_picker_again(walk, f"{where}, {section}")
    elif title == "Tidslinje" and walk.role == "st":
        # A date before the first one the form accepts: the field's own message.
        page.get_by_role("spinbutton", name="år, Startdatum").first.click()
        page.keyboard.type("19000101")
        page.keyboard.press("Tab")
        expect(page.get_by_role("alert").filter(has_text="utanför det tillåtna")).to_be_visible()
        walk.scan(f"{where}, a date out of range typed")
    elif title == "Import":
        uploader = page.get_by_test_id("stFileUploader")
        expect(uploader.get_by_role("button", name="Välj filer", exact=True)).to_be_visible()
        expect(uploader).to_contain_text("Högst 20 MB per fil • CSV, XLSX")
        uploader.locator("input[type='file']").set_input_files(str(EXAMPLE_BUNDLE / "trainees.csv"))
        wait_for_app(page)
        expect(uploader).to_contain_text(re.compile(r"trainees\.csv\s*\d+,\d kB"))  # not "0.5KB"
        walk.scan(f"{where}, a file chosen")


def _probe_picker_again(walk: Walk, where: str) -> None:
    """The Intyg form's delmål picker: opened (its list, and whether it offers to select everything)."""
    page = walk.page
    for box in page.get_by_test_id("stMultiSelect").filter(visible=True).all():
        box.locator("input").click()
        page.wait_for_timeout(250)
        walk.scan(f"{where}, its multiselect opened")
        _close_popups(page)
    wait_for_app(page)


def _open(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text(title)


# --------------------------------------------------------------------------------------------------
# Desktop: every role, every page
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_speaks_swedish_and_serves_its_own_icon(
    role: str, desktop: BrowserContext, app_server: AppServer
) -> None:
    walk = _start(desktop, app_server, role)
    try:
        page = walk.page
        titles = list(nav_links(page))
        assert len(titles) >= 3, f"{role}: the menu has only {titles}"
        for title in titles:
            where = f"{title} ({role})"
            _open(page, title)
            walk.scan(where)
            _page_specific(walk, title, where)
            _probe_widgets(walk, where)
            screenshot(page, f"dator-{role}", title)
            # The import's example file names no unit of the studierektor's area: its error list is expected.
            assert_healthy(page, walk.log, where, allow_error_alert=title == "Import")
        walk.assert_clean()
    finally:
        walk.page.close()


# --------------------------------------------------------------------------------------------------
# Phone: the trainee (a phone's browser) and the handledare (a narrow desktop window)
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def phone(
    request: pytest.FixtureRequest,
    playwright: Playwright,
    browser: Browser,
    browser_context_args: dict[str, Any],
) -> Iterator[BrowserContext]:
    """A 390 × 844 context: an iPhone's browser (touch, a phone's user agent: Streamlit closes its menu
    itself) or, with the parameter "window", a desktop browser's window that narrow (look.js closes it)."""
    args = {**browser_context_args, "viewport": PHONE}
    if request.param == "iphone":
        device = {k: v for k, v in playwright.devices["iPhone 13"].items() if k != "default_browser_type"}
        args = {**device, **args, "device_scale_factor": 1}  # 1: screenshots at CSS pixels
    context = offline_context(browser, **args)
    yield context
    context.close()


def _show_menu(page: Page) -> None:
    """Open the menu unless it is open (after signing in it may be either: Streamlit decides by the
    window's width as first measured)."""
    nav = page.get_by_test_id("stSidebarNav")
    expand = page.get_by_test_id("stExpandSidebarButton")
    page.wait_for_function(_SIDEBAR_SETTLED)
    if page.evaluate(_SIDEBAR_CLOSED):
        expand.click()
    expect(nav).to_be_in_viewport()


@pytest.mark.parametrize(("role", "phone"), [("st", "iphone"), ("handledare", "window")], indirect=["phone"])
def test_on_a_phone_the_menu_closes_and_nothing_is_wider_than_the_screen(
    role: str, phone: BrowserContext, app_server: AppServer
) -> None:
    walk = _start(phone, app_server, role)
    page = walk.page
    touch = page.evaluate("() => matchMedia('(hover: none)').matches")
    assert touch == (role == "st"), "the trainee's browser is the touch screen, the handledare's a desktop window"
    try:
        _show_menu(page)
        titles = list(nav_links(page))
        for title in titles:
            where = f"{title} ({role}, phone)"
            _show_menu(page)
            _open(page, title)
            try:
                page.wait_for_function(_SIDEBAR_CLOSED, timeout=5_000)
            except Error as exc:
                raise AssertionError(f"{where}: the menu stays open over the page after choosing it") from exc
            if title == "Mina ST-läkare" and _choose_first(page, "Öppna ST-läkare"):
                page.get_by_role("tab", name="Delmål", exact=True).click()
                page.wait_for_timeout(300)
            if title == "Delmål" or title == "Mina ST-läkare":
                cards = page.get_by_test_id("stExpander").filter(visible=True)
                assert cards.count() > 0, f"{where}: no delmål cards"
                expect(page.locator(DELMAL_TABLE).filter(visible=True)).to_have_count(0)
            overflow = page.evaluate(_OVERFLOW)
            assert overflow["page"] <= 1 and overflow["main"] <= 1, f"{where}: wider than the screen by {overflow}"
            inside = page.evaluate(_TITLES_IN_FIGURES)
            assert not inside, f"{where}: chart titles drawn inside the figure: {inside}"
            if title == "Tidslinje":
                assert page.get_by_test_id("stTable").count() > 0, f"{where}: no table of placements"
            assert page.evaluate(_TABLES_NOT_CARDS) == 0, f"{where}: a static table is not shown as cards"
            if touch:
                room = page.evaluate(_TOOLBAR_ROOM)
                assert all(r >= 43 for r in room), f"{where}: a grid's toolbar would cover the element above: {room}"
            walk.scan(where)
            screenshot(page, f"telefon-{role}", title)
            assert_healthy(page, walk.log, where)
        walk.assert_clean()
    finally:
        page.close()


def _leave_and_credit_for_the_demo_trainee(db: Path) -> None:
    """The demo's own ST-läkare gets a leave and a credit, so that Tidslinje has three lists to switch."""
    con = duckdb.connect(str(db))
    try:
        [(tid,)] = con.execute(
            "SELECT trainee_id FROM trainee JOIN person USING (person_id) WHERE email = 'st@demo.se'"
        ).fetchall()
        con.execute(
            "INSERT INTO leave (trainee_id, kind, start_date, end_date, percent) "
            "VALUES (?, 'sjukfranvaro', DATE '2024-07-01', DATE '2024-07-05', 100)",
            [tid],
        )
        con.execute("INSERT INTO credit (trainee_id, kind, months, note) VALUES (?, 'annan', 1.5, 'Kurs utomlands')", [tid])
    finally:
        con.close()


def test_on_a_phone_each_card_names_its_values_after_switching_lists(
    start_server: Callable[..., AppServer], playwright: Playwright, browser: Browser, browser_context_args: dict[str, Any]
) -> None:
    # The lists share one table element that React fills anew: the cards must follow its new columns.
    server = start_server("three-lists", prepare=_leave_and_credit_for_the_demo_trainee)
    device = {k: v for k, v in playwright.devices["iPhone 13"].items() if k != "default_browser_type"}
    context = offline_context(browser, **{**device, **browser_context_args, "viewport": PHONE, "device_scale_factor": 1})
    try:
        walk = _start(context, server, "st")
        page = walk.page
        _show_menu(page)
        _open(page, "Tidslinje")
        expected = {
            "Placeringar": ["Tjänstgöring", "Verksamhet", "Arbetsplats", "Period", "Omfattning", "BT-del", "Låst av intyg"],
            "Ledigheter": ["Typ", "Period", "Omfattning", "Låst av intyg"],
            "Tillgodoräknanden": ["Typ", "Månader", "Räknas mot", "Anteckning"],
        }
        for section in ("Ledigheter", "Tillgodoräknanden", "Placeringar", "Tillgodoräknanden", "Ledigheter"):
            choose_section(page, section)
            page.wait_for_timeout(300)  # look.js names the cells after React has drawn them
            labels = page.evaluate(
                """() => [...document.querySelectorAll("[data-testid='stTableStyledTable'] tbody tr:first-child > *")]
                    .map(td => td.getAttribute('data-label'))"""
            )
            assert labels == expected[section], f"after choosing {section}: {labels}"
            assert page.evaluate(_TABLES_NOT_CARDS) == 0, f"after choosing {section}: not shown as cards"
        screenshot(page, "telefon-st", "tidslinje-ledigheter")
        assert_healthy(page, walk.log, "Tidslinje (st, phone), switching lists")
    finally:
        context.close()
