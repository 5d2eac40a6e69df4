"""Who is signed in, and what they may see: the Actor, derived from the database on every use.

An Actor is never stored between requests; the UI keeps only the person's id and asks for a fresh
Actor each time, so a removed role or an ended supervision takes effect at once.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import bcrypt

from tracker.errors import IdentityError, LoginError, PasswordError
from tracker.store import Connection, transaction
from tracker.store.audit import write_audit
from tracker.store.connection import reading

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
# bcrypt reads at most 72 bytes of a password; longer ones are refused rather than silently cut.
MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_CHARS = 10
# What every failed local sign-in is told, whatever the reason (unknown address, wrong password or a
# locked account), so that the answer does not reveal which addresses have accounts.
SIGN_IN_FAILED = (
    f"Fel e-postadress eller lösenord. Efter {MAX_FAILED_LOGINS} felaktiga försök i rad låses kontot i "
    f"{LOCK_MINUTES} minuter."
)

ROLE_LABELS: dict[str, str] = {
    "st_lakare": "ST-läkare",
    "handledare": "Handledare",
    "studierektor": "Studierektor",
    "verksamhetschef": "Verksamhetschef",
    "admin": "Administratör",
}


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
    raw = password.encode("utf-8")
    if len(raw) > MAX_PASSWORD_BYTES:
        raise PasswordError(f"Lösenordet är för långt: högst {MAX_PASSWORD_BYTES} byte (ungefär lika många tecken).")
    return bcrypt.hashpw(raw, bcrypt.gensalt()).decode("ascii")


@lru_cache(maxsize=1)
def _dummy_hash() -> bytes:
    """A hash to check against when there is no account, so that an unknown address costs as much time."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt())


def _check_password(password: str, pw_hash: str | None) -> bool:
    """bcrypt's verdict, in the same time whether or not there is a hash, for any password length."""
    raw = password.encode("utf-8")
    too_long = len(raw) > MAX_PASSWORD_BYTES
    candidate = raw[:MAX_PASSWORD_BYTES]
    if pw_hash is None:
        bcrypt.checkpw(candidate, _dummy_hash())
        return False
    ok = bcrypt.checkpw(candidate, pw_hash.encode("ascii"))
    return ok and not too_long


def _today() -> date:
    return date.today()


def actor_for_person(con: Connection, person_id: str, today: date | None = None) -> Actor | None:
    """The Actor for a person id, or None if the person does not exist."""
    day = today or _today()
    with reading(con) as cur:
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


def person_id_for_email(con: Connection, email: str) -> str | None:
    with reading(con) as cur:
        row = cur.execute("SELECT person_id FROM person WHERE lower(email) = lower(?)", [email.strip()]).fetchone()
    return str(row[0]) if row else None


def actor_for_email(con: Connection, email: str) -> Actor | None:
    """The Actor for an e-mail address (case-insensitive), or None if no person has it."""
    if not email or not email.strip():
        return None
    pid = person_id_for_email(con, email)
    return actor_for_person(con, pid) if pid else None


def verify_password(con: Connection, email: str, password: str, now: datetime | None = None) -> Actor | None:
    """Check a local account's password.

    Returns the Actor on success and None for an unknown address or a wrong password. After
    ``MAX_FAILED_LOGINS`` wrong passwords in a row the account is locked for ``LOCK_MINUTES``
    minutes; a sign-in attempt while locked raises :class:`LoginError`. Every failure and every
    lockout is an audit row. An unknown address costs the same bcrypt work as a known one.
    """
    moment = now or datetime.now()
    address = (email or "").strip()[:320]
    refusal = ""
    person_id: str | None = None
    with transaction(con) as cur:
        row = cur.execute(
            "SELECT person_id, password_hash, failed_logins, locked_until FROM person WHERE lower(email) = lower(?)",
            [address],
        ).fetchone()
        pw_hash = str(row[1]) if row is not None and row[1] else None
        ok = _check_password(password, pw_hash)
        if row is None or pw_hash is None:
            write_audit(cur, None, "login_failed", "person", "okänd", after={"email": address, "reason": "okänt konto"})
            return None
        person_id, failed, locked_until = str(row[0]), int(row[2]), row[3]
        if isinstance(locked_until, datetime) and locked_until > moment:
            refusal = _locked_text(locked_until)
            write_audit(cur, None, "login_failed", "person", person_id, after={"email": address, "reason": "kontot är låst"})
        elif ok:
            cur.execute("UPDATE person SET failed_logins = 0, locked_until = NULL WHERE person_id = ?", [person_id])
        else:
            refusal = _failed_password(cur, None, person_id, failed, moment, {"email": address, "reason": "fel lösenord"})
    if refusal:
        raise LoginError(refusal)
    if not ok:
        return None
    return actor_for_person(con, person_id)


