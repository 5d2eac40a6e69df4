"""Writing the generated demo rows in one transaction, and ``load_demo``, the entry point.

Rows are written through pandas frames (one INSERT per table), which keeps large demos (tens of
thousands of trainees) fast; ids come from the tables' sequences in row order.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import bcrypt
import duckdb
import pandas as pd

from tracker.config import DEMO_TRAINEES
from tracker.demo.generate import Generator
from tracker.demo.personal import COLUMNS as PERSONAL_COLUMNS
from tracker.demo.personal import personal_rows
from tracker.demo.reference import AREAS, DEMO_ACCOUNTS, DEMO_EMAIL_DOMAIN, REGIONS, UNITS
from tracker.domain import REG_2015, REG_2021, as_date
from tracker.errors import TrackerError
from tracker.store import Connection, catalogue, transaction
from tracker.store.audit import as_json

DEMO_SOURCE = "demo"


@lru_cache(maxsize=32)
def _demo_hash(password: str, salt_seed: str) -> str:
    """bcrypt hash with a salt derived from ``salt_seed`` (the e-mail), so demo databases are reproducible."""
    raw = hashlib.sha256(salt_seed.encode()).digest()[:16]
    table = str.maketrans(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    )
    # Cost 10, not bcrypt's default 12: the demo password is published, so the hash protects nothing,
    # and the cheaper check keeps signing in quick on a small machine.
    salt = "$2b$10$" + base64.b64encode(raw).decode()[:22].translate(table)
    hashed: bytes = bcrypt.hashpw(password.encode(), salt.encode())
    return hashed.decode()


def _write_rows(cur: duckdb.DuckDBPyConnection, gen: Generator) -> None:
    """Every row the generator built, table by table."""
    for region_id, name in REGIONS:
        cur.execute("INSERT INTO region (region_id, name) VALUES (?, ?)", [region_id, name])
    _insert(cur, "unit", ["unit_id", "name", "region_id", "area", "kind", "st_approved", "st_places"],
            [(u.unit_id, u.name, u.region_id, u.area, u.kind, u.st_approved, u.st_places) for u in UNITS])
    demo_emails = {a[0]: a[1] for a in DEMO_ACCOUNTS}
    person_rows = []
    for p in gen.people.rows:
        pw = None
        if p.email in demo_emails:
            pw = _demo_hash(demo_emails[p.email], p.email)
        person_rows.append((p.person_id, p.name, p.email, pw, p.is_specialist))
    _insert(cur, "person", ["person_id", "name", "email", "password_hash", "is_specialist"], person_rows)
    _insert(cur, "role_assignment", ["role_assignment_id", "person_id", "role", "region_id", "area", "unit_id"],
            _with_ids(cur, "seq_role", gen.roles))
    _insert(cur, "trainee", [
        "trainee_id", "person_id", "name", "specialty", "legitimation_date", "swedish_at", "st_start_date",
        "regulation_choice", "doktorsexamen", "bt_approved_date", "unit_id", "source",
    ], [r + (DEMO_SOURCE,) for r in gen.trainee_rows])
    _insert(cur, "supervision", ["supervision_id", "trainee_id", "person_id", "kind", "start_date", "end_date"],
            _with_ids(cur, "seq_supervision", gen.supervision))
    _insert(cur, "placement", [
        "placement_id", "trainee_id", "kind", "setting", "workplace", "unit_id", "start_date", "end_date",
        "percent", "source",
    ], _with_ids(cur, "seq_placement", [r + (DEMO_SOURCE,) for r in gen.placements]))
    _insert(cur, "leave", ["leave_id", "trainee_id", "kind", "start_date", "end_date", "percent", "source"],
            _with_ids(cur, "seq_leave", [r + (DEMO_SOURCE,) for r in gen.leave]))
    _insert(cur, "credit", ["credit_id", "trainee_id", "kind", "months", "note", "source"],
            _with_ids(cur, "seq_credit", [r + (DEMO_SOURCE,) for r in gen.credits]))
    width = max(6, len(str(len(gen.certs))))
    cert_ids = [f"C{i + 1:0{width}d}" for i in range(len(gen.certs))]
    _insert(cur, "certificate", [
        "certificate_id", "trainee_id", "type", "title", "start_date", "end_date", "status",
        "signer_person_id", "signed_by", "signed_role", "signed_date", "comment", "source",
    ], [(cid,) + row + (DEMO_SOURCE,) for cid, row in zip(cert_ids, gen.certs, strict=True)])
    _insert(cur, "certificate_delmal", ["certificate_id", "code"],
            [(cert_ids[i], code) for i, code in gen.cert_codes])
    _insert(cur, "audit_log", ["logged_at", "actor_person_id", "action", "entity", "entity_id", "trainee_id",
                               "before_json", "after_json"], _certificate_log(gen, cert_ids))
    _insert(cur, "intressent", [
        "intressent_id", "name", "email", "specialty", "unit_id", "legitimation_date", "swedish_at",
        "language_ok", "doc_anstallningsbevis", "doc_cv", "doc_personligt_brev", "doc_legitimation", "step",
        "reported_date", "note", "trainee_id",
    ], gen.intressenter)
    _insert(cur, "intressent_step", ["intressent_id", "step", "step_date", "by_person_id", "note"],
            gen.intressent_steps)


def _certificate_log(gen: Generator, cert_ids: Sequence[str]) -> list[tuple[object, ...]]:
    """The audit rows the app would have written for the demo's certificates (so that "Att signera" says
    when an intyg was sent and the Logg pages have a history): the trainee's "sent for signing" of every
    intyg sent, signed or returned, and the signer's signature or return. An intyg is sent within three
    weeks after its period ended (a few days ago for one still running, a few days before its signature
    for a signed one), returned within a few days, signed on its own date; in working hours (UTC), but
    before the demo's own day except for a signature dated that day (then in its first hours)."""
    person_of = {str(r[0]): r[1] for r in gen.trainee_rows}
    rows: list[tuple[object, ...]] = []
    Log = Mapping[str, object]

    def row(day: date, i: int, who: object, action: str, cid: str, tid: object, before: Log, after: Log) -> None:
        later = action != "request_signature"  # an hour after the request, should it be the same day
        # On the demo's own day only the small hours: the demo may be loaded early that day.
        hour = later if day >= gen.as_of else 7 + i % 8 + later
        logged = datetime.combine(day, time(hour, (13 * i) % 60))
        rows.append((logged, who, action, "certificate", cid, tid, as_json(before), as_json(after)))

    for i, (cid, cert) in enumerate(zip(cert_ids, gen.certs, strict=True)):
        trainee_id, end, status, signer = cert[0], as_date(cert[4]), cert[5], cert[6]
        signed_by, role, signed, comment = cert[7], cert[8], as_date(cert[9]), cert[10]
        if status not in ("skickat", "signerat", "returnerat"):
            continue
        if signed is not None:
            sent = signed - timedelta(days=1 + i % 10)
            if end is not None and end < signed:
                sent = max(sent, end + timedelta(days=1))
        elif end is None or end >= gen.as_of:
            sent = gen.as_of - timedelta(days=1 + i % 5)
        else:
            sent = min(end + timedelta(days=1 + i % 20), gen.as_of - timedelta(days=1))
        draft = {"status": "utkast", "signer_person_id": None}
        waiting = {"status": "skickat", "signer_person_id": signer}
        row(sent, i, person_of[str(trainee_id)], "request_signature", cid, trainee_id, draft, waiting)
        if status == "signerat" and signed is not None:
            after = {**waiting, "status": "signerat", "signed_by": signed_by, "signed_role": role, "signed_date": signed}
            row(signed, i, signer, "sign", cid, trainee_id, waiting, after)
        elif status == "returnerat":
            returned = min(sent + timedelta(days=1 + i % 4), gen.as_of - timedelta(days=1))
            after = {**waiting, "status": "returnerat", "comment": comment}
            row(returned, i, signer, "return", cid, trainee_id, waiting, after)
    return rows


