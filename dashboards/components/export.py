"""The CSV download of a table exactly as it is shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import cache
from tracker.spreadsheet import csv_bytes


def download(table: pd.DataFrame, name: str, *, key: str) -> None:
    """A download of exactly the table shown, as CSV with its Swedish headings (the grid's own export is
    switched off, ``client.disableDataExport``, because it cannot neutralise formula cells)."""
    st.download_button(
        "Ladda ner tabellen (CSV)",
        csv_bytes(table),
        file_name=f"{name}-{cache.as_of().isoformat()}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=key,
    )
