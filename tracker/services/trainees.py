"""Reads for one trainee (and the people and units around them), each checked against the actor's scope."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import pandas as pd

from tracker.accounts import Actor
from tracker.domain import (
    LEAVE_LABELS,
    REG_2021,
    SETTING_LABELS,
    STATUS_EJ,
    STATUS_UPPFYLLT,
    TYPE_LABELS,
    TraineeRecord,
    as_date,
)
from tracker.errors import FieldError, InputError
from tracker.rules.facts import regulation_sql
from tracker.rules.planning import PlannedLeave, changed_plan
from tracker.rules.progress import progress_for, progress_for_record
from tracker.rules.reference import Progress, Requirement, missing_activities, resolve_regulation
from tracker.services.access import office_units_sql, require_read, visible_sql
from tracker.services.shared import DELMAL_LISTS_SQL, certificate_lists, date_columns, query, records_of, todays_date
from tracker.services.validation import LEAVE_INPUT, validate_input
from tracker.store import Connection, catalogue
from tracker.store.records import load_record

STATUS_LABELS: dict[str, str] = {
    "utkast": "Utkast",
    "skickat": "Skickat för signering",
    "signerat": "Signerat",
    "returnerat": "Returnerat",
    "makulerat": "Makulerat",
}

_REGULATION_SQL = regulation_sql("t")


def visible_trainees(con: Connection, actor: Actor) -> pd.DataFrame:
    """Every trainee the actor may read, with specialty, regulation and unit."""
    sql, params = visible_sql(actor)
    df = query(
        con,
        f"""SELECT t.trainee_id, t.name, t.specialty, {_REGULATION_SQL} AS regulation, t.st_start_date,
                   t.unit_id, u.name AS unit_name, u.region_id, u.area
            FROM trainee t LEFT JOIN unit u USING (unit_id)
            WHERE t.trainee_id IN ({sql}) ORDER BY t.name, t.trainee_id""",
        params,
    )
    return date_columns(df, ["st_start_date"])


def trainee_labels(df: pd.DataFrame) -> dict[str, str]:
    """trainee_id -> how a list or picker names the trainee: the name, and for a name that two trainees share,
    the unit and ST start year as well (and the id, if even those are the same)."""
    def year(value: object) -> str:
        d = as_date(value)
        return f"ST {d.year}" if d else "ST-start saknas"

    rows = df.to_dict("records")
    seen = Counter(str(r["name"]) for r in rows)
    labels = {
        str(r["trainee_id"]): str(r["name"]) if seen[str(r["name"])] == 1 else (
            f"{r['name']} ({r['unit_name'] if isinstance(r.get('unit_name'), str) else 'ingen enhet'}, "
            f"{year(r.get('st_start_date'))})"
        )
        for r in rows
    }
    again = Counter(labels.values())
    return {tid: f"{label[:-1]}, {tid})" if again[label] > 1 else label for tid, label in labels.items()}


def trainee_name(con: Connection, actor: Actor, trainee_id: str) -> str:
    require_read(con, actor, trainee_id)
    df = query(con, "SELECT name FROM trainee WHERE trainee_id = $t", {"t": trainee_id})
    return str(df["name"].iloc[0]) if len(df) else trainee_id


def units(con: Connection, actor: Actor) -> pd.DataFrame:
    """Units in the actor's scope (office roles), or the units of the trainees they can read."""
    office = office_units_sql(actor)
    if office is not None:
        sql, params = office
    else:
        vsql, params = visible_sql(actor)
        sql = f"SELECT unit_id FROM trainee WHERE trainee_id IN ({vsql})"
    return query(
        con,
        f"""SELECT u.unit_id, u.name, u.region_id, r.name AS region_name, u.area, u.kind, u.st_approved,
                   u.st_places
            FROM unit u JOIN region r USING (region_id) WHERE u.unit_id IN ({sql})
            ORDER BY r.name, u.area, u.name""",
        params,
    )


