"""Importing a bundle (INTERFACE.md): a folder of CSV files or an Excel workbook with the same sheets.

All or nothing: every bad row is reported and nothing is written unless the whole bundle is valid.
Importing the same bundle twice leaves the database as one import does: trainees and certificates
are matched by id; a trainee's placements, leave and credits from an earlier import are replaced by
the bundle's, while records entered in the app are never touched.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pandera.pandas as pa

from tracker import catalogue_store
from tracker.db import Connection, TrackerError, transaction
from tracker.domain import REG_2021, Trainee
from tracker.rules import resolve_regulation
from tracker.schemas import COLUMNS, RowError, errors_from, raw_schema, typed_schema

MAX_FILE_BYTES = 20 * 1024 * 1024
BUNDLE_FILES = tuple(COLUMNS)


class ImportRejected(TrackerError):
    """The bundle has bad rows; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} fel i importen; inget skrevs till databasen.")


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    unchanged_certificates: int = 0

    def summary(self) -> str:
        parts = [f"{n} {name}" for name, n in self.counts.items()]
        return "Importerade " + ", ".join(parts) + "."


# --- reading ----------------------------------------------------------------------------------

def _read_csv(data: bytes, name: str) -> pd.DataFrame:
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected([RowError(name, 1, "-", "filen är större än 20 MB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([RowError(name, 1, "-", "filen är inte UTF-8 (spara som CSV UTF-8)")]) from None
    sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep)
    except pd.errors.ParserError as exc:
        raise ImportRejected([RowError(name, 1, "-", f"filen kan inte läsas som CSV: {exc}")]) from None
    return _normalise(df)


def _normalise(df: pd.DataFrame) -> pd.DataFrame:
    df.columns = [str(c).strip().lower() for c in df.columns]
    return df.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip())


def read_bundle_dir(path: str | Path) -> dict[str, pd.DataFrame]:
    folder = Path(path)
    if not folder.is_dir():
        raise TrackerError(f"{folder} är ingen mapp.")
    frames: dict[str, pd.DataFrame] = {}
    for name in BUNDLE_FILES:
        f = folder / name
        if f.exists():
            frames[name] = _read_csv(f.read_bytes(), name)
    if "trainees.csv" not in frames:
        raise ImportRejected([RowError("trainees.csv", 1, "-", "filen saknas i mappen")])
    return frames


def read_uploads(files: Mapping[str, bytes]) -> dict[str, pd.DataFrame]:
    """Uploaded CSV files by name, or one .xlsx workbook whose sheets are named like the files."""
    frames: dict[str, pd.DataFrame] = {}
    for name, data in files.items():
        lower = name.lower()
        if lower.endswith(".xlsx"):
            frames.update(read_workbook(io.BytesIO(data), name))
        elif lower in BUNDLE_FILES:
            frames[lower] = _read_csv(data, lower)
        else:
            raise ImportRejected([RowError(name, 1, "-", f"okänd fil; förväntade {', '.join(BUNDLE_FILES)} eller .xlsx")])
    if "trainees.csv" not in frames:
        raise ImportRejected([RowError("trainees.csv", 1, "-", "filen (eller fliken) saknas")])
    return frames


def read_workbook(data: BinaryIO, name: str = "arbetsbok.xlsx") -> dict[str, pd.DataFrame]:
    try:
        sheets = pd.read_excel(data, sheet_name=None, dtype=str, keep_default_na=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportRejected([RowError(name, 1, "-", f"arbetsboken kan inte läsas: {exc}")]) from None
    frames: dict[str, pd.DataFrame] = {}
    for sheet, df in sheets.items():
        key = str(sheet).strip().lower()
        key = key if key.endswith(".csv") else key + ".csv"
        if key in BUNDLE_FILES:
            # date cells come back as "2024-03-01 00:00:00": keep the date
            frames[key] = _normalise(df).replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1", regex=True)
    return frames


# --- validation -------------------------------------------------------------------------------

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


def validate(con: Connection, frames: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[RowError]]:
    """Both stages over every file. Returns the typed frames (rows that passed) and every error."""
    errors: list[RowError] = []
    typed: dict[str, pd.DataFrame] = {}
    for file, df in frames.items():
        schema = raw_schema(file)
        try:
            schema.validate(df, lazy=True)
            good = df
        except pa.errors.SchemaErrors as exc:
            errs = errors_from(file, exc)
            errors.extend(errs)
            if any(e.line == 1 for e in errs):
                continue  # a missing column: the rest of the file cannot be judged
            bad_lines = {e.line for e in errs}
            good = df[[i + 2 not in bad_lines for i in range(len(df))]]
        typed[file] = _typed(file, good)

    catalogue_store.ensure_catalogue(con)
    canonical = {s.casefold(): s for s in catalogue_store.specialties(con)}
    if "trainees.csv" in typed:
        t = typed["trainees.csv"]
        t["specialty"] = t["specialty"].map(lambda v: canonical.get(v.casefold(), v))

    db_trainees = _db_trainees(con)
    bundle_trainees: dict[str, Trainee] = {}
    if "trainees.csv" in typed:
        for r in typed["trainees.csv"].to_dict("records"):
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
    all_trainees = {**db_trainees, **bundle_trainees}
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
            codes = {r.code for r in catalogue_store.requirements(con, reg, tr.specialty)}
            if reg == REG_2021:
                codes |= {r.code for r in catalogue_store.requirements(con, REG_2021, catalogue_store.BT_SPECIALTY)}
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
    errors.extend(_locked_certificates(con, typed.get("certificates.csv")))
    return typed, sorted(set(errors))


def _db_trainees(con: Connection) -> dict[str, Trainee]:
    from tracker.records import _TRAINEE_COLUMNS, _trainee

    rows = con.cursor().execute(f"SELECT {_TRAINEE_COLUMNS} FROM trainee").fetchall()
    return {str(r[0]): _trainee(r) for r in rows}


def _cert_fingerprint(type_: str, delmal: tuple[str, ...], title: str, signed: date | None) -> str:
    return json.dumps([type_, sorted(delmal), title, signed.isoformat() if signed else None])


def _locked_certificates(con: Connection, df: pd.DataFrame | None) -> list[RowError]:
    """A certificate belongs to one trainee, and once signed it is locked: an import may repeat it but not
    change it."""
    if df is None or df.empty:
        return []
    signed = {
        r[0]: _cert_fingerprint(r[1], tuple(r[2]), r[3], r[4])
        for r in con.cursor()
        .execute(
            """SELECT c.certificate_id, c.type, coalesce(list(cd.code) FILTER (WHERE cd.code IS NOT NULL), []),
                      c.title, c.signed_date
               FROM certificate c LEFT JOIN certificate_delmal cd USING (certificate_id)
               WHERE c.status IN ('signerat', 'makulerat') GROUP BY ALL"""
        )
        .fetchall()
    }
    owner = dict(con.cursor().execute("SELECT certificate_id, trainee_id FROM certificate").fetchall())
    errors = []
    for idx, r in df.iterrows():
        if owner.get(r["certificate_id"], r["trainee_id"]) != r["trainee_id"]:
            errors.append(
                RowError("certificates.csv", int(str(idx)) + 2, "trainee_id",
                         "intyget finns redan för en annan ST-läkare")
            )
            continue
        fp = signed.get(r["certificate_id"])
        if fp is not None and fp != _cert_fingerprint(r["type"], r["delmal"], r["title"], r["signed_date"]):
            errors.append(
                RowError("certificates.csv", int(str(idx)) + 2, "certificate_id",
                         "intyget är redan signerat (eller makulerat) i databasen och kan inte ändras")
            )
    return errors


# --- writing ----------------------------------------------------------------------------------

def import_frames(con: Connection, frames: dict[str, pd.DataFrame], *, actor: str | None = None) -> ImportResult:
    typed, errors = validate(con, frames)
    if errors:
        raise ImportRejected(errors)
    result = ImportResult()
    scope = sorted(set(typed["trainees.csv"]["trainee_id"]))
    with transaction(con) as cur:
        t = typed["trainees.csv"]
        for r in t.to_dict("records"):
            cur.execute(
                """INSERT INTO trainee (trainee_id, name, specialty, legitimation_date, swedish_at, st_start_date,
                                        regulation_choice, doktorsexamen, bt_approved_date, source)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'import')
                   ON CONFLICT (trainee_id) DO UPDATE SET name = excluded.name, specialty = excluded.specialty,
                     legitimation_date = excluded.legitimation_date, swedish_at = excluded.swedish_at,
                     st_start_date = excluded.st_start_date, regulation_choice = excluded.regulation_choice,
                     doktorsexamen = excluded.doktorsexamen, bt_approved_date = excluded.bt_approved_date""",
                [r["trainee_id"], r["name"], r["specialty"], r["legitimation_date"], r["swedish_at"],
                 r["st_start_date"], r["regulation"] or None, r["doktorsexamen"], r["bt_approved_date"]],
            )
        result.counts["ST-läkare"] = len(t)
        for file, table, cols, label in (
            ("placements.csv", "placement", ("trainee_id", "kind", "setting", "workplace", "start_date",
                                             "end_date", "percent"), "placeringar"),
            ("leave.csv", "leave", ("trainee_id", "kind", "start_date", "end_date", "percent"), "ledigheter"),
            ("credits.csv", "credit", ("trainee_id", "kind", "months", "note"), "tillgodoräknanden"),
        ):
            if file not in typed:
                continue
            df = typed[file]
            touched = sorted(set(df["trainee_id"]) | set(scope))
            tmarks = ", ".join("?" for _ in touched)
            deleted = cur.execute(
                f"DELETE FROM {table} WHERE source = 'import' AND trainee_id IN ({tmarks})", touched
            ).fetchone()
            result.replaced[label] = int(deleted[0]) if deleted else 0
            placeholders = ", ".join("?" for _ in cols)
            for r in df.to_dict("records"):
                cur.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}, source) VALUES ({placeholders}, 'import')",
                    [r[c] for c in cols],
                )
            result.counts[label] = len(df)
        if "certificates.csv" in typed:
            result.counts["intyg"], result.unchanged_certificates = _write_certificates(
                cur, typed["certificates.csv"]
            )
        cur.execute(
            """INSERT INTO audit_log (logged_at, actor_person_id, action, entity, entity_id, after_json)
               VALUES (?, ?, 'import', 'bundle', ?, ?)""",
            [datetime.now(UTC).replace(tzinfo=None), actor, f"{len(scope)} ST-läkare",
             json.dumps({"counts": result.counts, "trainees": scope[:50]}, ensure_ascii=False)],
        )
    return result


