"""Chart builders: traces, titles, Swedish axis labels and decimal comma from small frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboards import charts
from dashboards import format as fmt


def titles(fig: object) -> tuple[str, str | None, str | None]:
    layout = fig.layout  # type: ignore[attr-defined]
    return layout.title.text, layout.xaxis.title.text, layout.yaxis.title.text


def test_progress_bullet_shows_counted_months_against_the_minimum() -> None:
    fig = charts.progress_bullet(30.25, 66)
    (ind,) = fig.data
    assert ind.type == "indicator" and ind.gauge.shape == "bullet"
    assert ind.value == 30.25 and ind.gauge.threshold.value == 66
    assert ind.number.suffix == " mån"
    assert "minimitid 66 mån" in fig.layout.title.text
    assert fig.layout.separators == ", "


def test_bt_split_has_bars_and_requirements() -> None:
    fig = charts.bt_split_chart(3.5, 1.25, 6.0)
    bars, req = fig.data
    assert list(bars.y) == ["Primärvård", "Akut sjukvård", "BT totalt"]
    assert list(bars.x) == [3.5, 1.25, 6.0]
    assert list(bars.text) == ["3,5 mån", "1,25 mån", "6 mån"]
    assert list(req.x) == [3.0, 3.0, 6.0]
    assert titles(fig) == ("BT-tid per verksamhet", "Månader på heltid", "Del av BT")


def test_timeline_marks_planned_part_time_and_today() -> None:
    df = pd.DataFrame(
        {
            "category": ["Placering", "Placering", "Ledighet"],
            "detail": ["primarvard", "akutsjukvard", "foraldraledighet"],
            "name": ["ST: Primärvård, VC", "ST: Akut sjukvård", "Föräldraledighet"],
            "start_date": [date(2024, 1, 1), date(2030, 1, 1), date(2024, 3, 1)],
            "end_date": [date(2024, 6, 30), date(2030, 6, 30), date(2024, 3, 31)],
            "percent": [75.0, 100.0, 100.0],
            "planned": [False, True, False],
        }
    )
    fig = charts.timeline_chart(df, date(2026, 1, 1))
    title, x, y = titles(fig)
    assert title.startswith("Tidslinje") and x == "Datum"
    names = {t.name for t in fig.data}
    assert "Placering, Planerat" in names and "Placering, Genomfört eller pågående" in names
    planned = next(t for t in fig.data if t.name == "Placering, Planerat")
    assert planned.marker.pattern.shape == "/"
    done = next(t for t in fig.data if t.name == "Placering, Genomfört eller pågående")
    assert list(done.text) == ["ST: Primärvård, VC (75 %)"]
    assert done.marker.opacity[0] < 1  # part-time is lighter
    assert list(done.y) == ["Primärvård"]
    (line,) = [s for s in fig.layout.shapes if s.type == "line"]
    assert fig.layout.annotations[0].text == "idag"
    assert fig.layout.xaxis.tickformat == "%Y-%m"


def test_cohort_charts_have_swedish_titles_and_counts() -> None:
    bins = pd.DataFrame({"lo": [0, 10, 90], "hi": [10, 20, 100], "n": [2, 0, 5]})
    fig = charts.progress_histogram(bins)
    assert list(fig.data[0].x) == ["0–10 %", "10–20 %", "90–100 %"]
    assert list(fig.data[0].y) == [2, 0, 5]
    assert titles(fig) == ("Fördelning av tillgodoräknad tid", "Andel av minimitiden", "Antal ST-läkare")

    years = pd.DataFrame({"year": [2027, 2028], "n": [3, 1]})
    fig = charts.completions_chart(years)
    assert list(fig.data[0].x) == ["2027", "2028"] and list(fig.data[0].y) == [3, 1]
    assert titles(fig)[1:] == ("År", "Antal ST-läkare")

    groups = pd.DataFrame({"grp": ["Allmänmedicin", "Kardiologi"], "n": [8, 2]})
    fig = charts.breakdown_chart(groups, "grp", "Specialitet")
    assert titles(fig) == ("ST-läkare per specialitet", "Antal ST-läkare", "Specialitet")
    assert list(fig.data[0].y) == ["Kardiologi", "Allmänmedicin"]  # largest at the top


def test_delmal_heatmap_orders_codes_naturally() -> None:
    df = pd.DataFrame(
        {
            "grp": ["A", "A", "A", "B"],
            "code": ["c10", "c2", "a1", "c2"],
            "share_uppfyllt": [50.0, 100.0, 0.0, 25.0],
            "n": [2, 2, 2, 4],
        }
    )
    fig = charts.delmal_heatmap(df, "Specialitet")
    (heat,) = fig.data
    assert list(heat.x) == ["a1", "c2", "c10"] and list(heat.y) == ["A", "B"]
    assert heat.z[0][1] == 100.0 and heat.z[1][1] == 25.0
    assert heat.zmin == 0 and heat.zmax == 100
    assert heat.colorbar.title.text == "Andel uppfyllt (%)"
    assert titles(fig) == ("Andel uppfyllda delmål per specialitet", "Delmål", "Specialitet")


def test_bt_trainees_and_intressent_charts() -> None:
    df = pd.DataFrame(
        {
            "name": ["Anna", "Bo"],
            "bt_primary_months": [3.0, 1.0],
            "bt_acute_months": [2.0, 0.0],
            "bt_months": [6.0, 1.0],
        }
    )
    fig = charts.bt_trainees_chart(df)
    assert [t.name for t in fig.data] == ["Primärvård", "Akut sjukvård", "Övrig BT"]
    assert list(fig.data[2].x) == [1.0, 0.0]
    assert fig.layout.barmode == "stack"
    assert titles(fig)[1:] == ("Månader på heltid", "ST-läkare")

    stats = pd.DataFrame({"area": ["Norr", "Syd"], "intresse": [2, 1], "vantelista": [1, 0]})
    fig = charts.intressent_chart(
        stats, {"intresse": "Intresse anmält", "dokument": "Dokument", "vantelista": "Väntelista"}
    )
    assert [t.name for t in fig.data] == ["Intresse anmält", "Väntelista"]
    assert titles(fig) == ("ST-intressenter per område och steg", "Område", "Antal intressenter")


def test_delmal_status_chart_counts() -> None:
    fig = charts.delmal_status_chart({"uppfyllt": 3, "ej påbörjat": 2})
    assert list(fig.data[0].x) == [3, 0, 2]
    assert list(fig.data[0].y) == ["Uppfyllt", "Pågår", "Ej påbörjat"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2024, 6, 30), "30 juni 2024"),
        (date(2028, 3, 14), "14 mars 2028"),
        (None, "–"),
    ],
)
def test_swedish_dates(value: date | None, text: str) -> None:
    assert fmt.sv_date(value) == text


def test_swedish_numbers() -> None:
    assert fmt.months(30.25) == "30,25 mån"
    assert fmt.months(6.0) == "6 mån"
    assert fmt.months_of(30.25, 66) == "30,25 av 66 mån"
    assert fmt.pct(46.4) == "46 %"
    assert fmt.num(1.75, 1) == "1,8"
    assert fmt.days(1) == "1 dag" and fmt.days(12) == "12 dagar"
