"""Who is signed in, and what they may see: the Actor, derived from the database on every use.

An Actor is never stored between requests; the UI keeps only the person's id and asks for a fresh
Actor each time, so a removed role or an ended supervision takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import bcrypt

from tracker.db import Connection, TrackerError, transaction

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15

ROLE_LABELS: dict[str, str] = {
    "st_lakare": "ST-läkare",
    "handledare": "Handledare",
    "studierektor": "Studierektor",
    "verksamhetschef": "Verksamhetschef",
    "admin": "Administratör",
}


class LoginError(TrackerError):
    """Signing in failed for a reason the person should be told (e.g. a locked account)."""


@dataclass(frozen=True)
class Actor:
    """A signed-in person with the roles and scope read from the database."""

    person_id: str
    name: str
    roles: frozenset[str]
    email: str | None = None
    # st_lakare: the person's own trainee record.
    trainee_id: str | None = None
    # studierektor: whole regions, and (region_id, area) pairs; region_id '' means any region.
    regions: frozenset[str] = field(default_factory=frozenset)
    areas: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    # verksamhetschef: units.
    unit_ids: frozenset[str] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def role_text(self) -> str:
        order = list(ROLE_LABELS)
        return ", ".join(ROLE_LABELS[r] for r in sorted(self.roles, key=order.index) if r in ROLE_LABELS)


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def _today() -> date:
    return date.today()


def actor_for_person(con: Connection, person_id: str, today: date | None = None) -> Actor | None:
    """The Actor for a person id, or None if the person does not exist."""
    day = today or _today()
    cur = con.cursor()
    try:
        row = cur.execute("SELECT person_id, name, email FROM person WHERE person_id = ?", [person_id]).fetchone()
        if row is None:
            return None
        roles: set[str] = set()
        regions: set[str] = set()
        areas: set[tuple[str, str]] = set()
        units: set[str] = set()
        for role, region_id, area, unit_id in cur.execute(
            "SELECT role, region_id, area, unit_id FROM role_assignment WHERE person_id = ?", [person_id]
        ).fetchall():
            roles.add(str(role))
            if role == "studierektor":
                if area:
                    areas.add((str(region_id or ""), str(area)))
                elif region_id:
                    regions.add(str(region_id))
            elif role == "verksamhetschef" and unit_id:
                units.add(str(unit_id))
        trow = cur.execute("SELECT trainee_id FROM trainee WHERE person_id = ?", [person_id]).fetchone()
        trainee_id = str(trow[0]) if trow else None
        if trainee_id is not None:
            roles.add("st_lakare")
        else:
            roles.discard("st_lakare")  # the role means nothing without a trainee record
        supervising = cur.execute(
            """SELECT count(*) FROM supervision
               WHERE person_id = ? AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)""",
            [person_id, day, day],
        ).fetchone()
        if supervising and supervising[0]:
            roles.add("handledare")
    finally:
        cur.close()
    return Actor(
        person_id=str(row[0]),
        name=str(row[1]),
        roles=frozenset(roles),
        email=str(row[2]) if row[2] else None,
        trainee_id=trainee_id,
        regions=frozenset(regions),
        areas=frozenset(areas),
        unit_ids=frozenset(units),
    )


def _person_id_for_email(con: Connection, email: str) -> str | None:
    cur = con.cursor()
    try:
        row = cur.execute("SELECT person_id FROM person WHERE lower(email) = lower(?)", [email.strip()]).fetchone()
    finally:
        cur.close()
    return str(row[0]) if row else None


def actor_for_email(con: Connection, email: str) -> Actor | None:
    """The Actor for an e-mail address (case-insensitive), or None if no person has it."""
    if not email or not email.strip():
        return None
    pid = _person_id_for_email(con, email)
    return actor_for_person(con, pid) if pid else None


def verify_password(con: Connection, email: str, password: str, now: datetime | None = None) -> Actor | None:
    """Check a local account's password.

    Returns the Actor on success and None for an unknown address or a wrong password. After
    ``MAX_FAILED_LOGINS`` wrong passwords in a row the account is locked for ``LOCK_MINUTES``
    minutes; a sign-in attempt while locked raises :class:`LoginError`.
    """
    moment = now or datetime.now()
    locked_message = ""
    ok = False
    with transaction(con) as cur:
        row = cur.execute(
            "SELECT person_id, password_hash, failed_logins, locked_until FROM person WHERE lower(email) = lower(?)",
            [email.strip()],
        ).fetchone()
        if row is None or not row[1]:
            return None
        person_id, pw_hash, failed, locked_until = str(row[0]), str(row[1]), int(row[2]), row[3]
        if isinstance(locked_until, datetime) and locked_until > moment:
            raise LoginError(
                "Kontot är låst efter för många felaktiga inloggningsförsök. "
                f"Försök igen efter kl. {locked_until:%H:%M}."
            )
        ok = bcrypt.checkpw(password.encode("utf-8"), pw_hash.encode("ascii"))
        if ok:
            cur.execute("UPDATE person SET failed_logins = 0, locked_until = NULL WHERE person_id = ?", [person_id])
        else:
            failed += 1
            if failed >= MAX_FAILED_LOGINS:
                until = moment + timedelta(minutes=LOCK_MINUTES)
                cur.execute(
                    "UPDATE person SET failed_logins = 0, locked_until = ? WHERE person_id = ?",
                    [until, person_id],
                )
                locked_message = (
                    f"Fel lösenord {MAX_FAILED_LOGINS} gånger i rad: kontot är låst i {LOCK_MINUTES} minuter "
                    f"(till kl. {until:%H:%M})."
                )
            else:
                cur.execute("UPDATE person SET failed_logins = ? WHERE person_id = ?", [failed, person_id])
    if not ok:
        if locked_message:
            raise LoginError(locked_message)
        return None
    return actor_for_person(con, person_id)


def known_emails(con: Connection, emails: list[str]) -> set[str]:
    """Which of the given e-mail addresses belong to a person with a password (e.g. demo accounts)."""
    if not emails:
        return set()
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT lower(email) FROM person WHERE password_hash IS NOT NULL AND list_contains($e, lower(email))",
            {"e": [e.lower() for e in emails]},
        ).fetchall()
    finally:
        cur.close()
    return {str(r[0]) for r in rows}


def people_with_roles(con: Connection) -> list[tuple[str, str, str]]:
    """(person_id, name, roles as Swedish text) of everyone with a role or a trainee record.

    Only for the developer identity picker, which the app offers on a loopback address only.
    """
    cur = con.cursor()
    try:
        rows = cur.execute(
            """SELECT p.person_id, p.name,
                      list_distinct(list(r.role) FILTER (WHERE r.role IS NOT NULL)) AS roles,
                      bool_or(t.trainee_id IS NOT NULL) AS is_trainee
               FROM person p
               LEFT JOIN role_assignment r USING (person_id)
               LEFT JOIN trainee t ON t.person_id = p.person_id
               GROUP BY p.person_id, p.name
               HAVING count(r.role) > 0 OR bool_or(t.trainee_id IS NOT NULL)
               ORDER BY p.name, p.person_id"""
        ).fetchall()
    finally:
        cur.close()
    order = list(ROLE_LABELS)
    out = []
    for pid, name, roles, is_trainee in rows:
        names = set(roles or [])
        if is_trainee:
            names.add("st_lakare")
        text = ", ".join(ROLE_LABELS[r] for r in sorted(names, key=order.index) if r in ROLE_LABELS)
        out.append((str(pid), str(name), text))
    return out
