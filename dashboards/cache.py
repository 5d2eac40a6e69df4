"""Cached reads through the service layer.

Every read goes through ``tracker.services`` (which checks the actor's scope); results are cached
per actor (the whole Actor, so a changed role or scope is a new key) and per argument, for a few
minutes, and the whole cache is cleared after every write made in the app.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from dashboards.connection import db_path
from tracker import services
from tracker.accounts import Actor
from tracker.store import Connection

TTL = "5m"


def as_of() -> date:
    """The date progress is computed for: today."""
    return date.today()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=5000)
def _call(name: str, db_key: str, actor_key: str, args: tuple[Any, ...], _con: Connection, _actor: Actor) -> Any:
    return getattr(services, name)(_con, _actor, *args)


def read(name: str, con: Connection, actor: Actor, *args: Any) -> Any:
    """``tracker.services.<name>(con, actor, *args)``, cached per database file, actor and arguments."""
    return _call(name, db_path(), repr(actor), tuple(args), con, actor)
