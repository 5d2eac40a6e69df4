"""Page components: what several pages share, one module per concern.

- ``feedback``: what a person is told about a read or a write (a refused or failed read stops the page,
  validation errors as a table, a success message that survives the rerun after a write).
- ``export``: the CSV download of a table exactly as shown.
- ``plot``: a figure from ``dashboards.charts`` drawn the same way everywhere.
- ``trainee``: one trainee's header, overview, timeline and delmål, on the ST-läkare's own pages and in the
  read-only trainee view.
- ``certificates``: one trainee's intyg (table, returned, stale and voided ones) and voiding a signed one.
- ``trainee_list``: the list of trainees with one opened read-only, for handledare and the utbildningsenhet.
- ``entries``: the forms for placements, leave and credits, correcting them, and the BT approval date.
- ``people``: people, roles and one-time codes, for the administrator's and the studierektor's pages.
- ``documents``: documents about one trainee to download (the IUP report as PDF), made when asked for.
- ``look``: what every page shares in the browser (Swedish for Streamlit's own texts, the phone layout);
  the entry point applies it once per run.
"""

from dashboards.components import (
    certificates,
    documents,
    entries,
    export,
    feedback,
    people,
    plot,
    trainee,
    trainee_list,
)

__all__ = ["certificates", "documents", "entries", "export", "feedback", "people", "plot", "trainee", "trainee_list"]
