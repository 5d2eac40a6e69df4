"""Handledare och verksamhetschef: intyg som väntar på min signatur; filtrera och sortera, signera eller
returnera med en kommentar."""

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.signin import page_context
from tracker import services

SORTS = {
    "Skickat, äldst först": (["sent_at", "trainee_name"], [True, True]),
    "Skickat, senast först": (["sent_at", "trainee_name"], [False, True]),
    "ST-läkare": (["trainee_name", "sent_at"], [True, True]),
    "Typ": (["type_label", "trainee_name"], [True, True]),
}

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

a, b, c = st.columns(3)
names = dict(zip(pending["trainee_id"], pending["trainee_name"], strict=True))
picked_trainees = a.multiselect(
    "ST-läkare", sorted(names, key=lambda t: (names[t], t)), format_func=lambda t: names[t], placeholder="Alla",
    select_all=False, key="sign_trainees",
)
labels = dict(zip(pending["type"], pending["type_label"], strict=True))
picked_types = b.multiselect(
    "Typ", sorted(labels, key=lambda t: labels[t]), format_func=lambda t: labels[t], placeholder="Alla",
    select_all=False, key="sign_types",
)
sort = c.selectbox("Sortera efter", list(SORTS), key="sign_sort")
shown = pending
if picked_trainees:
    shown = shown[shown["trainee_id"].isin(picked_trainees)]
if picked_types:
    shown = shown[shown["type"].isin(picked_types)]
by, ascending = SORTS[sort or next(iter(SORTS))]
shown = shown.sort_values(by, ascending=ascending, na_position="last", kind="stable")
if len(shown) != len(pending):
    st.caption(f"Visar {len(shown)} av {len(pending)} intyg.")
if shown["sent_at"].isna().any():
    st.caption("Skickat: – betyder att intyget inte skickades här i ST-trackern, utan till exempel kom med en import.")

for r in shown.to_dict("records"):
    cid, seen = r["certificate_id"], r["fingerprint"]
    with st.container(border=True):
        st.markdown(f"**{fmt.plain(r['trainee_name'])}** – {r['type_label']}")
        st.markdown(
            f"{fmt.plain(r['title'] or fmt.DASH)}  \nPeriod: {fmt.period(r['start_date'], r['end_date'])}  \n"
            f"Delmål: {fmt.codes(r['delmal'])}  \nSkickat: {fmt.iso_date(r['sent_at'])}"
        )
        if not r["supervised"] and "handledare" in actor.roles:
            st.caption("Du signerar som verksamhetschef; ST-läkaren finns inte under Mina ST-läkare.")
        # The form belongs to the content shown: after a change it is a new form, and a click on the old
        # one (another tab) is lost instead of signing what the signer never saw.
        with st.form(f"sign_{cid}_{seen}"):
            comment = st.text_area("Kommentar (krävs vid retur)", key=f"comment_{cid}_{seen}", height=80)
            left, right = st.columns(2)
            sign = left.form_submit_button("Signera", type="primary", icon=":material/draw:")
            back = right.form_submit_button("Returnera med kommentar", icon=":material/undo:")
            answer = st.container()  # a refusal is shown here, by the buttons that caused it
        if sign:
            with answer:
                feedback.write(
                    lambda cid=cid, seen=seen: services.sign_certificate(con, actor, cid, seen=seen),
                    f"Intyget för {r['trainee_name']} är signerat.",
                )
        elif back:
            with answer:
                feedback.write(
                    lambda cid=cid, comment=comment, seen=seen: services.return_certificate(
                        con, actor, cid, comment, seen=seen
                    ),
                    f"Intyget är returnerat till {r['trainee_name']}.",
                )
