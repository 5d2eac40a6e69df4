"""Min ST: översikt över tid, BT, vad som saknas inför ansökan och nästa steg."""

import streamlit as st

from dashboards.components import documents, feedback, trainee
from dashboards.components.application import application
from dashboards.components.export import record_download
from dashboards.signin import page_context

con, actor = page_context("st_lakare")
st.title("Översikt")
feedback.show_flash()
trainee_id = trainee.own_id(actor)
tv = trainee.view(con, actor, trainee_id)
trainee.header(tv)
trainee.overview(tv, key="own")

st.divider()
application(con, actor, trainee_id, key="own")

st.divider()
documents.iup_report(con, actor, trainee_id, key="own")

st.divider()
st.caption(
    "Hela din utbildning som filer i tracker-formatet (ST-läkare, placeringar, ledigheter, tillgodoräknanden, intyg, "
    "handledare och enheter): att spara själv eller ta med till en ny region, som kan importera den."
)
record_download(con, actor, trainee_id, label="Ladda ner min utbildning (zip)", name=f"utbildning-{trainee_id}", key="own_zip")
