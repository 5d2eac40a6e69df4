"""Reading a bundle (INTERFACE.md): a folder of CSV files, uploaded CSV files or an Excel workbook with the
same sheets, as frames of text.

Every file is bounded before it is parsed: its size, its number of data rows and, for a workbook, what
the zip archive would unpack to (a zip bomb is refused unread). A file that cannot be read is reported
as a row error of that file, like the rows validation rejects.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from tracker.errors import ImportRejected, RowError, TrackerError
from tracker.ingest.checks import COLUMNS

MAX_FILE_BYTES = 20 * 1024 * 1024
# A data row limit per file or sheet, far above any region's bundle.
MAX_ROWS = 200_000
# An .xlsx workbook is a zip archive: the sum of what its members unpack to, and how much smaller than
# that a (large) member may be packed, before the workbook is refused unread.
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# Columns read from a sheet; the bundle's widest file has 12.
MAX_SHEET_COLUMNS = 40
BUNDLE_FILES = tuple(COLUMNS)


def _rejected(name: str, message: str, line: int = 1, column: str = "-") -> ImportRejected:
    return ImportRejected([RowError(name, line, column, message)])


def _too_many_rows(name: str) -> ImportRejected:
    return _rejected(name, f"filen har fler än {MAX_ROWS:,} rader; dela upp den".replace(",", " "))


def _table(name: str, records: Iterator[tuple[int, Sequence[str]]]) -> pd.DataFrame:
    """A frame of text from (line, fields) records: the first non-blank record is the header.

    Blank records are skipped. The frame's index is the line - 2, so that a row error's line
    (index + 2) is the line in the file or the row in the sheet.
    """
    header: list[str] | None = None
    lines: list[int] = []
    rows: list[list[str]] = []
    errors: list[RowError] = []
    seen = 0
    for line, fields in records:
        if header is None:
            if not any(f.strip() for f in fields):
                continue
            header = [f.strip().lower() for f in fields]
            while header and header[-1] == "":
                header.pop()
            duplicates = sorted(c for c, n in Counter(header).items() if c and n > 1)
            if duplicates:
                raise ImportRejected(
                    [RowError(name, 1, c, "kolumnen förekommer mer än en gång i rubrikraden") for c in duplicates]
                )
            header = [c or f"unnamed: {i}" for i, c in enumerate(header)]
            continue
        seen += 1
        if seen > MAX_ROWS:
            raise _too_many_rows(name)
        values = [f.strip() for f in fields]
        if not any(values):
            continue
        width = len(header)
        if len(values) > width:
            if any(values[width:]):
                errors.append(
                    RowError(name, line, "-", f"raden har {len(values)} värden men rubrikraden bara {width} kolumner")
                )
                continue
            values = values[:width]
        rows.append(values + [""] * (width - len(values)))
        lines.append(line)
    if header is None:
        raise _rejected(name, "filen är tom")
    if errors:
        raise ImportRejected(errors)
    return pd.DataFrame(rows, columns=header, index=[n - 2 for n in lines], dtype=str)


def _csv_records(text: str, sep: str) -> Iterator[tuple[int, Sequence[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _read_csv(data: bytes, name: str) -> pd.DataFrame:
    if len(data) > MAX_FILE_BYTES:
        raise _rejected(name, "filen är större än 20 MB")
    try:
        text = data.decode("utf-8-sig").lstrip("\ufeff")  # some tools write the mark twice
    except UnicodeDecodeError:
        raise _rejected(name, "filen är inte UTF-8 (spara som CSV UTF-8)") from None
    if not text.replace("\ufeff", "").strip():
        raise _rejected(name, "filen är tom")
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    # A long value must reach validation (and its row error) rather than stop the reader; the file
    # itself is bounded by MAX_FILE_BYTES.
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    try:
        return _table(name, _csv_records(text, sep))
    except csv.Error as exc:
        raise _rejected(name, f"filen kan inte läsas som CSV: {exc}") from None


def read_bundle_dir(path: str | Path) -> dict[str, pd.DataFrame]:
    folder = Path(path)
    if not folder.is_dir():
        raise TrackerError(f"{folder} är ingen mapp.")
    frames: dict[str, pd.DataFrame] = {}
    errors: list[RowError] = []
    for name in BUNDLE_FILES:
        f = folder / name
        if f.exists():
            try:
                if f.stat().st_size > MAX_FILE_BYTES:
                    raise _rejected(name, "filen är större än 20 MB")
                frames[name] = _read_csv(f.read_bytes(), name)
            except ImportRejected as exc:
                errors.extend(exc.errors)
    if not errors and "trainees.csv" not in frames:
        errors.append(RowError("trainees.csv", 1, "-", "filen saknas i mappen"))
    if errors:
        raise ImportRejected(sorted(set(errors)))
    return frames


def read_uploads(files: Mapping[str, bytes]) -> dict[str, pd.DataFrame]:
    """Uploaded CSV files by name, or one .xlsx workbook whose sheets are named like the files."""
    frames: dict[str, pd.DataFrame] = {}
    errors: list[RowError] = []
    for name, data in files.items():
        lower = name.lower()
        try:
            if lower.endswith(".xlsx"):
                frames.update(read_workbook(io.BytesIO(data), name))
            elif lower in BUNDLE_FILES:
                frames[lower] = _read_csv(data, lower)
            else:
                raise _rejected(name, f"okänd fil; förväntade {', '.join(BUNDLE_FILES)} eller .xlsx")
        except ImportRejected as exc:
            errors.extend(exc.errors)
    if not errors and "trainees.csv" not in frames:
        errors.append(RowError("trainees.csv", 1, "-", "filen (eller fliken) saknas"))
    if errors:
        raise ImportRejected(sorted(set(errors)))
    return frames


def _check_archive(data: bytes, name: str) -> None:
    """Refuse a workbook whose members would unpack to too much (a zip bomb) before any parsing.

    Python's zipfile never returns more than a member's declared size (a member that unpacks to more
    fails its CRC check), so the declared sizes bound what reading the workbook can cost.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _rejected(name, "arbetsboken kan inte läsas: filen är ingen giltig .xlsx-fil") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise _rejected(name, "arbetsboken har onormalt många delar och läses inte")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise _rejected(
            name,
            f"arbetsboken packas upp till mer än {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB och läses inte; "
            "dela upp den eller använd CSV-filer",
        )
    for m in members:
        if m.file_size > RATIO_CHECK_MIN_BYTES and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1):
            raise _rejected(name, "arbetsboken är onormalt hårt packad (möjlig zip-bomb) och läses inte")


