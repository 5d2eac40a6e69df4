"""Certificates on a trainee's record and their sign-off workflow.

The ST-läkare adds certificates (as 'utkast') and sends an unsigned certificate
to one of their current handledare (or, for a certificate of fullgjord BT/ST, to a verksamhetschef of
their unit), who signs it (after which it is locked) or returns it with a comment. A signed
certificate is never edited: the signer, a studierektor or an administrator voids it with a reason
('makulerat', final) and the trainee reissues a new draft to go through the flow again. Each write
runs in one transaction and records an ``audit_log`` row.

Authority to sign comes from the supervision period alone: the addressee may sign or return a
certificate only while their supervision of the trainee covers today (or, for fullgjord BT/ST, while
they are a verksamhetschef of the trainee's unit). A request whose addressee can no longer sign it is
stale: it is no longer shown to them, and the trainee may send it to a current signer instead.

The rule for an intyg addressed to a handledare whose supervision has ended: it must be re-addressed;
it does not stay signable by them. Signing and reading go together: a handledare signs only for a
trainee whose record they can open (``access.visible_sql``: a supervision covering today), so nobody
signs an intyg about a record they can no longer see. When the handledare of an ended placement is the
one who should still sign, the office extends that supervision's end date. ``pending_signatures`` (Att
signera) and ``aggregates.trainee_table``'s ``waiting_for_me`` (Mina ST-läkare's "Väntar") apply the
same predicate (``signer_valid_sql``), so the two pages count the same intyg; the only ones Att signera
holds beyond the "Väntar" column are intyg om fullgjord BT/ST the actor signs as verksamhetschef for
trainees they do not supervise (``pending_signatures``' ``supervised`` is False for them).

What may be recorded depends on the trainee's regelverk and stage (``certificate_types``,
``delmal_choices``): each regelverk has its own certificate types (``REGULATION_TYPES``); an activity
certificate lists only delmål whose målbeskrivning requires that activity (the catalogue's
requirements; a recommended activity may list any ST delmål), BT delmål only on an intyg om delmål i
bastjänstgöringen and only while the BT is not approved, and a summary document lists no delmål. The
writes refuse anything else with a field error; an edit keeps the delmål the certificate already had.

Each certificate write decides on the certificate's state with a conditional UPDATE inside its own
transaction (``_write_if``): a refused write changes nothing, and a write that collides with a
concurrent one fails as a whole with ``ConflictError``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from tracker.accounts import Actor
from tracker.domain import (
    ACTIVITY_TYPES,
    BEVIS_BAS,
    DOCUMENT_TYPES,
    RECOMMENDED_TYPES,
    REG_2015,
    REG_2021,
    SUMMARY_TYPES,
    TYPE_LABELS,
    TraineeRecord,
)
from tracker.errors import (
    AccessDenied,
    ConflictError,
    FieldError,
    InputError,
    NotFoundError,
    StateConflict,
    StorageError,
)
from tracker.rules.reference import resolve_regulation
from tracker.services.access import office_units_sql, require_own_write, require_read
from tracker.services.audit import LOCAL_TIMEZONE
from tracker.services.corrections import require_correction
from tracker.services.shared import (
    certificate_lists,
    date_columns,
    one_row,
    query,
    record_audit,
    records_of,
    todays_date,
)
from tracker.services.trainees import delmal_catalogue, handledare_for, trainee_record
from tracker.services.validation import CERTIFICATE_INPUT, validate_input
from tracker.store import Connection, catalogue, transaction
from tracker.store.records import load_record

# Certificate types a verksamhetschef of the trainee's unit may sign (besides the handledare).
VERKSAMHETSCHEF_TYPES: tuple[str, ...] = ("fullgjord_bt", "fullgjord_st")

# The certificate types of each regelverk (DOMAIN 3.2, 3.3; RULES 7): SOSFS 2015:8 has kvalitets- och
# utvecklingsarbete and självständigt skriftligt arbete, no BT and no intyg om fullgjord ST; HSLF-FS
# 2021:8 has deltagande i utvecklingsarbete, STa3 medicinsk vetenskap and BT's intyg.
REGULATION_TYPES: dict[str, tuple[str, ...]] = {
    REG_2015: tuple(
        t
        for t in ACTIVITY_TYPES
        if t not in ("utvecklingsarbete", "vetenskap", "bt_delmal", "fullgjord_bt", "baskompetens", "fullgjord_st")
    ),
    REG_2021: tuple(t for t in ACTIVITY_TYPES if t not in ("kvalitetsarbete", "skriftligt_arbete")),
}
# Summary documents of BT: no longer asked for once Socialstyrelsen has approved the BT.
_BT_DOCUMENTS = ("fullgjord_bt", "baskompetens")

# --- why a certificate change is refused: every text in one place --------------------------------

_LOCKED = "Intyget är signerat och låst; det kan inte ändras."
_SIGNED_MEANWHILE = "Intyget har just signerats av någon annan och kan inte längre ändras."
_AWAITING_SIGNATURE = "Intyget väntar på signering; det kan ändras först om handledaren returnerar det."
_SENT_MEANWHILE = "Intyget har just skickats för signering och kan inte ändras nu."
_ALREADY_SENT = "Intyget är redan skickat för signering."
_NOT_ADDRESSED = "Intyget är inte skickat till dig för signering."
_SUPERVISION_ENDED = "Ditt handledarskap för ST-läkaren har upphört; intyget kan inte längre signeras av dig."
_CHIEF_ENDED = "Du är inte längre verksamhetschef för ST-läkarens enhet; intyget kan inte längre signeras av dig."
_ONLY_CURRENT_HANDLEDARE = "Intyget kan bara skickas till någon som är din handledare just nu."
_ONLY_HANDLEDARE_OR_CHIEF = "Intyget kan bara skickas till din handledare eller till verksamhetschefen på din enhet."
_NOT_VOIDER = "Bara den som signerade intyget, en studierektor eller en administratör kan makulera det."
_ALREADY_VOID = "Intyget är redan makulerat."
_NOT_SIGNED = "Intyget är inte signerat; ett osignerat intyg ändras i stället för att makuleras."
_ONLY_VOID_REISSUED = "Bara ett makulerat intyg kan utfärdas på nytt."
_CHANGED_SINCE_SEEN = "Intyget har ändrats sedan du öppnade det. Läs det igen innan du signerar eller returnerar."
_CONFLICT = "Någon annan ändrade intyget samtidigt; inget av din ändring sparades. Ladda om och försök igen."
_COMMENT_MISSING = "saknas: skriv vad ST-läkaren behöver ändra"


def signer_valid_sql(day_param: str = "day") -> str:
    """SQL, on a certificate row aliased ``c``: its addressee may sign it on the day ``$day_param``."""
    chief_types = ", ".join(f"'{t}'" for t in VERKSAMHETSCHEF_TYPES)
    return f"""(EXISTS (SELECT 1 FROM supervision sv
                        WHERE sv.trainee_id = c.trainee_id AND sv.person_id = c.signer_person_id
                          AND sv.start_date <= ${day_param}
                          AND (sv.end_date IS NULL OR sv.end_date >= ${day_param}))
                OR (c.type IN ({chief_types})
                    AND EXISTS (SELECT 1 FROM role_assignment ra JOIN trainee tu ON tu.unit_id = ra.unit_id
                                WHERE ra.role = 'verksamhetschef' AND ra.person_id = c.signer_person_id
                                  AND tu.trainee_id = c.trainee_id)))"""


def content_fingerprint(cert: Mapping[str, Any]) -> str:
    """A short digest of what a signer reads: type, title, period and delmål. The page passes the digest
    of what it showed, and signing or returning is refused if the certificate has changed since."""
    body = [cert["type"], cert["title"], str(cert["start_date"]), str(cert["end_date"]), sorted(cert["delmal"])]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _unchanged_since_seen(before: Mapping[str, Any], seen: str | None) -> None:
    if seen is not None and content_fingerprint(before) != seen:
        raise StateConflict(_CHANGED_SINCE_SEEN)


def pending_signatures(con: Connection, actor: Actor) -> pd.DataFrame:
    """Certificates sent to the actor for signature (status 'skickat') that the actor may sign today,
    each with the ``fingerprint`` of its content (``content_fingerprint``), ``sent_at`` (local time of
    the last request in the app, from the audit log; None for one that arrived by import) and
    ``supervised`` (the actor supervises the trainee today, so the trainee is on Mina ST-läkare: False only
    for an intyg om fullgjord BT/ST addressed to the actor as verksamhetschef)."""
    df = query(
        con,
        f"""SELECT c.certificate_id, c.trainee_id, t.name AS trainee_name, c.type, c.title, c.start_date,
                   c.end_date,
                   coalesce(list(cd.code ORDER BY cd.code) FILTER (WHERE cd.code IS NOT NULL), []) AS delmal,
                   any_value(r.sent_at) AS sent_at,
                   bool_or(s.trainee_id IS NOT NULL) AS supervised
            FROM certificate c JOIN trainee t USING (trainee_id)
            LEFT JOIN certificate_delmal cd USING (certificate_id)
            LEFT JOIN (SELECT entity_id AS certificate_id, max(logged_at) AS sent_at FROM audit_log
                       WHERE entity = 'certificate' AND action = 'request_signature'
                         AND entity_id IN (SELECT certificate_id FROM certificate
                                           WHERE status = 'skickat' AND signer_person_id = $p)
                       GROUP BY entity_id) r USING (certificate_id)
            LEFT JOIN (SELECT DISTINCT trainee_id FROM supervision
                       WHERE person_id = $p AND start_date <= $day AND (end_date IS NULL OR end_date >= $day)) s
              ON s.trainee_id = c.trainee_id
            WHERE c.status = 'skickat' AND c.signer_person_id = $p AND {signer_valid_sql()}
            GROUP BY c.certificate_id, c.trainee_id, t.name, c.type, c.title, c.start_date, c.end_date
            ORDER BY t.name, c.start_date NULLS LAST, c.certificate_id""",
        {"p": actor.person_id, "day": todays_date()},
    )
    df = certificate_lists(date_columns(df, ["start_date", "end_date"]))
    df["fingerprint"] = [content_fingerprint(r) for r in records_of(df)]
    df["sent_at"] = _local_times(df["sent_at"])
    df["supervised"] = df["supervised"].fillna(False).astype(bool)
    return df


def _local_times(stamps: pd.Series) -> pd.Series:
    """Audit-log timestamps (UTC, naive) as naive Swedish local times; missing ones stay missing."""
    utc = pd.to_datetime(stamps).dt.tz_localize("UTC")
    return utc.dt.tz_convert(LOCAL_TIMEZONE).dt.tz_localize(None)


def _stale_ids(con: Connection, trainee_id: str) -> set[str]:
    df = query(
        con,
        f"""SELECT c.certificate_id FROM certificate c
            WHERE c.trainee_id = $t AND c.status = 'skickat' AND NOT {signer_valid_sql()}""",
        {"t": trainee_id, "day": todays_date()},
    )
    return {str(c) for c in df["certificate_id"]}


def stale_requests(con: Connection, actor: Actor, trainee_id: str) -> set[str]:
    """Ids of the trainee's certificates waiting for someone who can no longer sign them (the
    handledare's supervision has ended, or the verksamhetschef no longer heads the unit). The trainee
    may send each of them to a current signer with ``request_signature``."""
    require_read(con, actor, trainee_id)
    return _stale_ids(con, trainee_id)


# What an activity certificate that lists a delmål its målbeskrivning does not ask for is called in a
# refusal ("målbeskrivningen anger inte kurs för ...").
_ACTIVITY_NOUNS: dict[str, str] = {
    "klinisk_tjanstgoring": "klinisk tjänstgöring",
    "auskultation": "auskultation",
    "kurs": "kurs",
    "utvecklingsarbete": "utvecklingsarbete",
    "kvalitetsarbete": "kvalitets- och utvecklingsarbete",
    "skriftligt_arbete": "självständigt skriftligt arbete",
    "vetenskap": "intyg om medicinsk vetenskap",
}


@dataclasses.dataclass(frozen=True)
class _Fit:
    """The trainee's delmål (code -> is a BT delmål) and those a certificate of one type may list."""

    regulation: str
    bt_open: bool  # HSLF-FS 2021:8 and the BT not yet approved
    codes: dict[str, bool]
    fits: frozenset[str]