def _write_certificates(cur: Connection, df: pd.DataFrame) -> tuple[int, int]:
    existing = {
        r[0]: r[1]
        for r in cur.execute("SELECT certificate_id, status FROM certificate").fetchall()
    }
    written = unchanged = 0
    for r in df.to_dict("records"):
        cid = r["certificate_id"]
        status = "signerat" if r["signed_date"] else "utkast"
        if existing.get(cid) in ("signerat", "makulerat"):
            unchanged += 1  # identical to the locked record (checked in validation)
            continue
        cur.execute("DELETE FROM certificate_delmal WHERE certificate_id = ?", [cid])
        cur.execute(
            """INSERT INTO certificate (certificate_id, trainee_id, type, title, start_date, end_date, status,
                                        signed_by, signed_date, source)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'import')
               ON CONFLICT (certificate_id) DO UPDATE SET type = excluded.type,
                 title = excluded.title, start_date = excluded.start_date, end_date = excluded.end_date,
                 status = excluded.status, signed_by = excluded.signed_by, signed_date = excluded.signed_date""",
            [cid, r["trainee_id"], r["type"], r["title"], r["start_date"], r["end_date"], status,
             r["signed_by"] or None, r["signed_date"]],
        )
        for code in sorted(set(r["delmal"])):
            cur.execute("INSERT INTO certificate_delmal VALUES (?, ?)", [cid, code])
        written += 1
    return written, unchanged


def import_bundle(con: Connection, path: str | Path, *, actor: str | None = None) -> ImportResult:
    return import_frames(con, read_bundle_dir(path), actor=actor)
