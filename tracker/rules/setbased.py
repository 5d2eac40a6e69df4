"""The rules of RULES.md for every trainee at once, set-based in DuckDB.

Same answers as ``tracker.rules.reference`` (the tests compare both on the demo data and on generated
bundles, and ``tracker progress`` prints the same JSON from either), but shaped for the aggregate
dashboards: one query gives every trainee's months, projection, BT split, delmål counts and readiness.
Time is counted over segments instead of days: the boundaries of every placement and leave period
split a trainee's history into stretches where the percent is constant, and a stretch is worth
percent x the month positions it spans (see ``_ipos``). Everything is counted in the reference path's
integer units (``reference.MONTH`` to a full-time month), so both paths agree exactly.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from fractions import Fraction
from typing import Any

import pandas as pd

from tracker.domain import REG_2021, STATUS_UPPFYLLT, Credit, as_date
from tracker.rules.credits import CountedCredit, credits_sql
from tracker.rules.facts import (
    AT_MIN_PART_TIME,
    BT_MIN_ACUTE,
    BT_MIN_MONTHS,
    BT_MIN_PRIMARY,
    PROJECTION_HORIZON_YEARS,
    bt_part_sql,
    regulation_sql,
    required_months_sql,
)
from tracker.rules.progress import Requirements
from tracker.rules.reference import (
    AT_SETTINGS,
    FULL,
    LCM_DAYS,
    MONTH,
    ATProgress,
    Progress,
    at_complete,
    bt_progress,
    judged,
    uncovered,
)
from tracker.store import Connection
from tracker.store.connection import reading
from tracker.store.scope import EVERYONE, TraineeScope

CREDIT_UNIT = MONTH // 100  # units in a hundredth of a month


def _ipos(d: str) -> str:
    """A date's month position in units: whole months since year 0 times LCM_DAYS, plus LCM_DAYS/(days in
    its month) for each day of its month already past.

    Each day adds exactly LCM_DAYS/(days in its month), so the units between two dates at a constant
    percent (in hundredths) are percent x (ipos(end + 1) - ipos(start)): no need to split periods at
    month boundaries, and no rounding.
    """
    return (
        f"((year({d}) * 12 + month({d}) - 1) * {LCM_DAYS} + (day({d}) - 1) * ({LCM_DAYS} // day(last_day({d}))))"
    )


def _last_day_before(x: str) -> str:
    """The day before the first date whose month position reaches ``x`` (the inverse of ``_ipos``): the
    day on which a running count that needs ``x`` month-position units is complete."""
    x = f"CAST({x} AS BIGINT)"
    m = f"({x} // {LCM_DAYS})"
    month_start = f"make_date({m} // 12, {m} % 12 + 1, 1)"
    per_day = f"({LCM_DAYS} // day(last_day({month_start})))"
    return f"({month_start} + CAST(({x} % {LCM_DAYS} + {per_day} - 1) // {per_day} AS INTEGER) - 1)"


def _ceil_div(a: str, b: str) -> str:
    return f"((({a}) + ({b}) - 1) // ({b}))"


def _months(units: str) -> str:
    return f"(({units}) / {float(MONTH)})"


# The streams a placement may count toward (RULES 2, 4, 5): the ST total, BT and its two parts, BT days
# before the legitimation date, and AT with its settings.
_STREAMS = f"""
    JOIN (VALUES ('total'), ('bt'), ('bt_primary'), ('bt_acute'), ('bt_prelegit'), ('at'),
                 {", ".join(f"('at_{s}')" for s in AT_SETTINGS)}) s(stream)
      ON (s.stream = 'total' AND (p.kind = 'ST' OR (p.kind = 'BT' AND t2.regulation = '{REG_2021}')))
      OR (s.stream = 'bt' AND p.kind = 'BT' AND t2.regulation = '{REG_2021}')
      OR (s.stream = 'bt_primary' AND p.kind = 'BT' AND {bt_part_sql('p')} = 'primarvard' AND t2.regulation = '{REG_2021}')
      OR (s.stream = 'bt_acute' AND p.kind = 'BT' AND {bt_part_sql('p')} = 'akut_sjukvard' AND t2.regulation = '{REG_2021}')
      OR (s.stream = 'bt_prelegit' AND p.kind = 'BT' AND t2.regulation = '{REG_2021}'
          AND p.start_date < t2.legitimation_date)
      OR (s.stream = 'at' AND p.kind = 'AT' AND p.percent >= {AT_MIN_PART_TIME})
      OR (s.stream = 'at_' || p.setting AND p.kind = 'AT' AND p.percent >= {AT_MIN_PART_TIME})
