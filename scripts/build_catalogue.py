#!/usr/bin/env python3
"""Build data/catalogue.json, the delmål catalogue the tracker reads at runtime.

Sources (see data/PROVENANCE.md):
- the ST-ARK project's transcription of Socialstyrelsen's målbeskrivningar (Apache-2.0):
  ``<source>/2015/*.json``, ``<source>/2021/*.json`` (63 specialties + ``common.json`` each) and
  ``<source>/bt-2021.json``;
- Socialstyrelsen's målbeskrivning for psykiatri under SOSFS 2015:8 (``<official>/targets2015.txt``),
  which replaces the transcription's defective Psykiatri 2015;
- Svenska Psykiatriska Föreningen's guide for HSLF-FS 2021:8 (``<official>/recommendations2021.txt``),
  used for the psykiatri 2021 code list.

Usage::

    python scripts/build_catalogue.py [--source DIR] [--official DIR] [--out data/catalogue.json] [--report]

The script uses the standard library only and writes the same bytes for the same input. It stops
with an error on anything it cannot interpret (an unmapped activity string, an unknown specialty
name, a duplicated delmål code with different content, ...) rather than guessing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "reference" / "malbeskrivningar"
DEFAULT_OUT = REPO_ROOT / "data" / "catalogue.json"

FORMAT_VERSION = 1
REG_2015 = "SOSFS 2015:8"
REG_2021 = "HSLF-FS 2021:8"
REGULATION_BY_FOLDER = {"2015": REG_2015, "2021": REG_2021}

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

GENERATED_FROM = (
    "ST-ARK transcription of Socialstyrelsen's målbeskrivningar (malbeskrivningar/2015/*.json, "
    "malbeskrivningar/2021/*.json, malbeskrivningar/bt-2021.json); Socialstyrelsen, målbeskrivning "
    "psykiatri SOSFS 2015:8 (blanketter/targets2015.txt); Svenska Psykiatriska Föreningen, "
    "rekommendationer HSLF-FS 2021:8 (blanketter/recommendations2021.txt); converted by "
    "scripts/build_catalogue.py"
)
LICENSE_NOTICE = (
    "The delmål data are derived from the transcription of the målbeskrivningar in the ST-ARK project "
    "(github.com/ahfroberg-cmd/st-ark), licensed under the Apache License, Version 2.0 "
    "(data/LICENSE-ST-ARK). They were converted, restructured and corrected; every correction is "
    "listed under 'corrections' and in data/PROVENANCE.md. The underlying regulations are "
    "Socialstyrelsen's (SOSFS 2015:8, HSLF-FS 2021:8)."
)


class BuildError(Exception):
    """The sources cannot be converted without guessing."""


# ---------------------------------------------------------------------------------------------
# Specialty register (DOMAIN.md section 6). The transcription has no kind or required bas.
# ---------------------------------------------------------------------------------------------

BAS = (
    # Barn- och ungdomsmedicinska
    "Barn- och ungdomsmedicin",
    # Bild- och funktionsmedicinska
    "Klinisk fysiologi",
    "Radiologi",
    # Invärtesmedicinska
    "Endokrinologi och diabetologi",
    "Geriatrik",
    "Hematologi",
    "Internmedicin",
    "Kardiologi",
    "Lungsjukdomar",
    "Medicinsk gastroenterologi och hepatologi",
    "Njurmedicin",
    # Kirurgiska
    "Anestesi och intensivvård",
    "Barn- och ungdomskirurgi",
    "Handkirurgi",
    "Kirurgi",
    "Kärlkirurgi",
    "Obstetrik och gynekologi",
    "Ortopedi",
    "Plastikkirurgi",
    "Thoraxkirurgi",
    "Urologi",
    "Ögonsjukdomar",
    "Öron-, näs- och halssjukdomar",
    # Laboratoriemedicinska
    "Klinisk immunologi och transfusionsmedicin",
    "Klinisk kemi",
    "Klinisk mikrobiologi",
    "Klinisk patologi",
    # Neurologiska
    "Klinisk neurofysiologi",
    "Neurokirurgi",
    "Neurologi",
    "Rehabiliteringsmedicin",
    # Psykiatriska
    "Barn- och ungdomspsykiatri",
    "Psykiatri",
    # Enskilda basspecialiteter
    "Akutsjukvård",
    "Allmänmedicin",
    "Arbets- och miljömedicin",
    "Hud- och könssjukdomar",
    "Infektionssjukdomar",
    "Klinisk farmakologi",
    "Klinisk genetik",
    "Onkologi",
    "Reumatologi",
    "Rättsmedicin",
    "Socialmedicin",
)
GREN = {
    "Barn- och ungdomsallergologi": "Barn- och ungdomsmedicin",
    "Barn- och ungdomshematologi och onkologi": "Barn- och ungdomsmedicin",
    "Barn- och ungdomskardiologi": "Barn- och ungdomsmedicin",
    "Barn- och ungdomsneurologi med habilitering": "Barn- och ungdomsmedicin",
    "Neonatologi": "Barn- och ungdomsmedicin",
    "Neuroradiologi": "Radiologi",
    "Hörsel- och balansrubbningar": "Öron-, näs- och halssjukdomar",
    "Röst- och talrubbningar": "Öron-, näs- och halssjukdomar",
    "Rättspsykiatri": "Psykiatri",
}
_TILLAGG_UNCONFIRMED = (
    "The basspecialiteter that qualify for this tilläggsspecialitet are listed in its målbeskrivning, "
    "which was not available; left empty (unconfirmed)."
)
TILLAGG: dict[str, tuple[tuple[str, ...], str]] = {
    "Allergologi": ((), _TILLAGG_UNCONFIRMED),
    "Arbetsmedicin": ((), _TILLAGG_UNCONFIRMED),
    "Beroendemedicin": (
        ("Psykiatri",),
        "A psykiatrisk tilläggsspecialitet (DOMAIN.md section 6, Läkartidningen 2021); whether other "
        "basspecialiteter also qualify is unconfirmed.",
    ),
    "Gynekologisk onkologi": ((), _TILLAGG_UNCONFIRMED),
    "Nuklearmedicin": ((), _TILLAGG_UNCONFIRMED),
    "Palliativ medicin": (
        (),
        "Open to all clinical basspecialiteter (DOMAIN.md section 6, Läkartidningen 2021); the list is "
        "not encoded.",
    ),
    "Skolhälsovård": ((), _TILLAGG_UNCONFIRMED),
    "Smärtlindring": ((), _TILLAGG_UNCONFIRMED),
    "Vårdhygien": ((), _TILLAGG_UNCONFIRMED),
    "Äldrepsykiatri": ((), _TILLAGG_UNCONFIRMED),
}
# Extra names under which a specialty may be looked up.
ALIASES = {
    "Thoraxkirurgi": ("Toraxkirurgi",),
    "Barn- och ungdomskardiologi": ("Barn- och ungdoms-kardiologi",),
}
# Transcription `specialty` values that are misspelt: value -> the name used in the catalogue.
NAME_FIXES = {"Barn- och ungdoms-kardiologi": "Barn- och ungdomskardiologi"}

# ---------------------------------------------------------------------------------------------
# Activity strings -> activity types. Every string of every file must match one rule; the first
# matching rule wins. A string containing " alternativt " is split and each part classified, the
# parts being alternatives. Patterns are matched case-insensitively at the start of the string.
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Reading the transcription
# ---------------------------------------------------------------------------------------------


@dataclass
class RawDelmal:
    code: str
    title: str
    kompetenskrav: list[str]
    activities: list[str]
    advice: list[str]
    where: str


@dataclass
class Corrections:
    items: list[dict[str, str]] = field(default_factory=list)

    def add(self, where: str, what: str, why: str) -> None:
        self.items.append({"where": where, "what": what, "why": why})


def _items(section: dict[str, Any]) -> list[str]:
    if "items" in section:
        return [str(x) for x in section["items"]]
    text = str(section.get("text", "")).strip()
    return [text] if text else []


def read_milestone(m: dict[str, Any], where: str) -> RawDelmal:
    sections = m.get("sections")
    if isinstance(sections, dict):
        krav = [str(x) for x in sections.get("kompetenskrav", [])]
        acts = [str(x) for x in sections.get("utbildningsaktiviteter", [])]
        advice = [str(x) for x in sections.get("allmannaRad", [])]
    elif isinstance(sections, list):
        by_title = {str(s.get("title")): s for s in sections}
        known = {"Kompetenskrav", "Utbildningsaktiviteter", "Allmänna råd", "Uppföljning", "Intyg"}
        unknown = set(by_title) - known
        if unknown:
            raise BuildError(f"{where}: unknown section titles {sorted(unknown)}")
        krav = _items(by_title.get("Kompetenskrav", {}))
        acts = _items(by_title.get("Utbildningsaktiviteter", {}))
        advice = _items(by_title.get("Allmänna råd", {}))
    elif sections is None and "kompetenskrav" in m:
        krav, acts, advice = [str(x) for x in m["kompetenskrav"]], [], []
    else:
        raise BuildError(f"{where}: milestone without sections")
    return RawDelmal(
        code=str(m["code"]),
        title=str(m["title"]).strip(),
        kompetenskrav=krav,
        activities=acts,
        advice=advice,
        where=where,
    )


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@dataclass
class SpecialtySource:
    name: str
    file: str
    delmal: list[RawDelmal]


def read_folder(source: Path, folder: str) -> tuple[list[RawDelmal], list[SpecialtySource]]:
    base = source / folder
    if not base.is_dir():
        raise BuildError(f"missing folder {base}")
    common_doc = load_json(base / "common.json")
    common = [read_milestone(m, f"{folder}/common.json {m['code']}") for m in common_doc["milestones"]]
    specialties: list[SpecialtySource] = []
    for path in sorted(base.glob("*.json")):
        if path.name == "common.json":
            continue
        doc = load_json(path)
        rel = f"{folder}/{path.name}"
        if "specialty" not in doc:
            raise BuildError(f"{rel}: no 'specialty' field")
        if str(doc.get("version")) != folder:
            raise BuildError(f"{rel}: version {doc.get('version')!r} does not match its folder")
        delmal = [read_milestone(m, f"{rel} {m['code']}") for m in doc["milestones"]]
        specialties.append(SpecialtySource(str(doc["specialty"]).strip(), rel, delmal))
    return common, specialties


# ---------------------------------------------------------------------------------------------
# Official texts
# ---------------------------------------------------------------------------------------------

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
PAGE_NOISE = re.compile(r"^(\d{3}|Psykiatri|LÄKARNAS SPECIALISERINGSTJÄNSTGÖRING|SOCIALSTYRELSEN)$")
ACTIVITY_START = re.compile(
    r"^(Klinisk tjänstgöring|Deltagande i|Auskultation|Kvalitets- och|Självständigt skriftligt)"
)
SUSPENDED_COMPOUND_NEXT = {"och", "eller", "samt", "till"}


def clean_text(text: str) -> str:
    for lig, repl in LIGATURES.items():
        text = text.replace(lig, repl)
    return text


def join_lines(lines: Iterable[str]) -> str:
    """Join wrapped lines of a PDF text extract into one string, undoing hyphenation."""
    out = ""
    for raw in lines:
        line = " ".join(clean_text(raw).split())
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            first = line.split()[0]
            out = f"{out} {line}" if first in SUSPENDED_COMPOUND_NEXT else out[:-1] + line
        else:
            out = f"{out} {line}"
    return out


def expand_code_list(text: str) -> list[str]:
    """'a1–a6, b1–b5 samt c1–c13' -> ['a1', ..., 'a6', 'b1', ..., 'c13']."""
    codes: list[str] = []
    for part in re.split(r",\s*|\s+samt\s+|\s+och\s+", text.strip().rstrip(".")):
        m = re.fullmatch(r"([A-Za-z]+)(\d+)(?:\s*[–-]\s*([A-Za-z]+)(\d+))?", part.strip())
        if not m:
            raise BuildError(f"cannot read code list part {part!r} in {text!r}")
        prefix, first, prefix2, last = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        if prefix2 is not None and prefix2 != prefix:
            raise BuildError(f"code range {part!r} mixes prefixes")
        end = int(last) if last is not None else first
        codes.extend(f"{prefix}{n}" for n in range(first, end + 1))
    return codes


def find_applies_statement(text: str, specialty: str) -> tuple[str, list[str]]:
    """The målbeskrivning sentence 'För <specialty> gäller ...' and the codes it lists."""
    m = re.search(rf"För {re.escape(specialty.lower())} gäller ([^.]+)\.", " ".join(text.split()))
    if not m:
        raise BuildError(f"no 'För {specialty.lower()} gäller ...' statement found")
    return m.group(0), expand_code_list(m.group(1))


@dataclass
class OfficialDelmal:
    code: str
    title: str
    kompetenskrav: list[str]
    activities: list[str]
    advice: list[str]


def _parse_official_block(code: str, lines: list[str]) -> OfficialDelmal:
    where = f"targets2015.txt delmål {code}"
    i = 0
    title_lines: list[str] = []
    while i < len(lines) and not lines[i].startswith("Utbildnings-"):
        title_lines.append(lines[i])
        i += 1
    expected = ["Utbildnings-", "aktiviteter", "Uppföljning", "Den specialistkompetenta läkaren ska"]
    for exp in expected:
        if i >= len(lines) or lines[i] != exp:
            found = lines[i] if i < len(lines) else "end of block"
            raise BuildError(f"{where}: expected {exp!r}, found {found!r}")
        i += 1
    krav: list[list[str]] = []
    activities: list[list[str]] = []
    advice: list[list[str]] = []
    state = "krav"
    for line in lines[i:]:
        if state == "krav":
            if line.startswith("– "):
                krav.append([line[2:]])
            elif ACTIVITY_START.match(line):
                activities.append([line])
                state = "activity"
            elif krav:
                krav[-1].append(line)
            else:
                raise BuildError(f"{where}: unexpected line {line!r} before kompetenskrav")
        elif state == "activity":
            if line.startswith("Intyg om"):
                state = "intyg_end" if line.endswith("handledare") else "intyg"
            else:
                activities[-1].append(line)
        elif state == "intyg":
            if line.endswith("handledare"):
                state = "intyg_end"
        elif state == "intyg_end":
            if line == "Allmänna råd":
                state = "advice"
            elif ACTIVITY_START.match(line):
                activities.append([line])
                state = "activity"
            else:
                raise BuildError(f"{where}: unexpected line {line!r} after an Uppföljning text")
        elif state == "advice":
            if line[:1].isupper():
                advice.append([line])
            elif advice:
                advice[-1].append(line)
            else:
                raise BuildError(f"{where}: unexpected line {line!r} in Allmänna råd")
    if state not in ("intyg_end", "advice"):
        raise BuildError(f"{where}: block ends in the middle of {state}")
    return OfficialDelmal(
        code=code,
        title=join_lines(title_lines),
        kompetenskrav=expand_lead_ins([join_lines(k) for k in krav]),
        activities=[join_lines(a) for a in activities],
        advice=[join_lines(a) for a in advice],
    )


COMPETENCE_VERB = re.compile(r"^(kunna|ha|uppvisa|behärska|känna)\b")


def expand_lead_ins(items: list[str]) -> list[str]:
    """A dash item ending in 'att' introduces the dash items after it that do not start with a
    competence verb ('– kunna vägleda ... i syfte att / – förebygga ... / – förbättra ...'); each
    such sub-item becomes one kompetenskrav with the lead-in in front of it."""
    out: list[str] = []
    lead: str | None = None
    used = False
    for item in items:
        if lead is not None and not COMPETENCE_VERB.match(item):
            out.append(f"{lead} {item}")
            used = True
            continue
        if lead is not None and not used:
            out.append(lead)
        lead, used = None, False
        if item.endswith(" att"):
            lead = item
        else:
            out.append(item)
    if lead is not None and not used:
        out.append(lead)
    return out


def parse_official_malbeskrivning(text: str) -> dict[str, OfficialDelmal]:
    """Delmål a/b/c of a målbeskrivning as extracted to text from Socialstyrelsen's PDF."""
    lines = [clean_text(raw).strip() for raw in text.splitlines()]
    lines = [ln for ln in lines if ln and not PAGE_NOISE.match(ln)]
    if "Utbildningsstruktur" in lines:
        end = lines.index("Utbildningsstruktur")
        if end > 0 and lines[end - 1] == "Allmänna råd":
            end -= 1
        lines = lines[:end]
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        if line.startswith("Delmål"):
            m = re.match(r"^Delmål ([abc]\d+)\b\s*(.*)$", line)
            current = None
            if m:
                if m.group(1) in blocks:
                    raise BuildError(f"targets2015.txt: delmål {m.group(1)} appears twice")
                current = blocks[m.group(1)] = [m.group(2)] if m.group(2) else []
            continue
        if current is not None:
            current.append(line)
    return {code: _parse_official_block(code, block) for code, block in blocks.items()}


