"""The ST-läkare's forms for a new or changed intyg: the type list of their regelverk, a delmål picker that
offers only the delmål that fit the type and their stage (``services.certificate_types``,
``services.delmal_choices``), a confirmation before one intyg lists many delmål, and the summary documents
(intyg om fullgjord BT/ST, baskompetens, specialistkompetens) in a flow of their own.

The type is chosen outside the form, so that the delmål offered follow it; the delmål picker has no
"Select all" (one click attached every delmål to one intyg) and is keyed by the type, so a change of type
never carries delmål over to a type they do not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import dates, feedback
from tracker import services
from tracker.accounts import Actor
from tracker.domain import RECOMMENDED_TYPES, TYPE_LABELS
from tracker.services import Connection

# More delmål than this on one intyg are saved only after a confirmation.
CONFIRM_OVER = 6

_FIT_HINT = (
    "Bara de delmål där målbeskrivningen anger den här typen av utbildningsaktivitet visas. En aktivitet som "
    "inte krävs för ett delmål (t.ex. en kurs som inte är obligatorisk för det) registreras som övrig "
    "utbildningsaktivitet."
)


def _fit_hint(certificate_type: str) -> str:
    """Which delmål the picker offers for the type, in a sentence."""
    if certificate_type in RECOMMENDED_TYPES:
        return "En rekommenderad aktivitet (allmänna råd) kan avse vilket ST-delmål som helst; den räknas inte som krav."
    if certificate_type == "bt_delmal":
        return "Intyget avser BT-delmål (BT1–BT18)."
    return _FIT_HINT


def _label(t: str) -> str:
    return TYPE_LABELS.get(t, t)


def delmal_options(con: Connection, actor: Actor, trainee_id: str, certificate_type: str) -> dict[str, str]:
    """The delmål an intyg of this type may list for the trainee: code -> 'code title', in catalogue order."""
    with feedback.shown_errors():
        choices: pd.DataFrame = cache.read("delmal_choices", con, actor, trainee_id, certificate_type)
    return {str(r["code"]): f"{r['code']} {r['title']}" for r in choices.to_dict("records")}


def delmal_field(options: Mapping[str, str], *, label: str, key: str, default: Sequence[str] = ()) -> list[str]:
    """A multiselect of delmål without Streamlit's "Select all"."""
    picked: list[str] = st.multiselect(
        label,
        list(options),
        default=[c for c in default if c in options],
        format_func=lambda c: options.get(c, c),
        placeholder="Välj delmål",
        select_all=False,
        key=key,
    )
    return picked


def confirmed_write(
    key: str, values: Mapping[str, Any] | None, action: Callable[[Mapping[str, Any]], object], success: str
) -> None:
    """Save ``values`` (just submitted, else None) with ``action``: at once, or, when they list more than
    ``CONFIRM_OVER`` delmål, after the person confirms the count (the values wait in the session)."""
    ask = f"{key}_many_delmal"
    if values is not None:
        st.session_state.pop(ask, None)
        if len(values["delmal"]) <= CONFIRM_OVER:
            feedback.write(lambda: action(values), success)
            return
        st.session_state[ask] = dict(values)
    pending: Mapping[str, Any] | None = st.session_state.get(ask)
    if not pending:
        return
    n = len(pending["delmal"])
    st.warning(
        f"Intyget avser {n} delmål ({fmt.codes(pending['delmal'])}). Ett intyg avser oftast ett eller några "
        "få delmål: stämmer det?",
        icon=":material/help:",
    )
    a, b, _ = st.columns([2, 1, 3])
    if a.button(f"Ja, spara med {n} delmål", key=f"{ask}_yes", type="primary"):
        st.session_state.pop(ask, None)
        feedback.write(lambda: action(pending), success)
    if b.button("Avbryt", key=f"{ask}_no"):
        st.session_state.pop(ask, None)
        st.rerun()


