"""Min ST: intyg och aktiviteter; lägg till placering, ledighet eller intyg och skicka för signering, rätta
eller ta bort det som blev fel, och registrera godkänd BT."""

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import certificates, entries, feedback, trainee
from dashboards.components.pickers import choose
from dashboards.signin import page_context
from tracker import services
from tracker.accounts import Actor
from tracker.domain import ACTIVITY_TYPES, BEVIS_BAS, REG_2021, TYPE_LABELS
from tracker.services import Connection


def _delmal_options(con: Connection, actor: Actor, trainee_id: str) -> dict[str, str]:
    cat: pd.DataFrame = cache.read("delmal_catalogue", con, actor, trainee_id)
    return {r["code"]: f"{r['code']} {r['title']}" for r in cat.to_dict("records")}


def _cert_label(r: dict[str, Any]) -> str:
    title = r["title"] or r["type_label"]
    return f"{title} ({services.STATUS_LABELS.get(r['status'], r['status']).lower()})"


def _pick(label: str, certs: pd.DataFrame, *, key: str) -> dict[str, Any] | None:
    """One of the given intyg, shown by title and status (None until chosen: ``pickers.choose``)."""
    rows = {r["certificate_id"]: r for r in certs.to_dict("records")}
    cid = choose(label, {c: _cert_label(r) for c, r in rows.items()}, key=key, placeholder="Välj ett intyg")
    return None if cid is None else rows[cid]


