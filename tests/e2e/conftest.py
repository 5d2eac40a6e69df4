"""Real-browser tests: a `streamlit run` subprocess per server variant, driven by Playwright + Debian chromium.

Every test in this directory is marked ``e2e`` and skipped as a whole when no chromium binary is present.
Playwright never downloads a browser here: the launch uses ``executable_path``.

Server variants (each started at most once per session, each on its own copy of one seeded database,
because DuckDB lets only one process open a file):

* ``app_server``: local accounts (no ``TRACKER_AUTH``), no ``[auth]`` secrets;
* ``dev_server``: ``TRACKER_AUTH=dev`` (the developer identity picker);
* ``start_server``: a factory for special cases such as the OIDC test, which needs its own secrets file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Request, expect

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
EXAMPLE_BUNDLE = ROOT / "tests" / "fixtures" / "example"  # the project's own example bundle

DEMO_PASSWORD = "demo"
# Short role keys used in test ids and screenshot names -> demo account e-mail.
ROLE_EMAILS: dict[str, str] = {
    "st": "st@demo.se",
    "handledare": "handledare@demo.se",
    "studierektor": "studierektor@demo.se",
    "admin": "admin@demo.se",
}

STARTUP_TIMEOUT_S = 60.0
APP_TIMEOUT_MS = 30_000

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --------------------------------------------------------------------------------------------------
# Collection: mark and (when chromium is missing) skip everything in this directory
# --------------------------------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = None
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(
            reason=f"e2e: no chromium at {CHROMIUM} (install Debian's `chromium` or set CHROMIUM=/path/to/binary)"
        )
    for item in items:
        if HERE not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.e2e)
        # With xdist (--dist loadgroup), every browser test runs on one worker: the servers start once.
        item.add_marker(pytest.mark.xdist_group("browser"))
        if skip is not None:
            item.add_marker(skip)


# --------------------------------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": {"width": 1400, "height": 900},
        "locale": "sv-SE",
        "timezone_id": "Europe/Stockholm",
    }


# --------------------------------------------------------------------------------------------------
# Database and servers
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database, seeded once per session; servers get copies of it."""
    from tracker import demo, store

    path = tmp_path_factory.mktemp("seed") / "demo.duckdb"
    con = store.connect(path)
    try:
        # 60 trainees keep the suite quick; E2E_DEMO_TRAINEES=180 gives the app's own demo size.
        demo.load_demo(con, trainees=int(os.environ.get("E2E_DEMO_TRAINEES", "60")), seed=7, as_of=date.today())
    finally:
        con.close()
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _health(url: str) -> str:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError):
        return ""


@dataclass
class AppServer:
    name: str
    url: str
    port: int
    db_path: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    secrets_path: Path

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""


