"""Credits (tillgodoräknande) by the rules of RULES.md section 2, in plain Python and as SQL.

A credit row is judged against the trainee's regulation: some combinations are refused outright
(``refusal``), and two kinds have a cap summed over the trainee's rows in their order (tidigare ST, and
doktorsexamen under HSLF-FS 2021:8). Entry (import and the app) refuses a row that breaks a rule; the
computation applies the same rules to whatever the database holds (a regulation may change after a
credit was entered), so a refused row counts nothing and a capped one counts what the cap leaves.
Every credit is listed as a notice: Socialstyrelsen assesses it.

Months are held in hundredths (a credit is given with at most two decimals), so every sum is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from tracker.domain import CREDIT_LABELS, REG_2015, REG_2021, Credit
from tracker.rules.facts import CREDIT_CAPS_MONTHS, MIN_MONTHS_2015_DOKTORSEXAMEN
from tracker.rules.numbers import hundredths, months_text, sv_number
from tracker.rules.readiness import lower_first

# Why a credit row counts nothing, by code (the SQL gives the code, the notices the sentence).
REFUSALS: dict[str, str] = {
    "bt_2015": "BT finns inte i SOSFS 2015:8, så inget kan tillgodoräknas mot BT",
    "doktorsexamen_2015": (
        f"under SOSFS 2015:8 ger doktorsexamen i stället minimitiden {sv_number(MIN_MONTHS_2015_DOKTORSEXAMEN)} "
        "månader (markeras på ST-läkaren), "
        "så den räknas inte två gånger"
    ),
    "annan_st_2021": (
        "under HSLF-FS 2021:8 får ST tillgodoräknas bara tidigare specialiseringstjänstgöring och forskning; "
        "annan merit kan tillgodoräknas mot BT"
    ),
}


def refusal(regulation: str, credit: Credit) -> str | None:
    """The code of the rule that refuses this row outright under the regulation (see REFUSALS), or None."""
    if credit.applies_to == "BT" and regulation != REG_2021:
        return "bt_2015"
    if credit.kind == "doktorsexamen" and regulation == REG_2015:
        return "doktorsexamen_2015"
    if credit.kind == "annan" and credit.applies_to == "ST" and regulation == REG_2021:
        return "annan_st_2021"
    return None


def cap_months(regulation: str, kind: str) -> Fraction | None:
    """The most a trainee may have credited of a kind under the regulation, summed over all rows."""
    return CREDIT_CAPS_MONTHS.get((regulation, kind))


@dataclass(frozen=True)
class CountedCredit:
    credit: Credit
    counted_hundredths: int
    refused: str | None  # a REFUSALS code

    @property
    def counted(self) -> Fraction:
        return Fraction(self.counted_hundredths, 100)


def count_credits(regulation: str, rows: Sequence[Credit]) -> list[CountedCredit]:
    """What each credit row counts, in row order: nothing when refused, else what its kind's cap leaves."""
    used: dict[str, int] = {}
    out = []
    for c in rows:
        months = hundredths(c.months)
        code = refusal(regulation, c)
        counted = 0
        if code is None:
            before = used.get(c.kind, 0)
            used[c.kind] = before + months
            cap = cap_months(regulation, c.kind)
            counted = months if cap is None else max(0, min(months, int(cap * 100) - before))
        out.append(CountedCredit(c, counted, code))
    return out


# The field a refused combination is corrected in.
REFUSAL_FIELDS = {"bt_2015": "applies_to", "doktorsexamen_2015": "kind", "annan_st_2021": "applies_to"}


def credit_error(
    regulation: str, trainee_id: str, earlier: Sequence[Credit], credit: Credit
) -> tuple[str, str] | None:
    """Why a new credit row may not be entered after ``earlier`` (the trainee's other rows), as (field,
    Swedish message), or None.

    The same rules as ``count_credits``: a refused combination, or a cap the sum would pass; the
    message names the trainee and the sum."""
    code = refusal(regulation, credit)
    if code is not None:
        return REFUSAL_FIELDS[code], (
            f"{CREDIT_LABELS[credit.kind]} kan inte tillgodoräknas för {trainee_id}: {REFUSALS[code]}"
        )
    cap = cap_months(regulation, credit.kind)
    if cap is None:
        return None
    total = sum(hundredths(c.months) for c in earlier if c.kind == credit.kind and refusal(regulation, c) is None)
    total += hundredths(credit.months)
    if total > cap * 100:
        return "months", (
            f"{lower_first(CREDIT_LABELS[credit.kind])} för {trainee_id} blir sammanlagt {sv_number(Fraction(total, 100))} "
            f"månader; högst {sv_number(cap)} månader får tillgodoräknas"
        )
    return None


def credit_notice(regulation: str, c: CountedCredit) -> str:
    """The notice a credit gives on the progress (RULES 2: Socialstyrelsen assesses every credit)."""
    cr = c.credit
    months = months_text(Fraction(hundredths(cr.months), 100))
    what = f"Tillgodoräknande: {lower_first(CREDIT_LABELS[cr.kind])} {months} mot {cr.applies_to}"
    if c.refused is not None:
        return f"{what} räknas inte: {REFUSALS[c.refused]}."
    cap = cap_months(regulation, cr.kind)
    if cap is not None and c.counted_hundredths < hundredths(cr.months):
        return (
            f"{what} räknas med {months_text(c.counted)} (högst {sv_number(cap)} månader sammanlagt); "
            "bedöms av Socialstyrelsen."
        )
    return f"{what}; bedöms av Socialstyrelsen."


def credits_sql(regulation: str = "t.regulation") -> str:
    """One row per credit of the trainees in CTE ``t`` (with its regulation): ``trainee_id, credit_id,
    kind, applies_to, months_h`` (hundredths), ``refused`` (a REFUSALS code or NULL), ``cap_h`` and what
    it counts, ``counted_h``, by the same rules as ``count_credits``."""
    caps = " ".join(
        f"WHEN {regulation} = '{reg}' AND c.kind = '{kind}' THEN {int(cap * 100)}"
        for (reg, kind), cap in sorted(CREDIT_CAPS_MONTHS.items())
    )
    judged = f"""
    SELECT c.trainee_id, c.credit_id, c.kind, c.applies_to,
           CAST(round(c.months * 100) AS BIGINT) AS months_h,
           CASE WHEN c.applies_to = 'BT' AND {regulation} <> '{REG_2021}' THEN 'bt_2015'
                WHEN c.kind = 'doktorsexamen' AND {regulation} = '{REG_2015}' THEN 'doktorsexamen_2015'
                WHEN c.kind = 'annan' AND c.applies_to = 'ST' AND {regulation} = '{REG_2021}' THEN 'annan_st_2021'
           END AS refused,
           CASE {caps} END AS cap_h
    FROM credit c JOIN t USING (trainee_id)
    """
    # a capped row counts what the accepted rows of its kind before it leave of the cap
    return f"""
    SELECT *, CASE WHEN refused IS NOT NULL THEN 0
                   WHEN cap_h IS NULL THEN months_h
                   ELSE greatest(0, least(months_h, cap_h - coalesce(sum(months_h) OVER (
                        PARTITION BY trainee_id, kind, refused IS NULL ORDER BY credit_id
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))) END AS counted_h
    FROM ({judged})
    """
