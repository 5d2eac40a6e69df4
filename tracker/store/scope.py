"""Which trainees a query may see, as a value the queries compose (never an id list fetched first).

A ``TraineeScope`` is SQL that selects ``trainee_id`` plus its named parameters; set-based queries
join it where they read the trainee table, so the scope is applied inside the one query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TraineeScope:
    """``sql`` selects the visible ``trainee_id``s (None: every trainee); ``params`` are its parameters."""

    sql: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of_ids(cls, trainee_ids: Sequence[str]) -> TraineeScope:
        return cls("SELECT unnest(CAST($scope_ids AS VARCHAR[])) AS trainee_id", {"scope_ids": list(trainee_ids)})

    def narrowed_to(self, trainee_id: str) -> TraineeScope:
        """The one trainee, if this scope holds it (else nobody)."""
        params = {**self.params, "scope_one": trainee_id}
        if self.sql is None:
            return TraineeScope("SELECT CAST($scope_one AS VARCHAR) AS trainee_id", params)
        return TraineeScope(f"SELECT trainee_id FROM ({self.sql}) AS s WHERE trainee_id = $scope_one", params)

    def where(self, column: str) -> str:
        """A WHERE clause limiting ``column`` to the scope (empty for every trainee)."""
        return "" if self.sql is None else f"WHERE {column} IN ({self.sql})"


EVERYONE = TraineeScope()
