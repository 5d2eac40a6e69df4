"""Studierektor: personerna i området – lägga upp handledare och verksamhetschefer, ändra dem, ge och ta
bort deras roller vid områdets enheter och ge dem en engångskod för lösenord."""

import streamlit as st

from dashboards.components import feedback
from dashboards.components.people import people_sections
from dashboards.signin import page_context

con, actor = page_context("studierektor")
st.title("Personer och konton")
st.caption(
    "Handledare, verksamhetschefer och ST-läkare vid enheterna i ditt område. Studierektorer och "
    "administratörer läggs upp av administratören."
)
feedback.show_flash()
people_sections(con, actor)
