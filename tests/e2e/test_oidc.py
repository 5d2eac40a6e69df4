"""Sign-in through the organisation's OpenID Connect provider (st.login), against a local mock provider."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import (
    ROLE_EMAILS,
    AppServer,
    OpenApp,
    assert_healthy,
    error_alerts,
    nav_links,
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
    ]
    with run_server_in_thread(port=0, user_claims=users) as server:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1", f"the mock provider should listen on loopback, got {host}"
        yield Provider(url=f"http://127.0.0.1:{port}")


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

    return start_server("oidc", secrets_toml=secrets_toml)


def _authorize_at_provider(page: Page, provider: Provider, sub: str) -> None:
    """Click the app's OIDC button and pick the predefined user on the provider's authorization form."""
    page.get_by_role("button", name=OIDC_BUTTON).click()
    page.wait_for_url(f"{provider.url}/oauth2/authorize**")
    page.locator(f"button[name='sub'][value='{sub}']").click()


def test_oidc_sign_in_and_out(
    open_app: OpenApp, own_context: BrowserContext, oidc_server: AppServer, provider: Provider
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