def _locked_text(locked_until: datetime) -> str:
    return (
        "Kontot är låst efter för många felaktiga inloggningsförsök. "
        f"Försök igen efter kl. {locked_until:%H:%M}."
    )


def _failed_password(
    cur: Connection, by: str | None, person_id: str, failed: int, moment: datetime, what: dict[str, Any]
) -> str:
    """Count one wrong password (an audit row); the ``MAX_FAILED_LOGINS``-th in a row locks the account
    for ``LOCK_MINUTES`` minutes (another audit row). Returns the lockout's message, or '' when not locked."""
    failed += 1
    write_audit(cur, by, "login_failed", "person", person_id, after=what)
    if failed < MAX_FAILED_LOGINS:
        cur.execute("UPDATE person SET failed_logins = ? WHERE person_id = ?", [failed, person_id])
        return ""
    until = moment + timedelta(minutes=LOCK_MINUTES)
    cur.execute("UPDATE person SET failed_logins = 0, locked_until = ? WHERE person_id = ?", [until, person_id])
    write_audit(cur, by, "lockout", "person", person_id, after={"locked_until": until})
    return (
        f"Fel lösenord {MAX_FAILED_LOGINS} gånger i rad: kontot är låst i {LOCK_MINUTES} minuter "
        f"(till kl. {until:%H:%M})."
    )


WRONG_CURRENT_PASSWORD = (
    f"Det nuvarande lösenordet stämmer inte. Efter {MAX_FAILED_LOGINS} felaktiga försök i rad låses kontot i "
    f"{LOCK_MINUTES} minuter."
)


def has_password(con: Connection, person_id: str) -> bool:
    """Whether the person has a local account (a password to sign in and to change)."""
    with reading(con) as cur:
        row = cur.execute("SELECT password_hash IS NOT NULL FROM person WHERE person_id = ?", [person_id]).fetchone()
    return bool(row and row[0])


def change_password(con: Connection, person_id: str, current: str, new: str, now: datetime | None = None) -> None:
    """Replace a local account's password, after checking the current one.

    A wrong current password counts as a failed sign-in, as in :func:`verify_password` (an audit row;
    ``MAX_FAILED_LOGINS`` in a row lock the account) and raises :class:`LoginError`, as does any attempt
    while the account is locked. Raises :class:`PasswordError` for a new password that is too short,
    too long or the same as the current one, and for a person without a local account. The change is
    an audit row.
    """
    moment = now or datetime.now()
    if len(new) < MIN_PASSWORD_CHARS:
        raise PasswordError(f"Det nya lösenordet är för kort: minst {MIN_PASSWORD_CHARS} tecken.")
    new_hash = hash_password(new)
    refusal = ""
    same = False
    with transaction(con) as cur:
        row = cur.execute(
            "SELECT password_hash, failed_logins, locked_until FROM person WHERE person_id = ?", [person_id]
        ).fetchone()
        if row is None or not row[0]:
            raise PasswordError("Kontot har inget lokalt lösenord att byta.")
        ok = _check_password(current, str(row[0]))
        failed, locked_until = int(row[1]), row[2]
        if isinstance(locked_until, datetime) and locked_until > moment:
            refusal = _locked_text(locked_until)
            write_audit(cur, person_id, "login_failed", "person", person_id, after={"reason": "kontot är låst"})
        elif not ok:
            what = {"reason": "fel nuvarande lösenord vid byte"}
            refusal = _failed_password(cur, person_id, person_id, failed, moment, what) or WRONG_CURRENT_PASSWORD
        elif current == new:
            same = True
        else:
            cur.execute(
                "UPDATE person SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE person_id = ?",
                [new_hash, person_id],
            )
            write_audit(cur, person_id, "set_password", "person", person_id, after={"with": "byte av lösenord"})
    if refusal:
        raise LoginError(refusal)
    if same:
        raise PasswordError("Välj ett nytt lösenord som skiljer sig från det nuvarande.")


# --- sign-in through an identity provider (OIDC) -----------------------------------------------

