"""Writing a bundle (INTERFACE.md): a folder of CSV files or an Excel workbook with the same sheets.

All or nothing: every bad row is reported and nothing is written unless the whole bundle is valid
(``validate``). Importing the same bundle twice leaves the database as one import does: trainees and
certificates are matched by id; a trainee's placements, leave and credits from an earlier import are
replaced by the bundle's, while records entered in the app are never touched (an app trainee or
certificate may only be repeated unchanged).

Every change is written to the audit log, one row per trainee, certificate, placement, leave or credit
added, changed or removed, besides one row for the whole bundle.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tracker.errors import ImportRejected, RowError
from tracker.ingest.read import read_bundle_dir
from tracker.ingest.validate import (
    CERT_COMPARED,
    EMAIL_OF_OTHER_TRAINEE,
    IN_WORKFLOW,
    TRAINEE_FIELDS,
    Organisation,
    certificate_values,
    db_certificates,
    db_organisation,
    db_trainees,
    given_unit,
    owned_by_app,
    records_of,
    same_certificate,
    trainee_values,
    validate,
)
from tracker.store import Connection, transaction
from tracker.store.audit import as_json, now


@dataclass
class ImportResult:
    """Rows in the bundle per kind (``counts``), import records replaced and rows that changed nothing."""

    counts: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    unchanged_certificates: int = 0
    unchanged_trainees: int = 0

    def counted(self) -> str:
        """'1 ST-läkare, 2 placeringar, 1 ledighet': the counts in Swedish, the singular for one."""
        return ", ".join(f"{n} {_SINGULAR.get(name, name) if n == 1 else name}" for name, n in self.counts.items())

    def summary(self) -> str:
        return f"Importerade {self.counted()}."


# The summary's kinds in the singular, for a count of one ("1 tillgodoräknande").
_SINGULAR = {
    "placeringar": "placering",
    "ledigheter": "ledighet",
    "tillgodoräknanden": "tillgodoräknande",
    "enheter": "enhet",
    "personer": "person",
}


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


def _insert_rows(cur: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]], casts: Mapping[str, str]) -> None:
    """INSERT every row (column -> value) into ``table`` with one statement; ``casts`` gives each column's type."""
    if not rows:
        return
    frame = pd.DataFrame(rows, dtype=object)
    for c, kind in casts.items():
        if kind == "DATE":
            frame[c] = frame[c].map(_iso).astype(object)
    select = ", ".join(f"CAST({c} AS {casts[c]})" for c in rows[0])
    _with_frame(cur, frame, f"INSERT INTO {table} ({', '.join(rows[0])}) SELECT {select} FROM {{frame}}")


def _new_person_id() -> str:
    return f"P-{uuid.uuid4().hex[:12]}"


def _write_units(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, org: Organisation, audit: _Audit) -> None:
    """units.csv: new units (and regions) added, changed ones updated; unit rows are never removed."""
    regions = {str(r[0]) for r in cur.execute("SELECT region_id FROM region").fetchall()}
    units = {
        str(r[0]): dict(zip(("name", "region_id", "area", "kind"), r[1:], strict=True))
        for r in cur.execute("SELECT unit_id, name, region_id, area, kind FROM unit").fetchall()
    }
    new_regions: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for r in records_of(df):
        region_id = org.region_id(r["region"])
        if region_id not in regions:
            regions.add(region_id)
            new_regions.append({"region_id": region_id, "name": r["region"].strip()})
            audit.add("import_add", "region", region_id, None, None, {"name": r["region"].strip()})
        new = {"name": r["name"], "region_id": region_id, "area": r["area"], "kind": r["kind"]}
        old = units.get(r["unit_id"])
        if old is None:
            inserts.append({"unit_id": r["unit_id"], **new})
            audit.add("import_add", "unit", r["unit_id"], None, None, new)
        elif old != new:  # a handful at most: units change rarely
            cur.execute(
                "UPDATE unit SET name = $name, region_id = $region_id, area = $area, kind = $kind WHERE unit_id = $u",
                {"u": r["unit_id"], **new},
            )
            audit.add("import_update", "unit", r["unit_id"], None, old, new)
    _insert_rows(cur, "region", new_regions, {"region_id": "VARCHAR", "name": "VARCHAR"})
    _insert_rows(cur, "unit", inserts, dict.fromkeys(("unit_id", "name", "region_id", "area", "kind"), "VARCHAR"))


