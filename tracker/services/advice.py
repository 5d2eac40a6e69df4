"""What to tell a trainee about their progress: the checklist for the application for bevis om
specialistkompetens and the next few things to do, as Swedish sentences (pure: no database)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tracker.domain import STATUS_EJ, STATUS_UPPFYLLT, TYPE_LABELS, sv_date
from tracker.rules.facts import BT_MIN_ACUTE, BT_MIN_MONTHS, BT_MIN_PRIMARY
from tracker.rules.numbers import sv_number
from tracker.rules.readiness import BAS_SPECIALTY, BT, DELMAL, DOCUMENT, REQUIRED_DOCUMENTS, TIME
from tracker.rules.reference import Progress
from tracker.services.shared import records_of


def readiness(progress: Progress) -> list[tuple[bool, str, list[str]]]:
    """The checklist for the application for bevis om specialistkompetens (RULES.md section 7).

    One (done, label, sentences) per item; the sentences are the Swedish explanations of what is
    missing for that item, chosen by each missing item's kind and code (never by its wording).
    """

    def about(kind: str, code: str | None = None) -> list[str]:
        return [m.text for m in progress.missing_items if m.kind == kind and (code is None or m.code == code)]

    delmal_done = sum(1 for v in progress.delmal.values() if v == STATUS_UPPFYLLT)
    items: list[tuple[bool, str, list[str]]] = []
    if progress.bt is not None:
        bt_lines = about(BT)
        items.append((progress.bt.approved, "Bastjänstgöringen är godkänd", bt_lines))
    time_lines = about(TIME)
    items.append(
        (not time_lines, f"Tjänstgöringstid minst {sv_number(progress.required_months)} månader på heltid", time_lines)
    )
    delmal_lines = about(DELMAL)
    items.append(
        (
            not delmal_lines,
            f"Alla delmål uppfyllda ({delmal_done} av {len(progress.delmal)})",
            delmal_lines,
        )
    )
    for doc, form in REQUIRED_DOCUMENTS[progress.regulation]:
        lines = about(DOCUMENT, doc)
        items.append((not lines, f"{TYPE_LABELS[doc]} ({form}) signerat", lines))
    bas_lines = about(BAS_SPECIALTY)
    if progress.bas_required:
        items.append((not bas_lines, "Bevis om specialistkompetens i basspecialiteten registrerat", bas_lines))
    return items


def next_steps(
    progress: Progress, certs: pd.DataFrame, delmal: pd.DataFrame | None = None, limit: int = 3
) -> list[str]:
    """The next few things the trainee should do, most urgent first, as Swedish sentences that read right to
    the trainee and to their handledare and studierektor alike ("till handledaren", not "till din")."""
    steps: list[str] = []
    live = records_of(certs)

    def title(r: dict[str, Any]) -> str:
        return str(r["title"] or TYPE_LABELS.get(r["type"], r["type"]))

    for r in (r for r in live if r["status"] == "returnerat"):
        comment = f" Handledarens kommentar: {r['comment']}" if r["comment"] else ""
        steps.append(f"Rätta och skicka om det returnerade intyget ”{title(r)}”.{comment}")
    for r in (r for r in live if r["status"] == "utkast"):
        steps.append(f"Skicka intyget ”{title(r)}” till handledaren för signering.")
    bt = progress.bt
    if bt is not None and not bt.approved:
        if not bt.time_complete:
            need = []
            if bt.primary_care_months < BT_MIN_PRIMARY:
                need.append(f"primärvård ({sv_number(BT_MIN_PRIMARY - bt.primary_care_months)} mån kvar)")
            if bt.acute_care_months < BT_MIN_ACUTE:
                need.append(f"akut sjukvård ({sv_number(BT_MIN_ACUTE - bt.acute_care_months)} mån kvar)")
            if need:
                steps.append("Planera BT-tjänstgöring i " + " och ".join(need) + ".")
            else:
                steps.append(
                    f"BT-tiden behöver bli minst {sv_number(BT_MIN_MONTHS)} månader; nu {sv_number(bt.months)} mån."
                )
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
        for r in records_of(todo.head(limit)):
            what = f" {r['missing']}" if r["missing"] else ""
            steps.append(f"Planera en utbildningsaktivitet för delmål {r['code']} ({r['title']}).{what}")
    if progress.counted_months < progress.required_months:
        when = progress.projected_completion_date
        tail = f" (beräknat klar {sv_date(when)})" if when else ""
        steps.append(
            f"Fortsätt tjänstgöringen: {sv_number(progress.remaining_months)} mån återstår till minimitiden{tail}."
        )
    if progress.ready_to_apply:
        steps.insert(0, "Allt är klart: ansök om bevis om specialistkompetens hos Socialstyrelsen.")
    return steps[:limit]
