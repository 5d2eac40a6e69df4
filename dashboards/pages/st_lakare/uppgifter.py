"""Min ST: mina uppgifter till Socialstyrelsens blanketter (personnummer, adress, telefon, läkarexamen, legitimation)."""

import streamlit as st

from dashboards.components import feedback, personal, trainee
from dashboards.signin import page_context
from tracker import services

con, actor = page_context("st_lakare")
st.title("Mina uppgifter")
feedback.show_flash()
trainee_id = trainee.own_id(actor)
st.caption(personal.PURPOSE)
st.caption(personal.WHO_SEES)
with feedback.shown_errors():
    details = services.personal_details(con, actor, trainee_id)
personal.details_form(con, actor, details, key="own")
