"""The service layer the user interface calls: scoped reads and audited, validated writes.

Every function takes ``(con, actor, ...)`` and checks the actor's scope itself, so a hidden page or a
shared component can never read more than the person may see:

- ST-läkare: their own record; they add placements, leave and certificates (as 'utkast') and send an
  unsigned certificate to one of their current handledare for signature.
- Handledare: trainees with a supervision row for them covering today; read-only, plus signing or
  returning certificates addressed to them.
- Studierektor: trainees whose unit lies in their region or area; aggregates and the intressent queue.
- Verksamhetschef: trainees and intressenter of their units.
- Admin: everything.

Each write runs in one transaction and records an ``audit_log`` row (before/after as JSON).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

import duckdb
import pandas as pd
import pandera.pandas as pa

from tracker import catalogue_store, progress_sql
from tracker.auth import Actor
from tracker.catalogue import Catalogue, CatalogueError
from tracker.db import Connection, NotFoundError, TrackerError, transaction
from tracker.domain import (
    ACTIVITY_TYPES,
    INTRESSENT_STEPS,
    LEAVE_KINDS,
    LEAVE_LABELS,
    PLACEMENT_KINDS,
    REG_2021,
    REGULATION_2021_START,
    SETTING_LABELS,
    SETTINGS,
    STATUS_EJ,
    STATUS_UPPFYLLT,
    SUMMARY_TYPES,
    TYPE_LABELS,
    Leave,
    Placement,
    TraineeRecord,
)
from tracker.importer import ImportResult, import_frames, read_uploads, validate
from tracker.progress import progress_for, progress_for_record
from tracker.records import load_record
from tracker.rules import Progress, missing_types, resolve_regulation, sv_number
from tracker.schemas import RowError, errors_from

STEP_LABELS: dict[str, str] = {
    "intresse": "Intresse anmält",
    "dokument": "Dokument inkommer",
    "bedomning": "Bedömning",
    "vantelista": "Väntelista",
    "inskriven": "Inskriven",
    "avslutad": "Avslutad",
}
STATUS_LABELS: dict[str, str] = {
    "utkast": "Utkast",
    "skickat": "Skickat för signering",
    "signerat": "Signerat",
    "returnerat": "Returnerat",
    "makulerat": "Makulerat",
}
DOCUMENTS: dict[str, str] = {
    "doc_anstallningsbevis": "Anställningsbevis",
    "doc_cv": "CV",
    "doc_personligt_brev": "Personligt brev",
    "doc_legitimation": "Legitimation",
}
# Risk thresholds for the cohort page (settings, not rules of the regulations).
RISK_PACE = 0.75  # counted service below 75 % of the calendar time since ST start
RISK_PACE_MIN_ELAPSED = 6.0  # ... judged only after six months
RISK_LEAVE_DAYS = 120  # non-counting leave days during the last twelve months
RISK_LATE_SHARE = 2 / 3  # delmål still 'ej påbörjat' after two thirds of the minimum time


class AccessDenied(TrackerError):
    """The actor may not see or change this."""


class InputError(TrackerError):
    """A write's input failed validation; ``errors`` lists every problem (nothing was written)."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(" ".join(f"{COLUMN_LABELS.get(e.column, e.column)}: {e.message}." for e in self.errors))


COLUMN_LABELS: dict[str, str] = {
    "kind": "Typ",
    "setting": "Verksamhet",
    "workplace": "Arbetsplats",
    "start_date": "Startdatum",
    "end_date": "Slutdatum",
    "percent": "Omfattning",
    "type": "Intygstyp",
    "title": "Rubrik",
    "delmal": "Delmål",
    "comment": "Kommentar",
    "step": "Steg",
    "note": "Anteckning",
}


def _today() -> date:
    return date.today()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- scope ------------------------------------------------------------------------------------


def _office_units_sql(actor: Actor) -> tuple[str, dict[str, Any]] | None:
    """Units whose trainees and intressenter the actor sees in an office role, or None."""
    if actor.is_admin:
        return "SELECT unit_id FROM unit", {}
    parts: list[str] = []
    params: dict[str, Any] = {}
    if "studierektor" in actor.roles and actor.regions:
        parts.append("list_contains($sr_regions, region_id)")
        params["sr_regions"] = sorted(actor.regions)
    if "studierektor" in actor.roles and actor.areas:
        parts.append("list_contains($sr_areas, region_id || '|' || area) OR list_contains($sr_areas, '|' || area)")
        params["sr_areas"] = sorted(f"{r}|{a}" for r, a in actor.areas)
    if "verksamhetschef" in actor.roles and actor.unit_ids:
        parts.append("list_contains($vc_units, unit_id)")
        params["vc_units"] = sorted(actor.unit_ids)
    if not parts:
        return None
    return "SELECT unit_id FROM unit WHERE " + " OR ".join(f"({p})" for p in parts), params


def _visible_sql(actor: Actor, day: date | None = None) -> tuple[str, dict[str, Any]]:
    """A query giving the trainee_id of every trainee the actor may read."""
    if actor.is_admin:
        return "SELECT trainee_id FROM trainee", {}
    params: dict[str, Any] = {"v_pid": actor.person_id, "v_day": day or _today()}
    parts = [
        "SELECT trainee_id FROM supervision WHERE person_id = $v_pid AND start_date <= $v_day "
        "AND (end_date IS NULL OR end_date >= $v_day)"
    ]
    if actor.trainee_id:
        parts.append("SELECT trainee_id FROM trainee WHERE trainee_id = $v_own")
        params["v_own"] = actor.trainee_id
    office = _office_units_sql(actor)
    if office is not None:
        sql, p = office
        parts.append(f"SELECT trainee_id FROM trainee WHERE unit_id IN ({sql})")
        params.update(p)
    return " UNION ".join(parts), params


def _supervised_sql(actor: Actor, day: date | None = None) -> tuple[str, dict[str, Any]]:
    return (
        "SELECT trainee_id, min(kind) AS supervision_kind FROM supervision WHERE person_id = $s_pid "
        "AND start_date <= $s_day AND (end_date IS NULL OR end_date >= $s_day) GROUP BY trainee_id",
        {"s_pid": actor.person_id, "s_day": day or _today()},
    )


