"""Entering records: the one range of every date input, placements, leave and credits beside their lists on
Tidslinje (the section kept after a save), the certificates' sections on Intyg, and Tänk om (switched-off
inputs disabled, the plan's check in the service, the shift in days, years and months)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1.element_tree import AppTestError
from test_app import button, metrics, signed_in

from dashboards import format as fmt
from dashboards.components import dates
from tracker import services
from tracker.accounts import Actor, actor_for_person
from tracker.services import InputError
from tracker.store import Connection

ROOT = Path(__file__).resolve().parents[1]
TODAY = date.today()
D = date.fromisoformat


# --- a shift in days, years and months ------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "text"),
    [
        ("2030-03-01", "2033-03-01", "+1096 dagar (3 år)"),
        ("2033-03-01", "2030-03-01", "-1096 dagar (3 år)"),
        ("2030-03-01", "2031-09-01", "+549 dagar (1 år och 6 månader)"),
        ("2030-03-01", "2030-09-01", "+184 dagar (6 månader)"),
        ("2030-01-31", "2030-02-28", "+28 dagar (1 månad)"),  # to the month's last day: a whole month
        ("2024-02-29", "2025-02-28", "+365 dagar (1 år)"),
        ("2030-03-01", "2030-04-15", "+45 dagar (ca 1 månad)"),  # 14 days over: rounded down
        ("2030-03-01", "2030-04-16", "+46 dagar (ca 2 månader)"),  # 15 days over: rounded up
        ("2030-03-01", "2032-02-20", "+721 dagar (ca 2 år)"),  # 11 months and 19 days over a year
        ("2030-03-01", "2031-02-14", "+350 dagar (ca 11 månader)"),
        ("2030-03-01", "2030-03-15", "+14 dagar"),  # under half a month: days alone
        ("2030-03-02", "2030-03-01", "-1 dag"),
        ("2030-03-01", "2030-03-01", "0 dagar"),
    ],
)
def test_a_shift_is_said_in_days_and_in_years_and_months(before: str, after: str, text: str) -> None:
    assert fmt.shift(D(before), D(after)) == text


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        ("2030-03-01", "2033-03-01", "1096 dagar (3 år)"),
        ("2033-03-01", "2030-03-01", "1096 dagar (3 år)"),  # either order
        ("2027-03-01", "2027-08-30", "182 dagar (ca 6 månader)"),
        ("2027-03-01", "2027-03-02", "1 dag"),
    ],
)
def test_a_duration_is_the_same_text_without_a_sign(start: str, end: str, text: str) -> None:
    assert fmt.duration(D(start), D(end)) == text


# --- one range for every date input ---------------------------------------------------------------


def test_every_date_input_of_the_app_goes_through_the_one_range() -> None:
    """Streamlit's own default (today ± 10 years) drops older and later dates in the browser without a word."""
    helper = ROOT / "dashboards" / "components" / "dates.py"
    sources = [*sorted((ROOT / "dashboards").rglob("*.py")), ROOT / "streamlit_app.py"]
    direct = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sources
        if path != helper
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(r"\bdate_input\(", line)
    ]
    assert direct == []


def test_the_range_reaches_from_the_domains_earliest_date_to_the_projection_horizon() -> None:
    last = date(TODAY.year + 59, 12, 31)  # a projection looks 60 years ahead (PROJECTION_HORIZON_YEARS)
    assert (dates.EARLIEST, dates.latest()) == (date(1950, 1, 1), last)
    assert dates.range_text() == f"Datum från 1 januari 1950 till 31 december {last.year}."


# --- the demo trainee, through the service and the pages --------------------------------------------


def _own(con: Connection) -> tuple[Actor, str]:
    pid = con.execute("SELECT person_id FROM person WHERE email = 'st@demo.se'").fetchone()[0]
    actor = actor_for_person(con, pid)
    assert actor is not None and actor.trainee_id
    return actor, actor.trainee_id


def _form(at: Any, form_id: str) -> Any:
    found = [f for f in at.get("form") if f.proto.form.form_id == form_id]
    assert found, f"no form {form_id!r}"
    return found[0]


def _form_ids(at: Any) -> set[str]:
    return {f.proto.form.form_id for f in at.get("form")}


