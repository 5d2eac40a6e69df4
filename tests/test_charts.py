"""Chart builders: traces, titles, Swedish axis labels and decimal comma from small frames."""

from __future__ import annotations

from datetime import date
from typing import Any

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
    assert "Placering (planerad)" in names and "Placering (genomförd eller pågående)" in names
    planned = next(t for t in fig.data if t.name == "Placering (planerad)")
    assert planned.marker.pattern.shape == "/"
    done = next(t for t in fig.data if t.name == "Placering (genomförd eller pågående)")
    assert list(done.text) == ["ST: Primärvård, VC (75 %)"]
    assert list(done.y) == ["Primärvård"]
    # The bar's thickness is the extent: 75 % is three quarters of a full-time bar.
    assert list(done.width) == pytest.approx([0.8 * 0.75])
    assert list(planned.width) == pytest.approx([0.8])
    assert planned.marker.opacity < done.marker.opacity  # planned is lighter
    (line,) = [s for s in fig.layout.shapes if s.type == "line"]
    assert fig.layout.annotations[0].text == "idag"
    assert fig.layout.xaxis.tickformat == "%Y-%m"


def test_cohort_charts_have_swedish_titles_and_counts() -> None:
    bins = pd.DataFrame({"lo": [0, 10, 90], "hi": [10, 20, 100], "n": [2, 0, 5]})
    fig = charts.progress_histogram(bins)
    assert list(fig.data[0].x) == ["0–10 %", "10–20 %", "90–100 %"]
    assert list(fig.data[0].y) == [2, 0, 5]
    assert titles(fig) == ("Fördelning av tid mot minimitiden", "Andel av minimitiden", "Antal ST-läkare")


    groups = pd.DataFrame({"grp": ["Allmänmedicin", "Kardiologi"], "n": [8, 2]})
    fig = charts.breakdown_chart(groups, "grp", "Specialitet")
    assert titles(fig) == ("ST-läkare per specialitet", "Antal ST-läkare", "Specialitet")
    assert list(fig.data[0].y) == ["Kardiologi", "Allmänmedicin"]  # largest at the top


def test_completions_chart_has_a_year_axis_and_reached_apart_from_projected() -> None:
    years = pd.DataFrame(
        {
            "year": [2019, 2026, 2026, 2029],
            "status": ["nadd", "klar", "beraknad", "beraknad"],
            "label": [
                "Har nått minimitiden, annat saknas",
                "Har nått minimitiden, klar att ansöka",
                "Beräknas nå minimitiden",
                "Beräknas nå minimitiden",
            ],
            "n": [1, 2, 1, 3],
        }
    )
    fig = charts.completions_chart(years)
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert list(bars) == [
        "Har nått minimitiden, klar att ansöka",
        "Har nått minimitiden, annat saknas",
        "Beräknas nå minimitiden",
    ]
    assert list(bars["Beräknas nå minimitiden"].x) == [2026, 2029]
    assert list(bars["Beräknas nå minimitiden"].y) == [1, 3]
    assert bars["Beräknas nå minimitiden"].marker.pattern.shape == "/"  # projected is hatched
    assert bars["Har nått minimitiden, annat saknas"].marker.pattern.shape == ""
    assert [c[0] for c in bars["Beräknas nå minimitiden"].customdata] == ["2026|beraknad", "2029|beraknad"]
    # A numeric year axis: the years between keep their place.
    axis = fig.layout.xaxis
    assert axis.type == "linear" and axis.dtick == 1 and axis.tickformat == "d"
    assert list(axis.range) == [2018.4, 2029.6]
    assert fig.layout.barmode == "stack"
    (totals,) = [t for t in fig.data if t.type == "scatter"]
    assert list(totals.x) == [2019, 2026, 2029] and list(totals.text) == ["1", "3", "3"]
    assert titles(fig)[1:] == ("År", "Antal ST-läkare")


@pytest.mark.parametrize(
    ("build", "axis", "top"),
    [
        (lambda: charts.breakdown_chart(pd.DataFrame({"grp": ["A", "B"], "n": [1, 3]}), "grp", "Grupp"), "x", 3),
        (lambda: charts.progress_histogram(pd.DataFrame({"lo": [0, 10], "hi": [10, 20], "n": [1, 2]})), "y", 2),
        (lambda: charts.delmal_status_chart({"uppfyllt": 1, "pågår": 0, "ej påbörjat": 2}), "x", 2),
        (
            lambda: charts.intressent_chart(
                pd.DataFrame({"area": ["Norr"], "intresse": [1], "dokument": [1]}),
                {"intresse": "Intresse", "dokument": "Dokument"},
            ),
            "y",
            2,
        ),
    ],
)
def test_count_axes_have_whole_number_ticks(build: Any, axis: str, top: int) -> None:
    fig = build()
    layout_axis = fig.layout.xaxis if axis == "x" else fig.layout.yaxis
    assert layout_axis.dtick == 1 and layout_axis.tick0 == 0 and layout_axis.tickformat == "d"


