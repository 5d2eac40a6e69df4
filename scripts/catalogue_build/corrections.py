"""Every change made to the transcription, each recorded with where, what and why: rewordings from
official text, fixed requirements, and the markings of what is not to be trusted (a delmål's ``doubt``,
a målbeskrivning's ``unreliable``).

The recorded list is the catalogue's ``corrections`` key; ``data/PROVENANCE.md`` lists the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .activities import ELLER, classify
from .model import BuildError, RawDelmal, code_key, group_of
from .official import Official2015, OfficialDelmal
from .transcription import SpecialtySource


@dataclass
class Corrections:
    items: list[dict[str, str]] = field(default_factory=list)

    def add(self, where: str, what: str, why: str) -> None:
        self.items.append({"where": where, "what": what, "why": why})


def lower_case_2015_codes(common: list[RawDelmal], corrections: Corrections) -> None:
    """2015 common.json uses upper-case codes and groups (A1, B1); the format uses a1, b1."""
    upper = [r.code for r in common if re.fullmatch(r"[AB]\d+", r.code)]
    for raw in common:
        raw.code = raw.code.lower() if re.fullmatch(r"[AB]\d+", raw.code) else raw.code
    if upper:
        corrections.add(
            "2015/common.json",
            f"Codes {upper[0]}–{upper[-1]} written as {upper[0].lower()}–{upper[-1].lower()} (group a/b)",
            "Socialstyrelsen writes the SOSFS 2015:8 codes in lower case (a1, b1); the tracker matches "
            "codes exactly.",
        )


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


def fixed_specialty_name(spec: SpecialtySource, fixes: dict[str, str], corrections: Corrections) -> str:
    """The specialty's name in the catalogue: the transcription's, or its spelling fix."""
    name = fixes.get(spec.name, spec.name)
    if name != spec.name:
        corrections.add(
            spec.file,
            f"Specialty name '{spec.name}' written '{name}'",
            "Spelling of the specialty's name in Socialstyrelsen's list (DOMAIN.md section 6).",
        )
    return name


def require_sta3_certificate(record: dict[str, Any], where: str, corrections: Corrections) -> None:
    record["required"] = [["vetenskap"]]
    corrections.add(
        where,
        "Required set to [['vetenskap']]",
        "STa3 has no Utbildningsaktiviteter; it is met by its own certificate, HSLF-FS 2021:8 "
        "bilaga 12 'Delmål STa3. Medicinsk vetenskap'.",
    )


def require_bt_certificates(bt: list[dict[str, Any]], corrections: Corrections) -> None:
    for record in bt:
        record["required"] = [["bt_delmal"]]
    corrections.add(
        "bt-2021.json BT1–BT18",
        "Required set to [['bt_delmal']] for every BT delmål",
        "Each BT delmål is met by an 'Intyg om delmål i bastjänstgöringen' (HSLF-FS 2021:8 bilaga 2); "
        "the transcription has no activity lists for BT.",
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
                certificates=off.certificates,
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
    relabel_psykiatri(result, transcribed.file, corrections)
    common_codes = [c for c in official.codes if group_of(c) in ("a", "b")]
    return result, common_codes, f"targets2015.txt: '{official.statement}'"


# The transcription's labels of psykiatri's c/STc delmål that describe its own (not Socialstyrelsen's)
# kompetenskrav, by number: the label written instead. The målbeskrivningar give c/STc delmål no titles.
PSYKIATRI_LABELS = {
    1: (
        "Psykiatrisk diagnostik",
        "Vanliga och viktiga psykiska sjukdomar",
        "Socialstyrelsen's c1 and STc1 are about handling the common and important psychiatric diseases "
        "(affektiva sjukdomar, ångestsyndrom, psykossjukdomar, personlighetsstörningar) and their "
        "mechanisms; the transcription's label fits its own, non-official kompetenskrav on diagnostics.",
    ),
}


def relabel_psykiatri(raws: list[RawDelmal], file: str, corrections: Corrections) -> None:
    for raw in raws:
        fix = PSYKIATRI_LABELS.get(int(raw.code.removeprefix("ST").removeprefix("c")))
        if fix is None:
            continue
        old, new, why = fix
        if raw.title != old:
            raise BuildError(f"{file} {raw.code}: label {raw.title!r} is not the expected {old!r}")
        raw.title = new
        corrections.add(f"{file} {raw.code}", f"Label '{old}' written '{new}'", why)


# Doubts about single delmål of the official psykiatri text (Swedish: shown to the user).
PSYKIATRI_2021_DOUBTS = {
    "STc10": (
        "Svenska Psykiatriska Föreningens återgivning av målbeskrivningen (2022) har andra kompetenskrav "
        "för STc10 (samma som c10 enligt SOSFS 2015:8) och saknar auskultation bland de allmänna råden. "
        "Katalogen följer Socialstyrelsens inskannade sidor; de krävda utbildningsaktiviteterna är "
        "desamma i båda.",
        "recommendations2021.txt quotes STc10 with the kompetenskrav of the 2015 c10 and without "
        "'Auskultation' under Allmänna råd; the scan of Socialstyrelsen's pages is followed.",
    ),
}


def psykiatri_2021_official(
    official: dict[str, OfficialDelmal], transcribed: SpecialtySource, source_name: str, corrections: Corrections
) -> list[RawDelmal]:
    """Psykiatri STc delmål under HSLF-FS 2021:8 rebuilt from Socialstyrelsen's text (transcribed from a scan)."""
    by_code = {r.code: r for r in transcribed.delmal}
    if list(by_code) != list(official):
        raise BuildError(f"{transcribed.file}: codes {list(by_code)} differ from {source_name} {list(official)}")
    result: list[RawDelmal] = []
    changed: dict[str, list[str]] = {"kompetenskrav": [], "Utbildningsaktiviteter": [], "Allmänna råd": []}
    for code, off in official.items():
        old = by_code[code]
        for label, mine, theirs in (
            ("kompetenskrav", old.kompetenskrav, off.kompetenskrav),
            ("Utbildningsaktiviteter", old.activities, off.activities),
            ("Allmänna råd", old.advice, off.advice),
        ):
            if mine != theirs:
                changed[label].append(code)
        raw = RawDelmal(
            code=code,
            title=old.title,
            kompetenskrav=list(off.kompetenskrav),
            activities=list(off.activities),
            advice=list(off.advice),
            where=f"{source_name} {code}",
            certificates=list(off.certificates),
        )
        result.append(raw)
    corrections.add(
        transcribed.file,
        f"Replaced the kompetenskrav, Utbildningsaktiviteter and Allmänna råd of {result[0].code}–"
        f"{result[-1].code} with Socialstyrelsen's wording ({source_name}, transcribed from the scan "
        "targets2021-psykiatri.pdf); the labels are the transcription's. Where the transcription differed: "
        + "; ".join(f"{label} {', '.join(codes) or 'nowhere'}" for label, codes in changed.items()),
        "The transcription's kompetenskrav are not Socialstyrelsen's: those of STc1–STc3 describe other "
        "content (e.g. 'Best Estimate diagnosis eller LEAD' is not in the målbeskrivning) and later ones "
        "are paraphrased.",
    )
    relabel_psykiatri(result, transcribed.file, corrections)
    for raw in result:
        if raw.code in PSYKIATRI_2021_DOUBTS:
            raw.doubt, why = PSYKIATRI_2021_DOUBTS[raw.code]
            mark_doubt(raw, f"{transcribed.file} {raw.code}", why, corrections)
    return result


