"""Logg: vem ändrade vad och när, för de ST-läkare man har behörighet till; filtrera och ladda ner som CSV."""

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import dates, feedback
from dashboards.components.pickers import choose
from dashboards.signin import page_context
from tracker import services

EVENTS_TO_PICK = 500  # the newest events of the table offered in the full view


def _event(shown: pd.DataFrame) -> None:
    """One event of the table in full: every changed field on its own line."""
    rows = {int(r["audit_id"]): r for r in shown.head(EVENTS_TO_PICK).to_dict("records")}
    if not rows:
        return
    with st.expander("Visa en händelse i sin helhet", icon=":material/manage_search:"):
        picked = choose(
            "Händelse",
            {
                i: f"{r['logged_at']:%Y-%m-%d %H:%M} · {r['actor_name'] or fmt.DASH} · {r['action_label']} · "
                f"{r['entity_label']} {r['record_name']}"
                for i, r in rows.items()
            },
            key="log_event",
            placeholder="Välj en händelse i tabellen",
        )
        if picked is None:
            return
        r = rows[picked]
        st.markdown(
            f"**{fmt.plain(r['action_label'])}** – {fmt.plain(r['entity_label'])} {fmt.plain(r['record_name'])}  \n"
            f"{r['logged_at']:%Y-%m-%d %H:%M}, {fmt.plain(r['actor_name'] or fmt.DASH)}"
        )
        lines = list(r["change_lines"])
        st.markdown("\n".join(f"- {fmt.plain(line)}" for line in lines) if lines else "Inga fält ändrades.")


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
period = dates.range_field(c, "Period", (first, last), key="log_period")
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
        + shown["record_name"]
        + " "
        + shown["change"]
    )
    shown = shown[text.str.contains(query, case=False, regex=False)]
table = pd.DataFrame(
    {
        "Tidpunkt": shown["logged_at"].dt.strftime("%Y-%m-%d %H:%M"),
        "Vem": shown["actor_name"],
        "Händelse": shown["action_label"],
        "Post": shown["entity_label"],
        "Avser": shown["record_name"].replace("", fmt.DASH),
        "ST-läkare": shown["trainee_name"].replace("", fmt.DASH),
        "Ändring": shown["change"].replace("", fmt.DASH),
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "Avser": st.column_config.TextColumn(width="medium", help="Posten som ändrades"),
        "Ändring": st.column_config.TextColumn(
            width="large", help="Fälten som ändrades, före → efter; för en ny post dess uppgifter"
        ),
    },
)
st.caption(
    f"{len(shown)} av {len(df)} händelser. Tider i svensk tid. CSV-filen har också uppgifterna före och efter "
    "som de lagrades (JSON)."
)
_event(shown)
st.download_button(
    "Ladda ner som CSV",
    data=services.audit_csv(shown),
    file_name=f"st-tracker-logg-{cache.as_of().isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="log_download",
)
