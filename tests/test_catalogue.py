"""Tests of the delmål catalogue: the generated data/catalogue.json, its loader and its build script."""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tracker.catalogue_file import REGULATIONS, Catalogue, code_sort_key, fold_name
from tracker.errors import CatalogueError, TrackerError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "catalogue.json"
SCRIPT = REPO / "scripts" / "build_catalogue.py"
SOURCE = REPO.parent / "shared" / "reference" / "malbeskrivningar"
OFFICIAL = SOURCE.parent / "blanketter"
R2015, R2021 = "SOSFS 2015:8", "HSLF-FS 2021:8"

# The raw transcription of Socialstyrelsen's målbeskrivningar (and, for a build, Socialstyrelsen's own
# texts in blanketter/) that scripts/build_catalogue.py reads lies outside the repository, in ../shared;
# only data/catalogue.json, the script's output, is committed. Without it these tests cannot run.
BUILD_INPUTS = (SOURCE, OFFICIAL / "targets2015.txt", OFFICIAL / "recommendations2021.txt")
needs_source = pytest.mark.skipif(
    not SOURCE.is_dir(),
    reason=f"needs the raw målbeskrivningar transcription that scripts/build_catalogue.py reads; {SOURCE} is missing "
    "(it is not part of the repository)",
)
needs_source_and_official = pytest.mark.skipif(
    not all(p.exists() for p in BUILD_INPUTS),
    reason="runs scripts/build_catalogue.py, which reads the raw målbeskrivningar transcription and Socialstyrelsen's "
    "texts targets2015.txt and recommendations2021.txt (not part of the repository); missing: "
    + ", ".join(str(p) for p in BUILD_INPUTS if not p.exists()),
)


# The build's modules (scripts/catalogue_build/), imported as scripts/build_catalogue.py imports them.
if str(REPO / "scripts") not in sys.path:
    sys.path.insert(0, str(REPO / "scripts"))
activities = importlib.import_module("catalogue_build.activities")
build_cli = importlib.import_module("catalogue_build.cli")
convert = importlib.import_module("catalogue_build.convert")
corrections = importlib.import_module("catalogue_build.corrections")
model = importlib.import_module("catalogue_build.model")
official = importlib.import_module("catalogue_build.official")
register = importlib.import_module("catalogue_build.register")
transcription = importlib.import_module("catalogue_build.transcription")


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load(DATA)


@pytest.fixture
def raw_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def codes(cat: Catalogue, specialty: str, regulation: str) -> list[str]:
    return [d.code for d in cat.delmal_for(specialty, regulation)]


def delmal(cat: Catalogue, specialty: str, regulation: str, code: str) -> Any:
    return next(d for d in cat.delmal_for(specialty, regulation) if d.code == code)


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- what the official texts state -----------------------------------------------------------


def test_psykiatri_2015_is_a1_a6_b1_b5_c1_c13_as_in_socialstyrelsens_text(cat: Catalogue) -> None:
    expected = [f"a{n}" for n in range(1, 7)] + [f"b{n}" for n in range(1, 6)]
    expected += [f"c{n}" for n in range(1, 14)]
    assert codes(cat, "Psykiatri", R2015) == expected


def test_psykiatri_2015_is_verified_against_the_official_text(cat: Catalogue) -> None:
    assert cat.is_verified("Psykiatri", R2015)
    assert cat.verified_against("Psykiatri", R2015) == "targets2015.txt"


def test_psykiatri_2021_is_sta1_sta7_stb1_stb4_stc1_stc14(cat: Catalogue) -> None:
    expected = [f"STa{n}" for n in range(1, 8)] + [f"STb{n}" for n in range(1, 5)]
    expected += [f"STc{n}" for n in range(1, 15)]
    assert codes(cat, "Psykiatri", R2021) == expected


def test_psykiatri_2021_is_verified_against_the_scan_of_the_official_pages(cat: Catalogue) -> None:
    assert cat.is_verified("Psykiatri", R2021)
    assert cat.verified_against("Psykiatri", R2021) == "targets2021-psykiatri.pdf"


def test_only_psykiatri_is_verified(cat: Catalogue) -> None:
    verified = [(s.name, r) for s in cat.specialties for r in REGULATIONS if cat.is_verified(s.name, r)]
    assert verified == [("Psykiatri", R2015), ("Psykiatri", R2021)]


KLINISK_2021 = (
    "Klinisk tjänstgöring under handledning vid en eller flera enheter som bedriver sådan verksamhet eller "
    "handlägger sådana ärenden"
)


