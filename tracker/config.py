"""The installation's settings, read from the environment in one place (the CLI and the app use it).

| variable | meaning | default |
|---|---|---|
| ``TRACKER_DB`` | the database file | ``data/tracker.duckdb`` |
| ``TRACKER_DEMO`` | ``1``: an empty database is filled with demo data on start, and the login page lists the demo accounts | off |
| ``TRACKER_DEMO_TRAINEES`` | how many trainees that demo data has | 180 |
| ``TRACKER_AUTH`` | ``dev``: the developer identity picker (loopback clients only) | off |

A production start sets none of the demo switches: the database then starts empty, and its first
administrator is created with ``tracker create-admin``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("data") / "tracker.duckdb"
DEMO_TRAINEES = 180

_TRUE = frozenset({"1", "true", "yes", "ja", "on"})


@dataclass(frozen=True)
class Settings:
    db_path: Path = DEFAULT_DB
    demo: bool = False
    demo_trainees: int = DEMO_TRAINEES
    dev_auth: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        trainees = (e.get("TRACKER_DEMO_TRAINEES") or "").strip()
        return cls(
            db_path=Path(e.get("TRACKER_DB") or DEFAULT_DB),
            demo=(e.get("TRACKER_DEMO") or "").strip().lower() in _TRUE,
            demo_trainees=int(trainees) if trainees.isdigit() and int(trainees) > 0 else DEMO_TRAINEES,
            dev_auth=(e.get("TRACKER_AUTH") or "").strip().lower() == "dev",
        )
