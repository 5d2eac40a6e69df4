"""Min ST: översikt över tid, BT, vad som saknas inför ansökan och nästa steg."""

import streamlit as st

from dashboards.components import feedback, trainee
from dashboards.signin import page_context

con, actor = page_context("st_lakare")
st.title("Översikt")
feedback.show_flash()
trainee_id = trainee.own_id(actor)
tv = trainee.view(con, actor, trainee_id)
trainee.header(tv)
trainee.overview(tv, key="own")