@pytest.mark.parametrize(
    ("code", "kompetenskrav", "activities", "advice"),
    [
        (
            "STc1",
            (
                "behärska handläggning av vanliga och viktiga psykiska sjukdomar med betoning på de stora "
                "folksjukdomarna, såsom affektiva sjukdomar, ångestsyndrom, psykossjukdomar och "
                "personlighetsstörningar",
                "ha kunskap om bakomliggande mekanismer för uppkomsten av dessa sjukdomar och om deras behandling",
            ),
            (KLINISK_2021, "Deltagande i en eller flera kurser"),
            ("Deltagande i seminarium", "Medsittning", "Teoretiska studier"),
        ),
        (
            "STc2",
            ("kunna handlägga övriga psykiska sjukdomar",),
            (KLINISK_2021, "Deltagande i en eller flera kurser"),
            ("Deltagande i seminarium", "Medsittning", "Teoretiska studier"),
        ),
        (
            "STc10",
            (
                "kunna tillämpa lagar och andra författningar om psykiatrisk tvångsvård",
                "uppvisa kunskap om lagar och andra författningar om rättspsykiatrisk vård",
                "ha kunskap om övriga lagar och andra författningar som är relevanta för psykiatrin",
                "ha kännedom om rättspsykiatrins organisation och arbetsuppgifter",
            ),
            (KLINISK_2021, "Deltagande i en eller flera kurser"),
            ("Auskultation", "Deltagande i seminarium", "Teoretiska studier"),
        ),
        (
            "STc13",
            (
                "ha kunskap om socialtjänstens och andra för området relevanta myndigheters organisation, "
                "regelverk och förutsättningar",
            ),
            ("Klinisk tjänstgöring under handledning", "Deltagande i en eller flera kurser"),
            (),
        ),
        (
            "STc14",
            (
                "kunna tillämpa en helhetssyn på patientens samlade läkemedelsbehandling",
                "kunna anpassa läkemedelsbehandling inom specialiteten utifrån enskilda patienters ålder, kön, "
                "vikt, njur- och leverfunktion samt andra eventuella faktorer, till exempel övrig medicinering, "
                "samsjuklighet, graviditet och amning",
                "kunna bedöma risker för biverkningar och interaktioner vid läkemedelsbehandling inom specialiteten",
            ),
            ("Klinisk tjänstgöring under handledning",),
            ("Deltagande i en eller flera kurser",),
        ),
    ],
)
def test_psykiatri_2021_stc_delmal_carry_the_official_wording(
    cat: Catalogue,
    code: str,
    kompetenskrav: tuple[str, ...],
    activities: tuple[str, ...],
    advice: tuple[str, ...],
) -> None:
    d = delmal(cat, "Psykiatri", R2021, code)
    assert d.kompetenskrav == kompetenskrav
    assert d.activities_text == activities
    assert d.advice_text == advice
    assert d.title_official is False


def test_psykiatri_2021_stc14_recommends_the_course_it_does_not_require(cat: Catalogue) -> None:
    stc14 = delmal(cat, "Psykiatri", R2021, "STc14")
    assert stc14.required == (("klinisk_tjanstgoring",),)
    assert stc14.recommended == ("kurs",)


def test_the_transcriptions_invented_psykiatri_2021_items_are_gone(cat: Catalogue) -> None:
    texts = [t for d in cat.delmal_for("Psykiatri", R2021) for t in (*d.kompetenskrav, *d.activities_text)]
    assert not [t for t in texts if "Best Estimate" in t or "LEAD" in t]
    assert delmal(cat, "Psykiatri", R2021, "STc1").title == "Vanliga och viktiga psykiska sjukdomar"
    assert delmal(cat, "Psykiatri", R2015, "c1").title == "Vanliga och viktiga psykiska sjukdomar"


def test_psykiatri_2021_stc10_is_doubtful_where_spf_quotes_other_wording(cat: Catalogue) -> None:
    doubtful = [d.code for d in cat.delmal_for("Psykiatri", R2021) if d.doubt]
    assert doubtful == ["STc10"]
    assert "Svenska Psykiatriska Föreningens" in delmal(cat, "Psykiatri", R2021, "STc10").doubt


@pytest.mark.parametrize(
    ("code", "kompetenskrav", "required", "advice"),
    [
        (
            "c1",
            (
                "behärska handläggning av vanliga och viktiga psykiska sjukdomar med betoning på de stora "
                "folksjukdomarna, såsom affektiva sjukdomar, ångestsyndrom, psykossjukdomar och "
                "personlighetsstörningar",
                "ha kunskap om bakomliggande mekanismer för uppkomsten av dessa sjukdomar och om deras "
                "behandling",
            ),
            (("klinisk_tjanstgoring",), ("kurs",)),
            ("Deltagande i seminarium", "Medsittning", "Teoretiska studier"),
        ),
        (
            "c5",
            (
                "ha kunskap om differentialdiagnostik mellan internmedicinska och neurologiska sjukdomar "
                "respektive psykiska sjukdomar",
                "kunna upptäcka och initialt handlägga somatiska tillstånd hos patienter med psykisk sjukdom",
            ),
            (("klinisk_tjanstgoring",),),
            ("Deltagande i seminarium", "Medsittning", "Teoretiska studier"),
        ),
        (
            "c13",
            (
                "kunna tillämpa lagar och andra föreskrifter som gäller för specialiteten, inklusive ha "
                "kunskap om socialtjänstens och andra för området relevanta myndigheters organisation, "
                "regelverk och förutsättningar",
            ),
            (("klinisk_tjanstgoring",), ("kurs",)),
            (),
        ),
    ],
)
def test_psykiatri_2015_c_delmal_carry_the_official_wording(
    cat: Catalogue,
    code: str,
    kompetenskrav: tuple[str, ...],
    required: tuple[tuple[str, ...], ...],
    advice: tuple[str, ...],
) -> None:
    d = delmal(cat, "Psykiatri", R2015, code)
    assert d.kompetenskrav == kompetenskrav
    assert d.required == required
    assert d.advice_text == advice
    assert d.title_official is False


