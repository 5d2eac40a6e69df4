"""The audit log's before/after as readable Swedish: field changes ("Slutdatum: 2024-03-31 → 2024-06-30"),
and what a row is about ("Kurs i ledarskap") instead of an internal id.

A row's ``before_json`` and ``after_json`` hold the record as it was written (see ``tracker.store.audit``).
``describe_change`` turns them into one line of "Fält: före → efter" parts, only for the fields that
changed; a new record (no before) lists what it was given, a removed one (no after) what it held. Field
names get their Swedish label (``FIELD_LABELS``), codes their Swedish name (status, intygstyp, ledighet,
...), ids of people, units, regions and intyg the name the database knows (``Names``), and the internal
ids a row is keyed by are left out. Dates stay ISO (``2024-06-30``), as in the log's other columns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker.accounts import ROLE_LABELS
from tracker.domain import (
    BT_PART_LABELS,
    CREDIT_LABELS,
    DASH,
    LEAVE_LABELS,
    SETTING_LABELS,
    TYPE_LABELS,
)
from tracker.errors import FIELD_LABELS as FORM_LABELS
from tracker.rules.numbers import sv_number
from tracker.services.intressenter import DOCUMENTS, STEP_LABELS
from tracker.services.personal import CHANGED  # what the log holds for a value it does not show
from tracker.services.trainees import STATUS_LABELS

ARROW = " → "
SEPARATOR = "; "

# The Swedish label of every field the services write to the log: the forms' labels, and the rest.
FIELD_LABELS: dict[str, str] = {
    **FORM_LABELS,
    "signer_person_id": "Skickat till",
    "signed_by": "Signerat av",
    "signed_role": "Signerat som",
    "signed_date": "Signerat",
    "status": "Status",
    "replaces": "Ersätter intyget",
    "source": "Källa",
    "person_id": "Person",
    "recorded_by": "Registrerat av",
    "by_person_id": "Av",
    "enrolled_unit_id": "Enhet vid inskrivning",
    "doktorsexamen": "Doktorsexamen",
    "regulation_choice": "Regelverk",
    "trainee_id": "ST-läkare",
    "st_approved": "ST-godkänd",
    "st_places": "ST-platser",
    "purpose": "Syfte",
    "reason": "Skäl",
    "locked_until": "Låst till",
    "subject": "Organisationskonto",
    "on": "Datum",
    "counts": "Antal",
    "trainees": "ST-läkare",
    "specialties": "Specialiteter",
    "corrections": "Rättelser",
    "label": "Benämning",
    "is_specialist": "Specialistläkare",
    **DOCUMENTS,
}
# What ``kind`` means depends on the record.
KIND_LABELS: dict[str, str] = {
    "placement": "Placering",
    "leave": "Ledighet",
    "credit": "Tillgodoräknande",
    "supervision": "Roll",
    "unit": "Typ av enhet",
}
# The ids a row is keyed by: shown in the log's own columns (ST-läkare, Avser) or meaningless to people.
HIDDEN_FIELDS = frozenset(
    {"certificate_id", "intressent_id", "role_assignment_id", "supervision_id", "placement_id", "leave_id",
     "credit_id", "audit_id"}
)
# A row's trainee is its own column; only where the record links to a trainee is the link a change.
_LINKS_TRAINEE = ("intressent", "person")
UNIT_KIND_LABELS = {"vardcentral": "Vårdcentral", "klinik": "Klinik", "annan": "Annan"}
PURPOSE_LABELS = {"first_password": "Första lösenord", "reset": "Nytt lösenord"}
SOURCE_LABELS = {"app": "Appen", "import": "Import", "demo": "Demodata"}
_PEOPLE = ("signer_person_id", "person_id", "recorded_by", "by_person_id", "huvudhandledare_id")
_UNITS = ("unit_id", "enrolled_unit_id")


@dataclass(frozen=True)
class Names:
    """Names the database knows for the ids a log row may hold."""

    people: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    regions: Mapping[str, str] = field(default_factory=dict)
    certificates: Mapping[str, str] = field(default_factory=dict)  # certificate_id -> title or type
    trainees: Mapping[str, str] = field(default_factory=dict)


def parse(text: object) -> dict[str, Any] | None:
    """A log row's JSON as a dict (None for no record; a value that is not an object is kept under '')."""
    if text is None or (isinstance(text, float) and text != text) or text == "":
        return None
    try:
        value = json.loads(str(text))
    except ValueError:
        return {"": str(text)}
    return value if isinstance(value, dict) else {"": value}


def referenced_ids(records: Iterable[Mapping[str, Any] | None]) -> dict[str, set[str]]:
    """The ids of people, units, regions, intyg and trainees the records hold (to look their names up)."""
    out: dict[str, set[str]] = {"people": set(), "units": set(), "regions": set(), "certificates": set(),
                                "trainees": set()}
    for rec in records:
        for key, value in (rec or {}).items():
            if not isinstance(value, str) or not value:
                continue
            if key in _PEOPLE:
                out["people"].add(value)
            elif key in _UNITS:
                out["units"].add(value)
            elif key == "region_id":
                out["regions"].add(value)
            elif key == "replaces":
                out["certificates"].add(value)
            elif key == "trainee_id":
                out["trainees"].add(value)
    return out


