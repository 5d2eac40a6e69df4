"""Handledare: mina ST-läkare, med möjlighet att öppna en ST-läkare (endast läsning)."""

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards.components.application import application
from dashboards.components.documents import iup_report
from dashboards.components.feedback import show_flash, shown_errors
from dashboards.components.trainee_list import trainee_list
from dashboards.signin import page_context

con, actor = page_context("handledare")
st.title("Mina ST-läkare")
show_flash()
# The same intyg as Att signera counts; those beyond the list's "Väntar" are fullgjord BT/ST intyg the
# person signs as verksamhetschef for trainees they do not supervise.
with shown_errors():
    pending: pd.DataFrame = cache.read("pending_signatures", con, actor)
outside = int((~pending["supervised"]).sum()) if len(pending) else 0
st.metric("Intyg som väntar på dig", len(pending), help="Samma intyg som under Att signera.")
if outside:
    st.caption(
        f"Varav {outside} för ST-läkare som inte finns i listan: intyg om fullgjord BT eller ST som du "
        "signerar som verksamhetschef."
    )
opened = trainee_list(con, actor, supervised_only=True)
if opened:
    st.divider()
    iup_report(con, actor, opened, key="hl")
    st.divider()
    application(con, actor, opened, key="hl")  # which forms are blocked; the package is the trainee's and the office's