def test_b2_2015_uses_socialstyrelsens_wording(cat: Catalogue) -> None:
    b2 = delmal(cat, "Psykiatri", R2015, "b2")
    lead = "kunna vägleda patienter i frågor om levnadsvanor i syfte att "
    assert b2.kompetenskrav == (
        lead + "förebygga uppkomsten av sjukdomar som grundar sig i en eller flera levnadsvanor",
        lead + "förbättra prognosen hos patienter med sjukdom som grundar sig i en eller flera levnadsvanor",
    )


def test_bt_has_bt1_to_bt18_each_requiring_its_bt_certificate(cat: Catalogue) -> None:
    bt = cat.bt_delmal()
    assert [d.code for d in bt] == [f"BT{n}" for n in range(1, 19)]
    assert all(d.required == (("bt_delmal",),) and d.group == "BT" for d in bt)
    assert not any(d.title_official for d in bt)


# --- specialties ---------------------------------------------------------------------------------


def test_there_are_63_specialties_44_bas_9_gren_10_tillagg(cat: Catalogue) -> None:
    assert len(cat.specialties) == 63
    assert Counter(s.kind for s in cat.specialties) == {"bas": 44, "gren": 9, "tillägg": 10}


@pytest.mark.parametrize(
    ("name", "kind", "requires_bas"),
    [
        ("Neuroradiologi", "gren", ("Radiologi",)),
        ("Rättspsykiatri", "gren", ("Psykiatri",)),
        ("Barn- och ungdomskardiologi", "gren", ("Barn- och ungdomsmedicin",)),
        ("Röst- och talrubbningar", "gren", ("Öron-, näs- och halssjukdomar",)),
        ("Palliativ medicin", "tillägg", ()),
        ("Beroendemedicin", "tillägg", ("Psykiatri",)),
        ("Allmänmedicin", "bas", ()),
        ("Psykiatri", "bas", ()),
    ],
)
def test_specialty_kind_and_required_bas(
    cat: Catalogue, name: str, kind: str, requires_bas: tuple[str, ...]
) -> None:
    spec = cat.specialty(name)
    assert (spec.name, spec.kind, spec.requires_bas) == (name, kind, requires_bas)


def test_tillagg_without_a_confirmed_bas_say_so(cat: Catalogue) -> None:
    for spec in cat.specialties:
        if spec.kind == "tillägg" and not spec.requires_bas:
            assert spec.requires_bas_note


def test_every_specialty_has_both_regulations(cat: Catalogue) -> None:
    for spec in cat.specialties:
        assert cat.regulations_for(spec.name) == REGULATIONS


def test_specialties_are_sorted_by_name(cat: Catalogue) -> None:
    names = [s.name for s in cat.specialties]
    assert names == sorted(names)


def test_socialmedicin_2021_has_each_stc_code_once(cat: Catalogue) -> None:
    own = [c for c in codes(cat, "Socialmedicin", R2021) if c.startswith("STc")]
    assert own == [f"STc{n}" for n in range(1, 13)]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Allmanmedicin", "Allmänmedicin"),
        ("PSYKIATRI", "Psykiatri"),
        ("  psykiatri ", "Psykiatri"),
        ("oron- nas- och halssjukdomar", "Öron-, näs- och halssjukdomar"),
        ("Aldrepsykiatri", "Äldrepsykiatri"),
        ("Toraxkirurgi", "Thoraxkirurgi"),
        ("Barn- och ungdoms-kardiologi", "Barn- och ungdomskardiologi"),
    ],
)
def test_specialty_lookup_ignores_case_and_diacritics(cat: Catalogue, query: str, name: str) -> None:
    assert cat.specialty(query).name == name


def test_unknown_specialty_raises_a_swedish_error_with_close_matches(cat: Catalogue) -> None:
    with pytest.raises(CatalogueError, match="Okänd specialitet: 'Kardiolog'") as info:
        cat.specialty("Kardiolog")
    assert "Kardiologi" in str(info.value)
    assert isinstance(info.value, TrackerError)  # one error family: the CLI prints it as one line


def test_unknown_specialty_without_close_match_still_explains(cat: Catalogue) -> None:
    with pytest.raises(CatalogueError, match="Okänd specialitet"):
        cat.delmal_for("Xyz", R2015)


def test_unknown_regulation_is_rejected(cat: Catalogue) -> None:
    with pytest.raises(CatalogueError, match="Okänt regelverk"):
        cat.delmal_for("Psykiatri", "SOSFS 2008:17")


# --- conversion rules --------------------------------------------------------------------------


def test_sta2_requires_only_utvecklingsarbete_and_recommends_kurs_and_sammankomst(cat: Catalogue) -> None:
    sta2 = delmal(cat, "Psykiatri", R2021, "STa2")
    assert sta2.required == (("utvecklingsarbete",),)
    assert sta2.recommended == ("kurs", "sammankomst")
    assert sta2.activities_text == ("Deltagande i utvecklingsarbete",)


