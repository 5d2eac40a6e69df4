"""Progress per trainee from the database, through the reference rules in ``tracker.rules.reference``."""

from __future__ import annotations

from datetime import date

from tracker.domain import REG_2021, TraineeRecord
from tracker.rules.reference import Progress, Requirement, compute_progress, resolve_regulation
from tracker.store import Connection, catalogue
from tracker.store.records import load_record, load_records


class Requirements:
    """What the catalogue asks of a trainee, read once per (regulation, specialty) and call: the
    applicable delmål, and the basspecialiteter a gren- or tilläggsspecialitet builds on."""

    def __init__(self, con: Connection) -> None:
        self._con = con
        self._cache: dict[tuple[str, str], list[Requirement]] = {}
        self._bas: dict[str, tuple[tuple[str, ...], bool] | None] = {}

    def __call__(self, regulation: str, specialty: str) -> list[Requirement]:
        key = (regulation, specialty)
        if key not in self._cache:
            self._cache[key] = catalogue.requirements(self._con, regulation, specialty)
        return self._cache[key]

    def bas(self, specialty: str) -> tuple[tuple[str, ...], bool] | None:
        """(qualifying basspecialiteter, whether that is every one), or None for a basspecialitet."""
        if specialty not in self._bas:
            self._bas[specialty] = catalogue.bas_options(self._con, specialty)
        return self._bas[specialty]


def _compute(rec: TraineeRecord, as_of: date, reqs: Requirements) -> Progress:
    regulation = resolve_regulation(rec.trainee)
    return compute_progress(
        rec,
        as_of,
        reqs(regulation, rec.trainee.specialty),
        reqs(REG_2021, catalogue.BT_SPECIALTY) if regulation == REG_2021 else (),
        reqs.bas(rec.trainee.specialty),
    )


def progress_for(con: Connection, trainee_id: str, as_of: date) -> Progress:
    return _compute(load_record(con, trainee_id), as_of, Requirements(con))


def progress_for_record(con: Connection, rec: TraineeRecord, as_of: date) -> Progress:
    """Progress of a record that need not be saved (the planner's "what if")."""
    return _compute(rec, as_of, Requirements(con))


def progress_all(con: Connection, as_of: date, trainee_ids: list[str] | None = None) -> list[Progress]:
    reqs = Requirements(con)
    return [_compute(rec, as_of, reqs) for rec in load_records(con, trainee_ids)]