"""

_TRAINEES = f"""
t AS (
    SELECT tr.*, {regulation_sql("tr")} AS regulation
    FROM trainee tr
    /*scope*/
),
credit_rows AS MATERIALIZED ({credits_sql()}),
credit_sums AS (
    SELECT trainee_id, sum(counted_h) AS credited_h, sum(counted_h) FILTER (WHERE applies_to = 'BT') AS bt_credited_h
    FROM credit_rows GROUP BY trainee_id
),
t2 AS MATERIALIZED (
    SELECT t.*,
           {required_months_sql("regulation", "doktorsexamen")} AS required_months,
           CAST(coalesce(cs.credited_h, 0) AS BIGINT) * {CREDIT_UNIT} AS credited_units,
           CAST(coalesce(cs.bt_credited_h, 0) AS BIGINT) * {CREDIT_UNIT} AS bt_credited_units
    FROM t LEFT JOIN credit_sums cs USING (trainee_id)
),
goal AS (
    SELECT trainee_id, CAST(round(required_months * {MONTH}) AS BIGINT) - credited_units AS goal FROM t2
)
"""

_TIME = f"""
-- each counting placement, in every stream it counts toward
pl AS (
    SELECT p.trainee_id, s.stream,
           CASE WHEN p.kind = 'ST' AND t2.legitimation_date IS NOT NULL
                THEN greatest(p.start_date, t2.legitimation_date) ELSE p.start_date END AS s,
           CASE WHEN s.stream = 'bt_prelegit' THEN least(p.end_date, t2.legitimation_date - 1)
                ELSE p.end_date END AS e,
           CAST(round(p.percent * 100) AS BIGINT) AS ph
    FROM placement p
    JOIN t2 USING (trainee_id)
    {_STREAMS}
),
pl2 AS MATERIALIZED (SELECT * FROM pl WHERE s <= e),
span AS MATERIALIZED (SELECT trainee_id, stream, min(s) AS lo, max(e) AS hi FROM pl2 GROUP BY ALL),
-- percent changes (hundredths): +p where a period starts, -p the day after it ends; the day after the
-- as-of date changes nothing but splits segments
events AS (
    SELECT trainee_id, stream, s AS b, ph AS dp, 0 AS dl FROM pl2
    UNION ALL SELECT trainee_id, stream, e + 1, -ph, 0 FROM pl2
    UNION ALL SELECT sp.trainee_id, sp.stream, lv.start_date, 0, CAST(round(lv.percent * 100) AS BIGINT)
              FROM span sp JOIN leave lv ON lv.trainee_id = sp.trainee_id AND lv.start_date <= sp.hi
    UNION ALL SELECT sp.trainee_id, sp.stream, lv.end_date + 1, 0, -CAST(round(lv.percent * 100) AS BIGINT)
              FROM span sp JOIN leave lv ON lv.trainee_id = sp.trainee_id AND lv.start_date <= sp.hi
    UNION ALL SELECT trainee_id, stream, $as_of::DATE + 1, 0, 0 FROM span
),
bounds AS (SELECT trainee_id, stream, b, sum(dp) AS dp, sum(dl) AS dl FROM events GROUP BY ALL),
seg AS (
    SELECT trainee_id, stream, b AS seg_start,
           lead(b) OVER w AS seg_next,
           CAST(sum(dp) OVER (w ROWS UNBOUNDED PRECEDING) AS BIGINT) AS p_h,
           CAST(sum(dl) OVER (w ROWS UNBOUNDED PRECEDING) AS BIGINT) AS l_h
    FROM bounds
    WINDOW w AS (PARTITION BY trainee_id, stream ORDER BY b)
),
seg3 AS MATERIALIZED (
    SELECT seg.trainee_id, seg.stream, seg.seg_start, seg.seg_next, seg.p_h, span.hi,
           greatest(0, least({FULL}, p_h) - l_h) AS frac_h,
           greatest(0, least({FULL}, p_h) - l_h) * ({_ipos("seg.seg_next")} - {_ipos("seg.seg_start")}) AS units
    FROM seg JOIN span USING (trainee_id, stream)
    WHERE seg.seg_next IS NOT NULL AND seg.seg_start BETWEEN span.lo AND span.hi
),
stream_units AS MATERIALIZED (
    SELECT trainee_id,
           {", ".join(
               f"CAST(coalesce(sum(units) FILTER (WHERE stream = '{st}' AND seg_start <= $as_of), 0) AS BIGINT) "
               f"AS {st}_units"
               for st in ("total", "bt", "bt_primary", "bt_acute", "bt_prelegit", "at",
                          *(f"at_{x}" for x in AT_SETTINGS))
           )},
           CAST(coalesce(sum(units) FILTER (WHERE stream = 'total'), 0) AS BIGINT) AS recorded_units
    FROM seg3 GROUP BY trainee_id
),
-- the projection, as a month position: inside the recorded (planned) history ...
cum AS (
    SELECT s.*, g.goal,
           CAST(sum(s.units) OVER (PARTITION BY s.trainee_id ORDER BY s.seg_start ROWS UNBOUNDED PRECEDING)
             - s.units AS BIGINT) AS before
    FROM seg3 s JOIN goal g USING (trainee_id) WHERE s.stream = 'total'
),
reached AS (
    SELECT trainee_id,
           arg_min({_ipos("seg_start")} + {_ceil_div("goal - before", "frac_h")}, seg_start) AS x
    FROM cum WHERE frac_h > 0 AND before + units >= goal AND goal > 0
    GROUP BY trainee_id
),
-- ... and after the last recorded placement day, whose percent continues (with no leave)
tail AS (
    SELECT s.trainee_id, greatest(s.hi, $as_of::DATE) + 1 AS t0,
           {_ipos("greatest(s.hi, $as_of::DATE) + 1")}
             + {_ceil_div("g.goal - su.recorded_units", f"least({FULL}, s.p_h)")} AS x
    FROM seg3 s JOIN goal g USING (trainee_id) JOIN stream_units su USING (trainee_id)
    WHERE s.stream = 'total' AND s.seg_next = s.hi + 1 AND s.p_h > 0
),
projected AS (
    SELECT trainee_id, coalesce({_last_day_before("r.x")}, {_last_day_before("tail.x")}) AS projected_date,
           r.x IS NULL AS by_tail, tail.t0
    FROM tail FULL JOIN reached r USING (trainee_id)
),
projected2 AS (
    SELECT trainee_id, projected_date FROM projected
    WHERE NOT by_tail OR projected_date < make_date(year(t0) + {PROJECTION_HORIZON_YEARS}, 1, 1)
),
-- ST days before the legitimation date (flagged, never counted)
prelegit_days AS (
    SELECT p.trainee_id, count(DISTINCT d.day) AS st_days_before_legitimation
    FROM placement p JOIN t2 USING (trainee_id),
         LATERAL (SELECT unnest(range(p.start_date, least(p.end_date, t2.legitimation_date - 1) + 1,
                                      INTERVAL 1 DAY)) AS day) d
    WHERE p.kind = 'ST' AND p.start_date < t2.legitimation_date
    GROUP BY p.trainee_id
)
"""
_DELMAL = f"""
-- delmål status on the as-of date (RULES 6): a certificate signed later counts as unsigned then
app AS (
    SELECT t2.trainee_id, t2.regulation, t2.specialty, d.code, d.ordinal
    FROM t2 JOIN catalogue_delmal d ON d.regulation = t2.regulation AND d.specialty = t2.specialty
    UNION ALL
    SELECT t2.trainee_id, t2.regulation, '' AS specialty, d.code, d.ordinal
    FROM t2 JOIN catalogue_delmal d ON d.regulation = '{REG_2021}' AND d.specialty = ''
    WHERE t2.regulation = '{REG_2021}'
),
live AS (
    SELECT c.*, c.status = 'signerat' AND c.signed_date <= $as_of AS signed
    FROM certificate c JOIN t2 USING (trainee_id)
    WHERE c.status <> 'makulerat'
),
certs AS (
    SELECT c.trainee_id, cd.code, c.type, c.signed
    FROM live c JOIN certificate_delmal cd USING (certificate_id)
),
grp AS (
    SELECT a.trainee_id, a.specialty, a.code, r.req_group, bool_or(coalesce(ce.signed, false)) AS covered
    FROM app a
    JOIN catalogue_requirement r ON r.regulation = a.regulation AND r.specialty = a.specialty AND r.code = a.code
    LEFT JOIN certs ce ON ce.trainee_id = a.trainee_id AND ce.code = a.code AND ce.type = r.activity_type
    GROUP BY ALL
),
grp2 AS (
    SELECT trainee_id, specialty, code, count(*) AS n_groups, count(*) FILTER (WHERE covered) AS n_covered
    FROM grp GROUP BY ALL
),
recorded AS (SELECT DISTINCT trainee_id, code FROM certs),
status AS MATERIALIZED (
    SELECT a.trainee_id, a.specialty = '' AS is_bt, a.code, a.ordinal,
           CASE WHEN coalesce(g.n_groups, 0) > 0 AND g.n_covered = g.n_groups THEN 'uppfyllt'
                WHEN rc.code IS NOT NULL THEN 'pågår'
                ELSE 'ej påbörjat' END AS status
    FROM app a
    LEFT JOIN grp2 g ON g.trainee_id = a.trainee_id AND g.specialty = a.specialty AND g.code = a.code
    LEFT JOIN recorded rc ON rc.trainee_id = a.trainee_id AND rc.code = a.code
),
status_counts AS (
    SELECT trainee_id,
           count(*) FILTER (WHERE NOT is_bt) AS delmal_total,
           count(*) FILTER (WHERE NOT is_bt AND status = 'uppfyllt') AS delmal_uppfyllt,
           count(*) FILTER (WHERE NOT is_bt AND status = 'pågår') AS delmal_pagar,
           count(*) FILTER (WHERE NOT is_bt AND status = 'ej påbörjat') AS delmal_ej,
           count(*) FILTER (WHERE is_bt) AS bt_delmal_total,
           count(*) FILTER (WHERE is_bt AND status = 'uppfyllt') AS bt_delmal_uppfyllt
    FROM status GROUP BY trainee_id
),
signed_docs AS (
    SELECT trainee_id,
           bool_or(type = 'fullgjord_st') AS fullgjord_st, bool_or(type = 'specialistkompetens') AS specialistkompetens,
           bool_or(type = 'fullgjord_bt') AS fullgjord_bt, bool_or(type = 'baskompetens') AS baskompetens,
           list(lower(trim(title))) FILTER (WHERE type = 'bevis_bas') AS bevis_bas_titles
    FROM live WHERE signed GROUP BY trainee_id
),
-- a gren- or tilläggsspecialitet needs a bevis om specialistkompetens in a basspecialitet it builds on
-- (RULES 7): a gren's requires_bas, for a tillägg those it names or else every basspecialitet
bas_need AS (
    SELECT t2.trainee_id,
           CASE WHEN cs.requires_bas <> '' THEN list_transform(string_split(cs.requires_bas, ';'), lambda x: lower(trim(x)))
                ELSE (SELECT list(lower(trim(name))) FROM catalogue_specialty WHERE kind = 'bas') END AS options
    FROM t2 JOIN catalogue_specialty cs ON cs.name = t2.specialty
    WHERE cs.kind <> 'bas'
)
"""

_COHORT = f"""
WITH {_TRAINEES}, {_TIME}, {_DELMAL},
res AS (
    SELECT t2.trainee_id, t2.name, t2.specialty, t2.regulation, t2.st_start_date, t2.unit_id,
           u.name AS unit_name, u.region_id, u.area,
           t2.required_months,
           coalesce(su.total_units, 0) AS service_units,
           t2.credited_units,
           CASE WHEN t2.regulation = '{REG_2021}' THEN coalesce(su.bt_units, 0) END AS bt_units,
           CASE WHEN t2.regulation = '{REG_2021}' THEN coalesce(su.bt_primary_units, 0) END AS bt_primary_units,
           CASE WHEN t2.regulation = '{REG_2021}' THEN coalesce(su.bt_acute_units, 0) END AS bt_acute_units,
           CASE WHEN t2.regulation = '{REG_2021}' THEN t2.bt_credited_units END AS bt_credited_units,
           CASE WHEN t2.regulation = '{REG_2021}' THEN coalesce(su.bt_prelegit_units, 0) END AS bt_prelegit_units,
           {", ".join(f"coalesce(su.{c}_units, 0) AS {c}_units" for c in ("at", *(f"at_{x}" for x in AT_SETTINGS)))},
           EXISTS (SELECT 1 FROM placement a WHERE a.trainee_id = t2.trainee_id AND a.kind = 'AT') AS has_at,
           coalesce(pd.st_days_before_legitimation, 0) AS st_days_before_legitimation,
           g.goal,
           CASE WHEN g.goal <= 0 THEN t2.st_start_date ELSE pj.projected_date END AS projected_completion_date,
           t2.bt_approved_date,
           coalesce(sc.delmal_total, 0) AS delmal_total,
           coalesce(sc.delmal_uppfyllt, 0) AS delmal_uppfyllt,
           coalesce(sc.delmal_pagar, 0) AS delmal_pagar,
           coalesce(sc.delmal_ej, 0) AS delmal_ej,
           coalesce(sc.bt_delmal_total, 0) AS bt_delmal_total,
           coalesce(sc.bt_delmal_uppfyllt, 0) AS bt_delmal_uppfyllt,
           coalesce(sd.fullgjord_st, false) AS fullgjord_st_signed,
           coalesce(sd.specialistkompetens, false) AS specialistkompetens_signed,
           coalesce(sd.fullgjord_bt, false) AS fullgjord_bt_signed,
           coalesce(sd.baskompetens, false) AS baskompetens_signed,
           bn.trainee_id IS NOT NULL AS bas_required,
           bn.trainee_id IS NULL OR len(list_intersect(coalesce(sd.bevis_bas_titles, []), bn.options)) > 0
             AS bas_recorded
    FROM t2
    JOIN goal g USING (trainee_id)
    LEFT JOIN unit u ON u.unit_id = t2.unit_id
    LEFT JOIN stream_units su USING (trainee_id)
    LEFT JOIN projected2 pj USING (trainee_id)
    LEFT JOIN prelegit_days pd USING (trainee_id)
    LEFT JOIN status_counts sc USING (trainee_id)
    LEFT JOIN signed_docs sd USING (trainee_id)
    LEFT JOIN bas_need bn USING (trainee_id)
),
res2 AS (
    SELECT *,
           {_months("service_units")} AS service_months,
           {_months("credited_units")} AS credited_months,
           {_months("service_units + credited_units")} AS counted_months,
           greatest(0, required_months - {_months("service_units + credited_units")}) AS remaining_months,
           {_months("bt_units + bt_credited_units")} AS bt_months,
           {_months("bt_primary_units")} AS bt_primary_months,
           {_months("bt_acute_units")} AS bt_acute_months,
           CASE WHEN regulation = '{REG_2021}'
                THEN bt_units + bt_credited_units >= {int(BT_MIN_MONTHS * MONTH)} AND bt_primary_units >= {int(BT_MIN_PRIMARY * MONTH)}
                     AND bt_acute_units >= {int(BT_MIN_ACUTE * MONTH)} END AS bt_time_complete,
           CASE WHEN regulation = '{REG_2021}' THEN bt_approved_date IS NOT NULL AND bt_approved_date <= $as_of END
             AS bt_approved
    FROM res
)
SELECT *,
       goal <= service_units
         AND delmal_uppfyllt = delmal_total
         AND specialistkompetens_signed
         AND bas_recorded
         AND (regulation <> '{REG_2021}' OR (fullgjord_st_signed AND bt_approved AND bt_time_complete))
         AS ready_to_apply
