"""Importing a bundle (INTERFACE.md): a folder of CSV files or an Excel workbook with the same sheets.

All or nothing: every bad row is reported and nothing is written unless the whole bundle is valid.
Importing the same bundle twice leaves the database as one import does: trainees and certificates
are matched by id; a trainee's placements, leave and credits from an earlier import are replaced by
the bundle's, while records entered in the app are never touched (an app trainee or certificate may
only be repeated unchanged).

An import is unrestricted (an administrator, or the command line run by the operator of the database
file) or limited to a set of units (a studierektor's area): then every trainee the bundle names must
belong to one of those units, and a new trainee must name one in ``unit_id``.

Every change is written to the audit log, one row per trainee, certificate, placement, leave or credit
added, changed or removed, besides one row for the whole bundle.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import pandas as pd
import pandera.pandas as pa

from tracker.domain import REG_2021, Trainee
from tracker.errors import ImportRejected, RowError, TrackerError
from tracker.ingest.checks import COLUMNS, control_character_errors, errors_from, raw_schema, typed_schema
from tracker.rules.reference import resolve_regulation
from tracker.store import Connection, catalogue, transaction
from tracker.store.audit import as_json, now

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

OUTSIDE_SCOPE = "ST-läkaren tillhör en enhet utanför ditt område"
UNIT_REQUIRED = "ange unit_id: en enhet i ditt område"
NO_UNIT = "ST-läkaren har ingen enhet ännu; en administratör kopplar den till en enhet först"
UNIT_OUTSIDE_SCOPE = "enheten ligger utanför ditt område"
UNKNOWN_UNIT = "okänd enhet: finns inte i databasen"
APP_TRAINEE = "ST-läkaren är registrerad i appen och ändras där, inte genom import"
APP_CERTIFICATE = "intyget är registrerat i appen och ändras där, inte genom import"
LOCKED_CERTIFICATE = "intyget är redan signerat (eller makulerat) i databasen och kan inte ändras"
OTHER_OWNER = "intyget finns redan för en annan ST-läkare"
SENT_CERTIFICATE = "intyget är skickat för signering i appen och ändras där, inte genom import"
# An imported certificate that the trainee has sent for signature (or got back) belongs to the app's
# sign-off workflow from then on: only the addressee signs it.
IN_WORKFLOW = ("skickat", "returnerat")


@dataclass
class ImportResult:
    """Rows in the bundle per kind (``counts``), import records replaced and rows that changed nothing."""

    counts: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    unchanged_certificates: int = 0
    unchanged_trainees: int = 0

    def summary(self) -> str:
        parts = [f"{n} {name}" for name, n in self.counts.items()]
        return "Importerade " + ", ".join(parts) + "."


# --- reading ----------------------------------------------------------------------------------


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
        text = data.decode("utf-8-sig")
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
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _rejected(name, f"arbetsboken kan inte läsas: {exc}") from None
    try:
        for sheet in workbook.sheetnames:
            key = str(sheet).strip().lower()
            key = key if key.endswith(".csv") else key + ".csv"
            if key not in BUNDLE_FILES:
                continue
            ws = workbook[sheet]
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            rows = ws.iter_rows(values_only=True, max_col=MAX_SHEET_COLUMNS)
            try:
                frames[key] = _table(key, _sheet_records(rows))
            except ImportRejected:
                raise
            except Exception as exc:
                raise _rejected(name, f"fliken {sheet} kan inte läsas: {exc}") from None
    finally:
        workbook.close()
    return frames


# --- validation -------------------------------------------------------------------------------


def records_of(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def _to_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.where(s != ""), format="%Y-%m-%d", errors="coerce").dt.date


def _typed(file: str, df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if col.endswith("_date"):
            out[col] = _to_date(out[col]).astype(object).where(out[col] != "", None)
    if "percent" in out:
        out["percent"] = out["percent"].str.replace(",", ".").astype(float)
    if "months" in out:
        out["months"] = out["months"].str.replace(",", ".").astype(float)
    for col in ("swedish_at", "doktorsexamen"):
        if col in out:
            out[col] = out[col].str.lower() == "true"
    if "delmal" in out:
        out["delmal"] = out["delmal"].map(lambda v: tuple(c.strip() for c in v.split(";") if c.strip()))
    return out


@dataclass(frozen=True)
class _DbTrainee:
    trainee: Trainee
    values: dict[str, Any]  # the columns an import writes (see _trainee_values)
    source: str


_TRAINEE_FIELDS = (
    "name",
    "specialty",
    "legitimation_date",
    "swedish_at",
    "st_start_date",
    "regulation_choice",
    "doktorsexamen",
    "bt_approved_date",
    "unit_id",
)


def _db_trainees(cur: duckdb.DuckDBPyConnection) -> dict[str, _DbTrainee]:
    from tracker.store.records import TRAINEE_COLUMNS, trainee_from_row

    out: dict[str, _DbTrainee] = {}
    for r in cur.execute(f"SELECT {TRAINEE_COLUMNS}, {', '.join(_TRAINEE_FIELDS)}, source FROM trainee").fetchall():
        values = dict(zip(_TRAINEE_FIELDS, r[9:18], strict=True))
        values["swedish_at"] = bool(values["swedish_at"])
        values["doktorsexamen"] = bool(values["doktorsexamen"])
        out[str(r[0])] = _DbTrainee(trainee_from_row(r[:9]), values, str(r[18]))
    return out


def _trainee_values(r: Mapping[str, Any], unit_id: str | None) -> dict[str, Any]:
    """A trainees.csv row (typed) as the trainee columns an import writes."""
    return {
        "name": r["name"],
        "specialty": r["specialty"],
        "legitimation_date": r["legitimation_date"],
        "swedish_at": bool(r["swedish_at"]),
        "st_start_date": r["st_start_date"],
        "regulation_choice": r["regulation"] or None,
        "doktorsexamen": bool(r["doktorsexamen"]),
        "bt_approved_date": r["bt_approved_date"],
        "unit_id": unit_id,
    }


def _given_unit(r: Mapping[str, Any]) -> str:
    value = r.get("unit_id")
    return value if isinstance(value, str) else ""


def _trainee_errors(
    df: pd.DataFrame | None,
    db: Mapping[str, _DbTrainee],
    units: set[str],
    scope: frozenset[str] | None,
) -> list[RowError]:
    """trainees.csv rows against the database: unit_id, the importer's scope and records owned by the app."""
    if df is None or df.empty:
        return []
    file = "trainees.csv"
    errors: list[RowError] = []
    for idx, r in zip(df.index, records_of(df), strict=True):
        line = int(idx) + 2
        given = _given_unit(r)
        existing = db.get(r["trainee_id"])
        if given and given not in units:
            errors.append(RowError(file, line, "unit_id", UNKNOWN_UNIT))
        if scope is not None:
            if existing is not None and existing.values["unit_id"] not in scope:
                message = OUTSIDE_SCOPE if existing.values["unit_id"] else NO_UNIT
                errors.append(RowError(file, line, "trainee_id", message))
                continue
            if existing is None and not given:
                errors.append(RowError(file, line, "unit_id", UNIT_REQUIRED))
            if given and given in units and given not in scope:
                errors.append(RowError(file, line, "unit_id", UNIT_OUTSIDE_SCOPE))
        if existing is not None and existing.source == "app":
            if _trainee_values(r, given or existing.values["unit_id"]) != existing.values:
                errors.append(RowError(file, line, "trainee_id", APP_TRAINEE))
    return errors


