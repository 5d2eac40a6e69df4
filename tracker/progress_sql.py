"""The rules of RULES.md for every trainee at once, set-based in DuckDB.

Same answers as ``tracker.rules`` (the tests compare both on the demo data), but shaped for the
aggregate dashboards: one query gives every trainee's months, projection, BT split, delmål counts
and readiness. Time is counted over segments instead of days: the boundaries of every placement,
leave period and calendar month split a trainee's history into stretches where the percent is
constant and the day value (1 / days in the month) is too.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from tracker.db import Connection
from tracker.domain import REG_2015, REG_2021, REGULATION_2021_START
from tracker.rules import PROJECTION_HORIZON_YEARS

EPS = 1e-9  # months; far below one day's worth (>= 1/31 x 1 %)

_BASE = f"""
t AS (
    SELECT tr.*,
           CASE WHEN tr.regulation_choice IS NOT NULL THEN tr.regulation_choice
                WHEN tr.swedish_at OR tr.st_start_date < DATE '{REGULATION_2021_START.isoformat()}' THEN '{REG_2015}'
                ELSE '{REG_2021}' END AS regulation
    FROM trainee tr
),
t2 AS (
    SELECT t.*,
           CASE WHEN regulation = '{REG_2015}' AND doktorsexamen THEN 54.0
                WHEN regulation = '{REG_2015}' THEN 60.0 ELSE 66.0 END AS required_months,
           coalesce((SELECT sum(c.months) FROM credit c WHERE c.trainee_id = t.trainee_id), 0.0) AS credited_months
    FROM t
),
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
pl2 AS (SELECT * FROM pl WHERE s <= e),
span AS (SELECT trainee_id, stream, min(s) AS lo, max(e) AS hi FROM pl2 GROUP BY ALL),
bounds AS (
    SELECT trainee_id, stream, s AS b FROM pl2
    UNION SELECT trainee_id, stream, e + 1 FROM pl2
    UNION SELECT sp.trainee_id, sp.stream, lv.start_date FROM span sp JOIN leave lv USING (trainee_id)
          WHERE lv.start_date BETWEEN sp.lo AND sp.hi
    UNION SELECT sp.trainee_id, sp.stream, lv.end_date + 1 FROM span sp JOIN leave lv USING (trainee_id)
          WHERE lv.end_date + 1 BETWEEN sp.lo AND sp.hi
    UNION SELECT trainee_id, stream, $as_of::DATE + 1 FROM span WHERE $as_of::DATE + 1 BETWEEN lo AND hi
    UNION SELECT trainee_id, stream, CAST(m AS DATE) FROM span,
          generate_series(date_trunc('month', lo) + INTERVAL 1 MONTH, CAST(hi AS TIMESTAMP), INTERVAL 1 MONTH) g(m)
),
seg AS (
    SELECT trainee_id, stream, b AS seg_start,
           lead(b) OVER (PARTITION BY trainee_id, stream ORDER BY b) AS seg_next
    FROM bounds
),
seg2 AS (
    SELECT seg.trainee_id, seg.stream, seg.seg_start, seg.seg_next,
           date_diff('day', seg.seg_start, seg.seg_next) AS days,
           day(last_day(seg.seg_start)) AS dim,
           coalesce((SELECT sum(p.percent) FROM pl2 p
                     WHERE p.trainee_id = seg.trainee_id AND p.stream = seg.stream
                       AND seg.seg_start BETWEEN p.s AND p.e), 0) AS p_pct,
           coalesce((SELECT sum(l.percent) FROM leave l
                     WHERE l.trainee_id = seg.trainee_id
                       AND seg.seg_start BETWEEN l.start_date AND l.end_date), 0) AS l_pct
    FROM seg WHERE seg.seg_next IS NOT NULL
),
seg3 AS (
    SELECT *, greatest(0, least(100, p_pct) - l_pct) / 100.0 AS frac,
           days * greatest(0, least(100, p_pct) - l_pct) / 100.0 / dim AS months
    FROM seg2
),
stream_months AS (
    SELECT trainee_id,
           sum(months) FILTER (WHERE stream = 'total' AND seg_start <= $as_of) AS service_months,
           sum(months) FILTER (WHERE stream = 'bt' AND seg_start <= $as_of) AS bt_months,
           sum(months) FILTER (WHERE stream = 'bt_primary' AND seg_start <= $as_of) AS bt_primary_months,
           sum(months) FILTER (WHERE stream = 'bt_acute' AND seg_start <= $as_of) AS bt_acute_months,
           sum(months) FILTER (WHERE stream = 'total') AS recorded_months
    FROM seg3 GROUP BY trainee_id
),
-- projection inside the recorded (planned) history
cum AS (
    SELECT s.*, t2.required_months - t2.credited_months AS target,
           coalesce(sum(s.months) OVER (PARTITION BY s.trainee_id ORDER BY s.seg_start
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM seg3 s JOIN t2 USING (trainee_id) WHERE s.stream = 'total'
),
reached AS (
    SELECT trainee_id,
           min(seg_start + CAST(least(days, greatest(1, ceil((target - before) * dim / frac - {EPS}))) AS INTEGER) - 1)
             AS reached_date
    FROM cum WHERE frac > 0 AND before + months >= target - {EPS} AND target > 0
    GROUP BY trainee_id
),
-- after the last recorded placement day, that day's percent continues
tail AS (
    SELECT sp.trainee_id, sp.hi AS last_day,
           least(100, (SELECT sum(p.percent) FROM pl2 p WHERE p.trainee_id = sp.trainee_id AND p.stream = 'total'
                                                     AND sp.hi BETWEEN p.s AND p.e)) / 100.0 AS f,
           greatest(sp.hi, $as_of::DATE) + 1 AS t0
    FROM span sp WHERE sp.stream = 'total'
),
tail2 AS (
    SELECT tail.*, t2.required_months - t2.credited_months - coalesce(sm.recorded_months, 0) AS x,
           CAST(date_trunc('month', t0) AS DATE) AS m0, day(t0) AS d0, day(last_day(t0)) AS dim0
    FROM tail JOIN t2 USING (trainee_id) LEFT JOIN stream_months sm USING (trainee_id)
    WHERE f > 0
),
tail3 AS (
    SELECT *, (x + f * (d0 - 1) / dim0) / f AS y FROM tail2
),
tail4 AS (
    SELECT *, CAST(ceil(y - {EPS}) - 1 AS INTEGER) AS m FROM tail3
),
tail_date AS (
    SELECT trainee_id,
           CAST(m0 + to_months(m) AS DATE)
             + CAST(ceil((y - m) * day(last_day(CAST(m0 + to_months(m) AS DATE))) - {EPS}) AS INTEGER) - 1 AS tail_date,
           make_date(year(t0) + {PROJECTION_HORIZON_YEARS}, 1, 1) AS horizon
    FROM tail4 WHERE y < 12 * ({PROJECTION_HORIZON_YEARS} + 1)
),
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
status AS (
    SELECT a.trainee_id, a.specialty = '' AS is_bt, a.code, a.ordinal,
           CASE WHEN coalesce(g.n_groups, 0) > 0 AND g.n_covered = g.n_groups THEN 'uppfyllt'
                WHEN EXISTS (SELECT 1 FROM certs ce WHERE ce.trainee_id = a.trainee_id AND ce.code = a.code)
                     THEN 'pågår'
                ELSE 'ej påbörjat' END AS status
    FROM app a LEFT JOIN grp2 g ON g.trainee_id = a.trainee_id AND g.specialty = a.specialty AND g.code = a.code
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
WITH {_BASE},
res AS (
    SELECT t2.trainee_id, t2.name, t2.specialty, t2.regulation, t2.st_start_date, t2.unit_id,
           u.name AS unit_name, u.region_id, u.area,
           t2.required_months,
           coalesce(sm.service_months, 0) AS service_months,
           t2.credited_months,
           coalesce(sm.service_months, 0) + t2.credited_months AS counted_months,
           greatest(0, t2.required_months - coalesce(sm.service_months, 0) - t2.credited_months) AS remaining_months,
           CASE WHEN t2.required_months - t2.credited_months <= 0 THEN t2.st_start_date
                ELSE coalesce(r.reached_date, CASE WHEN td.tail_date < td.horizon THEN td.tail_date END) END AS projected_completion_date,
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
    LEFT JOIN reached r USING (trainee_id)
    LEFT JOIN tail_date td USING (trainee_id)
    LEFT JOIN status_counts sc USING (trainee_id)
    LEFT JOIN signed_docs sd USING (trainee_id)
)
SELECT *,
       CASE WHEN regulation = '{REG_2021}'
            THEN bt_months >= 6 - {EPS} AND bt_primary_months >= 3 - {EPS} AND bt_acute_months >= 3 - {EPS} END
         AS bt_time_complete,
       CASE WHEN regulation = '{REG_2021}' THEN bt_approved_date IS NOT NULL AND bt_approved_date <= $as_of END
         AS bt_approved,
       counted_months >= required_months - {EPS}
         AND delmal_uppfyllt = delmal_total
         AND specialistkompetens_signed
         AND (regulation <> '{REG_2021}' OR (
               fullgjord_st_signed AND bt_approved_date IS NOT NULL AND bt_approved_date <= $as_of
               AND bt_months >= 6 - {EPS} AND bt_primary_months >= 3 - {EPS} AND bt_acute_months >= 3 - {EPS}))
         AS ready_to_apply
FROM res
ORDER BY trainee_id
"""

_DELMAL_LONG = f"""
WITH {_BASE}
SELECT s.trainee_id, t2.specialty, t2.regulation, t2.unit_id, s.code, s.is_bt, s.status
FROM status s JOIN t2 USING (trainee_id)
ORDER BY s.trainee_id, s.is_bt, s.ordinal
"""


def cohort(con: Connection, as_of: date) -> pd.DataFrame:
    """One row per trainee: months, projection, BT split, delmål counts and readiness."""
    df = con.cursor().execute(_COHORT, {"as_of": as_of}).df()
    for col in ("st_start_date", "projected_completion_date", "bt_approved_date"):
        df[col] = df[col].map(lambda v: v.date() if hasattr(v, "date") and not pd.isna(v) else (None if pd.isna(v) else v))
    return df


def delmal_long(con: Connection, as_of: date) -> pd.DataFrame:
    """(trainee_id, specialty, regulation, unit_id, code, is_bt, status) for every applicable delmål."""
    return con.cursor().execute(_DELMAL_LONG, {"as_of": as_of}).df()