def handledare_for(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """The trainee's current handledare (supervision covering today)."""
    require_read(con, actor, trainee_id)
    df = query(
        con,
        """SELECT s.person_id, p.name, s.kind, s.start_date, s.end_date
           FROM supervision s JOIN person p USING (person_id)
           WHERE s.trainee_id = $t AND s.start_date <= $d AND (s.end_date IS NULL OR s.end_date >= $d)
           ORDER BY s.kind DESC, p.name""",
        {"t": trainee_id, "d": todays_date()},
    )
    return date_columns(df, ["start_date", "end_date"])


def trainee_overview(con: Connection, actor: Actor, trainee_id: str, as_of: date) -> Progress:
    require_read(con, actor, trainee_id)
    return progress_for(con, trainee_id, as_of)


def trainee_record(con: Connection, actor: Actor, trainee_id: str) -> TraineeRecord:
    require_read(con, actor, trainee_id)
    return load_record(con, trainee_id)


def trainee_unit(con: Connection, actor: Actor, trainee_id: str) -> dict[str, Any]:
    """The trainee's unit, region, ST start and ST-kontrakt date (for headers)."""
    require_read(con, actor, trainee_id)
    return _unit_info(con, trainee_id)


def _unit_info(con: Connection, trainee_id: str) -> dict[str, Any]:
    df = query(
        con,
        f"""SELECT t.trainee_id, t.name, t.specialty, {_REGULATION_SQL} AS regulation, t.st_start_date,
                   u.name AS unit_name, r.name AS region_name, c.contract_date AS st_contract_date
            FROM trainee t LEFT JOIN unit u USING (unit_id) LEFT JOIN region r ON r.region_id = u.region_id
            LEFT JOIN st_contract c ON c.trainee_id = t.trainee_id
            WHERE t.trainee_id = $t""",
        {"t": trainee_id},
    )
    row = date_columns(df, ["st_start_date", "st_contract_date"]).iloc[0].to_dict()
    return {str(k): (v if isinstance(v, str | date) else None) for k, v in row.items()}


def certificates(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """The trainee's certificates with their delmål (as a list), status and signer."""
    require_read(con, actor, trainee_id)
    return _certificates(con, trainee_id)


def _certificates(con: Connection, trainee_id: str) -> pd.DataFrame:
    df = query(
        con,
        f"""SELECT c.certificate_id, c.type, c.title, c.start_date, c.end_date, c.status,
                  coalesce(d.delmal, []) AS delmal,
                  c.signer_person_id, sp.name AS signer_name, c.signed_by, c.signed_date, c.comment
           FROM certificate c
           LEFT JOIN {DELMAL_LISTS_SQL} d USING (certificate_id)
           LEFT JOIN person sp ON sp.person_id = c.signer_person_id
           WHERE c.trainee_id = $t
           ORDER BY coalesce(c.end_date, c.start_date, c.signed_date) DESC NULLS LAST, c.certificate_id""",
        {"t": trainee_id},
    )
    df = certificate_lists(date_columns(df, ["start_date", "end_date", "signed_date"]))
    df["status_label"] = df["status"].map(lambda s: STATUS_LABELS.get(s, s))
    return df


def timeline(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """Placements, leave and dated certificates (courses etc.) as one table of periods."""
    require_read(con, actor, trainee_id)
    df = query(
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
    df = date_columns(df, ["start_date", "end_date"])
    today = todays_date()

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


def delmal_catalogue(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """The trainee's applicable delmål (and BT delmål under HSLF-FS 2021:8), in catalogue order."""
    return _delmal_catalogue(con, trainee_record(con, actor, trainee_id))


def _delmal_catalogue(con: Connection, rec: TraineeRecord) -> pd.DataFrame:
    reg = resolve_regulation(rec.trainee)
    rows = [(c, t, o, v, False) for c, t, o, v in catalogue.delmal_table(con, reg, rec.trainee.specialty)]
    if reg == REG_2021:
        rows += [(c, t, o, v, True) for c, t, o, v in catalogue.delmal_table(con, REG_2021, "")]
    return pd.DataFrame(rows, columns=["code", "title", "title_official", "verified", "is_bt"])


def requirements_for(con: Connection, rec: TraineeRecord) -> dict[str, Requirement]:
    """The trainee's delmål requirements by code, with the BT delmål under HSLF-FS 2021:8."""
    reg = resolve_regulation(rec.trainee)
    reqs = {r.code: r for r in catalogue.requirements(con, reg, rec.trainee.specialty)}
    if reg == REG_2021:
        reqs.update({r.code: r for r in catalogue.requirements(con, REG_2021, catalogue.BT_SPECIALTY)})
    return reqs


def delmal_detail(con: Connection, actor: Actor, trainee_id: str, as_of: date) -> pd.DataFrame:
    """Every applicable delmål with status, the certificates listing it and what is still missing.

    Columns: code, title, title_official, verified, is_bt, status, certificates (list of text),
    missing (Swedish sentence, empty when uppfyllt), kompetenskrav (tuple of text),
    activities (the målbeskrivning's utbildningsaktiviteter, tuple of text).
    """
    rec = trainee_record(con, actor, trainee_id)
    return _delmal_detail(con, rec, progress_for_record(con, rec, as_of), _certificates(con, trainee_id))


def _delmal_detail(con: Connection, rec: TraineeRecord, progress: Progress, certs: pd.DataFrame) -> pd.DataFrame:
    reg = resolve_regulation(rec.trainee)
    table = _delmal_catalogue(con, rec)
    reqs = requirements_for(con, rec)
    texts = catalogue.delmal_texts(con, reg, rec.trainee.specialty)
    if reg == REG_2021:
        texts.update(catalogue.delmal_texts(con, REG_2021, catalogue.BT_SPECIALTY))
    certs = certs[certs["status"] != "makulerat"]
    statuses = dict(progress.delmal)
    if progress.bt is not None:
        statuses.update(progress.bt.delmal)

    cert_rows = records_of(certs)

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
        lacking = missing_activities(rec, req, progress.as_of)
        return f"Signerat intyg saknas för {lacking}." if lacking else ""

    table["status"] = table["code"].map(lambda c: statuses.get(c, STATUS_EJ))
    table["certificates"] = table["code"].map(covering)
    table["missing"] = table["code"].map(missing)
    table["kompetenskrav"] = table["code"].map(lambda c: texts.get(c, {}).get("kompetenskrav", ()))
    table["activities"] = table["code"].map(lambda c: texts.get(c, {}).get("aktivitet", ()))
    return table


@dataclass(frozen=True)
class TraineeView:
    """Everything the pages show about one trainee, read once per request with one scope check."""

    info: dict[str, Any]  # name, specialty, regulation, unit, region, ST start, ST-kontrakt (as trainee_unit)
    record: TraineeRecord
    progress: Progress
    certificates: pd.DataFrame  # as certificates()
    delmal: pd.DataFrame  # as delmal_detail()


def trainee_view(con: Connection, actor: Actor, trainee_id: str, as_of: date) -> TraineeView:
    """The trainee's record, progress, certificates and delmål: one scope check, one record load, one
    progress computation."""
    rec = trainee_record(con, actor, trainee_id)
    progress = progress_for_record(con, rec, as_of)
    certs = _certificates(con, trainee_id)
    return TraineeView(
        info=_unit_info(con, trainee_id),
        record=rec,
        progress=progress,
        certificates=certs,
        delmal=_delmal_detail(con, rec, progress, certs),
    )


def what_if(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    as_of: date,
    *,
    future_percent: float | None = None,
    planned_leave: Sequence[PlannedLeave] = (),
) -> tuple[Progress, Progress]:
    """Progress now and under a changed plan (``tracker.rules.planning``; nothing is saved).

    The plan is checked as the forms check recorded leave (``LEAVE_INPUT``: dates within the domain's
    range, the end not before the start, 1–100 %), and the future percent likewise: an InputError rather
    than a projection of a plan that cannot be."""
    rec = trainee_record(con, actor, trainee_id)
    errors: list[FieldError] = []
    if future_percent is not None and not 1 <= future_percent <= 100:
        errors.append(FieldError("percent", "omfattningen framåt ska vara mellan 1 och 100 procent"))
    for lv in planned_leave:
        try:
            validate_input(LEAVE_INPUT, "planerad ledighet", asdict(lv))
        except InputError as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputError(errors)
    changed = changed_plan(rec, as_of, future_percent=future_percent, planned_leave=planned_leave)
    return progress_for_record(con, rec, as_of), progress_for_record(con, changed, as_of)
