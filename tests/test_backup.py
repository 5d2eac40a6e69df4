"""Backup and restore (docs/backup.md): every table survives backup → restore → backup row by row, a backup
that was changed, is incomplete or comes from a newer schema is refused before anything is written, an older
one is migrated, ids keep counting, only administrators back up from the app, and the schedule keeps the newest.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from appdb import actor, app_copy
from rows import insert_rows
from streamlit.testing.v1 import AppTest

from tracker import services
from tracker.cli import main
from tracker.config import Settings
from tracker.demo import load_demo
from tracker.errors import AccessDenied, BackupError
from tracker.services.backups import next_backup_in, scheduled_backup
from tracker.store import Connection, applied_migrations, apply_migrations, connect, migrations, schema
from tracker.store.backup import CHECKSUMS, MANIFEST, backup, backup_zip, list_backups, read_backup, restore
from tracker.store.connection import open_connection

D = date.fromisoformat
TODAY = date.today()
ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
PAGES = "dashboards/pages"


# --- helpers --------------------------------------------------------------------------------------------


def contents(con: Connection) -> dict[str, tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]:
    """Every table of the database: its columns (name, type) and all its rows in a fixed order."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]
    return {
        t: (
            [(r[0], r[1]) for r in con.execute(f'DESCRIBE "{t}"').fetchall()],
            con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall(),
        )
        for t in tables
    }


def contents_of(path: Path) -> dict[str, tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]:
    con = connect(path, migrate=False, read_only=True)
    try:
        return contents(con)
    finally:
        con.close()


