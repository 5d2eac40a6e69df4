"""Att signera, Mina ST-läkare, the ST-läkare's intyg forms and the Logg page (AppTest, a hand-made database).

Hanna supervises Anna (HSLF-FS 2021:8, BT approved), supervised Bertil (SOSFS 2015:8) until a week ago and
is verksamhetschef of Cecilia's unit: Anna's course and Cecilia's intyg om fullgjord ST wait for her
signature; an intyg Bertil sent her while she still supervised him must be re-addressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from appdb import actor, app_copy
from rows import insert_rows
from streamlit.testing.v1 import AppTest

from dashboards import format as fmt
from tracker import services
from tracker.store import Connection, catalogue, connect

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
PAGES = "dashboards/pages"
TODAY = date.today()
D = date.fromisoformat



@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("handledare") / "template.duckdb"
    con = connect(path)
    catalogue.ensure_catalogue(con)
    insert_rows(con, "region", [{"region_id": "R1", "name": "Region Norr"}])
    insert_rows(
        con,
        "unit",
        [
            {"unit_id": "U1", "name": "VC Norra", "region_id": "R1", "area": "Norra", "kind": "vardcentral"},
            {"unit_id": "U2", "name": "VC Södra", "region_id": "R1", "area": "Södra", "kind": "vardcentral"},
        ],
    )
    people = {"pA": "Anna Ahl", "pB": "Bertil Berg", "pC": "Cecilia Cedergren", "pH": "Hanna Handledare"}
    insert_rows(con, "person", [{"person_id": k, "name": v, "email": f"{k}@example.se"} for k, v in people.items()])
    insert_rows(
        con,
        "role_assignment",
        [
            {"person_id": "pA", "role": "st_lakare"},
            {"person_id": "pB", "role": "st_lakare"},
            {"person_id": "pC", "role": "st_lakare"},
            {"person_id": "pH", "role": "handledare"},
            {"person_id": "pH", "role": "verksamhetschef", "unit_id": "U2"},
        ],
    )
    trainee = {"specialty": "Allmänmedicin", "legitimation_date": D("2022-06-01"), "swedish_at": False}
    insert_rows(
        con,
        "trainee",
        [
            {**trainee, "trainee_id": "TA", "person_id": "pA", "name": "Anna Ahl", "st_start_date": D("2023-01-01"),
             "unit_id": "U1", "bt_approved_date": D("2024-03-01")},
            {**trainee, "trainee_id": "TB", "person_id": "pB", "name": "Bertil Berg", "swedish_at": True,
             "legitimation_date": D("2016-06-01"), "st_start_date": D("2020-01-01"), "unit_id": "U1"},
            {**trainee, "trainee_id": "TC", "person_id": "pC", "name": "Cecilia Cedergren",
             "st_start_date": D("2021-09-01"), "unit_id": "U2"},
        ],
    )
    insert_rows(
        con,
        "supervision",
        [
            {"trainee_id": "TA", "person_id": "pH", "kind": "huvudhandledare", "start_date": D("2023-01-01")},
            {"trainee_id": "TB", "person_id": "pH", "kind": "huvudhandledare", "start_date": D("2020-01-01"),
             "end_date": TODAY - timedelta(days=7)},
        ],
    )
    insert_rows(
        con,
        "placement",
        [{"trainee_id": "TA", "kind": "ST", "setting": "primarvard", "workplace": "VC Norra",
          "start_date": D("2024-01-01"), "end_date": D("2024-03-31"), "percent": 100.0}],
    )
    anna, cecilia = actor(con, "pA"), actor(con, "pC")
    course = services.add_certificate(con, anna, "TA", type="kurs", title="Ledarskap", delmal=["STa5"])
    services.request_signature(con, anna, course, "pH")
    fullgjord = services.add_certificate(con, cecilia, "TC", type="fullgjord_st", title="Fullgjord ST")
    services.request_signature(con, cecilia, fullgjord, "pH")
    con.execute(
        "INSERT INTO certificate (certificate_id, trainee_id, type, title, status, signer_person_id) "
        "VALUES ('TB-old', 'TB', 'kurs', 'Akutkurs', 'skickat', 'pH')"
    )
    con.execute("INSERT INTO certificate_delmal VALUES ('TB-old', 'a1')")
    con.close()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    c = app_copy(template, tmp_path / "app.duckdb", monkeypatch, dev_auth=True)
    yield c
    c.close()


def signed_in(pid: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["person_id"] = pid
    at.run()
    assert not at.exception, at.exception
    at.switch_page(f"{PAGES}/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def cards(at: AppTest) -> list[str]:
    """The trainee and type heading of each card on Att signera, in order."""
    return [m.value for m in at.main.markdown if m.value.startswith("**")]


def sign_form(at: AppTest, certificate_id: str) -> Any:
    return next(f for f in at.get("form") if f.proto.form.form_id.startswith(f"sign_{certificate_id}_"))


def pending_id(db: Connection, trainee_id: str) -> str:
    row = db.execute(
        "SELECT certificate_id FROM certificate WHERE trainee_id = ? AND status = 'skickat' AND signer_person_id = 'pH'",
        [trainee_id],
    ).fetchone()
    assert row is not None
    return str(row[0])


# --- item 4: one count on both pages -----------------------------------------------------------------


def test_handledare_sees_the_same_number_waiting_on_mina_st_lakare_and_att_signera(db: Connection) -> None:
    at = signed_in("pH", "handledare/att_signera")
    assert metric(at, "Intyg som väntar på dig") == "2"
    assert cards(at) == ["**Anna Ahl** – Kurs", "**Cecilia Cedergren** – Intyg om fullgjord specialiseringstjänstgöring"]
    assert "Akutkurs" not in "\n".join(m.value for m in at.markdown)  # Bertil's must be re-addressed
    at.switch_page(f"{PAGES}/handledare/mina_st_lakare.py").run()
    assert not at.exception
    assert metric(at, "Intyg som väntar på dig") == "2"
    table = at.dataframe[0].value
    assert list(table["Namn"]) == ["Anna Ahl"] and int(table["Väntar"].sum()) == 1
    assert any(
        c.value.startswith("Varav 1 för ST-läkare som inte finns i listan: intyg om fullgjord BT eller ST")
        for c in at.caption
    )


# --- item 13: Att signera filtered, sorted, dated, refusals by their button --------------------------


def test_att_signera_filters_and_sorts_and_shows_when_each_intyg_was_sent(db: Connection) -> None:
    at = signed_in("pH", "handledare/att_signera")
    text = "\n".join(m.value for m in at.markdown)
    sent = services.pending_signatures(db, actor(db, "pH"))["sent_at"]  # Swedish local time of the request
    assert abs(sent.dt.date.map(lambda d: (d - TODAY).days)).max() <= 1
    assert text.count(f"Skickat: {fmt.iso_date(sent.iloc[0])}") == 2  # both sent in the app today, as the period: ISO
    at.selectbox(key="sign_sort").set_value("Typ").run()
    assert cards(at)[0].startswith("**Cecilia Cedergren**")  # "Intyg om fullgjord …" before "Kurs"
    at.selectbox(key="sign_sort").set_value("ST-läkare").run()
    assert cards(at)[0].startswith("**Anna Ahl**")
    at.multiselect(key="sign_types").set_value(["fullgjord_st"]).run()
    assert cards(at) == ["**Cecilia Cedergren** – Intyg om fullgjord specialiseringstjänstgöring"]
    assert any(c.value == "Visar 1 av 2 intyg." for c in at.caption)
    assert metric(at, "Intyg som väntar på dig") == "2"  # the count is of all of them
    assert any("som verksamhetschef" in c.value for c in at.caption)
    at.multiselect(key="sign_types").set_value([]).run()
    at.multiselect(key="sign_trainees").set_value(["TA"]).run()
    assert cards(at) == ["**Anna Ahl** – Kurs"]
    assert {m.proto.select_all for m in at.multiselect} == {0}, "no English 'Select all'"


def test_a_return_without_a_comment_is_refused_next_to_its_button(db: Connection) -> None:
    at = signed_in("pH", "handledare/att_signera")
    anna, cecilia = pending_id(db, "TA"), pending_id(db, "TC")
    form = sign_form(at, anna)
    next(b for b in form.button if b.label == "Returnera med kommentar").click().run()
    assert not at.exception
    here, there = sign_form(at, anna), sign_form(at, cecilia)
    assert [e.value for e in here.error] == ["Uppgifterna kunde inte sparas. Rätta följande och försök igen:"]
    problems = here.dataframe[0].value
    assert list(problems["Fält"]) == ["Kommentar"]
    assert list(problems["Vad är fel"]) == ["Saknas: skriv vad ST-läkaren behöver ändra"]
    assert not there.error
    assert db.execute("SELECT status FROM certificate WHERE certificate_id = ?", [anna]).fetchone() == ("skickat",)


# --- items 5 and 12: the intyg forms ---------------------------------------------------------------


def _new_intyg(at: AppTest) -> None:
    at.session_state["own_certs_section"] = "Ny aktivitet eller intyg"
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_intyg_form_offers_the_types_of_the_regelverk_and_only_delmal_that_fit(db: Connection) -> None:
    at = signed_in("pA", "st_lakare/intyg")  # HSLF-FS 2021:8, BT approved
    _new_intyg(at)
    types = at.selectbox(key="add_cert_type")
    assert types.options == [
        "Klinisk tjänstgöring under handledning", "Auskultation", "Kurs", "Deltagande i utvecklingsarbete",
        "Delmål STa3 Medicinsk vetenskap", "Större yrkesrelaterad sammankomst", "Övrig utbildningsaktivitet",
    ]
    types.set_value("kurs").run()
    picker = at.multiselect(key="add_cert_delmal_kurs")
    codes = [o.split(" ")[0] for o in picker.options]
    assert codes == ["STa1", "STa4", "STa5", "STa6", "STb1", "STb2", "STb3", "STb4", "STc3", "STc6", "STc15"]
    assert picker.proto.select_all == 0, "no English 'Select all'"
    at.selectbox(key="add_cert_type").set_value("vetenskap").run()
    assert [o.split(" ")[0] for o in at.multiselect(key="add_cert_delmal_vetenskap").options] == ["STa3"]

    at = signed_in("pB", "st_lakare/intyg")  # SOSFS 2015:8
    _new_intyg(at)
    assert at.selectbox(key="add_cert_type").options == [
        "Klinisk tjänstgöring under handledning", "Auskultation", "Kurs", "Kvalitets- och utvecklingsarbete",
        "Självständigt skriftligt arbete", "Större yrkesrelaterad sammankomst", "Övrig utbildningsaktivitet",
    ]


def _fill_new(at: AppTest, ctype: str, title: str, codes: list[str]) -> None:
    at.selectbox(key="add_cert_type").set_value(ctype).run()
    form = next(f for f in at.get("form") if f.proto.form.form_id == "add_certificate")
    next(t for t in form.text_input if t.label == "Rubrik").set_value(title)
    at.multiselect(key=f"add_cert_delmal_{ctype}").set_value(codes)
    next(b for b in form.button if b.label == "Spara som utkast").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _titles(db: Connection) -> dict[str, int]:
    rows = db.execute(
        "SELECT c.title, count(cd.code) FROM certificate c LEFT JOIN certificate_delmal cd USING (certificate_id) "
        "WHERE c.trainee_id = 'TA' GROUP BY c.title"
    ).fetchall()
    return {str(t): int(n) for t, n in rows}


def test_more_than_six_delmal_on_one_intyg_are_saved_only_after_a_confirmation(db: Connection) -> None:
    at = signed_in("pA", "st_lakare/intyg")
    _new_intyg(at)
    _fill_new(at, "klinisk_tjanstgoring", "Två delmål", ["STc1", "STc2"])
    assert _titles(db)["Två delmål"] == 2  # a handful: saved at once
    seven = ["STc1", "STc2", "STc3", "STc4", "STc5", "STc6", "STc7"]
    _new_intyg(at)
    _fill_new(at, "klinisk_tjanstgoring", "Sju delmål", seven)
    assert "Sju delmål" not in _titles(db)
    assert any(w.value.startswith("Intyget avser 7 delmål (STc1, STc2") for w in at.warning)
    next(b for b in at.button if b.label == "Ja, spara med 7 delmål").click().run()
    assert not at.exception
    assert _titles(db)["Sju delmål"] == 7
    assert any("sparad som utkast" in s.value for s in at.success)


def test_summary_intyg_have_their_own_section(db: Connection) -> None:
    at = signed_in("pA", "st_lakare/intyg")
    _new_intyg(at)
    summary = {"Intyg om fullgjord bastjänstgöring", "Intyg om uppnådd baskompetens",
               "Intyg om fullgjord specialiseringstjänstgöring", "Intyg om uppnådd specialistkompetens"}
    assert not summary & set(at.selectbox(key="add_cert_type").options)
    at.session_state["own_certs_section"] = "Sammanfattande intyg"
    at.run()
    assert not at.exception
    state = at.dataframe[-1].value
    # BT is approved: only ST's documents are still asked for.
    assert dict(zip(state["Intyg"], state["Läge"], strict=True)) == {
        "Intyg om fullgjord specialiseringstjänstgöring": "saknas",
        "Intyg om uppnådd specialistkompetens": "saknas",
    }
    form = next(f for f in at.get("form") if f.proto.form.form_id == "add_summary_certificate")
    next(b for b in form.button if b.label == "Spara som utkast").click().run()
    assert not at.exception
    row = db.execute(
        "SELECT title, status, start_date FROM certificate WHERE trainee_id = 'TA' AND type = 'fullgjord_st'"
    ).fetchone()
    assert row == ("Intyg om fullgjord specialiseringstjänstgöring", "utkast", D("2023-01-01"))
    state = at.dataframe[-1].value
    assert dict(zip(state["Intyg"], state["Läge"], strict=True))["Intyg om fullgjord specialiseringstjänstgöring"] == (
        "utkast"
    )


def test_an_edit_offers_the_fitting_delmal_and_keeps_those_the_intyg_already_lists(db: Connection) -> None:
    db.execute(
        "INSERT INTO certificate (certificate_id, trainee_id, type, title, status, source) "
        "VALUES ('TA-imp', 'TA', 'kurs', 'Importerad kurs', 'utkast', 'import')"
    )
    db.execute("INSERT INTO certificate_delmal VALUES ('TA-imp', 'STc1')")  # a clinical delmål on a course
    at = signed_in("pA", "st_lakare/intyg")
    at.segmented_control(key="own_certs_section").set_value("Ändra intyg").run()
    at.selectbox(key="edit_pick").set_value("TA-imp").run()
    picker = at.multiselect(key="edit_delmal_TA-imp")
    codes = [o.split(" ")[0] for o in picker.options]
    assert "STc1" in codes and "STc2" not in codes and not [c for c in codes if c.startswith("BT")]
    assert picker.value == ["STc1"] and picker.proto.select_all == 0
    assert any(c.value.startswith("STc1 passar inte intygstypen") for c in at.caption)
    picker.set_value(["STc1", "STa5"])
    form = next(f for f in at.get("form") if f.proto.form.form_id == "edit_TA-imp")
    next(b for b in form.button if b.label == "Spara ändringar").click().run()
    assert not at.exception
    stored = db.execute("SELECT list(code ORDER BY code) FROM certificate_delmal WHERE certificate_id = 'TA-imp'")
    assert list(stored.fetchone()[0]) == ["STa5", "STc1"]


# --- item 14: the log in words ------------------------------------------------------------------------


def test_the_log_shows_field_changes_in_swedish_not_json(db: Connection) -> None:
    anna = actor(db, "pA")
    pid = int(db.execute("SELECT placement_id FROM placement WHERE trainee_id = 'TA'").fetchone()[0])
    services.update_placement(db, anna, pid, kind="ST", setting="primarvard", workplace="VC Norra",
                              start_date=D("2024-01-01"), end_date=D("2024-06-30"), percent=100)
    at = signed_in("pA", "gemensamt/logg")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Tidpunkt", "Vem", "Händelse", "Post", "Avser", "ST-läkare", "Ändring"]
    update = table[table["Händelse"] == "Ändrade"].iloc[0]
    assert update["Ändring"] == "Slutdatum: 2024-03-31 → 2024-06-30"
    assert update["Avser"] == "ST primärvård, VC Norra 2024-01-01 – 2024-06-30"
    sent = table[table["Händelse"] == "Skickade för signering"].iloc[0]
    assert sent["Ändring"] == "Status: Utkast → Skickat för signering; Skickat till: – → Hanna Handledare"
    assert "{" not in "".join(table["Ändring"]), "no JSON in the table"
    audit_id = int(db.execute("SELECT audit_id FROM audit_log WHERE action = 'update'").fetchone()[0])
    at.selectbox(key="log_event").set_value(audit_id).run()
    assert not at.exception
    assert any(m.value.startswith("- Slutdatum") and "2024-06-30" in m.value for m in at.markdown)
