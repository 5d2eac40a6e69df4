"""Two trainees of the same name are told apart wherever trainees are listed or picked (services.trainee_labels)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tracker.services import trainee_labels


def _df(*rows: tuple[str, str, str | None, date | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["trainee_id", "name", "unit_name", "st_start_date"])


@pytest.mark.parametrize(("rows", "expected"), [
    ([("T1", "Anna Berg", "VC Majorna", date(2022, 3, 1)), ("T2", "Olle Ek", "VC Lund", date(2021, 9, 1))],
     {"T1": "Anna Berg", "T2": "Olle Ek"}),  # unique names stay as they are
    ([("T1", "Anna Berg", "VC Majorna", date(2022, 3, 1)), ("T2", "Anna Berg", "VC Lund", date(2022, 3, 1))],
     {"T1": "Anna Berg (VC Majorna, ST 2022)", "T2": "Anna Berg (VC Lund, ST 2022)"}),
    ([("T1", "Anna Berg", "VC Lund", date(2020, 1, 1)), ("T2", "Anna Berg", "VC Lund", date(2023, 1, 1))],
     {"T1": "Anna Berg (VC Lund, ST 2020)", "T2": "Anna Berg (VC Lund, ST 2023)"}),
    ([("T1", "Anna Berg", "VC Lund", date(2020, 1, 1)), ("T2", "Anna Berg", "VC Lund", date(2020, 6, 1))],
     {"T1": "Anna Berg (VC Lund, ST 2020, T1)", "T2": "Anna Berg (VC Lund, ST 2020, T2)"}),  # the id as a last resort
    ([("T1", "Anna Berg", None, None), ("T2", "Anna Berg", "VC Lund", date(2020, 6, 1))],
     {"T1": "Anna Berg (ingen enhet, ST-start saknas)", "T2": "Anna Berg (VC Lund, ST 2020)"}),
])
def test_trainee_labels_tell_namesakes_apart(rows: list[tuple[str, str, str | None, date | None]], expected: dict[str, str]) -> None:
    assert trainee_labels(_df(*rows)) == expected