def _fit(con: Connection, rec: TraineeRecord, certificate_type: str) -> _Fit:
    reg = resolve_regulation(rec.trainee)
    st_reqs = catalogue.requirements(con, reg, rec.trainee.specialty)
    bt_reqs = catalogue.requirements(con, REG_2021, catalogue.BT_SPECIALTY) if reg == REG_2021 else []
    bt_open = reg == REG_2021 and rec.trainee.bt_approved_date is None
    if certificate_type == "bt_delmal":
        fits = {r.code for r in bt_reqs} if bt_open else set()
    elif certificate_type in RECOMMENDED_TYPES:
        fits = {r.code for r in st_reqs}
    elif certificate_type in DOCUMENT_TYPES:
        fits = set()
    else:  # a required activity: the delmål whose målbeskrivning names it (or names no activity at all)
        fits = {r.code for r in st_reqs if not r.required or any(certificate_type in g for g in r.required)}
    codes = {r.code: False for r in st_reqs} | {r.code: True for r in bt_reqs}
    return _Fit(reg, bt_open, codes, frozenset(fits))


def _misfit(certificate_type: str, fit: _Fit, codes: Sequence[str]) -> str:
    """Why these delmål (the trainee's, not fitting) cannot be listed on a certificate of this type."""
    bt = [c for c in codes if fit.codes.get(c)]
    listed = ", ".join(codes)
    if bt and not fit.bt_open:
        return f"BT är redan godkänd; BT-delmål registreras inte längre ({', '.join(bt)})"
    if bt and certificate_type != "bt_delmal":
        return f"BT-delmål ({', '.join(bt)}) registreras på ett intyg om delmål i bastjänstgöringen"
    if certificate_type == "bt_delmal":
        return f"ett intyg om delmål i bastjänstgöringen avser bara BT-delmål, inte {listed}"
    if certificate_type in DOCUMENT_TYPES:
        return f"ett sammanfattande intyg avser inga enskilda delmål ({listed})"
    noun = _ACTIVITY_NOUNS.get(certificate_type, TYPE_LABELS.get(certificate_type, certificate_type))
    return (
        f"målbeskrivningen anger inte {noun} som utbildningsaktivitet för {listed}; en aktivitet som inte "
        "krävs för ett delmål registreras som övrig utbildningsaktivitet"
    )


