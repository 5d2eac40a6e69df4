"""A trainee's placements, leave and credits: the form fields for entering and changing them, the
overlap confirmation ("Spara ändå"), each kind's list with its forms beside it (new, change, delete), and
the date the BT was approved.

The ST-läkare's Tidslinje page shows their own records with every form (``records``), the Intyg page
the BT approval; the utbildningsenhet's trainee view (``trainee_list.trainee_view``) offers the
corrections to a studierektor or an administrator (``corrections``). The service layer decides who may
change what.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import dates, feedback
from tracker import services
from tracker.accounts import Actor
from tracker.domain import (
    BT_PART_LABELS,
    BT_PARTS,
    CREDIT_KINDS,
    CREDIT_LABELS,
    CREDIT_TARGETS,
    LEAVE_KINDS,
    LEAVE_LABELS,
    PLACEMENT_KINDS,
    SETTING_LABELS,
    SETTINGS,
)
from tracker.errors import FieldError
from tracker.rules.facts import MAX_CREDIT_MONTHS
from tracker.services import Connection

BT_PART_HELP = (
    "Akut sjukvård är ett slags arbete, inte en klinik: en BT-placering på en medicinavdelning kan vara akut "
    "sjukvård. Lämnas den tom gäller verksamheten (primärvård eller akut sjukvård, annars annan)."
)


def _index(options: list[Any], value: Any, default: int = 0) -> int:
    return options.index(value) if value in options else default


# --- form fields, for entering and for changing ------------------------------------------------------


def placement_fields(current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The placement's fields (inside a form), filled in from ``current``; the values as the service's
    keyword arguments."""
    c = current or {}
    kinds, settings, parts = list(PLACEMENT_KINDS), list(SETTINGS), [None, *BT_PARTS]
    a, b = st.columns(2)
    kind = a.selectbox("Tjänstgöring", kinds, index=_index(kinds, c.get("kind"), 2))
    setting = b.selectbox(
        "Verksamhet", settings, index=_index(settings, c.get("setting")), format_func=lambda s: SETTING_LABELS.get(s, s)
    )
    workplace = st.text_input(
        "Arbetsplats", value=str(c.get("workplace") or ""), placeholder="t.ex. Medicinkliniken, Sahlgrenska"
    )
    a, b, d = st.columns(3)
    start = dates.date_field(a, "Startdatum", c.get("start_date"))
    end = dates.date_field(b, "Slutdatum", c.get("end_date"))
    percent = _percent_field(d, current)
    part = st.selectbox(
        "BT-del (bara för BT)",
        parts,
        index=_index(parts, c.get("bt_part") or None),
        format_func=lambda p: "Enligt verksamheten" if p is None else BT_PART_LABELS[p],
        help=BT_PART_HELP,
    )
    return {
        "kind": kind,
        "setting": setting,
        "workplace": workplace,
        "start_date": start,
        "end_date": end,
        "percent": percent,
        "bt_part": part,
    }


def _percent_field(column: Any, current: Mapping[str, Any] | None) -> float:
    """The share of full time: whole percents for a new record, the stored value (with decimals) for one
    being changed."""
    if current is None:
        return float(column.number_input("Omfattning (% av heltid)", min_value=1, max_value=100, value=100, step=5))
    return float(
        column.number_input("Omfattning (% av heltid)", min_value=1.0, max_value=100.0, value=float(current["percent"]), step=5.0)
    )