def _person_ids(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every person with an e-mail address: lower-case address -> person_id."""
    rows = cur.execute("SELECT lower(email), person_id FROM person WHERE email IS NOT NULL").fetchall()
    return {str(e): str(p) for e, p in rows}


def _add_people(
    cur: duckdb.DuckDBPyConnection, ids: dict[str, str], people: Mapping[str, tuple[str, str]], audit: _Audit
) -> None:
    """Create a person for every (lower-case) address of ``people`` (address -> (as written, name)) that has
    none; ``ids`` is kept up to date."""
    rows = []
    for key, (email, name) in people.items():
        if key not in ids:
            ids[key] = _new_person_id()
            rows.append({"person_id": ids[key], "name": name, "email": email})
            audit.add("import_add", "person", ids[key], None, None, {"name": name, "email": email})
    _insert_rows(cur, "person", rows, dict.fromkeys(("person_id", "name", "email"), "VARCHAR"))


def _write_people(
    cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, org: Organisation, ids: dict[str, str], audit: _Audit
) -> None:
    """people.csv: people added (or renamed), their roles added; an import never removes a role."""
    records = records_of(df)
    names = {str(r[0]): str(r[1]) for r in cur.execute("SELECT person_id, name FROM person").fetchall()}
    for r in records:
        pid = ids.get(r["email"].lower())
        if pid is not None and names.get(pid) != r["name"]:
            cur.execute("UPDATE person SET name = ? WHERE person_id = ?", [r["name"], pid])
            audit.add("import_update", "person", pid, None, {"name": names.get(pid)}, {"name": r["name"]})
            names[pid] = r["name"]
    _add_people(cur, ids, {r["email"].lower(): (r["email"], r["name"]) for r in records}, audit)
    have = set(cur.execute("SELECT person_id, role, region_id, area, unit_id FROM role_assignment").fetchall())
    rows = []
    for r in records:
        scope = {
            "region_id": org.region_id(r["region"]) if r["region"] else None,
            "area": r["area"] or None,
            "unit_id": r["unit_id"] or None,
        }
        for role in r["roles"]:
            pid = ids[r["email"].lower()]
            key = (pid, role, scope["region_id"], scope["area"], scope["unit_id"])
            if key not in have:
                have.add(key)
                rows.append({"person_id": pid, "role": role, **scope})
                audit.add("import_add", "role", f"{pid}:{role}", None, None, {"person_id": pid, "role": role, **scope})
    _insert_rows(cur, "role_assignment", rows, dict.fromkeys(("person_id", "role", "region_id", "area", "unit_id"), "VARCHAR"))


def _link_trainees(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, ids: dict[str, str], audit: _Audit) -> None:
    """trainees.csv's e-mail addresses (the trainee's account, created when new) and personnummer."""
    records = records_of(df)
    _add_people(cur, ids, {r["email"].lower(): (r["email"], r["name"]) for r in records if r["email"]}, audit)
    unlinked = {str(r[0]) for r in cur.execute("SELECT trainee_id FROM trainee WHERE person_id IS NULL").fetchall()}
    links = [
        {"trainee_id": r["trainee_id"], "person_id": ids[r["email"].lower()]}
        for r in records
        if r["email"] and r["trainee_id"] in unlinked
    ]
    if links:
        _refuse_accounts_taken(cur, df, links)
        _with_frame(
            cur,
            pd.DataFrame(links, dtype=object),
            "UPDATE trainee SET person_id = f.person_id FROM {frame} f WHERE trainee.trainee_id = f.trainee_id",
        )
        for link in links:
            audit.add("import_update", "trainee", link["trainee_id"], link["trainee_id"], {"person_id": None}, link)
    known = {str(t): str(p) for t, p in cur.execute("SELECT trainee_id, personnummer FROM trainee_personal").fetchall()}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for r in records:
        tid, number = r["trainee_id"], r["personnummer"]
        if not number or known.get(tid) == number:
            continue
        (updates if tid in known else inserts).append({"trainee_id": tid, "personnummer": number})
        # The number itself stays out of the log.
        audit.add("import_update", "trainee_personal", tid, tid, None, {"personnummer": "ändrat"})
    _insert_rows(cur, "trainee_personal", inserts, {"trainee_id": "VARCHAR", "personnummer": "VARCHAR"})
    if updates:
        _with_frame(
            cur,
            pd.DataFrame(updates, dtype=object),
            """UPDATE trainee_personal SET personnummer = f.personnummer FROM {frame} f
               WHERE trainee_personal.trainee_id = f.trainee_id""",
        )


def _refuse_accounts_taken(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, links: list[dict[str, Any]]) -> None:
    """The check in the writing transaction that a person gets at most one trainee record (the column has
    no UNIQUE index): an address that became another record's account after validation refuses the import."""
    taken = {
        str(r[0])
        for r in cur.execute(
            "SELECT DISTINCT person_id FROM trainee WHERE list_contains($p, person_id)",
            {"p": [link["person_id"] for link in links]},
        ).fetchall()
    }
    linking = {link["trainee_id"] for link in links if link["person_id"] in taken}
    if linking:
        raise ImportRejected(
            [
                RowError("trainees.csv", int(str(idx)) + 2, "email", EMAIL_OF_OTHER_TRAINEE)
                for idx, tid in df["trainee_id"].items()
                if tid in linking
            ]
        )