def _validate_certificate(
    con: Connection,
    trainee_id: str,
    values: Mapping[str, Any],
    delmal: Sequence[str],
    *,
    keep: Sequence[str] | None = None,
) -> list[str]:
    """The certificate's delmål codes (sorted), or InputError with every problem: the form's values, a type
    of the other regelverk, delmål outside the trainee's målbeskrivning or not fitting the type and stage.
    ``keep``: for an edit, the codes the certificate already lists, accepted as they are (and its type,
    which an edit does not change, is not judged again)."""
    errors: list[FieldError] = []
    try:
        validate_input(CERTIFICATE_INPUT, "intyg", values)
    except InputError as exc:
        errors.extend(exc.errors)
    ctype = str(values.get("type"))
    rec = load_record(con, trainee_id)
    fit = _fit(con, rec, ctype)
    type_ok = ctype in REGULATION_TYPES[fit.regulation] or keep is not None
    if ctype in ACTIVITY_TYPES and not type_ok:
        other = REG_2015 if fit.regulation == REG_2021 else REG_2021
        errors.append(
            FieldError("type", f"”{TYPE_LABELS[ctype]}” hör till {other}; ST-läkaren följer {fit.regulation}")
        )
    elif ctype == "bt_delmal" and not fit.bt_open and keep is None:
        type_ok = False  # the one refusal says it all
        errors.append(FieldError("type", "BT är redan godkänd; intyg om delmål i bastjänstgöringen behövs inte längre"))
    codes = sorted({c.strip() for c in delmal if c and c.strip()})
    unknown = [c for c in codes if c not in fit.codes]
    if unknown:
        errors.append(FieldError("delmal", f"{', '.join(unknown)} finns inte i ST-läkarens målbeskrivning"))
    misfit = [c for c in codes if c in fit.codes and c not in fit.fits and c not in (keep or ())]
    if misfit and type_ok and ctype != BEVIS_BAS:
        errors.append(FieldError("delmal", _misfit(ctype, fit, misfit)))
    if ctype == BEVIS_BAS:
        errors.append(FieldError("type", "ett bevis i basspecialiteten registreras med sitt datum, inte som utkast"))
    elif not codes and ctype not in DOCUMENT_TYPES:
        errors.append(FieldError("delmal", "välj minst ett delmål som intyget avser"))
    if errors:
        raise InputError(sorted(set(errors)))
    return codes


