"""The Streamlit app through AppTest: every role, every page, with the figures checked against the library."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from dashboards import format as fmt
from tracker import services
from tracker.accounts import actor_for_person
from tracker.demo import load_demo
from tracker.rules.progress import progress_for
from tracker.store import Connection, connect

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
TODAY = date.today()
PAGES = "dashboards/pages"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database (40 trainees) for the whole module."""
    path = tmp_path_factory.mktemp("app") / "demo.duckdb"
    con = connect(path)
    load_demo(con, trainees=40, seed=11, as_of=TODAY)
    con.close()
    return path


@pytest.fixture(scope="module")
def con(seeded: Path) -> Iterator[Connection]:
    c = connect(seeded)
    yield c
    c.close()


@pytest.fixture(autouse=True)
def app_env(seeded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB", str(seeded))
    monkeypatch.setenv("TRACKER_AUTH", "dev")
    st.cache_data.clear()


@pytest.fixture
def wcon(seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    """A writable copy of the demo database, so that the other tests keep the seeded state."""
    copy = tmp_path / "write.duckdb"
    shutil.copy(seeded, copy)
    monkeypatch.setenv("TRACKER_DB", str(copy))
    c = connect(copy)
    yield c
    c.close()


def person(con: Connection, email: str) -> str:
    row = con.execute("SELECT person_id FROM person WHERE lower(email) = lower(?)", [email]).fetchone()
    assert row is not None
    return str(row[0])


def signed_in(con: Connection, email: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["person_id"] = person(con, email)
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(f"{PAGES}/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str) -> Any:
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}"
    return found[0]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def figures(at: AppTest) -> list[dict[str, Any]]:
    """Each chart's figure, with the text drawn right above it as "title_above" (components.plot draws
    a figure's title as page text)."""
    out: list[dict[str, Any]] = []
    above = None
    for node in at.main:
        if node.type == "plotly_chart":
            out.append({**json.loads(node.proto.spec), "title_above": above})
        if node.type in ("markdown", "plotly_chart"):
            above = node.value if node.type == "markdown" else None
    return out


def arr(v: Any) -> list[Any]:
    """A figure's data array: plotly sends numeric arrays as base64 typed arrays."""
    if isinstance(v, dict) and "bdata" in v:
        values = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            values = values.reshape([int(n) for n in str(v["shape"]).split(",")])
        return values.tolist()
    return list(v)


def all_text(at: AppTest) -> str:
    parts = [
        str(e.value)
        for kind in ("markdown", "caption", "title", "header", "subheader", "info", "success", "warning", "error")
        for e in getattr(at, kind)
    ]
    for df in at.dataframe:
        parts.append(df.value.to_string())
    return "\n".join(parts)


def assert_chart_labelled(fig: dict[str, Any]) -> None:
    layout = fig["layout"]
    assert fig["title_above"], "every chart has a title, drawn as text above it"
    assert not layout.get("title", {}).get("text"), "and not inside the figure, where it cannot wrap"
    assert layout.get("separators") == ", ", "decimal comma in charts"


# --- anonymous visitors and signing in --------------------------------------------------------


def test_anonymous_visitor_sees_only_the_login_page(con: Connection) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["ST-tracker"]
    assert {t.label for t in at.text_input} == {"E-postadress", "Lösenord"}
    text = all_text(at)
    names = [r[0] for r in con.execute("SELECT name FROM trainee").fetchall()]
    assert not [n for n in names if n in text and n != "Sara Lindqvist"], "no trainee names on the login page"
    assert "30," not in text and not at.metric and not at.get("plotly_chart")
    with pytest.raises(ValueError):
        at.switch_page(f"{PAGES}/st_lakare/oversikt.py")


def test_login_form_signs_in_and_out(con: Connection) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="login_email").input("st@demo.se")
    at.text_input(key="login_password").input("fel")
    button(at, "Logga in").click().run()
    assert any("Fel e-postadress eller lösenord" in e.value for e in at.error)
    assert "person_id" not in at.session_state
    at.text_input(key="login_password").input("demo")
    button(at, "Logga in").click().run()
    assert not at.exception
    assert at.session_state["person_id"] == person(con, "st@demo.se")
    assert [t.value for t in at.title] == ["Översikt"]
    at.button(key="logout").click().run()
    assert "person_id" not in at.session_state
    assert [t.value for t in at.title] == ["ST-tracker"]


def test_dev_picker_needs_dev_mode_and_loopback(con: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    old = st_config.get_option("server.address")
    try:
        st_config.set_option("server.address", "0.0.0.0")
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not [s for s in at.selectbox if s.key == "dev_person"]

        st_config.set_option("server.address", "127.0.0.1")
        monkeypatch.setenv("TRACKER_AUTH", "")
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not [s for s in at.selectbox if s.key == "dev_person"]

        monkeypatch.setenv("TRACKER_AUTH", "dev")
        at = AppTest.from_file(APP, default_timeout=60).run()
        handledare = person(con, "handledare@demo.se")
        at.selectbox(key="dev_person").select(handledare).run()
        at.button(key="dev_login").click().run()
        assert not at.exception
        assert at.session_state["person_id"] == handledare
        assert [t.value for t in at.title] == ["Mina ST-läkare"]
    finally:
        st_config.set_option("server.address", old)


# --- ST-läkare --------------------------------------------------------------------------------


def test_overview_shows_the_computed_progress(con: Connection) -> None:
    at = signed_in(con, "st@demo.se", "st_lakare/oversikt")
    trainee_id = con.execute(
        "SELECT trainee_id FROM trainee JOIN person USING (person_id) WHERE email = 'st@demo.se'"
    ).fetchone()[0]
    p = progress_for(con, trainee_id, TODAY)
    shown = metrics(at)
    assert shown["Tid mot minimitiden"] == f"{fmt.num(p.counted_months)} av {fmt.num(p.required_months)} mån"
    assert shown["Återstår"] == f"{fmt.num(p.remaining_months)} mån"
    assert shown["Beräknat klar"] == fmt.sv_date(p.projected_completion_date)
    bullet = figures(at)[0]
    assert bullet["data"][0]["type"] == "indicator"
    assert bullet["data"][0]["value"] == pytest.approx(float(p.counted_months))
    assert bullet["data"][0]["gauge"]["threshold"]["value"] == pytest.approx(float(p.required_months))
    text = all_text(at)
    assert "Nästa steg" in text
    for line in p.missing[:2]:
        assert line in text
    if p.bt is not None:
        assert shown["BT-tid"] == f"{fmt.num(p.bt.months)} av 6 mån"


def test_trainee_pages_render_with_content(con: Connection) -> None:
    at = signed_in(con, "st@demo.se")
    trainee_id = at.session_state["person_id"]
    tid = con.execute("SELECT trainee_id FROM trainee WHERE person_id = ?", [trainee_id]).fetchone()[0]

    at.switch_page(f"{PAGES}/st_lakare/tidslinje.py").run()
    assert not at.exception
    fig = figures(at)[0]
    assert_chart_labelled(fig)
    assert fig["layout"]["xaxis"]["title"]["text"] == "Datum"
    assert any(s.get("type") == "line" for s in fig["layout"].get("shapes", [])), "the 'idag' line"
    n_periods = con.execute(
        "SELECT (SELECT count(*) FROM placement WHERE trainee_id = $t) + (SELECT count(*) FROM leave WHERE trainee_id = $t)",
        {"t": tid},
    ).fetchone()[0]
    assert int(metrics(at)["Placeringar"]) + int(metrics(at)["Ledigheter"]) == n_periods
    # Beside the timeline: the placements listed, with the form for a new one.
    n_placements = con.execute("SELECT count(*) FROM placement WHERE trainee_id = ?", [tid]).fetchone()[0]
    assert len(at.table[0].value) == n_placements
    assert "Spara placering" in {b.label for b in at.button}

    at.switch_page(f"{PAGES}/st_lakare/delmal.py").run()
    assert not at.exception
    p = progress_for(con, tid, TODAY)
    shown = {m.label: m.value for m in at.tabs[0].metric}  # the ST-delmål tab (BT delmål are in the second)
    assert int(shown["Uppfyllda"]) == sum(1 for s in p.delmal.values() if s == "uppfyllt")
    assert int(shown["Ej påbörjade"]) == sum(1 for s in p.delmal.values() if s == "ej påbörjat")
    assert list(at.dataframe[0].value["Delmål"]) == list(p.delmal)
    assert "inte officiella titlar" in all_text(at)

    at.switch_page(f"{PAGES}/st_lakare/intyg.py").run()
    assert not at.exception
    n_certs = con.execute("SELECT count(*) FROM certificate WHERE trainee_id = ?", [tid]).fetchone()[0]
    assert len(at.dataframe[0].value) == n_certs
    assert "Spara placering" not in {b.label for b in at.button}
    # The intyg to send is chosen first (the picker starts empty), then the send button is there.
    send = at.selectbox(key="send_pick")
    assert send.value is None
    send.select_index(0).run()
    assert "Skicka för signering" in {b.label for b in at.button}
    at.segmented_control(key="own_certs_section").set_value("Ny aktivitet eller intyg").run()
    assert "Spara som utkast" in {b.label for b in at.button}

    at.switch_page(f"{PAGES}/st_lakare/planering.py").run()
    assert not at.exception
    assert metrics(at)["Beräknat klar i dag"] == fmt.sv_date(p.projected_completion_date)
    assert metrics(at)["Beräknat klar med ändringen"] == fmt.sv_date(p.projected_completion_date)
    at.checkbox(key="wi_change").check().run()
    at.slider(key="wi_percent").set_value(50).run()
    assert not at.exception
    assert metrics(at)["Beräknat klar med ändringen"] != fmt.sv_date(p.projected_completion_date)
    # Nothing was saved.
    assert progress_for(con, tid, TODAY).projected_completion_date == p.projected_completion_date


def test_trainee_cannot_reach_other_roles_pages(con: Connection) -> None:
    at = signed_in(con, "st@demo.se")
    for page in (
        "utbildningsenhet/kohort",
        "handledare/mina_st_lakare",
        "handledare/att_signera",
        "utbildningsenhet/importera",
        "utbildningsenhet/intressenter",
    ):
        with pytest.raises(ValueError):
            at.switch_page(f"{PAGES}/{page}.py")


# --- handledare -------------------------------------------------------------------------------


def test_handledare_table_lists_exactly_the_assigned_trainees(con: Connection) -> None:
    at = signed_in(con, "handledare@demo.se", "handledare/mina_st_lakare")
    pid = at.session_state["person_id"]
    expected = {
        r[0]
        for r in con.execute(
            """SELECT DISTINCT t.name FROM supervision s JOIN trainee t USING (trainee_id)
               WHERE s.person_id = ? AND s.start_date <= ? AND (s.end_date IS NULL OR s.end_date >= ?)""",
            [pid, TODAY, TODAY],
        ).fetchall()
    }
    table = at.dataframe[0].value
    assert set(table["Namn"]) == expected and len(table) == len(expected)
    waiting = con.execute(
        """SELECT count(*) FROM certificate c JOIN trainee t USING (trainee_id)
           WHERE c.status = 'skickat' AND c.signer_person_id = ? AND list_contains(?, t.name)""",
        [pid, sorted(expected)],
    ).fetchone()[0]
    assert int(table["Väntar"].sum()) == waiting
    # Open one trainee read-only: the same overview components, no forms.
    at.selectbox(key="tl_open_True").select_index(0).run()
    assert not at.exception
    assert "Tid mot minimitiden" in metrics(at)
    assert not [b for b in at.button if b.label in ("Spara placering", "Skicka för signering")]


def test_handledare_pages_and_sign_flow(wcon: Connection) -> None:
    at = signed_in(wcon, "handledare@demo.se", "handledare/att_signera")
    pid = at.session_state["person_id"]
    pending = wcon.execute(
        "SELECT certificate_id FROM certificate WHERE status = 'skickat' AND signer_person_id = ? ",
        [pid],
    ).fetchall()
    assert int(metrics(at)["Intyg som väntar på dig"]) == len(pending)
    assert pending, "the demo gives the handledare something to sign"
    first = wcon.execute("SELECT max(audit_id) FROM audit_log").fetchone()[0]  # the demo's own rows
    signs = [b for b in at.button if b.label == "Signera"]
    signs[0].click().run()
    assert not at.exception
    assert any("signerat" in s.value for s in at.success)
    assert int(metrics(at)["Intyg som väntar på dig"]) == len(pending) - 1
    audit = wcon.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'sign' AND actor_person_id = ? AND audit_id > ?", [pid, first]
    ).fetchone()[0]
    assert audit == 1


# --- utbildningsenhet -------------------------------------------------------------------------


def _in_area(con: Connection, email: str) -> int:
    return int(
        con.execute(
            """SELECT count(*) FROM trainee t JOIN unit u USING (unit_id)
               JOIN role_assignment r ON r.region_id = u.region_id AND r.area = u.area AND r.role = 'studierektor'
               JOIN person p ON p.person_id = r.person_id WHERE p.email = ?""",
            [email],
        ).fetchone()[0]
    )


@pytest.mark.parametrize("email", ["studierektor@demo.se", "admin@demo.se"])
def test_office_pages_render_with_labelled_charts(con: Connection, email: str) -> None:
    at = signed_in(con, email, "utbildningsenhet/kohort")
    expected = 40 if email.startswith("admin") else _in_area(con, email)
    assert int(metrics(at)["ST-läkare"]) == expected
    figs = figures(at)
    assert len(figs) == 3
    for fig in figs:
        assert_chart_labelled(fig)
        assert fig["layout"]["xaxis"]["title"]["text"] and fig["layout"]["yaxis"]["title"]["text"]
    histogram = figs[1]
    assert sum(arr(histogram["data"][0]["y"])) == expected

    for page, title in (
        ("utbildningsenhet/st_lakare", "ST-läkare"),
        ("utbildningsenhet/flaskhalsar", "Delmål-flaskhalsar"),
        ("utbildningsenhet/bt", "BT"),
        ("utbildningsenhet/intressenter", "ST-intressenter"),
        ("utbildningsenhet/importera", "Import"),
    ):
        at.switch_page(f"{PAGES}/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert [t.value for t in at.title] == [title]
        for fig in figures(at):
            assert_chart_labelled(fig)
    at.switch_page(f"{PAGES}/utbildningsenhet/st_lakare.py").run()
    assert len(at.dataframe[0].value) == expected


def test_bottleneck_heatmap_and_intressent_queue(con: Connection) -> None:
    at = signed_in(con, "studierektor@demo.se", "utbildningsenhet/flaskhalsar")
    heat = figures(at)[0]
    assert heat["data"][0]["type"] == "heatmap"
    assert heat["layout"]["xaxis"]["title"]["text"] == "Delmål"
    z = arr(heat["data"][0]["z"])
    assert z and all(0 <= v <= 100 for row in z for v in row if v is not None and v == v)

    at.switch_page(f"{PAGES}/utbildningsenhet/intressenter.py").run()
    assert not at.exception
    open_steps = ("intresse", "dokument", "bedomning", "vantelista")
    queued = con.execute(
        f"""SELECT count(*) FROM intressent i JOIN unit u USING (unit_id)
            JOIN role_assignment r ON r.region_id = u.region_id AND r.area = u.area AND r.role = 'studierektor'
            JOIN person p ON p.person_id = r.person_id
            WHERE p.email = 'studierektor@demo.se' AND i.step IN {open_steps}"""
    ).fetchone()[0]
    assert int(metrics(at)["I kön"]) == queued


def test_verksamhetschef_sees_office_pages_but_no_import(con: Connection) -> None:
    email = con.execute(
        """SELECT p.email FROM person p JOIN role_assignment r USING (person_id)
           WHERE r.role = 'verksamhetschef' AND p.email IS NOT NULL ORDER BY p.person_id LIMIT 1"""
    ).fetchone()
    if email is None:
        pytest.skip("the demo has no verksamhetschef with an e-mail address")
    at = signed_in(con, str(email[0]), "utbildningsenhet/kohort")
    assert not at.exception
    with pytest.raises(ValueError):
        at.switch_page(f"{PAGES}/utbildningsenhet/importera.py")


def test_trainee_adds_a_placement_through_the_form(wcon: Connection) -> None:
    at = signed_in(wcon, "st@demo.se", "st_lakare/tidslinje")
    tid = wcon.execute(
        "SELECT trainee_id FROM trainee JOIN person USING (person_id) WHERE email = 'st@demo.se'"
    ).fetchone()[0]
    before = progress_for(wcon, tid, TODAY).service_months
    # A bad period first: the form shows the row errors and nothing is written.
    form = at.get("form")
    placement = next(f for f in form if f.proto.form.form_id == "add_placement")
    placement.text_input[0].input("Medicinkliniken")
    dates = placement.date_input
    dates[0].set_value(date(2019, 2, 1))
    dates[1].set_value(date(2019, 1, 1))
    button(at, "Spara placering").click().run()
    assert not at.exception
    assert any("kunde inte sparas" in e.value for e in at.error)
    assert "Slutdatum" in set(at.dataframe[-1].value["Fält"])
    assert progress_for(wcon, tid, TODAY).service_months == before
    # Then a correct one: two full calendar months after the legitimation date, before any other
    # placement, so it adds exactly 2 months at 100 %.
    legit, first = wcon.execute(
        "SELECT t.legitimation_date, min(p.start_date) FROM trainee t JOIN placement p USING (trainee_id) "
        "WHERE t.trainee_id = ? GROUP BY ALL",
        [tid],
    ).fetchone()
    start = date(legit.year + (legit.month // 12), legit.month % 12 + 1, 1)
    end = date(start.year + (start.month + 1) // 12, (start.month + 1) % 12 + 1, 1) - timedelta(days=1)
    if end >= first:
        pytest.skip("the demo trainee has no free two months between legitimation and the first placement")
    placement = next(f for f in at.get("form") if f.proto.form.form_id == "add_placement")
    placement.date_input[0].set_value(start)
    placement.date_input[1].set_value(end)
    button(at, "Spara placering").click().run()
    assert not at.exception
    assert any("Placeringen är sparad" in s.value for s in at.success)
    after = progress_for(wcon, tid, TODAY).service_months
    assert after - before == 2
    at.switch_page(f"{PAGES}/st_lakare/oversikt.py").run()
    p = progress_for(wcon, tid, TODAY)
    assert metrics(at)["Tid mot minimitiden"] == f"{fmt.num(p.counted_months)} av {fmt.num(p.required_months)} mån"
    assert wcon.execute("SELECT count(*) FROM audit_log WHERE entity = 'placement'").fetchone()[0] == 1


IDP = "https://idp.example.test"
OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "test-secret-not-used",
        "client_id": "st-tracker",
        "client_secret": "x",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


def test_organisation_login_maps_the_verified_email_to_a_person(con: Connection) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = OIDC_SECRETS
    at.run()
    assert not at.exception
    assert button(at, "Logga in med organisationskonto")

    # A known address signs the person in (no session state needed: the identity cookie carries it).
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = OIDC_SECRETS
    at.user = {"is_logged_in": True, "iss": IDP, "sub": "sr-1", "email": "Studierektor@demo.se", "email_verified": True}
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Kohort"]

    # An unknown or unverified address: a clear Swedish message and nothing else.
    for user in (
        {"is_logged_in": True, "iss": IDP, "sub": "unknown-1", "email": "okand@region.se", "email_verified": True},
        {"is_logged_in": True, "iss": IDP, "sub": "sr-2", "email": "studierektor@demo.se", "email_verified": False},
    ):
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets = OIDC_SECRETS
        at.user = user
        at.run()
        assert not at.exception
        assert any("finns inte i ST-trackern" in e.value for e in at.error)
        assert not at.metric and not at.dataframe and not at.get("plotly_chart")


# --- voiding, reissuing and the log -----------------------------------------------------------


def test_handledare_voids_a_signed_certificate_and_the_trainee_reissues_it(wcon: Connection) -> None:
    at = signed_in(wcon, "handledare@demo.se", "handledare/mina_st_lakare")
    pid = at.session_state["person_id"]
    names = list(at.dataframe[0].value["Namn"])
    row = wcon.execute(
        """SELECT c.certificate_id, t.name, t.trainee_id FROM certificate c JOIN trainee t USING (trainee_id)
           WHERE c.status = 'signerat' AND c.signer_person_id = ? AND list_contains(?, t.name)
           ORDER BY c.certificate_id LIMIT 1""",
        [pid, names],
    ).fetchone()
    if row is None:
        pytest.skip("the demo handledare has signed nothing for a current trainee")
    cid, name, tid = row
    at.selectbox(key="tl_open_True").select(next(t for t in at.selectbox(key="tl_open_True").options if t == name))
    at.run()
    assert not at.exception
    form = next(f for f in at.get("form") if f.proto.form.form_id == f"void_{tid}")
    form.selectbox[0].set_value(cid)
    form.text_area[0].input("Fel period")
    button(at, "Makulera").click().run()
    assert not at.exception
    assert any("makulerat" in s.value for s in at.success)
    assert wcon.execute(
        "SELECT status, comment FROM certificate WHERE certificate_id = ?", [cid]
    ).fetchone() == ("makulerat", "Fel period")
    assert wcon.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'void' AND entity_id = ? AND actor_person_id = ?", [cid, pid]
    ).fetchone() == (1,)


def test_trainee_sees_a_voided_certificate_and_reissues_it(wcon: Connection) -> None:
    cid = wcon.execute(
        """SELECT c.certificate_id FROM certificate c JOIN trainee t USING (trainee_id) JOIN person p USING (person_id)
           WHERE p.email = 'st@demo.se' AND c.status = 'signerat' ORDER BY c.certificate_id LIMIT 1"""
    ).fetchone()[0]
    wcon.execute("UPDATE certificate SET status = 'makulerat', comment = 'Fel datum' WHERE certificate_id = ?", [cid])
    at = signed_in(wcon, "st@demo.se", "st_lakare/intyg")
    assert any("Makulerad" in m.value for m in at.markdown)
    assert any("Skäl till makulering: Fel datum" in c.value for c in at.caption)
    at.button(key=f"reissue_{cid}").click().run()
    assert not at.exception
    assert any("nytt utkast" in s.value for s in at.success)
    assert wcon.execute("SELECT count(*) FROM audit_log WHERE action = 'reissue'").fetchone() == (1,)


@pytest.mark.parametrize("email", ["st@demo.se", "studierektor@demo.se", "admin@demo.se", "handledare@demo.se"])
def test_log_page_renders_with_a_download(con: Connection, email: str) -> None:
    at = signed_in(con, email, "gemensamt/logg")
    assert not at.exception
    assert at.title[0].value == "Logg"
    downloads = at.get("download_button")
    # The rows this person may see (failed sign-ins of earlier tests are logged too, seen by the admin).
    rows = len(services.audit_trail(con, actor_for_person(con, person(con, email))))  # type: ignore[arg-type]
    if rows:
        assert downloads
    else:
        assert any("inga loggade händelser" in i.value for i in at.info)


def test_admin_gives_and_removes_a_role(
    wcon: Connection, con: Connection, seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = wcon.execute("SELECT coalesce(max(audit_id), 0) FROM audit_log").fetchone()[0]  # the demo's own rows
    at = signed_in(wcon, "admin@demo.se", "utbildningsenhet/anvandare")
    assert at.title[0].value == "Användare och roller"
    target = person(wcon, "st@demo.se")
    form = next(f for f in at.get("form") if f.proto.form.form_id == "add_role")
    form.selectbox[0].set_value(target)
    form.selectbox[1].set_value("handledare")
    button(at, "Lägg till roll").click().run()
    assert not at.exception
    assert any("Handledare är tillagd" in s.value for s in at.success)
    rid = wcon.execute(
        "SELECT role_assignment_id FROM role_assignment WHERE person_id = ? AND role = 'handledare'", [target]
    ).fetchone()[0]
    form = next(f for f in at.get("form") if f.proto.form.form_id == "remove_role")
    form.selectbox[0].set_value(rid)
    button(at, "Ta bort roll").click().run()
    assert not at.exception
    assert wcon.execute("SELECT count(*) FROM role_assignment WHERE role_assignment_id = ?", [rid]).fetchone() == (0,)
    actions = [r[0] for r in wcon.execute("SELECT action FROM audit_log WHERE audit_id > ? ORDER BY audit_id", [first]).fetchall()]
    assert actions == ["add_role", "remove_role"]
    monkeypatch.setenv("TRACKER_DB", str(seeded))
    at = signed_in(con, "studierektor@demo.se")
    with pytest.raises(ValueError):
        at.switch_page(f"{PAGES}/utbildningsenhet/anvandare.py")


def test_a_request_to_a_former_handledare_is_shown_and_can_be_sent_again(wcon: Connection) -> None:
    """RULES of sign-off: only a current handledare signs; the trainee re-addresses what waits for a former one."""
    trainee = wcon.execute(
        "SELECT t.trainee_id FROM trainee t JOIN person p USING (person_id) WHERE p.email = 'st@demo.se'"
    ).fetchone()[0]
    wcon.execute("INSERT INTO person (person_id, name, email) VALUES ('p-former', 'Fredrik Förre', 'forre@demo.se')")
    wcon.execute(
        "INSERT INTO supervision (trainee_id, person_id, kind, start_date, end_date) VALUES (?, 'p-former', 'handledare', ?, ?)",
        [trainee, TODAY - timedelta(days=400), TODAY - timedelta(days=10)],
    )
    wcon.execute(
        """INSERT INTO certificate (certificate_id, trainee_id, type, title, status, signer_person_id)
           VALUES ('stale-1', ?, 'auskultation', 'Auskultation hos förra handledaren', 'skickat', 'p-former')""",
        [trainee],
    )
    at = signed_in(wcon, "st@demo.se", "st_lakare/intyg")
    assert any("Fredrik Förre" in w.value and "inte längre kan signera" in w.value for w in at.warning)
    pick = at.selectbox(key="send_pick")
    assert any("Auskultation hos förra handledaren" in o for o in pick.options), pick.options
    pick.select("stale-1").run()
    button(at, "Skicka för signering").click().run()
    assert not at.exception
    status, signer = wcon.execute(
        "SELECT status, signer_person_id FROM certificate WHERE certificate_id = 'stale-1'"
    ).fetchone()
    assert status == "skickat" and signer != "p-former"
    current = {r[0] for r in wcon.execute(
        "SELECT person_id FROM supervision WHERE trainee_id = ? AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)",
        [trainee, TODAY, TODAY],
    ).fetchall()}
    assert signer in current


def test_delmal_page_warns_of_an_unreliable_malbeskrivning_and_shows_each_doubt(wcon: Connection) -> None:
    """The catalogue's markings reach the trainee's Delmål page: Barn- och ungdomspsykiatri is marked
    unreliable under SOSFS 2015:8, and its STc7 (HSLF-FS 2021:8) is doubtful."""
    pid = person(wcon, "st@demo.se")
    admin = actor_for_person(wcon, person(wcon, "admin@demo.se"))
    assert admin is not None
    bup = "Barn- och ungdomspsykiatri"
    unreliable = services.catalogue_doubts(wcon, admin, "SOSFS 2015:8", bup).unreliable
    doubt = services.catalogue_doubts(wcon, admin, "HSLF-FS 2021:8", bup).delmal["STc7"]
    assert unreliable and doubt

    wcon.execute(
        "UPDATE trainee SET specialty = ?, regulation_choice = 'SOSFS 2015:8' WHERE person_id = ?", [bup, pid]
    )
    at = signed_in(wcon, "st@demo.se", "st_lakare/delmal")
    warnings = [str(w.value) for w in at.warning]
    assert any("Opålitlig målbeskrivning" in w and fmt.plain(unreliable) in w for w in warnings), warnings

    wcon.execute("UPDATE trainee SET regulation_choice = 'HSLF-FS 2021:8' WHERE person_id = ?", [pid])
    st.cache_data.clear()
    at = signed_in(wcon, "st@demo.se", "st_lakare/delmal")
    warnings = [str(w.value) for w in at.warning]
    assert not any("Opålitlig målbeskrivning" in w for w in warnings)
    assert any("Tveksamt delmål" in w and fmt.plain(doubt) in w for w in warnings), warnings
    table = at.tabs[0].dataframe[0].value
    marked = dict(zip(table["Delmål"], table["Tveksamt"], strict=True))
    assert marked["STc7"] == doubt
    assert {c for c, v in marked.items() if v != fmt.DASH} == {"STc7"}
    assert any(e.label.startswith("STc7 ") and e.label.endswith("· tveksamt") for e in at.expander)


def test_a_credit_past_the_cap_is_a_field_error_and_a_saved_credit_is_a_notice(wcon: Connection) -> None:
    # RULES 2: tidigare ST at most 30 months per trainee in total; every credit is listed as a notice.
    at = signed_in(wcon, "st@demo.se", "st_lakare/tidslinje")
    at.segmented_control(key="own_what").set_value("credit").run()
    tid = wcon.execute(
        "SELECT trainee_id FROM trainee JOIN person USING (person_id) WHERE email = 'st@demo.se'"
    ).fetchone()[0]
    before = wcon.execute("SELECT count(*) FROM credit WHERE trainee_id = ?", [tid]).fetchone()[0]
    credit = next(f for f in at.get("form") if f.proto.form.form_id == "add_credit")
    credit.selectbox[0].set_value("tidigare_st")
    credit.number_input[0].set_value(31.0)
    credit.text_input[0].input("ST i kirurgi")
    button(at, "Spara tillgodoräknande").click().run()
    assert not at.exception
    assert any("kunde inte sparas" in e.value for e in at.error)
    shown = at.dataframe[-1].value
    assert list(shown["Fält"]) == ["Månader"]
    assert f"Tidigare ST för {tid} blir sammanlagt 31 månader" in shown["Vad är fel"].iloc[0]
    assert wcon.execute("SELECT count(*) FROM credit WHERE trainee_id = ?", [tid]).fetchone()[0] == before
    credit = next(f for f in at.get("form") if f.proto.form.form_id == "add_credit")
    credit.number_input[0].set_value(12.5)
    button(at, "Spara tillgodoräknande").click().run()
    assert any("Tillgodoräknandet är sparat" in s.value for s in at.success)
    at.switch_page(f"{PAGES}/st_lakare/oversikt.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # Markdown escapes shown as text
    assert "Tillgodoräknande: tidigare ST 12,5 månader mot ST; bedöms av Socialstyrelsen." in text
