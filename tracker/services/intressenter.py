"""The ST-intressent process: registration, the queue, documents, steps and inskrivning.

A verksamhetschef reports an interested doctor for one of their units (a studierektor for the units of
their area, an administrator anywhere); the documents are ticked off, the studierektor assesses, puts
the intressent on the waiting list and finally enrols them with an ST-kontrakt, a huvudhandledare and
a unit. Inskrivning creates the trainee record and the person's account and returns a one-time code for
the first password. Only office roles (studierektor, verksamhetschef, admin) see intressenter, those of
the units in their scope; only a studierektor or an administrator enrols. Each write runs in one
transaction and records ``audit_log`` rows.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from tracker.accounts import CODE_DAYS, Actor, issue_code
from tracker.domain import INTRESSENT_STEPS, REG_2021, REGULATION_2021_START, Trainee
from tracker.errors import AccessDenied, FieldError, InputError, NotFoundError, StateConflict
from tracker.rules.facts import BT_MIN_ACUTE, BT_MIN_MONTHS, BT_MIN_PRIMARY
from tracker.rules.numbers import sv_number
from tracker.rules.reference import resolve_regulation
from tracker.services.access import office_units_sql, require_office
from tracker.services.people import may_edit
from tracker.services.shared import date_columns, one_row, query, record_audit, todays_date
from tracker.services.validation import enrolment_input, intressent_input, validate_input
from tracker.store import Connection, catalogue, transaction
from tracker.store.connection import reading

# The people who already have a place in the system: a training, a role or a supervision.
_HAS_PLACE_SQL = """SELECT person_id FROM trainee WHERE person_id IS NOT NULL
                    UNION SELECT person_id FROM role_assignment WHERE role <> 'st_lakare'
                    UNION SELECT person_id FROM supervision"""

_ALREADY_ENROLLED = "ST-intressenten är redan inskriven som ST-läkare."

STEP_LABELS: dict[str, str] = {
    "intresse": "Intresse anmält",
    "dokument": "Dokument inkommer",
    "bedomning": "Bedömning",
    "vantelista": "Väntelista",
    "inskriven": "Inskriven",
    "avslutad": "Avslutad",
}

DOCUMENTS: dict[str, str] = {
    "doc_anstallningsbevis": "Anställningsbevis",
    "doc_cv": "CV",
    "doc_personligt_brev": "Personligt brev",
    "doc_legitimation": "Legitimation",
}

# Inskrivning follows the assessment: from 'bedomning' (approved, with a place at once) or from the
# waiting list; never before the documents are assessed, nor after the case is closed.
ENROL_STEPS: tuple[str, ...] = ("bedomning", "vantelista")


# --- BT first (RULES 1) -------------------------------------------------------------------------

BT_FIRST_NOTICE = (
    "BT först: utan svensk AT gäller HSLF-FS 2021:8, och specialiseringstjänstgöringen inleds då med "
    f"bastjänstgöring (BT) under minst {sv_number(BT_MIN_MONTHS)} månader, varav minst "
    f"{sv_number(BT_MIN_PRIMARY)} i primärvård och {sv_number(BT_MIN_ACUTE)} i akut sjukvård."
)
BT_FIRST_UNLESS_EARLIER_ST = (
    f" Undantag: den som påbörjade ST före {REGULATION_2021_START.isoformat()} kan fullfölja den enligt "
    "SOSFS 2015:8 utan BT."
)


def _regulation_for(swedish_at: bool, st_start_date: date) -> str:
    """The regulation for an ST beginning on ``st_start_date`` with no explicit choice (RULES 1)."""
    return resolve_regulation(Trainee("", "", "", st_start_date, swedish_at=bool(swedish_at)))


def bt_comes_first(swedish_at: bool, st_start_date: date | None = None) -> bool:
    """Whether an ST beginning on ``st_start_date`` (default today, as for an intressent) begins with BT.

    RULES 1: without an explicit choice, SOSFS 2015:8 applies after a Swedish AT or to an ST begun
    before 2021-07-01, HSLF-FS 2021:8 (which begins with BT) otherwise. So for a doctor without Swedish
    AT who begins ST now, BT comes first whatever the legitimation date.
    """
    return _regulation_for(swedish_at, st_start_date or todays_date()) == REG_2021


def bt_first_notice(legitimation_date: date | None, swedish_at: bool) -> str:
    """The Swedish notice an intressent's form and queue row show: '' when BT does not come first.

    An ST begins only after legitimation, so a doctor legitimated on or after 2021-07-01 (or not yet)
    cannot have begun one under the old rules: BT comes first without exception. One legitimated
    earlier might have begun ST before 2021-07-01 elsewhere; the notice then names that exception.
    """
    if not bt_comes_first(swedish_at):
        return ""
    if legitimation_date is not None and _regulation_for(swedish_at, legitimation_date) != REG_2021:
        return BT_FIRST_NOTICE + BT_FIRST_UNLESS_EARLIER_ST
    return BT_FIRST_NOTICE


def _intressent_scope(actor: Actor) -> tuple[str, dict[str, Any]]:
    return require_office(actor, "Bara studierektorer, verksamhetschefer och administratörer ser ST-intressenterna.")


def intressent_queue(con: Connection, actor: Actor, as_of: date | None = None) -> pd.DataFrame:
    """Every intressent in scope with the current step, its date and the days spent in it, and whether BT
    comes first (``bt_first``, with the Swedish ``bt_notice``, '' when not)."""
    sql, params = _intressent_scope(actor)
    df = query(
        con,
        f"""SELECT i.intressent_id, i.name, i.email, i.specialty, i.unit_id, u.name AS unit_name, u.area,
                   r.name AS region_name, i.step, i.reported_date,
                   coalesce(s.step_date, i.reported_date) AS step_date,
                   date_diff('day', coalesce(s.step_date, i.reported_date), $d) AS days_in_step,
                   date_diff('day', i.reported_date, $d) AS days_since_report,
                   i.legitimation_date, i.swedish_at, i.language_ok,
                   i.doc_anstallningsbevis, i.doc_cv, i.doc_personligt_brev, i.doc_legitimation,
                   i.note, i.trainee_id
            FROM intressent i JOIN unit u USING (unit_id) JOIN region r ON r.region_id = u.region_id
            LEFT JOIN intressent_step s ON s.intressent_id = i.intressent_id AND s.step = i.step
            WHERE i.unit_id IN ({sql})
            ORDER BY u.area, list_position($steps, i.step), i.reported_date, i.name""",
        {**params, "d": as_of or todays_date(), "steps": list(INTRESSENT_STEPS)},
    )
    df["step_label"] = df["step"].map(lambda s: STEP_LABELS.get(s, s))
    docs = list(DOCUMENTS)
    df["documents_complete"] = df[docs].astype(bool).all(axis=1) if len(df) else pd.Series(dtype=bool)
    df = date_columns(df, ["reported_date", "step_date", "legitimation_date"])
    df["bt_notice"] = pd.Series(
        [bt_first_notice(d, bool(at)) for d, at in zip(df["legitimation_date"], df["swedish_at"], strict=True)],
        index=df.index,
        dtype=object,
    )
    df["bt_first"] = df["bt_notice"] != ""
    return df


def intressent_history(con: Connection, actor: Actor, intressent_id: str) -> pd.DataFrame:
    _require_intressent(con, actor, intressent_id)
    df = query(
        con,
        """SELECT s.step, s.step_date, p.name AS by_name, s.note
           FROM intressent_step s LEFT JOIN person p ON p.person_id = s.by_person_id
           WHERE s.intressent_id = $i ORDER BY s.step_date, list_position($steps, s.step)""",
        {"i": intressent_id, "steps": list(INTRESSENT_STEPS)},
    )
    df["step_label"] = df["step"].map(lambda s: STEP_LABELS.get(s, s))
    return date_columns(df, ["step_date"])


def intressent_stats(con: Connection, actor: Actor, as_of: date | None = None) -> pd.DataFrame:
    """Per area: how many wait at each step, median days from report to each reached step, expected intake.

    Expected intake = those on the waiting list + those in assessment times the area's share of
    decided cases that were enrolled (all assessed if nothing has been decided yet).
    """
    queue = intressent_queue(con, actor, as_of)
    sql, params = _intressent_scope(actor)
    df = query(
        con,
        f"""WITH waits AS (
                SELECT u.area,
                       median(date_diff('day', i.reported_date, s.step_date))
                         FILTER (WHERE s.step = 'bedomning') AS days_to_bedomning,
                       median(date_diff('day', i.reported_date, s.step_date))
                         FILTER (WHERE s.step = 'vantelista') AS days_to_vantelista,
                       median(date_diff('day', i.reported_date, s.step_date))
                         FILTER (WHERE s.step = 'inskriven') AS days_to_inskriven
                FROM intressent i JOIN unit u USING (unit_id)
                JOIN intressent_step s ON s.intressent_id = i.intressent_id
                WHERE i.unit_id IN ({sql}) GROUP BY u.area
            )
            SELECT q.area,
                   count(*) FILTER (WHERE q.step = 'intresse') AS intresse,
                   count(*) FILTER (WHERE q.step = 'dokument') AS dokument,
                   count(*) FILTER (WHERE q.step = 'bedomning') AS bedomning,
                   count(*) FILTER (WHERE q.step = 'vantelista') AS vantelista,
                   count(*) FILTER (WHERE q.step = 'inskriven') AS inskriven,
                   count(*) FILTER (WHERE q.step = 'avslutad') AS avslutad,
                   any_value(w.days_to_bedomning) AS days_to_bedomning,
                   any_value(w.days_to_vantelista) AS days_to_vantelista,
                   any_value(w.days_to_inskriven) AS days_to_inskriven
            FROM _queue q LEFT JOIN waits w USING (area)
            GROUP BY q.area ORDER BY q.area""",
        params,
        frames={"_queue": queue},
    )
    decided = df["inskriven"] + df["avslutad"]
    rate = (df["inskriven"] / decided.where(decided > 0)).fillna(1.0)
    df["expected_intake"] = (df["vantelista"] + df["bedomning"] * rate).round(1)
    return df


def _require_intressent(con: Connection, actor: Actor, intressent_id: str) -> None:
    sql, params = _intressent_scope(actor)
    df = query(
        con,
        f"SELECT count(*) AS n FROM intressent WHERE intressent_id = $i AND unit_id IN ({sql})",
        {**params, "i": intressent_id},
    )
    if not int(df["n"].iloc[0]):
        raise AccessDenied("Du har inte behörighet för den här ST-intressenten.")


def _intressent(cur: duckdb.DuckDBPyConnection, intressent_id: str) -> dict[str, Any]:
    row = one_row(cur, "SELECT * FROM intressent WHERE intressent_id = ?", [intressent_id])
    if row is None:
        raise NotFoundError(f"ST-intressenten {intressent_id} finns inte.")
    return row


def move_intressent(
    con: Connection, actor: Actor, intressent_id: str, to_step: str, note: str = "", *, on: date | None = None
) -> None:
    """Move an intressent to a step; the date of every step is kept in intressent_step."""
    _require_intressent(con, actor, intressent_id)
    if to_step not in INTRESSENT_STEPS:
        raise InputError([FieldError("step", "okänt steg")])
    if to_step == "inskriven":
        raise InputError([FieldError("step", "inskrivning görs med knappen Skriv in")])
    day = on or todays_date()
    with transaction(con) as cur:
        before = _intressent(cur, intressent_id)
        if before["step"] == "inskriven":
            raise StateConflict(_ALREADY_ENROLLED)
        cur.execute(
            "UPDATE intressent SET step = ?, note = CASE WHEN ? = '' THEN note ELSE ? END WHERE intressent_id = ?",
            [to_step, note.strip(), note.strip(), intressent_id],
        )
        cur.execute(
            """INSERT INTO intressent_step (intressent_id, step, step_date, by_person_id, note) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (intressent_id, step) DO UPDATE SET step_date = excluded.step_date,
                 by_person_id = excluded.by_person_id, note = excluded.note""",
            [intressent_id, to_step, day, actor.person_id, note.strip()],
        )
        record_audit(
            cur,
            actor,
            "move",
            "intressent",
            intressent_id,
            None,
            before,
            {**before, "step": to_step, "on": day},
        )


def update_intressent_documents(
    con: Connection, actor: Actor, intressent_id: str, documents: Mapping[str, bool]
) -> None:
    """Tick the documents checklist (keys of DOCUMENTS, plus 'language_ok')."""
    _require_intressent(con, actor, intressent_id)
    allowed = {*DOCUMENTS, "language_ok"}
    bad = [k for k in documents if k not in allowed]
    if bad:
        raise InputError([FieldError(k, "okänt dokument") for k in bad])
    if not documents:
        return
    with transaction(con) as cur:
        before = _intressent(cur, intressent_id)
        sets = ", ".join(f"{k} = ?" for k in documents)
        cur.execute(
            f"UPDATE intressent SET {sets} WHERE intressent_id = ?",
            [*map(bool, documents.values()), intressent_id],
        )
        record_audit(cur, actor, "documents", "intressent", intressent_id, None, before, {**before, **documents})



# --- registration -------------------------------------------------------------------------------


def intressent_specialties(con: Connection, actor: Actor) -> list[str]:
    """The specialties an intressent may be registered for: those of the delmål catalogue."""
    _intressent_scope(actor)
    return catalogue.specialties(con)


def register_intressent(
    con: Connection,
    actor: Actor,
    *,
    name: str,
    email: str,
    specialty: str,
    unit_id: str | None,
    legitimation_date: date | None,
    swedish_at: bool,
    language_ok: bool,
    note: str = "",
    reported_date: date | None = None,
) -> str:
    """A verksamhetschef's report of an interested doctor (or a studierektor's, or an administrator's):
    a new intressent at step 'intresse' for a unit in the actor's scope. Returns the intressent_id.

    Refused as field errors: a missing name, an e-mail address of the wrong shape or already used by an
    open intressent or an ST-läkare, a specialty outside the catalogue, a unit outside the actor's scope,
    a legitimation or report date in the future. ``legitimation_date`` None means no legitimation yet.
    """
    units_sql, params = _intressent_scope(actor)
    today = todays_date()
    canonical = {s.casefold(): s for s in catalogue.specialties(con)}
    address = email.strip() if isinstance(email, str) else email
    values: dict[str, Any] = {
        "name": name.strip() if isinstance(name, str) else name,
        "email": address,
        "specialty": canonical.get(specialty.strip().casefold(), specialty) if isinstance(specialty, str) else specialty,
        "unit_id": unit_id,
        "legitimation_date": legitimation_date,
        "swedish_at": swedish_at,
        "language_ok": language_ok,
        "note": note.strip() if isinstance(note, str) else note,
        "reported_date": reported_date or today,
    }
    intressent_id = f"I-{uuid.uuid4().hex[:10]}"
    with transaction(con) as cur:
        in_scope = {str(r[0]) for r in cur.execute(units_sql, params).fetchall()}
        lower = address.lower() if isinstance(address, str) else ""
        open_emails = {
            str(r[0])
            for r in cur.execute(
                """SELECT lower(email) FROM intressent
                   WHERE lower(email) = $e AND step NOT IN ('inskriven', 'avslutad')""",
                {"e": lower},
            ).fetchall()
        }
        # An address of an ST-läkare, or of someone with a place the actor does not administer, is taken.
        trainee_emails = {
            str(email)
            for pid, email, trainee in cur.execute(
                f"""SELECT p.person_id, lower(p.email), p.person_id IN (SELECT person_id FROM trainee) FROM person p
                    WHERE lower(p.email) = $e AND p.person_id IN ({_HAS_PLACE_SQL})""",
                {"e": lower},
            ).fetchall()
            if trainee or not may_edit(cur, actor, str(pid))
        }
        schema = intressent_input(
            specialties=canonical.values(),
            units=in_scope,
            open_emails=open_emails,
            trainee_emails=trainee_emails,
            today=today,
        )
        validate_input(schema, "intressent", values)
        cur.execute(
            """INSERT INTO intressent (intressent_id, name, email, specialty, unit_id, legitimation_date,
                                       swedish_at, language_ok, step, reported_date, note)
               VALUES ($intressent_id, $name, $email, $specialty, $unit_id, $legitimation_date,
                       $swedish_at, $language_ok, 'intresse', $reported_date, $note)""",
            {"intressent_id": intressent_id, **values},
        )
        cur.execute(
            """INSERT INTO intressent_step (intressent_id, step, step_date, by_person_id, note)
               VALUES (?, 'intresse', ?, ?, '')""",
            [intressent_id, values["reported_date"], actor.person_id],
        )
        record_audit(
            cur, actor, "register", "intressent", intressent_id, None, None, {**values, "step": "intresse"}
        )
    return intressent_id


# --- inskrivning --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    """What inskrivning made: the trainee, the person who signs in, and how they get in.

    ``account`` is 'code' (``code`` is a one-time code for the first password, shown once), 'password'
    (the person already has one), 'organisation' (they sign in with their organisation account) or
    'no_email' (the intressent had no e-mail address, so there is no account to sign in with yet).
    """

    trainee_id: str
    person_id: str
    email: str | None
    account: str
    code: str | None = None

    @property
    def account_text(self) -> str:
        """A Swedish sentence for the office on how the new ST-läkare signs in."""
        return {
            "code": (
                f"Ge koden till ST-läkaren; den gäller i {CODE_DAYS} dagar och används på inloggningssidan "
                "under 'Jag har en engångskod'."
            ),
            "password": "Personen har redan ett lösenord och loggar in med det som vanligt.",
            "organisation": "Personen loggar in med sitt organisationskonto som vanligt.",
            "no_email": (
                "Intressenten saknar e-postadress, så det finns inget konto att logga in med än. Be en "
                "administratör lägga in adressen och ge personen en engångskod."
            ),
        }[self.account]


_ENROL_ROLES = "Inskrivning görs av studierektorn eller en administratör."


def _enrol_scope(actor: Actor) -> tuple[str, dict[str, Any]]:
    """The units a studierektor (or an administrator) enrols for: a verksamhetschef role adds none."""
    if not actor.has("studierektor", "admin"):
        raise AccessDenied(_ENROL_ROLES)
    office = office_units_sql(actor if actor.is_admin else dataclasses.replace(actor, unit_ids=frozenset()))
    if office is None:
        raise AccessDenied(_ENROL_ROLES)
    return office


def _handledare_sql() -> str:
    """People with the handledare role placed in the unit's area ($region, $area): by a unit of that
    area, by the area itself or its whole region, or not tied to a place at all."""
    return """SELECT DISTINCT p.person_id, p.name, p.email
              FROM role_assignment r JOIN person p USING (person_id) LEFT JOIN unit ru ON ru.unit_id = r.unit_id
              WHERE r.role = 'handledare'
                AND coalesce(ru.region_id, r.region_id, $region) = $region
                AND coalesce(ru.area, r.area, $area) = $area"""


def _unit_place(cur: duckdb.DuckDBPyConnection, unit_id: str) -> tuple[str, str] | None:
    row = cur.execute("SELECT region_id, area FROM unit WHERE unit_id = ?", [unit_id]).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def huvudhandledare_choices(con: Connection, actor: Actor, unit_id: str) -> pd.DataFrame:
    """Who may become huvudhandledare at inskrivning to ``unit_id``: person_id, name, email, by name."""
    units_sql, params = _enrol_scope(actor)
    with reading(con) as cur:
        if cur.execute(f"SELECT count(*) FROM ({units_sql}) WHERE unit_id = $u", {**params, "u": unit_id}).fetchone() != (1,):
            raise AccessDenied("Enheten ligger utanför ditt ansvarsområde.")
        place = _unit_place(cur, unit_id)
        assert place is not None
        return cur.execute(
            f"{_handledare_sql()} ORDER BY p.name, p.person_id", {"region": place[0], "area": place[1]}
        ).df()


def enrol_intressent(
    con: Connection,
    actor: Actor,
    intressent_id: str,
    *,
    st_start_date: date | None,
    contract_date: date | None,
    huvudhandledare_id: str | None,
    unit_id: str | None = None,
    contract_document: str = "",
    legitimation_date: date | None = None,
    on: date | None = None,
) -> Enrolment:
    """Inskrivning, by a studierektor or an administrator, from 'bedomning' or 'vantelista'.

    In one transaction: the trainee record from the intressent's data (name, specialty, Swedish AT,
    legitimation date, or ``legitimation_date`` when given), at ``unit_id`` (default the intressent's
    unit; in the actor's scope); the ST-kontrakt (``st_contract``: its date and an optional document
    reference); the huvudhandledare (a person with the handledare role in the unit's area), as a
    ``supervision`` row from the ST start, when the supervision of the training begins; the person with
    the intressent's e-mail address (found or created) with the ST-läkare role; the step 'inskriven'.
    Then, unless the person already has a password or an organisation account, a one-time code for the
    first password (``tracker.accounts.issue_code``). Input problems are field errors; every write has
    an audit row.
    """
    _require_intressent(con, actor, intressent_id)
    units_sql, params = _enrol_scope(actor)
    today = todays_date()
    day = on or today
    with transaction(con) as cur:
        i = _intressent(cur, intressent_id)
        if cur.execute(
            f"SELECT count(*) FROM ({units_sql}) WHERE unit_id = $u", {**params, "u": i["unit_id"]}
        ).fetchone() != (1,):
            raise AccessDenied(_ENROL_ROLES)
        if i["trainee_id"]:
            raise StateConflict(_ALREADY_ENROLLED)
        if i["step"] == "avslutad":
            raise StateConflict("Ärendet är avslutat; flytta det tillbaka till bedömning först.")
        if i["step"] not in ENROL_STEPS:
            raise StateConflict(
                "Inskrivning görs efter bedömningen: flytta intressenten till bedömning eller väntelista först."
            )
        existing = None
        if i["email"]:
            existing = one_row(
                cur,
                f"""SELECT p.person_id, p.password_hash IS NOT NULL AS has_password,
                          o.subject IS NOT NULL AS has_organisation, t.trainee_id,
                          p.person_id IN ({_HAS_PLACE_SQL}) AS has_place
                   FROM person p LEFT JOIN oidc_identity o USING (person_id) LEFT JOIN trainee t USING (person_id)
                   WHERE lower(p.email) = lower(?)""",
                [i["email"]],
            )
            if existing is not None and existing["trainee_id"]:
                raise StateConflict("Personen med den e-postadressen har redan en ST-utbildning registrerad.")
            if existing is not None and existing["has_place"] and not may_edit(cur, actor, str(existing["person_id"])):
                # Never join the new trainee to (or hand out a code for) the account of someone with a role
                # the actor does not administer: that account would open another area's data.
                raise StateConflict(
                    "E-postadressen tillhör redan en person med en roll eller ett handledarskap utanför ditt område. "
                    "Ändra intressentens e-postadress till hens egen, eller be en administratör skriva in."
                )
        person_id = str(existing["person_id"]) if existing else f"P-{intressent_id}"
        target = unit_id or i["unit_id"]
        in_scope = {str(r[0]) for r in cur.execute(units_sql, params).fetchall()}
        place = _unit_place(cur, target) if target in in_scope else None
        handledare: set[str] | None = None  # who may be huvudhandledare depends on a valid unit
        if place is not None:
            handledare = {
                str(r[0])
                for r in cur.execute(_handledare_sql(), {"region": place[0], "area": place[1]}).fetchall()
                if str(r[0]) != person_id
            }
        values: dict[str, Any] = {
            "st_start_date": st_start_date,
            "contract_date": contract_date,
            "document": contract_document.strip() if isinstance(contract_document, str) else contract_document,
            "unit_id": target,
            "huvudhandledare_id": huvudhandledare_id,
            "legitimation_date": legitimation_date or i["legitimation_date"],
        }
        validate_input(
            enrolment_input(units=in_scope, handledare=handledare, today=today), "inskrivning", values
        )
        trainee_id = f"T-{intressent_id}"
        trainee_values = {
            "trainee_id": trainee_id,
            "person_id": person_id,
            "name": i["name"],
            "specialty": i["specialty"],
            "legitimation_date": values["legitimation_date"],
            "swedish_at": bool(i["swedish_at"]),
            "st_start_date": st_start_date,
            "unit_id": target,
        }
        if existing is None:
            cur.execute(
                "INSERT INTO person (person_id, name, email) VALUES (?, ?, ?)",
                [person_id, i["name"], i["email"] or None],
            )
            person = {"person_id": person_id, "name": i["name"], "email": i["email"] or None}
            record_audit(cur, actor, "add", "person", person_id, None, None, person)
        cur.execute(
            "INSERT INTO role_assignment (person_id, role, unit_id) VALUES (?, 'st_lakare', ?) ON CONFLICT DO NOTHING",
            [person_id, target],
        )
        cur.execute(
            """INSERT INTO trainee (trainee_id, person_id, name, specialty, legitimation_date, swedish_at,
                                    st_start_date, unit_id, source)
               VALUES ($trainee_id, $person_id, $name, $specialty, $legitimation_date, $swedish_at,
                       $st_start_date, $unit_id, 'app')""",
            trainee_values,
        )
        record_audit(cur, actor, "add", "trainee", trainee_id, trainee_id, None, trainee_values)
        contract = {
            "trainee_id": trainee_id,
            "contract_date": contract_date,
            "document": values["document"],
            "recorded_by": actor.person_id,
        }
        cur.execute(
            """INSERT INTO st_contract (trainee_id, contract_date, document, recorded_by, recorded_at)
               VALUES ($trainee_id, $contract_date, $document, $recorded_by, current_localtimestamp())""",
            contract,
        )
        record_audit(cur, actor, "add", "st_contract", trainee_id, trainee_id, None, contract)
        row = cur.execute(
            """INSERT INTO supervision (trainee_id, person_id, kind, start_date)
               VALUES (?, ?, 'huvudhandledare', ?) RETURNING supervision_id""",
            [trainee_id, huvudhandledare_id, st_start_date],
        ).fetchone()
        assert row is not None
        supervision = {
            "trainee_id": trainee_id,
            "person_id": huvudhandledare_id,
            "kind": "huvudhandledare",
            "start_date": st_start_date,
        }
        record_audit(cur, actor, "add", "supervision", str(row[0]), trainee_id, None, supervision)
        cur.execute(
            "UPDATE intressent SET step = 'inskriven', trainee_id = ? WHERE intressent_id = ?",
            [trainee_id, intressent_id],
        )
        cur.execute(
            """INSERT INTO intressent_step (intressent_id, step, step_date, by_person_id, note)
               VALUES (?, 'inskriven', ?, ?, '')
               ON CONFLICT (intressent_id, step) DO UPDATE SET step_date = excluded.step_date,
                 by_person_id = excluded.by_person_id""",
            [intressent_id, day, actor.person_id],
        )
        record_audit(
            cur,
            actor,
            "enrol",
            "intressent",
            intressent_id,
            trainee_id,
            i,
            {
                **i,
                "step": "inskriven",
                "on": day,
                "trainee_id": trainee_id,
                "enrolled_unit_id": target,
                "contract_date": contract_date,
                "huvudhandledare_id": huvudhandledare_id,
            },
        )
    if not i["email"]:
        return Enrolment(trainee_id, person_id, None, "no_email")
    if existing is not None and existing["has_password"]:
        return Enrolment(trainee_id, person_id, str(i["email"]), "password")
    if existing is not None and existing["has_organisation"]:
        return Enrolment(trainee_id, person_id, str(i["email"]), "organisation")
    code = issue_code(con, person_id, purpose="first_password", by=actor.person_id)
    return Enrolment(trainee_id, person_id, str(i["email"]), "code", code)
