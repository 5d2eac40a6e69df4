"""Documents about one trainee to download, one function per document.

Each is made only when asked for (a button press): a document takes a moment to build and, made by
anyone but the trainee, is an audit row, so merely showing a page makes none. The file is offered in the
run that made it and is not kept in the session (a later run shows the button again, never an old file).
"""

from __future__ import annotations

import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from tracker import services
from tracker.accounts import Actor
from tracker.errors import TrackerError
from tracker.services import Connection


def iup_report(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> None:
    """The trainee's IUP / progress report as PDF (``services.iup_report``) for the handledarsamtal or the
    yearly review: "Skapa rapport" builds it, then "Ladda ner IUP-rapport (PDF)" saves it."""
    as_of = cache.as_of()
    st.caption(
        f"IUP-rapport på A4 per {fmt.sv_date(as_of)}: översikt, tidslinje, delmål med intyg, vad som saknas "
        "och beräknat klar, inför handledarsamtalet eller den årliga genomgången."
    )
    if not st.button("Skapa rapport", icon=":material/picture_as_pdf:", key=f"{key}_iup_make"):
        return
    try:
        with st.spinner("Skapar rapporten …"):
            pdf = services.iup_report(con, actor, trainee_id, as_of)
    except TrackerError as exc:
        st.error(fmt.plain(exc), icon=":material/block:")
        return
    st.download_button(
        "Ladda ner IUP-rapport (PDF)",
        pdf,
        file_name=f"iup-{trainee_id}-{as_of.isoformat()}.pdf",
        mime="application/pdf",
        icon=":material/download:",
        on_click="ignore",
        type="primary",
        key=f"{key}_iup_pdf",
    )