def _with_ids(cur: duckdb.DuckDBPyConnection, sequence: str, rows: Sequence[tuple[object, ...]]) -> list[
        tuple[object, ...]]:
    """Draw ids from the table's sequence and assign them in row order (deterministic, sequence advanced)."""
    if not rows:
        return []
    ids = sorted(r[0] for r in cur.execute(f"SELECT nextval('{sequence}') FROM range(?)", [len(rows)]).fetchall())
    return [(i,) + tuple(r) for i, r in zip(ids, rows, strict=True)]


def _insert(cur: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: Sequence[tuple[object, ...]]) -> None:
    if not rows:
        return
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    view = f"_demo_{table}"
    cur.register(view, frame)
    try:
        cols = ", ".join(columns)
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}")
    finally:
        cur.unregister(view)


def _personal_rows(gen: Generator, seed: int, as_of: date) -> list[tuple[object, ...]]:
    """The trainees' generated personal details (``tracker.demo.personal``), from the trainee rows
    (trainee_id, person_id, name, specialty, legitimation_date, swedish_at, ..., unit_id)."""
    trainees = [
        (str(r[0]), r[4] if isinstance(r[4], date) else None, bool(r[5]), str(r[10])) for r in gen.trainee_rows
    ]
    return personal_rows(seed, trainees, {u.unit_id: (u.region_id, u.area) for u in UNITS}, as_of)