def _scope_errors(
    typed: Mapping[str, pd.DataFrame], db: Mapping[str, _DbTrainee], scope: frozenset[str] | None
) -> list[RowError]:
    """Rows of the other files about a trainee of a unit outside the importer's scope."""
    if scope is None:
        return []
    outside = {tid for tid, t in db.items() if t.values["unit_id"] not in scope}
    errors: list[RowError] = []
    for file, df in typed.items():
        if file == "trainees.csv" or "trainee_id" not in df:
            continue
        for idx, tid in df["trainee_id"].items():
            if tid in outside:
                errors.append(RowError(file, int(str(idx)) + 2, "trainee_id", OUTSIDE_SCOPE))
    return errors


def validate(
    con: Connection, frames: dict[str, pd.DataFrame], *, units: Collection[str] | None = None
) -> tuple[dict[str, pd.DataFrame], list[RowError]]:
    """Both stages over every file. Returns the typed frames (rows that passed) and every error.

    ``units`` limits the import to trainees of those units (a studierektor's area); None is unrestricted.
    """
    scope = frozenset(units) if units is not None else None
    errors: list[RowError] = []
    typed: dict[str, pd.DataFrame] = {}
    for file, df in frames.items():
        schema = raw_schema(file)
        file_errors = control_character_errors(file, df)
        try:
            schema.validate(df, lazy=True)
        except pa.errors.SchemaErrors as exc:
            file_errors.extend(errors_from(file, exc))
        errors.extend(file_errors)
        if any(e.line == 1 for e in file_errors):
            continue  # a missing column: the rest of the file cannot be judged
        bad_index = {e.line - 2 for e in file_errors}
        typed[file] = _typed(file, df[~df.index.isin(bad_index)])

    catalogue.ensure_catalogue(con)
    canonical = {s.casefold(): s for s in catalogue.specialties(con)}
    if "trainees.csv" in typed:
        t = typed["trainees.csv"]
        t["specialty"] = t["specialty"].map(lambda v: canonical.get(v.casefold(), v))

    cur = con.cursor()
    try:
        db = _db_trainees(cur)
        existing_certificates = _db_certificates(cur)
        units_in_db = {str(r[0]) for r in cur.execute("SELECT unit_id FROM unit").fetchall()}
    finally:
        cur.close()
    bundle_trainees: dict[str, Trainee] = {}
    if "trainees.csv" in typed:
        for r in records_of(typed["trainees.csv"]):
            bundle_trainees[r["trainee_id"]] = Trainee(
                trainee_id=r["trainee_id"],
                name=r["name"],
                specialty=r["specialty"],
                st_start_date=r["st_start_date"],
                legitimation_date=r["legitimation_date"],
                swedish_at=r["swedish_at"],
                regulation_choice=r["regulation"] or None,
                doktorsexamen=r["doktorsexamen"],
                bt_approved_date=r["bt_approved_date"],
            )
    all_trainees = {**{tid: t.trainee for tid, t in db.items()}, **bundle_trainees}
    # Trainees whose rows were rejected in trainees.csv are still "known" for the other files,
    # so that one bad cell does not multiply into errors everywhere.
    known = set(all_trainees) | set(frames.get("trainees.csv", pd.DataFrame({"trainee_id": []}))["trainee_id"])
    code_cache: dict[tuple[str, str], set[str]] = {}

    def codes_for(trainee_id: str) -> set[str] | None:
        tr = all_trainees.get(trainee_id)
        if tr is None:
            return None
        reg = resolve_regulation(tr)
        key = (reg, tr.specialty)
        if key not in code_cache:
            codes = {r.code for r in catalogue.requirements(con, reg, tr.specialty)}
            if reg == REG_2021:
                codes |= {r.code for r in catalogue.requirements(con, REG_2021, catalogue.BT_SPECIALTY)}
            code_cache[key] = codes
        return code_cache[key]

    for file, df in list(typed.items()):
        schema = typed_schema(
            file,
            known_trainees=known,
            known_specialty=lambda v: v in canonical.values(),
            codes_for=codes_for,
        )
        lines = pd.Series([i + 2 for i in df.index], index=df.index)
        try:
            schema.validate(df, lazy=True)
        except pa.errors.SchemaErrors as exc:
            errors.extend(errors_from(file, exc, lines))
    errors.extend(_trainee_errors(typed.get("trainees.csv"), db, units_in_db, scope))
    errors.extend(_scope_errors(typed, db, scope))
    errors.extend(_certificate_errors(existing_certificates, typed.get("certificates.csv")))
    return typed, sorted(set(errors))


