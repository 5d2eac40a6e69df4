"""ST-tracker: the entry point. Page setup, sign-in and navigation only.

The pages live in dashboards/pages, one folder per role; what several pages share is in dashboards/components.
"""

import logging
from pathlib import Path

import streamlit as st

from dashboards import charts, components, connection, signin
from dashboards.components import look
from tracker import services
from tracker.errors import DatabaseLockedError, TrackerError

# What the pages import (the service layer, the shared components, Plotly) loads with the login page, and
# the chart builders warm up in the background while it waits for a password: the first page after signing
# in pays for neither (about 0,7 s on a cold server).
del components, services
charts.warm_up()
PAGES = Path(__file__).parent / "dashboards" / "pages"
ICON = Path(__file__).parent / "dashboards" / "assets" / "icon.png"


def _page(file: str, title: str, icon: str) -> st.Page:
    """A page by its path under dashboards/pages; its URL is the file's name."""
    return st.Page(PAGES / file, title=title, icon=icon)


def _sections(actor: signin.Actor) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    # Each page file appears once: the log goes under the office section when the person has one.
    office_log = actor.has("studierektor", "admin")
    if actor.has("st_lakare"):
        sections["Min ST"] = [
            _page("st_lakare/oversikt.py", "Översikt", ":material/dashboard:"),
            _page("st_lakare/tidslinje.py", "Tidslinje", ":material/timeline:"),
            _page("st_lakare/delmal.py", "Delmål", ":material/checklist:"),
            _page("st_lakare/intyg.py", "Intyg", ":material/description:"),
            _page("st_lakare/planering.py", "Tänk om", ":material/lightbulb:"),
            _page("st_lakare/uppgifter.py", "Mina uppgifter", ":material/badge:"),
        ]
        if not office_log:
            sections["Min ST"].append(_page("gemensamt/logg.py", "Logg", ":material/history:"))
    if actor.has("handledare"):
        sections["Mina ST-läkare"] = [
            _page("handledare/mina_st_lakare.py", "Mina ST-läkare", ":material/groups:"),
            _page("handledare/att_signera.py", "Att signera", ":material/draw:"),
        ]
        if not office_log and not actor.has("st_lakare"):
            sections["Mina ST-läkare"].append(_page("gemensamt/logg.py", "Logg", ":material/history:"))
    if actor.has("studierektor", "verksamhetschef", "admin"):
        office = [
            _page("utbildningsenhet/kohort.py", "Kohort", ":material/insights:"),
            _page("utbildningsenhet/st_lakare.py", "ST-läkare", ":material/person_search:"),
            _page("utbildningsenhet/flaskhalsar.py", "Delmål-flaskhalsar", ":material/grid_on:"),
            _page("utbildningsenhet/bt.py", "BT", ":material/medical_services:"),
            _page("utbildningsenhet/intressenter.py", "ST-intressenter", ":material/how_to_reg:"),
        ]
        if actor.has("verksamhetschef") and not actor.has("handledare"):
            # Intyg om fullgjord BT/ST are signed by the unit's verksamhetschef.
            office.append(_page("handledare/att_signera.py", "Att signera", ":material/draw:"))
        if actor.has("studierektor", "admin"):
            office.append(_page("utbildningsenhet/importera.py", "Import", ":material/upload_file:"))
            office.append(_page("utbildningsenhet/enheter.py", "Enheter och handledning", ":material/domain:"))
        if office_log:
            office.append(_page("gemensamt/logg.py", "Logg", ":material/history:"))
        if actor.is_admin:
            office.append(_page("utbildningsenhet/anvandare.py", "Användare och roller", ":material/manage_accounts:"))
            office.append(_page("utbildningsenhet/sakerhetskopia.py", "Säkerhetskopia", ":material/backup:"))
        elif actor.has("studierektor"):
            office.append(_page("utbildningsenhet/personer.py", "Personer och konton", ":material/manage_accounts:"))
        sections["Utbildningsenhet"] = office
    if sections:
        sections["Konto"] = [_page("gemensamt/losenord.py", "Byt lösenord", ":material/password:")]
    return sections


def _unavailable(reason: str) -> None:
    st.title("ST-tracker")
    st.error(f"ST-trackern kan inte öppna sin databas just nu. {reason}", icon=":material/database:")
    st.caption("Försök igen om en stund. Om felet står kvar: kontakta den som driftar ST-trackern.")


def run() -> None:
    # A local image: a material icon as the favicon would be fetched from an outside font server.
    st.set_page_config(page_title="ST-tracker", page_icon=str(ICON), layout="wide")
    look.apply()  # Swedish for Streamlit's own texts, the phone layout: on every page, the login page too
    try:
        con = connection.database()
    except DatabaseLockedError:
        _unavailable("Databasen används av ett annat program just nu.")
        return
    except TrackerError as exc:  # write-protected or broken: the details are for the operator's log
        logging.getLogger("st_tracker").error("the database cannot be opened: %s", exc)
        _unavailable("Databasen kan inte öppnas.")
        return
    actor = signin.actor_for_run(con)
    if actor is None:
        login = st.Page(lambda: signin.login_page(con), title="Logga in", icon=":material/login:", url_path="logga-in")
        st.navigation([login], position="hidden").run()
        return
    signin.sidebar(con, actor)
    sections = _sections(actor)
    if not sections:
        st.title("ST-tracker")
        st.info("Ditt konto har ingen roll i ST-trackern ännu. Kontakta din studierektor eller administratören.")
        return
    st.navigation(sections).run()


run()