def test_sta3_is_met_by_its_own_certificate(cat: Catalogue) -> None:
    sta3 = delmal(cat, "Allmänmedicin", R2021, "STa3")
    assert sta3.required == (("vetenskap",),)
    assert (sta3.title, sta3.title_official) == ("Medicinsk vetenskap", True)


@pytest.mark.parametrize(
    ("code", "required"),
    [
        ("STa4", (("klinisk_tjanstgoring",), ("utvecklingsarbete",), ("kurs",))),
        ("STa5", (("klinisk_tjanstgoring",), ("kurs",))),
        ("STa6", (("klinisk_tjanstgoring",), ("kurs",))),
        ("STb1", (("klinisk_tjanstgoring",), ("kurs",))),
        ("STb2", (("klinisk_tjanstgoring",), ("kurs",))),
        ("STb4", (("klinisk_tjanstgoring",), ("auskultation",), ("kurs",))),
    ],
)
def test_2021_allmanna_rad_appended_to_activities_are_not_required(
    cat: Catalogue, code: str, required: tuple[tuple[str, ...], ...]
) -> None:
    d = delmal(cat, "Psykiatri", R2021, code)
    assert d.required == required
    assert "ovrig_aktivitet" in d.recommended


def test_an_eller_item_makes_its_neighbours_alternatives(cat: Catalogue) -> None:
    # Allergologi 2021 STc13: "Klinisk tjänstgöring under handledning", "eller", "Deltagande i en eller
    # flera kurser".
    stc13 = delmal(cat, "Allergologi", R2021, "STc13")
    assert "eller" in [t.strip() for t in stc13.activities_text]
    assert stc13.required == (("klinisk_tjanstgoring", "kurs"),)


def test_alternativt_in_one_string_makes_alternatives(cat: Catalogue) -> None:
    b5 = delmal(cat, "Psykiatri", R2015, "b5")
    assert b5.activities_text[0] == "Klinisk tjänstgöring under handledning alternativt auskultation"
    assert b5.required == (("klinisk_tjanstgoring", "auskultation"), ("kurs",))


def test_a5_2015_requires_the_independent_written_work(cat: Catalogue) -> None:
    a5 = delmal(cat, "Allmänmedicin", R2015, "a5")
    assert ("skriftligt_arbete",) in a5.required
    assert (a5.title, a5.title_official) == ("Medicinsk vetenskap", True)


def test_2015_common_titles_are_official_and_2021_titles_other_than_sta3_are_not(cat: Catalogue) -> None:
    for d in cat.delmal_for("Psykiatri", R2015):
        assert d.title_official == (d.group in ("a", "b"))
    for d in cat.delmal_for("Psykiatri", R2021):
        assert d.title_official == (d.code == "STa3")


def test_recommended_only_types_are_never_required(cat: Catalogue) -> None:
    for spec in cat.specialties:
        for reg in REGULATIONS:
            for d in cat.delmal_for(spec.name, reg):
                required = {t for alts in d.required for t in alts}
                assert not required & {"ovrig_aktivitet", "sammankomst"}, (spec.name, reg, d.code)
                assert not set(d.activities_text) & set(d.advice_text), (spec.name, reg, d.code)


def test_a_seminarium_alternative_is_kept_as_a_recommendation_with_a_correction(
    cat: Catalogue,
) -> None:
    d = delmal(cat, "Rättspsykiatri", R2015, "c2")
    assert d.activities_text[1] == "Deltagande i kurser eller seminarium om somatisk samsjuklighet"
    assert ("kurs",) in d.required
    assert "ovrig_aktivitet" in d.recommended
    assert any(c["where"] == "2015/rättspsykiatri.json c2" for c in cat.corrections)


def test_delmal_come_in_natural_code_order(cat: Catalogue) -> None:
    got = codes(cat, "Allmänmedicin", R2015)
    assert got.index("c2") < got.index("c10") < got.index("c14")
    assert sorted(["c10", "c2", "b1", "c1", "a6"], key=code_sort_key) == ["a6", "b1", "c1", "c2", "c10"]


def test_corrections_are_listed_with_where_what_and_why(cat: Catalogue) -> None:
    assert cat.corrections
    assert all(set(c) == {"where", "what", "why"} for c in cat.corrections)
    assert any(c["where"] == "2015/psykiatri.json" for c in cat.corrections)


def test_activity_types_include_every_certificate_type(cat: Catalogue) -> None:
    assert set(cat.activity_types) == {
        "klinisk_tjanstgoring",
        "auskultation",
        "kurs",
        "utvecklingsarbete",
        "kvalitetsarbete",
        "skriftligt_arbete",
        "vetenskap",
        "bt_delmal",
        "sammankomst",
        "ovrig_aktivitet",
    }


# A course required although the delmål's certificate list has no course certificate --------------------

LAKEMEDEL_2021 = [
    ("Akutsjukvård", "STc13"),
    ("Allergologi", "STc12"),
    ("Allmänmedicin", "STc14"),
    ("Anestesi och intensivvård", "STc13"),
    ("Arbets- och miljömedicin", "STc13"),
    ("Arbetsmedicin", "STc13"),
    ("Barn- och ungdomsallergologi", "STc13"),
    ("Barn- och ungdomshematologi och onkologi", "STc14"),
    ("Barn- och ungdomskardiologi", "STc13"),
    ("Barn- och ungdomskirurgi", "STc13"),
    ("Barn- och ungdomsmedicin", "STc14"),
    ("Barn- och ungdomsneurologi med habilitering", "STc13"),
    ("Gynekologisk onkologi", "STc13"),
    ("Handkirurgi", "STc13"),
    ("Nuklearmedicin", "STc13"),
    ("Palliativ medicin", "STc13"),
    ("Skolhälsovård", "STc13"),
    ("Smärtlindring", "STc15"),
    ("Äldrepsykiatri", "STc13"),
]


