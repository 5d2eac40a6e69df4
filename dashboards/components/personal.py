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
from dashboards.components import feedback
from tracker import services
from tracker.accounts import Actor
from tracker.domain import EARLIEST_DATE
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


def _text(value: str | None) -> str:
    return value or ""


def details_form(
    con: Connection, actor: Actor, details: services.PersonalDetails, *, key: str, keep_in: str | None = None
) -> None:
    """The trainee's details to fill in or change; ``keep_in`` names the session entry that holds the details
    shown (the saved details replace them there)."""
    trainee_id = details.trainee_id
    with st.form(f"{key}_form_{trainee_id}"):
        k = f"{key}_{trainee_id}"
        personnummer = st.text_input(
            "Personnummer",
            value=_text(details.personnummer),
            placeholder="ÅÅÅÅMMDD-NNNN",
            help="Tolv siffror med bindestreck före de fyra sista; samordningsnummer går också bra.",
            key=f"{k}_pnr",
        )
        street = st.text_input("Gatuadress", value=_text(details.street_address), key=f"{k}_street")
        a, b = st.columns([1, 2])
        postal_code = a.text_input(
            "Postnummer", value=_text(details.postal_code), placeholder="NNN NN", key=f"{k}_postal_code"
        )
        postal_town = b.text_input("Postort", value=_text(details.postal_town), key=f"{k}_town")
        a, b, c = st.columns(3)
        phone_home = a.text_input("Telefon bostad", value=_text(details.phone_home), key=f"{k}_home")
        phone_mobile = b.text_input("Mobiltelefon", value=_text(details.phone_mobile), key=f"{k}_mobile")
        phone_work = c.text_input("Telefon arbete", value=_text(details.phone_work), key=f"{k}_work")
        a, b = st.columns(2)
        examen_country = a.text_input(
            "Läkarexamen, land", value=_text(details.lakarexamen_country), placeholder=SWEDEN, key=f"{k}_ex_land"
        )
        examen_date: date | None = b.date_input(
            "Läkarexamen, datum",
            value=details.lakarexamen_date,
            min_value=EARLIEST_DATE,
            max_value=date.today(),
            format="YYYY-MM-DD",
            key=f"{k}_ex_date",
        )
        a, b = st.columns(2)
        legitimation_country = a.text_input(
            "Legitimation, land", value=_text(details.legitimation_country), placeholder=SWEDEN, key=f"{k}_leg_land"
        )
        b.text_input(
            "Legitimation, datum",
            value=fmt.iso_date(details.legitimation_date),
            disabled=True,
            help="Legitimationsdatumet hör till ST-registreringen och rättas av studierektorn.",
            key=f"{k}_leg_date",
        )
        saved = st.form_submit_button("Spara uppgifter", type="primary", icon=":material/save:")
    if details.email:
        st.caption(f"E-post (kontot i ST-trackern): {fmt.plain(details.email)}")
    if saved:
        values = {
            "personnummer": personnummer,
            "street_address": street,
            "postal_code": postal_code,
            "postal_town": postal_town,
            "phone_home": phone_home,
            "phone_mobile": phone_mobile,
            "phone_work": phone_work,
            "lakarexamen_country": examen_country,
            "lakarexamen_date": examen_date,
            "legitimation_country": legitimation_country,
        }

        def save() -> None:
            stored = services.update_personal_details(con, actor, trainee_id, **values)
            if keep_in is not None:
                st.session_state[keep_in] = stored

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
