"""Handledare: mina ST-läkare, med möjlighet att öppna en ST-läkare (endast läsning)."""

import streamlit as st

from dashboards.components.application import application
from dashboards.components.documents import iup_report
from dashboards.components.feedback import show_flash
from dashboards.components.trainee_list import trainee_list
from dashboards.signin import page_context

con, actor = page_context("handledare")
st.title("Mina ST-läkare")
show_flash()
opened = trainee_list(con, actor, supervised_only=True)
if opened:
    st.divider()
    iup_report(con, actor, opened, key="hl")
    st.divider()
    application(con, actor, opened, key="hl")  # which forms are blocked; the package is the trainee's and the office's
