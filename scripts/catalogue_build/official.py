"""Reading Socialstyrelsen's own texts: the psykiatri målbeskrivning (SOSFS 2015:8), extracted from its PDF;
the code list of psykiatri under HSLF-FS 2021:8 as quoted by Svenska Psykiatriska Föreningen; and psykiatri's
STc delmål under HSLF-FS 2021:8, transcribed from a scan of Socialstyrelsen's pages into a file of this
project (``official/psykiatri-2021-stc.txt``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .model import BuildError, code_key

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
    # The Intyg line of each activity, where the text gives them.
    certificates: list[str] = field(default_factory=list)


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
    certificates: list[list[str]] = []
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
                certificates.append([line])
                state = "intyg_end" if line.endswith("handledare") else "intyg"
            else:
                activities[-1].append(line)
        elif state == "intyg":
            certificates[-1].append(line)
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
        certificates=[join_lines(c) for c in certificates],
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


def psykiatri_2021_statement(official_dir: Path) -> tuple[str, list[str]]:
    text = (official_dir / "recommendations2021.txt").read_text(encoding="utf-8")
    return find_applies_statement(text, "Psykiatri")


OFFICIAL_DIR = Path(__file__).resolve().parent / "official"
PSYKIATRI_2021_STC = OFFICIAL_DIR / "psykiatri-2021-stc.txt"
_STC_HEADINGS = ("Kompetenskrav", "Utbildningsaktiviteter", "Allmänna råd")


def read_transcribed_stc(path: Path) -> dict[str, OfficialDelmal]:
    """STc delmål written out one item per line (the format is described at the top of the file).

    Each block is ``Delmål STcN``, then ``Kompetenskrav`` with the lead ``Läkaren ska`` and ``- `` items,
    ``Utbildningsaktiviteter`` with ``- `` items each followed by its ``Intyg:`` line, and optionally
    ``Allmänna råd`` with ``- `` items. Codes run STc1, STc2, ... without a gap."""
    name = path.name
    blocks: dict[str, OfficialDelmal] = {}
    current: OfficialDelmal | None = None
    section = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{name} line {number}"
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"Delmål (STc\d+)", line)
        if m:
            _check_stc_block(current, name)
            code = m.group(1)
            if code != f"STc{len(blocks) + 1}":
                raise BuildError(f"{where}: expected Delmål STc{len(blocks) + 1}, found {line!r}")
            current = blocks[code] = OfficialDelmal(code, "", [], [], [])
            section = ""
            continue
        if current is None:
            raise BuildError(f"{where}: text before the first 'Delmål STc1': {line!r}")
        if line in _STC_HEADINGS:
            next_heading = _STC_HEADINGS.index(section) + 1 if section else 0
            if next_heading >= len(_STC_HEADINGS) or line != _STC_HEADINGS[next_heading]:
                raise BuildError(f"{where}: heading {line!r} out of order in {current.code}")
            section = line
            continue
        if section == "Kompetenskrav" and line == "Läkaren ska" and not current.kompetenskrav:
            continue
        if line.startswith("- ") and section:
            items = {
                "Kompetenskrav": current.kompetenskrav,
                "Utbildningsaktiviteter": current.activities,
                "Allmänna råd": current.advice,
            }[section]
            items.append(line[2:].strip())
            continue
        if line.startswith("Intyg: ") and section == "Utbildningsaktiviteter":
            if len(current.certificates) != len(current.activities) - 1:
                raise BuildError(f"{where}: an Intyg line belongs directly after its activity")
            current.certificates.append(line.removeprefix("Intyg: ").strip())
            continue
        raise BuildError(f"{where}: cannot read {line!r} (in {current.code}, {section or 'no section'})")
    _check_stc_block(current, name)
    if not blocks:
        raise BuildError(f"{name}: no delmål found")
    return blocks


def _check_stc_block(block: OfficialDelmal | None, name: str) -> None:
    if block is None:
        return
    if not block.kompetenskrav or not block.activities:
        raise BuildError(f"{name} {block.code}: kompetenskrav and Utbildningsaktiviteter are required")
    if len(block.certificates) != len(block.activities):
        raise BuildError(f"{name} {block.code}: every activity needs its Intyg line")