FROM res2
ORDER BY trainee_id
"""

_DELMAL_LONG = f"""
WITH {_TRAINEES}, {_DELMAL}
SELECT s.trainee_id, t2.specialty, t2.regulation, t2.unit_id, s.code, s.is_bt, s.status
FROM status s JOIN t2 USING (trainee_id)
ORDER BY s.trainee_id, s.is_bt, s.ordinal
"""

# Each applicable delmål's status with the types signed for it on the as-of date (what a sentence about
# a delmål not yet uppfyllt names as missing).
_DELMAL_SIGNED = f"""
WITH {_TRAINEES}, {_DELMAL},
signed_types AS (SELECT trainee_id, code, list(DISTINCT type) AS types FROM certs WHERE signed GROUP BY ALL)
SELECT s.trainee_id, s.code, s.is_bt, s.status, coalesce(st.types, []) AS types
FROM status s LEFT JOIN signed_types st USING (trainee_id, code)
ORDER BY s.trainee_id, s.is_bt, s.ordinal
"""

_CREDITS = f"""
WITH {_TRAINEES}
SELECT trainee_id, kind, applies_to, months_h, refused, counted_h FROM credit_rows ORDER BY trainee_id, credit_id
"""

_COURSE_GAPS = f"""
WITH {_TRAINEES}, {_DELMAL}
SELECT t2.regulation, g.specialty, g.code, d.title, d.ordinal, count(DISTINCT g.trainee_id) AS trainees
FROM grp g
JOIN t2 USING (trainee_id)
JOIN catalogue_requirement r
  ON r.regulation = t2.regulation AND r.specialty = g.specialty AND r.code = g.code
 AND r.req_group = g.req_group AND r.activity_type = 'kurs'
