"""Logg: vem ändrade vad och när, för de ST-läkare man har behörighet till; filtrera och ladda ner som CSV."""

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.signin import page_context
from tracker import services

con, actor = page_context("st_lakare", "handledare", "studierektor", "admin")
st.title("Logg")
with feedback.shown_errors():
    df: pd.DataFrame = cache.read("audit_trail", con, actor)
st.caption(
    "Varje ändring i ST-trackern loggas med tidpunkt, vem som gjorde den och uppgifterna före och efter. "
    "Loggen kan inte ändras eller raderas."
)
if df.empty:
    st.info("Det finns inga loggade händelser som du har behörighet att se ännu.")
    st.stop()
a, b, c = st.columns([2, 2, 2])
trainees = sorted(t for t in df["trainee_name"].unique() if t)
picked_trainees = a.multiselect("ST-läkare", trainees, placeholder="Alla", key="log_trainee")
actions = sorted(df["action_label"].unique())
picked_actions = b.multiselect("Händelse", actions, placeholder="Alla", key="log_action")
first, last = df["logged_at"].min().date(), df["logged_at"].max().date()
period = c.date_input("Period", value=(first, last), format="YYYY-MM-DD", key="log_period")
query = st.text_input("Sök", placeholder="Namn, post-id eller innehåll", key="log_query")
shown = df
if picked_trainees:
    shown = shown[shown["trainee_name"].isin(picked_trainees)]
if picked_actions:
    shown = shown[shown["action_label"].isin(picked_actions)]
if isinstance(period, tuple) and len(period) == 2:
    day = shown["logged_at"].dt.date
    shown = shown[(day >= period[0]) & (day <= period[1])]
if query:
    text = (
        shown["actor_name"]
        + " "
        + shown["trainee_name"]
        + " "
        + shown["entity_id"]
        + " "
        + shown["before_json"].fillna("")
        + " "
        + shown["after_json"].fillna("")
    )
    shown = shown[text.str.contains(query, case=False, regex=False)]
table = pd.DataFrame(
    {
        "Tidpunkt": shown["logged_at"].dt.strftime("%Y-%m-%d %H:%M"),
        "Vem": shown["actor_name"],
        "Händelse": shown["action_label"],
        "Post": shown["entity_label"],
        "Post-id": shown["entity_id"],
        "ST-läkare": shown["trainee_name"].replace("", fmt.DASH),
        "Före": shown["before_json"].fillna(fmt.DASH),
        "Efter": shown["after_json"].fillna(fmt.DASH),
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "Före": st.column_config.TextColumn(width="medium", help="Uppgifterna före ändringen (JSON)"),
        "Efter": st.column_config.TextColumn(width="medium", help="Uppgifterna efter ändringen (JSON)"),
    },
)
st.caption(f"{len(shown)} av {len(df)} händelser. Tider i svensk tid.")
st.download_button(
    "Ladda ner som CSV",
    data=services.audit_csv(shown),
    file_name=f"st-tracker-logg-{cache.as_of().isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="log_download",
)