@pytest.mark.parametrize(("specialty", "code"), LAKEMEDEL_2021)
def test_the_lakemedel_delmal_recommend_the_course_as_socialstyrelsen_does(
    cat: Catalogue, specialty: str, code: str
) -> None:
    d = delmal(cat, specialty, R2021, code)
    official = delmal(cat, "Psykiatri", R2021, "STc14")
    assert d.kompetenskrav == official.kompetenskrav
    assert d.required == (("klinisk_tjanstgoring",),)
    assert "kurs" in d.recommended
    assert d.activities_text == ("Klinisk tjänstgöring under handledning",)
    assert d.advice_text == ("Deltagande i en eller flera kurser",)
    assert not d.doubt


@pytest.mark.parametrize(
    ("specialty", "regulation", "code", "required"),
    [
        ("Barn- och ungdomspsykiatri", R2021, "STc7", (("klinisk_tjanstgoring",), ("kurs",))),
        ("Klinisk genetik", R2015, "c11", (("kurs",),)),
        ("Beroendemedicin", R2015, "c13", (("klinisk_tjanstgoring",),)),
    ],
)
def test_a_course_the_catalogue_cannot_settle_is_marked_doubtful(
    cat: Catalogue, specialty: str, regulation: str, code: str, required: tuple[tuple[str, ...], ...]
) -> None:
    d = delmal(cat, specialty, regulation, code)
    assert d.required == required
    assert d.doubt and "kurs" in d.doubt


def _transcribed_intyg(milestone: dict[str, Any]) -> list[str]:
    sections = milestone.get("sections")
    if isinstance(sections, dict):
        return [str(x) for x in sections.get("intyg", [])]
    if isinstance(sections, list):
        for section in sections:
            if section.get("title") in ("Intyg", "Uppföljning"):
                return [str(x) for x in section.get("items", [section.get("text", "")])]
    return []


def _transcribed_activities(milestone: dict[str, Any]) -> list[str]:
    sections = milestone.get("sections")
    if isinstance(sections, dict):
        advice = set(sections.get("allmannaRad", []))
        return [str(x) for x in sections.get("utbildningsaktiviteter", []) if x not in advice]
    return []


