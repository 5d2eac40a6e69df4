"""Swedish for Streamlit's own texts and the phone layout (dashboards/components/look.py and its assets).

The browser suite (tests/e2e/test_every_page.py) walks every page; here: that every page gets the script
and the style, that every text the script translates still exists in the installed Streamlit frontend (an
upgrade that rewords one would otherwise bring the English back unnoticed), and the translations
themselves, run in Node when it is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from dashboards.components import look
from tracker import demo, store

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = Path(streamlit.__file__).parent / "static" / "static" / "js"
SCRIPT = look.SCRIPT.read_text("utf-8")


def _exact_keys() -> list[str]:
    table = re.search(r"const EXACT = \{(.*?)\n  \};", SCRIPT, re.S)
    assert table, "look.js has its table of exact texts"
    keys = re.findall(r'^\s*(?:"((?:[^"\\]|\\.)*)"|(\w+)):', table.group(1), re.M)
    return [quoted or bare for quoted, bare in keys]


def test_the_login_page_gets_the_translating_script_and_the_style(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.connect(tmp_path / "app.duckdb").close()
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "app.duckdb"))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    blocks = [h.proto for h in at.get("html")]
    scripts = [b for b in blocks if b.body.startswith("<script>")]
    styles = [b for b in blocks if b.body.startswith("<style>")]
    assert len(scripts) == 1 and scripts[0].unsafe_allow_javascript
    assert "MutationObserver" in scripts[0].body and '"Select all": "Välj alla"' in scripts[0].body
    assert len(styles) == 1 and f".st-key-{look.KEY}" in styles[0].body  # the script's block takes no room


def test_the_administrators_pages_name_no_developer_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "demo.duckdb"
    con = store.connect(path)
    demo.load_demo(con, trainees=3, seed=1, as_of=date.today())
    admin = con.execute("SELECT person_id FROM person WHERE email = 'admin@demo.se'").fetchone()
    con.close()
    assert admin is not None
    monkeypatch.setenv("TRACKER_DB", str(path))
    for page in ("anvandare", "sakerhetskopia"):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.session_state["person_id"] = admin[0]
        at.run().switch_page(f"dashboards/pages/utbildningsenhet/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        text = " ".join(str(e.value) for e in [*at.caption, *at.markdown, *at.info])
        assert "ST-trackern" in text, page
        assert not re.search(r"\b[\w/]+\.(py|json|md)\b|scripts/|docs/", text), f"{page}: {text}"


def test_every_text_translated_is_one_the_installed_streamlit_draws() -> None:
    frontend = "\n".join(p.read_text("utf-8", "ignore") for p in FRONTEND.glob("*.js"))
    # The exact texts, and the fixed parts of the texts translated by pattern.
    pieces = [*_exact_keys(), "Help for", "Remove ${", "Select ${", "} available.`", "View ${", " per file",
              "Value must be ${", "or later.", "files are not allowed.", "Press Enter to ${", "Choose date",
              ", selected`", "Selected Date: ${", "Selected Range: ${", "**Error**: Date set outside allowed range.",
              "Please select a date between ${", "Please enter a value less than or equal to ${"]  # fmt: skip
    missing = [p for p in pieces if p not in frontend]
    assert not missing, f"Streamlit {streamlit.__version__} no longer draws these texts: {missing}"
    assert len(_exact_keys()) > 80


TRANSLATED = [
    ("Upload", "Välj fil"),
    ("Select all", "Välj alla"),
    ("No results", "Inga träffar"),
    ("Show/hide columns", "Visa/dölj kolumner"),
    ("Search", "Sök"),
    ("Fullscreen", "Helskärm"),
    ("Choose an option", "Välj"),
    ("Help for Startdatum", "Hjälp: Startdatum"),
    ("Remove Väntelista", "Ta bort Väntelista"),
    ("year, Startdatum", "år, Startdatum"),
    ("day, Slutdatum", "dag, Slutdatum"),
    ("Choose date, december 2026", "Välj datum, december 2026"),
    ("Choose date range, december 2026", "Välj period, december 2026"),
    ("Value must be 1950/01/01 or later.", "Datumet får inte vara före 1950/01/01."),
    (
        "Error: Date set outside allowed range. Please select a date between 1950-01-01 and 2085-12-31.",
        "Fel: Datumet ligger utanför det tillåtna: välj mellan 1950-01-01 och 2085-12-31.",
    ),
    (
        "**Error**: Date set outside allowed range. Please select a date on or before 2085-12-31.",
        "**Fel**: Datumet ligger utanför det tillåtna: välj 2085-12-31 eller tidigare.",
    ),
    ("Error", "Fel"),
    (
        ": Number is above the allowed range. Please enter a value less than or equal to 100.",
        ": Talet är för stort: ange högst 100.",
    ),
    ("This field is required.", "Fältet måste fyllas i."),
    ("0.7KB", "0,7 kB"),
    ("notes.csv, 70.0B", "notes.csv, 70 byte"),
    ("20MB per file", "Högst 20 MB per fil"),
    ("trainees.csv, 0.5KB", "trainees.csv, 0,5 kB"),
    ("7 options available.", "7 alternativ."),
    ("Ana García, selected", "Ana García, vald"),
    ("Selected Date: 2026-12-01", "Valt datum: 2026-12-01"),
    ("Select 3 matches", "Välj 3 träffar"),
    ("View 4 more", "Visa 4 till"),
    ("Press Enter to submit form", "Tryck på Enter för att skicka formuläret"),
    ("check_circle icon", "symbol"),
    ("yyyy", "åååå"),
    # Texts of the app itself are left alone, also when they contain one of the words.
    ("Sök namn", None),
    ("Stoppdatum", None),
    ("Search och mer", None),
    ("search", None),  # an icon's ligature
]

_RUN = """
const vm = require("vm");
const stub = {nodeType: 1, getAttribute: () => null, querySelectorAll: () => [], closest: () => null};
const context = {
  window: {}, Node: {TEXT_NODE: 3, ELEMENT_NODE: 1}, NodeFilter: {SHOW_TEXT: 4}, Element: class {},
  MutationObserver: class { observe() {} },
  document: {documentElement: stub, body: stub, createTreeWalker: () => ({nextNode: () => null}),
             addEventListener: () => {}},
};
vm.runInNewContext(require("fs").readFileSync(process.argv[1], "utf-8"), context);
const texts = JSON.parse(process.argv[2]);
console.log(JSON.stringify(texts.map(context.window.__stTrackerTranslate)));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed: look.js's table is run in Node")
def test_streamlit_texts_become_swedish_and_the_apps_own_stay() -> None:
    texts = [text for text, _ in TRANSLATED]
    out = subprocess.run(
        ["node", "-e", _RUN, str(look.SCRIPT), json.dumps(texts)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert dict(zip(texts, json.loads(out.stdout), strict=True)) == dict(TRANSLATED)