def field_label(key: str, entity: str = "") -> str:
    if key == "kind" and entity in KIND_LABELS:
        return KIND_LABELS[entity]
    return FIELD_LABELS.get(key) or key.replace("_", " ").capitalize()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def field_value(key: str, value: Any, entity: str = "", names: Names = Names()) -> str:
    """One field's value as people read it: a name for an id, a Swedish label for a code."""
    if value is None or value == "" or value == []:
        return DASH
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, list):
        return ", ".join(field_value(key, v, entity, names) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {field_value(k, v, entity, names)}" for k, v in value.items())
    if isinstance(value, int | float):
        if key == "percent":
            return f"{sv_number(value, 2)} %"
        if key == "months":
            return f"{sv_number(value, 2)} mån"
        return sv_number(value, 2)
    text = str(value)
    lookups: dict[str, Mapping[str, str]] = {
        "status": STATUS_LABELS,
        "type": TYPE_LABELS,
        "setting": SETTING_LABELS,
        "bt_part": BT_PART_LABELS,
        "role": ROLE_LABELS,
        "step": STEP_LABELS,
        "purpose": PURPOSE_LABELS,
        "source": SOURCE_LABELS,
        "region_id": names.regions,
        "replaces": names.certificates,
        "trainee_id": names.trainees,
    }
    if key == "kind":
        table: Mapping[str, str] = {"leave": LEAVE_LABELS, "credit": CREDIT_LABELS, "unit": UNIT_KIND_LABELS}.get(
            entity, {}
        )
        return table.get(text, _capital(text) if entity == "supervision" else text)
    if key in _PEOPLE:
        return names.people.get(text, text)
    if key in _UNITS:
        return names.units.get(text, text)
    if key == "signed_role":
        return _capital(text)
    if key in lookups:
        return lookups[key].get(text, text)
    if len(text) >= 16 and text[4:5] == "-" and text[10:11] == "T":  # an ISO timestamp
        return text[:16].replace("T", " ")
    return text


def describe_change(
    entity: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, names: Names = Names()
) -> str:
    """The change a log row records, as 'Fält: före → efter' parts joined by '; ' (only the fields that
    differ); a new record lists its fields ('Fält: värde'), a removed one what it held; '' for none."""
    return SEPARATOR.join(change_lines(entity, before, after, names))


def change_lines(
    entity: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, names: Names = Names()
) -> list[str]:
    """``describe_change``'s parts, one per field."""
    before, after = before or {}, after or {}
    parts: list[str] = []
    keys = list(dict.fromkeys([*before, *after]))
    for key in keys:
        if key in HIDDEN_FIELDS or key == "" or (key == "trainee_id" and entity not in _LINKS_TRAINEE):
            continue
        label = field_label(key, entity)
        if before and after:
            if key not in after or before.get(key) == after.get(key):
                continue
            old = field_value(key, before.get(key), entity, names)
            new = field_value(key, after.get(key), entity, names)
            if key not in before and new == CHANGED:  # a hidden value: only that it changed is logged
                parts.append(f"{label}: {CHANGED}")
            elif old != new:
                parts.append(f"{label}: {old}{ARROW}{new}")
        else:
            value = (after or before).get(key)
            if value is None or value == "" or value == []:
                continue
            parts.append(f"{label}: {field_value(key, value, entity, names)}")
    if "" in after and not parts:
        parts.append(str(after[""]))
    return parts


def _period(values: Mapping[str, Any]) -> str:
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and start != end:
        return f" {start} – {end}"
    return f" {start or end}" if (start or end) else ""


def record_name(
    entity: str, entity_id: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, names: Names
) -> str:
    """What a log row is about, by name where one is known (an intyg's title, a person's name, a placement
    with its period, ...); the row's id otherwise."""
    values = {**(before or {}), **(after or {})}
    if entity == "certificate":
        title = values.get("title") or TYPE_LABELS.get(str(values.get("type", "")), "")
        return str(title or names.certificates.get(entity_id, entity_id))
    if entity == "placement" and values.get("kind"):
        where = SETTING_LABELS.get(str(values.get("setting", "")), str(values.get("setting", "")))
        workplace = f", {values['workplace']}" if values.get("workplace") else ""
        return f"{values['kind']} {where.lower()}{workplace}{_period(values)}".strip()
    if entity == "leave" and values.get("kind"):
        return f"{LEAVE_LABELS.get(str(values['kind']), str(values['kind']))}{_period(values)}"
    if entity == "credit" and values.get("kind"):
        months = f" {field_value('months', values['months'])}" if values.get("months") is not None else ""
        return f"{CREDIT_LABELS.get(str(values['kind']), str(values['kind']))}{months}"
    if entity == "supervision" and values.get("person_id"):
        who = names.people.get(str(values["person_id"]), str(values["person_id"]))
        return f"{who} ({values.get('kind') or 'handledare'})"
    if entity in ("role_assignment", "role") and values.get("person_id"):
        who = names.people.get(str(values["person_id"]), str(values["person_id"]))
        role = ROLE_LABELS.get(str(values.get("role", "")), str(values.get("role", "")))
        return f"{who}: {role}" if role else who
    if entity in ("person", "trainee_personal", "st_contract", "trainee"):
        known = names.people.get(entity_id) or names.trainees.get(entity_id)
        return str(values.get("name") or known or entity_id)
    if entity == "unit":
        return str(values.get("name") or names.units.get(entity_id, entity_id))
    if entity == "region":
        return str(values.get("name") or names.regions.get(entity_id, entity_id))
    if entity == "intressent":
        return str(values.get("name") or entity_id)
    return entity_id