def _truthy_claim(value: object) -> bool:
    """A boolean claim: providers send true or "true"; anything else (missing, false, "false") is no."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def oidc_subject(claims: Mapping[str, Any]) -> str | None:
    """The provider's stable identity for the person, or None when the token carries none.

    Microsoft Entra ID: the tenant (``tid``) and the object id (``oid``), which stay the same across
    app registrations; used only when the issuer is that tenant's (Entra's ``iss`` names the ``tid``),
    so that another provider cannot claim an Entra identity. Any other provider: the issuer (``iss``)
    and its subject (``sub``), which the OpenID Connect standard promises never to reassign.
    """
    tid, oid, iss, sub = claims.get("tid"), claims.get("oid"), claims.get("iss"), claims.get("sub")
    if tid and oid and iss and f"/{tid}/" in str(iss):
        return f"tid:{tid}|oid:{oid}"
    if iss and sub:
        return f"iss:{iss}|sub:{sub}"
    return None


def email_is_verified(claims: Mapping[str, Any]) -> bool:
    """Whether the provider vouches for the e-mail address: ``email_verified``, or Entra ID's optional
    claim ``xms_edov`` (the domain owner verified it)."""
    return _truthy_claim(claims.get("email_verified")) or _truthy_claim(claims.get("xms_edov"))


def token_fingerprint(claims: Mapping[str, Any]) -> str:
    """A digest of one identity token's claims: the same cookie gives the same fingerprint, a new
    sign-in (new ``iat``, ``nonce``) a new one."""
    body = {k: v for k, v in claims.items() if k not in ("is_logged_in", "tokens")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class OidcSignIn:
    """What an identity token gives: an Actor, or the reason there is none."""

    actor: Actor | None
    # '' when signed in; 'signed_out' (this token was signed out), 'no_subject', 'unverified' (no
    # linked person and no verified e-mail), 'unknown' (no person has the address), 'linked_elsewhere'
    # (the address belongs to a person linked to another identity).
    refusal: str = ""
    email: str | None = None
    # The provider identity, to hand to an administrator who links it (``link_oidc_subject``).
    subject: str | None = None


def actor_for_oidc(con: Connection, claims: Mapping[str, Any]) -> OidcSignIn:
    """The Actor for an identity token's claims.

    A person is found by the provider's stable subject. The e-mail address is used once, to link a
    person who has no identity yet, and only when the provider says it is verified; the link is an
    audit row. A token that was signed out never signs in again.
    """
    email = str(claims.get("email") or "").strip() or None
    subject = oidc_subject(claims)
    if subject is None:
        return OidcSignIn(None, "no_subject", email)
    fingerprint = token_fingerprint(claims)
    with transaction(con) as cur:
        if cur.execute(
            "SELECT count(*) FROM oidc_signed_out WHERE token_fingerprint = ?", [fingerprint]
        ).fetchone() != (0,):
            return OidcSignIn(None, "signed_out", email, subject)
        linked = cur.execute("SELECT person_id FROM oidc_identity WHERE subject = ?", [subject]).fetchone()
        if linked is None:
            if not email or not email_is_verified(claims):
                return OidcSignIn(None, "unverified", email, subject)
            person = cur.execute(
                """SELECT p.person_id, i.subject FROM person p LEFT JOIN oidc_identity i USING (person_id)
                   WHERE lower(p.email) = lower(?)""",
                [email],
            ).fetchone()
            if person is None:
                return OidcSignIn(None, "unknown", email, subject)
            if person[1] is not None:
                return OidcSignIn(None, "linked_elsewhere", email, subject)
            cur.execute(
                "INSERT INTO oidc_identity (subject, person_id, linked_at, linked_by) VALUES (?, ?, ?, 'verified_email')",
                [subject, person[0], datetime.now()],
            )
            write_audit(cur, str(person[0]), "oidc_link", "person", str(person[0]), after={"subject": subject, "email": email})
            linked = (person[0],)
    actor = actor_for_person(con, str(linked[0]))
    return OidcSignIn(actor, "" if actor else "unknown", email, subject)


SUBJECT_FORMS = ("tid:", "iss:")


def link_oidc_subject(con: Connection, person_id: str, subject: str, *, by: str | None = None) -> None:
    """Link a person to a provider identity chosen by an administrator (e.g. when the provider sends no
    verified e-mail; the refused person's page shows the identity to hand over). A person has at most
    one identity and an identity one person."""
    subject = subject.strip()
    if not subject.startswith(SUBJECT_FORMS) or "|" not in subject or len(subject) > 400:
        raise IdentityError(
            "Organisations-id:t ska se ut som på personens inloggningssida: tid:…|oid:… eller iss:…|sub:…."
        )
    with transaction(con) as cur:
        if cur.execute("SELECT count(*) FROM person WHERE person_id = ?", [person_id]).fetchone() == (0,):
            raise IdentityError("Personen finns inte.")
        taken = cur.execute(
            "SELECT subject, person_id FROM oidc_identity WHERE subject = ? OR person_id = ?", [subject, person_id]
        ).fetchone()
        if taken is not None:
            if taken[1] == person_id:
                raise IdentityError("Personen är redan kopplad till ett organisationskonto.")
            raise IdentityError("Organisationskontot är redan kopplat till en annan person.")
        cur.execute(
            "INSERT INTO oidc_identity (subject, person_id, linked_at, linked_by) VALUES (?, ?, ?, 'admin')",
            [subject, person_id, datetime.now()],
        )
        write_audit(cur, by, "oidc_link", "person", person_id, after={"subject": subject})


def sign_out_oidc(con: Connection, claims: Mapping[str, Any], person_id: str | None) -> None:
    """Remember that this identity token was signed out, so that a copy of its cookie is refused."""
    fingerprint = token_fingerprint(claims)
    with transaction(con) as cur:
        cur.execute(
            "INSERT INTO oidc_signed_out (token_fingerprint, person_id, signed_out_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [fingerprint, person_id, datetime.now()],
        )
        write_audit(cur, person_id, "sign_out", "person", person_id or "okänd")


# --- one-time codes: a first password, or a reset one -------------------------------------------

CODE_DAYS = 14
# No 0/O, 1/I/L: a code is read aloud or copied from paper. 12 symbols of 31 = about 59 bits.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_PURPOSES = ("first_password", "reset")
CODE_REFUSED = "Koden är fel, redan använd eller för gammal. Be utbildningsenheten om en ny kod."


def _code_hash(code: str) -> str:
    return hashlib.sha256("".join(code.split()).replace("-", "").upper().encode("ascii", "replace")).hexdigest()


def issue_code(con: Connection, person_id: str, *, purpose: str, by: str | None, now: datetime | None = None) -> str:
    """A one-time code with which the person sets a password (valid ``CODE_DAYS`` days, used once).

    Returns the code as ``XXXX-XXXX-XXXX``; only its hash is stored, so it is shown once to whoever
    hands it over. The person's earlier unused codes stop working. With ``purpose='reset'`` the current
    password stops working at once. Audited (without the code).
    """
    if purpose not in CODE_PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    moment = now or datetime.now()
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    with transaction(con) as cur:
        if cur.execute("SELECT 1 FROM person WHERE person_id = ?", [person_id]).fetchone() is None:
            raise PasswordError("Personen finns inte.")
        cur.execute(
            "UPDATE one_time_code SET used_at = ? WHERE person_id = ? AND used_at IS NULL", [moment, person_id]
        )
        cur.execute(
            """INSERT INTO one_time_code (code_hash, person_id, purpose, created_at, expires_at, created_by)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [_code_hash(code), person_id, purpose, moment, moment + timedelta(days=CODE_DAYS), by],
        )
        if purpose == "reset":
            cur.execute(
                "UPDATE person SET password_hash = NULL, failed_logins = 0, locked_until = NULL WHERE person_id = ?",
                [person_id],
            )
        write_audit(cur, by, "issue_code", "person", person_id, after={"purpose": purpose})
    return code


