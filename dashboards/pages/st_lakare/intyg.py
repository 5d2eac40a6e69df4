"""Min ST: intyg och aktiviteter; lägg till ett intyg och skicka det för signering, rätta eller ta bort det
som blev fel, registrera bevis i basspecialiteten och godkänd BT. Placeringar, ledigheter och
tillgodoräknanden registreras under Tidslinje, bredvid sina listor."""

from typing import Any

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import certificate_forms, certificates, dates, entries, feedback, trainee
from dashboards.components.pickers import choose
from dashboards.signin import page_context
from tracker import services
from tracker.accounts import Actor
from tracker.domain import REG_2021
from tracker.services import Connection


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
    certificate_forms.add_form(con, actor, trainee_id)  # the types of the regelverk, the delmål that fit


def _bevis_form(con: Connection, actor: Actor, trainee_id: str, choices: tuple[str, ...]) -> None:
    with st.form("add_bevis_bas"):
        a, b = st.columns(2)
        specialty = a.selectbox("Basspecialitet", list(choices))
        # The app's whole range: a future date is refused by the service with a message, not dropped.
        when = dates.date_field(b, "Bevisets datum", None)
        submitted = st.form_submit_button("Registrera bevis", type="primary", icon=":material/save:")
    st.caption("Beviset om specialistkompetens i basspecialiteten behövs för att ansöka i din specialitet.")
    if submitted:
        feedback.write(
            lambda: services.record_bevis_bas(con, actor, trainee_id, specialty=specialty, bevis_date=when),
            "Beviset är registrerat.",
        )


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
    with st.form(f"edit_{cid}"):
        title = st.text_input("Rubrik", value=r["title"])
        a, b = st.columns(2)
        start = dates.date_field(a, "Startdatum", r["start_date"])
        end = dates.date_field(b, "Slutdatum", r["end_date"])
        codes = certificate_forms.edit_delmal(
            con, actor, trainee_id, str(r["type"]), list(r["delmal"]), key=f"edit_delmal_{cid}"
        )
        submitted = st.form_submit_button("Spara ändringar", type="primary", icon=":material/save:")
    values = {"title": title, "delmal": codes, "start_date": start, "end_date": end}
    certificate_forms.confirmed_write(
        f"edit_{cid}",
        values if submitted else None,
        lambda v: services.update_certificate(con, actor, cid, **v),
        "Intyget är ändrat. Skicka det igen för signering.",
    )


def _certificate_corrections(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    _edit_form(con, actor, trainee_id, certs)
    certificates.draft_actions(con, actor, trainee_id, certs, key="own_certs")


con, actor = page_context("st_lakare")
st.title("Intyg")
trainee_id = trainee.own_id(actor)
tv = trainee.view(con, actor, trainee_id)
trainee.header(tv)
# The table and its notices in a block of their own: what they show after a write moves nothing below.
with st.container():
    certs = certificates.table(con, actor, trainee_id)
st.subheader("Registrera och skicka")
st.caption("Placeringar, ledigheter och tillgodoräknanden registreras under Tidslinje.")
bas_choices: tuple[str, ...] = cache.read("bas_choices", con, actor, trainee_id)
in_bt = tv.progress.regulation == REG_2021
forms = {
    "Skicka för signering": lambda: _send_form(con, actor, trainee_id, certs),
    "Ny aktivitet eller intyg": lambda: _certificate_form(con, actor, trainee_id),
    "Sammanfattande intyg": lambda: certificate_forms.summary_form(
        con, actor, trainee_id, certs, tv.record.trainee.st_start_date
    ),
    "Ändra intyg": lambda: _certificate_corrections(con, actor, trainee_id, certs),
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
}
# A keyed choice rather than st.tabs: the section chosen stays chosen after the rerun of a save.
section = st.segmented_control(
    "Vad vill du göra?", list(forms), default="Skicka för signering", required=True, key="own_certs_section"
)
with st.container():  # what a save says, under the choice it was made in
    feedback.show_flash()
forms[section if section in forms else "Skicka för signering"]()
