"""The app works on a network with no way out: conftest's ``stays_on_loopback`` fails any browser test
whose requests leave 127.0.0.1. This shows the recorder sees such a request and that it is refused."""

from __future__ import annotations

from .conftest import REQUESTS, AppServer, OpenApp


def test_a_request_leaving_the_loopback_address_is_recorded_and_refused(
    open_app: OpenApp, app_server: AppServer
) -> None:
    page, _ = open_app(app_server)
    first = len(REQUESTS.urls)
    outside = "https://fonts.example.org/icon.woff2"
    result = page.evaluate(f"() => fetch('{outside}').then(() => 'loaded', () => 'refused')")
    page.wait_for_timeout(200)  # the request event reaches the test process asynchronously
    assert result == "refused"
    assert REQUESTS.outside(first) == [outside]
    assert all(url.startswith(app_server.url) or url == outside for url, _ in REQUESTS.urls[first:])
    del REQUESTS.urls[first:]  # seen on purpose: the check after the test is for the app's own requests
    page.close()
