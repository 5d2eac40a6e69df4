"""Administratör: användare och roller; ge en person en roll eller ta bort en roll."""

import streamlit as st

from dashboards import views
from dashboards.auth import page_context

con, actor = page_context("admin")
st.title("Användare och roller")
views.show_flash()
views.user_roles(con, actor)
