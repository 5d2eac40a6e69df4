"""Min ST: tidslinje över placeringar, ledigheter och kurser."""

import streamlit as st

from dashboards import views
from dashboards.signin import page_context

con, actor = page_context("st_lakare")
st.title("Tidslinje")
trainee_id = views.own_trainee(actor)
views.trainee_header(con, actor, trainee_id)
views.timeline(con, actor, trainee_id, key="own")