@needs_source
def test_no_delmal_requires_a_course_without_a_course_certificate_unless_it_is_doubtful(cat: Catalogue) -> None:
    """Computed from the transcription: a delmål whose Utbildningsaktiviteter name a course while its Intyg
    lines name no certificate from a kursledare."""
    found = []
    for folder, regulation in (("2015", R2015), ("2021", R2021)):
        for path in sorted((SOURCE / folder).glob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            if "specialty" not in doc:
                continue
            name = cat.specialty(doc["specialty"]).name
            for m in doc["milestones"]:
                course = any("kurs" in (activities.classify(a) or ()) for a in _transcribed_activities(m))
                certificate = any("kursledare" in i for i in _transcribed_intyg(m))
                if course and not certificate:
                    found.append((name, regulation, str(m["code"]), str(m["title"]), f"{folder}/{path.name}"))
    assert len(found) == 22
    lakemedel = sorted((n, c) for n, r, c, t, _ in found if r == R2021 and t == "Läkemedelsbehandling")
    assert lakemedel == sorted(LAKEMEDEL_2021)
    corrected = {c["where"] for c in cat.corrections}
    for name, regulation, code, _, file in found:
        d = delmal(cat, name, regulation, code)
        required = {t for alts in d.required for t in alts}
        assert "kurs" not in required or d.doubt, (name, regulation, code)
        assert "kurs" in required or "kurs" in d.recommended, (name, regulation, code)
        assert f"{file} {code}" in corrected, "each one is a listed correction"


# --- målbeskrivningar marked unreliable ----------------------------------------------------------------


def test_barn_och_ungdomspsykiatri_and_rattspsykiatri_2015_are_unreliable(cat: Catalogue) -> None:
    unreliable = {
        (s.name, r): cat.unreliable(s.name, r)
        for s in cat.specialties
        for r in REGULATIONS
        if cat.unreliable(s.name, r) is not None
    }
    assert set(unreliable) == {("Barn- och ungdomspsykiatri", R2015), ("Rättspsykiatri", R2015)}
    bup = unreliable[("Barn- och ungdomspsykiatri", R2015)]
    assert bup is not None and "37 av 73 texter" in bup and "delmål c5" in bup
    rattspsyk = unreliable[("Rättspsykiatri", R2015)]
    assert rattspsyk is not None and "48 av 98 texter" in rattspsyk and "delmål c13" in rattspsyk
    assert not any(cat.is_verified(*plan) for plan in unreliable)


# --- loading -------------------------------------------------------------------------------------


def test_a_subset_of_common_delmal_can_be_expressed(tmp_path: Path, raw_data: dict[str, Any]) -> None:
    radiologi = next(s for s in raw_data["specialties"] if s["name"] == "Radiologi")
    radiologi["regulations"][R2015]["common"] = ["a1", "a2", "a3", "a4", "a5", "a6", "b3", "b1"]
    cat = Catalogue.load(write_json(tmp_path / "cat.json", raw_data))
    got = [c for c in codes(cat, "Radiologi", R2015) if not c.startswith("c")]
    assert got == ["a1", "a2", "a3", "a4", "a5", "a6", "b1", "b3"]


def test_env_variable_selects_the_default_file(
    tmp_path: Path, raw_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw_data["specialties"] = [s for s in raw_data["specialties"] if s["name"] == "Psykiatri"]
    monkeypatch.setenv("TRACKER_CATALOGUE", str(write_json(tmp_path / "replacement.json", raw_data)))
    assert [s.name for s in Catalogue.load().specialties] == ["Psykiatri"]
    monkeypatch.delenv("TRACKER_CATALOGUE")
    assert len(Catalogue.load().specialties) == 63


def test_loading_is_cached_until_the_file_changes(tmp_path: Path, raw_data: dict[str, Any]) -> None:
    path = write_json(tmp_path / "cat.json", raw_data)
    first = Catalogue.load(path)
    assert Catalogue.load(str(path)) is first
    raw_data["specialties"] = raw_data["specialties"][:1]
    write_json(path, raw_data)
    assert len(Catalogue.load(path).specialties) == 1


def _break(mutation: str, data: dict[str, Any]) -> None:
    if mutation == "format":
        data["format"] = 2
    elif mutation == "missing key":
        del data["bt"]
    elif mutation == "unknown required type":
        data["bt"][0]["required"] = [["telepati"]]
    elif mutation == "empty alternatives":
        data["common"][R2021][0]["required"] = [[]]
    elif mutation == "unknown common code":
        data["specialties"][0]["regulations"][R2015]["common"] = ["a1", "b9"]
    elif mutation == "wrong group":
        data["specialties"][0]["regulations"][R2021]["delmal"][0]["group"] = "STa"
    elif mutation == "unknown kind":
        data["specialties"][0]["kind"] = "super"
    elif mutation == "unknown regulation":
        data["common"]["SOSFS 2008:17"] = []
    elif mutation == "empty doubt":
        data["specialties"][0]["regulations"][R2021]["delmal"][0]["doubt"] = "  "
    elif mutation == "doubt not text":
        data["bt"][0]["doubt"] = True
    elif mutation == "unreliable not text":
        data["specialties"][0]["regulations"][R2015]["unreliable"] = ["x"]
    elif mutation == "verified and unreliable":
        psykiatri = next(s for s in data["specialties"] if s["name"] == "Psykiatri")
        psykiatri["regulations"][R2015]["unreliable"] = "Opålitlig."
    else:  # pragma: no cover
        raise AssertionError(mutation)


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        ("format", "version 2 stöds inte"),
        ("missing key", "nyckeln 'bt' saknas"),
        ("unknown required type", "okänd aktivitetstyp 'telepati'"),
        ("empty alternatives", "tom lista med alternativ"),
        ("unknown common code", "delmål b9 finns inte"),
        ("wrong group", "stämmer inte med koden"),
        ("unknown kind", "är inte bas, gren eller tillägg"),
        ("unknown regulation", "ska ha exakt nycklarna"),
        ("empty doubt", r"\.doubt: får inte vara tom"),
        ("doubt not text", r"bt\[0\] \(BT1\)\.doubt: ska vara en text"),
        ("unreliable not text", r"\.unreliable: ska vara en text"),
        ("verified and unreliable", "kan inte vara både kontrollerad"),
    ],
)
def test_a_malformed_file_is_rejected_with_a_clear_message(
    tmp_path: Path, raw_data: dict[str, Any], mutation: str, message: str
) -> None:
    broken = copy.deepcopy(raw_data)
    _break(mutation, broken)
    path = write_json(tmp_path / "broken.json", broken)
    with pytest.raises(CatalogueError, match=message) as info:
        Catalogue.load(path)
    assert str(path) in str(info.value)


def test_a_file_without_doubts_or_unreliable_markings_still_loads(tmp_path: Path, raw_data: dict[str, Any]) -> None:
    old = copy.deepcopy(raw_data)
    removed = 0
    for spec in old["specialties"]:
        for body in spec["regulations"].values():
            removed += body.pop("unreliable", None) is not None
            for d in body["delmal"]:
                removed += d.pop("doubt", None) is not None
    assert removed >= 2 + 4
    cat = Catalogue.load(write_json(tmp_path / "old.json", old))
    assert cat.unreliable("Rättspsykiatri", R2015) is None
    assert not any(d.doubt for s in cat.specialties for r in REGULATIONS for d in cat.delmal_for(s.name, r))


def test_a_file_that_is_not_json_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": 1,', encoding="utf-8")
    with pytest.raises(CatalogueError, match="inte giltig JSON"):
        Catalogue.load(path)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="kunde inte läsas"):
        Catalogue.load(tmp_path / "nope.json")