def _cert_fingerprint(type_: str, delmal: Iterable[str], title: str, signed: date | None) -> str:
    return json.dumps([type_, sorted(delmal), title, signed.isoformat() if signed else None])


_CERT_COMPARED = ("trainee_id", "type", "title", "start_date", "end_date", "signed_by", "signed_date", "delmal")


def _db_certificates(cur: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    rows = cur.execute(
        """SELECT c.certificate_id, c.trainee_id, c.type, c.title, c.start_date, c.end_date, c.signed_by,
                  c.signed_date, coalesce(list(cd.code ORDER BY cd.code) FILTER (WHERE cd.code IS NOT NULL), []),
                  c.status, c.source
           FROM certificate c LEFT JOIN certificate_delmal cd USING (certificate_id) GROUP BY ALL"""
    ).fetchall()
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        rec = dict(zip((*_CERT_COMPARED, "status", "source"), r[1:], strict=True))
        rec["signed_by"] = rec["signed_by"] or None
        rec["delmal"] = list(rec["delmal"])
        out[str(r[0])] = rec
    return out


def _certificate_values(r: Mapping[str, Any]) -> dict[str, Any]:
    """A certificates.csv row (typed) as the certificate columns an import writes."""
    return {
        "trainee_id": r["trainee_id"],
        "type": r["type"],
        "title": r["title"],
        "start_date": r["start_date"],
        "end_date": r["end_date"],
        "signed_by": r["signed_by"] or None,
        "signed_date": r["signed_date"],
        "delmal": sorted(set(r["delmal"])),
        "status": "signerat" if r["signed_date"] else "utkast",
    }


def _same_certificate(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    return all(old[k] == new[k] for k in _CERT_COMPARED)


def _certificate_errors(existing: Mapping[str, Mapping[str, Any]], df: pd.DataFrame | None) -> list[RowError]:
    """A certificate belongs to one trainee; once signed (or voided) it is locked, and one entered in the
    app is changed there: an import may repeat such a certificate but not change it."""
    if df is None or df.empty:
        return []
    errors = []
    for idx, r in zip(df.index, records_of(df), strict=True):
        line = int(idx) + 2
        old = existing.get(r["certificate_id"])
        if old is None:
            continue
        if old["trainee_id"] != r["trainee_id"]:
            errors.append(RowError("certificates.csv", line, "trainee_id", OTHER_OWNER))
            continue
        if old["source"] == "app" or old["status"] in IN_WORKFLOW:
            if not _same_certificate(old, _certificate_values(r)):
                message = APP_CERTIFICATE if old["source"] == "app" else SENT_CERTIFICATE
                errors.append(RowError("certificates.csv", line, "certificate_id", message))
            continue
        if old["status"] in ("signerat", "makulerat") and _cert_fingerprint(
            old["type"], old["delmal"], old["title"], old["signed_date"]
        ) != _cert_fingerprint(r["type"], r["delmal"], r["title"], r["signed_date"]):
            errors.append(RowError("certificates.csv", line, "certificate_id", LOCKED_CERTIFICATE))
    return errors


# --- writing ----------------------------------------------------------------------------------


@dataclass
class _Audit:
    """Audit rows collected during an import, written with one INSERT at the end."""

    rows: list[dict[str, str | None]] = field(default_factory=list)

    def add(
        self,
        action: str,
        entity: str,
        entity_id: str,
        trainee_id: str | None,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        self.rows.append(
            {
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "trainee_id": trainee_id,
                "before_json": as_json(before),
                "after_json": as_json(after),
            }
        )

    def write(self, cur: duckdb.DuckDBPyConnection, actor: str | None) -> None:
        if not self.rows:
            return
        frame = pd.DataFrame(self.rows, dtype=object)
        _with_frame(
            cur,
            frame,
            """INSERT INTO audit_log (logged_at, actor_person_id, action, entity, entity_id, trainee_id,
                                      before_json, after_json)
               SELECT ?, ?, action, entity, entity_id, CAST(trainee_id AS VARCHAR), CAST(before_json AS VARCHAR),
                      CAST(after_json AS VARCHAR)
               FROM {frame}""",
            [now(), actor],
        )


def _with_frame(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame, sql: str, params: list[Any] | None = None) -> None:
    """Run ``sql`` with ``{frame}`` naming ``frame`` registered on the cursor (one statement for all rows)."""
    name = "_import_rows"
    cur.register(name, frame)
    try:
        cur.execute(sql.format(frame=name), params or [])
    finally:
        cur.unregister(name)


def _iso(v: object) -> str | None:
    return v.isoformat() if isinstance(v, date) else None


def _write_trainees(
    cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, audit: _Audit, result: ImportResult
) -> None:
    db = _db_trainees(cur)
    fields = ", ".join(_TRAINEE_FIELDS)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for r in records_of(df):
        tid = r["trainee_id"]
        old = db.get(tid)
        given = _given_unit(r)
        if old is None:
            new = _trainee_values(r, given or None)
            inserts.append({"trainee_id": tid, **new})
            audit.add("import_add", "trainee", tid, tid, None, new)
            continue
        new = _trainee_values(r, given or old.values["unit_id"])
        if new == old.values or old.source == "app":
            result.unchanged_trainees += 1  # an app trainee reaches this point only unchanged
            continue
        updates.append({"trainee_id": tid, **new})
        audit.add("import_update", "trainee", tid, tid, old.values, new)
    select = """SELECT trainee_id, name, specialty, CAST(legitimation_date AS DATE) AS legitimation_date,
                       CAST(swedish_at AS BOOLEAN) AS swedish_at, CAST(st_start_date AS DATE) AS st_start_date,
                       CAST(regulation_choice AS VARCHAR) AS regulation_choice,
                       CAST(doktorsexamen AS BOOLEAN) AS doktorsexamen,
                       CAST(bt_approved_date AS DATE) AS bt_approved_date, CAST(unit_id AS VARCHAR) AS unit_id
                FROM {frame}"""
    if inserts:
        _with_frame(
            cur,
            _trainee_frame(inserts),
            f"""INSERT INTO trainee (trainee_id, {fields}, source)
                SELECT *, 'import' FROM ({select})""",
        )
    if updates:
        sets = ", ".join(f"{c} = u.{c}" for c in _TRAINEE_FIELDS)
        _with_frame(
            cur,
            _trainee_frame(updates),
            f"UPDATE trainee SET {sets} FROM ({select}) u WHERE trainee.trainee_id = u.trainee_id",
        )
    result.counts["ST-läkare"] = len(df)


def _trainee_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, dtype=object)
    for col in ("legitimation_date", "st_start_date", "bt_approved_date"):
        frame[col] = frame[col].map(_iso).astype(object)
    return frame


@dataclass(frozen=True)
class _RecordTable:
    file: str
    table: str
    entity: str
    label: str
    columns: tuple[str, ...]  # besides trainee_id
    dates: tuple[str, ...]

    @property
    def id_column(self) -> str:
        return f"{self.entity}_id"


_RECORD_TABLES = (
    _RecordTable("placements.csv", "placement", "placement", "placeringar",
                 ("kind", "setting", "workplace", "start_date", "end_date", "percent"), ("start_date", "end_date")),
    _RecordTable("leave.csv", "leave", "leave", "ledigheter",
                 ("kind", "start_date", "end_date", "percent"), ("start_date", "end_date")),
    _RecordTable("credits.csv", "credit", "credit", "tillgodoräknanden", ("kind", "months", "note"), ()),
)


def _replace_records(
    cur: duckdb.DuckDBPyConnection,
    spec: _RecordTable,
    df: pd.DataFrame,
    touched: list[str],
    audit: _Audit,
    result: ImportResult,
) -> None:
    """Make the import records of the touched trainees equal the bundle's rows.

    Rows already imported identically are kept; the others are deleted and the new ones inserted.
    """
    cols = spec.columns
    pool: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    old_rows: dict[int, dict[str, Any]] = {}
    for row in cur.execute(
        f"""SELECT {spec.id_column}, trainee_id, {', '.join(cols)} FROM {spec.table}
            WHERE source = 'import' AND list_contains($t, trainee_id) ORDER BY {spec.id_column}""",
        {"t": touched},
    ).fetchall():
        rid = int(row[0])
        old_rows[rid] = dict(zip(("trainee_id", *cols), row[1:], strict=True))
        pool[tuple(row[1:])].append(rid)
    new_rows: list[dict[str, Any]] = []
    for r in records_of(df):
        values = {"trainee_id": r["trainee_id"], **{c: r[c] for c in cols}}
        for c in ("percent", "months"):
            if c in values:
                values[c] = float(values[c])
        kept = pool.get(tuple(values.values()))
        if kept:
            kept.pop(0)
        else:
            new_rows.append(values)
    deleted = sorted(rid for ids in pool.values() for rid in ids)
    if deleted:
        cur.execute(f"DELETE FROM {spec.table} WHERE list_contains($ids, {spec.id_column})", {"ids": deleted})
        for rid in deleted:
            old = dict(old_rows[rid])
            tid = old.pop("trainee_id")
            audit.add("import_delete", spec.entity, str(rid), tid, old, None)
    if new_rows:
        ids = [int(r[0]) for r in cur.execute(f"SELECT nextval('seq_{spec.table}') FROM range(?)", [len(new_rows)]).fetchall()]
        frame = pd.DataFrame(new_rows, dtype=object)
        frame.insert(0, "id", ids)
        for c in spec.dates:
            frame[c] = frame[c].map(_iso).astype(object)
        select = ", ".join(
            f"CAST({c} AS DATE)" if c in spec.dates
            else f"CAST({c} AS DOUBLE)" if c in ("percent", "months")
            else f"CAST({c} AS VARCHAR)"
            for c in cols
        )
        _with_frame(
            cur,
            frame,
            f"""INSERT INTO {spec.table} ({spec.id_column}, trainee_id, {', '.join(cols)}, source)
                SELECT CAST(id AS BIGINT), trainee_id, {select}, 'import' FROM {{frame}}""",
        )
        for rid, values in zip(ids, new_rows, strict=True):
            after = dict(values)
            tid = after.pop("trainee_id")
            audit.add("import_add", spec.entity, str(rid), tid, None, after)
    result.replaced[spec.label] = len(deleted)
    result.counts[spec.label] = len(df)


def _write_certificates(
    cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, audit: _Audit, result: ImportResult
) -> None:
    existing = _db_certificates(cur)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for r in records_of(df):
        cid = r["certificate_id"]
        new = _certificate_values(r)
        old = existing.get(cid)
        if old is None:
            inserts.append({"certificate_id": cid, **new})
            audit.add("import_add", "certificate", cid, new["trainee_id"], None, new)
        elif old["status"] in ("signerat", "makulerat", *IN_WORKFLOW) or old["source"] == "app":
            result.unchanged_certificates += 1  # identical to the locked or app record (checked in validation)
        elif _same_certificate(old, new) and old["status"] == new["status"]:
            result.unchanged_certificates += 1
        else:
            updates.append({"certificate_id": cid, **new})
            before = {k: old[k] for k in (*_CERT_COMPARED, "status")}
            audit.add("import_update", "certificate", cid, new["trainee_id"], before, new)
    if updates:
        cur.execute(
            "DELETE FROM certificate_delmal WHERE list_contains($ids, certificate_id)",
            {"ids": [u["certificate_id"] for u in updates]},
        )
    select = """SELECT certificate_id, trainee_id, type, title, CAST(start_date AS DATE) AS start_date,
                       CAST(end_date AS DATE) AS end_date, status, CAST(signed_by AS VARCHAR) AS signed_by,
                       CAST(signed_date AS DATE) AS signed_date
                FROM {frame}"""
    if inserts:
        _with_frame(
            cur,
            _certificate_frame(inserts),
            f"""INSERT INTO certificate (certificate_id, trainee_id, type, title, start_date, end_date, status,
                                        signed_by, signed_date, source)
                SELECT *, 'import' FROM ({select})""",
        )
    if updates:
        sets = ", ".join(
            f"{c} = u.{c}" for c in ("type", "title", "start_date", "end_date", "status", "signed_by", "signed_date")
        )
        _with_frame(
            cur,
            _certificate_frame(updates),
            f"UPDATE certificate SET {sets} FROM ({select}) u WHERE certificate.certificate_id = u.certificate_id",
        )
    codes = [(c["certificate_id"], code) for c in inserts + updates for code in c["delmal"]]
    if codes:
        _with_frame(
            cur,
            pd.DataFrame(codes, columns=["certificate_id", "code"], dtype=object),
            "INSERT INTO certificate_delmal (certificate_id, code) SELECT certificate_id, code FROM {frame}",
        )
    result.counts["intyg"] = len(df)


def _certificate_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "delmal"} for r in rows], dtype=object)
    for col in ("start_date", "end_date", "signed_date"):
        frame[col] = frame[col].map(_iso).astype(object)
    return frame


