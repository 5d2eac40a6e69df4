"""Min ST: översikt över tid, BT, vad som saknas inför ansökan och nästa steg."""

import streamlit as st

from dashboards import views
from dashboards.signin import page_context

con, actor = page_context("st_lakare")
st.title("Översikt")
views.show_flash()
trainee_id = views.own_trainee(actor)
views.trainee_header(con, actor, trainee_id)
views.overview(con, actor, trainee_id, key="own")
