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
    cid, seen = r["certificate_id"], r["fingerprint"]
    with st.container(border=True):
        st.markdown(f"**{fmt.plain(r['trainee_name'])}** – {r['type_label']}")
        st.markdown(
            f"{fmt.plain(r['title'] or fmt.DASH)}  \nPeriod: {fmt.period(r['start_date'], r['end_date'])}  \n"
            f"Delmål: {fmt.codes(r['delmal'])}"
        )
        # The form belongs to the content shown: after a change it is a new form, and a click on the old
        # one (another tab) is lost instead of signing what the signer never saw.
        with st.form(f"sign_{cid}_{seen}"):
            comment = st.text_area("Kommentar (krävs vid retur)", key=f"comment_{cid}_{seen}", height=80)
            a, b = st.columns(2)
            sign = a.form_submit_button("Signera", type="primary", icon=":material/draw:")
            back = b.form_submit_button("Returnera med kommentar", icon=":material/undo:")
        if sign:
            feedback.write(
                lambda cid=cid, seen=seen: services.sign_certificate(con, actor, cid, seen=seen),
                f"Intyget för {r['trainee_name']} är signerat.",
            )
        elif back:
            feedback.write(
                lambda cid=cid, comment=comment, seen=seen: services.return_certificate(con, actor, cid, comment, seen=seen),
                f"Intyget är returnerat till {r['trainee_name']}.",
            )
