"""The application to Socialstyrelsen on a trainee's page: which forms it holds and what still blocks each,
and (for those who see the personal details in full) the filled package to download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.components.export import shown_table
from dashboards.components.trainee import folded_list, view
from tracker import services
from tracker.accounts import Actor
from tracker.errors import TrackerError
from tracker.services import Connection


def _forms_table(status: services.ApplicationStatus) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Blankett": f.form,
                "Avser": f.title,
                "Intyg": f.certificate_id or "",
                "Status": "Klar" if not f.blocked else "Ej klar: " + " ".join(f.problems),
            }
            for f in status.forms
        ]
    )


def _fetch_button(con: Connection, actor: Actor, *, key: str) -> None:
    if not actor.is_admin:
        st.info(
            "Socialstyrelsens blanketter är inte hämtade till ST-trackern ännu. Be administratören hämta dem.",
            icon=":material/info:",
        )
        return
    st.info("Socialstyrelsens blanketter är inte hämtade ännu.", icon=":material/info:")
    if st.button("Hämta blanketterna från Socialstyrelsen", key=f"{key}_fetch_forms", icon=":material/cloud_download:"):
        bar = st.progress(0.0, text="Hämtar …")
        done: list[str] = []

        def step(form: services.Form) -> None:
            done.append(form.name)
            bar.progress(min(1.0, len(done) / len(services.FORMS)), text=f"Hämtar {form.name} …")

        try:
            n = services.fetch_forms(con, actor, progress=step)
        except TrackerError as exc:
            bar.empty()
            st.error(fmt.plain(exc), icon=":material/block:")
            return
        bar.empty()
        feedback.flash(f"{n} blanketter är hämtade.")
        st.rerun()  # the next run finds the blanks and offers "Skapa ansökan"


def application(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> None:
    """The application section: the forms and their blockers; "Skapa ansökan" fills them."""
    as_of = cache.as_of()
    st.subheader("Ansökan till Socialstyrelsen")
    try:
        tv = view(con, actor, trainee_id)  # the page's own read, shared
        status = services.application_status(con, actor, trainee_id, as_of, view=tv)
    except TrackerError as exc:
        st.error(fmt.plain(exc), icon=":material/block:")
        return
    blocked = sum(f.blocked for f in status.forms)
    st.caption(
        f"Ansökan per {fmt.sv_date(as_of)} består av {len(status.forms)} av Socialstyrelsens blanketter, ifyllda från "
        f"ST-trackern ({status.activity_certificates} intyg om utbildningsaktiviteter). Underskrifter görs för hand "
        "eller med regionens e-underskrift."
    )
    if status.complete:
        st.success("Alla blanketter kan fyllas i.", icon=":material/task_alt:")
    else:
        parts = [f"{fmt.count(blocked, 'blankett', 'blanketter')} saknar uppgifter"] if blocked else []
        if status.problems:
            parts.append("ST-läkaren är inte klar att ansöka")
        st.warning(" och ".join(parts) + ".", icon=":material/pending_actions:")
        folded_list([fmt.plain(problem) for problem in status.problems])
    # The progress notices are the overview's "Att tänka på" on the same page; here only the forms' notes.
    for notice in dict.fromkeys(n for f in status.forms for n in f.notes):
        st.caption(fmt.plain(notice))
    shown_table(_forms_table(status), name=f"ansokan-blanketter-{trainee_id}", key=f"{key}_forms")
    if not services.sees_personal_details(con, actor, trainee_id):
        st.caption("Den ifyllda ansökan innehåller personnummer och adress och skapas av ST-läkaren eller utbildningsenheten.")
        return
    if status.missing_blanks:
        _fetch_button(con, actor, key=key)
        return
    if not st.button("Skapa ansökan", key=f"{key}_application_make", icon=":material/draft:"):
        return
    try:
        with st.spinner("Fyller i blanketterna …"):
            package = services.application_package(con, actor, trainee_id, as_of)
    except TrackerError as exc:
        st.error(fmt.plain(exc), icon=":material/block:")
        return
    left, right = st.columns(2)
    left.download_button(
        "Ladda ner ansökan (PDF)",
        package.merged,
        file_name=f"ansokan-{trainee_id}-{as_of.isoformat()}.pdf",
        mime="application/pdf",
        icon=":material/download:",
        on_click="ignore",
        type="primary",
        key=f"{key}_application_pdf",
    )
    right.download_button(
        "Ladda ner alla blanketter (zip)",
        package.zip(),
        file_name=f"ansokan-{trainee_id}-{as_of.isoformat()}.zip",
        mime="application/zip",
        icon=":material/folder_zip:",
        on_click="ignore",
        key=f"{key}_application_zip",
    )