def can_read(con: Connection, actor: Actor, trainee_id: str) -> bool:
    sql, params = _visible_sql(actor)
    cur = con.cursor()
    try:
        row = cur.execute(
            f"SELECT count(*) FROM ({sql}) v WHERE v.trainee_id = $tid", {**params, "tid": trainee_id}
        ).fetchone()
    finally:
        cur.close()
    return bool(row and row[0])


def _require_read(con: Connection, actor: Actor, trainee_id: str) -> None:
    if can_read(con, actor, trainee_id):
        return
    if actor.is_admin:
        raise NotFoundError(f"ST-läkare {trainee_id} finns inte.")
    raise AccessDenied("Du har inte behörighet att se den här ST-läkarens uppgifter.")


def _require_own_write(con: Connection, actor: Actor, trainee_id: str) -> None:
    if actor.trainee_id == trainee_id:
        return
    if actor.is_admin:
        _require_read(con, actor, trainee_id)
        return
    raise AccessDenied("Bara ST-läkaren själv (eller en administratör) kan lägga till uppgifter i sin utbildning.")


def _require_office(actor: Actor) -> None:
    if _office_units_sql(actor) is None:
        raise AccessDenied("Sidan är till för studierektorer, verksamhetschefer och administratörer.")


def _query(con: Connection, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    cur = con.cursor()
    try:
        return cur.execute(sql, dict(params or {})).df()
    finally:
        cur.close()


def _to_date(v: object) -> date | None:
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return None


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def _date_columns(df: pd.DataFrame, cols: Iterable[str]) -> pd.DataFrame:
    for c in cols:
        if c in df.columns:
            df[c] = df[c].map(_to_date).astype(object)
    return df


# --- reads: people and units ------------------------------------------------------------------

_REGULATION_SQL = (
    f"coalesce(t.regulation_choice, CASE WHEN t.swedish_at OR t.st_start_date < DATE '{REGULATION_2021_START}' "
    f"THEN 'SOSFS 2015:8' ELSE '{REG_2021}' END)"
)


def visible_trainees(con: Connection, actor: Actor) -> pd.DataFrame:
    """Every trainee the actor may read, with specialty, regulation and unit."""
    sql, params = _visible_sql(actor)
    df = _query(
        con,
        f"""SELECT t.trainee_id, t.name, t.specialty, {_REGULATION_SQL} AS regulation, t.st_start_date,
                   t.unit_id, u.name AS unit_name, u.region_id, u.area
            FROM trainee t LEFT JOIN unit u USING (unit_id)
            WHERE t.trainee_id IN ({sql}) ORDER BY t.name, t.trainee_id""",
        params,
    )
    return _date_columns(df, ["st_start_date"])


def trainee_name(con: Connection, actor: Actor, trainee_id: str) -> str:
    _require_read(con, actor, trainee_id)
    df = _query(con, "SELECT name FROM trainee WHERE trainee_id = $t", {"t": trainee_id})
    return str(df["name"].iloc[0]) if len(df) else trainee_id


def units(con: Connection, actor: Actor) -> pd.DataFrame:
    """Units in the actor's scope (office roles), or the units of the trainees they can read."""
    office = _office_units_sql(actor)
    if office is not None:
        sql, params = office
    else:
        vsql, params = _visible_sql(actor)
        sql = f"SELECT unit_id FROM trainee WHERE trainee_id IN ({vsql})"
    return _query(
        con,
        f"""SELECT u.unit_id, u.name, u.region_id, r.name AS region_name, u.area, u.kind, u.st_approved,
                   u.st_places
            FROM unit u JOIN region r USING (region_id) WHERE u.unit_id IN ({sql})
            ORDER BY r.name, u.area, u.name""",
        params,
    )


def handledare_for(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """The trainee's current handledare (supervision covering today)."""
    _require_read(con, actor, trainee_id)
    df = _query(
        con,
        """SELECT s.person_id, p.name, s.kind, s.start_date, s.end_date
           FROM supervision s JOIN person p USING (person_id)
           WHERE s.trainee_id = $t AND s.start_date <= $d AND (s.end_date IS NULL OR s.end_date >= $d)
           ORDER BY s.kind DESC, p.name""",
        {"t": trainee_id, "d": _today()},
    )
    return _date_columns(df, ["start_date", "end_date"])


# --- reads: one trainee -----------------------------------------------------------------------


def trainee_overview(con: Connection, actor: Actor, trainee_id: str, as_of: date) -> Progress:
    _require_read(con, actor, trainee_id)
    return progress_for(con, trainee_id, as_of)


def trainee_record(con: Connection, actor: Actor, trainee_id: str) -> TraineeRecord:
    _require_read(con, actor, trainee_id)
    return load_record(con, trainee_id)


def trainee_unit(con: Connection, actor: Actor, trainee_id: str) -> dict[str, Any]:
    """The trainee's unit, region and ST start (for headers)."""
    _require_read(con, actor, trainee_id)
    df = _query(
        con,
        f"""SELECT t.trainee_id, t.name, t.specialty, {_REGULATION_SQL} AS regulation, t.st_start_date,
                   u.name AS unit_name, r.name AS region_name
            FROM trainee t LEFT JOIN unit u USING (unit_id) LEFT JOIN region r ON r.region_id = u.region_id
            WHERE t.trainee_id = $t""",
        {"t": trainee_id},
    )
    row = _date_columns(df, ["st_start_date"]).iloc[0].to_dict()
    return {str(k): (v if isinstance(v, str | date) else None) for k, v in row.items()}


def certificates(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """The trainee's certificates with their delmål (as a list), status and signer."""
    _require_read(con, actor, trainee_id)
    df = _query(
        con,
        """SELECT c.certificate_id, c.type, c.title, c.start_date, c.end_date, c.status,
                  coalesce(d.delmal, []) AS delmal,
                  c.signer_person_id, sp.name AS signer_name, c.signed_by, c.signed_date, c.comment
           FROM certificate c
           LEFT JOIN (SELECT certificate_id, list(code ORDER BY code) AS delmal
                      FROM certificate_delmal GROUP BY certificate_id) d USING (certificate_id)
           LEFT JOIN person sp ON sp.person_id = c.signer_person_id
           WHERE c.trainee_id = $t
           ORDER BY coalesce(c.end_date, c.start_date, c.signed_date) DESC NULLS LAST, c.certificate_id""",
        {"t": trainee_id},
    )
    df = _date_columns(df, ["start_date", "end_date", "signed_date"])
    df["delmal"] = df["delmal"].map(lambda v: list(v) if v is not None else [])
    df["type_label"] = df["type"].map(lambda t: TYPE_LABELS.get(t, t))
    df["status_label"] = df["status"].map(lambda s: STATUS_LABELS.get(s, s))
    return df


def timeline(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """Placements, leave and dated certificates (courses etc.) as one table of periods."""
    _require_read(con, actor, trainee_id)
    df = _query(
        con,
        """SELECT 'Placering' AS category, kind || ' ' || setting AS code, setting AS detail, workplace AS label,
                  start_date, end_date, percent
           FROM placement WHERE trainee_id = $t
           UNION ALL
           SELECT 'Ledighet', kind, kind, '', start_date, end_date, percent FROM leave WHERE trainee_id = $t
           UNION ALL
           SELECT 'Utbildningsaktivitet', type, status, title, start_date, coalesce(end_date, start_date), NULL
           FROM certificate
           WHERE trainee_id = $t AND start_date IS NOT NULL AND status <> 'makulerat'
             AND type NOT IN ('klinisk_tjanstgoring', 'fullgjord_bt', 'baskompetens', 'fullgjord_st',
                              'specialistkompetens', 'bt_delmal')
           ORDER BY start_date, category""",
        {"t": trainee_id},
    )
    df = _date_columns(df, ["start_date", "end_date"])
    today = _today()

    def name(row: pd.Series) -> str:
        if row["category"] == "Placering":
            kind = str(row["code"]).split(" ")[0]
            text = f"{kind}: {SETTING_LABELS.get(row['detail'], row['detail'])}"
            return f"{text}, {row['label']}" if row["label"] else text
        if row["category"] == "Ledighet":
            return LEAVE_LABELS.get(row["detail"], str(row["detail"]))
        return str(row["label"]) or TYPE_LABELS.get(row["code"], str(row["code"]))

    df["name"] = df.apply(name, axis=1) if len(df) else pd.Series(dtype=str)
    df["planned"] = df["start_date"].map(lambda d: d is not None and d > today).astype(bool)
    return df


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
    df = _date_columns(df, ["start_date", "end_date"])
    df["delmal"] = df["delmal"].map(lambda v: list(v) if v is not None else [])
    df["type_label"] = df["type"].map(lambda t: TYPE_LABELS.get(t, t))
    return df


def delmal_catalogue(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """The trainee's applicable delmål (and BT delmål under HSLF-FS 2021:8), in catalogue order."""
    rec = trainee_record(con, actor, trainee_id)
    reg = resolve_regulation(rec.trainee)
    rows = [(c, t, o, v, False) for c, t, o, v in catalogue_store.delmal_table(con, reg, rec.trainee.specialty)]
    if reg == REG_2021:
        rows += [(c, t, o, v, True) for c, t, o, v in catalogue_store.delmal_table(con, REG_2021, "")]
    return pd.DataFrame(rows, columns=["code", "title", "title_official", "verified", "is_bt"])


def delmal_detail(con: Connection, actor: Actor, trainee_id: str, as_of: date) -> pd.DataFrame:
    """Every applicable delmål with status, the certificates listing it and what is still missing.

    Columns: code, title, title_official, verified, is_bt, status, certificates (list of text),
    missing (Swedish sentence, empty when uppfyllt), kompetenskrav (tuple of text),
    activities (the målbeskrivning's utbildningsaktiviteter, tuple of text).
    """
    rec = trainee_record(con, actor, trainee_id)
    progress = progress_for_record(con, rec, as_of)
    reg = resolve_regulation(rec.trainee)
    table = delmal_catalogue(con, actor, trainee_id)
    reqs = {r.code: r for r in catalogue_store.requirements(con, reg, rec.trainee.specialty)}
    if reg == REG_2021:
        reqs.update({r.code: r for r in catalogue_store.requirements(con, REG_2021, catalogue_store.BT_SPECIALTY)})
    texts: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    try:
        cat = Catalogue.load()
        items = list(cat.delmal_for(rec.trainee.specialty, reg))
        if reg == REG_2021:
            items += list(cat.bt_delmal())
        texts = {d.code: (d.kompetenskrav, d.activities_text) for d in items}
    except CatalogueError:
        texts = {}
    certs = certificates(con, actor, trainee_id)
    certs = certs[certs["status"] != "makulerat"]
    statuses = dict(progress.delmal)
    if progress.bt is not None:
        statuses.update(progress.bt.delmal)

    cert_rows = _records(certs)

    def covering(code: str) -> list[str]:
        out = []
        for r in cert_rows:
            if code in r["delmal"]:
                label = r["title"] or TYPE_LABELS.get(r["type"], r["type"])
                out.append(f"{label} ({STATUS_LABELS.get(r['status'], r['status']).lower()})")
        return out

    def missing(code: str) -> str:
        req = reqs.get(code)
        if req is None or statuses.get(code) == STATUS_UPPFYLLT:
            return ""
        groups = missing_types(rec, req)
        if not groups:
            return ""
        parts = [" eller ".join(_lower_first(TYPE_LABELS.get(t, t)) for t in g) for g in groups]
        return "Signerat intyg saknas för " + ", ".join(parts) + "."

    table["status"] = table["code"].map(lambda c: statuses.get(c, STATUS_EJ))
    table["certificates"] = table["code"].map(covering)
    table["missing"] = table["code"].map(missing)
    table["kompetenskrav"] = table["code"].map(lambda c: texts.get(c, ((), ()))[0])
    table["activities"] = table["code"].map(lambda c: texts.get(c, ((), ()))[1])
    return table


def _lower_first(text: str) -> str:
    """'Kurs' -> 'kurs', but 'Delmål STa3 Medicinsk vetenskap' keeps its code and name."""
    if " ST" in text or " BT" in text:
        return text
    return text[:1].lower() + text[1:]


def readiness(progress: Progress) -> list[tuple[bool, str, list[str]]]:
    """The checklist for the application for bevis om specialistkompetens (RULES.md section 7).

    One (done, label, sentences) per item; the sentences are the Swedish explanations of what is
    missing for that item, taken from ``progress.missing``.
    """
    miss = progress.missing

    def about(*prefixes: str) -> list[str]:
        return [m for m in miss if m.startswith(prefixes)]

    delmal_done = sum(1 for v in progress.delmal.values() if v == STATUS_UPPFYLLT)
    items: list[tuple[bool, str, list[str]]] = []
    if progress.bt is not None:
        bt_lines = about("Bastjänstgöringen", "BT-tiden")
        items.append((progress.bt.approved, "Bastjänstgöringen är godkänd", bt_lines))
    time_lines = about("Tjänstgöringstiden")
    items.append(
        (not time_lines, f"Tjänstgöringstid minst {_sv0(progress.required_months)} månader på heltid", time_lines)
    )
    delmal_lines = about("Delmål ")
    items.append(
        (
            not delmal_lines,
            f"Alla delmål uppfyllda ({delmal_done} av {len(progress.delmal)})",
            delmal_lines,
        )
    )
    if progress.regulation == REG_2021:
        lines = about("Intyg om fullgjord specialiseringstjänstgöring")
        items.append((not lines, "Intyg om fullgjord specialiseringstjänstgöring (bilaga 6) signerat", lines))
        lines = about("Intyg om uppnådd specialistkompetens")
        items.append((not lines, "Intyg om uppnådd specialistkompetens (bilaga 7) signerat", lines))
    else:
        lines = about("Intyg om uppnådd specialistkompetens")
        items.append((not lines, "Intyg om uppnådd specialistkompetens (bilaga 2) signerat", lines))
    return items


def _sv0(x: Fraction | float) -> str:
    return sv_number(x)


def next_steps(
    progress: Progress, certs: pd.DataFrame, delmal: pd.DataFrame | None = None, limit: int = 3
) -> list[str]:
    """The next few things the trainee should do, most urgent first, as Swedish sentences."""
    steps: list[str] = []
    live = _records(certs)

    def title(r: dict[str, Any]) -> str:
        return str(r["title"] or TYPE_LABELS.get(r["type"], r["type"]))

    for r in (r for r in live if r["status"] == "returnerat"):
        comment = f" Handledarens kommentar: {r['comment']}" if r["comment"] else ""
        steps.append(f"Rätta och skicka om det returnerade intyget ”{title(r)}”.{comment}")
    for r in (r for r in live if r["status"] == "utkast"):
        steps.append(f"Skicka intyget ”{title(r)}” till din handledare för signering.")
    bt = progress.bt
    if bt is not None and not bt.approved:
        if not bt.time_complete:
            need = []
            if bt.primary_care_months < 3:
                need.append(f"primärvård ({sv_number(3 - bt.primary_care_months)} mån kvar)")
            if bt.acute_care_months < 3:
                need.append(f"akut sjukvård ({sv_number(3 - bt.acute_care_months)} mån kvar)")
            if need:
                steps.append("Planera BT-tjänstgöring i " + " och ".join(need) + ".")
            else:
                steps.append(f"BT-tiden behöver bli minst 6 månader; nu {sv_number(bt.months)} mån.")
        elif not bt.delmal_complete:
            done = sum(1 for v in bt.delmal.values() if v == STATUS_UPPFYLLT)
            steps.append(f"Samla signerade intyg för BT-delmålen ({done} av {len(bt.delmal)} uppfyllda).")
        elif not (bt.fullgjord_signed and bt.baskompetens_signed):
            steps.append("Be om intyg om fullgjord bastjänstgöring och intyg om uppnådd baskompetens.")
        else:
            steps.append("Ansök hos Socialstyrelsen om intyg om godkänd bastjänstgöring och registrera datumet.")
    for r in (r for r in live if r["status"] == "skickat"):
        who = r["signer_name"] if isinstance(r["signer_name"], str) and r["signer_name"] else "handledaren"
        steps.append(f"Påminn {who} om att signera ”{title(r)}”.")
    if delmal is not None and len(delmal):
        todo = delmal[(delmal["status"] == STATUS_EJ) & ~delmal["is_bt"].astype(bool)]
        for r in _records(todo.head(limit)):
            what = f" {r['missing']}" if r["missing"] else ""
            steps.append(f"Planera en utbildningsaktivitet för delmål {r['code']} ({r['title']}).{what}")
    if progress.counted_months < progress.required_months:
        when = progress.projected_completion_date
        tail = f" (beräknat klar {when.isoformat()})" if when else ""
        steps.append(
            f"Fortsätt tjänstgöringen: {sv_number(progress.remaining_months)} mån återstår till minimitiden{tail}."
        )
    if progress.ready_to_apply:
        steps.insert(0, "Allt är klart: ansök om bevis om specialistkompetens hos Socialstyrelsen.")
    return steps[:limit]


# --- reads: what if ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedLeave:
    kind: str
    start_date: date
    end_date: date
    percent: float


def what_if(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    as_of: date,
    *,
    future_percent: float | None = None,
    planned_leave: Sequence[PlannedLeave] = (),
) -> tuple[Progress, Progress]:
    """Progress now and under a changed plan (nothing is saved).

    ``future_percent`` replaces the percent of every placement day after ``as_of`` and of the assumed
    continuation after the last recorded day; planned leave is added as recorded leave, with the
    placement extended through the leave so that the leave is inside the recorded time.
    """
    rec = trainee_record(con, actor, trainee_id)
    baseline = progress_for_record(con, rec, as_of)
    placements: list[Placement] = []
    tomorrow = as_of + timedelta(days=1)
    for p in rec.placements:
        if future_percent is None or p.end_date <= as_of or p.kind == "AT":
            placements.append(p)
            continue
        if p.start_date <= as_of:
            placements.append(replace(p, end_date=as_of))
            placements.append(replace(p, start_date=tomorrow, percent=future_percent))
        else:
            placements.append(replace(p, percent=future_percent))
    counting = [p for p in placements if p.kind != "AT"]
    last_end = max((p.end_date for p in counting), default=None)
    if future_percent is not None and counting and (last_end is None or last_end <= as_of):
        kind = max(counting, key=lambda p: p.end_date).kind
        placements.append(Placement(kind, "annan", tomorrow, tomorrow, future_percent, "planerat"))
        last_end = tomorrow
    leave = list(rec.leave)
    for lv in planned_leave:
        leave.append(Leave(lv.kind, lv.start_date, lv.end_date, lv.percent))
        if counting and last_end is not None and lv.end_date > last_end:
            last = max((p for p in placements if p.kind != "AT"), key=lambda p: p.end_date)
            tail_pct = (
                future_percent
                if future_percent is not None
                else min(
                    100.0,
                    sum(
                        p.percent for p in placements if p.kind != "AT" and p.start_date <= last.end_date <= p.end_date
                    ),
                )
            )
            placements.append(
                Placement(last.kind, last.setting, last_end + timedelta(days=1), lv.end_date, tail_pct, "planerat")
            )
            last_end = lv.end_date
    changed = replace(rec, placements=tuple(placements), leave=tuple(leave))
    return baseline, progress_for_record(con, changed, as_of)


# --- reads: aggregates ------------------------------------------------------------------------


def _visible_ids(con: Connection, actor: Actor) -> list[str] | None:
    """The trainees the actor may read, or None for everyone (so the SQL computes only those)."""
    if actor.is_admin:
        return None
    sql, params = _visible_sql(actor)
    return sorted(set(_query(con, sql, params)["trainee_id"]))


@dataclass(frozen=True)
class CohortFilter:
    """Optional narrowing of the aggregate pages: empty tuples mean 'all'."""

    specialties: tuple[str, ...] = ()
    unit_ids: tuple[str, ...] = ()
    regulations: tuple[str, ...] = ()

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        keep = pd.Series(True, index=df.index)
        if self.specialties:
            keep &= df["specialty"].isin(self.specialties)
        if self.unit_ids:
            keep &= df["unit_id"].isin(self.unit_ids)
        if self.regulations:
            keep &= df["regulation"].isin(self.regulations)
        return df[keep].reset_index(drop=True)


ALL = CohortFilter()


def cohort(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """One row per visible trainee (tracker.progress_sql.cohort), with percent of minimum time."""
    df = flt.apply(progress_sql.cohort(con, as_of, _visible_ids(con, actor)))
    df["progress_pct"] = (100.0 * df["counted_months"] / df["required_months"]).clip(upper=100.0)
    return df


def _over_cohort(
    con: Connection, actor: Actor, as_of: date, flt: CohortFilter, sql: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run an aggregate query over the actor's (filtered) cohort, registered as ``_cohort``."""
    base = cohort(con, actor, as_of, flt)
    cur = con.cursor()
    try:
        cur.register("_cohort", base)
        return cur.execute(sql, dict(params or {})).df()
    finally:
        cur.close()


def trainee_table(con: Connection, actor: Actor, as_of: date, *, supervised_only: bool = False) -> pd.DataFrame:
    """The cohort rows of the actor's trainees plus certificates waiting for the actor's signature.

    With ``supervised_only`` only trainees with a current supervision row for the actor are listed
    (the handledare's own list), whatever other roles the actor has.
    """
    sup_sql, sup_params = _supervised_sql(actor)
    df = _over_cohort(
        con,
        actor,
        as_of,
        ALL,
        f"""SELECT c.*, s.supervision_kind, coalesce(w.waiting, 0) AS waiting_for_me
            FROM _cohort c
            {"JOIN" if supervised_only else "LEFT JOIN"} ({sup_sql}) s USING (trainee_id)
            LEFT JOIN (SELECT trainee_id, count(*) AS waiting FROM certificate
                       WHERE status = 'skickat' AND signer_person_id = $s_pid GROUP BY trainee_id) w
              USING (trainee_id)
            ORDER BY c.name, c.trainee_id""",
        sup_params,
    )
    return _date_columns(df, ["st_start_date", "projected_completion_date", "bt_approved_date"])


def supervisor_table(con: Connection, actor: Actor, as_of: date) -> pd.DataFrame:
    """The handledare's current trainees with progress, projection, delmål counts and waiting intyg."""
    return trainee_table(con, actor, as_of, supervised_only=True)


def cohort_breakdown(
    con: Connection, actor: Actor, as_of: date, by: str = "specialty", flt: CohortFilter = ALL
) -> pd.DataFrame:
    """Trainees per specialty, unit or regulation: count, median share of the minimum time, in BT, ready."""
    column = {"specialty": "specialty", "unit": "coalesce(unit_name, 'Ingen enhet')", "regulation": "regulation"}
    if by not in column:
        raise ValueError("by must be 'specialty', 'unit' or 'regulation'")
    return _over_cohort(
        con,
        actor,
        as_of,
        flt,
        f"""SELECT {column[by]} AS grp, count(*) AS n, median(progress_pct) AS median_pct,
                   count(*) FILTER (WHERE regulation = '{REG_2021}' AND NOT coalesce(bt_approved, false)) AS in_bt,
                   count(*) FILTER (WHERE ready_to_apply) AS ready
            FROM _cohort GROUP BY ALL ORDER BY n DESC, grp""",
    )


def progress_bins(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """Trainees per tenth of the minimum time reached (0-10 %, 10-20 %, ..., 90-100 %)."""
    return _over_cohort(
        con,
        actor,
        as_of,
        flt,
        """WITH bins AS (SELECT range * 10 AS lo FROM range(10))
           SELECT b.lo, b.lo + 10 AS hi, count(c.trainee_id) AS n
           FROM bins b LEFT JOIN _cohort c
             ON least(floor(c.progress_pct / 10) * 10, 90) = b.lo
           GROUP BY ALL ORDER BY b.lo""",
    )


def expected_specialists(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """Trainees per year of projected completion of the minimum time."""
    return _over_cohort(
        con,
        actor,
        as_of,
        flt,
        """SELECT year(CAST(projected_completion_date AS DATE)) AS year, count(*) AS n
           FROM _cohort WHERE projected_completion_date IS NOT NULL GROUP BY ALL ORDER BY year""",
    )


def delmal_long(con: Connection, actor: Actor, as_of: date) -> pd.DataFrame:
    """Every applicable delmål of every visible trainee with its status (tracker.progress_sql)."""
    return progress_sql.delmal_long(con, as_of, _visible_ids(con, actor))


def delmal_bottlenecks(
    con: Connection, actor: Actor, as_of: date, by: str = "specialty", flt: CohortFilter = ALL
) -> pd.DataFrame:
    """Share of trainees with each (non-BT) delmål uppfyllt, per specialty or unit (or 'all' together).

    c/STc codes mean different things in different specialties, so per unit only the common
    delmål (a/b, STa/STb) are compared unless the filter names exactly one specialty.
    """
    if by not in ("specialty", "unit", "all"):
        raise ValueError("by must be 'specialty', 'unit' or 'all'")
    long = flt.apply(delmal_long(con, actor, as_of))
    common_only = by == "unit" and len(flt.specialties) != 1
    grp_sql = {"unit": "coalesce(n.unit_name, 'Ingen enhet')", "specialty": "l.specialty", "all": "'Alla'"}[by]
    names = cohort(con, actor, as_of, flt)[["trainee_id", "unit_name"]]
    cur = con.cursor()
    try:
        cur.register("_long", long)
        cur.register("_names", names)
        return cur.execute(
            f"""SELECT {grp_sql} AS grp,
                       l.regulation, l.code,
                       count(*) AS n,
                       count(*) FILTER (WHERE l.status = 'uppfyllt') AS n_uppfyllt,
                       count(*) FILTER (WHERE l.status = 'ej påbörjat') AS n_ej,
                       100.0 * count(*) FILTER (WHERE l.status = 'uppfyllt') / count(*) AS share_uppfyllt
                FROM _long l LEFT JOIN _names n USING (trainee_id)
                WHERE NOT l.is_bt {"AND NOT regexp_matches(l.code, '^(c|STc)[0-9]')" if common_only else ""}
                GROUP BY ALL ORDER BY l.regulation, grp, l.code"""
        ).df()
    finally:
        cur.close()


def at_risk(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """Trainees who need attention, with every reason as a Swedish sentence (one row per trainee)."""
    df = _over_cohort(
        con,
        actor,
        as_of,
        flt,
        f"""WITH lv AS (
                SELECT trainee_id,
                       sum(date_diff('day', greatest(start_date, $from), least(end_date, $as_of)) + 1)
                         AS leave_days
                FROM leave WHERE end_date >= $from AND start_date <= $as_of GROUP BY trainee_id
            ), x AS (
                SELECT c.trainee_id, c.name, c.specialty, c.unit_name, c.counted_months, c.service_months,
                       c.required_months, c.delmal_ej, c.projected_completion_date,
                       date_diff('day', CAST(c.st_start_date AS DATE), $as_of) / 30.436875 AS elapsed_months,
                       coalesce(lv.leave_days, 0) AS leave_days
                FROM _cohort c LEFT JOIN lv USING (trainee_id)
                WHERE NOT c.ready_to_apply
            )
            SELECT *,
                   elapsed_months >= {RISK_PACE_MIN_ELAPSED}
                     AND service_months < {RISK_PACE} * elapsed_months AS behind_pace,
                   leave_days >= {RISK_LEAVE_DAYS} AS long_leave,
                   counted_months >= {RISK_LATE_SHARE} * required_months AND delmal_ej > 0 AS late_delmal
            FROM x""",
        {"as_of": as_of, "from": as_of - timedelta(days=365)},
    )
    df = df[df["behind_pace"] | df["long_leave"] | df["late_delmal"]].copy()

    def reasons(r: pd.Series) -> str:
        out = []
        if r["behind_pace"]:
            out.append(
                f"Efter förväntad takt: {_sv(r['service_months'])} tjänstgöringsmånader på "
                f"{_sv(r['elapsed_months'])} månader sedan ST-start"
            )
        if r["long_leave"]:
            out.append(f"Lång ledighet: {int(r['leave_days'])} dagar det senaste året")
        if r["late_delmal"]:
            out.append(f"{int(r['delmal_ej'])} delmål ej påbörjade sent i ST")
        return "; ".join(out)

    df["reasons"] = df.apply(reasons, axis=1) if len(df) else pd.Series(dtype=str)
    return _date_columns(df.reset_index(drop=True), ["projected_completion_date"])


def _sv(x: float) -> str:
    return f"{float(x):.1f}".replace(".", ",")


def bt_overview(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """Trainees under HSLF-FS 2021:8 whose BT is not approved, with time split and waiting intyg."""
    df = _over_cohort(
        con,
        actor,
        as_of,
        flt,
        """SELECT c.trainee_id, c.name, c.unit_name, c.st_start_date, c.bt_months, c.bt_primary_months,
                  c.bt_acute_months, c.bt_time_complete, c.bt_delmal_total, c.bt_delmal_uppfyllt,
                  c.fullgjord_bt_signed, c.baskompetens_signed,
                  coalesce(w.waiting, 0) AS bt_waiting
           FROM _cohort c
           LEFT JOIN (SELECT trainee_id, count(*) AS waiting FROM certificate
                      WHERE status = 'skickat' AND type IN ('bt_delmal', 'fullgjord_bt', 'baskompetens')
                      GROUP BY trainee_id) w USING (trainee_id)
           WHERE c.regulation = $reg AND NOT coalesce(c.bt_approved, false)
           ORDER BY c.bt_months DESC, c.name""",
        {"reg": REG_2021},
    )
    df["ready_for_application"] = (
        df["bt_time_complete"].astype(bool)
        & (df["bt_delmal_uppfyllt"] == df["bt_delmal_total"])
        & df["fullgjord_bt_signed"].astype(bool)
        & df["baskompetens_signed"].astype(bool)
    )
    return _date_columns(df, ["st_start_date"])


def bt_waiting(con: Connection, actor: Actor) -> pd.DataFrame:
    """BT certificates (bt_delmal, fullgjord_bt, baskompetens) waiting for a signature, for visible trainees."""
    sql, params = _visible_sql(actor)
    df = _query(
        con,
        f"""SELECT c.certificate_id, t.name AS trainee_name, c.type, c.title, p.name AS signer_name,
                   coalesce(d.delmal, []) AS delmal
            FROM certificate c JOIN trainee t USING (trainee_id)
            LEFT JOIN person p ON p.person_id = c.signer_person_id
            LEFT JOIN (SELECT certificate_id, list(code ORDER BY code) AS delmal FROM certificate_delmal
                       GROUP BY certificate_id) d USING (certificate_id)
            WHERE c.status = 'skickat' AND c.type IN ('bt_delmal', 'fullgjord_bt', 'baskompetens')
              AND c.trainee_id IN ({sql})
            ORDER BY t.name, c.certificate_id""",
        params,
    )
    df["delmal"] = df["delmal"].map(lambda v: list(v) if v is not None else [])
    df["type_label"] = df["type"].map(lambda t: TYPE_LABELS.get(t, t))
    return df


# --- reads: intressenter ----------------------------------------------------------------------


def _intressent_scope(actor: Actor) -> tuple[str, dict[str, Any]]:
    office = _office_units_sql(actor)
    if office is None:
        raise AccessDenied("Bara studierektorer, verksamhetschefer och administratörer ser ST-intressenterna.")
    return office


def intressent_queue(con: Connection, actor: Actor, as_of: date | None = None) -> pd.DataFrame:
    """Every intressent in scope with the current step, its date and the days spent in it."""
    sql, params = _intressent_scope(actor)
    df = _query(
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
        {**params, "d": as_of or _today(), "steps": list(INTRESSENT_STEPS)},
    )
    df["step_label"] = df["step"].map(lambda s: STEP_LABELS.get(s, s))
    docs = list(DOCUMENTS)
    df["documents_complete"] = df[docs].astype(bool).all(axis=1) if len(df) else pd.Series(dtype=bool)
    return _date_columns(df, ["reported_date", "step_date", "legitimation_date"])


def intressent_history(con: Connection, actor: Actor, intressent_id: str) -> pd.DataFrame:
    _require_intressent(con, actor, intressent_id)
    df = _query(
        con,
        """SELECT s.step, s.step_date, p.name AS by_name, s.note
           FROM intressent_step s LEFT JOIN person p ON p.person_id = s.by_person_id
           WHERE s.intressent_id = $i ORDER BY s.step_date, list_position($steps, s.step)""",
        {"i": intressent_id, "steps": list(INTRESSENT_STEPS)},
    )
    df["step_label"] = df["step"].map(lambda s: STEP_LABELS.get(s, s))
    return _date_columns(df, ["step_date"])


def intressent_stats(con: Connection, actor: Actor, as_of: date | None = None) -> pd.DataFrame:
    """Per area: how many wait at each step, median days from report to each reached step, expected intake.

    Expected intake = those on the waiting list + those in assessment times the area's share of
    decided cases that were enrolled (all assessed if nothing has been decided yet).
    """
    queue = intressent_queue(con, actor, as_of)
    sql, params = _intressent_scope(actor)
    cur = con.cursor()
    try:
        cur.register("_queue", queue)
        df = cur.execute(
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
        ).df()
    finally:
        cur.close()
    decided = df["inskriven"] + df["avslutad"]
    rate = (df["inskriven"] / decided.where(decided > 0)).fillna(1.0)
    df["expected_intake"] = (df["vantelista"] + df["bedomning"] * rate).round(1)
    return df


# --- writes -----------------------------------------------------------------------------------


def _json(value: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in value.items()},
        ensure_ascii=False,
        default=str,
    )


def _audit(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    trainee_id: str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    cur.execute(
        """INSERT INTO audit_log (logged_at, actor_person_id, action, entity, entity_id, trainee_id, before_json, after_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [_now(), actor.person_id, action, entity, entity_id, trainee_id, _json(before), _json(after)],
    )


def _row(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, Any] | None:
    res = cur.execute(sql, params)
    row = res.fetchone()
    if row is None:
        return None
    names = [d[0] for d in res.description]
    return dict(zip(names, row, strict=True))


def _check(column: str, message: str, fn: Any, *, element_wise: bool = True) -> pa.Check:
    return pa.Check(fn, element_wise=element_wise, ignore_na=False, error=f"{column}|{message}")


def _end_not_before_start(df: pd.DataFrame) -> pd.Series:
    both = df["start_date"].notna() & df["end_date"].notna()
    return ~both | (df["end_date"] >= df["start_date"])


def _is_date(v: object) -> bool:
    return isinstance(v, date)


def _col(column: str, message: str, fn: Any) -> pa.Column:
    """A column of one write's input; nulls reach the check (which decides whether they are allowed)."""
    return pa.Column(object, nullable=True, checks=_check(column, message, fn))


def _percent_ok(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 1 <= float(v) <= 100


def _period_schema(
    kinds: Sequence[str], kind_msg: str, extra: Mapping[str, pa.Column] | None = None
) -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {
        "kind": _col("kind", kind_msg, lambda v: v in kinds),
        "start_date": _col("start_date", "ange ett startdatum", _is_date),
        "end_date": _col("end_date", "ange ett slutdatum", _is_date),
        "percent": _col("percent", "ska vara mellan 1 och 100 procent", _percent_ok),
    }
    cols.update(extra or {})
    return pa.DataFrameSchema(
        cols,
        checks=[pa.Check(_end_not_before_start, error="end_date|slutdatum ligger före startdatum")],
        coerce=False,
    )


PLACEMENT_INPUT = _period_schema(
    PLACEMENT_KINDS,
    "okänd tjänstgöringstyp (AT, BT eller ST)",
    {
        "setting": _col("setting", "okänd verksamhet", lambda v: v in SETTINGS),
        "workplace": _col("workplace", "högst 200 tecken", lambda v: isinstance(v, str) and len(v) <= 200),
    },
)
LEAVE_INPUT = _period_schema(LEAVE_KINDS, "okänd typ av ledighet")
CERTIFICATE_INPUT = pa.DataFrameSchema(
    {
        "type": _col("type", "okänd intygstyp", lambda v: v in ACTIVITY_TYPES),
        "title": _col(
            "title", "ange en rubrik (högst 200 tecken)", lambda v: isinstance(v, str) and 0 < len(v.strip()) <= 200
        ),
        "start_date": _col("start_date", "ogiltigt datum", lambda v: v is None or _is_date(v)),
        "end_date": _col("end_date", "ogiltigt datum", lambda v: v is None or _is_date(v)),
    },
    checks=[pa.Check(_end_not_before_start, error="end_date|slutdatum ligger före startdatum")],
    coerce=False,
)


def _validate(schema: pa.DataFrameSchema, label: str, values: Mapping[str, Any]) -> None:
    frame = pd.DataFrame([dict(values)], dtype=object)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise InputError(errors_from(label, exc)) from None


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
    rec = load_record(con, trainee_id)
    reg = resolve_regulation(rec.trainee)
    codes = {r.code for r in catalogue_store.requirements(con, reg, rec.trainee.specialty)}
    if reg == REG_2021:
        codes |= {r.code for r in catalogue_store.requirements(con, REG_2021, catalogue_store.BT_SPECIALTY)}
    return codes


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
        con, actor, certificate_id,
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


def request_signature(con: Connection, actor: Actor, certificate_id: str, handledare_person_id: str) -> None:
    """Send an unsigned certificate to one of the trainee's current handledare."""
    before, trainee_id = _own_unsent_certificate(
        con, actor, certificate_id, "Intyget är redan skickat för signering."
    )
    current = handledare_for(con, actor, trainee_id)
    if handledare_person_id not in set(current["person_id"]):
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


# --- writes: intressenter ---------------------------------------------------------------------


def _require_intressent(con: Connection, actor: Actor, intressent_id: str) -> None:
    sql, params = _intressent_scope(actor)
    df = _query(
        con,
        f"SELECT count(*) AS n FROM intressent WHERE intressent_id = $i AND unit_id IN ({sql})",
        {**params, "i": intressent_id},
    )
    if not int(df["n"].iloc[0]):
        raise AccessDenied("Du har inte behörighet för den här ST-intressenten.")


def _intressent(cur: duckdb.DuckDBPyConnection, intressent_id: str) -> dict[str, Any]:
    row = _row(cur, "SELECT * FROM intressent WHERE intressent_id = ?", [intressent_id])
    if row is None:
        raise NotFoundError(f"ST-intressenten {intressent_id} finns inte.")
    return row


def move_intressent(
    con: Connection, actor: Actor, intressent_id: str, to_step: str, note: str = "", *, on: date | None = None
) -> None:
    """Move an intressent to a step; the date of every step is kept in intressent_step."""
    _require_intressent(con, actor, intressent_id)
    if to_step not in INTRESSENT_STEPS:
        raise InputError([RowError("intressent", 2, "step", "okänt steg")])
    if to_step == "inskriven":
        raise InputError([RowError("intressent", 2, "step", "inskrivning görs med knappen Skriv in")])
    day = on or _today()
    with transaction(con) as cur:
        before = _intressent(cur, intressent_id)
        if before["step"] == "inskriven":
            raise AccessDenied("ST-intressenten är redan inskriven som ST-läkare.")
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
        _audit(
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
        raise InputError([RowError("intressent", 2, k, "okänt dokument") for k in bad])
    if not documents:
        return
    with transaction(con) as cur:
        before = _intressent(cur, intressent_id)
        sets = ", ".join(f"{k} = ?" for k in documents)
        cur.execute(
            f"UPDATE intressent SET {sets} WHERE intressent_id = ?",
            [*map(bool, documents.values()), intressent_id],
        )
        _audit(cur, actor, "documents", "intressent", intressent_id, None, before, {**before, **documents})


def enrol_intressent(
    con: Connection, actor: Actor, intressent_id: str, *, st_start_date: date, on: date | None = None
) -> str:
    """Inskrivning: create the trainee record from the intressent's own data and link it; returns trainee_id.

    The person (for signing in) is the one with the intressent's e-mail if there is one, else a
    new person is created; either way the ST-läkare role is assigned.
    """
    _require_intressent(con, actor, intressent_id)
    day = on or _today()
    with transaction(con) as cur:
        i = _intressent(cur, intressent_id)
        if i["trainee_id"]:
            raise AccessDenied("ST-intressenten är redan inskriven som ST-läkare.")
        if i["step"] == "avslutad":
            raise AccessDenied("Ärendet är avslutat; flytta det tillbaka till bedömning först.")
        existing: str | None = None
        if i["email"]:
            p = _row(cur, "SELECT person_id FROM person WHERE lower(email) = lower(?)", [i["email"]])
            existing = str(p["person_id"]) if p else None
            if existing is not None and _row(cur, "SELECT trainee_id FROM trainee WHERE person_id = ?", [existing]):
                raise AccessDenied("Personen med den e-postadressen har redan en ST-utbildning registrerad.")
    person_id = existing or f"P-{intressent_id}"
    trainee_id = f"T-{intressent_id}"
    trainee_values = {
        "trainee_id": trainee_id,
        "person_id": person_id,
        "name": i["name"],
        "specialty": i["specialty"],
        "legitimation_date": i["legitimation_date"],
        "swedish_at": bool(i["swedish_at"]),
        "st_start_date": st_start_date,
        "unit_id": i["unit_id"],
    }

    def write(cur: duckdb.DuckDBPyConnection) -> None:
        if existing is None:
            cur.execute(
                "INSERT INTO person (person_id, name, email) VALUES (?, ?, ?)",
                [person_id, i["name"], i["email"] or None],
            )
        cur.execute(
            "INSERT INTO role_assignment (person_id, role, unit_id) VALUES (?, 'st_lakare', ?) ON CONFLICT DO NOTHING",
            [person_id, i["unit_id"]],
        )
        cur.execute(
            """INSERT INTO trainee (trainee_id, person_id, name, specialty, legitimation_date, swedish_at,
                                    st_start_date, unit_id, source)
               VALUES ($trainee_id, $person_id, $name, $specialty, $legitimation_date, $swedish_at,
                       $st_start_date, $unit_id, 'app')""",
            trainee_values,
        )
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
        _audit(
            cur,
            actor,
            "enrol",
            "intressent",
            intressent_id,
            trainee_id,
            i,
            {**i, "step": "inskriven", "trainee_id": trainee_id},
        )
        _audit(cur, actor, "add", "trainee", trainee_id, trainee_id, None, trainee_values)

    with transaction(con) as cur:
        write(cur)
    return trainee_id


# --- import -----------------------------------------------------------------------------------


def _require_import(actor: Actor) -> None:
    if not actor.has("admin", "studierektor"):
        raise AccessDenied("Import är till för studierektorer och administratörer.")


def check_import(
    con: Connection, actor: Actor, files: Mapping[str, bytes]
) -> tuple[dict[str, pd.DataFrame], list[RowError]]:
    """Read and validate uploaded files without writing anything: (frames, every row error)."""
    from tracker.importer import ImportRejected

    _require_import(actor)
    try:
        frames = read_uploads(files)
    except ImportRejected as exc:
        return {}, list(exc.errors)
    _, errors = validate(con, frames)
    return frames, errors


def run_import(con: Connection, actor: Actor, frames: dict[str, pd.DataFrame]) -> ImportResult:
    """Write a validated bundle (all or nothing; raises ImportRejected on any bad row)."""
    _require_import(actor)
    return import_frames(con, frames, actor=actor.person_id)
