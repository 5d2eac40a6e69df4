"""Plotly figure builders: pure functions from small DataFrames to figures (no Streamlit here).

Every figure has a title and Swedish axis titles, uses a decimal comma (``separators``) and ISO
dates on date axes, so that nothing shows English month names or decimal points.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from tracker.catalogue_file import code_sort_key
from tracker.domain import LEAVE_LABELS, SETTING_LABELS
from tracker.rules.facts import BT_MIN_ACUTE, BT_MIN_MONTHS, BT_MIN_PRIMARY
from tracker.services import COMPLETION_PROJECTED, COMPLETION_REACHED, COMPLETION_READY

SEPARATORS = ", "  # decimal comma, thin space for thousands
PALETTE = {
    "Placering": "#2E6DA4",
    "Ledighet": "#C9822B",
    "Utbildningsaktivitet": "#3C8D5A",
}
STATUS_COLORS = {"uppfyllt": "#3C8D5A", "pågår": "#E0B040", "ej påbörjat": "#C0504D"}
DONE, PLANNED = "genomförd eller pågående", "planerad"  # of a placering, ledighet, utbildningsaktivitet
# Timeline bars: full time fills this share of a row; part-time is thinner in proportion (at least a
# quarter of it, so that a 10 % period can still be seen and hovered).
TIMELINE_BAR, MIN_THICKNESS = 0.8, 0.25
COMPLETION_STYLE = {  # status -> (colour, pattern): reached and ready, reached with more missing, projected
    COMPLETION_READY: ("#3C8D5A", ""),
    COMPLETION_REACHED: ("#9AA5B1", ""),
    COMPLETION_PROJECTED: ("#8FC7A0", "/"),
}


def _layout(fig: go.Figure, title: str, x_title: str | None, y_title: str | None, height: int | None) -> go.Figure:
    # The title is part of the figure; the page draws it as text above the plot (components.plot).
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        separators=SEPARATORS,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend_title_text="",
    )
    if height:
        fig.update_layout(height=height)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def progress_bullet(counted: float, required: float, *, title: str = "Tid mot minimitiden") -> go.Figure:
    """Counted full-time months against the minimum as a bullet gauge."""
    top = max(float(required), float(counted)) * 1.05
    fig = go.Figure(
        go.Indicator(
            mode="number+gauge",
            value=float(counted),
            number={"suffix": " mån", "valueformat": ".2~f"},
            gauge={
                "shape": "bullet",
                "axis": {"range": [0, top], "ticksuffix": " mån"},
                "bar": {"color": "#2E6DA4", "thickness": 0.5},
                "steps": [{"range": [0, float(required)], "color": "#E6EEF6"}],
                "threshold": {"line": {"color": "#C0504D", "width": 3}, "thickness": 0.9, "value": float(required)},
            },
            domain={"x": [0.0, 0.78], "y": [0.0, 1.0]},
        )
    )
    _layout(fig, f"{title}: månader på heltid (röd linje = minimitid {_n(required)} mån)", None, None, 170)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 25})
    return fig


def _n(x: float) -> str:
    return f"{float(x):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _count_axis(fig: go.Figure, axis: str, top: float) -> None:
    """A count axis (people, delmål) from zero with whole-number ticks only: one tick per unit up to ten,
    above that Plotly's own steps, which are then whole numbers (never '0,5 ST-läkare')."""
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    if top <= 10:
        update(tick0=0, dtick=1, tickformat="d", rangemode="tozero")
    else:
        update(tickformat="d", rangemode="tozero")


def picked(points: list[dict[str, object]]) -> str | None:
    """The key of the first chosen point of a selectable chart (``customdata[0]``, as the builders below
    set it); None when nothing is chosen."""
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if data is not None:
            return str(data)
    return None


