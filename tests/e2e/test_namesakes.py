"""Two trainees with the same name are told apart in the office's list and picker (issue: same-name trainees)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from .conftest import AppServer, OpenApp, assert_healthy, open_nav_page, screenshot, sign_in, wait_for_app
from .test_admission import labelled_select

NAME = "Alex Namnesson"


def _two_of_one_name(db: Path) -> None:
    """Gives two trainees of the demo studierektor's area (VGR Göteborg) the same name."""
    con = duckdb.connect(str(db))
    try:
        tids = [r[0] for r in con.execute(
            """SELECT t.trainee_id FROM trainee t JOIN unit u USING (unit_id)
               WHERE u.region_id = 'VGR' AND u.area = 'Göteborg' ORDER BY t.trainee_id LIMIT 2"""
        ).fetchall()]
        assert len(tids) == 2
        con.execute("UPDATE trainee SET name = ? WHERE list_contains(?, trainee_id)", [NAME, tids])
    finally:
        con.close()


@pytest.fixture(scope="module")
def namesakes_server(start_server: Callable[..., AppServer]) -> AppServer:
    return start_server("namesakes", prepare=_two_of_one_name)


def test_the_office_tells_two_trainees_of_one_name_apart(open_app: OpenApp, namesakes_server: AppServer) -> None:
    page, log = open_app(namesakes_server)
    sign_in(page, "studierektor@demo.se")
    open_nav_page(page, "ST-läkare")
    select = labelled_select(page, "Öppna ST-läkare")
    select.scroll_into_view_if_needed()
    select.click()
    select.locator("input").press_sequentially(NAME)
    options = page.get_by_role("option").filter(has_text=NAME)
    expect(options).to_have_count(2)
    labels = [t.strip() for t in options.all_inner_texts()]
    assert len(set(labels)) == 2, labels  # not two identical entries
    assert all(label.startswith(f"{NAME} (") and ", ST " in label for label in labels), labels
    page.keyboard.press("Escape")
    wait_for_app(page)
    screenshot(page, "studierektor", "namnar")
    assert_healthy(page, log, "the namesakes' list")
