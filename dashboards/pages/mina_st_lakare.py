"""Handledare: mina ST-läkare, med möjlighet att öppna en ST-läkare (endast läsning)."""

import streamlit as st

from dashboards import views
from dashboards.signin import page_context

con, actor = page_context("handledare")
st.title("Mina ST-läkare")
views.show_flash()
views.trainee_list(con, actor, supervised_only=True)
