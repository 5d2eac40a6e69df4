"""The rules of RULES.md for every trainee at once, set-based in DuckDB.

Same answers as ``tracker.rules.reference`` (the tests compare both on the demo data), but shaped for the
aggregate dashboards: one query gives every trainee's months, projection, BT split, delmål counts
and readiness. Time is counted over segments instead of days: the boundaries of every placement and
leave period split a trainee's history into stretches where the percent is constant, and a
stretch is worth percent x the month positions it spans (see ``_pos``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from tracker.domain import REG_2021, as_date
from tracker.rules.facts import (
    BT_MIN_ACUTE,
    BT_MIN_MONTHS,
    BT_MIN_PRIMARY,
    PROJECTION_HORIZON_YEARS,
    regulation_sql,
    required_months_sql,
)
from tracker.store import Connection
from tracker.store.connection import reading
from tracker.store.scope import EVERYONE, TraineeScope

EPS = 1e-9  # months; far below one day's worth (>= 1/31 x 1 %)


def _pos(d: str) -> str:
    """A date's month position: whole months since year 0 plus the share of its month already past.

    Each day adds exactly 1/(days in its month), so the months between two dates at a constant
    percent are percent x (pos(end + 1) - pos(start)): no need to split periods at month boundaries.
    """
    return f"((year({d}) * 12 + month({d}) - 1) + (day({d}) - 1) / day(last_day({d})))"


def _date_at(pos: str) -> str:
    """The last day of the stretch ending at month position ``pos`` (the inverse of ``_pos``)."""
    month_start = f"make_date(CAST(floor({pos}) AS BIGINT) // 12, CAST(floor({pos}) AS BIGINT) % 12 + 1, 1)"
    return (f"{month_start} + CAST(ceil(({pos} - floor({pos})) * day(last_day({month_start})) - {EPS}) AS INTEGER) - 1")

# BT time complete (RULES 4): the minimum BT months, and the minimum in each of its two parts.
_BT_TIME_COMPLETE = (
    f"bt_months >= {float(BT_MIN_MONTHS)} - {EPS} AND bt_primary_months >= {float(BT_MIN_PRIMARY)} - {EPS} "
    f"AND bt_acute_months >= {float(BT_MIN_ACUTE)} - {EPS}"
)

_TRAINEES = f"""
t AS (
    SELECT tr.*, {regulation_sql("tr")} AS regulation
    FROM trainee tr
    /*scope*/
),
t2 AS MATERIALIZED (
    SELECT t.*,
           {required_months_sql("regulation", "doktorsexamen")} AS required_months,
           coalesce((SELECT sum(c.months) FROM credit c WHERE c.trainee_id = t.trainee_id), 0.0) AS credited_months
    FROM t
)
"""

_TIME = f"""
-- each counting placement, tagged with the streams it counts toward
pl AS (
    SELECT p.trainee_id, s.stream,
           CASE WHEN p.kind = 'ST' AND t2.legitimation_date IS NOT NULL
                THEN greatest(p.start_date, t2.legitimation_date) ELSE p.start_date END AS s,
           p.end_date AS e, p.percent
    FROM placement p
    JOIN t2 USING (trainee_id)
    JOIN (VALUES ('total'), ('bt'), ('bt_primary'), ('bt_acute')) s(stream)
      ON (s.stream = 'total' AND (p.kind = 'ST' OR (p.kind = 'BT' AND t2.regulation = '{REG_2021}')))
      OR (s.stream = 'bt' AND p.kind = 'BT' AND t2.regulation = '{REG_2021}')
      OR (s.stream = 'bt_primary' AND p.kind = 'BT' AND p.setting = 'primarvard' AND t2.regulation = '{REG_2021}')
      OR (s.stream = 'bt_acute' AND p.kind = 'BT' AND p.setting = 'akutsjukvard' AND t2.regulation = '{REG_2021}')
),
pl2 AS MATERIALIZED (SELECT * FROM pl WHERE s <= e),
span AS MATERIALIZED (SELECT trainee_id, stream, min(s) AS lo, max(e) AS hi FROM pl2 GROUP BY ALL),
-- percent changes: +p where a period starts, -p the day after it ends; month starts and the day
-- after the as-of date change nothing but split segments
events AS (
    SELECT trainee_id, stream, s AS b, percent AS dp, 0.0 AS dl FROM pl2
    UNION ALL SELECT trainee_id, stream, e + 1, -percent, 0.0 FROM pl2
    UNION ALL SELECT sp.trainee_id, sp.stream, lv.start_date, 0.0, lv.percent
              FROM span sp JOIN leave lv ON lv.trainee_id = sp.trainee_id AND lv.start_date <= sp.hi
    UNION ALL SELECT sp.trainee_id, sp.stream, lv.end_date + 1, 0.0, -lv.percent
              FROM span sp JOIN leave lv ON lv.trainee_id = sp.trainee_id AND lv.start_date <= sp.hi
    UNION ALL SELECT trainee_id, stream, $as_of::DATE + 1, 0.0, 0.0 FROM span
),
bounds AS (SELECT trainee_id, stream, b, sum(dp) AS dp, sum(dl) AS dl FROM events GROUP BY ALL),
seg AS (
    SELECT trainee_id, stream, b AS seg_start,
           lead(b) OVER w AS seg_next,
           sum(dp) OVER (w ROWS UNBOUNDED PRECEDING) AS p_pct,
           sum(dl) OVER (w ROWS UNBOUNDED PRECEDING) AS l_pct
    FROM bounds
    WINDOW w AS (PARTITION BY trainee_id, stream ORDER BY b)
),
seg3 AS MATERIALIZED (
    SELECT seg.trainee_id, seg.stream, seg.seg_start, seg.seg_next, seg.p_pct, span.hi,
           greatest(0, least(100, p_pct) - l_pct) / 100.0 AS frac,
           greatest(0, least(100, p_pct) - l_pct) / 100.0 * ({_pos("seg.seg_next")} - {_pos("seg.seg_start")}) AS months
    FROM seg JOIN span USING (trainee_id, stream)
    WHERE seg.seg_next IS NOT NULL AND seg.seg_start BETWEEN span.lo AND span.hi
),
stream_months AS MATERIALIZED (
    SELECT trainee_id,
           sum(months) FILTER (WHERE stream = 'total' AND seg_start <= $as_of) AS service_months,
           sum(months) FILTER (WHERE stream = 'bt' AND seg_start <= $as_of) AS bt_months,
           sum(months) FILTER (WHERE stream = 'bt_primary' AND seg_start <= $as_of) AS bt_primary_months,
           sum(months) FILTER (WHERE stream = 'bt_acute' AND seg_start <= $as_of) AS bt_acute_months,
           sum(months) FILTER (WHERE stream = 'total') AS recorded_months
    FROM seg3 GROUP BY trainee_id
),
-- the projection, as a month position: inside the recorded (planned) history ...
cum AS (
    SELECT s.*, t2.required_months - t2.credited_months AS target,
           sum(s.months) OVER (PARTITION BY s.trainee_id ORDER BY s.seg_start ROWS UNBOUNDED PRECEDING)
             - s.months AS before
    FROM seg3 s JOIN t2 USING (trainee_id) WHERE s.stream = 'total'
),
reached AS (
    SELECT trainee_id, arg_min({_pos("seg_start")} + (target - before) / frac, seg_start) AS pos
    FROM cum WHERE frac > 0 AND before + months >= target - {EPS} AND target > 0
    GROUP BY trainee_id
),
-- ... and after the last recorded placement day, whose percent continues (with no leave)
tail AS (
    SELECT s.trainee_id, greatest(s.hi, $as_of::DATE) + 1 AS t0, least(100, s.p_pct) / 100.0 AS f,
           t2.required_months - t2.credited_months - sm.recorded_months AS x
    FROM seg3 s JOIN t2 USING (trainee_id) JOIN stream_months sm USING (trainee_id)
    WHERE s.stream = 'total' AND s.seg_next = s.hi + 1 AND s.p_pct > 0
),
projection AS (
    SELECT trainee_id, coalesce(r.pos, {_pos("tail.t0")} + tail.x / tail.f) AS pos,
           CASE WHEN r.pos IS NULL THEN (year(tail.t0) + {PROJECTION_HORIZON_YEARS}) * 12 END AS horizon_pos
    FROM tail FULL JOIN reached r USING (trainee_id)
),
projected AS (
    SELECT trainee_id, {_date_at("pos")} AS projected_date
    FROM projection WHERE horizon_pos IS NULL OR pos < horizon_pos - {EPS}
)
"""

_DELMAL = f"""
-- delmål status (RULES 6)
app AS (
    SELECT t2.trainee_id, t2.regulation, t2.specialty, d.code, d.ordinal
    FROM t2 JOIN catalogue_delmal d ON d.regulation = t2.regulation AND d.specialty = t2.specialty
    UNION ALL
    SELECT t2.trainee_id, t2.regulation, '' AS specialty, d.code, d.ordinal
    FROM t2 JOIN catalogue_delmal d ON d.regulation = '{REG_2021}' AND d.specialty = ''
    WHERE t2.regulation = '{REG_2021}'
),
certs AS (
    SELECT c.trainee_id, cd.code, c.type, c.status = 'signerat' AND c.signed_date IS NOT NULL AS signed
    FROM certificate c JOIN certificate_delmal cd USING (certificate_id)
    WHERE c.status <> 'makulerat'
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
           bool_or(type = 'fullgjord_bt') AS fullgjord_bt, bool_or(type = 'baskompetens') AS baskompetens
    FROM certificate WHERE status = 'signerat' GROUP BY trainee_id
)
"""

_COHORT = f"""
WITH {_TRAINEES}, {_TIME}, {_DELMAL},
res AS (
    SELECT t2.trainee_id, t2.name, t2.specialty, t2.regulation, t2.st_start_date, t2.unit_id,
           u.name AS unit_name, u.region_id, u.area,
           t2.required_months,
           coalesce(sm.service_months, 0) AS service_months,
           t2.credited_months,
           coalesce(sm.service_months, 0) + t2.credited_months AS counted_months,
           greatest(0, t2.required_months - coalesce(sm.service_months, 0) - t2.credited_months) AS remaining_months,
           CASE WHEN t2.required_months - t2.credited_months <= 0 THEN t2.st_start_date
                ELSE pj.projected_date END AS projected_completion_date,
           CASE WHEN t2.regulation = '{REG_2021}' THEN coalesce(sm.bt_months, 0) END AS bt_months,
           CASE WHEN t2.regulation = '{REG_2021}' THEN coalesce(sm.bt_primary_months, 0) END AS bt_primary_months,
           CASE WHEN t2.regulation = '{REG_2021}' THEN coalesce(sm.bt_acute_months, 0) END AS bt_acute_months,
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
           coalesce(sd.baskompetens, false) AS baskompetens_signed
    FROM t2
    LEFT JOIN unit u ON u.unit_id = t2.unit_id
    LEFT JOIN stream_months sm USING (trainee_id)
    LEFT JOIN projected pj USING (trainee_id)
    LEFT JOIN status_counts sc USING (trainee_id)
    LEFT JOIN signed_docs sd USING (trainee_id)
)
SELECT *,
       CASE WHEN regulation = '{REG_2021}'
            THEN {_BT_TIME_COMPLETE} END
         AS bt_time_complete,
       CASE WHEN regulation = '{REG_2021}' THEN bt_approved_date IS NOT NULL AND bt_approved_date <= $as_of END
         AS bt_approved,
       counted_months >= required_months - {EPS}
         AND delmal_uppfyllt = delmal_total
         AND specialistkompetens_signed
         AND (regulation <> '{REG_2021}' OR (
               fullgjord_st_signed AND bt_approved_date IS NOT NULL AND bt_approved_date <= $as_of
               AND {_BT_TIME_COMPLETE}))
         AS ready_to_apply
