"""A figure built by ``dashboards.charts``, drawn full width and without Plotly's toolbar.

Plotly never wraps a title: a long one is cut off on a phone and a title wrapped by hand breaks early on
a desktop. So the figure's title is drawn as page text above it (it wraps to whatever width the
screen has, and a screen reader reads it as text) and the figure itself without one.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboards import format as fmt

PLOTLY_CONFIG = {"displayModeBar": False}
TOP_MARGIN = 30  # above the plot once its title is drawn outside the figure: room for a line's label ("idag")


def untitled(fig: Any) -> Any:
    """Draw the figure's title as page text and return a copy of the figure without it."""
    title = fig.layout.title.text
    if not title:
        return fig
    st.markdown(f"**{fmt.plain(title)}**")
    return go.Figure(fig).update_layout(title_text=None, margin_t=TOP_MARGIN)


def plot(fig: Any, key: str) -> None:
    st.plotly_chart(untitled(fig), key=key, width="stretch", config=PLOTLY_CONFIG)
