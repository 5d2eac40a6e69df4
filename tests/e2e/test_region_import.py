"""A studierektor imports a bundle with units, people and supervision, sees those trainees with their
handledare, and the handledare named there signs the intyg the bundle sent to them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bundles import Bundle
from playwright.sync_api import expect

from .conftest import ROLE_EMAILS, AppServer, OpenApp, assert_healthy, open_nav_page, screenshot, sign_in, wait_for_app
from .test_workflows import grid_row

TRAINEE = "Rut Regionsdotter"


def _bundle(folder: Path, handledare_email: str) -> list[Path]:
    """A new unit in the demo studierektor's area (VGR, Göteborg), a new handledare there, a trainee at the
    unit with the demo handledare as huvudhandledare, and a course intyg sent to that handledare."""
    b = Bundle()
    b.unit("vgr-vc-ny", "VGR", "Göteborg", name="Vårdcentralen Nyhamn")
    b.person("nils.ny@example.se", "Nils Nyhandledare", ("handledare",), unit_id="vgr-vc-ny")
    b.trainee(
        "E2E-R1", name=TRAINEE, email="rut.r@example.se", unit_id="vgr-vc-ny",
        st_start_date="2023-01-01", legitimation_date="2022-06-01",
    )
    b.placement("E2E-R1", "2023-01-01", "2023-06-30", kind="BT", setting="primarvard", workplace="VC Nyhamn")
    b.supervisor("E2E-R1", handledare_email, "2023-01-01")
    b.supervisor("E2E-R1", "nils.ny@example.se", "2023-01-01", role="handledare")
    b.certificate("E2E-R1", "kurs", ["STa5"], title="Kurs i ledarskap (import)", certificate_id="E2E-R1-K1")
    b.rows["certificates.csv"][-1].update({"status": "skickat", "signer_email": handledare_email})
    b.write(folder)
    return sorted(folder.glob("*.csv"))


def test_studierektor_imports_people_and_supervision_and_the_handledare_signs(
    open_app: OpenApp, app_server: AppServer, people: dict[str, Any], tmp_path: Path
) -> None:
    handledare_email = ROLE_EMAILS["handledare"]
    handledare = people["by_email"][handledare_email]
    files = _bundle(tmp_path / "bundle", handledare_email)
    assert [f.name for f in files] == sorted(
        ["trainees.csv", "placements.csv", "certificates.csv", "units.csv", "people.csv", "supervision.csv"]
    )

    page, log = open_app(app_server)
    sign_in(page, ROLE_EMAILS["studierektor"])
    open_nav_page(page, "Import")
    page.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files([str(f) for f in files])
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Alla rader är korrekta.")
    page.get_by_role("button", name="Importera", exact=True).click()
    wait_for_app(page)
    success = page.get_by_test_id("stAlertContentSuccess")
    expect(success).to_contain_text("Importen är klar: 1 enhet, 1 person, 1 ST-läkare")
    expect(success).to_contain_text("2 handledarskap")
    assert_healthy(page, log, "studierektor after the import")

    # The trainee is in the studierektor's list, with both handledare (the huvudhandledare first).
    open_nav_page(page, "ST-läkare")
    page.get_by_label("Sök namn").fill(TRAINEE)
    page.get_by_label("Sök namn").press("Enter")
    wait_for_app(page)
    row = grid_row(page, TRAINEE)
    expect(row).not_to_have_count(0)  # the accessible grid is in the DOM but visually hidden
    expect(row.first).to_contain_text(f"{handledare} (huvudhandledare), Nils Nyhandledare")
    screenshot(page, "studierektor", "import-med-handledare")

    # The handledare named in supervision.csv finds the intyg addressed to them and signs it.
    page, log = open_app(app_server)
    sign_in(page, handledare_email)
    open_nav_page(page, "Att signera")
    card = (
        page.get_by_test_id("stVerticalBlock")
        .filter(has_text=TRAINEE)
        .filter(has_text="Kurs i ledarskap (import)")
        .filter(has=page.get_by_role("button", name="Signera", exact=True))
        .last
    )
    card.get_by_role("button", name="Signera", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Intyget för {TRAINEE} är signerat")
    open_nav_page(page, "Mina ST-läkare")
    expect(grid_row(page, TRAINEE)).not_to_have_count(0)
    assert_healthy(page, log, "handledare after signing the imported intyg")
