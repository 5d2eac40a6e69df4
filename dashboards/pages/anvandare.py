"""Administratör: användare och roller, och delmålskatalogen."""

import streamlit as st

from dashboards import views
from dashboards.signin import page_context
from tracker import services

con, actor = page_context("admin")
st.title("Användare och roller")
views.show_flash()
views.user_roles(con, actor)

st.subheader("Koppla organisationskonto")
st.caption(
    "Inloggning med organisationskonto kopplar en person via en verifierad e-postadress. Skickar "
    "organisationen ingen verifierad adress, visar inloggningssidan personens organisations-id: klistra in det här."
)
with views.shown_errors():
    everyone = services.role_assignments(con, actor).drop_duplicates("person_id")
people = dict(zip(everyone["person_id"], everyone["name"] + " (" + everyone["email"].fillna("utan e-post") + ")", strict=True))
with st.form("link_identity"):
    pid = st.selectbox("Person", list(people), format_func=lambda p: people[p], index=None, placeholder="Välj")
    subject = st.text_input("Organisations-id", placeholder="tid:…|oid:… eller iss:…|sub:…")
    linked = st.form_submit_button("Koppla", icon=":material/link:")
if linked:
    if pid is None or not subject.strip():
        st.warning("Välj en person och klistra in organisations-id:t.")
    else:
        views.write(
            lambda: services.link_identity(con, actor, str(pid), subject),
            f"Organisationskontot är kopplat till {people[pid].split(' (')[0]}.",
        )

st.subheader("Delmålskatalog")
st.caption(
    "Socialstyrelsen reviderar målbeskrivningarna. Ladda upp en ny katalogfil (samma format som "
    "data/catalogue.json, byggd med scripts/build_catalogue.py) för att ersätta den som används. "
    "Intygen behåller sina delmålskoder."
)
with st.form("catalogue"):
    upload = st.file_uploader("Katalogfil (JSON)", type=["json"])
    if st.form_submit_button("Ersätt katalogen", icon=":material/upload:") and upload is not None:
        views.write(
            lambda: services.replace_catalogue(con, actor, upload.getvalue()),
            "Delmålskatalogen är ersatt.",
        )
