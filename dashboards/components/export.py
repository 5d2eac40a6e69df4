"""Downloads: a table exactly as it is shown (Excel and CSV), and a trainee's or an area's complete record (zip)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboards import cache
from tracker import services
from tracker.accounts import Actor
from tracker.services import Connection
from tracker.spreadsheet import csv_bytes, xlsx_bytes


def download(table: pd.DataFrame, name: str, *, key: str) -> None:
    """Downloads of exactly the table shown, with its Swedish headings: an Excel workbook and a CSV file
    (the grid's own export is switched off, ``client.disableDataExport``, because it cannot neutralise
    formula cells)."""
    stem = f"{name}-{cache.as_of().isoformat()}"
    with st.container(horizontal=True):
        st.download_button(
            "Ladda ner tabellen (Excel)",
            lambda: xlsx_bytes(table),
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table_view:",
            on_click="ignore",
            key=f"{key}_xlsx",
        )
        st.download_button(
            "Ladda ner tabellen (CSV)",
            csv_bytes(table),
            file_name=f"{stem}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key=key,
        )


def shown_table(table: pd.DataFrame, name: str, *, key: str, **options: Any) -> None:
    """A table (``st.dataframe`` without its index, as wide as the page) and its downloads."""
    st.dataframe(table, hide_index=True, width=options.pop("width", "stretch"), **options)
    download(table, name, key=key)


def record_download(con: Connection, actor: Actor, trainee_id: str | None, *, label: str, name: str, key: str) -> None:
    """The complete bundle (``services.export_zip``) as a zip download, made when the button is pressed
    (each download is an audit row, so nothing is exported by merely showing the page)."""
    st.download_button(
        label,
        lambda: services.export_zip(con, actor, trainee_id),
        file_name=f"{name}-{cache.as_of().isoformat()}.zip",
        mime="application/zip",
        icon=":material/folder_zip:",
        on_click="ignore",
        key=key,
    )