def test_fold_name_drops_case_diacritics_and_punctuation() -> None:
    assert fold_name("Öron-, näs- och halssjukdomar") == "oronnasochhalssjukdomar"


# --- the build script ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Klinisk tjänstgöring under handledning", ("klinisk_tjanstgoring",)),
        (
            "Klinisk tjänstgöring under handledning vid en eller flera enheter som bedriver sådan "
            "verksamhet eller handlägger sådana ärenden",
            ("klinisk_tjanstgoring",),
        ),
        (
            "Klinisk tjänstgöring under handledning alternativt auskultation vid en eller flera enheter",
            ("klinisk_tjanstgoring", "auskultation"),
        ),
        ("Auskultation", ("auskultation",)),
        ("Deltagande i en eller flera kurser", ("kurs",)),
        ("Deltagande i kurs eller utbildning om lagstiftning och rättspsykiatri", ("kurs",)),
        ("Deltagande i kurser eller seminarium om somatisk samsjuklighet", ("kurs", "ovrig_aktivitet")),
        ("Deltagande i utvecklingsarbete", ("utvecklingsarbete",)),
        ("Kvalitets- och utvecklingsarbete", ("kvalitetsarbete",)),
        ("Deltagande i kvalitets- och utvecklingsarbete", ("kvalitetsarbete",)),
        ("Självständigt skriftligt arbete enligt vetenskapliga principer", ("skriftligt_arbete",)),
        ("Deltagande i större yrkesrelaterad sammankomst", ("sammankomst",)),
        ("Deltagande i seminarium", ("ovrig_aktivitet",)),
        ("Medsittning", ("ovrig_aktivitet",)),
        ("Deltagande i inom- eller mellanprofessionell reflektion i grupp", ("ovrig_aktivitet",)),
        ("Träning i simulerad miljö", ("ovrig_aktivitet",)),
        ("Teoretiska studier", ("ovrig_aktivitet",)),
        ("Handleda under handledning", ("ovrig_aktivitet",)),
        ("Undervisa under handledning", ("ovrig_aktivitet",)),
        ("Deltagande i diagnostik- och behandlingskonferens", ("ovrig_aktivitet",)),
        ("Vårdteamarbete", ("ovrig_aktivitet",)),
    ],
)
def test_activity_strings_map_by_meaning(text: str, types: tuple[str, ...]) -> None:
    assert activities.classify(text) == types


def _raw(activities: list[str], advice: list[str] | None = None) -> Any:
    return model.RawDelmal("STc1", "t", ["k"], activities, advice or [], "test.json STc1")


def test_an_unmapped_string_fails_instead_of_being_guessed(capsys: pytest.CaptureFixture[str]) -> None:
    assert activities.classify("Fallskärmshoppning") is None
    with pytest.raises(model.BuildError, match="unmapped activity string"):
        convert.build_requirements(_raw(["Fallskärmshoppning"]), corrections.Corrections())
    with pytest.raises(model.BuildError, match="could not be mapped"):
        activities.check_all_strings_mapped([_raw(["Fallskärmshoppning", "Medsittning"])])
    assert "Fallskärmshoppning" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("activities", "advice", "required", "recommended", "n_corrections"),
    [
        (
            ["Klinisk tjänstgöring under handledning", "eller", "Deltagande i en eller flera kurser"],
            [],
            [["klinisk_tjanstgoring", "kurs"]],
            [],
            0,
        ),
        (
            ["Deltagande i utvecklingsarbete", "Deltagande i en eller flera kurser"],
            ["Deltagande i en eller flera kurser"],
            [["utvecklingsarbete"]],
            ["kurs"],
            1,
        ),
        (
            ["Klinisk tjänstgöring under handledning", "Medsittning"],
            [],
            [["klinisk_tjanstgoring"]],
            ["ovrig_aktivitet"],
            1,
        ),
    ],
)
def test_build_requirements(
    activities: list[str],
    advice: list[str],
    required: list[list[str]],
    recommended: list[str],
    n_corrections: int,
) -> None:
    recorded = corrections.Corrections()
    got_required, got_recommended, _ = convert.build_requirements(_raw(activities, advice), recorded)
    assert (got_required, got_recommended) == (required, recommended)
    assert len(recorded.items) == n_corrections


@pytest.mark.parametrize("activities", [["eller", "Auskultation"], ["Auskultation", "eller"]])
def test_a_dangling_eller_fails(activities: list[str]) -> None:
    with pytest.raises(model.BuildError, match="'eller'"):
        convert.build_requirements(_raw(activities), corrections.Corrections())


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("a1–a3, b1 samt c1–c2", ["a1", "a2", "a3", "b1", "c1", "c2"]),
        ("STa1–STa2, STb1–STb2 samt STc1–STc3.", ["STa1", "STa2", "STb1", "STb2", "STc1", "STc2", "STc3"]),
    ],
)
def test_code_lists_are_expanded(text: str, codes: list[str]) -> None:
    assert official.expand_code_list(text) == codes


def test_pdf_lines_are_joined_and_dehyphenated() -> None:
    lines = ["Deltagande i ", "inom- eller mellan- ", "professionell reﬂektion ", "i grupp"]
    assert official.join_lines(lines) == "Deltagande i inom- eller mellanprofessionell reflektion i grupp"
    assert official.join_lines(["inom hälso- ", "och sjukvården"]) == "inom hälso- och sjukvården"