def mark_doubt(raw: RawDelmal, where: str, why: str, corrections: Corrections) -> None:
    corrections.add(where, f"Marked doubtful: '{raw.doubt}'", why)


# --- a course required without a course certificate ---------------------------------------------------


def required_activity_strings(raw: RawDelmal) -> list[str]:
    """The Utbildningsaktiviteter that are requirements (not the 'eller' joints, not Allmänna råd items)."""
    advice = set(raw.advice)
    return [a for a in raw.activities if a.strip().lower() != ELLER and a not in advice]


def requires_course(raw: RawDelmal) -> bool:
    return any("kurs" in (classify(a) or ()) for a in required_activity_strings(raw))


def names_course_certificate(raw: RawDelmal) -> bool:
    """Whether the delmål's Intyg lines include one a kursledare may issue (the course certificate)."""
    return any("kursledare" in c.lower() for c in raw.certificates)


def course_without_certificate(raw: RawDelmal) -> bool:
    return requires_course(raw) and not names_course_certificate(raw)


_COURSE_DOUBT = (
    "Utbildningsaktiviteterna kräver kurs, men överföringens intygslista har inget kursintyg för delmålet. "
    "Om kursen är ett krav eller ett allmänt råd är inte kontrollerat mot Socialstyrelsens målbeskrivning."
)
_COURSE_DOUBT_2015 = (
    "Delmålet har samma lydelse som läkemedelsdelmålet i HSLF-FS 2021:8, där kursen är ett allmänt råd, "
    "och kursen har gjorts till ett allmänt råd även här. Att delmålet står så i målbeskrivningen enligt "
    "SOSFS 2015:8 är inte kontrollerat."
)


