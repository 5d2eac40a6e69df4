"""Backup and restore: every table as a Parquet file, the schema version and checksums; restore into a new file.

A backup folder holds

- ``<table>.parquet`` for every table of the database (found from ``information_schema``, so a table a
  new migration adds is backed up without a change here), ``_migrations`` and ``audit_log`` included;
- ``schema.json``: the schema version (the ordered names of the applied migrations), each table's
  columns and row count, the sequences' last values, the tracker and DuckDB versions and the time;
- ``SHA256SUMS``: the sha256 of every other file, in the format of ``sha256sum`` (``sha256sum -c`` checks it).

Every table is read in one transaction, so a backup taken while the app writes is one consistent moment.

A restore does not replay DuckDB's ``EXPORT DATABASE`` DDL (which loses named ENUM types, TECH-NOTES
§3.8): it creates the schema with this code's own frozen migrations up to the backup's version, loads
the rows (parents before children, for the foreign keys), moves every sequence past the restored ids and
then migrates to the current version. Parquet keeps DATE, TIMESTAMP (microseconds, no time zone),
TIMESTAMPTZ (the instant), BOOLEAN, DOUBLE, DECIMAL, BIGINT, lists and structs as they are; a 128-bit
integer, which Parquet would make a DOUBLE, is stored as text. The rows are inserted by column name into
the migrated tables, so each value gets its column's exact type back (an ENUM too, which Parquet holds
as text). The restore is written to a work
file next to the target and moved into place only when complete: a failure leaves no half-restored file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

from tracker.errors import BackupError, StorageError, os_reason
from tracker.store.connection import Connection, open_connection, reading, transaction
from tracker.store.migrations import apply_migrations, migrations

MANIFEST = "schema.json"
CHECKSUMS = "SHA256SUMS"
FORMAT = "st-tracker-backup"
FORMAT_VERSION = 1
# The folders the app and the schedule create under the backup folder: st-tracker-20260131T140509Z(-2).
FOLDER_PREFIX = "st-tracker-"
_FOLDER_RE = re.compile(r"^st-tracker-\d{8}T\d{6}Z(-\d+)?$")
_NEXTVAL_RE = re.compile(r"nextval\('([^']+)'\)")
_CHUNK = 1 << 20
_AS_TEXT = frozenset({"HUGEINT", "UHUGEINT"})


@dataclass(frozen=True)
class BackupInfo:
    """One backup: its folder, when it was taken (UTC), the schema version and each table's rows."""

    path: Path
    created_at: datetime
    migrations: tuple[str, ...]
    tables: Mapping[str, int]
    tracker_version: str
    size: int = 0  # bytes of every file in the folder

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def schema_version(self) -> str:
        return self.migrations[-1] if self.migrations else ""


