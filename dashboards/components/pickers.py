"""Choosing one record to act on.

A select that opens at its first option acts on whatever sits first when the list changes under it (a
record deleted, voided or sent from another tab): the action would then hit a record the person never
chose. These selects start empty and fall back to empty, so a stale choice asks again instead.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, TypeVar

import streamlit as st

K = TypeVar("K", bound=Hashable)


def choose(label: str, options: Mapping[K, str], *, key: str, placeholder: str = "Välj …", container: Any = st) -> K | None:
    """One of ``options`` (id -> label), or None until one is chosen (and again when it disappears)."""
    ids = list(options)
    picked: K | None = container.selectbox(
        label, ids, index=None, format_func=lambda i: options[i], key=key, placeholder=placeholder
    )
    return picked if picked in options else None
