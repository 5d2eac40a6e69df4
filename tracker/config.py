"""The installation's settings, read from the environment in one place (the CLI and the app use it).

| variable | meaning | default |
|---|---|---|
| ``TRACKER_DB`` | the database file | ``data/tracker.duckdb`` |
| ``TRACKER_DEMO`` | ``1``: an empty database is filled with demo data on start, and the login page lists the demo accounts | off |
| ``TRACKER_DEMO_TRAINEES`` | how many trainees that demo data has | 180 |
| ``TRACKER_AUTH`` | ``dev``: the developer identity picker (loopback clients only) | off |
| ``TRACKER_BACKUP_DIR`` | the folder of the backups the app writes (docs/backup.md) | ``data/backups`` |
| ``TRACKER_BACKUP_EVERY_HOURS`` | a number of hours (``24``, ``0,5``): the app's process writes a backup that often | off |
| ``TRACKER_FORMS`` | the folder of Socialstyrelsen's blank forms (``tracker forms fetch`` fills it) | ``data/forms`` |
| ``TRACKER_FORMS_SOURCE`` | a base address the blank forms are fetched from instead of Socialstyrelsen's site (a mirror) | off |
| ``TRACKER_BACKUP_KEEP`` | how many of the scheduled backups are kept (the oldest beyond are removed) | 14 |

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
DEFAULT_FORMS_DIR = Path("data") / "forms"
DEFAULT_BACKUP_DIR = Path("data") / "backups"
BACKUP_KEEP = 14

_TRUE = frozenset({"1", "true", "yes", "ja", "on"})


@dataclass(frozen=True)
class Settings:
    db_path: Path = DEFAULT_DB
    demo: bool = False
    demo_trainees: int = DEMO_TRAINEES
    dev_auth: bool = False
    forms_dir: Path = DEFAULT_FORMS_DIR
    forms_source: str | None = None
    backup_dir: Path = DEFAULT_BACKUP_DIR
    backup_every_hours: float | None = None  # None: no scheduled backups
    backup_keep: int = BACKUP_KEEP

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        trainees = (e.get("TRACKER_DEMO_TRAINEES") or "").strip()
        keep = (e.get("TRACKER_BACKUP_KEEP") or "").strip()
        return cls(
            db_path=Path(e.get("TRACKER_DB") or DEFAULT_DB),
            demo=(e.get("TRACKER_DEMO") or "").strip().lower() in _TRUE,
            demo_trainees=int(trainees) if trainees.isdigit() and int(trainees) > 0 else DEMO_TRAINEES,
            dev_auth=(e.get("TRACKER_AUTH") or "").strip().lower() == "dev",
            forms_dir=Path(e.get("TRACKER_FORMS") or DEFAULT_FORMS_DIR),
            forms_source=(e.get("TRACKER_FORMS_SOURCE") or "").strip() or None,
            backup_dir=Path(e.get("TRACKER_BACKUP_DIR") or DEFAULT_BACKUP_DIR),
            backup_every_hours=_hours(e.get("TRACKER_BACKUP_EVERY_HOURS") or ""),
            backup_keep=int(keep) if keep.isdigit() and int(keep) > 0 else BACKUP_KEEP,
        )


def _hours(text: str) -> float | None:
    """A positive number of hours, with a decimal point or comma; None (off) for anything else."""
    try:
        hours = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return hours if 0 < hours < float("inf") else None
