"""Utbildningsenhet: alla ST-läkare inom ansvarsområdet, med möjlighet att öppna en (endast läsning)."""

import streamlit as st

from dashboards.components.feedback import show_flash
from dashboards.components.trainee_list import trainee_list
from dashboards.signin import page_context

con, actor = page_context("studierektor", "verksamhetschef", "admin")
st.title("ST-läkare")
show_flash()
trainee_list(con, actor, supervised_only=False)
