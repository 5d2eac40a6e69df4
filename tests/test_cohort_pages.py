"""Kohort and Delmål-flaskhalsar through AppTest on the hand-made database of cohortdb: the reasons in full,
the minimum time per year, and from a bar, a cell or a row to the trainees behind it and on to one of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from cohortdb import build, month
from streamlit.testing.v1 import AppTest

from dashboards import format as fmt
from tracker.store import Connection, connect

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
PAGES = "dashboards/pages/utbildningsenhet"
TODAY = date.today()

DORIS = [
    "Minimitiden är nådd (60 av 60 mån) men ansökan är inte klar",
    "23 delmål är inte uppfyllda, varav 23 ej påbörjade",
    "Intyg om uppnådd specialistkompetens (bilaga 2) är inte signerat",
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cohort_pages") / "template.duckdb"
    build(path, TODAY)
    return path


@pytest.fixture
def con(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    """The app on a copy of the hand-made database (read-only use: one copy per test keeps them apart)."""
    import shutil

    path = tmp_path / "app.duckdb"
    shutil.copy(template, path)
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.delenv("TRACKER_AUTH", raising=False)
    monkeypatch.delenv("TRACKER_DEMO", raising=False)
    st.cache_data.clear()
    c = connect(path)
    yield c
    c.close()


def page(person_id: str, name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["person_id"] = person_id
    at.run()
    at.switch_page(f"{PAGES}/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click_chart(at: AppTest, key: str, point_key: str) -> AppTest:
    """What a click on a bar or cell leaves in the chart's selection state (``charts.picked`` reads it)."""
    at.session_state[key] = {
        "selection": {
            "points": [{"curve_number": 0, "point_index": 0, "customdata": [point_key]}],
            "point_indices": [0],
            "box": [],
            "lasso": [],
        }
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose_row(at: AppTest, key: str, row: int) -> AppTest:
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, key: str, heading: str) -> Any:
    """The drill-down list ``key`` (a keyed table), shown under its bold heading."""
    assert f"**{fmt.plain(heading)}**" in [m.value for m in at.markdown], f"no list headed {heading!r}"
    (frame,) = [df for df in at.dataframe if df.key == key]
    return frame.value


def figure(at: AppTest, index: int) -> dict[str, Any]:
    return dict(json.loads(at.get("plotly_chart")[index].proto.spec))


# --- Kohort ------------------------------------------------------------------------------------


def test_kohort_lists_each_reason_in_full_and_readable(con: Connection) -> None:
    at = page("pS", "kohort")
    assert {m.label: m.value for m in at.metric}["ST-läkare att följa upp"] == "4"
    risk = table(at, "risk_table", "ST-läkare att följa upp")
    assert list(risk.columns[:3]) == ["Namn", "Skäl", "Beräknat klar"]
    assert risk.set_index("Namn").loc["Doris Klar", "Skäl"] == "; ".join(DORIS)
    assert "takt" not in risk.set_index("Namn").loc["Doris Klar", "Skäl"]
    (grid,) = [df for df in at.dataframe if df.key == "risk_table"]
    assert grid.proto.row_height > 64  # tall enough for the grid to wrap the text
    choose_row(at, "risk_table", 0)
    assert "\n".join(f"- {r}" for r in DORIS) in [m.value for m in at.markdown]


def test_a_row_of_the_risk_list_opens_the_trainee_on_the_st_lakare_page(con: Connection) -> None:
    at = choose_row(page("pS", "kohort"), "risk_table", 0)
    (open_button,) = [b for b in at.button if b.label.startswith("Öppna ")]
    assert open_button.label == "Öppna Doris Klar under ST-läkare"
    open_button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["ST-läkare"]
    assert at.selectbox(key="tl_open_False").value == "TD"
    assert "#### Doris Klar" in [m.value for m in at.markdown]


def test_a_click_on_a_histogram_bar_lists_the_trainees_behind_it(con: Connection) -> None:
    at = click_chart(page("pAdm", "kohort"), "cohort_hist", "10")
    assert at.selectbox(key="cohort_hist_pick").value == "10"
    listed = table(at, "bin_members", "ST-läkare med 10–20 % av minimitiden")
    assert listed["Namn"].tolist() == ["Olle Ordning", "Sven Sakta"]
    assert listed["Andel av minimitiden"].tolist() == [18.0, 18.0]
    # The box stays free: another choice there wins until the chart is clicked again.
    at.selectbox(key="cohort_hist_pick").select("90").run()
    assert table(at, "bin_members", "ST-läkare med 90–100 % av minimitiden")["Namn"].tolist() == ["Doris Klar"]


def test_a_group_of_the_breakdown_lists_its_trainees(con: Connection) -> None:
    at = page("pAdm", "kohort")
    at.selectbox(key="cohort_breakdown_specialty_pick").select("Kardiologi").run()
    assert table(at, "breakdown_members_specialty", "ST-läkare i Kardiologi")["Namn"].tolist() == ["Xena Sen"]
    at.segmented_control(key="cohort_group").set_value("Enhet").run()
    click_chart(at, "cohort_breakdown_unit", "Ingen enhet")
    assert table(at, "breakdown_members_unit", "ST-läkare i Ingen enhet")["Namn"].tolist() == ["Olle Ordning"]


def test_the_year_chart_keeps_reached_apart_from_projected(con: Connection) -> None:
    at = page("pAdm", "kohort")
    years = figure(at, 2)
    bars = {t["name"]: t for t in years["data"] if t["type"] == "bar"}
    assert set(bars) == {"Har nått minimitiden, annat saknas", "Beräknas nå minimitiden"}
    assert years["layout"]["xaxis"]["type"] == "linear" and years["layout"]["xaxis"]["dtick"] == 1
    reached = (month(TODAY, -108) - timedelta(days=1)).year  # Doris's last day of her 60 months
    options = at.selectbox(key="cohort_years_pick").options
    assert f"{reached}: har nått minimitiden, annat saknas (1 ST-läkare)" in options
    click_chart(at, "cohort_years", f"{reached}|nadd")
    listed = table(at, "year_members", f"{reached}: har nått minimitiden, annat saknas")
    assert listed["Namn"].tolist() == ["Doris Klar"] and listed["Klar att ansöka"].tolist() == ["Nej"]
    assert any("Att nå minimitiden är inte att bli specialist" in c.value for c in at.caption)


# --- Delmål-flaskhalsar -----------------------------------------------------------------------


def test_bottlenecks_count_delmal_not_cells_and_a_cell_lists_its_trainees(con: Connection) -> None:
    at = page("pAdm", "flaskhalsar")
    at.selectbox(key="bn_reg").select("SOSFS 2015:8").run()
    assert {m.label: m.value for m in at.metric}["Delmål under 50 % uppfyllt"] == "37 av 38"
    click_chart(at, "bn_heatmap_specialty_2015_8", "Allmänmedicin|a6")
    listed = table(at, "bn_members_specialty", "Delmål a6 i Allmänmedicin")
    assert listed[["Namn", "Status"]].values.tolist() == [["Zara Zon", "Ej påbörjat"], ["Doris Klar", "Uppfyllt"]]
    choose_row(at, "bn_members_specialty", 1)
    (open_button,) = [b for b in at.button if b.label.startswith("Öppna ")]
    open_button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="tl_open_False").value == "TD"