def settle_course_requirements(
    raws: list[RawDelmal], file: str, reference: OfficialDelmal, corrections: Corrections
) -> None:
    """A delmål that requires a course but whose Intyg lines name no course certificate.

    Where its kompetenskrav are those of ``reference`` (Socialstyrelsen's läkemedel delmål, whose course
    is an Allmänna råd item and which has only the handledare's certificate), the course becomes an
    Allmänna råd item here too. Otherwise it stays required and the delmål is marked doubtful."""
    for raw in raws:
        if not course_without_certificate(raw):
            continue
        where = f"{file} {raw.code}"
        if raw.kompetenskrav != reference.kompetenskrav:
            raw.doubt = _COURSE_DOUBT
            mark_doubt(
                raw,
                where,
                "A course is required but the transcription's Intyg list has no course certificate, and no "
                "official text is available to decide whether the course is an Allmänna råd item.",
                corrections,
            )
            continue
        courses = [a for a in required_activity_strings(raw) if "kurs" in (classify(a) or ())]
        raw.activities = [a for a in raw.activities if a not in courses]
        raw.advice = [*raw.advice, *(c for c in courses if c not in raw.advice)]
        corrections.add(
            where,
            "Moved from Utbildningsaktiviteter to Allmänna råd: "
            + "; ".join(f"'{c}'" for c in courses)
            + " (kurs recommended, not required)",
            "The transcription requires a course but its Intyg list has only the handledare's certificate. "
            f"Socialstyrelsen's text for the same kompetenskrav (psykiatri {reference.code}, HSLF-FS 2021:8) "
            "lists the course under Allmänna råd.",
        )
        if file.startswith("2015/"):
            raw.doubt = _COURSE_DOUBT_2015
            mark_doubt(
                raw,
                where,
                "The kompetenskrav are those of the HSLF-FS 2021:8 läkemedel delmål, in a SOSFS 2015:8 "
                "målbeskrivning; whether it has this delmål is not verified.",
                corrections,
            )
        if course_without_certificate(raw):
            raise BuildError(f"{where}: still requires a course without a course certificate")


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


# --- plans whose transcription is unreliable ------------------------------------------------------------

# Specialty målbeskrivningar (SOSFS 2015:8) written in the style of the transcription's defective
# Psykiatri 2015. Each is marked unreliable until it is verified; the build checks the evidence.
UNRELIABLE_2015 = ("Barn- och ungdomspsykiatri", "Rättspsykiatri")
_MIN_SHARED = 0.4


def _texts(spec: SpecialtySource) -> list[str]:
    return [t for r in spec.delmal for t in (*r.kompetenskrav, *r.activities, *r.advice)]


def mark_unreliable(spec: SpecialtySource, name: str, defective: SpecialtySource, corrections: Corrections) -> str:
    """The Swedish reason why ``spec`` (a 2015 plan) is unreliable, recorded as a correction."""
    theirs = set(_texts(defective))
    texts = _texts(spec)
    shared = sum(1 for t in texts if t in theirs)
    lakemedel = [r.code for r in spec.delmal if r.title.startswith("Läkemedelsbehandling")]
    if not texts or shared / len(texts) < _MIN_SHARED or not lakemedel:
        raise BuildError(
            f"{spec.file}: the evidence for marking it unreliable no longer holds ({shared} of {len(texts)} "
            f"texts shared with {defective.file}, läkemedel delmål {lakemedel}); look at it again"
        )
    codes = " och ".join(lakemedel)
    reason = (
        f"Målbeskrivningen för {name} enligt SOSFS 2015:8 är inte kontrollerad och är troligen felaktigt "
        f"överförd: {shared} av {len(texts)} texter är desamma som i den felaktiga överföringen av "
        f"psykiatrins målbeskrivning, och delmål {codes} (läkemedelsbehandling) hör till strukturen i "
        "HSLF-FS 2021:8. Jämför med Socialstyrelsens målbeskrivning."
    )
    corrections.add(
        spec.file,
        f"Plan marked unreliable: '{reason}'",
        f"{shared} of its {len(texts)} kompetenskrav, Utbildningsaktiviteter and Allmänna råd texts are "
        f"also in {defective.file}, whose wording is not Socialstyrelsen's; the c-delmål {', '.join(lakemedel)} "
        "(läkemedelsbehandling) belongs to the HSLF-FS 2021:8 structure, where läkemedel moved from b3 into "
        "the specialties' own delmål.",
    )
    return reason