def certificate_types(con: Connection, actor: Actor, trainee_id: str, summary: bool = False) -> tuple[str, ...]:
    """The certificate types the trainee may record now, in the domain's order (``REGULATION_TYPES``).

    ``summary`` False: the activity certificates and recommended activities of the trainee's regelverk
    (the intyg om delmål i bastjänstgöringen only while the BT is not approved). ``summary`` True: the
    summary documents (fullgjord BT, baskompetens, fullgjord ST, specialistkompetens) of the regelverk,
    BT's only while the BT is not approved. A bevis in the basspecialitet is recorded on its own
    (``record_bevis_bas``) and is in neither list."""
    rec = trainee_record(con, actor, trainee_id)
    reg = resolve_regulation(rec.trainee)
    bt_open = reg == REG_2021 and rec.trainee.bt_approved_date is None
    out = []
    for t in REGULATION_TYPES[reg]:
        if t == BEVIS_BAS or (t in SUMMARY_TYPES) != summary:
            continue
        if not bt_open and t in ("bt_delmal", *_BT_DOCUMENTS):
            continue
        out.append(t)
    return tuple(out)


def delmal_choices(
    con: Connection, actor: Actor, trainee_id: str, certificate_type: str, *, keep: Sequence[str] = ()
) -> pd.DataFrame:
    """The trainee's delmål a certificate of this type may list (``delmal_catalogue``'s columns, in its
    order), plus the ``keep`` codes (those a certificate being edited already lists) with ``fits`` False
    when they would not be accepted on a new one."""
    table = delmal_catalogue(con, actor, trainee_id)
    fit = _fit(con, trainee_record(con, actor, trainee_id), certificate_type)
    table["fits"] = table["code"].isin(fit.fits)
    return table[table["fits"] | table["code"].isin(list(keep))].reset_index(drop=True)


def add_certificate(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    *,
    type: str,  # noqa: A002 - the certificate's type, as in the import format
    title: str,
    delmal: Sequence[str] = (),
    start_date: date | None = None,
    end_date: date | None = None,
) -> str:
    """Record an activity (certificate) as 'utkast'; the type must be of the trainee's regelverk and the
    delmål the trainee's and fitting the type and stage (module docstring). Returns its id."""
    require_own_write(con, actor, trainee_id)
    values = {"type": type, "title": (title or "").strip(), "start_date": start_date, "end_date": end_date}
    codes = _validate_certificate(con, trainee_id, values, delmal)
    cid = f"{trainee_id}-{uuid.uuid4().hex[:8]}"
    with transaction(con) as cur:
        cur.execute(
            """INSERT INTO certificate (certificate_id, trainee_id, type, title, start_date, end_date, status)
               VALUES (?, ?, ?, ?, ?, ?, 'utkast')""",
            [cid, trainee_id, type, values["title"], start_date, end_date],
        )
        for code in codes:
            cur.execute("INSERT INTO certificate_delmal VALUES (?, ?)", [cid, code])
        record_audit(
            cur,
            actor,
            "add",
            "certificate",
            cid,
            trainee_id,
            None,
            {**values, "delmal": codes, "status": "utkast"},
        )
    return cid


def _certificate(cur: duckdb.DuckDBPyConnection, certificate_id: str) -> dict[str, Any]:
    row = one_row(
        cur,
        """SELECT c.certificate_id, c.trainee_id, c.type, c.title, c.start_date, c.end_date, c.status,
                  c.signer_person_id, c.signed_by, c.signed_date, c.comment,
                  coalesce(list(cd.code ORDER BY cd.code) FILTER (WHERE cd.code IS NOT NULL), []) AS delmal
           FROM certificate c LEFT JOIN certificate_delmal cd USING (certificate_id)
           WHERE c.certificate_id = ? GROUP BY ALL""",
        [certificate_id],
    )
    if row is None:
        raise NotFoundError(f"Intyget {certificate_id} finns inte.")
    row["delmal"] = list(row["delmal"])
    return row