def _copy_db(src: Path, dest_dir: Path) -> Path:
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / src.name
    shutil.copy2(src, dest)
    wal = src.with_name(src.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, dest_dir / wal.name)
    return dest


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _launch(
    name: str,
    workdir: Path,
    db_src: Path | None,
    *,
    env: dict[str, str] | None = None,
    secrets_toml: str | Callable[[int], str] = "",
    prepare: Callable[[Path], None] | None = None,
) -> AppServer:
    """Start `streamlit run` on a free loopback port and wait until /_stcore/health answers "ok".

    ``db_src`` None starts on a database file that does not exist yet (a new installation);
    ``prepare`` may change the server's copy of the database before the server opens it.
    ``secrets_toml`` (text, or a function of the chosen port) becomes the only secrets file the server
    reads (``--secrets.files``), so the repository's own ``.streamlit/secrets.toml`` (if a developer has
    one) never leaks into a test. The server runs in demo mode (``TRACKER_DEMO=1``, as the README's app
    command does) unless ``env`` says otherwise.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    if db_src is None:
        (workdir / "db").mkdir(parents=True, exist_ok=True)
        db_path = workdir / "db" / "new.duckdb"
    else:
        db_path = _copy_db(db_src, workdir / "db")
    if prepare is not None:
        prepare(db_path)
    port = _free_port()
    secrets_path = workdir / "secrets.toml"
    secrets_path.write_text(secrets_toml(port) if callable(secrets_toml) else secrets_toml, "utf-8")
    log_path = workdir / "server.log"
    url = f"http://127.0.0.1:{port}"

    proc_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    proc_env.update({"TRACKER_DB": str(db_path), "TRACKER_DEMO": "1", "PYTHONUNBUFFERED": "1"})
    proc_env.update(env or {})
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--global.developmentMode", "false",
        "--secrets.files", str(secrets_path),
    ]  # fmt: skip
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=proc_env, stdout=log, stderr=subprocess.STDOUT)
    server = AppServer(name, url, port, db_path, log_path, proc, secrets_path)

    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if _health(url) == "ok":
            return server
        time.sleep(0.25)
    _stop(proc)
    pytest.fail(
        f"streamlit server '{name}' did not become healthy within {STARTUP_TIMEOUT_S:.0f} s "
        f"(exit code {proc.returncode}). Server log:\n{server.log()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def start_server(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., AppServer]]:
    """Factory: ``start_server(name, env=..., secrets_toml=..., prepare=..., db_src=None)``; every server is
    stopped at session end."""
    started: list[AppServer] = []

    def _start(name: str, *, db_src: Path | None | str = "seeded", **kwargs: Any) -> AppServer:
        source = seeded_db if db_src == "seeded" else db_src
        assert not isinstance(source, str)
        server = _launch(name, tmp_path_factory.mktemp(f"server-{name}"), source, **kwargs)
        started.append(server)
        return server

    yield _start
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for server in started:
        _stop(server.process)
        # Keep the server output next to the screenshots: it holds any traceback the page hid.
        shutil.copy2(server.log_path, ARTIFACTS / f"server-{server.name}.log")


@pytest.fixture(scope="session")
def app_server(start_server: Callable[..., AppServer]) -> AppServer:
    """The app with local accounts (e-mail + password), as deployed without an IdP."""
    return start_server("local")


@pytest.fixture(scope="session")
def dev_server(start_server: Callable[..., AppServer]) -> AppServer:
    """The app with the developer identity picker (TRACKER_AUTH=dev, loopback only)."""
    return start_server("dev", env={"TRACKER_AUTH": "dev"})


@pytest.fixture(scope="session")
def people(seeded_db: Path) -> dict[str, Any]:
    """Names from the seeded database: the demo accounts' names and every trainee's name."""
    import duckdb

    con = duckdb.connect(str(seeded_db), read_only=True)
    try:
        by_email = {
            str(email).lower(): str(name)
            for email, name in con.execute("SELECT email, name FROM person WHERE email IS NOT NULL").fetchall()
        }
        trainees = [
            str(r[0])
            for r in con.execute(
                "SELECT p.name FROM trainee t JOIN person p USING (person_id) ORDER BY p.name"
            ).fetchall()
        ]
    finally:
        con.close()
    return {"by_email": by_email, "trainees": trainees}


@pytest.fixture
def example_bundle(tmp_path: Path) -> Path:
    """A writable copy of the example import bundle in tests/fixtures/example."""
    target = tmp_path / "bundle"
    shutil.copytree(EXAMPLE_BUNDLE, target)
    return target


# --------------------------------------------------------------------------------------------------
# Page helpers
# --------------------------------------------------------------------------------------------------

# Console errors that are not the app's fault, each with the reason it is harmless. None is needed
# with Streamlit 1.67 and chromium 150: keep it that way unless a message is proven to be noise.
BENIGN_CONSOLE: list[re.Pattern[str]] = []


@dataclass
class BrowserLog:
    """Console errors and uncaught page errors seen on the app's origin."""

    origin: str = ""
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_pageerror)

    def _on_console(self, msg: ConsoleMessage) -> None:
        if msg.type != "error":
            return
        where = msg.location.get("url", "") if msg.location else ""
        # Pages of other origins (the OIDC provider's forms) are not under test.
        if self.origin and where and not where.startswith(self.origin):
            return
        text = msg.text
        if any(p.search(text) for p in BENIGN_CONSOLE):
            return
        self.errors.append(f"console: {text} ({where})")

    def _on_pageerror(self, exc: Error) -> None:
        self.errors.append(f"pageerror: {exc.message}")

    def take(self) -> list[str]:
        out, self.errors = self.errors, []
        return out


LOOPBACK_ONLY = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


@dataclass
class RequestLog:
    """Every request of every browser context in the session, with the page that made it: the app must
    work on a hospital network with no way out, so each test fails when a request of its own left
    127.0.0.1 (it is refused too, so an outside asset would also show as a console error). Pages of a
    stand-in for someone else's service (the mock OIDC provider's sign-in forms) are ``not_under_test``."""

    urls: list[tuple[str, str]] = field(default_factory=list)  # (request, the page that made it)
    not_under_test: set[str] = field(default_factory=set)  # origins

    def record(self, url: str, page_url: str = "") -> None:
        self.urls.append((url, page_url))

    def outside(self, since: int = 0) -> list[str]:
        return sorted(
            {
                url
                for url, page_url in self.urls[since:]
                if not is_local(url) and not any(page_url.startswith(o) for o in self.not_under_test)
            }
        )