JOIN catalogue_delmal d ON d.regulation = t2.regulation AND d.specialty = g.specialty AND d.code = g.code
WHERE NOT g.covered
GROUP BY ALL
ORDER BY trainees DESC, t2.regulation, g.specialty, d.ordinal
"""


def _scoped(sql: str, scope: TraineeScope) -> tuple[str, dict[str, Any]]:
    """The query with the scope joined where it reads the trainee table."""
    return sql.replace("/*scope*/", scope.where("tr.trainee_id")), dict(scope.params)


def _frame(con: Connection, sql: str, scope: TraineeScope, as_of: date | None) -> pd.DataFrame:
    query, params = _scoped(sql, scope)
    if as_of is not None:
        params["as_of"] = as_of
    with reading(con) as cur:
        return cur.execute(query, params).df()


def cohort(con: Connection, as_of: date, scope: TraineeScope = EVERYONE) -> pd.DataFrame:
    """One row per trainee in scope: months (``*_units`` exact, ``*_months`` as numbers), projection, BT
    split, delmål counts, readiness."""
    df = _frame(con, _COHORT, scope, as_of)
    for col in ("st_start_date", "projected_completion_date", "bt_approved_date"):
        df[col] = df[col].map(as_date).astype(object)
    return df


def delmal_long(con: Connection, as_of: date, scope: TraineeScope = EVERYONE) -> pd.DataFrame:
    """(trainee_id, specialty, regulation, unit_id, code, is_bt, status) for every applicable delmål."""
    return _frame(con, _DELMAL_LONG, scope, as_of)


def course_gaps(con: Connection, as_of: date, scope: TraineeScope = EVERYONE) -> pd.DataFrame:
    """Delmål whose missing piece a course would supply: how many trainees lack a signed course there.

    One row per (regulation, specialty, code); the common a/b and STa/STb delmål are counted across
    specialties (``specialty`` is then the trainees' specialty, so callers may sum over it).
    """
    return _frame(con, _COURSE_GAPS, scope, as_of)


def _units(v: Any) -> Fraction:
    return Fraction(int(v), MONTH)


def progress_all(con: Connection, as_of: date, scope: TraineeScope = EVERYONE) -> list[Progress]:
    """Every trainee's progress in scope, as ``tracker.rules.progress.progress_all`` computes it one by
    one: the figures from the queries above, the sentences from ``tracker.rules.readiness``."""
    frame = cohort(con, as_of, scope)
    statuses: dict[str, dict[bool, dict[str, str]]] = defaultdict(lambda: {False: {}, True: {}})
    signed: dict[tuple[str, str], list[str]] = {}
    for tid, code, is_bt, status, types in _frame(con, _DELMAL_SIGNED, scope, as_of).itertuples(index=False):
        statuses[tid][bool(is_bt)][code] = status
        signed[(tid, code)] = list(types)
    counted: dict[str, list[CountedCredit]] = defaultdict(list)
    for tid, kind, applies_to, months_h, refused, counted_h in _frame(con, _CREDITS, scope, None).itertuples(
        index=False
    ):
        credit = Credit(kind, int(months_h) / 100, applies_to=applies_to)
        counted[tid].append(CountedCredit(credit, int(counted_h), refused if isinstance(refused, str) else None))
    reqs = Requirements(con)
    out = []
    for r in frame.to_dict("records"):
        tid = str(r["trainee_id"])
        regulation = str(r["regulation"])
        own, bt_status = statuses[tid][False], statuses[tid][True]
        documents = {d for d in ("fullgjord_st", "specialistkompetens", "fullgjord_bt", "baskompetens") if r[f"{d}_signed"]}
        bt = None
        if regulation == REG_2021:
            bt = bt_progress(
                service=_units(r["bt_units"]),
                primary=_units(r["bt_primary_units"]),
                acute=_units(r["bt_acute_units"]),
                credited=_units(r["bt_credited_units"]),
                before_legitimation=_units(r["bt_prelegit_units"]),
                delmal=bt_status,
                documents=documents,
                approved=bool(r["bt_approved"]),
            )
        at = None
        if r["has_at"]:
            by_setting = {x: _units(r[f"at_{x}_units"]) for x in AT_SETTINGS}
            at_total = _units(r["at_units"])
            at = ATProgress(months=at_total, by_setting=by_setting, complete=at_complete(at_total, by_setting))
        options = reqs.bas(str(r["specialty"]))
        out.append(
            judged(
                trainee_id=tid,
                regulation=regulation,
                as_of=as_of,
                required=Fraction(r["required_months"]),
                service=_units(r["service_units"]),
                counted_credits=counted[tid],
                projected=r["projected_completion_date"],
                bt=bt,
                at=at,
                delmal=own,
                unmet=[
                    (q.code, uncovered(q, signed.get((tid, q.code), ())))
                    for q in reqs(regulation, str(r["specialty"]))
                    if own.get(q.code) != STATUS_UPPFYLLT
                ],
                documents=documents,
                bas=None if options is None else (options[0], options[1], bool(r["bas_recorded"])),
                st_days_before_legitimation=int(r["st_days_before_legitimation"]),
            )
        )
    return out
