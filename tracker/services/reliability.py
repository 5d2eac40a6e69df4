"""What the delmål catalogue says is not to be trusted: a målbeskrivning marked unreliable and delmål whose
requirements are in doubt, each with why (Swedish, for the pages)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.accounts import Actor
from tracker.domain import REG_2021
from tracker.store import Connection, catalogue


@dataclass(frozen=True)
class CatalogueDoubts:
    """For one specialty under one regulation (with the BT delmål under HSLF-FS 2021:8)."""

    unreliable: str | None = None  # why the whole målbeskrivning is not to be trusted
    delmal: dict[str, str] = field(default_factory=dict)  # delmål code -> why its requirements are in doubt


def catalogue_doubts(con: Connection, actor: Actor, regulation: str, specialty: str) -> CatalogueDoubts:
    """The catalogue's markings for a målbeskrivning. The catalogue is the same for everyone and holds
    nothing about a person, so any signed-in actor may read it."""
    del actor  # nothing to scope: the catalogue is public reference data
    doubts = catalogue.delmal_doubts(con, regulation, specialty)
    if regulation == REG_2021:
        doubts.update(catalogue.delmal_doubts(con, REG_2021, catalogue.BT_SPECIALTY))
    return CatalogueDoubts(catalogue.unreliable(con, regulation, specialty), doubts)