def import_frames(
    con: Connection,
    frames: dict[str, pd.DataFrame],
    *,
    actor: str | None = None,
    units: Collection[str] | None = None,
) -> ImportResult:
    """Validate and write a bundle in one transaction; ``units`` as in :func:`validate`."""
    typed, errors = validate(con, frames, units=units)
    if errors:
        raise ImportRejected(errors)
    result = ImportResult()
    audit = _Audit()
    bundle_trainees = sorted(set(typed["trainees.csv"]["trainee_id"]))
    with transaction(con) as cur:
        _write_trainees(cur, typed["trainees.csv"], audit, result)
        for spec in _RECORD_TABLES:
            if spec.file not in typed:
                continue
            df = typed[spec.file]
            touched = sorted(set(df["trainee_id"]) | set(bundle_trainees))
            _replace_records(cur, spec, df, touched, audit, result)
        if "certificates.csv" in typed:
            _write_certificates(cur, typed["certificates.csv"], audit, result)
        audit.add(
            "import",
            "bundle",
            f"{len(bundle_trainees)} ST-läkare",
            None,
            None,
            {"counts": result.counts, "trainees": bundle_trainees[:50]},
        )
        audit.write(cur, actor)
    return result


def import_bundle(
    con: Connection, path: str | Path, *, actor: str | None = None, units: Collection[str] | None = None
) -> ImportResult:
    return import_frames(con, read_bundle_dir(path), actor=actor, units=units)
