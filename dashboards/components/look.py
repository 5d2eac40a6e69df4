"""What every page shares in the browser: Swedish for Streamlit's own texts and the layout on a phone.

Streamlit's frontend has no translations: the file uploader's instructions, the grid's toolbar and menus,
the pickers' "Select all" and "No results", the date input's messages and every screen-reader label are
English. ``assets/look.js`` replaces those whole texts with Swedish ones as they are drawn (a
MutationObserver; nothing is fetched), and closes the menu after a page is chosen on a narrow window.
``assets/look.css`` holds the layout rules for every page. The entry point calls ``apply`` once per run,
before the page, so the login page gets them too.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).resolve().parents[1] / "assets"
STYLE = ASSETS / "look.css"
SCRIPT = ASSETS / "look.js"
KEY = "sv_look"  # the block that carries the script; look.css hides it


@cache
def _script() -> str:
    return f"<script>{SCRIPT.read_text('utf-8')}</script>"


def apply() -> None:
    """The style sheet (a style-only block takes no room) and the translating script, for this run."""
    st.html(STYLE)
    with st.container(key=KEY):
        st.html(_script(), unsafe_allow_javascript=True)