def redeem_code(con: Connection, email: str, code: str, new_password: str, now: datetime | None = None) -> Actor:
    """Set a new password with a one-time code given to the person with that e-mail address.

    Raises :class:`PasswordError` for a password that is too short or too long (the code is then still
    valid) and :class:`LoginError` with ``CODE_REFUSED`` for a wrong, used or expired code or an unknown
    address (the same answer for all, and each counts as a failed sign-in).
    """
    moment = now or datetime.now()
    if len(new_password) < MIN_PASSWORD_CHARS:
        raise PasswordError(f"Lösenordet är för kort: minst {MIN_PASSWORD_CHARS} tecken.")
    pw_hash = hash_password(new_password)
    address = (email or "").strip()[:320]
    with transaction(con) as cur:
        row = cur.execute(
            """SELECT p.person_id, c.code_hash, p.locked_until FROM person p
               LEFT JOIN one_time_code c ON c.person_id = p.person_id AND c.code_hash = ?
                    AND c.used_at IS NULL AND c.expires_at > ?
               WHERE lower(p.email) = lower(?)""",
            [_code_hash(code), moment, address],
        ).fetchone()
        locked = row is not None and isinstance(row[2], datetime) and row[2] > moment
        if row is None or row[1] is None or locked:
            write_audit(
                cur, None, "login_failed", "person", str(row[0]) if row else "okänd",
                after={"email": address, "reason": "fel engångskod"},
            )
            if row is not None and not locked:
                cur.execute("UPDATE person SET failed_logins = failed_logins + 1 WHERE person_id = ?", [row[0]])
                cur.execute(
                    "UPDATE person SET failed_logins = 0, locked_until = ? WHERE person_id = ? AND failed_logins >= ?",
                    [moment + timedelta(minutes=LOCK_MINUTES), row[0], MAX_FAILED_LOGINS],
                )
            failed = True
        else:
            person_id = str(row[0])
            cur.execute("UPDATE one_time_code SET used_at = ? WHERE code_hash = ?", [moment, row[1]])
            cur.execute(
                "UPDATE person SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE person_id = ?",
                [pw_hash, person_id],
            )
            write_audit(cur, person_id, "set_password", "person", person_id, after={"with": "engångskod"})
            failed = False
    if failed:
        raise LoginError(CODE_REFUSED)
    actor = actor_for_person(con, person_id)
    assert actor is not None
    return actor


