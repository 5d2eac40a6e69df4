"""Aggregates over the trainees the actor may read: the cohort, breakdowns, bottlenecks, risk and BT."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from tracker.accounts import Actor
from tracker.domain import REG_2021, TYPE_LABELS, plural
from tracker.rules import setbased
from tracker.rules.facts import RISK_LATE_SHARE, RISK_LEAVE_DAYS, RISK_PACE, RISK_PACE_MIN_ELAPSED
from tracker.rules.numbers import sv_number
from tracker.rules.readiness import REQUIRED_DOCUMENTS, lower_first
from tracker.services.access import supervised_sql, trainee_scope, visible_sql
from tracker.services.certificates import signer_valid_sql
from tracker.services.shared import DELMAL_LISTS_SQL, certificate_lists, date_columns, query
from tracker.store import Connection
from tracker.store.scope import TraineeScope


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
    """One row per visible trainee (tracker.rules.setbased.cohort), with percent of minimum time."""
    df = flt.apply(setbased.cohort(con, as_of, trainee_scope(actor)))
    df["progress_pct"] = (100.0 * df["counted_months"] / df["required_months"]).clip(upper=100.0)
    return df


def warm_up(con: Connection, as_of: date) -> None:
    """Run the cohort query once over every trainee and discard the result (nothing leaves this function).

    The first query of a new process pays for DuckDB reading the tables from the file; run at server start,
    the first person to sign in does not.
    """
    setbased.cohort(con, as_of)


def _over_cohort(
    con: Connection, actor: Actor, as_of: date, flt: CohortFilter, sql: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run an aggregate query over the actor's (filtered) cohort, registered as ``_cohort``."""
    return _over(con, cohort(con, actor, as_of, flt), sql, params)


