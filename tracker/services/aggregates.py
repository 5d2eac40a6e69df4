"""Aggregates over the trainees the actor may read: the cohort, breakdowns, bottlenecks, risk and BT."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from tracker.accounts import Actor
from tracker.domain import REG_2021
from tracker.rules import setbased
from tracker.rules.facts import RISK_LATE_SHARE, RISK_LEAVE_DAYS, RISK_PACE, RISK_PACE_MIN_ELAPSED
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


def breakdown_of(con: Connection, frame: pd.DataFrame, by: str = "specialty") -> pd.DataFrame:
    """``cohort_breakdown`` of a cohort frame already computed."""
    column = {"specialty": "specialty", "unit": "coalesce(unit_name, 'Ingen enhet')", "regulation": "regulation"}
    if by not in column:
        raise ValueError("by must be 'specialty', 'unit' or 'regulation'")
    return _over(
        con,
        frame,
        f"""SELECT {column[by]} AS grp, count(*) AS n, median(progress_pct) AS median_pct,
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
        """WITH bins AS (SELECT range * 10 AS lo FROM range(10))
           SELECT b.lo, b.lo + 10 AS hi, count(c.trainee_id) AS n
           FROM bins b LEFT JOIN _cohort c
             ON least(floor(c.progress_pct / 10) * 10, 90) = b.lo
           GROUP BY ALL ORDER BY b.lo""",
    )


def expected_specialists(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """Trainees per year of projected completion of the minimum time."""
    return completions_of(con, cohort(con, actor, as_of, flt))


def completions_of(con: Connection, frame: pd.DataFrame) -> pd.DataFrame:
    """``expected_specialists`` of a cohort frame already computed."""
    return _over(
        con,
        frame,
        """SELECT year(CAST(projected_completion_date AS DATE)) AS year, count(*) AS n
           FROM _cohort WHERE projected_completion_date IS NOT NULL GROUP BY ALL ORDER BY year""",
    )


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
    return query(
        con,
        f"""SELECT {grp_sql} AS grp,
                   l.regulation, l.code,
                   count(*) AS n,
                   count(*) FILTER (WHERE l.status = 'uppfyllt') AS n_uppfyllt,
                   count(*) FILTER (WHERE l.status = 'ej påbörjat') AS n_ej,
                   100.0 * count(*) FILTER (WHERE l.status = 'uppfyllt') / count(*) AS share_uppfyllt
            FROM _long l LEFT JOIN _names n USING (trainee_id)
            WHERE NOT l.is_bt {"AND NOT regexp_matches(l.code, '^(c|STc)[0-9]')" if common_only else ""}
            GROUP BY ALL ORDER BY l.regulation, grp, l.code""",
        frames={"_long": long, "_names": names},
    )


def at_risk(con: Connection, actor: Actor, as_of: date, flt: CohortFilter = ALL) -> pd.DataFrame:
    """Trainees who need attention, with every reason as a Swedish sentence (one row per trainee)."""
    return risks_of(con, cohort(con, actor, as_of, flt), as_of)


def risks_of(con: Connection, frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """``at_risk`` of a cohort frame already computed."""
    df = _over(
        con,
        frame,
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
    return date_columns(df.reset_index(drop=True), ["projected_completion_date"])


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
