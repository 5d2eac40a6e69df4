"""Min ST: intyg och aktiviteter; lägg till placering, ledighet eller intyg och skicka för signering."""

import streamlit as st

from dashboards import views
from dashboards.signin import page_context

con, actor = page_context("st_lakare")
st.title("Intyg")
views.show_flash()
trainee_id = views.own_trainee(actor)
views.trainee_header(con, actor, trainee_id)
certs = views.certificate_table(con, actor, trainee_id)
st.subheader("Registrera och skicka")
views.certificate_forms(con, actor, trainee_id, certs)
