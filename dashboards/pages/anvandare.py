"""Administratör: användare och roller, och delmålskatalogen."""

import streamlit as st

from dashboards import views
from dashboards.auth import page_context
from tracker import services

con, actor = page_context("admin")
st.title("Användare och roller")
views.show_flash()
views.user_roles(con, actor)

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
