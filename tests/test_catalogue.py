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
from types import ModuleType
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


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_catalogue", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_catalogue"] = module
    spec.loader.exec_module(module)
    return module


build = _load_script()


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
    assert not cat.is_verified("Psykiatri", R2021)


def test_only_psykiatri_2015_is_verified(cat: Catalogue) -> None:
    verified = [(s.name, r) for s in cat.specialties for r in REGULATIONS if cat.is_verified(s.name, r)]
    assert verified == [("Psykiatri", R2015)]


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
    assert build.classify(text) == types


def _raw(activities: list[str], advice: list[str] | None = None) -> Any:
    return build.RawDelmal("STc1", "t", ["k"], activities, advice or [], "test.json STc1")


def test_an_unmapped_string_fails_instead_of_being_guessed(capsys: pytest.CaptureFixture[str]) -> None:
    assert build.classify("Fallskärmshoppning") is None
    with pytest.raises(build.BuildError, match="unmapped activity string"):
        build.build_requirements(_raw(["Fallskärmshoppning"]), build.Corrections())
    with pytest.raises(build.BuildError, match="could not be mapped"):
        build.check_all_strings_mapped([_raw(["Fallskärmshoppning", "Medsittning"])])
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
    corrections = build.Corrections()
    got_required, got_recommended, _ = build.build_requirements(_raw(activities, advice), corrections)
    assert (got_required, got_recommended) == (required, recommended)
    assert len(corrections.items) == n_corrections


@pytest.mark.parametrize("activities", [["eller", "Auskultation"], ["Auskultation", "eller"]])
def test_a_dangling_eller_fails(activities: list[str]) -> None:
    with pytest.raises(build.BuildError, match="'eller'"):
        build.build_requirements(_raw(activities), build.Corrections())


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("a1–a3, b1 samt c1–c2", ["a1", "a2", "a3", "b1", "c1", "c2"]),
        ("STa1–STa2, STb1–STb2 samt STc1–STc3.", ["STa1", "STa2", "STb1", "STb2", "STc1", "STc2", "STc3"]),
    ],
)
def test_code_lists_are_expanded(text: str, codes: list[str]) -> None:
    assert build.expand_code_list(text) == codes


def test_pdf_lines_are_joined_and_dehyphenated() -> None:
    lines = ["Deltagande i ", "inom- eller mellan- ", "professionell reﬂektion ", "i grupp"]
    assert build.join_lines(lines) == "Deltagande i inom- eller mellanprofessionell reflektion i grupp"
    assert build.join_lines(["inom hälso- ", "och sjukvården"]) == "inom hälso- och sjukvården"


def test_the_specialty_register_covers_63_names() -> None:
    register = build.register()
    assert len(register) == 63
    assert register["Rättspsykiatri"][:2] == ("gren", ["Psykiatri"])


@needs_source
def test_every_transcribed_specialty_name_is_in_the_register() -> None:
    register = build.register()
    for folder in ("2015", "2021"):
        _, specs = build.read_folder(SOURCE, folder)
        names = {build.NAME_FIXES.get(s.name, s.name) for s in specs}
        assert names == set(register), folder


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
    assert build.main(["--source", str(source), "--out", str(tmp_path / "out.json")]) == 1
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
