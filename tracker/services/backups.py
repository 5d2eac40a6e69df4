"""Backups while the app serves: the app process holds the database file's lock, so the backups an
administrator makes from the app and the scheduled ones are written by this process (``tracker.store.backup``).

Only administrators make, list or download backups: a backup holds every record of the database. Each
backup and each download is an audit row; a scheduled backup is logged with no actor (the system).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracker.accounts import Actor
from tracker.errors import AccessDenied, NotFoundError
from tracker.services.shared import record_audit
from tracker.store import Connection, transaction
from tracker.store.audit import write_audit
from tracker.store.backup import BackupInfo, backup, backup_into, list_backups, prune_backups
from tracker.store.backup import backup_zip as _zip

_ADMIN_ONLY = "Säkerhetskopior är till för administratörer."
# After a failed scheduled backup, the next attempt waits this long (or one interval, if shorter).
RETRY_AFTER = timedelta(hours=1)

log = logging.getLogger("st_tracker")


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied(_ADMIN_ONLY)


def _summary(info: BackupInfo) -> dict[str, object]:
    return {
        "folder": str(info.path),
        "tables": len(info.tables),
        "rows": info.rows,
        "schema_version": info.schema_version,
        "bytes": info.size,
    }


def _audited_backup(con: Connection, actor: Actor, info: BackupInfo) -> BackupInfo:
    with transaction(con) as cur:
        record_audit(cur, actor, "backup", "backup", info.name, None, None, _summary(info))
    return info


def make_backup(con: Connection, actor: Actor, directory: str | Path) -> BackupInfo:
    """A backup of the whole database into ``directory`` (new or empty); administrators only."""
    _require_admin(actor)
    return _audited_backup(con, actor, backup(con, directory))


def backup_now(con: Connection, actor: Actor, root: str | Path) -> BackupInfo:
    """A backup into a new timestamped folder under ``root`` (the app's button); administrators only."""
    _require_admin(actor)
    return _audited_backup(con, actor, backup_into(con, root))


def backups(con: Connection, actor: Actor, root: str | Path) -> list[BackupInfo]:
    """The complete backups under ``root``, newest first; administrators only."""
    _require_admin(actor)
    return list_backups(root)


def backup_zip(con: Connection, actor: Actor, root: str | Path, name: str) -> bytes:
    """The backup folder ``name`` under ``root`` as a zip archive (a download, audited); administrators only."""
    _require_admin(actor)
    found = next((b for b in list_backups(root) if b.name == name), None)
    if found is None:
        raise NotFoundError(f"Säkerhetskopian {name} finns inte.")
    data = _zip(found.path)
    with transaction(con) as cur:
        record_audit(cur, actor, "export", "backup", found.name, None, None, _summary(found))
    return data


def scheduled_backup(con: Connection, root: str | Path, keep: int) -> BackupInfo:
    """The schedule's backup (no actor): a new timestamped folder under ``root``, then only the newest
    ``keep`` timestamped backups are kept."""
    info = backup_into(con, root)
    removed = prune_backups(root, keep)
    with transaction(con) as cur:
        write_audit(cur, None, "backup", "backup", info.name, None, None, _summary(info))
    if removed:
        log.info("scheduled backup: removed %d old backups", len(removed))
    return info


def next_backup_in(root: str | Path, every: timedelta, now: datetime | None = None) -> timedelta:
    """How long until the schedule's next backup is due: one interval after the newest backup (of any
    kind) under ``root``; now, if there is none."""
    found = list_backups(root)
    if not found:
        return timedelta(0)
    due = found[0].created_at + every - (now or datetime.now(UTC))
    return max(due, timedelta(0))


def backup_schedule(
    con: Connection, root: str | Path, every_hours: float, keep: int, stop: threading.Event | None = None
) -> None:
    """Write a backup every ``every_hours`` under ``root`` until ``stop`` is set (run on a daemon thread of
    the app's process). A failure is logged and retried later; it never ends the loop."""
    every = timedelta(hours=every_hours)
    halt = stop or threading.Event()
    while not halt.is_set():
        try:
            wait = next_backup_in(root, every)
        except Exception as exc:  # the schedule never takes the app down
            log.error("scheduled backup: the folder %s cannot be read: %s", root, exc)
            wait = min(every, RETRY_AFTER)
        if halt.wait(wait.total_seconds()):
            return
        try:
            info = scheduled_backup(con, root, keep)
            log.info("scheduled backup written to %s (%d rows)", info.path, info.rows)
        except Exception as exc:  # logged, retried after a pause: never a crash of the server
            log.error("scheduled backup failed: %s", exc)
            if halt.wait(min(every, RETRY_AFTER).total_seconds()):
                return
