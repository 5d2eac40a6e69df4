"""Administratör: användare och roller, engångskoder för lösenord, organisationskonton och delmålskatalogen."""

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards.components import feedback
from dashboards.components.people import people_sections
from dashboards.signin import page_context
from tracker import services

con, actor = page_context("admin")
st.title("Användare och roller")
feedback.show_flash()
people_sections(con, actor)
with feedback.shown_errors():
    df: pd.DataFrame = cache.read("office_people", con, actor)
people = dict(zip(df["person_id"], df["name"] + " (" + df["email"].fillna("utan e-post") + ")", strict=True))

st.subheader("Koppla organisationskonto")
st.caption(
    "Inloggning med organisationskonto kopplar en person via en verifierad e-postadress. Skickar "
    "organisationen ingen verifierad adress, visar inloggningssidan personens organisations-id: klistra in det här."
)
with st.form("link_identity"):
    link_pid = st.selectbox("Person", list(people), format_func=lambda p: people[p], index=None, placeholder="Välj")
    subject = st.text_input("Organisations-id", placeholder="tid:…|oid:… eller iss:…|sub:…")
    linked = st.form_submit_button("Koppla", icon=":material/link:")
if linked:
    if link_pid is None or not subject.strip():
        st.warning("Välj en person och klistra in organisations-id:t.")
    else:
        feedback.write(
            lambda: services.link_identity(con, actor, str(link_pid), subject),
            f"Organisationskontot är kopplat till {people[link_pid].split(' (')[0]}.",
        )

st.subheader("Delmålskatalog")
st.caption(
    "Socialstyrelsen reviderar målbeskrivningarna. När en uppdaterad delmålskatalog finns (en JSON-fil som "
    "den som förvaltar ST-trackern tar fram ur Socialstyrelsens målbeskrivningar) laddar du upp den här: den "
    "ersätter katalogen som används nu. Intygen behåller sina delmålskoder."
)
with st.form("catalogue"):
    upload = st.file_uploader("Katalogfil (JSON)", type=["json"])
    if st.form_submit_button("Ersätt katalogen", icon=":material/upload:") and upload is not None:
        feedback.write(
            lambda: services.replace_catalogue(con, actor, upload.getvalue()),
            "Delmålskatalogen är ersatt.",
        )
