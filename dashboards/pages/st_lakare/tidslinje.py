"""Min ST: tidslinje över placeringar, ledigheter och kurser."""

import streamlit as st

from dashboards.components import trainee
from dashboards.signin import page_context

con, actor = page_context("st_lakare")
st.title("Tidslinje")
trainee_id = trainee.own_id(actor)
trainee.header(trainee.view(con, actor, trainee_id))
trainee.timeline(con, actor, trainee_id, key="own")
