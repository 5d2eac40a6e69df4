"""Min ST: alla delmål med status, intyg som täcker dem och vad som saknas."""

import streamlit as st

from dashboards.components import trainee
from dashboards.signin import page_context

con, actor = page_context("st_lakare")
st.title("Delmål")
trainee_id = trainee.own_id(actor)
tv = trainee.view(con, actor, trainee_id)
trainee.header(tv)
trainee.delmal(con, actor, tv, key="own")
