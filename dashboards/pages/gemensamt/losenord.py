"""Byt lösenord: den inloggade byter lösenordet till sitt lokala konto (nuvarande lösenord, nytt två gånger)."""

import streamlit as st

from dashboards.components import feedback
from dashboards.signin import page_context
from tracker import services
from tracker.accounts import MIN_PASSWORD_CHARS

con, actor = page_context()
st.title("Byt lösenord")
feedback.show_flash()
with feedback.shown_errors():
    local = services.has_local_password(con, actor)
if not local:
    st.info(
        "Du har inget lokalt lösenord: du loggar in med ditt organisationskonto, och lösenordet byter du hos "
        "din organisation. Behöver du ett lösenord till ST-trackern? Be utbildningsenheten om en engångskod.",
        icon=":material/badge:",
    )
    st.stop()
st.caption(
    f"Det nya lösenordet ska ha minst {MIN_PASSWORD_CHARS} tecken. Ett felaktigt nuvarande lösenord räknas som "
    "ett misslyckat inloggningsförsök."
)
with st.form("change_password", clear_on_submit=True):
    current = st.text_input("Nuvarande lösenord", type="password", autocomplete="current-password")
    new = st.text_input("Nytt lösenord", type="password", autocomplete="new-password")
    again = st.text_input("Upprepa lösenord", type="password", autocomplete="new-password")
    submitted = st.form_submit_button("Byt lösenord", type="primary", icon=":material/password:")
if submitted:
    if not current or not new or not again:
        st.warning("Fyll i det nuvarande lösenordet och det nya två gånger.")
    elif new != again:
        st.error("De två nya lösenorden är inte lika. Skriv samma lösenord i båda fälten.")
    else:
        feedback.write(lambda: services.change_own_password(con, actor, current, new), "Lösenordet är bytt.")