def test_count_axes_above_ten_keep_plotlys_steps_as_whole_numbers() -> None:
    fig = charts.breakdown_chart(pd.DataFrame({"grp": ["A"], "n": [40]}), "grp", "Grupp")
    assert fig.layout.xaxis.dtick is None and fig.layout.xaxis.tickformat == "d"


def test_value_labels_are_never_rotated() -> None:
    status = charts.delmal_status_chart({"uppfyllt": 3, "pågår": 1, "ej påbörjat": 21})
    assert status.data[0].textangle == 0 and status.data[0].textposition == "outside"
    hist = charts.progress_histogram(pd.DataFrame({"lo": [0], "hi": [10], "n": [1]}))
    assert hist.data[0].textangle == 0
    groups = charts.breakdown_chart(pd.DataFrame({"grp": ["A"], "n": [1]}), "grp", "Grupp")
    assert groups.data[0].textangle == 0


def test_bt_minimum_label_sits_above_the_bars() -> None:
    df = pd.DataFrame({"name": ["Anna"], "bt_primary_months": [3.0], "bt_acute_months": [3.0], "bt_months": [6.0]})
    fig = charts.bt_trainees_chart(df)
    (label,) = [a for a in fig.layout.annotations if a.text == "Minst 6 mån"]
    assert label.y == 1 and label.yanchor == "bottom" and label.yref == "y domain"


@pytest.mark.parametrize(
    ("points", "key"),
    [
        ([], None),
        ([{"x": "a", "customdata": ["Allmänmedicin"]}], "Allmänmedicin"),
        ([{"x": "a", "customdata": "40"}], "40"),
        ([{"x": "a"}, {"x": "b", "customdata": ["2027|beraknad"]}], "2027|beraknad"),
    ],
)
def test_picked_reads_the_key_of_the_chosen_point(points: list[dict[str, object]], key: str | None) -> None:
    assert charts.picked(points) == key


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
    (heat,) = [t for t in fig.data if t.type == "heatmap"]
    assert list(heat.x) == ["a1", "c2", "c10"] and list(heat.y) == ["A", "B"]
    assert heat.z[0][1] == 100.0 and heat.z[1][1] == 25.0
    assert heat.zmin == 0 and heat.zmax == 100
    assert (heat.colorbar.title.text, heat.colorbar.title.side) == ("Andel uppfyllt", "right")
    assert titles(fig) == ("Andel uppfyllda delmål per specialitet", "Delmål", "Specialitet")
    # One chosen marker per cell (a heatmap cell cannot be chosen itself), keyed "group|code".
    (cells,) = [t for t in fig.data if t.type == "scatter"]
    assert [c[0] for c in cells.customdata] == ["A|c10", "A|c2", "A|a1", "B|c2"]
    assert list(cells.x) == ["c10", "c2", "a1", "c2"] and cells.marker.opacity == 0
    assert list(fig.layout.xaxis.categoryarray) == ["a1", "c2", "c10"]


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
    assert [t.name for t in fig.data] == ["Intresse anmält", "Väntelista"]  # stacked from the bottom ...
    assert fig.layout.legend.traceorder == "reversed"  # ... and listed from the top, as they stand
    assert len({t.marker.color for t in fig.data}) == len(fig.data)
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


def test_delmal_codes_are_listed_in_the_malbeskrivnings_order() -> None:
    assert fmt.codes(["c11", "c7", "b2"]) == "b2, c7, c11"
    assert fmt.codes(["STc10", "STa3", "STc2"]) == "STa3, STc2, STc10"
    assert fmt.codes([]) == "–"


def test_swedish_numbers() -> None:
    assert fmt.months(30.25) == "30,25 mån"
    assert fmt.months(6.0) == "6 mån"
    assert fmt.months_of(30.25, 66) == "30,25 av 66 mån"
    assert fmt.pct(46.4) == "46 %"
    assert fmt.num(1.75, 1) == "1,8"
    assert fmt.days(1) == "1 dag" and fmt.days(12) == "12 dagar"
