"""One trainee's intyg: the table with returned, stale and voided ones, voiding a signed intyg, deleting a
draft and withdrawing one sent for signature.

The ST-läkare's Intyg page and the read-only trainee view (``trainee_list.trainee_view``) show the same table.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components.export import download
from dashboards.components.feedback import shown_errors, write
from dashboards.components.pickers import choose
from tracker import services
from tracker.accounts import Actor
from tracker.services import Connection

REISSUE_HELP = "Skapar ett nytt utkast med samma typ, rubrik, datum och delmål, som du kan rätta och skicka igen."


def _text(value: object) -> str:
    return value if isinstance(value, str) and value else fmt.DASH


def table(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    """The trainee's intyg, filterable by status, with what needs attention; returns all of them."""
    with shown_errors():
        certs: pd.DataFrame = cache.read("certificates", con, actor, trainee_id)
    if certs.empty:
        st.info("Inga intyg är registrerade ännu.")
        return certs
    statuses = st.multiselect(
        "Status",
        list(services.STATUS_LABELS.values()),
        default=[],
        placeholder="Alla statusar",
        key=f"cert_status_{trainee_id}",
    )
    shown = certs if not statuses else certs[certs["status_label"].isin(statuses)]
    grid = pd.DataFrame(
        {
            "Status": shown["status_label"],
            "Intyg": [r["title"] or r["type_label"] for r in shown.to_dict("records")],
            "Period": [fmt.period(s, e) for s, e in zip(shown["start_date"], shown["end_date"], strict=True)],
            "Delmål": shown["delmal"].map(fmt.codes),
            "Signerare": [
                _text(r["signed_by"] if r["status"] in ("signerat", "makulerat") else r["signer_name"])
                for r in shown.to_dict("records")
            ],
            "Signerat": shown["signed_date"].map(lambda d: fmt.iso_date(d) if d else fmt.DASH),
            "Typ": shown["type_label"],
        }
    )
    st.dataframe(
        grid,
        hide_index=True,
        width="stretch",
        column_config={
            "Intyg": st.column_config.TextColumn(width="large"),
            "Period": st.column_config.TextColumn(width=190),
            "Delmål": st.column_config.TextColumn(width="small"),
            "Signerare": st.column_config.TextColumn(
                width="medium", help="Den som signerade intyget, eller den det är skickat till för signering"
            ),
            "Signerat": st.column_config.TextColumn(width=110, help="Datum då intyget signerades"),
            "Typ": st.column_config.TextColumn(width="medium"),
        },
    )
    download(grid, "intyg", key=f"certificates_csv_{trainee_id}")
    for r in certs[certs["status"] == "returnerat"].to_dict("records"):
        st.warning(
            f"Returnerat: ”{fmt.plain(r['title'] or r['type_label'])}”. Kommentar: {fmt.plain(r['comment'] or fmt.DASH)}",
            icon=":material/undo:",
        )
    with shown_errors():
        stale: set[str] = cache.read("stale_requests", con, actor, trainee_id)
    for r in certs[certs["certificate_id"].isin(stale)].to_dict("records"):
        st.warning(
            f"”{fmt.plain(r['title'] or r['type_label'])}” väntar på {fmt.plain(r['signer_name'] or 'en handledare')}, "
            "som inte längre kan signera det (handledarskapet har upphört). Skicka det till en nuvarande handledare.",
            icon=":material/person_off:",
        )
    _voided(con, actor, trainee_id, certs)
    a, b, c = st.columns(3)
    a.metric("Signerade", int((certs["status"] == "signerat").sum()))
    b.metric("Väntar på signering", int((certs["status"] == "skickat").sum()))
    c.metric("Utkast eller returnerade", int(certs["status"].isin(["utkast", "returnerat"]).sum()))
    return certs