def _sv_int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def load_demo(con: Connection, *, trainees: int = DEMO_TRAINEES, seed: int = 2026, as_of: date) -> str:
    """Load a reproducible demo data set into an empty database; returns a one-line Swedish summary."""
    if trainees < 1:
        raise TrackerError("Antalet ST-läkare i demodata måste vara minst 1.")
    catalogue.ensure_catalogue(con)
    check = con.cursor()
    row = check.execute("SELECT count(*) FROM trainee").fetchone()
    if row and row[0]:
        raise TrackerError(
            "Databasen innehåller redan ST-läkare; demodata kan bara läsas in i en tom databas. "
            "Använd en ny databasfil (t.ex. --db data/demo.duckdb)."
        )
    emails = [a[0] for a in DEMO_ACCOUNTS]
    clash = check.execute(
        f"SELECT count(*) FROM person WHERE email IN ({', '.join('?' for _ in emails)}) OR email LIKE ?",
        [*emails, f"%@{DEMO_EMAIL_DOMAIN}"],
    ).fetchone()
    regions = check.execute(
        f"SELECT count(*) FROM region WHERE region_id IN ({', '.join('?' for _ in REGIONS)})", [r[0] for r in REGIONS]
    ).fetchone()
    if (clash and clash[0]) or (regions and regions[0]):
        raise TrackerError("Databasen innehåller redan demodata (demokonton eller demoregioner); den läses inte in igen.")

    gen = Generator(con, trainees, seed, as_of)
    drafts = gen.build_drafts()
    gen.build_staff()
    width = max(3, len(str(trainees)))
    for d in drafts:
        gen.build_trainee(d, f"T{d.index + 1:0{width}d}")
    gen.build_intressenter()
    with transaction(con) as cur:
        _write_rows(cur, gen)
        _insert(cur, "trainee_personal", list(PERSONAL_COLUMNS), _personal_rows(gen, seed, as_of))
    s = gen.stats
    return (
        f"Demodata: {_sv_int(trainees)} ST-läkare ({_sv_int(s.reg_2021)} enligt {REG_2021}, "
        f"{_sv_int(s.reg_2015)} enligt {REG_2015}; {_sv_int(s.in_bt)} i BT, {_sv_int(s.early)} i tidig ST, "
        f"{_sv_int(s.middle)} mitt i ST, {_sv_int(s.late + s.time_done)} i sen ST, "
        f"{_sv_int(s.complete)} klara att ansöka), "
        f"{len(REGIONS)} regioner, {len(AREAS)} områden, {len(UNITS)} enheter, "
        f"{_sv_int(len(gen.people.rows))} personer, {_sv_int(len(gen.certs))} intyg, "
        f"{len(gen.intressenter)} ST-intressenter (per {as_of.isoformat()})."
    )