REQUESTS = RequestLog()


def _page_url(request: Request) -> str:
    try:
        return request.frame.url
    except Error:  # a service worker's request has no frame
        return ""


def offline_context(browser: Browser, **args: Any) -> BrowserContext:
    """A browser context whose every request, websockets included, is recorded in ``REQUESTS``, and
    whose requests to anywhere but the loopback address are refused."""
    context = browser.new_context(**args)
    context.on("request", lambda request: REQUESTS.record(request.url, _page_url(request)))
    context.on("page", lambda page: page.on("websocket", lambda ws: REQUESTS.record(ws.url, page.url)))
    context.route(LOOPBACK_ONLY, lambda route: route.abort())
    return context


@pytest.fixture(autouse=True)
def stays_on_loopback() -> Iterator[None]:
    """No test's requests leave 127.0.0.1 (see ``RequestLog``)."""
    first = len(REQUESTS.urls)
    yield
    outside = REQUESTS.outside(first)
    assert not outside, "requests that left 127.0.0.1:\n" + "\n".join(outside)


@pytest.fixture(scope="session")
def app_context(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[BrowserContext]:
    """One browser context for the session: pages share the HTTP cache, so the frontend loads once.

    Local sign-in lives in the Streamlit session of one page (one websocket), so pages of the same
    context do not share a login. Tests that depend on cookies (OIDC) make their own context.
    """
    context = offline_context(browser, **browser_context_args)
    yield context
    context.close()


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed


OpenApp = Callable[..., tuple[Page, BrowserLog]]
SignedIn = Callable[[str], tuple[Page, BrowserLog]]


def _new_page(context: BrowserContext, server: AppServer) -> tuple[Page, BrowserLog]:
    page = context.new_page()
    page.set_default_timeout(APP_TIMEOUT_MS)
    log = BrowserLog(origin=server.url)
    log.attach(page)
    page.goto(server.url)
    wait_for_app(page)
    return page, log


@pytest.fixture(scope="module")
def signed_in(app_context: BrowserContext, app_server: AppServer) -> Iterator[SignedIn]:
    """``signed_in(role)``: one signed-in page per role, shared by the tests of a module.

    Signing in costs a full first run of the role's start page; tests that only read or add data for
    the same person reuse the session instead. Each test starts by following a sidebar link.
    """
    pages: dict[str, tuple[Page, BrowserLog]] = {}

    def _get(role: str) -> tuple[Page, BrowserLog]:
        if role not in pages or pages[role][0].is_closed():
            page, log = _new_page(app_context, app_server)
            sign_in(page, ROLE_EMAILS[role])
            pages[role] = (page, log)
        return pages[role]

    yield _get
    for page, _ in pages.values():
        if not page.is_closed():
            page.close()


@pytest.fixture
def open_app(app_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[OpenApp]:
    """``open_app(server)``: a new page on the server's start page, with its browser log attached.

    On a failed test each page still open is saved under test-artifacts/failures/.
    """
    pages: list[Page] = []

    def _open(server: AppServer, context: BrowserContext | None = None) -> tuple[Page, BrowserLog]:
        page, log = _new_page(context or app_context, server)
        pages.append(page)
        return page, log

    yield _open
    failed = request.node.stash.get(_CALL_FAILED, False)
    for i, page in enumerate(pages):
        if page.is_closed():
            continue
        if failed:
            out = ARTIFACTS / "failures" / f"{slug(request.node.name)}-{i}.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(out), full_page=True)
            except Error:
                pass
        page.close()


@pytest.fixture
def own_context(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[BrowserContext]:
    """A fresh context (own cookies) for one test."""
    context = offline_context(browser, **browser_context_args)
    yield context
    context.close()


def wait_for_app(page: Page, timeout: float = APP_TIMEOUT_MS) -> None:
    """Wait until Streamlit has connected, finished the script run and drawn every element."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_timeout(250)  # a rerun triggered by the last interaction may not have started yet
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
    expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=timeout)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=timeout)


def error_alerts(page: Page) -> list[str]:
    return [t.strip() for t in page.get_by_test_id("stAlertContentError").all_inner_texts()]


def assert_healthy(page: Page, log: BrowserLog, what: str, *, allow_error_alert: bool = False) -> None:
    """No Streamlit exception, no error alert (unless expected) and no console/page error."""
    problems: list[str] = []
    for text in page.get_by_test_id("stException").all_inner_texts():
        problems.append(f"exception: {text.strip()[:800]}")
    if not allow_error_alert:
        problems += [f"error alert: {t[:400]}" for t in error_alerts(page)]
    problems += log.take()
    assert not problems, f"{what}:\n" + "\n".join(problems)


def slug(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-") or "page"


def nav_links(page: Page) -> dict[str, str]:
    """Sidebar navigation as {page title: href}, read from the rendered links."""
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible()
    more = nav.get_by_test_id("stSidebarNavViewButton")
    # "Visa 3 till" (dashboards/assets/look.js translates Streamlit's "View 3 more"); "Visa färre" when open
    if more.count() and re.fullmatch(r"(Visa \d+ till|View \d+ more)", more.inner_text().strip()):
        more.click()
    links: dict[str, str] = {}
    for a in nav.get_by_test_id("stSidebarNavLink").all():
        title = a.get_by_test_id("stMarkdownContainer").inner_text().strip()
        links[title] = a.get_attribute("href") or ""
    return links


def nav_sections(page: Page) -> list[str]:
    return [t.strip() for t in page.get_by_test_id("stNavSectionHeader").all_inner_texts()]


# Sign-in to the first page, per e-mail address, in seconds from pressing "Logga in": until the first
# page's title is shown, and until the server has finished that page's run. Taken in the page itself
# (a MutationObserver with performance.now()), so no polling of the test adds to it. A measurement for
# the docs (test-artifacts/timings.json), not an assertion.
SIGN_IN_SECONDS: dict[str, list[dict[str, float]]] = {}

_WATCH_SIGN_IN = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  const marks = window.__signInMarks = {start: performance.now()};
  const title = () => (document.querySelector('h1') || {}).textContent || '';
  const before = title();
  new MutationObserver(() => {
    if (!marks.shown && title() && title() !== before) marks.shown = performance.now();
    if (marks.shown && !marks.done && app.getAttribute('data-test-script-state') === 'notRunning')
      marks.done = performance.now();
  }).observe(document.body, {childList: true, subtree: true, attributes: true});
}"""


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Fill the local-account form on the login page and submit it."""
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.evaluate(_WATCH_SIGN_IN)
    page.get_by_role("button", name="Logga in", exact=True).click()
    wait_for_app(page)
    marks = page.evaluate("() => window.__signInMarks")
    if marks and marks.get("shown") and marks.get("done"):
        SIGN_IN_SECONDS.setdefault(email, []).append(
            {k: round((marks[k] - marks["start"]) / 1000, 2) for k in ("shown", "done")}
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    if SIGN_IN_SECONDS or REQUESTS.urls:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "timings.json").write_text(json.dumps({"sign_in_seconds": SIGN_IN_SECONDS}, indent=1), "utf-8")
        requests = {"recorded": len(REQUESTS.urls), "outside": REQUESTS.outside()}
        (ARTIFACTS / "requests.json").write_text(json.dumps(requests, indent=1), "utf-8")


def sign_out(page: Page) -> None:
    page.get_by_test_id("stSidebar").get_by_role("button", name="Logga ut").click()
    wait_for_app(page)


def expect_login_page(page: Page) -> None:
    expect(page.get_by_label("E-postadress")).to_be_visible()
    expect(page.get_by_label("Lösenord")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def open_nav_page(page: Page, title: str) -> None:
    """Follow a sidebar link (a full reload would lose the signed-in session) and wait for the run."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text(title)


def choose_section(page: Page, label: str) -> None:
    """Choose a page's section in its segmented control (a keyed choice that stays after a save)."""
    option = page.get_by_test_id("stButtonGroup").get_by_role("radio", name=label, exact=True)
    option.click()
    wait_for_app(page)
    expect(option).to_have_attribute("aria-checked", "true")


MAX_SHOT_HEIGHT = 9000


def screenshot(page: Page, role: str, name: str) -> Path:
    """Save the whole page as test-artifacts/screenshots/<role>-<page>.png.

    Streamlit scrolls inside its main container, so ``full_page`` alone would stop at the viewport:
    the viewport is stretched to the content height for the shot and restored afterwards.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{slug(role)}-{slug(name)}.png"
    size = page.viewport_size or {"width": 1400, "height": 900}
    content = page.evaluate(
        """() => Math.max(...['stMain', 'stAppViewContainer', 'stSidebarContent']
            .map(id => document.querySelector(`[data-testid='${id}']`))
            .filter(Boolean).map(el => el.scrollHeight))"""
    )
    height = min(max(int(content or 0), size["height"]), MAX_SHOT_HEIGHT)
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(300)  # let charts re-layout
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if height > size["height"]:
            page.set_viewport_size(size)
    return path