def _write_supervision(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, ids: dict[str, str], audit: _Audit) -> None:
    """supervision.csv: an assignment is matched by trainee, person, role and start; a new end date is
    written, a new assignment added; an import never removes one."""
    existing = {
        (str(t), str(p), str(k), s): (int(i), e)
        for i, t, p, k, s, e in cur.execute(
            "SELECT supervision_id, trainee_id, person_id, kind, start_date, end_date FROM supervision"
        ).fetchall()
    }
    inserts: list[dict[str, Any]] = []
    ends: list[dict[str, Any]] = []
    for r in records_of(df):
        pid = ids[r["email"].lower()]
        after = {"person_id": pid, "kind": r["role"], "start_date": r["start_date"], "end_date": r["end_date"]}
        old = existing.get((r["trainee_id"], pid, r["role"], r["start_date"]))
        if old is None:
            inserts.append({"trainee_id": r["trainee_id"], **after})
        elif old[1] != r["end_date"]:
            ends.append({"supervision_id": old[0], "end_date": _iso(r["end_date"])})
            audit.add("import_update", "supervision", str(old[0]), r["trainee_id"], {**after, "end_date": old[1]}, after)
    if inserts:
        new_ids = [int(r[0]) for r in cur.execute("SELECT nextval('seq_supervision') FROM range(?)", [len(inserts)]).fetchall()]
        for sid, row in zip(new_ids, inserts, strict=True):
            audit.add("import_add", "supervision", str(sid), row["trainee_id"], None, {k: v for k, v in row.items() if k != "trainee_id"})
        _insert_rows(
            cur,
            "supervision",
            [{"supervision_id": sid, **row} for sid, row in zip(new_ids, inserts, strict=True)],
            {"supervision_id": "BIGINT", "trainee_id": "VARCHAR", "person_id": "VARCHAR", "kind": "VARCHAR",
             "start_date": "DATE", "end_date": "DATE"},
        )
    if ends:
        _with_frame(
            cur,
            pd.DataFrame(ends, dtype=object),
            """UPDATE supervision SET end_date = CAST(f.end_date AS DATE) FROM {frame} f
               WHERE supervision.supervision_id = CAST(f.supervision_id AS BIGINT)""",
        )


