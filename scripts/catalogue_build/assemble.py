"""Putting the catalogue together from the sources, checking its invariants and rendering it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import corrections as fix
from .activities import ACTIVITY_TYPES, RECOMMENDED_ONLY, check_all_strings_mapped
from .convert import delmal_record
from .model import REG_2015, REGULATION_BY_FOLDER, BuildError, RawDelmal, code_key
from .official import PSYKIATRI_2021_STC, psykiatri_2021_statement, read_official_2015, read_transcribed_stc
from .register import ALIASES, NAME_FIXES, register
from .transcription import SpecialtySource, load_json, read_folder, read_milestone

FORMAT_VERSION = 1
# Socialstyrelsen's läkemedel delmål in the official psykiatri text (HSLF-FS 2021:8): its course is an
# Allmänna råd item. Delmål with the same kompetenskrav follow it (corrections.settle_course_requirements).
LAKEMEDEL_CODE = "STc14"
GENERATED_FROM = (
    "ST-ARK transcription of Socialstyrelsen's målbeskrivningar (malbeskrivningar/2015/*.json, "
    "malbeskrivningar/2021/*.json, malbeskrivningar/bt-2021.json); Socialstyrelsen, målbeskrivning "
    "psykiatri SOSFS 2015:8 (blanketter/targets2015.txt); Svenska Psykiatriska Föreningen, "
    "rekommendationer HSLF-FS 2021:8 (blanketter/recommendations2021.txt); Socialstyrelsen, målbeskrivning "
    "psykiatri HSLF-FS 2021:8, delmålen STc (blanketter/targets2021-psykiatri.pdf, transcribed in "
    "scripts/catalogue_build/official/psykiatri-2021-stc.txt); converted by scripts/build_catalogue.py"
)
LICENSE_NOTICE = (
    "The delmål data are derived from the transcription of the målbeskrivningar in the ST-ARK project "
    "(github.com/ahfroberg-cmd/st-ark), licensed under the Apache License, Version 2.0 "
    "(data/LICENSE-ST-ARK). They were converted, restructured and corrected; every correction is "
    "listed under 'corrections' and in data/PROVENANCE.md. The underlying regulations are "
    "Socialstyrelsen's (SOSFS 2015:8, HSLF-FS 2021:8)."
)


def build(source: Path, official_dir: Path) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    corrections = fix.Corrections()
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

    fix.lower_case_2015_codes(common_raw["2015"], corrections)
    official_2015 = read_official_2015(official_dir)
    official_stc = read_transcribed_stc(PSYKIATRI_2021_STC)
    lakemedel = official_stc[LAKEMEDEL_CODE]
    fix.correct_common_2015(common_raw["2015"], official_2015, corrections)

    reg = register()
    by_name: dict[str, dict[str, SpecialtySource]] = {}
    for folder in ("2015", "2021"):
        for spec in specs[folder]:
            name = fix.fixed_specialty_name(spec, NAME_FIXES, corrections)
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
        fix.settle_course_requirements(common_raw[folder], f"{folder}/common.json", lakemedel, corrections)
        for raw in sorted(common_raw[folder], key=lambda r: code_key(r.code)):
            if raw.code == "STa3" and not raw.activities:
                record = delmal_record(raw, corrections, title_official=True)
                fix.require_sta3_certificate(record, raw.where, corrections)
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
    bt_out = [delmal_record(raw, corrections) for raw in sorted(bt_raw, key=lambda r: code_key(r.code))]
    if [r["code"] for r in bt_out] != [f"BT{n}" for n in range(1, 19)]:
        raise BuildError(f"bt-2021.json: expected BT1..BT18, found {[r['code'] for r in bt_out]}")
    fix.require_bt_certificates(bt_out, corrections)

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
            unreliable: str | None = None
            if name == "Psykiatri" and folder == "2015":
                raws, common_codes, common_source = fix.psykiatri_2015_official(
                    official_2015, spec, by_name[name]["2021"], corrections
                )
                verified_against = "targets2015.txt"
            elif name == "Psykiatri" and folder == "2021":
                raws = fix.psykiatri_2021_official(official_stc, spec, PSYKIATRI_2021_STC.name, corrections)
                verified_against = "targets2021-psykiatri.pdf"
            else:
                raws = fix.dedupe_codes(spec, corrections)
            if name == "Psykiatri" and folder == "2021":
                statement, codes = psykiatri_2021_statement(official_dir)
                listed = common_codes + [r.code for r in raws]
                if codes != listed:
                    raise BuildError(f"Psykiatri 2021: transcription {listed} disagrees with '{statement}'")
                common_source = f"recommendations2021.txt (SPF, quoting the målbeskrivning): '{statement}'"
            if folder == "2015" and name in fix.UNRELIABLE_2015:
                unreliable = fix.mark_unreliable(spec, name, by_name["Psykiatri"]["2015"], corrections)
            fix.settle_course_requirements(raws, spec.file, lakemedel, corrections)
            known = {r["code"] for r in common_out[regulation]}
            if not set(common_codes) <= known:
                raise BuildError(f"{name} {regulation}: unknown common codes {set(common_codes) - known}")
            plan: dict[str, Any] = {"verified": verified_against is not None, "verified_against": verified_against}
            if unreliable:
                plan["unreliable"] = unreliable
            plan["common"] = common_codes
            plan["common_source"] = common_source
            plan["delmal"] = [delmal_record(r, corrections) for r in raws]
            regulations[regulation] = plan
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