# ---------------------------------------------------------------------------------------------
# Conversion
# ---------------------------------------------------------------------------------------------


def code_key(code: str) -> tuple[int, int]:
    m = re.fullmatch(r"(a|b|c|STa|STb|STc|BT)(\d+)", code)
    if not m:
        raise BuildError(f"unexpected delmål code {code!r}")
    order = ["a", "b", "c", "STa", "STb", "STc", "BT"]
    return order.index(m.group(1)), int(m.group(2))


def group_of(code: str) -> str:
    m = re.fullmatch(r"(a|b|c|STa|STb|STc|BT)\d+", code)
    if not m:
        raise BuildError(f"unexpected delmål code {code!r}")
    return m.group(1)


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
    return {
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


def dedupe_codes(spec: SpecialtySource, corrections: Corrections) -> list[RawDelmal]:
    kept: dict[str, RawDelmal] = {}
    for raw in spec.delmal:
        if raw.code in kept:
            if kept[raw.code] != RawDelmal(**{**raw.__dict__, "where": kept[raw.code].where}):
                raise BuildError(f"{spec.file}: delmål {raw.code} appears twice with different content")
            corrections.add(
                f"{spec.file} {raw.code}",
                f"Dropped the second, identical copy of {raw.code}",
                "The transcription lists this delmål twice with the same content.",
            )
            continue
        kept[raw.code] = raw
    result = sorted(kept.values(), key=lambda r: code_key(r.code))
    prefix = "c" if spec.file.startswith("2015/") else "STc"
    expected = [f"{prefix}{n}" for n in range(1, len(result) + 1)]
    if [r.code for r in result] != expected:
        raise BuildError(
            f"{spec.file}: c-delmål codes are not {prefix}1..{prefix}N: {[r.code for r in result]}"
        )
    return result


def register() -> dict[str, tuple[str, list[str], str]]:
    reg: dict[str, tuple[str, list[str], str]] = {}
    for name in BAS:
        reg[name] = ("bas", [], "")
    for name, bas in GREN.items():
        reg[name] = ("gren", [bas], "")
    for name, (bases, note) in TILLAGG.items():
        reg[name] = ("tillägg", list(bases), note)
    if len(reg) != len(BAS) + len(GREN) + len(TILLAGG):
        raise BuildError("a specialty is listed under more than one kind")
    for name, (_kind, required_bas, _note) in reg.items():
        for bas in required_bas:
            if bas not in reg or reg[bas][0] != "bas":
                raise BuildError(f"{name}: required {bas!r} is not a basspecialitet")
    return reg


@dataclass
class Official2015:
    statement: str
    codes: list[str]
    delmal: dict[str, OfficialDelmal]


def read_official_2015(official_dir: Path) -> Official2015:
    """Socialstyrelsen's målbeskrivning for psykiatri under SOSFS 2015:8."""
    text = (official_dir / "targets2015.txt").read_text(encoding="utf-8")
    statement, codes = find_applies_statement(text, "Psykiatri")
    parsed = parse_official_malbeskrivning(text)
    if sorted(parsed, key=code_key) != codes:
        raise BuildError(f"targets2015.txt: delmål found {sorted(parsed, key=code_key)} != {statement!r}")
    return Official2015(statement, codes, parsed)


def correct_common_2015(common: list[RawDelmal], official: Official2015, corrections: Corrections) -> None:
    """Check the a/b delmål of 2015/common.json against the official text; the official text wins."""
    by_code = {r.code: r for r in common}
    ab_codes = [c for c in official.codes if group_of(c) in ("a", "b")]
    if sorted(by_code, key=code_key) != ab_codes:
        raise BuildError(f"2015/common.json has {sorted(by_code, key=code_key)}, official text {ab_codes}")
    labels = {
        "title": "title",
        "kompetenskrav": "kompetenskrav",
        "activities": "Utbildningsaktiviteter",
        "advice": "Allmänna råd",
    }
    for code in ab_codes:
        raw, off = by_code[code], official.delmal[code]
        for attr, label in labels.items():
            mine, theirs = getattr(raw, attr), getattr(off, attr)
            if mine == theirs:
                continue
            changed = [x for x in theirs if x not in mine] if isinstance(theirs, list) else [theirs]
            setattr(raw, attr, theirs)
            corrections.add(
                raw.where,
                f"{label} replaced by Socialstyrelsen's wording; new or changed: "
                + "; ".join(f"'{x}'" for x in changed),
                "The transcription's wording differs from the official målbeskrivning (targets2015.txt). "
                "The a- and b-delmål of SOSFS 2015:8 are the same in every målbeskrivning.",
            )


def psykiatri_2015_official(
    official: Official2015,
    transcribed: SpecialtySource,
    transcribed_2021: SpecialtySource,
    corrections: Corrections,
) -> tuple[list[RawDelmal], list[str], str]:
    """Psykiatri c-delmål under SOSFS 2015:8 rebuilt from Socialstyrelsen's text."""
    labels = {r.code: r.title for r in transcribed.delmal}
    labels_2021 = {r.code.removeprefix("ST"): r.title for r in transcribed_2021.delmal}
    result: list[RawDelmal] = []
    for code in official.codes:
        if group_of(code) != "c":
            continue
        if labels.get(code) != labels_2021.get(code):
            raise BuildError(f"Psykiatri {code}: 2015 label {labels.get(code)!r} != 2021 label")
        off = official.delmal[code]
        result.append(
            RawDelmal(
                code=code,
                title=labels[code],
                kompetenskrav=off.kompetenskrav,
                activities=off.activities,
                advice=off.advice,
                where=f"targets2015.txt {code}",
            )
        )
    old_codes = [r.code for r in transcribed.delmal]
    corrections.add(
        transcribed.file,
        f"Replaced the transcription's Psykiatri 2015 delmål ({old_codes[0]}–{old_codes[-1]}, "
        f"{len(old_codes)} delmål) with c1–c{len(result)} rebuilt from Socialstyrelsen's målbeskrivning "
        "(kompetenskrav, Utbildningsaktiviteter and Allmänna råd per c-delmål); the labels of "
        f"c1–c{len(result)} are the transcription's labels, which equal its 2021 STc1–STc{len(result)} "
        "labels for the same content",
        "The transcription's wording is not Socialstyrelsen's and it has one delmål too many; "
        f"targets2015.txt states: '{official.statement}'",
    )
    common_codes = [c for c in official.codes if group_of(c) in ("a", "b")]
    return result, common_codes, f"targets2015.txt: '{official.statement}'"


def psykiatri_2021_statement(official_dir: Path) -> tuple[str, list[str]]:
    text = (official_dir / "recommendations2021.txt").read_text(encoding="utf-8")
    return find_applies_statement(text, "Psykiatri")


def build(source: Path, official_dir: Path) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    corrections = Corrections()
    common_raw: dict[str, list[RawDelmal]] = {}
    specs: dict[str, list[SpecialtySource]] = {}
    for folder in ("2015", "2021"):
        common_raw[folder], specs[folder] = read_folder(source, folder)
    bt_doc = load_json(source / "bt-2021.json")
    bt_raw = [read_milestone(m, f"bt-2021.json {m['code']}") for m in bt_doc["milestones"]]

    everything = [*bt_raw]
    for folder in ("2015", "2021"):
        everything.extend(common_raw[folder])
        for spec in specs[folder]:
            everything.extend(spec.delmal)
    mapping = check_all_strings_mapped(everything)

    # 2015 common.json uses upper-case codes and groups (A1, B1); the format uses a1, b1.
    upper = [r.code for r in common_raw["2015"] if re.fullmatch(r"[AB]\d+", r.code)]
    for raw in common_raw["2015"]:
        raw.code = raw.code.lower() if re.fullmatch(r"[AB]\d+", raw.code) else raw.code
    if upper:
        corrections.add(
            "2015/common.json",
            f"Codes {upper[0]}–{upper[-1]} written as {upper[0].lower()}–{upper[-1].lower()} (group a/b)",
            "Socialstyrelsen writes the SOSFS 2015:8 codes in lower case (a1, b1); the tracker matches "
            "codes exactly.",
        )
    official_2015 = read_official_2015(official_dir)
    correct_common_2015(common_raw["2015"], official_2015, corrections)

    reg = register()
    by_name: dict[str, dict[str, SpecialtySource]] = {}
    for folder in ("2015", "2021"):
        for spec in specs[folder]:
            name = NAME_FIXES.get(spec.name, spec.name)
            if name != spec.name:
                corrections.add(
                    spec.file,
                    f"Specialty name '{spec.name}' written '{name}'",
                    "Spelling of the specialty's name in Socialstyrelsen's list (DOMAIN.md section 6).",
                )
            if name not in reg:
                raise BuildError(f"{spec.file}: specialty {spec.name!r} is not in the register")
            if folder in by_name.setdefault(name, {}):
                raise BuildError(f"{spec.file}: specialty {name!r} appears twice in {folder}")
            by_name[name][folder] = spec
    missing = [f"{n} ({f})" for n in reg for f in ("2015", "2021") if f not in by_name.get(n, {})]
    if missing:
        raise BuildError(f"specialties without a målbeskrivning file: {missing}")

    # Common delmål.
    common_out: dict[str, list[dict[str, Any]]] = {}
    for folder, regulation in REGULATION_BY_FOLDER.items():
        records = []
        for raw in sorted(common_raw[folder], key=lambda r: code_key(r.code)):
            if raw.code == "STa3" and not raw.activities:
                record = delmal_record(raw, corrections, title_official=True)
                record["required"] = [["vetenskap"]]
                corrections.add(
                    raw.where,
                    "Required set to [['vetenskap']]",
                    "STa3 has no Utbildningsaktiviteter; it is met by its own certificate, HSLF-FS 2021:8 "
                    "bilaga 12 'Delmål STa3. Medicinsk vetenskap'.",
                )
            else:
                record = delmal_record(raw, corrections, title_official=folder == "2015")
            records.append(record)
        groups = {r["group"] for r in records}
        expected_groups = {"a", "b"} if folder == "2015" else {"STa", "STb"}
        if groups != expected_groups:
            raise BuildError(f"{folder}/common.json: groups {sorted(groups)} != {sorted(expected_groups)}")
        common_out[regulation] = records
    a5 = next(r for r in common_out[REG_2015] if r["code"] == "a5")
    if "Självständigt skriftligt arbete enligt vetenskapliga principer" in a5["activities_text"]:
        if ["skriftligt_arbete"] not in a5["required"]:
            raise BuildError("a5 lists självständigt skriftligt arbete but does not require it")

    # BT.
    bt_out = []
    for raw in sorted(bt_raw, key=lambda r: code_key(r.code)):
        record = delmal_record(raw, corrections)
        record["required"] = [["bt_delmal"]]
        bt_out.append(record)
    if [r["code"] for r in bt_out] != [f"BT{n}" for n in range(1, 19)]:
        raise BuildError(f"bt-2021.json: expected BT1..BT18, found {[r['code'] for r in bt_out]}")
    corrections.add(
        "bt-2021.json BT1–BT18",
        "Required set to [['bt_delmal']] for every BT delmål",
        "Each BT delmål is met by an 'Intyg om delmål i bastjänstgöringen' (HSLF-FS 2021:8 bilaga 2); "
        "the transcription has no activity lists for BT.",
    )

    # Specialties.
    specialties_out = []
    for name in sorted(reg):
        kind, bases, note = reg[name]
        regulations: dict[str, Any] = {}
        for folder, regulation in REGULATION_BY_FOLDER.items():
            spec = by_name[name][folder]
            common_codes = [r["code"] for r in common_out[regulation]]
            common_source = "default: all common delmål (no statement of a subset found)"
            verified_against: str | None = None
            if name == "Psykiatri" and folder == "2015":
                raws, common_codes, common_source = psykiatri_2015_official(
                    official_2015, spec, by_name[name]["2021"], corrections
                )
                verified_against = "targets2015.txt"
            else:
                raws = dedupe_codes(spec, corrections)
            if name == "Psykiatri" and folder == "2021":
                statement, codes = psykiatri_2021_statement(official_dir)
                listed = common_codes + [r.code for r in raws]
                if codes != listed:
                    raise BuildError(f"Psykiatri 2021: transcription {listed} disagrees with '{statement}'")
                common_source = f"recommendations2021.txt (SPF, quoting the målbeskrivning): '{statement}'"
            known = {r["code"] for r in common_out[regulation]}
            if not set(common_codes) <= known:
                raise BuildError(f"{name} {regulation}: unknown common codes {set(common_codes) - known}")
            regulations[regulation] = {
                "verified": verified_against is not None,
                "verified_against": verified_against,
                "common": common_codes,
                "common_source": common_source,
                "delmal": [delmal_record(r, corrections) for r in raws],
            }
        entry: dict[str, Any] = {"name": name, "kind": kind, "requires_bas": bases}
        if note:
            entry["requires_bas_note"] = note
        if name in ALIASES:
            entry["aliases"] = list(ALIASES[name])
        entry["regulations"] = regulations
        specialties_out.append(entry)

    catalogue = {
        "format": FORMAT_VERSION,
        "generated_from": GENERATED_FROM,
        "license_notice": LICENSE_NOTICE,
        "activity_types": dict(ACTIVITY_TYPES),
        "specialties": specialties_out,
        "common": common_out,
        "bt": bt_out,
        "corrections": corrections.items,
    }
    check_output(catalogue)
    return catalogue, mapping


def check_output(catalogue: dict[str, Any]) -> None:
    """Invariants of the generated file."""

    def delmal_lists() -> Iterable[tuple[str, list[dict[str, Any]]]]:
        yield "bt", catalogue["bt"]
        for reg, lst in catalogue["common"].items():
            yield f"common {reg}", lst
        for spec in catalogue["specialties"]:
            for reg, body in spec["regulations"].items():
                yield f"{spec['name']} {reg}", body["delmal"]

    for where, lst in delmal_lists():
        for d in lst:
            for group in d["required"]:
                if not group or any(t not in ACTIVITY_TYPES or t in RECOMMENDED_ONLY for t in group):
                    raise BuildError(f"{where} {d['code']}: bad required group {group}")
            if any(t not in ACTIVITY_TYPES for t in d["recommended"]):
                raise BuildError(f"{where} {d['code']}: bad recommended {d['recommended']}")


def render(catalogue: dict[str, Any]) -> str:
    return json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n"


def print_report(mapping: dict[str, tuple[str, ...]]) -> None:
    print("String -> activity types (alternatives):")
    for text in sorted(mapping):
        print(f"  {' | '.join(mapping[text]):32} {text}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="malbeskrivningar folder")
    parser.add_argument(
        "--official",
        type=Path,
        default=None,
        help="folder with targets2015.txt and recommendations2021.txt (default: <source>/../blanketter)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output JSON file")
    parser.add_argument("--report", action="store_true", help="print how each activity string was mapped")
    args = parser.parse_args(argv)
    source: Path = args.source
    official: Path = args.official or source.parent / "blanketter"
    try:
        catalogue, mapping = build(source, official)
    except (BuildError, OSError, KeyError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.report:
        print_report(mapping)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(catalogue), encoding="utf-8")
    n_specs = len(catalogue["specialties"])
    print(f"wrote {out} ({n_specs} specialties, {len(catalogue['corrections'])} corrections)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
