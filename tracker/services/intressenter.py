"""The ST-intressent queue: who waits at which step, how long each step takes, and inskrivning.

Only office roles (studierektor, verksamhetschef, admin) see intressenter, those of the units in
their scope. Each write runs in one transaction and records an ``audit_log`` row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from tracker.accounts import Actor
from tracker.domain import INTRESSENT_STEPS
from tracker.errors import AccessDenied, FieldError, InputError, NotFoundError, StateConflict
from tracker.services.access import require_office
from tracker.services.shared import date_columns, one_row, query, record_audit, todays_date
from tracker.store import Connection, transaction

_ALREADY_ENROLLED = "ST-intressenten är redan inskriven som ST-läkare."

STEP_LABELS: dict[str, str] = {
    "intresse": "Intresse anmält",
    "dokument": "Dokument inkommer",
    "bedomning": "Bedömning",
    "vantelista": "Väntelista",
    "inskriven": "Inskriven",
    "avslutad": "Avslutad",
}

DOCUMENTS: dict[str, str] = {
    "doc_anstallningsbevis": "Anställningsbevis",
    "doc_cv": "CV",
    "doc_personligt_brev": "Personligt brev",
    "doc_legitimation": "Legitimation",
}


def _intressent_scope(actor: Actor) -> tuple[str, dict[str, Any]]:
    return require_office(actor, "Bara studierektorer, verksamhetschefer och administratörer ser ST-intressenterna.")


def intressent_queue(con: Connection, actor: Actor, as_of: date | None = None) -> pd.DataFrame:
    """Every intressent in scope with the current step, its date and the days spent in it."""
    sql, params = _intressent_scope(actor)
    df = query(
        con,
        f"""SELECT i.intressent_id, i.name, i.email, i.specialty, i.unit_id, u.name AS unit_name, u.area,
                   r.name AS region_name, i.step, i.reported_date,
                   coalesce(s.step_date, i.reported_date) AS step_date,
                   date_diff('day', coalesce(s.step_date, i.reported_date), $d) AS days_in_step,
                   date_diff('day', i.reported_date, $d) AS days_since_report,
                   i.legitimation_date, i.swedish_at, i.language_ok,
                   i.doc_anstallningsbevis, i.doc_cv, i.doc_personligt_brev, i.doc_legitimation,
                   i.note, i.trainee_id
            FROM intressent i JOIN unit u USING (unit_id) JOIN region r ON r.region_id = u.region_id
            LEFT JOIN intressent_step s ON s.intressent_id = i.intressent_id AND s.step = i.step
            WHERE i.unit_id IN ({sql})
            ORDER BY u.area, list_position($steps, i.step), i.reported_date, i.name""",
        {**params, "d": as_of or todays_date(), "steps": list(INTRESSENT_STEPS)},
    )
    df["step_label"] = df["step"].map(lambda s: STEP_LABELS.get(s, s))
    docs = list(DOCUMENTS)
    df["documents_complete"] = df[docs].astype(bool).all(axis=1) if len(df) else pd.Series(dtype=bool)
    return date_columns(df, ["reported_date", "step_date", "legitimation_date"])


def intressent_history(con: Connection, actor: Actor, intressent_id: str) -> pd.DataFrame:
    _require_intressent(con, actor, intressent_id)
    df = query(
        con,
        """SELECT s.step, s.step_date, p.name AS by_name, s.note
           FROM intressent_step s LEFT JOIN person p ON p.person_id = s.by_person_id
           WHERE s.intressent_id = $i ORDER BY s.step_date, list_position($steps, s.step)""",
        {"i": intressent_id, "steps": list(INTRESSENT_STEPS)},
    )
    df["step_label"] = df["step"].map(lambda s: STEP_LABELS.get(s, s))
    return date_columns(df, ["step_date"])


def intressent_stats(con: Connection, actor: Actor, as_of: date | None = None) -> pd.DataFrame:
    """Per area: how many wait at each step, median days from report to each reached step, expected intake.

    Expected intake = those on the waiting list + those in assessment times the area's share of
    decided cases that were enrolled (all assessed if nothing has been decided yet).
    """
    queue = intressent_queue(con, actor, as_of)
    sql, params = _intressent_scope(actor)
    df = query(
        con,
        f"""WITH waits AS (
                SELECT u.area,
                       median(date_diff('day', i.reported_date, s.step_date))
                         FILTER (WHERE s.step = 'bedomning') AS days_to_bedomning,
                       median(date_diff('day', i.reported_date, s.step_date))
                         FILTER (WHERE s.step = 'vantelista') AS days_to_vantelista,
                       median(date_diff('day', i.reported_date, s.step_date))
                         FILTER (WHERE s.step = 'inskriven') AS days_to_inskriven
                FROM intressent i JOIN unit u USING (unit_id)
                JOIN intressent_step s ON s.intressent_id = i.intressent_id
                WHERE i.unit_id IN ({sql}) GROUP BY u.area
            )
            SELECT q.area,
                   count(*) FILTER (WHERE q.step = 'intresse') AS intresse,
                   count(*) FILTER (WHERE q.step = 'dokument') AS dokument,
                   count(*) FILTER (WHERE q.step = 'bedomning') AS bedomning,
                   count(*) FILTER (WHERE q.step = 'vantelista') AS vantelista,
                   count(*) FILTER (WHERE q.step = 'inskriven') AS inskriven,
                   count(*) FILTER (WHERE q.step = 'avslutad') AS avslutad,
                   any_value(w.days_to_bedomning) AS days_to_bedomning,
                   any_value(w.days_to_vantelista) AS days_to_vantelista,
                   any_value(w.days_to_inskriven) AS days_to_inskriven
            FROM _queue q LEFT JOIN waits w USING (area)
            GROUP BY q.area ORDER BY q.area""",
        params,
        frames={"_queue": queue},
    )
    decided = df["inskriven"] + df["avslutad"]
    rate = (df["inskriven"] / decided.where(decided > 0)).fillna(1.0)
    df["expected_intake"] = (df["vantelista"] + df["bedomning"] * rate).round(1)
    return df


def _require_intressent(con: Connection, actor: Actor, intressent_id: str) -> None:
    sql, params = _intressent_scope(actor)
    df = query(
        con,
        f"SELECT count(*) AS n FROM intressent WHERE intressent_id = $i AND unit_id IN ({sql})",
        {**params, "i": intressent_id},
    )
    if not int(df["n"].iloc[0]):
        raise AccessDenied("Du har inte behörighet för den här ST-intressenten.")


def _intressent(cur: duckdb.DuckDBPyConnection, intressent_id: str) -> dict[str, Any]:
    row = one_row(cur, "SELECT * FROM intressent WHERE intressent_id = ?", [intressent_id])
    if row is None:
        raise NotFoundError(f"ST-intressenten {intressent_id} finns inte.")
    return row


def move_intressent(
    con: Connection, actor: Actor, intressent_id: str, to_step: str, note: str = "", *, on: date | None = None
) -> None:
    """Move an intressent to a step; the date of every step is kept in intressent_step."""
    _require_intressent(con, actor, intressent_id)
    if to_step not in INTRESSENT_STEPS:
        raise InputError([FieldError("step", "okänt steg")])
    if to_step == "inskriven":
        raise InputError([FieldError("step", "inskrivning görs med knappen Skriv in")])
    day = on or todays_date()
    with transaction(con) as cur:
        before = _intressent(cur, intressent_id)
        if before["step"] == "inskriven":
            raise StateConflict(_ALREADY_ENROLLED)
        cur.execute(
            "UPDATE intressent SET step = ?, note = CASE WHEN ? = '' THEN note ELSE ? END WHERE intressent_id = ?",
            [to_step, note.strip(), note.strip(), intressent_id],
        )
        cur.execute(
            """INSERT INTO intressent_step (intressent_id, step, step_date, by_person_id, note) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (intressent_id, step) DO UPDATE SET step_date = excluded.step_date,
                 by_person_id = excluded.by_person_id, note = excluded.note""",
            [intressent_id, to_step, day, actor.person_id, note.strip()],
        )
        record_audit(
            cur,
            actor,
            "move",
            "intressent",
            intressent_id,
            None,
            before,
            {**before, "step": to_step, "on": day},
        )


def update_intressent_documents(
    con: Connection, actor: Actor, intressent_id: str, documents: Mapping[str, bool]
) -> None:
    """Tick the documents checklist (keys of DOCUMENTS, plus 'language_ok')."""
    _require_intressent(con, actor, intressent_id)
    allowed = {*DOCUMENTS, "language_ok"}
    bad = [k for k in documents if k not in allowed]
    if bad:
        raise InputError([FieldError(k, "okänt dokument") for k in bad])
    if not documents:
        return
    with transaction(con) as cur:
        before = _intressent(cur, intressent_id)
        sets = ", ".join(f"{k} = ?" for k in documents)
        cur.execute(
            f"UPDATE intressent SET {sets} WHERE intressent_id = ?",
            [*map(bool, documents.values()), intressent_id],
        )
        record_audit(cur, actor, "documents", "intressent", intressent_id, None, before, {**before, **documents})


def enrol_intressent(
    con: Connection, actor: Actor, intressent_id: str, *, st_start_date: date, on: date | None = None
) -> str:
    """Inskrivning: create the trainee record from the intressent's own data and link it; returns trainee_id.

    The person (for signing in) is the one with the intressent's e-mail if there is one, else a
    new person is created; either way the ST-läkare role is assigned.
    """
    _require_intressent(con, actor, intressent_id)
    day = on or todays_date()
    with transaction(con) as cur:
        i = _intressent(cur, intressent_id)
        if i["trainee_id"]:
            raise StateConflict(_ALREADY_ENROLLED)
        if i["step"] == "avslutad":
            raise StateConflict("Ärendet är avslutat; flytta det tillbaka till bedömning först.")
        existing: str | None = None
        if i["email"]:
            p = one_row(cur, "SELECT person_id FROM person WHERE lower(email) = lower(?)", [i["email"]])
            existing = str(p["person_id"]) if p else None
            if existing is not None and one_row(cur, "SELECT trainee_id FROM trainee WHERE person_id = ?", [existing]):
                raise StateConflict("Personen med den e-postadressen har redan en ST-utbildning registrerad.")
    person_id = existing or f"P-{intressent_id}"
    trainee_id = f"T-{intressent_id}"
    trainee_values = {
        "trainee_id": trainee_id,
        "person_id": person_id,
        "name": i["name"],
        "specialty": i["specialty"],
        "legitimation_date": i["legitimation_date"],
        "swedish_at": bool(i["swedish_at"]),
        "st_start_date": st_start_date,
        "unit_id": i["unit_id"],
    }

    def write(cur: duckdb.DuckDBPyConnection) -> None:
        if existing is None:
            cur.execute(
                "INSERT INTO person (person_id, name, email) VALUES (?, ?, ?)",
                [person_id, i["name"], i["email"] or None],
            )
        cur.execute(
            "INSERT INTO role_assignment (person_id, role, unit_id) VALUES (?, 'st_lakare', ?) ON CONFLICT DO NOTHING",
            [person_id, i["unit_id"]],
        )
        cur.execute(
            """INSERT INTO trainee (trainee_id, person_id, name, specialty, legitimation_date, swedish_at,
                                    st_start_date, unit_id, source)
               VALUES ($trainee_id, $person_id, $name, $specialty, $legitimation_date, $swedish_at,
                       $st_start_date, $unit_id, 'app')""",
            trainee_values,
        )
        cur.execute(
            "UPDATE intressent SET step = 'inskriven', trainee_id = ? WHERE intressent_id = ?",
            [trainee_id, intressent_id],
        )
        cur.execute(
            """INSERT INTO intressent_step (intressent_id, step, step_date, by_person_id, note)
               VALUES (?, 'inskriven', ?, ?, '')
               ON CONFLICT (intressent_id, step) DO UPDATE SET step_date = excluded.step_date,
                 by_person_id = excluded.by_person_id""",
            [intressent_id, day, actor.person_id],
        )
        record_audit(
            cur,
            actor,
            "enrol",
            "intressent",
            intressent_id,
            trainee_id,
            i,
            {**i, "step": "inskriven", "trainee_id": trainee_id},
        )
        record_audit(cur, actor, "add", "trainee", trainee_id, trainee_id, None, trainee_values)

    with transaction(con) as cur:
        write(cur)
    return trainee_id
