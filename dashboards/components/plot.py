"""A figure built by ``dashboards.charts``, drawn full width and without Plotly's toolbar."""

from __future__ import annotations

from typing import Any

import streamlit as st

PLOTLY_CONFIG = {"displayModeBar": False}


def plot(fig: Any, key: str) -> None:
    st.plotly_chart(fig, key=key, width="stretch", config=PLOTLY_CONFIG)