def leave_fields(current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The leave period's fields (inside a form), filled in from ``current``."""
    c = current or {}
    kinds = list(LEAVE_KINDS)
    kind = st.selectbox(
        "Typ av ledighet", kinds, index=_index(kinds, c.get("kind")), format_func=lambda k: LEAVE_LABELS.get(k, k)
    )
    a, b, d = st.columns(3)
    start = dates.date_field(a, "Startdatum", c.get("start_date"))
    end = dates.date_field(b, "Slutdatum", c.get("end_date"))
    percent = _percent_field(d, current)
    return {"kind": kind, "start_date": start, "end_date": end, "percent": percent}


def credit_fields(current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The credit's fields (inside a form), filled in from ``current``."""
    c = current or {}
    kinds, targets = list(CREDIT_KINDS), list(CREDIT_TARGETS)
    a, b, d = st.columns(3)
    kind = a.selectbox(
        "Typ av merit", kinds, index=_index(kinds, c.get("kind")), format_func=lambda k: CREDIT_LABELS.get(k, k)
    )
    months = b.number_input(
        "Månader (heltid)",
        min_value=0.01,
        max_value=float(MAX_CREDIT_MONTHS),
        value=float(c.get("months") or 6.0),
        step=0.25,
    )
    applies_to = d.selectbox("Räknas mot", targets, index=_index(targets, c.get("applies_to")))
    note = st.text_input(
        "Anteckning", value=str(c.get("note") or ""), placeholder="t.ex. ST i internmedicin, Region Skåne 2019–2021"
    )
    return {"kind": kind, "months": float(months), "note": note, "applies_to": applies_to}


# --- a placement write that may ask to confirm an overlap ------------------------------------------


def _pending_key(key: str) -> str:
    return f"_overlap_{key}"


def _attempt(key: str, write: Callable[[Mapping[str, Any], bool], object], values: Mapping[str, Any], success: str, *, confirm: bool) -> None:
    try:
        feedback.write(lambda: write(values, confirm), success, passes=(services.OverlapConflict,))
    except services.OverlapConflict as exc:
        st.session_state[_pending_key(key)] = {"message": str(exc), "values": dict(values)}


def overlap_checked_write(
    key: str,
    values: Mapping[str, Any] | None,
    write: Callable[[Mapping[str, Any], bool], object],
    success: str,
) -> None:
    """Run ``write(values, confirm_overlap)`` for a submitted form (``values``; None when the form was
    not submitted in this run). A refusal because of an overlap is shown with a "Spara ändå" button that
    repeats the write with the overlap confirmed, and an "Avbryt" button."""
    pending = _pending_key(key)
    if values is not None:
        st.session_state.pop(pending, None)
        _attempt(key, write, values, success, confirm=False)
    asked = st.session_state.get(pending)
    if not asked:
        return
    st.warning(fmt.plain(asked["message"]), icon=":material/warning:")
    a, b, _ = st.columns([1, 1, 4])
    if a.button("Spara ändå", key=f"{key}_confirm", type="primary", icon=":material/done_all:"):
        st.session_state.pop(pending, None)
        _attempt(key, write, asked["values"], success, confirm=True)
    if b.button("Avbryt", key=f"{key}_cancel"):
        st.session_state.pop(pending, None)
        st.rerun()


# --- the list to change or delete from ------------------------------------------------------------


def _placement_label(r: Mapping[str, Any]) -> str:
    where = SETTING_LABELS.get(r["setting"], r["setting"]) + (f", {r['workplace']}" if r["workplace"] else "")
    return f"{r['kind']} {where} · {fmt.period(r['start_date'], r['end_date'])} · {fmt.pct(r['percent'], 2)}"


def _leave_label(r: Mapping[str, Any]) -> str:
    return (
        f"{LEAVE_LABELS.get(r['kind'], r['kind'])} · {fmt.period(r['start_date'], r['end_date'])} · "
        f"{fmt.pct(r['percent'], 2)}"
    )


def _credit_label(r: Mapping[str, Any]) -> str:
    note = f" · {r['note']}" if r["note"] else ""
    return f"{CREDIT_LABELS.get(r['kind'], r['kind'])} · {fmt.months(r['months'])} mot {r['applies_to']}{note}"


def _placement_grid(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Tjänstgöring": df["kind"],
            "Verksamhet": df["setting"].map(lambda s: SETTING_LABELS.get(s, s)),
            "Arbetsplats": df["workplace"].map(lambda w: w or fmt.DASH),
            "Period": [fmt.period(s, e) for s, e in zip(df["start_date"], df["end_date"], strict=True)],
            "Omfattning": df["percent"].map(lambda p: fmt.pct(p, 2)),
            "BT-del": df["bt_part"].map(lambda p: BT_PART_LABELS.get(p, fmt.DASH) if isinstance(p, str) else fmt.DASH),
            "Låst av intyg": df["covered_by"].map(lambda c: c or fmt.DASH),
        }
    )


def _leave_grid(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Typ": df["kind"].map(lambda k: LEAVE_LABELS.get(k, k)),
            "Period": [fmt.period(s, e) for s, e in zip(df["start_date"], df["end_date"], strict=True)],
            "Omfattning": df["percent"].map(lambda p: fmt.pct(p, 2)),
            "Låst av intyg": df["covered_by"].map(lambda c: c or fmt.DASH),
        }
    )