def _send_form(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    with feedback.shown_errors():
        stale: set[str] = cache.read("stale_requests", con, actor, trainee_id)
    # Unsigned ones, and sent ones whose addressee can no longer sign them (to be sent to someone else).
    sendable = (
        certs[certs["status"].isin(["utkast", "returnerat"]) | certs["certificate_id"].isin(stale)]
        if len(certs)
        else certs
    )
    if sendable.empty:
        st.info("Du har inga osignerade intyg att skicka. Lägg först till en aktivitet eller ett intyg.")
        return
    picked = _pick("Intyg", sendable, key="send_pick")
    if picked is None:
        return
    cid, ctype = picked["certificate_id"], str(picked["type"])
    with feedback.shown_errors():
        signers: pd.DataFrame = cache.read("signers_for", con, actor, trainee_id, ctype)
    if signers.empty:
        st.warning("Du har ingen handledare registrerad just nu. Kontakta studierektorn.")
        return
    names = {r["person_id"]: f"{r['name']} ({r['role']})" for r in signers.to_dict("records")}
    if ctype in services.VERKSAMHETSCHEF_TYPES:
        st.caption("Intyg om fullgjord BT eller ST kan också signeras av verksamhetschefen på din enhet.")
    with st.form("send_certificate"):
        signer = st.selectbox("Signeras av", list(names), format_func=lambda p: names[p])
        submitted = st.form_submit_button("Skicka för signering", type="primary", icon=":material/send:")
    if submitted and cid and signer:
        feedback.write(
            lambda: services.request_signature(con, actor, cid, signer),
            f"Intyget ”{picked['title'] or picked['type_label']}” är skickat till {names[signer].split(' (')[0]} för signering.",
        )


def _certificate_form(con: Connection, actor: Actor, trainee_id: str) -> None:
    options = _delmal_options(con, actor, trainee_id)
    with st.form("add_certificate", clear_on_submit=False):
        types = [t for t in ACTIVITY_TYPES if t != BEVIS_BAS]
        ctype = st.selectbox("Typ", types, format_func=lambda t: TYPE_LABELS.get(t, t))
        title = st.text_input("Rubrik", placeholder="t.ex. Kurs i försäkringsmedicin")
        a, b = st.columns(2)
        start = entries.date_field(a, "Startdatum", None)
        end = entries.date_field(b, "Slutdatum", None)
        codes = st.multiselect(
            "Delmål som intyget avser", list(options), format_func=lambda c: options[c], placeholder="Välj delmål"
        )
        submitted = st.form_submit_button("Spara som utkast", type="primary", icon=":material/save:")
    st.caption("Intyget sparas som utkast. Skicka det sedan till din handledare för signering.")
    if submitted:
        feedback.write(
            lambda: services.add_certificate(
                con, actor, trainee_id, type=ctype, title=title, delmal=codes, start_date=start, end_date=end
            ),
            "Aktiviteten är sparad som utkast.",
        )


def _placement_form(con: Connection, actor: Actor, trainee_id: str) -> None:
    with st.form("add_placement"):
        values = entries.placement_fields()
        submitted = st.form_submit_button("Spara placering", type="primary", icon=":material/save:")

    def add(v: Mapping[str, Any], confirm: bool) -> object:
        return services.add_placement(con, actor, trainee_id, **v, confirm_overlap=confirm)

    entries.overlap_checked_write("add_placement", values if submitted else None, add, "Placeringen är sparad.")


def _credit_form(con: Connection, actor: Actor, trainee_id: str) -> None:
    with st.form("add_credit"):
        values = entries.credit_fields()
        submitted = st.form_submit_button("Spara tillgodoräknande", type="primary", icon=":material/save:")
    st.caption(
        "Ett tillgodoräknande bedöms av Socialstyrelsen. Tidigare ST räknas med högst 30 månader sammanlagt; "
        "mot BT bara under HSLF-FS 2021:8."
    )
    if submitted:
        feedback.write(lambda: services.add_credit(con, actor, trainee_id, **values), "Tillgodoräknandet är sparat.")


def _bevis_form(con: Connection, actor: Actor, trainee_id: str, choices: tuple[str, ...]) -> None:
    with st.form("add_bevis_bas"):
        a, b = st.columns(2)
        specialty = a.selectbox("Basspecialitet", list(choices))
        when = entries.date_field(b, "Bevisets datum", None, latest=cache.as_of())
        submitted = st.form_submit_button("Registrera bevis", type="primary", icon=":material/save:")
    st.caption("Beviset om specialistkompetens i basspecialiteten behövs för att ansöka i din specialitet.")
    if submitted:
        feedback.write(
            lambda: services.record_bevis_bas(con, actor, trainee_id, specialty=specialty, bevis_date=when),
            "Beviset är registrerat.",
        )


def _leave_form(con: Connection, actor: Actor, trainee_id: str) -> None:
    with st.form("add_leave"):
        values = entries.leave_fields()
        submitted = st.form_submit_button("Spara ledighet", type="primary", icon=":material/save:")
    st.caption("Semester och jourkompensation räknas som tjänstgöring och registreras inte här.")
    if submitted:
        feedback.write(lambda: services.add_leave(con, actor, trainee_id, **values), "Ledigheten är sparad.")


def _edit_form(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    editable = certs[certs["status"].isin(["utkast", "returnerat"])] if len(certs) else certs
    if editable.empty:
        st.info("Bara utkast och returnerade intyg kan ändras; signerade intyg är låsta.")
        return
    r = _pick("Intyg att ändra", editable, key="edit_pick")
    if r is None:
        return
    cid = r["certificate_id"]
    if r["comment"]:
        st.info(f"Handledarens kommentar: {fmt.plain(r['comment'])}")
    options = _delmal_options(con, actor, trainee_id)
    with st.form(f"edit_{cid}"):
        title = st.text_input("Rubrik", value=r["title"])
        a, b = st.columns(2)
        start = entries.date_field(a, "Startdatum", r["start_date"])
        end = entries.date_field(b, "Slutdatum", r["end_date"])
        codes = st.multiselect(
            "Delmål", list(options), default=[c for c in r["delmal"] if c in options], format_func=lambda c: options[c]
        )
        submitted = st.form_submit_button("Spara ändringar", type="primary", icon=":material/save:")
    if submitted:
        feedback.write(
            lambda: services.update_certificate(
                con, actor, cid, title=title, delmal=codes, start_date=start, end_date=end
            ),
            "Intyget är ändrat. Skicka det igen för signering.",
        )


def _certificate_corrections(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    _edit_form(con, actor, trainee_id, certs)
    certificates.draft_actions(con, actor, trainee_id, certs, key="own_certs")


con, actor = page_context("st_lakare")
st.title("Intyg")
# The flash and the intyg table (with its notices) sit in containers of their own, so that what they show
# after a write does not move the tabs below: the selected tab stays selected.
with st.container():
    feedback.show_flash()
trainee_id = trainee.own_id(actor)
tv = trainee.view(con, actor, trainee_id)
trainee.header(tv)
with st.container():
    certs = certificates.table(con, actor, trainee_id)
st.subheader("Registrera och skicka")
bas_choices: tuple[str, ...] = cache.read("bas_choices", con, actor, trainee_id)
in_bt = tv.progress.regulation == REG_2021
forms = {
    "Skicka för signering": lambda: _send_form(con, actor, trainee_id, certs),
    "Ny aktivitet eller intyg": lambda: _certificate_form(con, actor, trainee_id),
    "Ny placering": lambda: _placement_form(con, actor, trainee_id),
    "Ny ledighet": lambda: _leave_form(con, actor, trainee_id),
    "Tillgodoräknande": lambda: _credit_form(con, actor, trainee_id),
    **({"Bevis i basspecialitet": lambda: _bevis_form(con, actor, trainee_id, bas_choices)} if bas_choices else {}),
    **(
        {
            "Godkänd BT": lambda: entries.bt_approval(
                con, actor, trainee_id, tv.record.trainee.bt_approved_date, key="own"
            )
        }
        if in_bt
        else {}
    ),
    "Ändra intyg": lambda: _certificate_corrections(con, actor, trainee_id, certs),
    "Ändra eller ta bort": lambda: entries.corrections(con, actor, trainee_id, key="own"),
}
for tab, show in zip(st.tabs(list(forms)), forms.values(), strict=True):
    with tab:
        show()