def test_the_specialty_register_covers_63_names() -> None:
    names = register.register()
    assert len(names) == 63
    assert names["Rättspsykiatri"][:2] == ("gren", ["Psykiatri"])


def test_the_official_psykiatri_2021_text_is_read_item_by_item() -> None:
    stc = official.read_transcribed_stc(official.PSYKIATRI_2021_STC)
    assert list(stc) == [f"STc{n}" for n in range(1, 15)]
    assert all(len(d.certificates) == len(d.activities) for d in stc.values())
    assert stc["STc14"].advice == ["Deltagande i en eller flera kurser"]
    assert stc["STc13"].advice == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Delmål STc2\nKompetenskrav\n- k\n", "expected Delmål STc1"),
        ("Delmål STc1\nKompetenskrav\n- k\nUtbildningsaktiviteter\n- Auskultation\n", "needs its Intyg line"),
        ("Delmål STc1\nUtbildningsaktiviteter\n", "out of order"),
        ("Delmål STc1\nKompetenskrav\nLäkaren bör\n", "cannot read"),
    ],
)
def test_a_malformed_official_text_fails(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "stc.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(model.BuildError, match=message):
        official.read_transcribed_stc(path)


def _lakemedel_reference() -> Any:
    return official.read_transcribed_stc(official.PSYKIATRI_2021_STC)["STc14"]


def test_a_course_without_a_course_certificate_follows_the_official_lakemedel_delmal() -> None:
    reference = _lakemedel_reference()
    handledare = "Intyg om genomförda utbildningsaktiviteter och uppfyllda kompetenskrav utfärdat av handledare"
    same = model.RawDelmal(
        "STc13", "Läkemedelsbehandling", list(reference.kompetenskrav),
        ["Klinisk tjänstgöring under handledning", "Deltagande i en eller flera kurser"], [], "x.json STc13",
        certificates=[handledare],
    )
    other = model.RawDelmal(
        "STc7", "t", ["ha kunskap om något annat"], ["Deltagande i en eller flera kurser"], [], "x.json STc7",
        certificates=[handledare],
    )
    recorded = corrections.Corrections()
    corrections.settle_course_requirements([same, other], "2021/x.json", reference, recorded)
    assert (same.activities, same.advice, same.doubt) == (
        ["Klinisk tjänstgöring under handledning"], ["Deltagande i en eller flera kurser"], ""
    )
    assert other.activities == ["Deltagande i en eller flera kurser"] and other.doubt
    assert [c["where"] for c in recorded.items] == ["2021/x.json STc13", "2021/x.json STc7"]


def test_a_course_with_its_course_certificate_is_left_as_it_is() -> None:
    raw = model.RawDelmal(
        "STc1", "t", list(_lakemedel_reference().kompetenskrav), ["Deltagande i en eller flera kurser"], [],
        "x.json STc1", certificates=["Intyg ... utfärdat av kursledare eller handledare"],
    )
    recorded = corrections.Corrections()
    corrections.settle_course_requirements([raw], "2021/x.json", _lakemedel_reference(), recorded)
    assert raw.activities == ["Deltagande i en eller flera kurser"] and not recorded.items


@needs_source
def test_every_transcribed_specialty_name_is_in_the_register() -> None:
    names = register.register()
    for folder in ("2015", "2021"):
        _, specs = transcription.read_folder(SOURCE, folder)
        found = {register.NAME_FIXES.get(s.name, s.name) for s in specs}
        assert found == set(names), folder


@needs_source_and_official
def test_committed_catalogue_equals_a_fresh_build(tmp_path: Path) -> None:
    out = tmp_path / "catalogue.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--source", str(SOURCE), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == DATA.read_bytes(), (
        "data/catalogue.json is stale: run scripts/build_catalogue.py"
    )


def _copy_writable(src: Path, dst: Path) -> None:
    """Copy a (possibly read-only) tree without its permissions."""
    for path in src.rglob("*"):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


@needs_source_and_official
def test_the_script_fails_on_an_unmapped_string_in_the_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "malbeskrivningar"
    _copy_writable(SOURCE, source)
    _copy_writable(OFFICIAL, tmp_path / "blanketter")
    path = source / "2021" / "kirurgi.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["milestones"][0]["sections"]["utbildningsaktiviteter"].append("Deltagande i ett okänt moment")
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert build_cli.main(["--source", str(source), "--out", str(tmp_path / "out.json")]) == 1
    assert "Deltagande i ett okänt moment" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_provenance_lists_every_correction(cat: Catalogue) -> None:
    provenance = (REPO / "data" / "PROVENANCE.md").read_text(encoding="utf-8")
    for correction in cat.corrections:
        for part in correction["where"].split(" ", 1):
            assert part in provenance, correction["where"]


def test_psykiatri_2021_delmal_without_a_course_requirement(cat: Catalogue) -> None:
    # SPF: "Inget kurskrav i målbeskrivningen" for STa2, STa7, STc5 and STc12.
    for code in ("STa2", "STa7", "STc5", "STc12"):
        required = {t for alts in delmal(cat, "Psykiatri", R2021, code).required for t in alts}
        assert "kurs" not in required, code