def _credit_grid(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Typ": df["kind"].map(lambda k: CREDIT_LABELS.get(k, k)),
            "Månader": df["months"].map(fmt.months),
            "Räknas mot": df["applies_to"],
            "Anteckning": df["note"].map(lambda n: n or fmt.DASH),
        }
    )


# --- new records: the trainee's own (the services refuse anyone else) -------------------------------


def _add_placement(con: Connection, actor: Actor, trainee_id: str) -> None:
    with st.form("add_placement"):
        values = placement_fields()
        submitted = st.form_submit_button("Spara placering", type="primary", icon=":material/save:")

    def add(v: Mapping[str, Any], confirm: bool) -> object:
        return services.add_placement(con, actor, trainee_id, **v, confirm_overlap=confirm)

    overlap_checked_write("add_placement", values if submitted else None, add, "Placeringen är sparad.")


def _add_leave(con: Connection, actor: Actor, trainee_id: str) -> None:
    with st.form("add_leave"):
        values = leave_fields()
        submitted = st.form_submit_button("Spara ledighet", type="primary", icon=":material/save:")
    st.caption("Semester och jourkompensation räknas som tjänstgöring och registreras inte här.")
    if submitted:
        feedback.write(lambda: services.add_leave(con, actor, trainee_id, **values), "Ledigheten är sparad.")


def _add_credit(con: Connection, actor: Actor, trainee_id: str) -> None:
    with st.form("add_credit"):
        values = credit_fields()
        submitted = st.form_submit_button("Spara tillgodoräknande", type="primary", icon=":material/save:")
    st.caption(
        "Ett tillgodoräknande bedöms av Socialstyrelsen. Tidigare ST räknas med högst 30 månader sammanlagt; "
        "mot BT bara under HSLF-FS 2021:8."
    )
    if submitted:
        feedback.write(lambda: services.add_credit(con, actor, trainee_id, **values), "Tillgodoräknandet är sparat.")


# What each kind of record is called and how it is shown, added, changed and deleted.
_KINDS: dict[str, dict[str, Any]] = {
    "placement": {
        "tab": "Placeringar",
        "name": "placeringen",
        "changed": "ändrad",
        "deleted": "borttagen",
        "id": "placement_id",
        "frame": "placements",
        "label": _placement_label,
        "grid": _placement_grid,
        "fields": placement_fields,
        "save": "Spara ändrad placering",
        "update": services.update_placement,
        "delete": services.delete_placement,
        "empty": "Inga placeringar är registrerade.",
        "new": "Ny placering",
        "add": _add_placement,
    },
    "leave": {
        "tab": "Ledigheter",
        "name": "ledigheten",
        "changed": "ändrad",
        "deleted": "borttagen",
        "id": "leave_id",
        "frame": "leave",
        "label": _leave_label,
        "grid": _leave_grid,
        "fields": leave_fields,
        "save": "Spara ändrad ledighet",
        "update": services.update_leave,
        "delete": services.delete_leave,
        "empty": "Inga ledigheter är registrerade.",
        "new": "Ny ledighet",
        "add": _add_leave,
    },
    "credit": {
        "tab": "Tillgodoräknanden",
        "name": "tillgodoräknandet",
        "changed": "ändrat",  # ett tillgodoräknande
        "deleted": "borttaget",
        "id": "credit_id",
        "frame": "credits",
        "label": _credit_label,
        "grid": _credit_grid,
        "fields": credit_fields,
        "save": "Spara ändrat tillgodoräknande",
        "update": services.update_credit,
        "delete": services.delete_credit,
        "empty": "Inga tillgodoräknanden är registrerade.",
        "new": "Nytt tillgodoräknande",
        "add": _add_credit,
    },
}


