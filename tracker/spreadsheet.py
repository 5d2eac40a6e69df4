"""Files for spreadsheets: every CSV the project writes goes through :func:`csv_bytes`.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and
LibreOffice as a formula (``=HYPERLINK(…)`` sends data to another server when clicked), so text cells
that start so are written with a leading apostrophe, which spreadsheets show as plain text. Numbers
stay numbers: only text is changed.
"""

from __future__ import annotations

import io

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
