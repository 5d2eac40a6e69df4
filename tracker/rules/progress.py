"""Progress per trainee from the database, through the reference rules in ``tracker.rules.reference``."""

from __future__ import annotations

from datetime import date

from tracker.domain import REG_2021, TraineeRecord
from tracker.rules.reference import Progress, Requirement, compute_progress, resolve_regulation
from tracker.store import Connection, catalogue
from tracker.store.records import load_record, load_records


class _Requirements:
    """Applicable delmål per (regulation, specialty), read once per call."""

    def __init__(self, con: Connection) -> None:
        self._con = con
        self._cache: dict[tuple[str, str], list[Requirement]] = {}

    def __call__(self, regulation: str, specialty: str) -> list[Requirement]:
        key = (regulation, specialty)
        if key not in self._cache:
            self._cache[key] = catalogue.requirements(self._con, regulation, specialty)
        return self._cache[key]


def _compute(rec: TraineeRecord, as_of: date, reqs: _Requirements) -> Progress:
    regulation = resolve_regulation(rec.trainee)
    return compute_progress(
        rec,
        as_of,
        reqs(regulation, rec.trainee.specialty),
        reqs(REG_2021, catalogue.BT_SPECIALTY) if regulation == REG_2021 else (),
    )


def progress_for(con: Connection, trainee_id: str, as_of: date) -> Progress:
    return _compute(load_record(con, trainee_id), as_of, _Requirements(con))


def progress_for_record(con: Connection, rec: TraineeRecord, as_of: date) -> Progress:
    """Progress of a record that need not be saved (the planner's "what if")."""
    return _compute(rec, as_of, _Requirements(con))


def progress_all(con: Connection, as_of: date, trainee_ids: list[str] | None = None) -> list[Progress]:
    reqs = _Requirements(con)
    return [_compute(rec, as_of, reqs) for rec in load_records(con, trainee_ids)]
