"""Logg: vem ändrade vad och när, för de ST-läkare man har behörighet till; filtrera och ladda ner som CSV."""

import streamlit as st

from dashboards import views
from dashboards.signin import page_context

con, actor = page_context("st_lakare", "handledare", "studierektor", "admin")
st.title("Logg")
views.audit_log(con, actor)
