"""Utbildningsenhet: import av CSV-filer eller en Excel-arbetsbok; alla fel visas innan något skrivs."""

import pandas as pd
import streamlit as st

from dashboards.components import feedback
from dashboards.components.export import record_download
from dashboards.connection import after_write
from dashboards.signin import page_context
from tracker import services
from tracker.errors import ImportRejected
from tracker.spreadsheet import csv_bytes

con, actor = page_context("studierektor", "admin")
st.title("Import")
feedback.show_flash()
st.markdown(
    "Ladda upp filerna i importformatet (UTF-8, rubrikrad, datum som ÅÅÅÅ-MM-DD) eller en Excel-arbetsbok med "
    "en flik per fil. `trainees.csv` krävs; övriga filer får saknas. Allt kontrolleras först: **inget skrivs "
    "förrän alla rader är korrekta**."
)
if not actor.is_admin:
    st.markdown(
        "Du kan importera ST-läkare vid enheterna i ditt område. En ny ST-läkare behöver kolumnen `unit_id` i "
        "`trainees.csv` med en enhet i ditt område (eller en ny enhet i `units.csv` inom ditt område). "
        "`people.csv` kan ge rollerna handledare och verksamhetschef, `supervision.csv` knyter handledare till "
        "ST-läkare. ST-läkare och intyg som har registrerats i appen ändras i appen, inte genom import."
    )
with st.expander("Export: hela området som filer"):
    st.markdown(
        "Alla ST-läkare " + ("i databasen" if actor.is_admin else "vid enheterna i ditt område")
        + " med placeringar, ledigheter, tillgodoräknanden, intyg, handledarskap, personer och enheter, i samma "
        "format som importen läser."
    )
    record_download(con, actor, None, label="Ladda ner paketet (zip)", name="st-tracker-export", key="area_zip")
with st.expander("Filer och kolumner"):
    st.dataframe(
        pd.DataFrame({"Fil": list(services.BUNDLE_COLUMNS), "Kolumner": [", ".join(c) for c in services.BUNDLE_COLUMNS.values()]}),
        hide_index=True,
        width="stretch",
    )
round_no = st.session_state.get("import_round", 0)
uploads = st.file_uploader(
    "Filer",
    type=["csv", "xlsx"],
    accept_multiple_files=True,
    key=f"import_files_{round_no}",
    help="Högst 20 MB per fil.",
)
if not uploads:
    st.info("Välj en eller flera filer för att kontrollera dem.")
    st.stop()

files = {u.name: u.getvalue() for u in uploads}
with feedback.shown_errors(), st.spinner("Kontrollerar filerna …"):
    frames, errors = services.check_import(con, actor, files)

if errors:
    st.error(
        f"{len(errors)} fel hittades. Inget har skrivits till databasen. Rätta filerna och ladda upp dem igen.",
        icon=":material/error:",
    )
    report = pd.DataFrame(
        {
            "Fil": [e.file for e in errors],
            "Rad": [e.line for e in errors],
            "Kolumn": [e.column if e.column != "-" else "" for e in errors],  # "-": the whole file
            "Fel": [e.message for e in errors],
        }
    )
    st.dataframe(report, hide_index=True, width="stretch")
    st.download_button(
        "Ladda ner felrapporten (CSV)",
        csv_bytes(report),
        file_name="importfel.csv",
        mime="text/csv",
    )
    st.stop()

st.success("Alla rader är korrekta.", icon=":material/check_circle:")
st.dataframe(
    pd.DataFrame({"Fil": list(frames), "Rader": [len(f) for f in frames.values()]}),
    hide_index=True,
    width="content",
)
if st.button("Importera", type="primary", icon=":material/upload:"):
    try:
        result = services.run_import(con, actor, frames)
    except (ImportRejected, services.AccessDenied) as exc:
        st.error(str(exc))
    else:
        after_write()
        feedback.flash(
            f"Importen är klar: {result.counted()}. ST-läkarna finns under ST-läkare och Kohort, handledarna ser sina "
            "ST-läkare under Mina ST-läkare."
        )
        st.session_state["import_round"] = round_no + 1
        st.rerun()