# --- the first administrator ---------------------------------------------------------------------

def create_admin(con: Connection, email: str, name: str, password: str | None = None) -> tuple[str, str]:
    """Create an administrator with a local account (or give an existing person the role and a new
    password). Returns (person_id, password); a password is generated when none is given."""
    address = email.strip()
    if "@" not in address or len(address) > 320:
        raise PasswordError(f"{email!r} är ingen e-postadress.")
    if not name.strip():
        raise PasswordError("Ange administratörens namn.")
    if password is not None and len(password) < MIN_PASSWORD_CHARS:
        raise PasswordError(f"Lösenordet är för kort: minst {MIN_PASSWORD_CHARS} tecken.")
    chosen = password if password is not None else secrets.token_urlsafe(12)
    pw_hash = hash_password(chosen)
    with transaction(con) as cur:
        row = cur.execute("SELECT person_id FROM person WHERE lower(email) = lower(?)", [address]).fetchone()
        if row is None:
            person_id = f"admin-{uuid.uuid4().hex[:10]}"
            cur.execute(
                "INSERT INTO person (person_id, name, email, password_hash) VALUES (?, ?, ?, ?)",
                [person_id, name.strip(), address, pw_hash],
            )
        else:
            person_id = str(row[0])
            cur.execute(
                "UPDATE person SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE person_id = ?",
                [pw_hash, person_id],
            )
        has_role = cur.execute(
            "SELECT count(*) FROM role_assignment WHERE person_id = ? AND role = 'admin'", [person_id]
        ).fetchone()
        if not has_role or not has_role[0]:
            cur.execute("INSERT INTO role_assignment (person_id, role) VALUES (?, 'admin')", [person_id])
        write_audit(cur, None, "create_admin", "person", person_id, after={"email": address, "name": name.strip()})
    return person_id, chosen


def has_people(con: Connection) -> bool:
    """Whether anyone can sign in at all (a new production database has nobody until create-admin)."""
    with reading(con) as cur:
        row = cur.execute("SELECT count(*) FROM person").fetchone()
    return bool(row and row[0])


def known_emails(con: Connection, emails: list[str]) -> set[str]:
    """Which of the given e-mail addresses belong to a person with a password (e.g. demo accounts)."""
    if not emails:
        return set()
    with reading(con) as cur:
        rows = cur.execute(
            "SELECT lower(email) FROM person WHERE password_hash IS NOT NULL AND list_contains($e, lower(email))",
            {"e": [e.lower() for e in emails]},
        ).fetchall()
    return {str(r[0]) for r in rows}


def people_with_roles(con: Connection) -> list[tuple[str, str, str]]:
    """(person_id, name, roles as Swedish text) of everyone with a role or a trainee record.

    Only for the developer identity picker, which the app offers on a loopback address only.
    """
    with reading(con) as cur:
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
    order = list(ROLE_LABELS)
    out = []
    for pid, name, roles, is_trainee in rows:
        names = set(roles or [])
        if is_trainee:
            names.add("st_lakare")
        text = ", ".join(ROLE_LABELS[r] for r in sorted(names, key=order.index) if r in ROLE_LABELS)
        out.append((str(pid), str(name), text))
    return out
