"""Min ST: alla delmål med status, intyg som täcker dem och vad som saknas."""

import streamlit as st

from dashboards import views
from dashboards.signin import page_context

con, actor = page_context("st_lakare")
st.title("Delmål")
trainee_id = views.own_trainee(actor)
views.trainee_header(con, actor, trainee_id)
views.delmal(con, actor, trainee_id, key="own")