def _write_trainees(
    cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, audit: _Audit, result: ImportResult
) -> None:
    db = db_trainees(cur)
    fields = ", ".join(TRAINEE_FIELDS)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for r in records_of(df):
        tid = r["trainee_id"]
        old = db.get(tid)
        given = given_unit(r)
        if old is None:
            new = trainee_values(r, given or None)
            inserts.append({"trainee_id": tid, **new})
            audit.add("import_add", "trainee", tid, tid, None, new)
            continue
        new = trainee_values(r, given or old.values["unit_id"])
        if new == old.values or owned_by_app(old.source):
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
        sets = ", ".join(f"{c} = u.{c}" for c in TRAINEE_FIELDS)
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
                 ("kind", "setting", "workplace", "start_date", "end_date", "percent", "bt_part"),
                 ("start_date", "end_date")),
    _RecordTable("leave.csv", "leave", "leave", "ledigheter",
                 ("kind", "start_date", "end_date", "percent"), ("start_date", "end_date")),
    _RecordTable("credits.csv", "credit", "credit", "tillgodoräknanden", ("kind", "months", "note", "applies_to"), ()),
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

    Rows already imported identically are kept; the others are deleted and the new ones inserted. A row
    identical to a record entered in the app stands for that record (an export of the trainee imported
    again adds nothing); app records are never deleted.
    """
    cols = spec.columns
    pool: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    in_app: dict[tuple[Any, ...], int] = defaultdict(int)
    old_rows: dict[int, dict[str, Any]] = {}
    for row in cur.execute(
        f"""SELECT {spec.id_column}, source = 'import', trainee_id, {', '.join(cols)} FROM {spec.table}
            WHERE list_contains($t, trainee_id) ORDER BY {spec.id_column}""",
        {"t": touched},
    ).fetchall():
        rid, imported, key = int(row[0]), bool(row[1]), tuple(row[2:])
        if not imported:
            in_app[key] += 1
            continue
        old_rows[rid] = dict(zip(("trainee_id", *cols), key, strict=True))
        pool[key].append(rid)
    new_rows: list[dict[str, Any]] = []
    for r in records_of(df):
        values = {"trainee_id": r["trainee_id"], **{c: r[c] for c in cols}}
        for c in ("percent", "months"):
            if c in values:
                values[c] = float(values[c])
        key = tuple(values.values())
        if in_app[key]:
            in_app[key] -= 1
            continue
        kept = pool.get(key)
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
    cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, ids: Mapping[str, str], audit: _Audit, result: ImportResult
) -> None:
    existing = db_certificates(cur)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for r in records_of(df):
        cid = r["certificate_id"]
        new = {**certificate_values(r), "signer_person_id": ids.get(r["signer_email"].lower())}
        old = existing.get(cid)
        if old is None:
            inserts.append({"certificate_id": cid, **new})
            audit.add("import_add", "certificate", cid, new["trainee_id"], None, new)
        elif old["status"] in ("signerat", "makulerat", *IN_WORKFLOW) or owned_by_app(old["source"]):
            result.unchanged_certificates += 1  # identical to the locked or app record (checked in validation)
        elif same_certificate(old, new) and old["status"] == new["status"]:
            result.unchanged_certificates += 1
        else:
            updates.append({"certificate_id": cid, **new})
            before = {k: old[k] for k in (*CERT_COMPARED, "status")}
            audit.add("import_update", "certificate", cid, new["trainee_id"], before, new)
    if updates:
        cur.execute(
            "DELETE FROM certificate_delmal WHERE list_contains($ids, certificate_id)",
            {"ids": [u["certificate_id"] for u in updates]},
        )
    select = """SELECT certificate_id, trainee_id, type, title, CAST(start_date AS DATE) AS start_date,
                       CAST(end_date AS DATE) AS end_date, status, CAST(signed_by AS VARCHAR) AS signed_by,
                       CAST(signed_date AS DATE) AS signed_date, CAST(signer_person_id AS VARCHAR) AS signer_person_id
                FROM {frame}"""
    if inserts:
        _with_frame(
            cur,
            _certificate_frame(inserts),
            f"""INSERT INTO certificate (certificate_id, trainee_id, type, title, start_date, end_date, status,
                                        signed_by, signed_date, signer_person_id, source)
                SELECT *, 'import' FROM ({select})""",
        )
    if updates:
        sets = ", ".join(
            f"{c} = u.{c}"
            for c in ("type", "title", "start_date", "end_date", "status", "signed_by", "signed_date", "signer_person_id")
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
    new_unit_ok: Callable[[str, str], bool] | None = None,
) -> ImportResult:
    """Validate and write a bundle in one transaction; ``units`` and ``new_unit_ok`` as in :func:`validate`."""
    typed, errors = validate(con, frames, units=units, new_unit_ok=new_unit_ok)
    if errors:
        raise ImportRejected(errors)
    result = ImportResult()
    audit = _Audit()
    bundle_trainees = sorted(set(typed["trainees.csv"]["trainee_id"]))
    with transaction(con) as cur:
        org = db_organisation(cur)
        if "units.csv" in typed:
            _write_units(cur, typed["units.csv"], org, audit)
            result.counts["enheter"] = len(typed["units.csv"])
        ids = _person_ids(cur)
        if "people.csv" in typed:
            _write_people(cur, typed["people.csv"], org, ids, audit)
            result.counts["personer"] = len(typed["people.csv"])
        _write_trainees(cur, typed["trainees.csv"], audit, result)
        _link_trainees(cur, typed["trainees.csv"], ids, audit)
        for spec in _RECORD_TABLES:
            if spec.file not in typed:
                continue
            df = typed[spec.file]
            touched = sorted(set(df["trainee_id"]) | set(bundle_trainees))
            _replace_records(cur, spec, df, touched, audit, result)
        if "certificates.csv" in typed:
            _write_certificates(cur, typed["certificates.csv"], ids, audit, result)
        if "supervision.csv" in typed:
            _write_supervision(cur, typed["supervision.csv"], ids, audit)
            result.counts["handledarskap"] = len(typed["supervision.csv"])
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
    con: Connection,
    path: str | Path,
    *,
    actor: str | None = None,
    units: Collection[str] | None = None,
    new_unit_ok: Callable[[str, str], bool] | None = None,
) -> ImportResult:
    return import_frames(con, read_bundle_dir(path), actor=actor, units=units, new_unit_ok=new_unit_ok)
