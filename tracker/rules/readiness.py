"""What stands between a trainee and the application for bevis om specialistkompetens (RULES 7), and
what must be acted on without blocking it (notices), as Swedish sentences with a machine-readable kind.

Both engines (``reference`` and ``setbased``) compute the figures; the items and notices are written
here once, so the two print the same words.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tracker.domain import BEVIS_BAS, REG_2015, REG_2021, TYPE_LABELS
from tracker.rules.facts import BT_MIN_ACUTE, BT_MIN_MONTHS, BT_MIN_PRIMARY
from tracker.rules.numbers import months_text, sv_number

# The kinds of missing item (INTERFACE: missing_items[].kind).
TIME = "time"
BT = "bt"
DELMAL = "delmal"
DOCUMENT = "document"
BAS_SPECIALTY = "bas_specialty"


@dataclass(frozen=True)
class MissingItem:
    kind: str  # TIME, BT, DELMAL, DOCUMENT or BAS_SPECIALTY
    code: str | None  # the delmål or document code
    text: str

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "code": self.code, "text": self.text}


@dataclass(frozen=True)
class BTStanding:
    months: Fraction
    primary_care_months: Fraction
    acute_care_months: Fraction
    time_complete: bool
    approved: bool


# The summary documents each regulation needs for the application, with their forms.
REQUIRED_DOCUMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    REG_2021: (("fullgjord_st", "bilaga 6"), ("specialistkompetens", "bilaga 7")),
    REG_2015: (("specialistkompetens", "bilaga 2"),),
}


def lower_first(label: str) -> str:
    """'Kurs' -> 'kurs' inside a sentence; codes and names further on keep their case."""
    return label[:1].lower() + label[1:]


def activities_text(groups: Sequence[Sequence[str]]) -> str:
    """Activity type groups as Swedish text: 'kurs eller auskultation, klinisk tjänstgöring ...'."""
    return ", ".join(" eller ".join(lower_first(TYPE_LABELS.get(t, t)) for t in g) for g in groups)


def delmal_sentence(code: str, lacking: Sequence[Sequence[str]]) -> str:
    if not lacking:
        return f"Delmål {code} är inte uppfyllt."
    return f"Delmål {code} är inte uppfyllt: signerat intyg saknas för {activities_text(lacking)}."


def bas_sentence(options: Sequence[str], all_bas: bool) -> str:
    if all_bas:
        where = "en basspecialitet"
    elif len(options) == 1:
        where = f"basspecialiteten {options[0]}"
    else:
        where = f"någon av basspecialiteterna {', '.join(options)}"
    return f"Bevis om specialistkompetens i {where} är inte registrerat."


def _each_part() -> str:
    if BT_MIN_PRIMARY == BT_MIN_ACUTE:
        return f"{sv_number(BT_MIN_PRIMARY)} i varje"
    return f"{sv_number(BT_MIN_PRIMARY)} i primärvård och {sv_number(BT_MIN_ACUTE)} i akut sjukvård"


def missing_items(
    *,
    regulation: str,
    required: Fraction,
    counted: Fraction,
    bt: BTStanding | None,
    unmet_delmal: Sequence[tuple[str, Sequence[Sequence[str]]]],
    documents: Collection[str],
    bas: tuple[tuple[str, ...], bool, bool] | None,
) -> list[MissingItem]:
    """Everything missing for the application, in the order a trainee reads it.

    ``unmet_delmal``: (code, activity groups still lacking a signed certificate) for each applicable
    delmål not uppfyllt, in catalogue order. ``documents``: the summary document types signed on the
    as-of date. ``bas``: None when the specialty builds on none, else (the basspecialiteter that qualify,
    whether that is every basspecialitet, whether a bevis in one of them is recorded)."""
    items: list[MissingItem] = []
    if bt is not None:
        if not bt.approved:
            items.append(MissingItem(
                BT, None, "Bastjänstgöringen är inte godkänd: datum för intyg om godkänd bastjänstgöring saknas."
            ))
        if not bt.time_complete:
            items.append(MissingItem(
                BT,
                None,
                f"BT-tiden är {sv_number(bt.months)} månader (primärvård {sv_number(bt.primary_care_months)}, "
                f"akut sjukvård {sv_number(bt.acute_care_months)}); minst {sv_number(BT_MIN_MONTHS)} månader "
                f"varav {_each_part()} krävs.",
            ))
    if counted < required:
        items.append(MissingItem(
            TIME,
            None,
            f"Tjänstgöringstiden är {sv_number(counted)} av {sv_number(required)} månader; "
            f"{sv_number(required - counted)} månader återstår.",
        ))
    for code, lacking in unmet_delmal:
        items.append(MissingItem(DELMAL, code, delmal_sentence(code, lacking)))
    for doc, form in REQUIRED_DOCUMENTS[regulation]:
        if doc not in documents:
            items.append(MissingItem(DOCUMENT, doc, f"{TYPE_LABELS[doc]} ({form}) är inte signerat."))
    if bas is not None:
        options, all_bas, recorded = bas
        if not recorded:
            items.append(MissingItem(BAS_SPECIALTY, BEVIS_BAS, bas_sentence(options, all_bas)))
    return items


def bas_recorded(titles: Collection[str], options: Collection[str]) -> bool:
    """Whether one of the recorded bevis_bas titles names one of the qualifying basspecialiteter."""
    wanted = {o.strip().casefold() for o in options}
    return any(t.strip().casefold() in wanted for t in titles)


def legitimation_notices(bt_months_before: Fraction, st_days_before: int) -> list[str]:
    """RULES 2: BT days before the legitimation date count and must be declared; ST days do not count."""
    out = []
    if bt_months_before > 0:
        out.append(
            f"BT-tjänstgöring före legitimationsdatum: {months_text(bt_months_before)} på heltid räknas i BT "
            "och ska anges i ansökan om intyg om godkänd bastjänstgöring (bilaga 1, Tjänstgöring före legitimation)."
        )
    if st_days_before > 0:
        days = "1 dag" if st_days_before == 1 else f"{st_days_before} dagar"
        out.append(f"ST-tjänstgöring före legitimationsdatum räknas inte: {days}.")
    return out
