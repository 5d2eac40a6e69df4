"""Utbildningsenhet: alla ST-läkare inom ansvarsområdet; en öppnas nedanför, och studierektorn kan rätta den."""

import streamlit as st

from dashboards.components.application import application
from dashboards.components.documents import iup_report
from dashboards.components.feedback import show_flash
from dashboards.components.trainee_list import trainee_list
from dashboards.signin import page_context

con, actor = page_context("studierektor", "verksamhetschef", "admin")
st.title("ST-läkare")
with st.container():  # a message of its own: the tabs below keep their place after a write
    show_flash()
opened = trainee_list(con, actor, supervised_only=False)
if opened:
    st.divider()
    iup_report(con, actor, opened, key="ue")
    st.divider()
    application(con, actor, opened, key="ue")
