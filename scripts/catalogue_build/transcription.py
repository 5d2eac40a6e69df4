"""Reading the transcription: ``<source>/2015/*.json``, ``<source>/2021/*.json`` and ``bt-2021.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import BuildError, RawDelmal


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
        certificates = [str(x) for x in sections.get("intyg", [])]
    elif isinstance(sections, list):
        by_title = {str(s.get("title")): s for s in sections}
        known = {"Kompetenskrav", "Utbildningsaktiviteter", "Allmänna råd", "Uppföljning", "Intyg"}
        unknown = set(by_title) - known
        if unknown:
            raise BuildError(f"{where}: unknown section titles {sorted(unknown)}")
        krav = _items(by_title.get("Kompetenskrav", {}))
        acts = _items(by_title.get("Utbildningsaktiviteter", {}))
        advice = _items(by_title.get("Allmänna råd", {}))
        certificates = _items(by_title.get("Intyg", by_title.get("Uppföljning", {})))
    elif sections is None and "kompetenskrav" in m:
        krav, acts, advice, certificates = [str(x) for x in m["kompetenskrav"]], [], [], []
    else:
        raise BuildError(f"{where}: milestone without sections")
    return RawDelmal(
        code=str(m["code"]),
        title=str(m["title"]).strip(),
        kompetenskrav=krav,
        activities=acts,
        advice=advice,
        where=where,
        certificates=certificates,
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
