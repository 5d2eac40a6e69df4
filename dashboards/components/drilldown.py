"""From a figure to the trainees behind it, on the utbildningsenhet's pages.

A bar or a cell of a chart (or the same choice in a select box below it, for the keyboard and small
screens) picks a group; the trainees in it are listed, and a chosen row opens that trainee on the
ST-läkare page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import charts
from dashboards import format as fmt
from dashboards.components.export import download
from dashboards.components.plot import PLOTLY_CONFIG, untitled
from dashboards.components.trainee_list import open_in_office_list

PICK_PLACEHOLDER = "Klicka i diagrammet eller välj här"


def chart_choice(fig: Any, *, key: str, label: str, options: Mapping[str, str]) -> str | None:
    """Draw ``fig`` (built with a key per point, ``charts.picked``) and a select box of ``options`` (key ->
    text) below it; a click on the chart chooses that key in the box. Returns the chosen key."""
    event = st.plotly_chart(
        untitled(fig), key=key, width="stretch", config=PLOTLY_CONFIG, on_select="rerun", selection_mode="points"
    )
    clicked = charts.picked(list(event["selection"]["points"]))
    pick_key, seen_key = f"{key}_pick", f"{key}_clicked"
    # A new click wins over the box; the box then stays free to choose something else.
    if clicked != st.session_state.get(seen_key):
        st.session_state[seen_key] = clicked
        if clicked in options:
            st.session_state[pick_key] = clicked
    choice = st.selectbox(
        label,
        list(options),
        format_func=lambda k: options[k],
        index=None,
        placeholder=PICK_PLACEHOLDER,
        key=pick_key,
    )
    return None if choice is None else str(choice)


def member_table(members: pd.DataFrame) -> pd.DataFrame:
    """The shown columns of ``services.members_of`` rows."""
    return pd.DataFrame(
        {
            "Namn": members["name"],
            "Specialitet": members["specialty"],
            "Enhet": members["unit_name"].fillna(fmt.DASH),
            "Andel av minimitiden": members["progress_pct"].round(0),
            "Beräknat klar": members["projected_completion_date"].map(fmt.iso_date),
            "Klar att ansöka": members["ready_to_apply"].map(fmt.yes_no),
        }
    )


# Widths that fit the page's width beside the sidebar; a wider window stretches them.
MEMBER_COLUMNS = {
    "Namn": st.column_config.TextColumn(width=150),
    "Specialitet": st.column_config.TextColumn(width=140),
    "Enhet": st.column_config.TextColumn(width=160),
    "Andel av minimitiden": st.column_config.ProgressColumn(
        width=120, min_value=0, max_value=100, format="%d %%", help="Tid mot minimitiden (tjänstgöring och tillgodoräknanden) delad med minimitiden"
    ),
    "Beräknat klar": st.column_config.TextColumn(width=100),
    "Klar att ansöka": st.column_config.TextColumn(width=110),
}


def trainees(
    table: pd.DataFrame,
    ids: Sequence[str],
    names: Sequence[str],
    *,
    key: str,
    file_name: str,
    heading: str,
    column_config: Mapping[str, Any] | None = None,
    row_height: int | None = None,
    detail: Callable[[int], None] | None = None,
) -> None:
    """The trainees behind a choice: a table (``ids`` and ``names`` per row) whose chosen row shows
    ``detail(row)`` (when given) and a button that opens the trainee on the ST-läkare page."""
    st.markdown(f"**{fmt.plain(heading)}**")
    if table.empty:
        st.info("Ingen ST-läkare i urvalet.")
        return
    event = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        column_config=dict(column_config or MEMBER_COLUMNS),
        row_height=row_height,
    )
    download(table, file_name, key=f"{key}_csv")
    rows = [r for r in event["selection"]["rows"] if 0 <= r < len(ids)]
    if not rows:
        st.caption("Markera en rad i tabellen för att öppna ST-läkaren.")
        return
    row = rows[0]
    with st.container(border=True):
        if detail is not None:
            detail(row)
        if st.button(
            f"Öppna {fmt.plain(names[row])} under ST-läkare",
            key=f"{key}_open",
            icon=":material/person_search:",
            type="primary",
        ):
            open_in_office_list(str(ids[row]))
