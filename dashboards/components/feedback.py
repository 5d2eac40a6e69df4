"""What a person is told about a read or a write: refusals and failures, validation errors, success."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import format as fmt
from dashboards.connection import after_write
from tracker import services
from tracker.errors import FIELD_LABELS, TrackerError

FLASH_KEY = "_flash"


@contextmanager
def shown_errors() -> Iterator[None]:
    """Show a refused or failed read as a Swedish message and stop the page."""
    try:
        yield
    except services.AccessDenied as exc:
        st.error(fmt.plain(exc), icon=":material/block:")
        st.stop()
    except TrackerError as exc:
        st.error(fmt.plain(exc))
        st.stop()


def flash(message: str) -> None:
    """A success message that survives the rerun after a write."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(fmt.plain(message), icon=":material/check_circle:")


def input_errors(
    exc: services.InputError, heading: str = "Uppgifterna kunde inte sparas. Rätta följande och försök igen:"
) -> None:
    """A write's (or a computation's) validation errors, one row per problem, under ``heading``."""
    st.error(heading, icon=":material/error:")
    st.dataframe(
        pd.DataFrame(
            {
                "Fält": [FIELD_LABELS.get(e.column, e.column) for e in exc.errors],
                "Vad är fel": [e.message[:1].upper() + e.message[1:] for e in exc.errors],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def write(action: Callable[[], Any], success: str, *, passes: tuple[type[Exception], ...] = ()) -> bool:
    """Run a write through the service layer; on success clear caches, flash ``success`` (if any) and rerun.

    A refusal is shown where the form is; errors of the types in ``passes`` are raised to the caller, which
    answers them itself (e.g. an overlap it asks the person to confirm)."""
    try:
        action()
    except passes:
        raise
    except services.InputError as exc:
        input_errors(exc)
        return False
    except TrackerError as exc:
        st.error(fmt.plain(exc), icon=":material/block:")
        return False
    after_write()
    flash(success)
    st.rerun()
    return True
