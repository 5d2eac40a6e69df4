"""Handledare och verksamhetschef: intyg som väntar på min signatur; signera eller returnera med en kommentar."""

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.signin import page_context
from tracker import services

con, actor = page_context("handledare", "verksamhetschef")
st.title("Att signera")
feedback.show_flash()
with feedback.shown_errors():
    pending: pd.DataFrame = cache.read("pending_signatures", con, actor)

st.metric("Intyg som väntar på dig", len(pending))
if pending.empty:
    st.info("Inga intyg väntar på din signatur. När en ST-läkare skickar ett intyg till dig visas det här.")
    st.stop()

st.caption("Ett signerat intyg låses och kan inte ändras. Returnera intyget med en kommentar om något behöver rättas.")

for r in pending.to_dict("records"):
    cid = r["certificate_id"]
    with st.container(border=True):
        st.markdown(f"**{fmt.plain(r['trainee_name'])}** – {r['type_label']}")
        st.markdown(
            f"{fmt.plain(r['title'] or fmt.DASH)}  \nPeriod: {fmt.period(r['start_date'], r['end_date'])}  \n"
            f"Delmål: {fmt.codes(r['delmal'])}"
        )
        with st.form(f"sign_{cid}"):
            comment = st.text_area("Kommentar (krävs vid retur)", key=f"comment_{cid}", height=80)
            a, b = st.columns(2)
            sign = a.form_submit_button("Signera", type="primary", icon=":material/draw:")
            back = b.form_submit_button("Returnera med kommentar", icon=":material/undo:")
        if sign:
            feedback.write(
                lambda cid=cid: services.sign_certificate(con, actor, cid),
                f"Intyget för {r['trainee_name']} är signerat.",
            )
        elif back:
            feedback.write(
                lambda cid=cid, comment=comment: services.return_certificate(con, actor, cid, comment),
                f"Intyget är returnerat till {r['trainee_name']}.",
            )
