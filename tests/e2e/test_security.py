"""Security in a real browser: a production start has no demo accounts; the developer picker refuses a
request that came through a reverse proxy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Browser, expect

from tracker.accounts import SIGN_IN_FAILED

from .conftest import (
    ROLE_EMAILS,
    AppServer,
    OpenApp,
    assert_healthy,
    error_alerts,
    expect_login_page,
    offline_context,
    screenshot,
    sign_in,
)


def test_a_production_start_on_a_new_database_has_no_demo_accounts(
    open_app: OpenApp, start_server: Callable[..., AppServer]
) -> None:
    server = start_server("produktion", db_src=None, env={"TRACKER_DEMO": ""})
    page, log = open_app(server)
    expect_login_page(page)
    expect(page.get_by_text("Demokonton")).to_have_count(0)
    expect(page.get_by_text("demo.se")).to_have_count(0)
    expect(page.get_by_text("tracker create-admin")).to_be_visible()
    screenshot(page, "produktion", "logga-in")
    assert_healthy(page, log, "production login page")

    sign_in(page, ROLE_EMAILS["admin"], "demo")
    assert error_alerts(page) == [SIGN_IN_FAILED]
    expect_login_page(page)


def test_the_developer_picker_is_refused_behind_a_reverse_proxy(
    open_app: OpenApp, dev_server: AppServer, browser: Browser, browser_context_args: dict[str, Any]
) -> None:
    # A browser on this machine gets the picker ...
    page, _ = open_app(dev_server)
    expect(page.get_by_text("Utvecklarinloggning")).to_be_visible()
    # ... a request forwarded by a proxy on the same host (it connects from 127.0.0.1 too) does not.
    proxied = offline_context(browser, **browser_context_args, extra_http_headers={"X-Forwarded-For": "203.0.113.7"})
    try:
        page, log = open_app(dev_server, proxied)
        expect_login_page(page)
        expect(page.get_by_text("Utvecklarinloggning")).to_have_count(0)
        assert_healthy(page, log, "dev server behind a proxy")
    finally:
        proxied.close()
