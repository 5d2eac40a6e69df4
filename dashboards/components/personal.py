"""A trainee's personal details for Socialstyrelsen's forms: the form the ST-läkare fills in on "Mina
uppgifter" and the utbildningsenhet opens in its trainee view, and the masked personnummer others see.

The service decides what each person sees (``services.personal_details``); the office's reading is
logged, so the trainee view reads the details only when the office asks for them (a button), and keeps
what it read in the session until it is closed.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboards import format as fmt
from dashboards.components import dates, feedback
from tracker import services
from tracker.accounts import Actor
from tracker.services import Connection

PURPOSE = (
    "Uppgifterna används när Socialstyrelsens blanketter fylls i: ansökan om bevis om specialistkompetens och "
    "intygen som hör till den frågar efter personnummer, postadress, telefon, läkarexamen och legitimation."
)
WHO_SEES = (
    "Personnummer, adress och telefonnummer ser bara ST-läkaren själv och utbildningsenheten (studierektor, "
    "verksamhetschef, administratör); handledaren ser personnumret maskerat (t.ex. 900101-****) och ingen adress."
)
SWEDEN = "Sverige"


# Each field's widget, by the end of its key (``{key}_{trainee_id}_pnr`` …).
_WIDGETS: dict[str, str] = {
    "personnummer": "pnr",
    "street_address": "street",
    "postal_code": "postal_code",
    "postal_town": "town",
    "phone_home": "home",
    "phone_mobile": "mobile",
    "phone_work": "work",
    "lakarexamen_country": "ex_land",
    "lakarexamen_date": "ex_date",
    "legitimation_country": "leg_land",
}


def _shown(value: object) -> object:
    """A stored value as its widget shows it: a text field shows no value as ''."""
    return value if isinstance(value, date) else value or ""


def _start_from(details: services.PersonalDetails, k: str, names: dict[str, str]) -> None:
    """Fill the form's widgets with the details as stored, when it is first shown and again after a save
    (which drops its keys). Set through the session state, so that the browser shows them even where it
    still holds what was typed before (a postal code typed '41319' is then shown as stored, '413 19');
    ``{k}_shown`` keeps what was shown, to tell what the person changed."""
    if all(n in st.session_state for n in names.values()):
        return
    shown = {field: _shown(getattr(details, field)) for field in names}
    for field, name in names.items():
        st.session_state[name] = shown[field]
    st.session_state[f"{k}_leg_date"] = fmt.iso_date(details.legitimation_date)
    st.session_state[f"{k}_shown"] = shown


def details_form(
    con: Connection, actor: Actor, details: services.PersonalDetails, *, key: str, keep_in: str | None = None
) -> None:
    """The trainee's details to fill in or change; ``keep_in`` names the session entry that holds the details
    shown (the saved details replace them there)."""
    trainee_id = details.trainee_id
    k = f"{key}_{trainee_id}"
    names = {field: f"{k}_{end}" for field, end in _WIDGETS.items()}
    _start_from(details, k, names)
    with st.form(f"{key}_form_{trainee_id}"):
        st.text_input(
            "Personnummer",
            placeholder="ÅÅÅÅMMDD-NNNN",
            help="Tolv siffror med bindestreck före de fyra sista; samordningsnummer går också bra.",
            key=names["personnummer"],
        )
        st.text_input("Gatuadress", key=names["street_address"])
        a, b = st.columns([1, 2])
        a.text_input("Postnummer", placeholder="NNN NN", key=names["postal_code"])
        b.text_input("Postort", key=names["postal_town"])
        a, b, c = st.columns(3)
        a.text_input("Telefon bostad", key=names["phone_home"])
        b.text_input("Mobiltelefon", key=names["phone_mobile"])
        c.text_input("Telefon arbete", key=names["phone_work"])
        a, b = st.columns(2)
        a.text_input("Läkarexamen, land", placeholder=SWEDEN, key=names["lakarexamen_country"])
        # The app's whole range: a future date is refused by the service, with a message.
        dates.date_field(b, "Läkarexamen, datum", None, key=names["lakarexamen_date"])
        a, b = st.columns(2)
        a.text_input("Legitimation, land", placeholder=SWEDEN, key=names["legitimation_country"])
        b.text_input(
            "Legitimation, datum",
            disabled=True,
            help="Legitimationsdatumet hör till ST-registreringen och rättas av studierektorn.",
            key=f"{k}_leg_date",
        )
        saved = st.form_submit_button("Spara uppgifter", type="primary", icon=":material/save:")
    if details.email:
        st.caption(f"E-post (kontot i ST-trackern): {fmt.plain(details.email)}")
    if saved:
        shown = st.session_state.get(f"{k}_shown", {})
        # Only the fields changed in this form: one left as shown keeps what is stored now, which someone
        # else may have changed since the form was filled.
        values = {f: st.session_state[n] for f, n in names.items() if st.session_state[n] != shown.get(f)}

        def save() -> None:
            stored = services.update_personal_details(con, actor, trainee_id, **values)
            if keep_in is not None:
                st.session_state[keep_in] = stored
            for name in [n for n in st.session_state if str(n).startswith(f"{k}_")]:
                del st.session_state[name]  # the next run starts from the details as stored

        feedback.write(save, "Personuppgifterna är sparade.")


def office_section(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> None:
    """The trainee's details for the utbildningsenhet: read (and logged) when asked for, then to change."""
    keep_in = f"{key}_personal_{trainee_id}"
    shown = st.session_state.get(keep_in)
    st.caption(f"{PURPOSE} {WHO_SEES}")
    if not isinstance(shown, services.PersonalDetails) or shown.trainee_id != trainee_id:
        st.caption("Att visa personuppgifterna loggas.")
        if not st.button("Visa personuppgifter", key=f"{keep_in}_open", icon=":material/visibility:"):
            return
        with feedback.shown_errors():
            shown = services.personal_details(con, actor, trainee_id)
        st.session_state[keep_in] = shown
    details_form(con, actor, shown, key=f"{key}_pd", keep_in=keep_in)
    if st.button("Dölj personuppgifter", key=f"{keep_in}_close", icon=":material/visibility_off:"):
        st.session_state.pop(keep_in, None)
        st.rerun()


def masked_personnummer(con: Connection, actor: Actor, trainee_id: str) -> None:
    """The personnummer as someone who may not see it in full sees it (ÅÅMMDD-****), when there is one."""
    with feedback.shown_errors():
        details = services.personal_details(con, actor, trainee_id)
    if details.masked and details.personnummer:
        st.caption(f"Personnummer {details.personnummer}")