FROM res
ORDER BY trainee_id
"""

_DELMAL_LONG = f"""
WITH {_TRAINEES}, {_DELMAL}
SELECT s.trainee_id, t2.specialty, t2.regulation, t2.unit_id, s.code, s.is_bt, s.status
FROM status s JOIN t2 USING (trainee_id)
ORDER BY s.trainee_id, s.is_bt, s.ordinal
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


def cohort(con: Connection, as_of: date, scope: TraineeScope = EVERYONE) -> pd.DataFrame:
    """One row per trainee in scope: months, projection, BT split, delmål counts, readiness."""
    sql, params = _scoped(_COHORT, scope)
    with reading(con) as cur:
        df = cur.execute(sql, {"as_of": as_of, **params}).df()
    for col in ("st_start_date", "projected_completion_date", "bt_approved_date"):
        df[col] = df[col].map(as_date).astype(object)
    return df


def delmal_long(con: Connection, as_of: date, scope: TraineeScope = EVERYONE) -> pd.DataFrame:
    """(trainee_id, specialty, regulation, unit_id, code, is_bt, status) for every applicable delmål."""
    del as_of  # status depends on signatures, not on the date; kept for a uniform signature
    sql, params = _scoped(_DELMAL_LONG, scope)
    with reading(con) as cur:
        return cur.execute(sql, params).df()


def course_gaps(con: Connection, scope: TraineeScope = EVERYONE) -> pd.DataFrame:
    """Delmål whose missing piece a course would supply: how many trainees lack a signed course there.

    One row per (regulation, specialty, code); the common a/b and STa/STb delmål are counted across
    specialties (``specialty`` is then the trainees' specialty, so callers may sum over it).
    """
    sql, params = _scoped(_COURSE_GAPS, scope)
    with reading(con) as cur:
        return cur.execute(sql, params).df()