def _read_certificate(con: Connection, certificate_id: str) -> dict[str, Any]:
    """The certificate as it is now, for checks made before a write (the write checks again)."""
    with transaction(con) as cur:
        return _certificate(cur, certificate_id)


@contextmanager
def _certificate_transaction(con: Connection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``transaction``, with a write-write conflict reported as a conflict on the certificate."""
    try:
        with transaction(con) as cur:
            yield cur
    except ConflictError as exc:
        raise ConflictError(_CONFLICT) from exc


# An unsigned status to pass through when a write keeps the certificate's status (see _write_if).
_PARKED = {"utkast": "returnerat", "returnerat": "utkast", "skickat": "utkast"}


def _write_if(
    cur: duckdb.DuckDBPyConnection,
    before: Mapping[str, Any],
    condition: str,
    params: Mapping[str, Any],
    *,
    status: str,
    assignments: str = "",
) -> bool:
    """Set the certificate's status (and ``assignments``) only if ``condition`` holds; True if it did.

    ``condition`` is SQL on the certificate row aliased ``c``; ``params`` are its and the assignments'
    named parameters. ``before`` is the row as read earlier in the same transaction.

    Every certificate write goes through here and writes ``status``. DuckDB detects a write-write
    conflict per column, and only for values that change, so a write that keeps the status (an edit,
    sending a request to a new addressee) passes through another unsigned status first. Two concurrent
    writes to one certificate therefore always meet on ``status``: the later one fails with a conflict
    instead of both passing their check on the same old state. The number of rows changed is read
    from the UPDATE's result: with RETURNING, DuckDB would rewrite the row as delete + insert, which
    the foreign key from ``certificate_delmal`` refuses.
    """
    keeps = status == before["status"]
    sets = "status = $status" + (f", {assignments}" if assignments else "")
    row = cur.execute(
        f"UPDATE certificate AS c SET {sets} WHERE c.certificate_id = $cid AND ({condition})",
        {
            **params,
            "cid": before["certificate_id"],
            "status": _PARKED.get(status, status) if keeps else status,
        },
    ).fetchone()
    if not (row and row[0]):
        return False
    if keeps:
        cur.execute("UPDATE certificate SET status = ? WHERE certificate_id = ?", [status, before["certificate_id"]])
    return True


def _edit_refusal(status: str, *, meanwhile: bool) -> str | None:
    """Why a certificate in this status cannot be edited, or None if it can."""
    if status in ("utkast", "returnerat"):
        return None
    if status in ("signerat", "makulerat"):
        return _SIGNED_MEANWHILE if meanwhile else _LOCKED
    return _SENT_MEANWHILE if meanwhile else _AWAITING_SIGNATURE


def _own_certificate(con: Connection, actor: Actor, certificate_id: str) -> tuple[dict[str, Any], str]:
    """The certificate and its trainee, if the actor may write to the trainee's record."""
    current = _read_certificate(con, certificate_id)
    trainee_id = str(current["trainee_id"])
    require_own_write(con, actor, trainee_id)
    return current, trainee_id


def update_certificate(
    con: Connection,
    actor: Actor,
    certificate_id: str,
    *,
    title: str,
    delmal: Sequence[str],
    start_date: date | None = None,
    end_date: date | None = None,
) -> None:
    """Change an unsigned certificate ('utkast' or 'returnerat'); a signed one is locked. The delmål are
    checked as for ``add_certificate``; those the certificate already lists may stay."""
    current, trainee_id = _own_certificate(con, actor, certificate_id)
    refusal = _edit_refusal(str(current["status"]), meanwhile=False)
    if refusal:
        raise StateConflict(refusal)
    values = {
        "type": current["type"],
        "title": (title or "").strip(),
        "start_date": start_date,
        "end_date": end_date,
    }
    codes = _validate_certificate(con, trainee_id, values, delmal, keep=list(current["delmal"]))
    with _certificate_transaction(con) as cur:
        before = _certificate(cur, certificate_id)
        if not _write_if(
            cur,
            before,
            "c.status IN ('utkast', 'returnerat')",
            {"title": values["title"], "start": start_date, "end": end_date},
            status=str(before["status"]),
            assignments="title = $title, start_date = $start, end_date = $end",
        ):
            raise StateConflict(_edit_refusal(str(before["status"]), meanwhile=True) or _CONFLICT)
        cur.execute("DELETE FROM certificate_delmal WHERE certificate_id = ?", [certificate_id])
        for code in codes:
            cur.execute("INSERT INTO certificate_delmal VALUES (?, ?)", [certificate_id, code])
        record_audit(
            cur,
            actor,
            "update",
            "certificate",
            certificate_id,
            trainee_id,
            before,
            {**before, **values, "delmal": codes},
        )


def _unit_chiefs(con: Connection, trainee_id: str) -> pd.DataFrame:
    """Verksamhetschefer of the trainee's unit (person_id, name)."""
    return query(
        con,
        """SELECT DISTINCT p.person_id, p.name FROM role_assignment r
           JOIN person p USING (person_id) JOIN trainee t ON t.unit_id = r.unit_id
           WHERE r.role = 'verksamhetschef' AND t.trainee_id = $t ORDER BY p.name""",
        {"t": trainee_id},
    )


def signers_for(con: Connection, actor: Actor, trainee_id: str, certificate_type: str) -> pd.DataFrame:
    """Who may sign a certificate of this type now: person_id, name and role ('huvudhandledare',
    'handledare' or 'verksamhetschef'). The trainee's current handledare, plus for fullgjord BT/ST the
    verksamhetschefer of the trainee's unit."""
    require_read(con, actor, trainee_id)
    current = handledare_for(con, actor, trainee_id)
    out = pd.DataFrame({"person_id": current["person_id"], "name": current["name"], "role": current["kind"]})
    if certificate_type in VERKSAMHETSCHEF_TYPES:
        chiefs = _unit_chiefs(con, trainee_id).assign(role="verksamhetschef")
        out = pd.concat([out, chiefs[~chiefs["person_id"].isin(out["person_id"])]], ignore_index=True)
    return out.reset_index(drop=True)


def request_signature(con: Connection, actor: Actor, certificate_id: str, handledare_person_id: str) -> None:
    """Send an unsigned certificate to one of the trainee's current handledare (or, for fullgjord BT/ST,
    to a verksamhetschef of the trainee's unit). A certificate already sent may be sent again only if
    its addressee can no longer sign it (see ``stale_requests``)."""
    current, trainee_id = _own_certificate(con, actor, certificate_id)
    if current["status"] in ("signerat", "makulerat"):
        raise StateConflict(_LOCKED)
    if current["status"] == "skickat" and certificate_id not in _stale_ids(con, trainee_id):
        raise StateConflict(_ALREADY_SENT)
    allowed = signers_for(con, actor, trainee_id, str(current["type"]))
    if handledare_person_id not in set(allowed["person_id"]):
        if current["type"] in VERKSAMHETSCHEF_TYPES:
            raise AccessDenied(_ONLY_HANDLEDARE_OR_CHIEF)
        raise AccessDenied(_ONLY_CURRENT_HANDLEDARE)
    with _certificate_transaction(con) as cur:
        before = _certificate(cur, certificate_id)
        if not _write_if(
            cur,
            before,
            f"c.status IN ('utkast', 'returnerat') OR (c.status = 'skickat' AND NOT {signer_valid_sql()})",
            {"signer": handledare_person_id, "day": todays_date()},
            status="skickat",
            assignments="comment = '', signer_person_id = $signer",
        ):
            if before["status"] in ("signerat", "makulerat"):
                raise StateConflict(_SIGNED_MEANWHILE)
            if before["status"] == "skickat":
                raise StateConflict(_ALREADY_SENT)
            raise ConflictError(_CONFLICT)
        record_audit(
            cur,
            actor,
            "request_signature",
            "certificate",
            certificate_id,
            trainee_id,
            before,
            {**before, "status": "skickat", "comment": "", "signer_person_id": handledare_person_id},
        )


# The certificate waits for the actor's signature and the actor may sign it today.
_ADDRESSED_TO_ACTOR = f"c.status = 'skickat' AND c.signer_person_id = $actor AND {signer_valid_sql()}"


def _signing_role(cur: duckdb.DuckDBPyConnection, actor: Actor, cert: Mapping[str, Any]) -> str:
    """The role the actor signs in: verksamhetschef (fullgjord BT/ST, the trainee's unit) or the kind
    of their current supervision of the trainee."""
    if cert["type"] in VERKSAMHETSCHEF_TYPES:
        chief = one_row(
            cur,
            """SELECT count(*) AS n FROM role_assignment r JOIN trainee t ON t.unit_id = r.unit_id
               WHERE r.role = 'verksamhetschef' AND r.person_id = ? AND t.trainee_id = ?""",
            [actor.person_id, cert["trainee_id"]],
        )
        if chief and chief["n"]:
            return "verksamhetschef"
    kind = one_row(
        cur,
        """SELECT min(kind) AS kind FROM supervision WHERE trainee_id = ? AND person_id = ?
           AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)""",
        [cert["trainee_id"], actor.person_id, todays_date(), todays_date()],
    )
    return str((kind or {}).get("kind") or "handledare")


def _signer_refusal(cur: duckdb.DuckDBPyConnection, actor: Actor, cert: Mapping[str, Any]) -> Exception:
    """Why the actor may not sign or return the certificate (as read in the refused write's transaction)."""
    if cert["status"] in ("signerat", "makulerat"):
        return StateConflict(_LOCKED)
    if cert["status"] != "skickat" or cert["signer_person_id"] != actor.person_id:
        return AccessDenied(_NOT_ADDRESSED)
    valid = cur.execute(
        f"SELECT {signer_valid_sql()} FROM certificate c WHERE c.certificate_id = $cid",
        {"cid": cert["certificate_id"], "day": todays_date()},
    ).fetchone()
    if valid and valid[0]:
        return ConflictError(_CONFLICT)
    supervised = one_row(
        cur,
        "SELECT count(*) AS n FROM supervision WHERE trainee_id = ? AND person_id = ?",
        [cert["trainee_id"], actor.person_id],
    )
    if cert["type"] in VERKSAMHETSCHEF_TYPES and not (supervised and supervised["n"]):
        return AccessDenied(_CHIEF_ENDED)
    return AccessDenied(_SUPERVISION_ENDED)


def sign_certificate(
    con: Connection, actor: Actor, certificate_id: str, *, on: date | None = None, seen: str | None = None
) -> None:
    """Sign a certificate addressed to the actor (while the actor may sign it); after this it is locked.
    ``seen``: the ``content_fingerprint`` of what the signer was shown; a changed certificate is refused."""
    day = on or todays_date()
    with _certificate_transaction(con) as cur:
        before = _certificate(cur, certificate_id)
        _unchanged_since_seen(before, seen)
        role = _signing_role(cur, actor, before)
        if not _write_if(
            cur,
            before,
            _ADDRESSED_TO_ACTOR,
            {"actor": actor.person_id, "day": todays_date(), "by": actor.name, "role": role, "on": day},
            status="signerat",
            assignments="signed_by = $by, signed_role = $role, signed_date = $on, comment = ''",
        ):
            raise _signer_refusal(cur, actor, before)
        record_audit(
            cur,
            actor,
            "sign",
            "certificate",
            certificate_id,
            str(before["trainee_id"]),
            before,
            {
                **before,
                "status": "signerat",
                "signed_by": actor.name,
                "signed_role": role,
                "signed_date": day,
                "comment": "",
            },
        )


def return_certificate(
    con: Connection, actor: Actor, certificate_id: str, comment: str, *, seen: str | None = None
) -> None:
    """Send a certificate back to the trainee unsigned, with a comment saying what to change (``seen`` as
    for ``sign_certificate``)."""
    text = (comment or "").strip()
    if not text:
        raise InputError([FieldError("comment", _COMMENT_MISSING)])
    with _certificate_transaction(con) as cur:
        before = _certificate(cur, certificate_id)
        _unchanged_since_seen(before, seen)
        if not _write_if(
            cur,
            before,
            _ADDRESSED_TO_ACTOR,
            {"actor": actor.person_id, "day": todays_date(), "comment": text},
            status="returnerat",
            assignments="comment = $comment",
        ):
            raise _signer_refusal(cur, actor, before)
        record_audit(
            cur,
            actor,
            "return",
            "certificate",
            certificate_id,
            str(before["trainee_id"]),
            before,
            {**before, "status": "returnerat", "comment": text},
        )


def _void_authority(con: Connection, actor: Actor, cert: Mapping[str, Any]) -> str | None:
    """'office' for an administrator or a studierektor with the trainee in scope, 'signer' for the
    person the certificate was addressed to (who signed it), else None: who may void it."""
    if actor.is_admin:
        return "office"
    if "studierektor" in actor.roles:
        office = office_units_sql(dataclasses.replace(actor, roles=frozenset({"studierektor"}), unit_ids=frozenset()))
        if office is not None:
            sql, params = office
            df = query(
                con,
                f"SELECT count(*) AS n FROM trainee WHERE trainee_id = $tid AND unit_id IN ({sql})",
                {**params, "tid": cert["trainee_id"]},
            )
            if bool(df["n"].iloc[0]):
                return "office"
    if cert["signer_person_id"] and cert["signer_person_id"] == actor.person_id:
        return "signer"
    return None


def _void_refusal(status: str) -> str | None:
    """Why a certificate in this status cannot be voided, or None if it can."""
    if status == "makulerat":
        return _ALREADY_VOID
    if status != "signerat":
        return _NOT_SIGNED
    return None


def void_certificate(con: Connection, actor: Actor, certificate_id: str, reason: str) -> None:
    """Void (makulera) a signed certificate, with a reason kept in its comment. Final: a voided
    certificate no longer counts and cannot be changed; the trainee reissues a corrected one."""
    current = _read_certificate(con, certificate_id)
    trainee_id = str(current["trainee_id"])
    authority = _void_authority(con, actor, current)
    if authority is None:
        raise AccessDenied(_NOT_VOIDER)
    refusal = _void_refusal(str(current["status"]))
    if refusal:
        raise StateConflict(refusal)
    text = (reason or "").strip()
    if not text:
        raise InputError([FieldError("comment", "ange varför intyget makuleras")])
    condition, params = "c.status = 'signerat'", {"comment": text}
    if authority == "signer":
        condition, params = condition + " AND c.signer_person_id = $actor", {**params, "actor": actor.person_id}
    with _certificate_transaction(con) as cur:
        before = _certificate(cur, certificate_id)
        if not _write_if(cur, before, condition, params, status="makulerat", assignments="comment = $comment"):
            refusal = _void_refusal(str(before["status"]))
            raise StateConflict(refusal) if refusal else AccessDenied(_NOT_VOIDER)
        record_audit(
            cur,
            actor,
            "void",
            "certificate",
            certificate_id,
            trainee_id,
            before,
            {**before, "status": "makulerat", "comment": text},
        )


def reissue_certificate(con: Connection, actor: Actor, certificate_id: str) -> str:
    """A new draft copy (same type, title, dates and delmål) of a voided certificate, for the trainee to
    correct and send for signature again. Returns the new certificate's id."""
    current, trainee_id = _own_certificate(con, actor, certificate_id)
    if current["status"] != "makulerat":
        raise StateConflict(_ONLY_VOID_REISSUED)
    cid = f"{trainee_id}-{uuid.uuid4().hex[:8]}"
    with _certificate_transaction(con) as cur:
        # The copy is made from the row as this transaction sees it, and only if it is voided.
        copied = cur.execute(
            """INSERT INTO certificate (certificate_id, trainee_id, type, title, start_date, end_date, status)
               SELECT $new, trainee_id, type, title, start_date, end_date, 'utkast' FROM certificate
               WHERE certificate_id = $old AND status = 'makulerat'""",
            {"new": cid, "old": certificate_id},
        ).fetchone()
        if not (copied and copied[0]):
            raise StateConflict(_ONLY_VOID_REISSUED)
        cur.execute(
            "INSERT INTO certificate_delmal SELECT $new, code FROM certificate_delmal WHERE certificate_id = $old",
            {"new": cid, "old": certificate_id},
        )
        old = _certificate(cur, certificate_id)
        values = {
            "type": old["type"],
            "title": old["title"],
            "start_date": old["start_date"],
            "end_date": old["end_date"],
            "delmal": list(old["delmal"]),
            "status": "utkast",
            "replaces": certificate_id,
        }
        record_audit(cur, actor, "reissue", "certificate", cid, trainee_id, None, values)
    return cid


# --- deleting a draft, withdrawing a request -----------------------------------------------------

_DELETED = "Utkastet togs bort."
_IMPORTED_CERTIFICATE = "Intyget kom med en import och tas bort i importfilen, inte här."
_WITHDRAWN_SIGNED = "Intyget har redan signerats; ett signerat intyg dras inte tillbaka utan makuleras."
_NOT_SENT = "Intyget är inte skickat för signering."


def _delete_refusal(status: str) -> str | None:
    """Why a certificate in this status cannot be deleted, or None if it can."""
    if status in ("utkast", "returnerat"):
        return None
    if status == "skickat":
        return "Intyget väntar på signering; dra tillbaka det först om du vill ta bort det."
    if status == "signerat":
        return "Ett signerat intyg tas inte bort; det makuleras med ett skäl och finns kvar i historiken."
    return "Intyget är makulerat och finns kvar i historiken; det tas inte bort."


def delete_certificate(con: Connection, actor: Actor, certificate_id: str) -> None:
    """Delete an unsigned draft ('utkast' or 'returnerat') with its delmål: the trainee, a studierektor of
    the trainee's area or an administrator. A signed certificate is voided instead.

    DuckDB refuses to delete a referenced row in the transaction that deletes the rows referencing it
    (its foreign-key check still sees them), so the certificate row cannot go in the transaction that
    deletes its ``certificate_delmal`` rows. The first
    transaction decides (only a draft, conflicting with any concurrent write on the certificate): it
    voids the draft, with the note that it was deleted, removes its delmål and writes the audit row; the
    second removes the voided row. Should the second fail, what remains is a voided draft that counts for
    nothing and says it was deleted."""
    current = _read_certificate(con, certificate_id)
    trainee_id = str(current["trainee_id"])
    require_correction(con, actor, trainee_id)
    source = query(con, "SELECT source FROM certificate WHERE certificate_id = $c", {"c": certificate_id})
    if source["source"].eq("import").any():
        raise StateConflict(_IMPORTED_CERTIFICATE)
    refusal = _delete_refusal(str(current["status"]))
    if refusal:
        raise StateConflict(refusal)
    with _certificate_transaction(con) as cur:
        before = _certificate(cur, certificate_id)
        if not _write_if(
            cur,
            before,
            "c.status IN ('utkast', 'returnerat') AND c.source <> 'import'",
            {"comment": _DELETED},
            status="makulerat",
            assignments="comment = $comment, signer_person_id = NULL",
        ):
            raise StateConflict(_delete_refusal(str(before["status"])) or _CONFLICT)
        cur.execute("DELETE FROM certificate_delmal WHERE certificate_id = ?", [certificate_id])
        record_audit(cur, actor, "delete", "certificate", certificate_id, trainee_id, before, None)
    try:
        with transaction(con) as cur:
            cur.execute(
                "DELETE FROM certificate WHERE certificate_id = ? AND status = 'makulerat' AND signed_date IS NULL "
                "AND comment = ?",
                [certificate_id, _DELETED],
            )
    except StorageError:
        pass  # the voided draft stays (see above); the deletion itself is done and audited


def withdraw_certificate(con: Connection, actor: Actor, certificate_id: str) -> None:
    """Take back a certificate sent for signature ('skickat' -> 'utkast', the addressee cleared), e.g. to
    correct it or to send it to someone else: the trainee, a studierektor of the trainee's area or an
    administrator. A signed certificate cannot be withdrawn (it is voided instead)."""
    current = _read_certificate(con, certificate_id)
    trainee_id = str(current["trainee_id"])
    require_correction(con, actor, trainee_id)

    def refusal(status: str) -> str:
        if status == "signerat":
            return _WITHDRAWN_SIGNED
        if status == "makulerat":
            return _ALREADY_VOID
        return _NOT_SENT

    if current["status"] != "skickat":
        raise StateConflict(refusal(str(current["status"])))
    with _certificate_transaction(con) as cur:
        before = _certificate(cur, certificate_id)
        if not _write_if(
            cur, before, "c.status = 'skickat'", {}, status="utkast", assignments="signer_person_id = NULL"
        ):
            raise StateConflict(refusal(str(before["status"])))
        record_audit(
            cur,
            actor,
            "withdraw",
            "certificate",
            certificate_id,
            trainee_id,
            before,
            {**before, "status": "utkast", "signer_person_id": None},
        )