LOCKED_CAPTION = (
    "Välj en post för att ändra eller ta bort den. Placeringar och ledigheter som ett signerat intyg omfattar "
    "är låsta: intyget måste makuleras först. Det som lagts till eller ändrats här efter signeringen är inte låst. "
    "Varje ändring loggas."
)


def _entries(con: Connection, actor: Actor, trainee_id: str) -> services.TraineeEntries:
    with feedback.shown_errors():
        found: services.TraineeEntries = cache.read("trainee_entries", con, actor, trainee_id)
    return found


def _kind_choice(label: str, *, key: str) -> str:
    """Which kind of record is shown: a keyed choice, so that it stays after the rerun of a save."""
    kind = st.segmented_control(
        label,
        list(_KINDS),
        default="placement",
        required=True,
        format_func=lambda k: _KINDS[k]["tab"],
        key=f"{key}_what",
    )
    return str(kind or "placement")


def _listed(spec: Mapping[str, Any], df: pd.DataFrame) -> None:
    if df.empty:
        st.info(spec["empty"])
        return
    # A static table: the records are few, and st.table renders Markdown, so every cell is shown as text.
    st.table(spec["grid"](df).map(fmt.plain), hide_index=True)


def records(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> None:
    """The trainee's own placements, leave and credits, one kind at a time: its list, beside it the form
    for a new one, and the change or delete of a listed one. The kind chosen stays chosen after a save,
    and what a save says is shown right under the choice."""
    found = _entries(con, actor, trainee_id)
    kind = _kind_choice("Visa", key=key)
    spec = _KINDS[kind]
    with st.container():  # the flash in a block of its own, so that the list and forms below keep their place
        feedback.show_flash()
    df = getattr(found, spec["frame"])
    _listed(spec, df)
    st.markdown(f"#### {spec['new']}")
    spec["add"](con, actor, trainee_id)
    if not df.empty:
        st.markdown("#### Ändra eller ta bort")
        st.caption(LOCKED_CAPTION)
        _correct_one_kind(con, actor, kind, spec, df, key=f"{key}_{kind}")


def corrections(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> None:
    """The trainee's placements, leave and credits, each to change (a form filled in with it) or delete
    (after a confirmation). A placement or leave period covered by a signed intyg is shown as locked."""
    found = _entries(con, actor, trainee_id)
    st.caption(LOCKED_CAPTION)
    kind = _kind_choice("Vad vill du ändra?", key=key)
    spec = _KINDS[kind]
    df = getattr(found, spec["frame"])
    _listed(spec, df)
    if not df.empty:
        _correct_one_kind(con, actor, kind, spec, df, key=f"{key}_{kind}")


def pick(label: str, options: Mapping[int, str], *, key: str) -> int | None:
    """A select of records by id, shown by their labels; the choice is kept while the labels change.

    A select remembers the label it shows, so after an edit changes a record's label it would show (and
    send back) the old one and fall back to the first record. Each set of labels therefore gets a
    select of its own, opened at the record chosen before."""
    chosen = f"{key}_chosen"
    ids = list(options)
    before = st.session_state.get(chosen)
    version = zlib.crc32("\n".join(f"{i} {t}" for i, t in options.items()).encode("utf-8"))
    picked = st.selectbox(
        label,
        ids,
        index=ids.index(before) if before in ids else None,  # never another record than the one chosen
        format_func=lambda i: options[i],
        key=f"{key}_pick_{version:08x}",
        placeholder="Välj …",
    )
    st.session_state[chosen] = picked
    return None if picked is None else int(picked)


def _correct_one_kind(
    con: Connection, actor: Actor, kind: str, spec: Mapping[str, Any], df: pd.DataFrame, *, key: str
) -> None:
    """The pick of one listed record, and its change form and delete button (or why it is locked)."""
    rows = {int(r[spec["id"]]): r for r in df.to_dict("records")}
    rid = pick(f"Välj {spec['name']} att ändra eller ta bort", {i: spec["label"](r) for i, r in rows.items()}, key=key)
    if rid is None:
        return
    r = rows[int(rid)]
    if r.get("source") == "import":
        st.info(
            f"{spec['name'].capitalize()} kom med en import och rättas i importfilen.", icon=":material/lock:"
        )
        return
    if r.get("covered_by"):
        several = str(r["covered_by"]).count("” (signerat ") > 1  # one '”Titel” (signerat ÅÅÅÅ-MM-DD)' each
        st.info(
            f"{spec['name'].capitalize()} omfattas av {'signerade intyg' if several else 'ett signerat intyg'}: "
            f"{fmt.plain(r['covered_by'])}. Den kan inte ändras eller tas bort förrän "
            f"{'de har' if several else 'intyget har'} makulerats.",
            icon=":material/lock:",
        )
        return
    with st.form(f"{key}_edit_{rid}"):
        values = spec["fields"](r)
        submitted = st.form_submit_button(spec["save"], type="primary", icon=":material/save:")
    name = spec["name"].capitalize()

    def update(v: Mapping[str, Any], confirm: bool) -> object:
        extra = {"confirm_overlap": confirm} if kind == "placement" else {}
        return spec["update"](con, actor, int(rid), **v, **extra)

    overlap_checked_write(f"{key}_edit_{rid}", values if submitted else None, update, f"{name} är {spec['changed']}.")
    _delete_button(con, actor, spec, int(rid), spec["label"](r), key=f"{key}_delete_{rid}")


def _delete_button(con: Connection, actor: Actor, spec: Mapping[str, Any], rid: int, label: str, *, key: str) -> None:
    """'Ta bort …', then a confirmation with "Ja, ta bort" and "Avbryt"."""
    name = spec["name"]
    if st.button(f"Ta bort {name}", key=f"{key}_ask", icon=":material/delete:"):
        st.session_state[key] = True
    if not st.session_state.get(key):
        return
    st.warning(f"Ta bort {name} {fmt.plain(label)}? Det går inte att ångra; borttagningen loggas.")
    a, b, _ = st.columns([1, 1, 4])
    if a.button("Ja, ta bort", key=f"{key}_yes", type="primary"):
        st.session_state.pop(key, None)
        feedback.write(lambda: spec["delete"](con, actor, rid), f"{name.capitalize()} är {spec['deleted']}.")
    if b.button("Avbryt", key=f"{key}_no"):
        st.session_state.pop(key, None)
        st.rerun()


# --- the BT approval (HSLF-FS 2021:8) ----------------------------------------------------------------


def bt_approval(con: Connection, actor: Actor, trainee_id: str, approved: date | None, *, key: str) -> None:
    """The date Socialstyrelsen approved the BT: entered, changed or removed."""
    st.caption(
        "Datumet då Socialstyrelsen utfärdade intyget om godkänd bastjänstgöring. Det behövs i ansökan om "
        "bevis om specialistkompetens."
    )
    if approved is not None:
        st.info(f"Registrerat: BT godkänd {fmt.sv_date(approved)}.", icon=":material/verified:")
    with st.form(f"{key}_bt_approval"):
        # The app's whole range in the widget: a future date is refused by the service, with a message.
        when = dates.date_field(st, "Godkänd BT (Socialstyrelsens beslut)", approved)
        submitted = st.form_submit_button("Spara datum", type="primary", icon=":material/save:")
    if submitted:
        if when is None:
            feedback.input_errors(
                services.InputError([FieldError("bt_approved_date", "ange datumet då Socialstyrelsen godkände BT")])
            )
        else:
            feedback.write(
                lambda: services.set_bt_approval(con, actor, trainee_id, when),
                f"BT är registrerad som godkänd {fmt.sv_date(when)}.",
            )
    if approved is not None and st.button("Ta bort datumet", key=f"{key}_bt_clear", icon=":material/delete:"):
        feedback.write(
            lambda: services.set_bt_approval(con, actor, trainee_id, None), "Datumet för godkänd BT är borttaget."
        )
