"""Both ways of computing progress behind one call: the set-based path the dashboards use (default) and
the per-trainee reference path; they give the same answers (the parity tests hold them to it)."""

from __future__ import annotations

from datetime import date

from tracker.errors import NotFoundError
from tracker.rules import progress as reference_engine
from tracker.rules import setbased
from tracker.rules.reference import Progress
from tracker.store import Connection
from tracker.store.connection import reading
from tracker.store.scope import EVERYONE, TraineeScope

ENGINES = ("setbased", "reference")


def _ids_in(con: Connection, scope: TraineeScope) -> list[str]:
    with reading(con) as cur:
        rows = cur.execute(
            f"SELECT trainee_id FROM trainee tr {scope.where('tr.trainee_id')} ORDER BY trainee_id", dict(scope.params)
        ).fetchall()
    return [str(r[0]) for r in rows]


def progress(
    con: Connection,
    as_of: date,
    *,
    trainee_id: str | None = None,
    scope: TraineeScope = EVERYONE,
    engine: str = "setbased",
) -> list[Progress]:
    """Progress of one trainee (``trainee_id``) or of every trainee in ``scope``, ordered by id.

    A trainee id outside the scope, or unknown, is NotFoundError."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    if trainee_id is not None:
        scope = scope.narrowed_to(trainee_id)
    if engine == "setbased":
        out = setbased.progress_all(con, as_of, scope)
    else:
        out = reference_engine.progress_all(con, as_of, _ids_in(con, scope))
    if trainee_id is not None and not out:
        raise NotFoundError(f"ST-läkare {trainee_id} finns inte.")
    return out
