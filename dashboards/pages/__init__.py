"""One module per page, in one folder per role; each is run by ``st.navigation`` from ``streamlit_app.py``.

- ``st_lakare``: the ST-läkare's own pages (Min ST).
- ``handledare``: the handledare's ST-läkare and the intyg waiting for a signature (also the verksamhetschef's).
- ``utbildningsenhet``: studierektor, verksamhetschef and administratör.
- ``gemensamt``: pages for several roles (the log).
"""
