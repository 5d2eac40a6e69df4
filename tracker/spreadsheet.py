"""Files for spreadsheets: every CSV the project writes goes through :func:`csv_bytes`, every workbook
through :func:`xlsx_bytes`.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and
LibreOffice as a formula (``=HYPERLINK(…)`` sends data to another server when clicked), so text cells
that start so are written with a leading apostrophe, which spreadsheets show as plain text. Numbers
stay numbers: only text is changed.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, made plain text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell (and heading) neutralised."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out


def csv_bytes(df: pd.DataFrame, *, bom: bool = True) -> bytes:
    """``df`` as UTF-8 CSV, safe to open in a spreadsheet. With ``bom`` (the default) Excel reads å, ä, ö
    correctly when the file is double-clicked."""
    buf = io.StringIO()
    safe_frame(df).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(df: pd.DataFrame, *, sheet: str = "Tabell") -> bytes:
    """``df`` as an Excel workbook of one sheet: headings in bold, numbers and dates as such, every text
    cell stored as text (so a cell starting with ``=`` stays text and is never a formula). Excel opens
    it without the separator questions a CSV file raises (Swedish Excel expects ``;``)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    for col, heading in enumerate(df.columns, start=1):
        cell = ws.cell(row=1, column=col, value=str(heading))
        cell.data_type = "s"
        cell.font = Font(bold=True)
    for row, values in enumerate(df.itertuples(index=False), start=2):
        for col, value in enumerate(values, start=1):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if hasattr(value, "item"):  # numpy scalars
                value = value.item()
            cell = ws.cell(row=row, column=col, value=value if isinstance(value, (int, float, date)) else str(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for col, heading in enumerate(df.columns, start=1):
        longest = max([len(str(heading)), *(len(str(v)) for v in df.iloc[:, col - 1].head(200))])
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = min(60, longest + 2)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
