"""Seconds from pressing "Logga in" to the finished first page, per demo role, in a real browser.

Starts ``streamlit run`` on a demo database (made on first use), signs in each demo account a few
times in Debian's chromium (Playwright), and prints, per role: when the menu appeared, when the
server finished the page's run, and when the page was fully drawn (charts and tables included).

    .venv/bin/python scripts/measure_signin.py [--trainees 180] [--rounds 3]

Needs the test dependencies (Playwright) and chromium at /usr/bin/chromium (or $CHROMIUM).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ACCOUNTS = ("st@demo.se", "handledare@demo.se", "studierektor@demo.se", "admin@demo.se")


def _start(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TRACKER_DB": str(db), "TRACKER_DEMO": "1"}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as resp:
                if resp.read() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.25)
    proc.kill()
    sys.exit("the app did not start")


def _drawn(page: Page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    expect(page.locator("[data-stale='true']")).to_have_count(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=180)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8599)
    args = parser.parse_args()
    db = Path(tempfile.gettempdir()) / f"st-tracker-signin-{args.trainees}.duckdb"
    if not db.exists():
        subprocess.run([sys.executable, "-m", "tracker", "demo", "--db", str(db), "--trainees", str(args.trainees)],
                       cwd=ROOT, check=True)  # fmt: skip
    proc = _start(db, args.port)
    url = f"http://127.0.0.1:{args.port}"
    results: dict[str, list[tuple[float, float, float]]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="sv-SE")
            for _ in range(args.rounds):
                for email in ACCOUNTS:
                    page = context.new_page()
                    page.set_default_timeout(60_000)
                    page.goto(url)
                    _drawn(page)
                    page.get_by_label("E-postadress").fill(email)
                    page.get_by_label("Lösenord").fill("demo")
                    started = time.monotonic()
                    page.get_by_role("button", name="Logga in", exact=True).click()
                    page.wait_for_selector("[data-testid='stSidebarNav']")
                    menu = time.monotonic() - started
                    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
                    run = time.monotonic() - started
                    _drawn(page)
                    results.setdefault(email, []).append((menu, run, time.monotonic() - started))
                    page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"{args.trainees} demo trainees, {args.rounds} sign-ins per account (median seconds)")
    print(f"{'account':24} {'menu':>6} {'run done':>9} {'drawn':>6}")
    for email, rows in results.items():
        med = [statistics.median(col) for col in zip(*rows, strict=True)]
        print(f"{email:24} {med[0]:6.2f} {med[1]:9.2f} {med[2]:6.2f}")


if __name__ == "__main__":
    main()
