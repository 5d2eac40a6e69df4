"""The facts of the regulations the tracker computes with, each written once.

The reference path uses them as exact fractions, the set-based SQL has them interpolated, and the demo,
the charts and the advice texts read them from here. Sources: SOSFS 2015:8 and HSLF-FS 2021:8 (minimum
times, BT), the AT rules (AT), and the project's own settings (projection horizon, cohort risk).
"""

from __future__ import annotations

from fractions import Fraction

from tracker.domain import BT_PART_BY_SETTING, REG_2015, REG_2021, REGULATION_2021_START

# Minimum time, in full-time months: HSLF-FS 2021:8 counts BT within its 66; SOSFS 2015:8 has 60, or 54
# with a doktorsexamen.
MIN_MONTHS = {REG_2021: Fraction(66), REG_2015: Fraction(60)}
MIN_MONTHS_2015_DOKTORSEXAMEN = Fraction(54)

# BT (HSLF-FS 2021:8): at least 6 months, of which at least 3 in primärvård and 3 in akut sjukvård.
BT_MIN_MONTHS = Fraction(6)
BT_MIN_PRIMARY = Fraction(3)
BT_MIN_ACUTE = Fraction(3)

# AT: at least 18 months; 9 in internal medicine and surgery together with at least 3 in each;
# 3 in psychiatry; 6 in general practice; placements below 50 % do not count.
AT_MIN_MONTHS = Fraction(18)
AT_MIN_MEDICINE_AND_SURGERY = Fraction(9)
AT_MIN_EACH_OF_MEDICINE_AND_SURGERY = Fraction(3)
AT_MIN_PSYCHIATRY = Fraction(3)
AT_MIN_GENERAL_PRACTICE = Fraction(6)
AT_MIN_PART_TIME = 50

# Credits (RULES 2): tidigare ST at most 30 months per trainee in total (half of a previous ST, both
# regulations); under HSLF-FS 2021:8 a doktorsexamen at most 6 months (an assumption: the amount is not
# confirmed). Keyed by (regulation, kind), summed over the trainee's rows.
CREDIT_CAPS_MONTHS: dict[tuple[str, str], Fraction] = {
    (REG_2015, "tidigare_st"): Fraction(30),
    (REG_2021, "tidigare_st"): Fraction(30),
    (REG_2021, "doktorsexamen"): Fraction(6),
}

# The most one credit row may give: the whole minimum time (an input bound, not a rule).
MAX_CREDIT_MONTHS = MIN_MONTHS[REG_2021]

# How far a projection looks (a trainee at 1 % for ever never finishes); beyond it: unreachable.
PROJECTION_HORIZON_YEARS = 60


def regulation_sql(trainee: str = "t") -> str:
    """Which regulation applies to a trainee row (alias ``trainee``), as the reference path decides it:
    an explicit choice, else SOSFS 2015:8 after a Swedish AT or an ST start before HSLF-FS 2021:8."""
    return (
        f"CASE WHEN {trainee}.regulation_choice IS NOT NULL THEN {trainee}.regulation_choice "
        f"WHEN {trainee}.swedish_at OR {trainee}.st_start_date < DATE '{REGULATION_2021_START.isoformat()}' "
        f"THEN '{REG_2015}' ELSE '{REG_2021}' END"
    )


def bt_part_sql(placement: str = "p") -> str:
    """A BT placement's part (RULES 4): the recorded ``bt_part``, else from its setting."""
    cases = " ".join(f"WHEN '{s}' THEN '{part}'" for s, part in BT_PART_BY_SETTING.items())
    return f"coalesce({placement}.bt_part, CASE {placement}.setting {cases} ELSE 'annan' END)"


def required_months_sql(regulation: str, doktorsexamen: str) -> str:
    """The minimum time for a regulation and doktorsexamen flag (SQL expressions), as a DOUBLE."""
    return (
        f"CASE WHEN {regulation} = '{REG_2015}' AND {doktorsexamen} THEN {float(MIN_MONTHS_2015_DOKTORSEXAMEN)} "
        f"WHEN {regulation} = '{REG_2015}' THEN {float(MIN_MONTHS[REG_2015])} "
        f"ELSE {float(MIN_MONTHS[REG_2021])} END"
    )


# Cohort risk settings (the project's, not the regulations'): behind pace = counted service below 75 %
# of the calendar time since ST start (judged after six months); long leave = 120 non-counting days in
# the last twelve months; late delmål = still 'ej påbörjat' after two thirds of the minimum time.
RISK_PACE = 0.75
RISK_PACE_MIN_ELAPSED = 6.0
RISK_LEAVE_DAYS = 120
RISK_LATE_SHARE = 2 / 3