def _over(con: Connection, frame: pd.DataFrame, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Run an aggregate query over a cohort frame (as ``cohort`` returns it), registered as ``_cohort``."""
    return query(con, sql, params, frames={"_cohort": frame})


def trainee_table(con: Connection, actor: Actor, as_of: date, *, supervised_only: bool = False) -> pd.DataFrame:
    """The cohort rows of the actor's trainees plus certificates waiting for the actor's signature and the
    trainee's current handledare (``handledare``: names, the huvudhandledare marked, ', '-separated).

    With ``supervised_only`` only trainees with a current supervision row for the actor are listed
    (the handledare's own list), whatever other roles the actor has. ``waiting_for_me`` counts, per
    trainee, exactly the certificates ``pending_signatures`` lists for the actor.
    """
    sup_sql, sup_params = supervised_sql(actor)
    df = _over_cohort(
        con,
        actor,
        as_of,
        ALL,
        f"""SELECT c.*, s.supervision_kind, coalesce(w.waiting, 0) AS waiting_for_me,
                   coalesce(h.handledare, '') AS handledare
            FROM _cohort c
            {"JOIN" if supervised_only else "LEFT JOIN"} ({sup_sql}) s USING (trainee_id)
            LEFT JOIN (SELECT c.trainee_id, count(*) AS waiting FROM certificate c
                       WHERE c.status = 'skickat' AND c.signer_person_id = $s_pid
                         AND {signer_valid_sql("s_day")}
                       GROUP BY c.trainee_id) w
              USING (trainee_id)
            LEFT JOIN (SELECT su.trainee_id,
                              string_agg(p.name || CASE WHEN su.kind = 'huvudhandledare' THEN ' (huvudhandledare)'
                                                        ELSE '' END, ', '
                                         ORDER BY su.kind DESC, p.name) AS handledare
                       FROM supervision su JOIN person p USING (person_id)
                       WHERE su.start_date <= $s_day AND (su.end_date IS NULL OR su.end_date >= $s_day)
                       GROUP BY su.trainee_id) h
              USING (trainee_id)
            ORDER BY c.name, c.trainee_id""",
        sup_params,
    )
    return date_columns(df, ["st_start_date", "projected_completion_date", "bt_approved_date"])


def supervisor_table(con: Connection, actor: Actor, as_of: date) -> pd.DataFrame:
    """The handledare's current trainees with progress, projection, delmål counts and waiting intyg."""
    return trainee_table(con, actor, as_of, supervised_only=True)


def cohort_breakdown(
    con: Connection, actor: Actor, as_of: date, by: str = "specialty", flt: CohortFilter = ALL
) -> pd.DataFrame:
    """Trainees per specialty, unit or regulation: count, median share of the minimum time, in BT, ready."""
    return breakdown_of(con, cohort(con, actor, as_of, flt), by)


# What a cohort row belongs to, as SQL over ``_cohort``: each written once, for the counts and for the
# trainees behind a bar (``members_of``).
_BREAKDOWN_GROUP = {"specialty": "specialty", "unit": "coalesce(unit_name, 'Ingen enhet')", "regulation": "regulation"}
_PROGRESS_BIN = "least(floor(progress_pct / 10) * 10, 90)"

# Where a trainee stands against the minimum time (``completions_of``): already reached it and ready to
# apply, reached it with something else missing, or projected to reach it after the as-of date.
COMPLETION_READY, COMPLETION_REACHED, COMPLETION_PROJECTED = "klar", "nadd", "beraknad"
COMPLETION_LABELS = {
    COMPLETION_READY: "Har nått minimitiden, klar att ansöka",
    COMPLETION_REACHED: "Har nått minimitiden, annat saknas",
    COMPLETION_PROJECTED: "Beräknas nå minimitiden",
}
_COMPLETION_STATUS = (
    f"CASE WHEN CAST(projected_completion_date AS DATE) > $as_of THEN '{COMPLETION_PROJECTED}' "
    f"WHEN ready_to_apply THEN '{COMPLETION_READY}' ELSE '{COMPLETION_REACHED}' END"
)


def _group_sql(by: str) -> str:
    if by not in _BREAKDOWN_GROUP:
        raise ValueError("by must be 'specialty', 'unit' or 'regulation'")
    return _BREAKDOWN_GROUP[by]


def breakdown_of(con: Connection, frame: pd.DataFrame, by: str = "specialty") -> pd.DataFrame:
    """``cohort_breakdown`` of a cohort frame already computed."""
    return _over(
        con,
        frame,
        f"""SELECT {_group_sql(by)} AS grp, count(*) AS n, median(progress_pct) AS median_pct,
                   count(*) FILTER (WHERE regulation = '{REG_2021}' AND NOT coalesce(bt_approved, false)) AS in_bt,
                   count(*) FILTER (WHERE ready_to_apply) AS ready
            FROM _cohort GROUP BY ALL ORDER BY n DESC, grp""",
    )


def progress_bins(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """Trainees per tenth of the minimum time reached (0-10 %, 10-20 %, ..., 90-100 %)."""
    return bins_of(con, cohort(con, actor, as_of, flt))


def bins_of(con: Connection, frame: pd.DataFrame) -> pd.DataFrame:
    """``progress_bins`` of a cohort frame already computed."""
    return _over(
        con,
        frame,
        f"""WITH bins AS (SELECT range * 10 AS lo FROM range(10)),
                c AS (SELECT trainee_id, {_PROGRESS_BIN} AS lo FROM _cohort)
           SELECT b.lo, b.lo + 10 AS hi, count(c.trainee_id) AS n
           FROM bins b LEFT JOIN c USING (lo)
           GROUP BY ALL ORDER BY b.lo""",
    )


def expected_specialists(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """Trainees per year in which they reached, or are projected to reach, the minimum time."""
    return completions_of(con, cohort(con, actor, as_of, flt), as_of)


def completions_of(con: Connection, frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """``expected_specialists`` of a cohort frame already computed: one row per year and status.

    Columns ``year``, ``status`` (``COMPLETION_READY``, ``COMPLETION_REACHED`` or ``COMPLETION_PROJECTED``:
    a date on or before ``as_of`` is reached, a later one projected), ``label`` (Swedish) and ``n``.
    Reaching the minimum time is not the bevis om specialistkompetens: the tracker records no date for
    that, so a past year counts who reached the time, and of them who has everything for the application.
    Trainees without a projected date (the time cannot be reached within the projection) are not counted.
    """
    order = {s: i for i, s in enumerate(COMPLETION_LABELS)}
    df = _over(
        con,
        frame,
        f"""SELECT year(CAST(projected_completion_date AS DATE)) AS year, {_COMPLETION_STATUS} AS status,
                   count(*) AS n
            FROM _cohort WHERE projected_completion_date IS NOT NULL GROUP BY ALL""",
        {"as_of": as_of},
    )
    df["label"] = df["status"].map(COMPLETION_LABELS)
    df = df.sort_values(["year", "status"], key=lambda c: c.map(order) if c.name == "status" else c)
    return df[["year", "status", "label", "n"]].reset_index(drop=True)


_MEMBER_COLUMNS = """trainee_id, name, specialty, regulation, unit_name, progress_pct, counted_months, required_months,
                     projected_completion_date, ready_to_apply"""


def members_of(
    con: Connection,
    frame: pd.DataFrame,
    as_of: date,
    *,
    by: str | None = None,
    group: str | None = None,
    progress_from: float | None = None,
    year: int | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """The trainees of a cohort frame behind one bar of ``breakdown_of`` (``by`` and ``group``), of
    ``bins_of`` (``progress_from``, the bin's lower bound) or of ``completions_of`` (``year`` and
    ``status``), by the same definitions; one row per trainee, by name."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if by is not None:
        where.append(f"{_group_sql(by)} = $group")
        params["group"] = group
    if progress_from is not None:
        where.append(f"{_PROGRESS_BIN} = $lo")
        params["lo"] = progress_from
    if year is not None:
        where.append("projected_completion_date IS NOT NULL AND year(CAST(projected_completion_date AS DATE)) = $year")
        params["year"] = int(year)
    if status is not None:
        where.append(f"projected_completion_date IS NOT NULL AND {_COMPLETION_STATUS} = $status")
        params["status"] = status
        params["as_of"] = as_of
    df = _over(
        con,
        frame,
        f"""SELECT {_MEMBER_COLUMNS} FROM _cohort WHERE {" AND ".join(where) or "true"}
            ORDER BY name, trainee_id""",
        params,
    )
    return date_columns(df, ["projected_completion_date"])


def delmal_long(con: Connection, actor: Actor, as_of: date) -> pd.DataFrame:
    """Every applicable delmål of every visible trainee with its status (tracker.rules.setbased)."""
    return setbased.delmal_long(con, as_of, trainee_scope(actor))


def course_gaps(
    con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL, limit: int = 12
) -> pd.DataFrame:
    """Which courses would close the most gaps: delmål where a signed course is the missing piece.

    Common delmål (a/b, STa/STb) are summed over specialties; c/STc delmål stay per specialty.
    Columns: regulation, specialty ('' for common delmål), code, title, trainees.
    """
    ids = list(cohort(con, actor, as_of, flt)["trainee_id"])
    if not ids:
        return pd.DataFrame(columns=["regulation", "specialty", "code", "title", "trainees"])
    gaps = setbased.course_gaps(con, as_of, TraineeScope.of_ids(ids))
    common = ~gaps["code"].str.match(r"^(c|STc)\d")
    gaps.loc[common, "specialty"] = ""
    summed: pd.DataFrame = gaps.groupby(
        ["regulation", "specialty", "code", "title", "ordinal"], as_index=False
    ).agg(trainees=("trainees", "sum"))
    ranked = summed.sort_values(
        ["trainees", "regulation", "specialty", "ordinal"], ascending=[False, True, True, True]
    )
    return ranked.drop(columns="ordinal").head(limit).reset_index(drop=True)


_C_CODE = "regexp_matches(l.code, '^(c|STc)[0-9]')"
_BOTTLENECK_GROUP = {"unit": "coalesce(n.unit_name, 'Ingen enhet')", "specialty": "l.specialty", "all": "'Alla'"}


def _delmal_frames(
    con: Connection, actor: Actor, as_of: date, by: str, flt: CohortFilter
) -> tuple[dict[str, pd.DataFrame], str]:
    """The delmål rows and trainee names of a bottleneck view, registered as ``_long l`` and ``_names n``,
    and the condition on them: no BT delmål, and per unit only the common delmål unless the filter
    names exactly one specialty (c/STc codes mean different things in different specialties)."""
    if by not in _BOTTLENECK_GROUP:
        raise ValueError("by must be 'specialty', 'unit' or 'all'")
    long = flt.apply(delmal_long(con, actor, as_of))
    names = cohort(con, actor, as_of, flt)[["trainee_id", "name", "unit_name"]]
    common_only = by == "unit" and len(flt.specialties) != 1
    return {"_long": long, "_names": names}, "NOT l.is_bt" + (f" AND NOT {_C_CODE}" if common_only else "")


def delmal_bottlenecks(
    con: Connection, actor: Actor, as_of: date, by: str = "specialty", flt: CohortFilter = ALL
) -> pd.DataFrame:
    """Share of trainees with each (non-BT) delmål uppfyllt, per specialty or unit (or 'all' together).

    c/STc codes mean different things in different specialties, so per unit only the common
    delmål (a/b, STa/STb) are compared unless the filter names exactly one specialty.
    """
    frames, where = _delmal_frames(con, actor, as_of, by, flt)
    return query(
        con,
        f"""SELECT {_BOTTLENECK_GROUP[by]} AS grp,
                   l.regulation, l.code,
                   count(*) AS n,
                   count(*) FILTER (WHERE l.status = 'uppfyllt') AS n_uppfyllt,
                   count(*) FILTER (WHERE l.status = 'ej påbörjat') AS n_ej,
                   100.0 * count(*) FILTER (WHERE l.status = 'uppfyllt') / count(*) AS share_uppfyllt
            FROM _long l LEFT JOIN _names n USING (trainee_id)
            WHERE {where}
            GROUP BY ALL ORDER BY l.regulation, grp, l.code""",
        frames=frames,
    )


def delmal_shares(
    con: Connection, actor: Actor, as_of: date, by: str = "specialty", flt: CohortFilter = ALL
) -> pd.DataFrame:
    """Each delmål of a bottleneck view once, over all its trainees: the common delmål (a/b, STa/STb) once
    whatever the specialty, a c/STc delmål once per specialty (``specialty`` '' for a common one).

    The same delmål as ``delmal_bottlenecks`` shows for ``by`` and ``flt``, not one per group: the
    count of delmål few have uppfyllt. Columns regulation, specialty, code, n, n_uppfyllt, share_uppfyllt.
    """
    frames, where = _delmal_frames(con, actor, as_of, by, flt)
    return query(
        con,
        f"""SELECT l.regulation, CASE WHEN {_C_CODE} THEN l.specialty ELSE '' END AS specialty, l.code,
                   count(*) AS n,
                   count(*) FILTER (WHERE l.status = 'uppfyllt') AS n_uppfyllt,
                   100.0 * count(*) FILTER (WHERE l.status = 'uppfyllt') / count(*) AS share_uppfyllt
            FROM _long l
            WHERE {where}
            GROUP BY ALL ORDER BY l.regulation, specialty, l.code""",
        frames=frames,
    )


def delmal_members(
    con: Connection,
    actor: Actor,
    as_of: date,
    by: str,
    flt: CohortFilter,
    group: str,
    code: str,
) -> pd.DataFrame:
    """The trainees behind one cell of ``delmal_bottlenecks`` (group ``group``, delmål ``code``) with
    their status on it: not started first, then in progress, then uppfyllt, by name."""
    frames, where = _delmal_frames(con, actor, as_of, by, flt)
    return query(
        con,
        f"""SELECT l.trainee_id, n.name, l.specialty, n.unit_name, l.status
            FROM _long l LEFT JOIN _names n USING (trainee_id)
            WHERE {where} AND {_BOTTLENECK_GROUP[by]} = $group AND l.code = $code
            ORDER BY CASE l.status WHEN 'ej påbörjat' THEN 0 WHEN 'pågår' THEN 1 ELSE 2 END, n.name, l.trainee_id""",
        {"group": group, "code": code},
        frames=frames,
    )


def at_risk(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """Trainees who need attention, with every reason as a Swedish sentence (one row per trainee)."""
    return risks_of(con, cohort(con, actor, as_of, flt), as_of)


def risks_of(con: Connection, frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """``at_risk`` of a cohort frame already computed, by name.

    A trainee not ready to apply is listed when one of these holds (``tracker.rules.facts`` RISK_*):

    * ``time_reached``: the minimum time is reached; the reasons then say what else is missing (delmål,
      the summary intyg, BT, the bevis in the basspecialitet), not the pace;
    * ``behind_pace``: the minimum time is not reached and the service since ST start is below the
      expected pace (judged after the first months);
    * ``long_leave``: long leave in the last twelve months;
    * ``late_delmal``: the minimum time is not reached, most of it is, and some delmål is not started.

    ``reason_list`` holds the sentences, ``reasons`` the same joined by '; ' (for a table or a file).
    """
    df = _over(
        con,
        frame,
        f"""WITH lv AS (
                SELECT trainee_id,
                       sum(date_diff('day', greatest(start_date, $from), least(end_date, $as_of)) + 1)
                         AS leave_days
                FROM leave WHERE end_date >= $from AND start_date <= $as_of GROUP BY trainee_id
            ), x AS (
                SELECT c.trainee_id, c.name, c.specialty, c.regulation, c.unit_name, c.counted_months,
                       c.service_months, c.required_months, c.delmal_total, c.delmal_uppfyllt, c.delmal_ej,
                       c.projected_completion_date, c.fullgjord_st_signed, c.specialistkompetens_signed,
                       c.bas_recorded, c.bt_approved, c.bt_time_complete,
                       c.goal <= c.service_units AS time_reached,
                       date_diff('day', CAST(c.st_start_date AS DATE), $as_of) / 30.436875 AS elapsed_months,
                       coalesce(lv.leave_days, 0) AS leave_days
                FROM _cohort c LEFT JOIN lv USING (trainee_id)
                WHERE NOT c.ready_to_apply
            )
            SELECT *,
                   NOT time_reached AND elapsed_months >= {RISK_PACE_MIN_ELAPSED}
                     AND service_months < {RISK_PACE} * elapsed_months AS behind_pace,
                   leave_days >= {RISK_LEAVE_DAYS} AS long_leave,
                   NOT time_reached AND counted_months >= {RISK_LATE_SHARE} * required_months
                     AND delmal_ej > 0 AS late_delmal
            FROM x
            ORDER BY name, trainee_id""",
        {"as_of": as_of, "from": as_of - timedelta(days=365)},
    )
    flags = ["time_reached", "behind_pace", "long_leave", "late_delmal"]
    df = df[df[flags].astype("boolean").fillna(False).any(axis=1)].reset_index(drop=True)
    reason_lists: list[object] = [risk_reasons(r) for r in df.to_dict("records")]
    df["reason_list"] = pd.Series(reason_lists, index=df.index, dtype=object)
    df["reasons"] = df["reason_list"].map("; ".join).astype(object)
    return date_columns(df, ["projected_completion_date"])


def risk_reasons(r: Mapping[Any, Any]) -> list[str]:
    """The sentences for one row of ``risks_of`` (its flags and the cohort columns it names)."""
    out = []
    if r["time_reached"]:
        out.append(
            f"Minimitiden är nådd ({_sv(r['counted_months'])} av {_sv(r['required_months'])} mån) "
            "men ansökan är inte klar"
        )
        out.extend(_still_missing(r))
    if r["behind_pace"]:
        out.append(
            f"Efter förväntad takt: {_sv(r['service_months'])} tjänstgöringsmånader på "
            f"{_sv(r['elapsed_months'])} månader sedan ST-start"
        )
    if r["long_leave"]:
        out.append(f"Lång ledighet: {int(r['leave_days'])} dagar det senaste året")
    if r["late_delmal"]:
        n = int(r["delmal_ej"])
        share = sv_number(100 * float(r["counted_months"]) / float(r["required_months"]), 0)
        out.append(f"Sent i ST ({share} % av minimitiden): {n} delmål ej {plural(n, 'påbörjat', 'påbörjade')}")
    return out


def _still_missing(r: Mapping[Any, Any]) -> list[str]:
    """What keeps a trainee who reached the minimum time from applying (the cohort's readiness columns)."""
    out = []
    missing = int(r["delmal_total"]) - int(r["delmal_uppfyllt"])
    if missing:
        text = f"{missing} delmål är inte {plural(missing, 'uppfyllt', 'uppfyllda')}"
        ej = int(r["delmal_ej"])
        if ej:
            text += f", varav {ej} ej {plural(ej, 'påbörjat', 'påbörjade')}"
        out.append(text)
    docs = [
        f"{TYPE_LABELS[doc]} ({form})"
        for doc, form in REQUIRED_DOCUMENTS[str(r["regulation"])]
        if not r[f"{doc}_signed"]
    ]
    if docs:
        listed = " och ".join([docs[0], *(lower_first(d) for d in docs[1:])])
        out.append(f"{listed} är inte {plural(len(docs), 'signerat', 'signerade')}")
    if r["regulation"] == REG_2021:
        if not r["bt_approved"]:
            out.append("Bastjänstgöringen är inte godkänd")
        if not r["bt_time_complete"]:
            out.append("BT-tiden är inte fullgjord")
    if not r["bas_recorded"]:
        out.append("Bevis om specialistkompetens i basspecialiteten är inte registrerat")
    return out




def _sv(x: float) -> str:
    return sv_number(float(x), 1)


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
    return date_columns(df, ["st_start_date"])


def bt_waiting(con: Connection, actor: Actor) -> pd.DataFrame:
    """BT certificates (bt_delmal, fullgjord_bt, baskompetens) waiting for a signature, for visible trainees."""
    sql, params = visible_sql(actor)
    df = query(
        con,
        f"""SELECT c.certificate_id, t.name AS trainee_name, c.type, c.title, p.name AS signer_name,
                   coalesce(d.delmal, []) AS delmal
            FROM certificate c JOIN trainee t USING (trainee_id)
            LEFT JOIN person p ON p.person_id = c.signer_person_id
            LEFT JOIN {DELMAL_LISTS_SQL} d USING (certificate_id)
            WHERE c.status = 'skickat' AND c.type IN ('bt_delmal', 'fullgjord_bt', 'baskompetens')
              AND c.trainee_id IN ({sql})
            ORDER BY t.name, c.certificate_id""",
        params,
    )
    return certificate_lists(df)
