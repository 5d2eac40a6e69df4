"""Utbildningsenhet: alla ST-läkare inom ansvarsområdet, med möjlighet att öppna en (endast läsning)."""

import streamlit as st

from dashboards import views
from dashboards.signin import page_context

con, actor = page_context("studierektor", "verksamhetschef", "admin")
st.title("ST-läkare")
views.show_flash()
views.trainee_list(con, actor, supervised_only=False)