def bt_split_chart(primary: float, acute: float, total: float) -> go.Figure:
    """BT months per setting against the requirements (at least 3 + 3 of at least 6, rules.facts)."""
    df = pd.DataFrame(
        {
            "del": ["Primärvård", "Akut sjukvård", "BT totalt"],
            "months": [float(primary), float(acute), float(total)],
            "krav": [float(BT_MIN_PRIMARY), float(BT_MIN_ACUTE), float(BT_MIN_MONTHS)],
        }
    )
    fig = go.Figure()
    fig.add_bar(
        y=df["del"],
        x=df["months"],
        orientation="h",
        name="Tjänstgjort",
        marker_color=["#2E6DA4", "#2E6DA4", "#1D4A70"],
        text=[f"{_n(v)} mån" for v in df["months"]],
        textposition="auto",
        hovertemplate="%{y}: %{x:.2f} mån<extra></extra>",
    )
    fig.add_scatter(
        y=df["del"],
        x=df["krav"],
        mode="markers",
        name="Krav",
        marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": "#C0504D"}},
        hovertemplate="Krav: minst %{x} mån<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "BT-tid per verksamhet", "Månader på heltid", "Del av BT", 220)


def timeline_chart(df: pd.DataFrame, today: date) -> go.Figure:
    """Placements, leave and activities over time.

    ``df`` has columns name, category, detail, start_date, end_date, percent, planned (as from
    ``tracker.services.timeline``). Part-time shows in the label and as thinner bars (the bar's
    thickness is the extent, so 50 % is half as thick as full time); planned (future) periods are
    hatched and lighter.
    """
    data = df.copy()
    data["name"] = data["name"].map(chart_text)
    data["row"] = data.apply(_timeline_row, axis=1)
    data["start"] = pd.to_datetime(data["start_date"])
    # End dates are inclusive: the bar runs to the end of the last day.
    data["end"] = pd.to_datetime(data["end_date"]) + timedelta(days=1)
    data["status"] = data["planned"].map(lambda p: PLANNED if p else DONE)
    data["pct"] = data["percent"].fillna(100.0).astype(float)
    data["label"] = data.apply(
        lambda r: f"{r['name']} ({_n(r['pct'])} %)" if r["pct"] < 100 else str(r["name"]), axis=1
    )
    data["period"] = data.apply(lambda r: f"{r['start_date'].isoformat()} – {r['end_date'].isoformat()}", axis=1)
    fig = px.timeline(
        data,
        x_start="start",
        x_end="end",
        y="row",
        color="category",
        pattern_shape="status",
        pattern_shape_map={DONE: "", PLANNED: "/"},
        color_discrete_map=PALETTE,
        text="label",
        custom_data=["label", "period", "pct"],
        category_orders={"category": list(PALETTE), "status": [DONE, PLANNED]},
    )
    for trace in fig.data:
        pcts = [float(c[2]) for c in trace.customdata] if trace.customdata is not None else []
        category, _, status = (trace.name or "").partition(", ")
        planned = status == PLANNED
        trace.name = f"{category} ({status})" if status else category  # "Placering (planerad)"
        trace.width = [TIMELINE_BAR * max(MIN_THICKNESS, min(p, 100.0) / 100) for p in pcts]
        trace.marker.opacity = 0.6 if planned else 0.95
        trace.hovertemplate = "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"
        trace.textposition = "inside"
        trace.insidetextanchor = "start"
    fig.update_yaxes(autorange="reversed", title_text="")
    fig.update_xaxes(tickformat="%Y-%m", hoverformat="%Y-%m-%d")
    fig.update_layout(uniformtext={"minsize": 10, "mode": "hide"})
    fig.add_vline(
        x=pd.Timestamp(today).timestamp() * 1000,
        line_dash="dot",
        line_color="#333333",
        annotation_text="idag",
        annotation_position="top",
    )
    rows = max(3, data["row"].nunique())
    _layout(
        fig, "Tidslinje: placeringar, ledigheter och utbildningsaktiviteter", "Datum", "Typ av period", 140 + 42 * rows
    )
    fig.update_layout(legend={"orientation": "h", "y": -0.18})
    return fig


def chart_text(value: object) -> str:
    """People's text for a Plotly label: Plotly reads a few HTML tags (links among them) in text."""
    return str(value).replace("<", "&lt;").replace(">", "&gt;")


def _timeline_row(r: pd.Series) -> str:
    if r["category"] == "Placering":
        return SETTING_LABELS.get(str(r["detail"]), str(r["detail"]))
    if r["category"] == "Ledighet":
        return LEAVE_LABELS.get(str(r["detail"]), str(r["detail"]))
    return "Kurser och aktiviteter"


def breakdown_chart(df: pd.DataFrame, group_col: str, group_label: str) -> go.Figure:
    """Number of trainees per group (specialty, unit or regelverk)."""
    data = df.sort_values("n", ascending=True)
    fig = px.bar(data, x="n", y=group_col, orientation="h", text="n", custom_data=[group_col])
    fig.update_traces(
        marker_color="#2E6DA4",
        textposition="outside",
        textangle=0,
        cliponaxis=False,
        hovertemplate="%{y}: %{x} ST-läkare<extra></extra>",
    )
    _count_axis(fig, "x", float(data["n"].max()) if len(data) else 0)
    return _layout(
        fig, f"ST-läkare per {group_label.lower()}", "Antal ST-läkare", group_label, max(260, 60 + 26 * len(data))
    )


def progress_histogram(bins: pd.DataFrame) -> go.Figure:
    """Trainees per tenth of the minimum time reached (columns lo, hi, n as from ``services.progress_bins``)."""
    labels = [f"{int(lo)}–{int(hi)} %" for lo, hi in zip(bins["lo"], bins["hi"], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=bins["n"].astype(int),
            text=bins["n"].astype(int),
            textposition="outside",
            textangle=0,
            cliponaxis=False,
            customdata=[[str(int(lo))] for lo in bins["lo"]],
            marker_color="#2E6DA4",
            hovertemplate="%{x}: %{y} ST-läkare<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    _count_axis(fig, "y", float(bins["n"].max()) if len(bins) else 0)
    fig.update_layout(bargap=0.05)
    return _layout(fig, "Fördelning av tid mot minimitiden", "Andel av minimitiden", "Antal ST-läkare", 320)


def completions_chart(df: pd.DataFrame) -> go.Figure:
    """Trainees per year who reached, or are projected to reach, the minimum time (columns ``year``,
    ``status``, ``label``, ``n`` as from ``services.completions_of``), stacked by status on a year axis
    where every year keeps its place (a year with no one is an empty slot, not a missing bar)."""
    fig = go.Figure()
    for status, (color, pattern) in COMPLETION_STYLE.items():
        part = df[df["status"] == status]
        if part.empty:
            continue
        fig.add_bar(
            x=part["year"].astype(int),
            y=part["n"].astype(int),
            name=str(part["label"].iloc[0]),
            marker={"color": color, "pattern": {"shape": pattern}},
            customdata=[[f"{int(y)}|{status}"] for y in part["year"]],
            hovertemplate="%{x}: %{y} ST-läkare<extra>" + str(part["label"].iloc[0]) + "</extra>",
        )
    totals = df.groupby("year")["n"].sum() if len(df) else pd.Series(dtype=int)
    if len(totals):
        fig.add_scatter(
            x=[int(y) for y in totals.index],
            y=[int(v) for v in totals],
            mode="text",
            text=[str(int(v)) for v in totals],
            textposition="top center",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    years = [int(y) for y in totals.index] or [date.today().year]
    fig.update_layout(barmode="stack", bargap=0.25, legend={"orientation": "h", "y": -0.25, "traceorder": "normal"})
    fig.update_xaxes(type="linear", tick0=0, dtick=1, tickformat="d", range=[min(years) - 0.6, max(years) + 0.6])
    _count_axis(fig, "y", float(totals.max()) if len(totals) else 0)
    return _layout(fig, "ST-läkare som når minimitiden, per år (redan nått eller beräknat)", "År", "Antal ST-läkare", 360)


def delmal_heatmap(df: pd.DataFrame, group_label: str) -> go.Figure:
    """Share of trainees with each delmål uppfyllt (columns grp, code, share_uppfyllt, n)."""
    codes = sorted(df["code"].unique(), key=code_sort_key)
    groups = sorted(df["grp"].unique())
    z = df.pivot_table(index="grp", columns="code", values="share_uppfyllt", aggfunc="mean")
    z = z.reindex(index=groups, columns=codes)
    fig = go.Figure(
        go.Heatmap(
            z=z.values,
            x=codes,
            y=groups,
            zmin=0,
            zmax=100,
            colorscale=[[0, "#C0504D"], [0.5, "#F2E394"], [1, "#3C8D5A"]],
            # The bar's title turned along it: across, it is wider than the heatmap itself on a phone.
            colorbar={"title": {"text": "Andel uppfyllt", "side": "right"}, "ticksuffix": " %", "thickness": 14},
            hoverinfo="skip",
            xgap=1,
            ygap=1,
        )
    )
    # A transparent marker on each cell: a heatmap cell itself cannot be chosen in Streamlit's chart
    # selection, a marker can (the chosen cell is shaded).
    cells = df.dropna(subset=["share_uppfyllt"])
    fig.add_scatter(
        x=cells["code"],
        y=cells["grp"],
        mode="markers",
        marker={"symbol": "square", "size": 18, "color": "#000000", "opacity": 0},
        selected={"marker": {"opacity": 0.35}},
        unselected={"marker": {"opacity": 0}},
        customdata=[[f"{g}|{c}", float(v), int(k)] for g, c, v, k in zip(
            cells["grp"], cells["code"], cells["share_uppfyllt"], cells["n"], strict=True
        )],
        hovertemplate="%{y}, %{x}: %{customdata[1]:.0f} % uppfyllt (av %{customdata[2]} ST-läkare)<extra></extra>",
        showlegend=False,
    )
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=codes, tickangle=0 if len(codes) <= 20 else -90
    )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=groups, autorange="reversed")
    return _layout(
        fig,
        f"Andel uppfyllda delmål per {group_label.lower()}",
        "Delmål",
        group_label,
        max(320, 160 + 34 * len(groups)),
    )


def bt_trainees_chart(df: pd.DataFrame) -> go.Figure:
    """BT months per trainee split by setting (columns name, bt_primary_months, bt_acute_months, bt_months)."""
    data = df.copy()
    other = (data["bt_months"] - data["bt_primary_months"] - data["bt_acute_months"]).clip(lower=0)
    fig = go.Figure()
    for label, values, color in (
        ("Primärvård", data["bt_primary_months"], "#2E6DA4"),
        ("Akut sjukvård", data["bt_acute_months"], "#C9822B"),
        ("Övrig BT", other, "#9AA5B1"),
    ):
        fig.add_bar(
            y=data["name"].map(chart_text),
            x=values.astype(float),
            name=label,
            orientation="h",
            marker_color=color,
            hovertemplate="%{y}: %{x:.2f} mån " + label.lower() + "<extra></extra>",
        )
    # The label above the plot area, where no bar can cover it.
    fig.add_vline(
        x=float(BT_MIN_MONTHS),
        line_dash="dot",
        line_color="#C0504D",
        annotation={"text": f"Minst {_n(BT_MIN_MONTHS)} mån", "font": {"color": "#C0504D"}, "yshift": 2},
        annotation_position="top",
    )
    top = max(6.5, float(data["bt_months"].max()) * 1.05 if len(data) else 6.5)
    fig.update_layout(barmode="stack", bargap=0.35, legend={"traceorder": "normal"})
    fig.update_xaxes(range=[0, top])
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig, "BT-tid per ST-läkare och verksamhet", "Månader på heltid", "ST-läkare", max(260, 140 + 30 * len(data))
    )


def intressent_chart(df: pd.DataFrame, steps: dict[str, str]) -> go.Figure:
    """Intressenter per area and step (columns area plus one count column per step key)."""
    fig = go.Figure()
    colors = ["#9AA5B1", "#C9822B", "#E0B040", "#2E6DA4", "#3C8D5A", "#8E6C8A"]  # one colour a step
    for (key, label), color in zip(steps.items(), colors, strict=False):
        if key in df.columns:
            fig.add_bar(
                x=df["area"],
                y=df[key],
                name=label,
                marker_color=color,
                hovertemplate="%{x}: %{y} i steget " + label.lower() + "<extra></extra>",
            )
    fig.update_layout(barmode="stack", legend={"traceorder": "reversed"})  # top to bottom as the stack
    counts = [k for k in steps if k in df.columns]
    _count_axis(fig, "y", float(df[counts].sum(axis=1).max()) if counts and len(df) else 0)
    return _layout(fig, "ST-intressenter per område och steg", "Område", "Antal intressenter", 340)


def delmal_status_chart(counts: dict[str, int]) -> go.Figure:
    """One trainee's delmål by status (uppfyllt / pågår / ej påbörjat)."""
    labels = ["uppfyllt", "pågår", "ej påbörjat"]
    values = [int(counts.get(k, 0)) for k in labels]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=["Uppfyllt", "Pågår", "Ej påbörjat"],
            orientation="h",
            marker_color=[STATUS_COLORS[k] for k in labels],
            text=values,
            textposition="outside",
            textangle=0,
            cliponaxis=False,
            hovertemplate="%{y}: %{x} delmål<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    _count_axis(fig, "x", float(max(values, default=0)))
    # Room on the right for the number outside the longest bar.
    fig.update_xaxes(range=[0, max(1.0, max(values, default=0) * 1.15)])
    return _layout(fig, "Delmål per status", "Antal delmål", "Status", 200)


_warmed = threading.Event()


def warm_up() -> None:
    """Build the first pages' figures once on tiny data, in a background thread, once per process.

    Plotly loads its validators and templates on first use (about 0,2 s for the first ``px.bar``); done
    while the login page waits for a password, the first page after signing in does not pay for it.
    """
    if _warmed.is_set():
        return
    _warmed.set()

    def build() -> None:
        counts = pd.DataFrame(
            {"grp": ["a"], "n": [1], "year": [2030], "lo": [0], "hi": [10], "status": ["beraknad"], "label": ["a"]}
        )
        for fig in (
            progress_bullet(1.0, 2.0),
            bt_split_chart(1.0, 1.0, 2.0),
            breakdown_chart(counts, "grp", "Grupp"),
            progress_histogram(counts),
            completions_chart(counts),
        ):
            fig.to_json()

    threading.Thread(target=build, name="chart-warm-up", daemon=True).start()
