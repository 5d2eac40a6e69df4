"""Writes to a trainee's record (placements, leave, certificates) and the certificate sign-off workflow.

The ST-läkare adds placements, leave and certificates (as 'utkast') and sends an unsigned certificate
to one of their current handledare (or, for a certificate of fullgjord BT/ST, to a verksamhetschef of
their unit), who signs it (after which it is locked) or returns it with a comment. A signed
certificate is never edited: the signer, a studierektor or an administrator voids it with a reason
('makulerat', final) and the trainee reissues a new draft to go through the flow again. Each write
runs in one transaction and records an ``audit_log`` row.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from tracker.auth import Actor
from tracker.db import Connection, NotFoundError, transaction
from tracker.domain import SUMMARY_TYPES
from tracker.records import load_record
from tracker.schemas import RowError
from tracker.services._common import _audit, _certificate_lists, _date_columns, _query, _row, _today
from tracker.services.access import AccessDenied, _office_units_sql, _require_own_write, _require_read
from tracker.services.trainees import _requirements, handledare_for
from tracker.services.validation import CERTIFICATE_INPUT, LEAVE_INPUT, PLACEMENT_INPUT, InputError, _validate


def pending_signatures(con: Connection, actor: Actor) -> pd.DataFrame:
    """Certificates sent to the actor for signature (status 'skickat')."""
    df = _query(
        con,
        """SELECT c.certificate_id, c.trainee_id, t.name AS trainee_name, c.type, c.title, c.start_date,
                  c.end_date,
                  coalesce(list(cd.code ORDER BY cd.code) FILTER (WHERE cd.code IS NOT NULL), []) AS delmal
           FROM certificate c JOIN trainee t USING (trainee_id)
           LEFT JOIN certificate_delmal cd USING (certificate_id)
           WHERE c.status = 'skickat' AND c.signer_person_id = $p
           GROUP BY ALL ORDER BY t.name, c.start_date NULLS LAST, c.certificate_id""",
        {"p": actor.person_id},
    )
    return _certificate_lists(_date_columns(df, ["start_date", "end_date"]))


def _placement_values(
    kind: str, setting: str, start_date: date, end_date: date, percent: float, workplace: str
) -> dict[str, Any]:
    return {
        "kind": kind,
        "setting": setting,
        "workplace": (workplace or "").strip(),
        "start_date": start_date,
        "end_date": end_date,
        "percent": percent,
    }


def add_placement(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    *,
    kind: str,
    setting: str,
    start_date: date,
    end_date: date,
    percent: float,
    workplace: str = "",
) -> int:
    """Record a placement (tjänstgöring); returns its id."""
    _require_own_write(con, actor, trainee_id)
    values = _placement_values(kind, setting, start_date, end_date, percent, workplace)
    _validate(PLACEMENT_INPUT, "placering", values)
    with transaction(con) as cur:
        row = cur.execute(
            """INSERT INTO placement (trainee_id, kind, setting, workplace, start_date, end_date, percent)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING placement_id""",
            [trainee_id, kind, setting, values["workplace"], start_date, end_date, float(percent)],
        ).fetchone()
        assert row is not None
        pid = int(row[0])
        _audit(cur, actor, "add", "placement", str(pid), trainee_id, None, values)
    return pid


def add_leave(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    *,
    kind: str,
    start_date: date,
    end_date: date,
    percent: float = 100.0,
) -> int:
    """Record a period of leave (ledighet); returns its id."""
    _require_own_write(con, actor, trainee_id)
    values = {"kind": kind, "start_date": start_date, "end_date": end_date, "percent": percent}
    _validate(LEAVE_INPUT, "ledighet", values)
    with transaction(con) as cur:
        row = cur.execute(
            """INSERT INTO leave (trainee_id, kind, start_date, end_date, percent)
               VALUES (?, ?, ?, ?, ?) RETURNING leave_id""",
            [trainee_id, kind, start_date, end_date, float(percent)],
        ).fetchone()
        assert row is not None
        lid = int(row[0])
        _audit(cur, actor, "add", "leave", str(lid), trainee_id, None, values)
    return lid


def _codes_for(con: Connection, trainee_id: str) -> set[str]:
    return set(_requirements(con, load_record(con, trainee_id)))


def _validate_certificate(
    con: Connection, trainee_id: str, values: Mapping[str, Any], delmal: Sequence[str]
) -> list[str]:
    errors: list[RowError] = []
    try:
        _validate(CERTIFICATE_INPUT, "intyg", values)
    except InputError as exc:
        errors.extend(exc.errors)
    codes = sorted({c.strip() for c in delmal if c and c.strip()})
    known = _codes_for(con, trainee_id)
    unknown = [c for c in codes if c not in known]
    if unknown:
        errors.append(RowError("intyg", 2, "delmal", f"{', '.join(unknown)} finns inte i ST-läkarens målbeskrivning"))
    if not codes and values.get("type") not in SUMMARY_TYPES:
        errors.append(RowError("intyg", 2, "delmal", "välj minst ett delmål som intyget avser"))
    if errors:
        raise InputError(sorted(set(errors)))
    return codes


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
    """Record an activity (certificate) as 'utkast'; delmål codes must be the trainee's. Returns its id."""
    _require_own_write(con, actor, trainee_id)
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
        _audit(
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
    row = _row(
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


_LOCKED = "Intyget är signerat och låst; det kan inte ändras."


def _own_unsent_certificate(
    con: Connection, actor: Actor, certificate_id: str, when_sent: str
) -> tuple[dict[str, Any], str]:
    """The certificate and its trainee, if the actor may change it: own, not sent, not signed."""
    with transaction(con) as cur:
        before = _certificate(cur, certificate_id)
    trainee_id = str(before["trainee_id"])
    _require_own_write(con, actor, trainee_id)
    if before["status"] in ("signerat", "makulerat"):
        raise AccessDenied(_LOCKED)
    if before["status"] == "skickat":
        raise AccessDenied(when_sent)
    return before, trainee_id


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
    """Change an unsigned certificate ('utkast' or 'returnerat'); a signed one is locked."""
    before, trainee_id = _own_unsent_certificate(
        con,
        actor,
        certificate_id,
        "Intyget väntar på signering; det kan ändras först om handledaren returnerar det.",
    )
    values = {
        "type": before["type"],
        "title": (title or "").strip(),
        "start_date": start_date,
        "end_date": end_date,
    }
    codes = _validate_certificate(con, trainee_id, values, delmal)
    with transaction(con) as cur:
        cur.execute(
            "UPDATE certificate SET title = ?, start_date = ?, end_date = ? WHERE certificate_id = ?",
            [values["title"], start_date, end_date, certificate_id],
        )
        cur.execute("DELETE FROM certificate_delmal WHERE certificate_id = ?", [certificate_id])
        for code in codes:
            cur.execute("INSERT INTO certificate_delmal VALUES (?, ?)", [certificate_id, code])
        _audit(
            cur,
            actor,
            "update",
            "certificate",
            certificate_id,
            trainee_id,
            before,
            {**before, **values, "delmal": codes},
        )


# Certificate types a verksamhetschef of the trainee's unit may sign (besides the handledare).
VERKSAMHETSCHEF_TYPES: tuple[str, ...] = ("fullgjord_bt", "fullgjord_st")


def _unit_chiefs(con: Connection, trainee_id: str) -> pd.DataFrame:
    """Verksamhetschefer of the trainee's unit (person_id, name)."""
    return _query(
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
    _require_read(con, actor, trainee_id)
    current = handledare_for(con, actor, trainee_id)
    out = pd.DataFrame({"person_id": current["person_id"], "name": current["name"], "role": current["kind"]})
    if certificate_type in VERKSAMHETSCHEF_TYPES:
        chiefs = _unit_chiefs(con, trainee_id).assign(role="verksamhetschef")
        out = pd.concat([out, chiefs[~chiefs["person_id"].isin(out["person_id"])]], ignore_index=True)
    return out.reset_index(drop=True)


def request_signature(con: Connection, actor: Actor, certificate_id: str, handledare_person_id: str) -> None:
    """Send an unsigned certificate to one of the trainee's current handledare (or, for fullgjord BT/ST,
    to a verksamhetschef of the trainee's unit)."""
    before, trainee_id = _own_unsent_certificate(con, actor, certificate_id, "Intyget är redan skickat för signering.")
    allowed = signers_for(con, actor, trainee_id, str(before["type"]))
    if handledare_person_id not in set(allowed["person_id"]):
        if before["type"] in VERKSAMHETSCHEF_TYPES:
            raise AccessDenied(
                "Intyget kan bara skickas till din handledare eller till verksamhetschefen på din enhet."
            )
        raise AccessDenied("Intyget kan bara skickas till någon som är din handledare just nu.")

    def write(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(
            "UPDATE certificate SET status = 'skickat', comment = '', signer_person_id = ? WHERE certificate_id = ?",
            [handledare_person_id, certificate_id],
        )
        _audit(
            cur,
            actor,
            "request_signature",
            "certificate",
            certificate_id,
            trainee_id,
            before,
            {**before, "status": "skickat", "signer_person_id": handledare_person_id},
        )

    with transaction(con) as cur:
        write(cur)


def _addressed_to_actor(cur: duckdb.DuckDBPyConnection, actor: Actor, certificate_id: str) -> dict[str, Any]:
    before = _certificate(cur, certificate_id)
    if before["status"] in ("signerat", "makulerat"):
        raise AccessDenied(_LOCKED)
    if before["status"] != "skickat" or before["signer_person_id"] != actor.person_id:
        raise AccessDenied("Intyget är inte skickat till dig för signering.")
    return before


def sign_certificate(con: Connection, actor: Actor, certificate_id: str, *, on: date | None = None) -> None:
    """Sign a certificate addressed to the actor; after this it is locked."""
    day = on or _today()
    with transaction(con) as cur:
        before = _addressed_to_actor(cur, actor, certificate_id)
        chief = _row(
            cur,
            """SELECT count(*) AS n FROM role_assignment r JOIN trainee t ON t.unit_id = r.unit_id
               WHERE r.role = 'verksamhetschef' AND r.person_id = ? AND t.trainee_id = ?""",
            [actor.person_id, before["trainee_id"]],
        )
        if before["type"] in VERKSAMHETSCHEF_TYPES and chief and chief["n"]:
            role = "verksamhetschef"
        else:
            kind = _row(
                cur,
                """SELECT min(kind) AS kind FROM supervision WHERE trainee_id = ? AND person_id = ?""",
                [before["trainee_id"], actor.person_id],
            )
            role = (kind or {}).get("kind") or "handledare"
        cur.execute(
            """UPDATE certificate SET status = 'signerat', signed_by = ?, signed_role = ?, signed_date = ?,
                      comment = '' WHERE certificate_id = ?""",
            [actor.name, role, day, certificate_id],
        )
        _audit(
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
            },
        )


def return_certificate(con: Connection, actor: Actor, certificate_id: str, comment: str) -> None:
    """Send a certificate back to the trainee unsigned, with a comment saying what to change."""
    text = (comment or "").strip()
    if not text:
        raise InputError([RowError("intyg", 2, "comment", "skriv vad ST-läkaren behöver ändra")])
    with transaction(con) as cur:
        before = _addressed_to_actor(cur, actor, certificate_id)
        cur.execute(
            "UPDATE certificate SET status = 'returnerat', comment = ? WHERE certificate_id = ?",
            [text, certificate_id],
        )
        _audit(
            cur,
            actor,
            "return",
            "certificate",
            certificate_id,
            str(before["trainee_id"]),
            before,
            {**before, "status": "returnerat", "comment": text},
        )


def _may_void(con: Connection, actor: Actor, cert: Mapping[str, Any]) -> bool:
    """The signer, or a studierektor (in that role's scope) or administrator, may void a certificate."""
    if actor.is_admin:
        return True
    if cert["signer_person_id"] and cert["signer_person_id"] == actor.person_id:
        return True
    if "studierektor" not in actor.roles:
        return False
    office = _office_units_sql(dataclasses.replace(actor, roles=frozenset({"studierektor"}), unit_ids=frozenset()))
    if office is None:
        return False
    sql, params = office
    df = _query(
        con,
        f"SELECT count(*) AS n FROM trainee WHERE trainee_id = $tid AND unit_id IN ({sql})",
        {**params, "tid": cert["trainee_id"]},
    )
    return bool(df["n"].iloc[0])


def void_certificate(con: Connection, actor: Actor, certificate_id: str, reason: str) -> None:
    """Void (makulera) a signed certificate, with a reason kept in its comment. Final: a voided
    certificate no longer counts and cannot be changed; the trainee reissues a corrected one."""
    with transaction(con) as cur:
        before = _certificate(cur, certificate_id)
    trainee_id = str(before["trainee_id"])
    if not _may_void(con, actor, before):
        raise AccessDenied("Bara den som signerade intyget, en studierektor eller en administratör kan makulera det.")
    if before["status"] == "makulerat":
        raise AccessDenied("Intyget är redan makulerat.")
    if before["status"] != "signerat":
        raise AccessDenied("Intyget är inte signerat; ett osignerat intyg ändras i stället för att makuleras.")
    text = (reason or "").strip()
    if not text:
        raise InputError([RowError("intyg", 2, "comment", "ange varför intyget makuleras")])
    with transaction(con) as cur:
        cur.execute(
            "UPDATE certificate SET status = 'makulerat', comment = ? WHERE certificate_id = ?",
            [text, certificate_id],
        )
        _audit(
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
    with transaction(con) as cur:
        old = _certificate(cur, certificate_id)
    trainee_id = str(old["trainee_id"])
    _require_own_write(con, actor, trainee_id)
    if old["status"] != "makulerat":
        raise AccessDenied("Bara ett makulerat intyg kan utfärdas på nytt.")
    cid = f"{trainee_id}-{uuid.uuid4().hex[:8]}"
    values = {
        "type": old["type"],
        "title": old["title"],
        "start_date": old["start_date"],
        "end_date": old["end_date"],
        "delmal": list(old["delmal"]),
        "status": "utkast",
        "replaces": certificate_id,
    }
    with transaction(con) as cur:
        cur.execute(
            """INSERT INTO certificate (certificate_id, trainee_id, type, title, start_date, end_date, status)
               VALUES (?, ?, ?, ?, ?, ?, 'utkast')""",
            [cid, trainee_id, old["type"], old["title"], old["start_date"], old["end_date"]],
        )
        for code in old["delmal"]:
            cur.execute("INSERT INTO certificate_delmal VALUES (?, ?)", [cid, code])
        _audit(cur, actor, "reissue", "certificate", cid, trainee_id, None, values)
    return cid
