"""One module per page; each is run by ``st.navigation`` from ``streamlit_app.py``."""
