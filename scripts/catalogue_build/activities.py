"""Activity types and the rules that map a målbeskrivning's activity strings to them.

Every string of every file must match one rule; the first matching rule wins. A string containing
" alternativt " is split and each part classified, the parts being alternatives. Patterns are matched
case-insensitively at the start of the string.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import BuildError, RawDelmal

ACTIVITY_TYPES: dict[str, str] = {
    "klinisk_tjanstgoring": "Klinisk tjänstgöring under handledning",
    "auskultation": "Auskultation",
    "kurs": "Kurs",
    "utvecklingsarbete": "Deltagande i utvecklingsarbete",
    "kvalitetsarbete": "Kvalitets- och utvecklingsarbete",
    "skriftligt_arbete": "Självständigt skriftligt arbete enligt vetenskapliga principer",
    "vetenskap": "Delmål STa3 Medicinsk vetenskap (bilaga 12)",
    "bt_delmal": "Intyg om delmål i bastjänstgöringen",
    "sammankomst": "Större yrkesrelaterad sammankomst",
    "ovrig_aktivitet": (
        "Övrig aktivitet (seminarium, medsittning, reflektion i grupp, simulering, teoretiska studier)"
    ),
}
# Activity types that only ever come from Allmänna råd: they are recommended, never required.
RECOMMENDED_ONLY = frozenset({"ovrig_aktivitet", "sammankomst"})


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    types: tuple[str, ...]
    reason: str


def _rule(pattern: str, types: Sequence[str], reason: str) -> Rule:
    return Rule(re.compile(pattern, re.IGNORECASE), tuple(types), reason)


RULES: tuple[Rule, ...] = (
    _rule(r"klinisk tjänstgöring under handledning\b", ["klinisk_tjanstgoring"], "klinisk tjänstgöring"),
    _rule(r"auskultation\b", ["auskultation"], "auskultation"),
    _rule(
        r"deltagande i (en eller flera )?kurs(er)? eller seminari",
        ["kurs", "ovrig_aktivitet"],
        "kurs or seminarium (alternatives)",
    ),
    _rule(
        r"deltagande i (en eller flera )?kurs(er)?\b",
        ["kurs"],
        "kurs (also 'kurs eller utbildning/utbildningsmoment/metodutbildning')",
    ),
    _rule(r"deltagande i utvecklingsarbete$", ["utvecklingsarbete"], "utvecklingsarbete (2021)"),
    _rule(
        r"(deltagande i )?kvalitets- och utvecklingsarbete$", ["kvalitetsarbete"], "kvalitetsarbete (2015)"
    ),
    _rule(r"självständigt skriftligt arbete\b", ["skriftligt_arbete"], "självständigt skriftligt arbete"),
    _rule(r"deltagande i större yrkesrelaterad sammankomst$", ["sammankomst"], "större sammankomst"),
    _rule(r"deltagande i (strukturerade fall)?seminari(um|er)$", ["ovrig_aktivitet"], "seminarium"),
    _rule(r"(observation och )?medsittning\b", ["ovrig_aktivitet"], "medsittning"),
    _rule(r"observation av\b", ["ovrig_aktivitet"], "observation (medsittning)"),
    _rule(
        r"deltagande i (inom- eller mellanprofessionell )?reflektion i grupp$",
        ["ovrig_aktivitet"],
        "reflektion i grupp",
    ),
    _rule(r"(träning i simulerad miljö|simuleringsövningar)\b", ["ovrig_aktivitet"], "simulering"),
    _rule(r"teoretiska studier\b", ["ovrig_aktivitet"], "teoretiska studier"),
    _rule(r"egen fördjupning\b", ["ovrig_aktivitet"], "egen fördjupning (teoretiska studier)"),
    _rule(r"(handleda|undervisa) under handledning$", ["ovrig_aktivitet"], "handleda/undervisa"),
    _rule(
        r"(deltagande (i|vid) .*konferens|teamkonferenser|diskussion av .* på konferenser)",
        ["ovrig_aktivitet"],
        "konferens",
    ),
    _rule(
        r"(deltagande i samordningsmöten|deltagande i samverkansmöten|gemensamma möten|"
        r"gemensamma ronddiskussioner)",
        ["ovrig_aktivitet"],
        "möten och ronder",
    ),
    _rule(r"(genomgång av ärenden|journalgenomgång)\b", ["ovrig_aktivitet"], "genomgång"),
    _rule(r"vårdteamarbete$", ["ovrig_aktivitet"], "vårdteamarbete"),
    _rule(r"kontakt med brukarorganisationer\b", ["ovrig_aktivitet"], "kontakt med brukarorganisationer"),
)
ELLER = "eller"
ALTERNATIVT = re.compile(r"\s+alternativt\s+", re.IGNORECASE)


def classify(text: str) -> tuple[str, ...] | None:
    """Activity types named by one Utbildningsaktiviteter/Allmänna råd string (alternatives)."""
    parts = ALTERNATIVT.split(text.strip())
    types: list[str] = []
    for part in parts:
        rule = next((r for r in RULES if r.pattern.match(part.strip())), None)
        if rule is None:
            return None
        types.extend(t for t in rule.types if t not in types)
    return tuple(types)


def all_strings(raws: Iterable[RawDelmal]) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for raw in raws:
        for text in [*raw.activities, *raw.advice]:
            if text.strip().lower() != ELLER:
                seen.setdefault(text, set()).add(raw.where.split(" ")[0])
    return seen


def check_all_strings_mapped(raws: Sequence[RawDelmal]) -> dict[str, tuple[str, ...]]:
    """Classify every distinct string first; report all unmapped ones at once."""
    seen = all_strings(raws)
    mapping: dict[str, tuple[str, ...]] = {}
    unmapped: list[str] = []
    for text in sorted(seen):
        types = classify(text)
        if types is None:
            unmapped.append(f"unmapped activity string {text!r} (in {', '.join(sorted(seen[text]))})")
        else:
            mapping[text] = types
    if unmapped:
        for line in unmapped:
            print(f"error: {line}", file=sys.stderr)
        raise BuildError(f"{len(unmapped)} activity string(s) could not be mapped to an activity type")
    return mapping
