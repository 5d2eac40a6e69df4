"""One delmål of a source to one delmål record of the catalogue: its required and recommended types."""

from __future__ import annotations

from typing import Any

from .activities import ELLER, RECOMMENDED_ONLY, classify
from .corrections import Corrections
from .model import BuildError, RawDelmal, group_of


def build_requirements(
    raw: RawDelmal, corrections: Corrections
) -> tuple[list[list[str]], list[str], list[str]]:
    """Required alternatives lists, recommended types and the real Utbildningsaktiviteter strings."""
    advice_set = set(raw.advice)
    activities = list(raw.activities)
    duplicated = [a for a in activities if a in advice_set]
    if duplicated:
        activities = [a for a in activities if a not in advice_set]
        corrections.add(
            raw.where,
            "Removed from the required activities the items that also appear under Allmänna råd: "
            + "; ".join(f"'{d}'" for d in duplicated),
            "The transcription appends the Allmänna råd items to the Utbildningsaktiviteter here; "
            "Allmänna råd are recommendations, never requirements. The items are kept in advice_text "
            "and removed from activities_text.",
        )
    groups: list[list[str]] = []
    join_next = False
    for i, text in enumerate(activities):
        if text.strip().lower() == ELLER:
            if not groups or i == len(activities) - 1 or join_next:
                raise BuildError(f"{raw.where}: 'eller' item without a neighbour on both sides")
            join_next = True
            continue
        types = classify(text)
        if types is None:
            raise BuildError(f"{raw.where}: unmapped activity string {text!r}")
        if join_next:
            groups[-1].extend(t for t in types if t not in groups[-1])
            join_next = False
        else:
            groups.append(list(types))
    recommended: list[str] = []
    for text in raw.advice:
        types = classify(text)
        if types is None:
            raise BuildError(f"{raw.where}: unmapped Allmänna råd string {text!r}")
        recommended.extend(t for t in types if t not in recommended)
    required: list[list[str]] = []
    for group in groups:
        keep = [t for t in group if t not in RECOMMENDED_ONLY]
        moved = [t for t in group if t in RECOMMENDED_ONLY]
        if moved:
            recommended.extend(t for t in moved if t not in recommended)
            corrections.add(
                raw.where,
                f"Activity alternatives {group} in Utbildningsaktiviteter: required {keep or 'nothing'}, "
                f"{moved} recorded as recommended",
                "Seminarium, medsittning, reflektion, simulering, teoretiska studier and större "
                "sammankomst have no certificate and are only ever recommended; kept as recommended so "
                "that nothing is lost.",
            )
        if keep and keep not in required:
            required.append(keep)
    return required, recommended, activities


def delmal_record(
    raw: RawDelmal,
    corrections: Corrections,
    *,
    code: str | None = None,
    title_official: bool = False,
) -> dict[str, Any]:
    code = code or raw.code
    required, recommended, activities = build_requirements(raw, corrections)
    record: dict[str, Any] = {
        "code": code,
        "group": group_of(code),
        "title": raw.title,
        "title_official": title_official,
        "kompetenskrav": list(raw.kompetenskrav),
        "required": required,
        "recommended": recommended,
        "activities_text": activities,
        "advice_text": list(raw.advice),
    }
    if raw.doubt:
        record["doubt"] = raw.doubt
    return record