@dataclass(frozen=True)
class RestoreInfo:
    """A restored database: the file, the backup's schema version, the migrations run after loading and
    each table's restored rows."""

    db_path: Path
    backup: BackupInfo
    migrated: tuple[str, ...]
    tables: Mapping[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def tracker_version() -> str:
    try:
        return metadata.version("st-tracker")
    except metadata.PackageNotFoundError:
        return "okänd"


# --- backup ---------------------------------------------------------------------------------------


def _q(name: str) -> str:
    """An identifier, quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


def _tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    rows = cur.execute(
        """SELECT table_name FROM information_schema.tables
           WHERE table_catalog = current_database() AND table_schema = 'main' AND table_type = 'BASE TABLE'
           ORDER BY table_name"""
    ).fetchall()
    return [str(r[0]) for r in rows]


def _columns(cur: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, str | None]]]:
    """Each table's columns in order: (name, type, default)."""
    rows = cur.execute(
        """SELECT table_name, column_name, data_type, column_default FROM information_schema.columns
           WHERE table_catalog = current_database() AND table_schema = 'main'
           ORDER BY table_name, ordinal_position"""
    ).fetchall()
    found: dict[str, list[tuple[str, str, str | None]]] = {}
    for table, column, kind, default in rows:
        found.setdefault(str(table), []).append((str(column), str(kind), None if default is None else str(default)))
    return found


def _sequences(cur: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    rows = cur.execute(
        """SELECT sequence_name, last_value FROM duckdb_sequences()
           WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
           ORDER BY sequence_name"""
    ).fetchall()
    return {str(name): None if last is None else int(last) for name, last in rows}


def _as_stored(column: str, kind: str) -> str:
    """A column as the backup stores it: Parquet would turn a 128-bit integer into a DOUBLE (losing digits),
    so those are written as text, which the restore's INSERT casts back exactly."""
    if kind in _AS_TEXT:
        return f"CAST({_q(column)} AS VARCHAR) AS {_q(column)}"
    return _q(column)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _prepare_folder(directory: Path) -> bool:
    """Make sure ``directory`` is an empty folder; True if it was created here."""
    if directory.exists():
        if not directory.is_dir():
            raise BackupError(f"{directory} är en fil, inte en mapp; ange en ny eller tom mapp för säkerhetskopian.")
        if (directory / MANIFEST).exists() or (directory / CHECKSUMS).exists():
            raise BackupError(
                f"Mappen {directory} innehåller redan en säkerhetskopia; den skrivs inte över. Ange en ny eller tom mapp."
            )
        if any(directory.iterdir()):
            raise BackupError(f"Mappen {directory} är inte tom; ange en ny eller tom mapp för säkerhetskopian.")
        return False
    try:
        directory.mkdir(parents=True)
    except OSError as exc:
        raise BackupError(f"Mappen {directory} kan inte skapas: {os_reason(exc)}.") from exc
    return True


def backup(con: Connection, directory: str | Path) -> BackupInfo:
    """Write a backup of the whole database into ``directory`` (new or empty; an existing backup is never
    overwritten). All tables are read in one transaction."""
    target = Path(directory)
    created = _prepare_folder(target)
    written: list[Path] = []
    try:
        taken = datetime.now(UTC)
        with transaction(con) as cur:
            version = _migration_names(cur)
            columns = _columns(cur)
            tables: dict[str, int] = {}
            for table in _tables(cur):
                file = target / f"{table}.parquet"
                written.append(file)
                select = ", ".join(_as_stored(c, t) for c, t, _ in columns[table])
                row = cur.execute(
                    f"COPY (SELECT {select} FROM {_q(table)} ORDER BY ALL) TO ? (FORMAT parquet, COMPRESSION zstd)",
                    [str(file)],
                ).fetchone()
                tables[table] = int(row[0]) if row else 0
            sequences = _sequences(cur)
        info = BackupInfo(target, taken, tuple(version), tables, tracker_version())
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": taken.isoformat().replace("+00:00", "Z"),
            "tracker_version": info.tracker_version,
            "duckdb_version": duckdb.__version__,
            "schema_version": list(version),
            "tables": [
                {
                    "name": table,
                    "file": f"{table}.parquet",
                    "rows": rows,
                    "columns": [{"name": c, "type": t} for c, t, _ in columns.get(table, [])],
                }
                for table, rows in tables.items()
            ],
            "sequences": sequences,
        }
        written.append(target / MANIFEST)
        (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        sums = "".join(f"{_sha256(f)}  {f.name}\n" for f in sorted(written, key=lambda p: p.name))
        written.append(target / CHECKSUMS)
        (target / CHECKSUMS).write_text(sums, encoding="utf-8")
    except BaseException as exc:
        _remove_written(target, written, created)
        if isinstance(exc, OSError):
            raise BackupError(f"Säkerhetskopian kunde inte skrivas till {target}: {os_reason(exc)}.") from exc
        raise
    return BackupInfo(target, taken, tuple(version), tables, info.tracker_version, _folder_size(target))


def _migration_names(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The applied migrations, in order, read on the backup's own cursor (its transaction's snapshot)."""
    exists = cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = 'main' AND table_name = '_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    return [str(r[0]) for r in cur.execute("SELECT name FROM _migrations ORDER BY applied_at, name").fetchall()]


def _remove_written(target: Path, written: Iterable[Path], created: bool) -> None:
    """Undo a failed backup: the files it wrote, and the folder if it made it."""
    for f in written:
        try:
            f.unlink(missing_ok=True)
        except OSError:
            pass
    if created:
        shutil.rmtree(target, ignore_errors=True)


def _folder_size(directory: Path) -> int:
    return sum(f.stat().st_size for f in directory.iterdir() if f.is_file())


# --- the backup folder of the app and the schedule -------------------------------------------------


def backup_into(con: Connection, root: str | Path) -> BackupInfo:
    """A backup in a new timestamped folder under ``root`` (``st-tracker-20260131T140509Z``). It is written
    under a hidden name and renamed when complete, so a listing never shows a half-written backup."""
    base = Path(root)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Mappen för säkerhetskopior {base} kan inte skapas: {os_reason(exc)}.") from exc
    name, n = f"{FOLDER_PREFIX}{stamp}", 1
    while True:  # the work folder is claimed by creating it, so two backups at once never share one
        partial = base / f".{name}.partial"
        if not (base / name).exists():
            try:
                partial.mkdir()
                break
            except FileExistsError:
                pass
            except OSError as exc:
                raise BackupError(f"Säkerhetskopian kunde inte skrivas i {base}: {os_reason(exc)}.") from exc
        n += 1
        name = f"{FOLDER_PREFIX}{stamp}-{n}"
    try:
        info = backup(con, partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    final = base / name
    try:
        partial.rename(final)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"Säkerhetskopian kunde inte sparas som {final}: {os_reason(exc)}.") from exc
    return BackupInfo(final, info.created_at, info.migrations, info.tables, info.tracker_version, info.size)


def read_backup(directory: str | Path) -> BackupInfo:
    """What ``schema.json`` of a backup says (without checking the checksums: ``verify_backup`` does)."""
    folder = Path(directory)
    manifest = _manifest(folder)
    return _info(folder, manifest, _folder_size(folder))


def list_backups(root: str | Path) -> list[BackupInfo]:
    """The complete backups in the folders directly under ``root``, newest first (a folder without its
    checksum file, e.g. one being written, is left out)."""
    base = Path(root)
    if not base.is_dir():
        return []
    found: list[BackupInfo] = []
    for folder in base.iterdir():
        if folder.name.startswith(".") or not folder.is_dir() or not (folder / CHECKSUMS).is_file():
            continue
        try:
            found.append(read_backup(folder))
        except (BackupError, OSError):
            continue
    return sorted(found, key=lambda b: (b.created_at, b.name), reverse=True)


def prune_backups(root: str | Path, keep: int) -> list[Path]:
    """Remove the oldest of the timestamped backups under ``root`` beyond the newest ``keep``; other
    folders are never touched. The removed folders."""
    timestamped = [b for b in list_backups(root) if _FOLDER_RE.match(b.name)]
    removed: list[Path] = []
    for old in timestamped[max(keep, 1) :]:
        shutil.rmtree(old.path, ignore_errors=True)
        removed.append(old.path)
    return removed


def backup_zip(directory: str | Path) -> bytes:
    """A backup folder as one zip archive (the folder's name at its root, so that unpacking gives a folder
    ``tracker restore`` reads). The Parquet files are stored as they are, being compressed already."""
    import io

    folder = Path(directory)
    if not (folder / CHECKSUMS).is_file():
        raise BackupError(f"{folder} är ingen fullständig säkerhetskopia.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for f in sorted(folder.iterdir()):
            if f.is_file():
                kind = zipfile.ZIP_STORED if f.suffix == ".parquet" else zipfile.ZIP_DEFLATED
                zf.write(f, f"{folder.name}/{f.name}", compress_type=kind)
    return buffer.getvalue()


# --- verification -------------------------------------------------------------------------------------


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"Säkerhetskopian i {folder} saknar filen {MANIFEST}; inget återställdes.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"Filen {MANIFEST} i säkerhetskopian {folder} kan inte läsas; inget återställdes.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"Filen {MANIFEST} i {folder} beskriver ingen säkerhetskopia av ST-trackern.")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(
            f"Säkerhetskopian i {folder} är skriven i ett nyare format än den här versionen av ST-trackern läser. "
            "Uppdatera ST-trackern och försök igen."
        )
    tables = manifest.get("tables")
    version = manifest.get("schema_version")
    if not isinstance(tables, list) or not isinstance(version, list) or not version:
        raise BackupError(f"Filen {MANIFEST} i {folder} saknar tabellerna eller schemaversionen; inget återställdes.")
    return manifest


def _info(folder: Path, manifest: Mapping[str, Any], size: int) -> BackupInfo:
    try:
        created = datetime.fromisoformat(str(manifest["created_at"]).replace("Z", "+00:00"))
        tables = {str(t["name"]): int(t["rows"]) for t in manifest["tables"]}
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"Filen {MANIFEST} i {folder} är ofullständig; inget återställdes.") from exc
    return BackupInfo(
        folder,
        created if created.tzinfo else created.replace(tzinfo=UTC),
        tuple(str(m) for m in manifest["schema_version"]),
        tables,
        str(manifest.get("tracker_version", "")),
        size,
    )


def _checksums(folder: Path) -> dict[str, str]:
    path = folder / CHECKSUMS
    if not path.is_file():
        raise BackupError(
            f"Säkerhetskopian i {folder} saknar kontrollsummorna ({CHECKSUMS}); den kan inte kontrolleras och återställs inte."
        )
    sums: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-f]{64}) [ *]([^/\\]+)", line.strip())
        if match is None or match.group(2) in (".", ".."):
            raise BackupError(f"Rad {n} i {CHECKSUMS} i {folder} kan inte läsas; inget återställdes.")
        sums[match.group(2)] = match.group(1)
    return sums


def verify_backup(directory: str | Path) -> BackupInfo:
    """Check every file of a backup against ``SHA256SUMS`` (a changed or missing file is an error naming
    it) and that its schema is one this code can restore; nothing is written."""
    folder = Path(directory)
    if folder.is_file() and folder.suffix.lower() == ".zip":  # the app's download
        raise BackupError(f"{folder} är en zip-fil: packa upp den först och ange mappen den innehåller.")
    if folder.is_file():
        raise BackupError(f"{folder} är en fil; ange mappen som säkerhetskopian ligger i.")
    if not folder.is_dir():
        raise BackupError(f"Mappen {folder} finns inte.")
    sums = _checksums(folder)
    for name, expected in sorted(sums.items()):
        file = folder / name
        if not file.is_file():
            raise BackupError(f"Filen {name} saknas i säkerhetskopian {folder}; inget återställdes.")
        if _sha256(file) != expected:
            raise BackupError(
                f"Filen {name} i säkerhetskopian {folder} stämmer inte med sin kontrollsumma (den är ändrad eller "
                "skadad); inget återställdes."
            )
    if MANIFEST not in sums:
        raise BackupError(f"Filen {MANIFEST} saknas i {CHECKSUMS} i {folder}; inget återställdes.")
    manifest = _manifest(folder)
    for t in manifest["tables"]:
        name = str(t.get("file", "")) if isinstance(t, dict) else ""
        if name not in sums:
            raise BackupError(f"Filen {name or '?'} saknas i {CHECKSUMS} i {folder}; inget återställdes.")
    info = _info(folder, manifest, _folder_size(folder))
    _check_schema(folder, info.migrations)
    return info


def _check_schema(folder: Path, version: tuple[str, ...]) -> None:
    known = [m.name for m in migrations()]
    unknown = [m for m in version if m not in known]
    if unknown:
        raise BackupError(
            f"Säkerhetskopian i {folder} har ett nyare schema än den här versionen av ST-trackern känner till "
            f"(okända migreringar: {', '.join(unknown)}). Uppdatera ST-trackern och återställ sedan."
        )
    if set(version) != set(known[: len(version)]):
        raise BackupError(
            f"Säkerhetskopian i {folder} har en schemaversion som inte går att återskapa "
            f"({', '.join(version)}); inget återställdes."
        )


# --- restore ------------------------------------------------------------------------------------------


def _require_new_target(target: Path) -> None:
    """The target is a new file, or an empty database (nothing in it)."""
    if str(target) == ":memory:":
        raise BackupError("Ange en databasfil att återställa till (--db NY.duckdb).")
    if not target.exists() or (target.is_file() and target.stat().st_size == 0):
        return
    if target.is_dir():
        raise BackupError(f"{target} är en mapp; ange en ny databasfil att återställa till.")
    con = open_connection(str(target), read_only=True)
    try:
        with reading(con) as cur:
            row = cur.execute(
                "SELECT (SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()) "
                "+ (SELECT count(*) FROM duckdb_sequences() WHERE database_name = current_database())"
            ).fetchone()
    finally:
        con.close()
    if row and row[0]:
        raise BackupError(
            f"Databasen {target} är inte tom; en säkerhetskopia återställs bara till en ny fil. "
            "Ange en ny fil med --db och peka sedan TRACKER_DB på den."
        )


def _load_order(cur: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> list[str]:
    """Tables with every table a foreign key references before it (by name among equals)."""
    names = sorted(set(tables))
    parents: dict[str, set[str]] = {t: set() for t in names}
    for child, parent in cur.execute(
        """SELECT table_name, referenced_table FROM duckdb_constraints()
           WHERE constraint_type = 'FOREIGN KEY' AND database_name = current_database()"""
    ).fetchall():
        if str(child) in parents and str(parent) in parents and child != parent:
            parents[str(child)].add(str(parent))
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(names):
        ready = [t for t in names if t not in done and parents[t] <= done]
        if not ready:  # a cycle: the rest by name
            ready = [t for t in names if t not in done]
        for t in ready:
            order.append(t)
            done.add(t)
    return order


def _load(cur: duckdb.DuckDBPyConnection, folder: Path, manifest: Mapping[str, Any]) -> dict[str, int]:
    """Load every table's rows into the freshly migrated schema; each table's row count checked."""
    described = {str(t["name"]): t for t in manifest["tables"]}
    columns = _columns(cur)
    schema_tables = set(_tables(cur))
    missing = sorted(schema_tables - set(described))
    if missing:
        raise BackupError(f"Säkerhetskopian i {folder} saknar tabellerna {', '.join(missing)}; inget återställdes.")
    extra = sorted(set(described) - schema_tables)
    if extra:
        raise BackupError(
            f"Säkerhetskopian i {folder} har tabeller som schemat {manifest['schema_version'][-1]} inte har: "
            f"{', '.join(extra)}; inget återställdes."
        )
    for table, t in described.items():
        theirs = [str(c["name"]) for c in t.get("columns", [])]
        ours = [c for c, _, _ in columns[table]]
        if theirs and theirs != ours:
            raise BackupError(
                f"Tabellen {table} i säkerhetskopian {folder} har andra kolumner än schemat; inget återställdes."
            )
    order = _load_order(cur, described)
    # Rows a migration wrote while the schema was created (e.g. _migrations) give way to the backup's.
    for table in reversed(order):
        cur.execute(f"DELETE FROM {_q(table)}")
    restored: dict[str, int] = {}
    for table in order:
        cols = ", ".join(_q(c) for c, _, _ in columns[table])
        file = folder / str(described[table]["file"])
        cur.execute(f"INSERT INTO {_q(table)} ({cols}) SELECT {cols} FROM read_parquet(?)", [str(file)])
        row = cur.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()
        restored[table] = int(row[0]) if row else 0
        if restored[table] != int(described[table]["rows"]):
            raise BackupError(
                f"Tabellen {table} fick {restored[table]} rader men säkerhetskopian anger {described[table]['rows']}; "
                "inget återställdes."
            )
    return restored


def _advance_sequences(cur: duckdb.DuckDBPyConnection, recorded: Mapping[str, Any]) -> None:
    """Move every sequence past the largest id restored into a column it numbers (and past the value it
    had when the backup was taken), so that new rows get fresh ids."""
    wanted: dict[str, int] = {str(name): int(v) for name, v in recorded.items() if v is not None}
    for table, cols in _columns(cur).items():
        for column, _, default in cols:
            match = _NEXTVAL_RE.search(default or "")
            if match is None:
                continue
            row = cur.execute(f"SELECT max({_q(column)}) FROM {_q(table)}").fetchone()
            if row and row[0] is not None:
                wanted[match.group(1)] = max(wanted.get(match.group(1), 0), int(row[0]))
    current = _sequences(cur)
    for name, target in sorted(wanted.items()):
        if name not in current:
            continue
        steps = target - (current[name] or 0)
        if steps > 0:
            cur.execute(f"SELECT max(nextval('{name.replace(chr(39), chr(39) * 2)}')) FROM range(?)", [steps])


def _remove_database(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        try:
            p.unlink(missing_ok=True)
        except OSError:
            pass


def restore(directory: str | Path, db_path: str | Path) -> RestoreInfo:
    """Restore a backup into a new database file ``db_path`` and migrate it to the current schema.

    Every checksum and the schema version are checked before anything is written; the target must be a
    new file (or an empty database)."""
    folder = Path(directory)
    target = Path(db_path)
    info = verify_backup(folder)
    manifest = _manifest(folder)
    _require_new_target(target)
    work = target.with_name(f".{target.name}.restoring")
    _remove_database(work)
    try:
        con = open_connection(str(work))
        try:
            apply_migrations(con, upto=info.migrations[-1])
            with transaction(con) as cur:
                restored = _load(cur, folder, manifest)
                _advance_sequences(cur, manifest.get("sequences") or {})
            migrated = apply_migrations(con)
            with reading(con) as cur:
                cur.execute("CHECKPOINT")
        finally:
            con.close()
        _require_new_target(target)
        os.replace(work, target)
    except duckdb.Error as exc:
        _remove_database(work)
        raise StorageError(f"Säkerhetskopian i {folder} kunde inte återställas: {exc}") from exc
    except OSError as exc:
        _remove_database(work)
        raise BackupError(f"Databasen {target} kunde inte skrivas: {os_reason(exc)}.") from exc
    except BaseException:
        _remove_database(work)
        raise
    return RestoreInfo(target, info, tuple(migrated), restored)