def _cell_text(value: object) -> str:
    """A cell as the text a CSV file would hold: dates as ÅÅÅÅ-MM-DD, 100 (not 100.0), empty as ''."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _sheet_records(rows: Iterable[tuple[object, ...]]) -> Iterator[tuple[int, Sequence[str]]]:
    for line, row in enumerate(rows, start=1):
        yield line, [_cell_text(v) for v in row]


def read_workbook(data: BinaryIO, name: str = "arbetsbok.xlsx") -> dict[str, pd.DataFrame]:
    """The bundle's sheets of an .xlsx workbook, read as a stream after the archive has been checked."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    raw = data.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise _rejected(name, "filen är större än 20 MB")
    if not raw.strip():
        raise _rejected(name, "filen är tom")
    _check_archive(raw, name)
    frames: dict[str, pd.DataFrame] = {}
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file, in English
        raise _rejected(name, "arbetsboken kan inte läsas: filen är skadad eller ingen Excel-arbetsbok (.xlsx)") from None
    try:
        for sheet in workbook.sheetnames:
            key = str(sheet).strip().lower()
            key = key if key.endswith(".csv") else key + ".csv"
            if key not in BUNDLE_FILES:
                continue
            if key in frames:
                raise _rejected(name, f"två flikar motsvarar {key} (bland dem {sheet}); ta bort den ena")
            ws = workbook[sheet]
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            rows = ws.iter_rows(values_only=True, max_col=MAX_SHEET_COLUMNS)
            try:
                frames[key] = _table(key, _sheet_records(rows))
            except ImportRejected:
                raise
            except Exception:
                raise _rejected(name, f"fliken {sheet} kan inte läsas: den innehåller något annat än värden") from None
    finally:
        workbook.close()
    return frames