def _voided(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    """Voided certificates with their reason; the trainee can reissue one as a new draft."""
    own = actor.trainee_id == trainee_id
    for r in certs[certs["status"] == "makulerat"].to_dict("records"):
        cid = r["certificate_id"]
        with st.container(border=True):
            st.markdown(
                f":red-badge[:material/block: Makulerad] **{fmt.plain(r['title'] or r['type_label'])}** "
                f"({fmt.period(r['start_date'], r['end_date'])})"
            )
            signed = (
                f"Signerat av {fmt.plain(r['signed_by'])} {fmt.sv_date(r['signed_date'])}. " if r["signed_by"] else ""
            )
            st.caption(f"{signed}Skäl till makulering: {fmt.plain(r['comment'] or fmt.DASH)}")
            if own and st.button(
                "Utfärda nytt intyg", key=f"reissue_{cid}", icon=":material/content_copy:", help=REISSUE_HELP
            ):
                write(
                    lambda cid=cid: services.reissue_certificate(con, actor, cid),
                    "Ett nytt utkast är skapat. Rätta det under Ändra intyg och skicka det för signering.",
                )


def void_form(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    """Void a signed certificate, with a reason: for the signer, a studierektor or an administrator."""
    if certs.empty:
        return
    signed = certs[certs["status"] == "signerat"]
    if not actor.has("studierektor", "admin"):
        signed = signed[signed["signer_person_id"] == actor.person_id]
    if signed.empty:
        return
    rows = {r["certificate_id"]: r for r in signed.to_dict("records")}
    with st.expander("Makulera ett signerat intyg", icon=":material/block:"):
        st.caption(
            "Ett signerat intyg kan inte ändras. Makulera det med ett skäl; det räknas då inte längre, "
            "och ST-läkaren kan utfärda ett nytt intyg som går igenom signeringen på nytt."
        )
        with st.form(f"void_{trainee_id}"):
            cid = choose(
                "Intyg",
                {c: f"{r['title'] or r['type_label']} (signerat {fmt.iso_date(r['signed_date'])})" for c, r in rows.items()},
                key=f"void_pick_{trainee_id}",
                placeholder="Välj ett intyg",
            )
            reason = st.text_area("Skäl till makulering", height=80)
            submitted = st.form_submit_button("Makulera", type="primary", icon=":material/block:")
        if submitted and cid:
            write(
                lambda: services.void_certificate(con, actor, cid, reason),
                "Intyget är makulerat och räknas inte längre.",
            )


def draft_actions(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame, *, key: str) -> None:
    """Delete an unsigned draft (after a confirmation) and withdraw an intyg sent for signature."""
    if certs.empty:
        return
    drafts = certs[certs["status"].isin(["utkast", "returnerat"])]
    sent = certs[certs["status"] == "skickat"]
    if not drafts.empty:
        st.markdown("##### Ta bort ett utkast")
        rows = {r["certificate_id"]: r for r in drafts.to_dict("records")}
        cid = choose(
            "Utkast att ta bort",
            {c: f"{r['title'] or r['type_label']} ({r['status_label'].lower()})" for c, r in rows.items()},
            key=f"{key}_delete_pick",
            placeholder="Välj ett utkast",
        )
        ask = f"{key}_delete_{cid}"
        if cid and st.button("Ta bort utkastet", key=f"{ask}_ask", icon=":material/delete:"):
            st.session_state[ask] = True
        if cid and st.session_state.get(ask):
            title = rows[cid]["title"] or rows[cid]["type_label"]
            st.warning(f"Ta bort utkastet ”{fmt.plain(title)}” med dess delmål? Det går inte att ångra.")
            a, b, _ = st.columns([1, 1, 4])
            if a.button("Ja, ta bort", key=f"{ask}_yes", type="primary"):
                st.session_state.pop(ask, None)
                write(lambda: services.delete_certificate(con, actor, cid), "Utkastet är borttaget.")
            if b.button("Avbryt", key=f"{ask}_no"):
                st.session_state.pop(ask, None)
                st.rerun()
    if not sent.empty:
        st.markdown("##### Dra tillbaka ett intyg som väntar på signering")
        rows_sent = {r["certificate_id"]: r for r in sent.to_dict("records")}
        picked = choose(
            "Skickat intyg",
            {c: f"{r['title'] or r['type_label']} (hos {r['signer_name'] or 'handledaren'})" for c, r in rows_sent.items()},
            key=f"{key}_withdraw_pick",
            placeholder="Välj ett intyg",
        )
        st.caption("Intyget blir ett utkast igen: du kan ändra det och skicka det på nytt, till samma eller en annan.")
        if picked and st.button("Dra tillbaka", key=f"{key}_withdraw_{picked}", icon=":material/undo:"):
            write(
                lambda: services.withdraw_certificate(con, actor, picked),
                "Intyget är tillbakadraget och är ett utkast igen.",
            )
