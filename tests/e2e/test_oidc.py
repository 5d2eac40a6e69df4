"""Sign-in through the organisation's OpenID Connect provider (st.login), against a local mock provider."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import (
    REQUESTS,
    ROLE_EMAILS,
    AppServer,
    OpenApp,
    assert_healthy,
    error_alerts,
    nav_links,
    offline_context,
    screenshot,
    wait_for_app,
)

# The mock provider runs in this process; its dependencies (Authlib) emit deprecation notices that say
# nothing about the app, whose own warnings stay in the server subprocess.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

OIDC_BUTTON = "Logga in med organisationskonto"
KNOWN_SUB = "oidc-handledare"
UNKNOWN_SUB = "oidc-okand"
UNKNOWN_EMAIL = "okand.person@example.org"
# Tokens without email_verified (as Microsoft Entra ID usually sends them): one whose subject an
# administrator linked beforehand, and one whose subject nobody linked.
LINKED_SUB = "oidc-admin-lankad"
UNVERIFIED_SUB = "oidc-overifierad"


@dataclass(frozen=True)
class Provider:
    url: str


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """oidc-provider-mock on a free loopback port, with two predefined users."""
    with warnings.catch_warnings(record=True):  # Authlib forces its import-time notices to "always"
        from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(
            sub=KNOWN_SUB,
            claims={"email": ROLE_EMAILS["handledare"], "email_verified": True, "name": "Handledare via IdP"},
        ),
        User(sub=UNKNOWN_SUB, claims={"email": UNKNOWN_EMAIL, "email_verified": True, "name": "Okänd"}),
        User(sub=LINKED_SUB, claims={"email": "annan.adress@example.org", "name": "Admin via IdP"}),
        User(sub=UNVERIFIED_SUB, claims={"email": ROLE_EMAILS["studierektor"], "name": "Overifierad"}),
    ]
    with run_server_in_thread(port=0, user_claims=users) as server:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1", f"the mock provider should listen on loopback, got {host}"
        url = f"http://127.0.0.1:{port}"
        # Its sign-in forms are the organisation's, not the app's: they may load their stylesheet from a CDN.
        REQUESTS.not_under_test.add(url)
        yield Provider(url=url)


@pytest.fixture(scope="module")
def oidc_server(start_server: Callable[..., AppServer], provider: Provider) -> AppServer:
    """A separate app server whose only secrets file configures [auth] for the mock provider."""
    cookie_secret = secrets.token_urlsafe(32)
    client_secret = secrets.token_urlsafe(16)

    def secrets_toml(port: int) -> str:
        return (
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{cookie_secret}"\n'
            'client_id = "st-tracker-e2e"\n'
            f'client_secret = "{client_secret}"\n'
            f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n'
        )

    def link_admin(db_path: Path) -> None:
        from tracker.accounts import link_oidc_subject
        from tracker.store import connect

        con = connect(db_path)
        try:
            row = con.execute("SELECT person_id FROM person WHERE email = ?", [ROLE_EMAILS["admin"]]).fetchone()
            assert row is not None
            link_oidc_subject(con, str(row[0]), f"iss:{provider.url}|sub:{LINKED_SUB}")
        finally:
            con.close()

    return start_server("oidc", secrets_toml=secrets_toml, prepare=link_admin)


def _authorize_at_provider(page: Page, provider: Provider, sub: str) -> None:
    """Click the app's OIDC button and pick the predefined user on the provider's authorization form."""
    page.get_by_role("button", name=OIDC_BUTTON).click()
    page.wait_for_url(f"{provider.url}/oauth2/authorize**")
    page.locator(f"button[name='sub'][value='{sub}']").click()


def test_oidc_sign_in_and_out(
    open_app: OpenApp,
    own_context: BrowserContext,
    oidc_server: AppServer,
    provider: Provider,
    browser: Browser,
    browser_context_args: dict[str, Any],
) -> None:
    page, log = open_app(oidc_server, own_context)
    expect(page.get_by_role("button", name=OIDC_BUTTON)).to_be_visible()
    screenshot(page, "oidc", "logga-in")
    assert_healthy(page, log, "login page with OIDC")

    _authorize_at_provider(page, provider, KNOWN_SUB)
    page.wait_for_url(f"{oidc_server.url}/**")
    wait_for_app(page)
    links = nav_links(page)
    assert {"Mina ST-läkare", "Att signera"} <= set(links), sorted(links)
    assert not {"Översikt", "Import", "Kohort"} & set(links), sorted(links)
    expect(page.locator("h1").first).to_have_text("Mina ST-läkare")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Handledare")
    names = {c["name"] for c in own_context.cookies(oidc_server.url)}
    assert "_streamlit_user" in names, sorted(names)
    screenshot(page, "oidc", "handledare")
    assert_healthy(page, log, "handledare signed in through OIDC")

    # A new tab in the same browser is still signed in (the identity cookie, not the websocket session).
    second, second_log = open_app(oidc_server, own_context)
    expect(second.locator("h1").first).to_have_text("Mina ST-läkare")
    second.close()

    # st.logout goes through the provider's end-session page and back to the app's login page.
    signed_in_cookies = own_context.cookies(oidc_server.url)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Logga ut").click()
    try:
        page.wait_for_url(f"{provider.url}/oauth2/end_session**", timeout=10_000)
    except PlaywrightTimeoutError:
        pytest.fail(
            "'Logga ut' did not reach the provider's end-session page; the identity cookie is left behind. "
            "st.logout() only queues a redirect, and a st.rerun() right after it starts a new run that "
            f"drops the queued message. Page is at {page.url}",
            pytrace=False,
        )
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{oidc_server.url}/**")
    wait_for_app(page)
    expect(page.get_by_role("button", name=OIDC_BUTTON)).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    assert "_streamlit_user" not in {c["name"] for c in own_context.cookies(oidc_server.url)}
    assert_healthy(page, log, "after OIDC sign-out")

    # A copy of the identity cookie taken before signing out is refused (it would live for 30 days).
    replay_context = offline_context(browser, **browser_context_args)
    try:
        replay_context.add_cookies(signed_in_cookies)  # type: ignore[arg-type]
        replay, replay_log = open_app(oidc_server, replay_context)
        expect(replay.get_by_role("button", name=OIDC_BUTTON)).to_be_visible()
        expect(replay.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(replay.get_by_text("Handledare via IdP")).to_have_count(0)
        screenshot(replay, "oidc", "aterspelad-kaka")
        assert_healthy(replay, replay_log, "replayed cookie after sign-out")
        replay.close()
    finally:
        replay_context.close()


def test_oidc_token_without_email_verified_needs_a_linked_subject(
    open_app: OpenApp, own_context: BrowserContext, oidc_server: AppServer, provider: Provider
) -> None:
    # The address is a real person's, but the provider does not vouch for it and nobody linked the subject.
    page, log = open_app(oidc_server, own_context)
    _authorize_at_provider(page, provider, UNVERIFIED_SUB)
    page.wait_for_url(f"{oidc_server.url}/**")
    wait_for_app(page)
    alerts = error_alerts(page)
    assert any("finns inte i ST-trackern" in a and "verifierad" in a for a in alerts), alerts
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    screenshot(page, "oidc", "overifierad-adress")
    assert_healthy(page, log, "OIDC token without email_verified", allow_error_alert=True)
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{provider.url}/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{oidc_server.url}/**")
    wait_for_app(page)

    # A subject an administrator linked signs in without any e-mail claim being trusted.
    _authorize_at_provider(page, provider, LINKED_SUB)
    page.wait_for_url(f"{oidc_server.url}/**")
    wait_for_app(page)
    links = nav_links(page)
    assert "Användare och roller" in links, sorted(links)
    assert_healthy(page, log, "OIDC linked subject")


def test_oidc_unknown_email_gets_no_access(
    open_app: OpenApp, own_context: BrowserContext, oidc_server: AppServer, provider: Provider
) -> None:
    page, log = open_app(oidc_server, own_context)
    _authorize_at_provider(page, provider, UNKNOWN_SUB)
    page.wait_for_url(f"{oidc_server.url}/**")
    wait_for_app(page)
    alerts = error_alerts(page)
    assert any(UNKNOWN_EMAIL in a and "finns inte" in a for a in alerts), alerts
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    screenshot(page, "oidc", "okand-adress")
    assert_healthy(page, log, "OIDC user without an account", allow_error_alert=True)
