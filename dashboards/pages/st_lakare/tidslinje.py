"""Min ST: tidslinje över placeringar, ledigheter och kurser; placeringar, ledigheter och tillgodoräknanden
listade, var och en med formulären bredvid sig: lägg till, ändra eller ta bort."""

import streamlit as st

from dashboards.components import entries, trainee
from dashboards.signin import page_context

con, actor = page_context("st_lakare")
st.title("Tidslinje")
trainee_id = trainee.own_id(actor)
trainee.header(trainee.view(con, actor, trainee_id))
trainee.timeline(con, actor, trainee_id, key="own", table=False)
st.subheader("Placeringar, ledigheter och tillgodoräknanden")
entries.records(con, actor, trainee_id, key="own")