def parquet_rows(folder: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each Parquet file of a backup, row by row."""
    con = duckdb.connect()
    try:
        return {
            f.stem: con.execute("SELECT * FROM read_parquet(?) ORDER BY ALL", [str(f)]).fetchall()
            for f in sorted(folder.glob("*.parquet"))
        }
    finally:
        con.close()


def sequences(path: Path) -> dict[str, int | None]:
    con = connect(path, migrate=False, read_only=True)
    try:
        return dict(con.execute("SELECT sequence_name, last_value FROM duckdb_sequences()").fetchall())
    finally:
        con.close()


def rewrite(folder: Path, name: str, change: Callable[[bytes], bytes], *, fix_checksum: bool) -> None:
    """Change one file of a backup; with ``fix_checksum`` its line in SHA256SUMS is made to match."""
    path = folder / name
    path.write_bytes(change(path.read_bytes()))
    if fix_checksum:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines = (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines()
        fixed = [f"{digest}  {name}" if line.endswith(f"  {name}") else line for line in lines]
        (folder / CHECKSUMS).write_text("\n".join(fixed) + "\n", encoding="utf-8")



def small_database(path: Path, *, upto: str | None = None) -> None:
    """A hand-made database (at the schema ``upto``, or the current one): every kind of value the schema
    holds (dates, timestamps with microseconds, booleans, doubles, NULLs, Swedish letters), rows in tables
    with sequence ids and foreign keys, one deleted row (so a sequence is past the largest id)."""
    con = open_connection(str(path))
    apply_migrations(con, upto=upto)
    insert_rows(con, "meta", [{"key": "note", "value": "Åsa's ö-test"}])
    insert_rows(con, "region", [{"region_id": "R1", "name": "Region Norr"}])
    insert_rows(
        con,
        "unit",
        [
            {
                "unit_id": "U1",
                "name": "VC Älvsbyn",
                "region_id": "R1",
                "area": "Öst",
                "kind": "vardcentral",
                "st_approved": True,
                "st_places": 3,
            }
        ],
    )
    insert_rows(
        con,
        "person",
        [
            {
                "person_id": "pA",
                "name": "Anna Åberg",
                "email": "anna@example.se",
                "failed_logins": 2,
                "locked_until": datetime(2026, 3, 1, 8, 30, 15, 123456),
                "is_specialist": False,
            },
            {"person_id": "pAdm", "name": "Adam Admin", "email": "adm@example.se", "is_specialist": True},
            {"person_id": "pS", "name": "Sara Studierektor", "email": "sr@example.se"},
        ],
    )
    insert_rows(
        con,
        "role_assignment",
        [
            {"person_id": "pA", "role": "st_lakare"},
            {"person_id": "pAdm", "role": "admin"},
            {"person_id": "pS", "role": "studierektor", "region_id": "R1"},
        ],
    )
    insert_rows(
        con,
        "trainee",
        [
            {
                "trainee_id": "TA",
                "person_id": "pA",
                "name": "Anna Åberg",
                "specialty": "Allmänmedicin",
                "legitimation_date": D("2022-06-01"),
                "swedish_at": True,
                "st_start_date": D("2023-01-01"),
                "doktorsexamen": False,
                "bt_approved_date": None,
                "unit_id": "U1",
            }
        ],
    )
    for start, end, percent in [
        ("2023-01-01", "2023-06-30", 100.0),
        ("2023-07-01", "2023-12-31", 75.5),
        ("2024-01-01", "2024-02-29", 50.0),
    ]:
        insert_rows(
            con,
            "placement",
            [
                {
                    "trainee_id": "TA",
                    "kind": "BT",
                    "setting": "primarvard",
                    "workplace": "Vårdcentralen",
                    "unit_id": "U1",
                    "start_date": D(start),
                    "end_date": D(end),
                    "percent": percent,
                }
            ],
        )
    con.execute("DELETE FROM placement WHERE placement_id = (SELECT max(placement_id) FROM placement)")
    insert_rows(con, "credit", [{"trainee_id": "TA", "kind": "annan", "months": 1.25, "note": "Öppen fråga"}])
    insert_rows(
        con,
        "audit_log",
        [
            {
                "logged_at": datetime(2026, 1, 2, 3, 4, 5, 678901),
                "actor_person_id": "pAdm",
                "action": "add",
                "entity": "placement",
                "entity_id": "1",
                "trainee_id": "TA",
                "before_json": None,
                "after_json": json.dumps({"workplace": "Vårdcentralen"}, ensure_ascii=False),
            },
            {
                "logged_at": datetime(2026, 1, 2, 3, 4, 6),
                "actor_person_id": None,
                "action": "login_failed",
                "entity": "person",
                "entity_id": "anna@example.se",
                "trainee_id": None,
                "before_json": None,
                "after_json": None,
            },
        ],
    )
    insert_rows(
        con,
        "oidc_identity",
        [
            {
                "subject": "tid:x|oid:y",
                "person_id": "pS",
                "linked_at": datetime(2025, 12, 31, 23, 59, 59, 999999),
                "linked_by": "admin",
            }
        ],
    )
    names = [m.name for m in migrations()]
    if upto is None or names.index(upto) >= names.index("m006_region_records"):
        insert_rows(con, "trainee_personal", [{"trainee_id": "TA", "personnummer": "19900101-1234"}])
        insert_rows(
            con,
            "one_time_code",
            [
                {
                    "code_hash": "h1",
                    "person_id": "pA",
                    "purpose": "reset",
                    "created_at": datetime(2026, 1, 1, 9, 0),
                    "expires_at": datetime(2026, 1, 8, 9, 0),
                    "used_at": None,
                    "created_by": "pAdm",
                }
            ],
        )
    con.close()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data, loaded with ``tracker demo``, plus rows the demo leaves empty (an audit row, a code)."""
    path = tmp_path_factory.mktemp("backup") / "demo.duckdb"
    assert main(["demo", "--db", str(path), "--trainees", "25", "--seed", "7", "--as-of", "2026-01-15"]) == 0
    con = connect(path)
    pid = con.execute("SELECT person_id FROM person WHERE email = 'admin@demo.se'").fetchone()[0]
    admin = actor(con, pid)
    st = con.execute("SELECT person_id FROM person WHERE email = 'st@demo.se'").fetchone()[0]
    services.issue_password_code(con, admin, st, purpose="reset")
    con.close()
    return path


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    path = tmp_path / "small.duckdb"
    small_database(path)
    return path


@pytest.fixture
def small_backup(small_db: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "backup"
    con = connect(small_db, migrate=False)
    backup(con, folder)
    con.close()
    return folder


# --- round trips -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["demo", "small"])
def test_backup_restore_backup_gives_identical_tables_row_by_row(
    source: str, demo_db: Path, small_db: Path, tmp_path: Path
) -> None:
    db = demo_db if source == "demo" else small_db
    first, second, restored = tmp_path / "first", tmp_path / "second", tmp_path / "restored.duckdb"
    assert main(["backup", str(first), "--db", str(db)]) == 0
    assert main(["restore", str(first), "--db", str(restored)]) == 0
    assert main(["backup", str(second), "--db", str(restored)]) == 0

    original, copy = contents_of(db), contents_of(restored)
    assert sorted(copy) == sorted(original)
    for table in original:
        assert copy[table] == original[table], table  # columns with their types, and every row
    assert sequences(restored) == sequences(db)
    assert parquet_rows(second) == parquet_rows(first)
    a, b = json.loads((first / MANIFEST).read_text()), json.loads((second / MANIFEST).read_text())
    for key in ("schema_version", "tables", "sequences"):
        assert a[key] == b[key]
    # Every table is in the backup, found from the database itself (audit log and _migrations included).
    assert {t["name"] for t in a["tables"]} == set(original) >= {"_migrations", "audit_log", "trainee", "certificate"}
    assert a["schema_version"] == [m.name for m in migrations()]
    assert {t["name"]: t["rows"] for t in a["tables"]} == {t: len(rows) for t, (_, rows) in original.items()}
    if source == "demo":
        assert min(len(original[t][1]) for t in ("trainee", "certificate", "audit_log", "one_time_code")) > 0


def test_the_checksum_file_is_the_format_of_sha256sum(small_backup: Path) -> None:
    lines = (small_backup / CHECKSUMS).read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    files = {f.name for f in small_backup.iterdir()} - {CHECKSUMS}
    assert set(listed) == files
    assert all(hashlib.sha256((small_backup / n).read_bytes()).hexdigest() == h for n, h in listed.items())


def _m900_every_type(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("CREATE TYPE mood AS ENUM ('glad', 'ledsen')")
    cur.execute(
        """CREATE TABLE every_type (
            id INTEGER PRIMARY KEY, words VARCHAR[], numbers INTEGER[], pair STRUCT(a INTEGER, b VARCHAR),
            stamp TIMESTAMP, instant TIMESTAMPTZ, day DATE, clock TIME, span INTERVAL, flag BOOLEAN,
            ratio DOUBLE, money DECIMAL(18, 3), huge HUGEINT, unsigned UBIGINT, uid UUID, raw BLOB, feeling mood
        )"""
    )


def test_lists_timestamps_dates_booleans_and_wide_integers_survive_parquet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table of a future migration with every kind of column: each value comes back exactly (a HUGEINT
    too, which Parquet alone would turn into a DOUBLE; an ENUM, which it holds as text)."""
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, _m900_every_type))
    db = tmp_path / "types.duckdb"
    con = connect(db)
    con.execute(
        """INSERT INTO every_type VALUES
           (1, ['å', 'ä', NULL], [1, 2], {'a': 1, 'b': 'ö'}, '1850-01-01 00:00:00.000001', '2024-03-31 02:30:00+01',
            '0001-01-01', '23:59:59.999999', INTERVAL '1 month 2 days 3 hours', false, 0.1 + 0.2,
            123456789012345.678, 170141183460469231731687303715884105727, 18446744073709551615,
            'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\xAA\\x00'::BLOB, 'ledsen'),
           (2, [], [], NULL, 'infinity', NULL, '9999-12-31', NULL, NULL, true, 'nan', NULL, -1, 0, NULL, '', NULL),
           (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"""
    )
    backup(con, tmp_path / "b")
    con.close()
    restore(tmp_path / "b", tmp_path / "restored.duckdb")
    original, copy = contents_of(db)["every_type"], contents_of(tmp_path / "restored.duckdb")["every_type"]
    assert copy[0] == original[0]
    assert repr(copy[1]) == repr(original[1])  # repr: NaN compares unequal to itself


# --- refusals --------------------------------------------------------------------------------------------


def test_restore_refuses_a_changed_parquet_file_and_writes_nothing(small_backup: Path, tmp_path: Path) -> None:
    rewrite(small_backup, "placement.parquet", lambda b: b[:-9] + bytes([b[-9] ^ 1]) + b[-8:], fix_checksum=False)
    target = tmp_path / "new.duckdb"
    with pytest.raises(BackupError, match=r"placement\.parquet .*kontrollsumma"):
        restore(small_backup, target)
    assert not target.exists()
    assert list(tmp_path.glob("*.restoring*")) == []


@pytest.mark.parametrize("missing", ["trainee.parquet", MANIFEST, CHECKSUMS])
def test_restore_refuses_a_backup_with_a_missing_file_naming_it(
    missing: str, small_backup: Path, tmp_path: Path
) -> None:
    (small_backup / missing).unlink()
    target = tmp_path / "new.duckdb"
    with pytest.raises(BackupError, match=missing.replace(".", r"\.")):
        restore(small_backup, target)
    assert not target.exists()


def test_restore_refuses_a_table_file_left_out_of_the_checksums(small_backup: Path, tmp_path: Path) -> None:
    lines = (small_backup / CHECKSUMS).read_text(encoding="utf-8").splitlines()
    (small_backup / CHECKSUMS).write_text("\n".join(x for x in lines if "unit.parquet" not in x) + "\n")
    with pytest.raises(BackupError, match=r"unit\.parquet saknas i SHA256SUMS"):
        restore(small_backup, tmp_path / "new.duckdb")


def test_restore_refuses_a_backup_of_a_newer_schema(small_backup: Path, tmp_path: Path) -> None:
    def newer(raw: bytes) -> bytes:
        manifest = json.loads(raw)
        manifest["schema_version"].append("m999_from_a_newer_version")
        return json.dumps(manifest).encode()

    rewrite(small_backup, MANIFEST, newer, fix_checksum=True)
    target = tmp_path / "new.duckdb"
    with pytest.raises(BackupError, match=r"nyare schema.*m999_from_a_newer_version.*Uppdatera ST-trackern"):
        restore(small_backup, target)
    assert not target.exists()


def test_restore_refuses_a_target_database_that_is_not_empty(small_backup: Path, tmp_path: Path) -> None:
    target = tmp_path / "in_use.duckdb"
    connect(target).close()  # tracker init: the schema, no records
    before = target.read_bytes()
    with pytest.raises(BackupError, match="inte tom"):
        restore(small_backup, target)
    assert target.read_bytes() == before


def test_restore_into_an_existing_empty_database_file(small_backup: Path, small_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "empty.duckdb"
    duckdb.connect(str(target)).close()
    restore(small_backup, target)
    assert contents_of(target) == contents_of(small_db)


def test_backup_refuses_a_folder_that_holds_a_backup_or_anything_else(
    small_db: Path, small_backup: Path, tmp_path: Path
) -> None:
    con = connect(small_db, migrate=False)
    try:
        before = {f.name: f.read_bytes() for f in small_backup.iterdir()}
        with pytest.raises(BackupError, match="innehåller redan en säkerhetskopia"):
            backup(con, small_backup)
        assert {f.name: f.read_bytes() for f in small_backup.iterdir()} == before
        other = tmp_path / "other"
        other.mkdir()
        (other / "notes.txt").write_text("mine")
        with pytest.raises(BackupError, match="inte tom"):
            backup(con, other)
        assert [f.name for f in other.iterdir()] == ["notes.txt"]
        empty = tmp_path / "empty"
        empty.mkdir()
        assert backup(con, empty).rows == read_backup(small_backup).rows
    finally:
        con.close()


# --- schemas and ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("older", ["m006_region_records", "m007_personal_details"])
def test_a_backup_of_an_older_schema_is_restored_and_migrated(tmp_path: Path, older: str) -> None:
    names = [m.name for m in migrations()]
    db = tmp_path / "old.duckdb"
    small_database(db, upto=older)
    con = open_connection(str(db))
    old_history = con.execute("SELECT name, applied_at FROM _migrations ORDER BY applied_at").fetchall()
    backup(con, tmp_path / "b")
    con.close()
    assert read_backup(tmp_path / "b").migrations == tuple(names[: names.index(older) + 1])
    before = contents_of(db)

    done = restore(tmp_path / "b", tmp_path / "new.duckdb")
    assert done.migrated == tuple(names[names.index(older) + 1 :])
    new = connect(tmp_path / "new.duckdb", migrate=False)
    try:
        assert applied_migrations(new, create=False) == names
        # The history keeps when each old migration was applied.
        assert (
            new.execute("SELECT name, applied_at FROM _migrations ORDER BY applied_at").fetchall()[: len(old_history)]
            == old_history
        )
        assert new.execute("SELECT personnummer FROM trainee_personal").fetchall() == [("19900101-1234",)]
        assert new.execute("SELECT percent FROM placement ORDER BY placement_id").fetchall() == [(100.0,), (75.5,)]
        assert new.execute("SELECT locked_until FROM person WHERE person_id = 'pA'").fetchall() == [
            (datetime(2026, 3, 1, 8, 30, 15, 123456),)
        ]
        # Every row of the tables the later migrations rebuilt with the same columns (m008: trainee and
        # every table that references it) is restored as it was.
        after = contents(new)
        for table in ("trainee", "placement", "leave", "credit", "certificate", "certificate_delmal", "supervision"):
            assert after[table] == before[table], table
    finally:
        new.close()


def test_after_a_restore_new_rows_get_fresh_ids(small_backup: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.duckdb"
    restore(small_backup, target)
    con = connect(target)
    try:
        # The third placement (id 3) was deleted before the backup: its id is not handed out again.
        assert con.execute("SELECT max(placement_id) FROM placement").fetchone() == (2,)
        new_ids = {
            table: con.execute(sql).fetchone()[0]
            for table, sql in {
                "placement": "INSERT INTO placement (trainee_id, kind, setting, start_date, end_date, percent) "
                "VALUES ('TA', 'ST', 'primarvard', '2024-03-01', '2024-03-31', 100) RETURNING placement_id",
                "role_assignment": "INSERT INTO role_assignment (person_id, role) VALUES ('pS', 'handledare') RETURNING role_assignment_id",
                "audit_log": "INSERT INTO audit_log (logged_at, action, entity, entity_id) VALUES (now(), 'add', 'unit', 'U2') RETURNING audit_id",
                "credit": "INSERT INTO credit (trainee_id, kind, months) VALUES ('TA', 'annan', 1) RETURNING credit_id",
            }.items()
        }
    finally:
        con.close()
    assert new_ids == {"placement": 4, "role_assignment": 4, "audit_log": 3, "credit": 2}


# --- the service and the command line ----------------------------------------------------------------------


@pytest.mark.parametrize("person_id", ["pA", "pS"])
def test_only_an_administrator_makes_a_backup(person_id: str, small_db: Path, tmp_path: Path) -> None:
    con = connect(small_db)
    try:
        with pytest.raises(AccessDenied):
            services.make_backup(con, actor(con, person_id), tmp_path / "refused")
        with pytest.raises(AccessDenied):
            services.backup_now(con, actor(con, person_id), tmp_path / "root")
        with pytest.raises(AccessDenied):
            services.backups(con, actor(con, person_id), tmp_path / "root")
        assert not (tmp_path / "refused").exists() and not (tmp_path / "root").exists()

        info = services.make_backup(con, actor(con, "pAdm"), tmp_path / "made")
        logged = con.execute(
            "SELECT actor_person_id, action, entity, entity_id, after_json FROM audit_log WHERE action = 'backup'"
        ).fetchall()
    finally:
        con.close()
    assert [r[:4] for r in logged] == [("pAdm", "backup", "backup", "made")]
    assert json.loads(logged[0][4])["rows"] == info.rows == read_backup(tmp_path / "made").rows


def test_cli_backup_and_restore_exit_codes_and_one_line_swedish_messages(
    small_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, target, zipped = tmp_path / "b", tmp_path / "r.duckdb", tmp_path / "b.zip"
    assert main(["backup", str(folder), "--db", str(small_db)]) == 0
    zipped.write_bytes(backup_zip(folder))
    assert "Säkerhetskopian är skriven till" in capsys.readouterr().out
    assert main(["restore", str(folder), "--db", str(target)]) == 0
    assert "är återställd från" in capsys.readouterr().out

    refusals = [
        (["backup", str(folder), "--db", str(small_db)], "innehåller redan en säkerhetskopia"),
        (["restore", str(folder), "--db", str(target)], "inte tom"),
        (["restore", str(tmp_path / "nowhere"), "--db", str(tmp_path / "x.duckdb")], "finns inte"),
        (["backup", str(tmp_path / "c"), "--db", str(tmp_path / "missing.duckdb")], "finns inte"),
        (["restore", str(zipped), "--db", str(tmp_path / "y.duckdb")], "är en zip-fil: packa upp den först"),
        (["restore", str(small_db), "--db", str(tmp_path / "y.duckdb")], "är en fil; ange mappen"),
        # the system's own (English) reason is said in Swedish
        (["backup", str(small_db / "under"), "--db", str(small_db)], "en del av sökvägen är en fil, inte en mapp"),
    ]
    for argv, text in refusals:
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("tracker: ") and text in err, err
        assert "Traceback" not in err


def test_the_zip_of_a_backup_unpacks_to_a_folder_that_restores(
    small_backup: Path, small_db: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(io.BytesIO(backup_zip(small_backup))) as zf:
        zf.extractall(tmp_path / "unpacked")
    restore(tmp_path / "unpacked" / small_backup.name, tmp_path / "from_zip.duckdb")
    assert contents_of(tmp_path / "from_zip.duckdb") == contents_of(small_db)


# --- the backup folder and the schedule ------------------------------------------------------------------


def test_backups_started_at_once_each_get_a_folder_of_their_own(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three backups (two admins pressing the button, the schedule) choose their folder in the same second;
    # all then write at the same time.
    from tracker.store import backup as store_backup

    ready = threading.Barrier(3, timeout=30)
    write = store_backup.backup

    def at_once(con: Connection, directory: str | Path) -> store_backup.BackupInfo:
        ready.wait()
        return write(con, directory)

    monkeypatch.setattr(store_backup, "backup", at_once)
    root, con = tmp_path / "backups", connect(small_db)
    done: list[object] = []
    threads = [threading.Thread(target=lambda: done.append(store_backup.backup_into(con, root))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    con.close()
    made = sorted(b.name for b in list_backups(root))
    assert len(done) == 3 and len(set(made)) == 3 and sorted(p.name for p in root.iterdir()) == made
    for b in list_backups(root):
        assert store_backup.verify_backup(b.path).rows == b.rows


def test_a_failed_backup_leaves_no_work_folder_behind(small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.store import backup as store_backup

    def fails(con: Connection, directory: str | Path) -> store_backup.BackupInfo:
        raise BackupError("disken är full")

    monkeypatch.setattr(store_backup, "backup", fails)
    con = connect(small_db)
    with pytest.raises(BackupError):
        store_backup.backup_into(con, tmp_path / "backups")
    con.close()
    assert list((tmp_path / "backups").iterdir()) == []


def test_the_schedule_keeps_the_newest_backups_and_logs_them_without_an_actor(small_db: Path, tmp_path: Path) -> None:
    root = tmp_path / "backups"
    root.mkdir()
    (root / "mine").mkdir()  # a folder that is not a timestamped backup is left alone
    con = connect(small_db)
    try:
        made = [scheduled_backup(con, root, keep=2) for _ in range(3)]
        actors = con.execute(
            "SELECT actor_person_id, entity_id FROM audit_log WHERE action = 'backup' ORDER BY audit_id"
        ).fetchall()
    finally:
        con.close()
    assert [b.name for b in list_backups(root)] == [made[2].name, made[1].name]
    assert sorted(p.name for p in root.iterdir()) == sorted(["mine", made[1].name, made[2].name])
    assert actors == [(None, b.name) for b in made]


@pytest.mark.parametrize(
    ("newest_hours_ago", "every_hours", "due_in_hours"),
    [(None, 24, 0), (1, 24, 23), (30, 24, 0), (0.25, 0.5, 0.25)],
)
def test_the_next_scheduled_backup_is_one_interval_after_the_newest(
    newest_hours_ago: float | None, every_hours: float, due_in_hours: float, small_backup: Path, tmp_path: Path
) -> None:
    root = small_backup.parent if newest_hours_ago is not None else tmp_path / "none"
    created = read_backup(small_backup).created_at
    now = created + timedelta(hours=newest_hours_ago or 0)
    assert next_backup_in(root, timedelta(hours=every_hours), now) == timedelta(hours=due_in_hours)


def test_the_schedule_thread_writes_a_backup_and_survives_a_failure(
    small_db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    con = connect(small_db)
    stop = threading.Event()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    try:
        with caplog.at_level(logging.ERROR, logger="st_tracker"):
            failing = threading.Thread(target=services.backup_schedule, args=(con, blocked, 24.0, 3, stop))
            failing.start()
            root = tmp_path / "root"
            working = threading.Thread(target=services.backup_schedule, args=(con, root, 24.0, 3, stop))
            working.start()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not (list_backups(root) and caplog.records):
                time.sleep(0.05)
            stop.set()
            failing.join(5)
            working.join(5)
    finally:
        con.close()
    assert not failing.is_alive() and not working.is_alive()
    assert len(list_backups(root)) == 1
    assert any("scheduled backup failed" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("env", "every", "keep", "folder"),
    [
        ({}, None, 14, Path("data") / "backups"),
        (
            {"TRACKER_BACKUP_EVERY_HOURS": "24", "TRACKER_BACKUP_KEEP": "7", "TRACKER_BACKUP_DIR": "/srv/b"},
            24.0,
            7,
            Path("/srv/b"),
        ),
        ({"TRACKER_BACKUP_EVERY_HOURS": "0,5"}, 0.5, 14, Path("data") / "backups"),
        ({"TRACKER_BACKUP_EVERY_HOURS": "0", "TRACKER_BACKUP_KEEP": "0"}, None, 14, Path("data") / "backups"),
        ({"TRACKER_BACKUP_EVERY_HOURS": "dagligen", "TRACKER_BACKUP_KEEP": "-3"}, None, 14, Path("data") / "backups"),
    ],
)
def test_backup_settings_come_from_the_environment(
    env: dict[str, str], every: float | None, keep: int, folder: Path
) -> None:
    s = Settings.from_env(env)
    assert (s.backup_every_hours, s.backup_keep, s.backup_dir) == (every, keep, folder)


# --- the page (AppTest) ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backup_app") / "demo.duckdb"
    c = connect(path)
    load_demo(c, trainees=8, seed=5, as_of=TODAY)
    c.close()
    return path


@pytest.fixture
def app_db(app_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    monkeypatch.setenv("TRACKER_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.delenv("TRACKER_BACKUP_EVERY_HOURS", raising=False)
    c = app_copy(app_demo, tmp_path / "app.duckdb", monkeypatch, dev_auth=False)
    yield c
    c.close()


def signed_in(con: Connection, email: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    row = con.execute("SELECT person_id FROM person WHERE email = ?", [email]).fetchone()
    assert row is not None
    at.session_state["person_id"] = row[0]
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_admin_makes_a_backup_on_the_page_and_sees_it_listed(app_db: Connection, tmp_path: Path) -> None:
    at = signed_in(app_db, "admin@demo.se")
    at.switch_page(f"{PAGES}/utbildningsenhet/sakerhetskopia.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Säkerhetskopia"
    assert any("inga säkerhetskopior" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Gör säkerhetskopia nu").click().run()
    assert not at.exception, [e.value for e in at.exception]
    made = list_backups(tmp_path / "backups")
    assert len(made) == 1
    assert any("Säkerhetskopian är sparad" in s.value for s in at.success)
    shown = at.dataframe[0].value
    assert list(shown["Mapp"]) == [made[0].name]
    assert list(shown["Rader"]) == [made[0].rows]
    assert list(shown["Tabeller"]) == [len(made[0].tables)]
    assert [d.proto.label for d in at.get("download_button")] == ["Ladda ner den senaste (zip)"]


def test_a_studierektor_has_no_backup_page(app_db: Connection) -> None:
    at = signed_in(app_db, "studierektor@demo.se")
    assert "Gör säkerhetskopia nu" not in [b.label for b in at.button]
    with pytest.raises(ValueError):
        at.switch_page(f"{PAGES}/utbildningsenhet/sakerhetskopia.py")
    row = app_db.execute("SELECT person_id FROM person WHERE email = 'studierektor@demo.se'").fetchone()
    with pytest.raises(AccessDenied):
        services.backups(app_db, actor(app_db, row[0]), "x")


def test_the_app_process_starts_the_schedule_when_it_opens_the_database(
    app_db: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_BACKUP_EVERY_HOURS", "24")
    signed_in(app_db, "st@demo.se")  # any page view opens the database
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not list_backups(tmp_path / "backups"):
        time.sleep(0.05)
    made = list_backups(tmp_path / "backups")
    assert len(made) == 1 and made[0].name.startswith("st-tracker-")
