"""Reading trainees' records out of the database into domain objects."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import duckdb

from tracker.domain import Certificate, Credit, Leave, Placement, Trainee, TraineeRecord
from tracker.errors import NotFoundError
from tracker.store.connection import Connection, reading

TRAINEE_COLUMNS = (
    "trainee_id, name, specialty, st_start_date, legitimation_date, swedish_at, "
    "regulation_choice, doktorsexamen, bt_approved_date"
)


def trainee_from_row(row: tuple[object, ...]) -> Trainee:
    return Trainee(
        trainee_id=str(row[0]),
        name=str(row[1]),
        specialty=str(row[2]),
        st_start_date=_d(row[3]),
        legitimation_date=_od(row[4]),
        swedish_at=bool(row[5]),
        regulation_choice=str(row[6]) if row[6] else None,
        doktorsexamen=bool(row[7]),
        bt_approved_date=_od(row[8]),
    )


def _d(v: object) -> date:
    assert isinstance(v, date)
    return v


def _od(v: object) -> date | None:
    return v if isinstance(v, date) else None


def load_records(con: Connection, trainee_ids: list[str] | None = None) -> list[TraineeRecord]:
    """All trainees (or the given ones) with placements, leave, credits and live certificates."""
    with reading(con) as cur:
        return _load(cur, trainee_ids)


def _load(cur: duckdb.DuckDBPyConnection, trainee_ids: list[str] | None) -> list[TraineeRecord]:
    where, params = "", []
    if trainee_ids is not None:
        if not trainee_ids:
            return []
        where = f"WHERE trainee_id IN ({', '.join('?' for _ in trainee_ids)})"
        params = list(trainee_ids)
    trainees = [
        trainee_from_row(r)
        for r in cur.execute(f"SELECT {TRAINEE_COLUMNS} FROM trainee {where} ORDER BY trainee_id", params).fetchall()
    ]
    placements: dict[str, list[Placement]] = defaultdict(list)
    for r in cur.execute(
        f"SELECT trainee_id, kind, setting, start_date, end_date, percent, workplace, coalesce(bt_part, '') "
        f"FROM placement {where} ORDER BY start_date, placement_id",
        params,
    ).fetchall():
        placements[r[0]].append(Placement(r[1], r[2], r[3], r[4], float(r[5]), r[6], r[7]))
    leave: dict[str, list[Leave]] = defaultdict(list)
    for r in cur.execute(
        f"SELECT trainee_id, kind, start_date, end_date, percent FROM leave {where} ORDER BY start_date, leave_id",
        params,
    ).fetchall():
        leave[r[0]].append(Leave(r[1], r[2], r[3], float(r[4])))
    credit_rows: dict[str, list[Credit]] = defaultdict(list)
    for r in cur.execute(
        f"SELECT trainee_id, kind, months, note, applies_to FROM credit {where} ORDER BY credit_id", params
    ).fetchall():
        credit_rows[r[0]].append(Credit(r[1], float(r[2]), r[3], r[4]))
    certs: dict[str, list[Certificate]] = defaultdict(list)
    cwhere = where.replace("trainee_id", "c.trainee_id")
    for r in cur.execute(
        f"""
        SELECT c.trainee_id, c.certificate_id, c.type,
               coalesce(list(cd.code ORDER BY cd.code) FILTER (WHERE cd.code IS NOT NULL), []),
               CASE WHEN c.status = 'signerat' THEN c.signed_date END, c.title
        FROM certificate c LEFT JOIN certificate_delmal cd USING (certificate_id)
        {cwhere} {"AND" if cwhere else "WHERE"} c.status <> 'makulerat'
        GROUP BY ALL ORDER BY c.certificate_id
        """,
        params,
    ).fetchall():
        certs[r[0]].append(Certificate(r[1], r[2], tuple(r[3]), r[4], r[5]))
    return [
        TraineeRecord(
            trainee=t,
            placements=tuple(placements[t.trainee_id]),
            leave=tuple(leave[t.trainee_id]),
            credits=tuple(credit_rows[t.trainee_id]),
            certificates=tuple(certs[t.trainee_id]),
        )
        for t in trainees
    ]


def load_record(con: Connection, trainee_id: str) -> TraineeRecord:
    recs = load_records(con, [trainee_id])
    if not recs:
        raise NotFoundError(f"ST-läkare {trainee_id} finns inte.")
    return recs[0]