def add_form(con: Connection, actor: Actor, trainee_id: str) -> None:
    """A new activity certificate or recommended activity, saved as a draft."""
    with feedback.shown_errors():
        types: tuple[str, ...] = cache.read("certificate_types", con, actor, trainee_id)
    ctype = st.selectbox("Typ", list(types), format_func=_label, key="add_cert_type")
    if ctype is None:
        return
    options = delmal_options(con, actor, trainee_id, ctype)
    with st.form("add_certificate", clear_on_submit=False):
        title = st.text_input("Rubrik", placeholder="t.ex. Kurs i försäkringsmedicin")
        a, b = st.columns(2)
        start = dates.date_field(a, "Startdatum", None)
        end = dates.date_field(b, "Slutdatum", None)
        codes = delmal_field(options, label="Delmål som intyget avser", key=f"add_cert_delmal_{ctype}")
        submitted = st.form_submit_button("Spara som utkast", type="primary", icon=":material/save:")
    st.caption(
        f"{_fit_hint(ctype)} Intyget sparas som utkast; skicka det sedan för signering under Skicka för signering. "
        "Sammanfattande intyg (fullgjord BT eller ST, baskompetens, specialistkompetens) registreras under "
        "Sammanfattande intyg."
    )
    values = {"type": ctype, "title": title, "delmal": codes, "start_date": start, "end_date": end}

    def add(v: Mapping[str, Any]) -> object:
        return services.add_certificate(con, actor, trainee_id, **v)

    confirmed_write("add_certificate", values if submitted else None, add, "Aktiviteten är sparad som utkast.")


def edit_delmal(
    con: Connection, actor: Actor, trainee_id: str, certificate_type: str, current: Sequence[str], *, key: str
) -> list[str]:
    """The delmål of an intyg being changed: those that fit its type, plus those it already lists (which may
    stay even where they would not be accepted on a new intyg)."""
    options = delmal_options(con, actor, trainee_id, certificate_type)
    kept = [c for c in current if c not in options]
    if kept:
        with feedback.shown_errors():
            catalogue: pd.DataFrame = cache.read("delmal_catalogue", con, actor, trainee_id)
        titles = dict(zip(catalogue["code"], catalogue["title"], strict=True))
        options = {**options, **{c: f"{c} {titles.get(c, '')}".strip() for c in kept}}
    codes = delmal_field(options, label="Delmål", key=key, default=current)
    if kept:
        st.caption(
            f"{fmt.codes(kept)} passar inte intygstypen enligt målbeskrivningen. De står kvar om du behåller "
            "dem, men kan inte väljas på ett nytt intyg."
        )
    return codes


def _summary_state(certs: pd.DataFrame, certificate_type: str) -> str:
    """Where the trainee's summary document of this type stands: 'signerat 2026-05-04', 'skickat för
    signering', 'utkast' or 'saknas' (a voided one does not count)."""
    if certs.empty:
        return "saknas"
    rows = certs[(certs["type"] == certificate_type) & (certs["status"] != "makulerat")]
    if rows.empty:
        return "saknas"
    signed = rows[rows["status"] == "signerat"]
    if not signed.empty:
        return f"signerat {fmt.iso_date(signed['signed_date'].max())}"
    return str(rows.iloc[0]["status_label"]).lower()


def summary_form(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame, st_start: date | None) -> None:
    """The summary documents the trainee's regelverk asks for at the application, with where each stands,
    and a draft of one of them (no delmål: it attests the whole BT or ST)."""
    with feedback.shown_errors():
        types: tuple[str, ...] = cache.read("certificate_types", con, actor, trainee_id, True)
    if not types:
        st.info("Inga sammanfattande intyg behövs längre för din ansökan.")
        return
    st.caption(
        "De sammanfattande intygen bifogas ansökan till Socialstyrelsen. De avser hela BT eller ST, inga "
        "enskilda delmål. Intyg om fullgjord BT eller ST kan också signeras av verksamhetschefen på din enhet."
    )
    st.dataframe(
        pd.DataFrame({"Intyg": [_label(t) for t in types], "Läge": [_summary_state(certs, t) for t in types]}),
        hide_index=True,
        width="stretch",
    )
    ctype = st.selectbox("Intyg", list(types), format_func=_label, key="summary_cert_type")
    if ctype is None:
        return
    with st.form("add_summary_certificate"):
        title = st.text_input("Rubrik", value=_label(ctype), key=f"summary_title_{ctype}")
        a, b = st.columns(2)
        start = dates.date_field(a, "Startdatum", st_start, key=f"summary_start_{ctype}")
        end = dates.date_field(b, "Slutdatum", None, key=f"summary_end_{ctype}")
        submitted = st.form_submit_button("Spara som utkast", type="primary", icon=":material/save:")
    if submitted:
        feedback.write(
            lambda: services.add_certificate(
                con, actor, trainee_id, type=ctype, title=title, start_date=start, end_date=end
            ),
            f"{_label(ctype)} är sparat som utkast. Skicka det för signering under Skicka för signering.",
        )