def _texts(at: Any, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


def _assert_app_range(widget: Any) -> None:
    assert (widget.min, widget.max) == (dates.EARLIEST, dates.latest())
    assert widget.help.endswith(dates.range_text())


def test_what_if_refuses_a_planned_leave_that_ends_before_it_starts(wdb: Connection) -> None:
    actor, tid = _own(wdb)
    leave = services.PlannedLeave("foraldraledighet", D("2027-06-01"), D("2027-05-31"), 100.0)
    with pytest.raises(InputError) as refused:
        services.what_if(wdb, actor, tid, TODAY, planned_leave=[leave])
    assert [(e.column, e.message) for e in refused.value.errors] == [("end_date", "slutdatum ligger före startdatum")]
    with pytest.raises(InputError) as refused:
        services.what_if(wdb, actor, tid, TODAY, future_percent=0.0)
    assert [e.column for e in refused.value.errors] == ["percent"]
    late = services.PlannedLeave("foraldraledighet", D("2027-06-01"), D("2100-01-01"), 100.0)
    with pytest.raises(InputError) as refused:
        services.what_if(wdb, actor, tid, TODAY, planned_leave=[late])
    assert [e.column for e in refused.value.errors] == ["end_date"]
    assert "2099-12-31" in refused.value.errors[0].message


def test_a_placement_from_2012_is_saved_on_tidslinje_and_its_section_stays(wdb: Connection) -> None:
    """Older than ten years: Streamlit's default range would have dropped the start date ("Ange ett startdatum")."""
    _, tid = _own(wdb)
    at = signed_in(wdb, "st@demo.se", "st_lakare/tidslinje")
    assert at.segmented_control(key="own_what").value == "placement"
    form = _form(at, "add_placement")
    for widget in form.date_input:
        _assert_app_range(widget)
    form.selectbox[0].set_value("AT")
    form.selectbox[1].set_value("internmedicin")
    form.text_input[0].input("Medicinkliniken, Skaraborgs sjukhus")
    form.date_input[0].set_value(D("2012-03-01"))
    form.date_input[1].set_value(D("2012-08-31"))
    button(at, "Spara placering").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Placeringen är sparad." in _texts(at, "success")
    assert wdb.execute(
        "SELECT kind, setting, end_date, percent FROM placement WHERE trainee_id = ? AND start_date = ?",
        [tid, D("2012-03-01")],
    ).fetchall() == [("AT", "internmedicin", D("2012-08-31"), 100.0)]
    # The list beside the form shows it, and the page is still on the placements.
    assert at.segmented_control(key="own_what").value == "placement"
    assert "2012-03-01 – 2012-08-31" in set(at.table[0].value["Period"])
    assert "add_placement" in _form_ids(at)


def test_leave_is_saved_on_tidslinje_and_the_page_stays_on_leave(wdb: Connection) -> None:
    _, tid = _own(wdb)
    at = signed_in(wdb, "st@demo.se", "st_lakare/tidslinje")
    at.segmented_control(key="own_what").set_value("leave").run()
    assert "add_placement" not in _form_ids(at)
    form = _form(at, "add_leave")
    form.selectbox[0].set_value("foraldraledighet")
    start, end = TODAY + timedelta(days=40), TODAY + timedelta(days=69)
    form.date_input[0].set_value(start)
    form.date_input[1].set_value(end)
    button(at, "Spara ledighet").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Ledigheten är sparad." in _texts(at, "success")
    assert at.segmented_control(key="own_what").value == "leave"
    assert fmt.period(start, end) in set(at.table[0].value["Period"])
    assert wdb.execute(
        "SELECT count(*) FROM leave WHERE trainee_id = ? AND start_date = ? AND end_date = ?", [tid, start, end]
    ).fetchone() == (1,)


def test_a_credit_is_entered_beside_the_list_of_credits(wdb: Connection) -> None:
    _, tid = _own(wdb)
    at = signed_in(wdb, "st@demo.se", "st_lakare/tidslinje")
    at.segmented_control(key="own_what").set_value("credit").run()
    form = _form(at, "add_credit")
    form.selectbox[0].set_value("utlandstjanstgoring")
    form.number_input[0].set_value(3.0)
    form.text_input[0].input("Norge 2019")
    button(at, "Spara tillgodoräknande").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Tillgodoräknandet är sparat." in _texts(at, "success")
    assert at.segmented_control(key="own_what").value == "credit"
    assert "Norge 2019" in set(at.table[0].value["Anteckning"])
    assert wdb.execute("SELECT months FROM credit WHERE trainee_id = ? AND note = 'Norge 2019'", [tid]).fetchone() == (3.0,)


def test_intyg_keeps_the_certificates_and_the_section_chosen_after_a_save(wdb: Connection) -> None:
    _, tid = _own(wdb)
    at = signed_in(wdb, "st@demo.se", "st_lakare/intyg")
    assert not _form_ids(at) & {"add_placement", "add_leave", "add_credit"}
    assert any("registreras under Tidslinje" in c for c in _texts(at, "caption"))
    section = at.segmented_control(key="own_certs_section")
    assert section.value == "Skicka för signering" and "Ny placering" not in section.options
    section.set_value("Ny aktivitet eller intyg").run()
    for widget in _form(at, "add_certificate").date_input:
        _assert_app_range(widget)
    at.segmented_control(key="own_certs_section").set_value("Godkänd BT").run()
    form = _form(at, "own_bt_approval")
    _assert_app_range(form.date_input[0])
    form.date_input[0].set_value(D("2025-04-10"))
    button(at, "Spara datum").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "BT är registrerad som godkänd 10 april 2025." in _texts(at, "success")
    assert at.segmented_control(key="own_certs_section").value == "Godkänd BT"
    assert wdb.execute("SELECT bt_approved_date FROM trainee WHERE trainee_id = ?", [tid]).fetchone() == (
        D("2025-04-10"),
    )


# --- Tänk om ----------------------------------------------------------------------------------------


def test_tank_om_inputs_are_off_until_their_box_is_ticked(wdb: Connection) -> None:
    at = signed_in(wdb, "st@demo.se", "st_lakare/planering")
    leave_inputs = [at.selectbox(key="wi_kind"), at.date_input(key="wi_start"), at.date_input(key="wi_end"),
                    at.number_input(key="wi_leave_pct")]  # fmt: skip
    assert at.slider(key="wi_percent").disabled and all(w.disabled for w in leave_inputs)
    with pytest.raises(AppTestError):  # as in the browser: a switched-off input cannot be moved
        at.slider(key="wi_percent").set_value(50)
    assert any("Ingen ändring är vald" in i for i in _texts(at, "info"))
    assert metrics(at)["Beräknat klar med ändringen"] == metrics(at)["Beräknat klar i dag"]

    at.checkbox(key="wi_change").check().run()
    assert not at.slider(key="wi_percent").disabled
    assert all(w.disabled for w in [at.selectbox(key="wi_kind"), at.date_input(key="wi_start")])
    at.slider(key="wi_percent").set_value(50).run()
    tomorrow = fmt.sv_date(TODAY + timedelta(days=1))
    assert f"Beräknat med omfattning 50 % från och med {tomorrow}." in _texts(at, "caption")


def test_tank_om_uses_a_leave_ending_2040_and_says_the_shift_in_years(wdb: Connection) -> None:
    actor, tid = _own(wdb)
    start, end = TODAY + timedelta(days=30), D("2040-06-30")
    base, plan = services.what_if(
        wdb, actor, tid, TODAY, planned_leave=[services.PlannedLeave("foraldraledighet", start, end, 100.0)]
    )
    before, after = base.projected_completion_date, plan.projected_completion_date
    assert before is not None and after is not None and after > end  # the leave is used, all of it

    at = signed_in(wdb, "st@demo.se", "st_lakare/planering")
    at.checkbox(key="wi_leave").check().run()
    at.selectbox(key="wi_kind").set_value("foraldraledighet")
    at.date_input(key="wi_start").set_value(start)
    at.date_input(key="wi_end").set_value(end).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.date_input(key="wi_end").value == end  # not dropped for lying more than ten years ahead
    _assert_app_range(at.date_input(key="wi_end"))
    shown = {m.label: m for m in at.metric}
    assert shown["Beräknat klar med ändringen"].value == fmt.sv_date(after)
    assert shown["Beräknat klar med ändringen"].delta == fmt.shift(before, after)
    assert re.fullmatch(r"\+\d+ dagar \((ca )?\d+ år( och \d+ månad(er)?)?\)", fmt.shift(before, after))
    assert f"Ändringen skjuter fram klardatumet med {fmt.duration(before, after)}." in _texts(at, "info")
    assert (
        f"Beräknat med föräldraledighet {fmt.sv_date(start)} – {fmt.sv_date(end)} på 100 %." in _texts(at, "caption")
    )


def test_tank_om_says_why_a_leave_ending_before_it_starts_is_not_computed(wdb: Connection) -> None:
    at = signed_in(wdb, "st@demo.se", "st_lakare/planering")
    at.checkbox(key="wi_leave").check().run()
    at.date_input(key="wi_start").set_value(TODAY + timedelta(days=60))
    at.date_input(key="wi_end").set_value(TODAY + timedelta(days=59)).run()
    assert not at.exception
    assert "Planen kan inte räknas ut. Rätta följande:" in _texts(at, "error")
    assert list(at.dataframe[-1].value["Fält"]) == ["Slutdatum"]
    assert not at.metric  # nothing computed from a period that cannot be
