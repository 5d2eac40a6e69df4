"""Utbildningsenhet: ST-intressenter – kön per område och steg, dokument, flytt mellan steg och inskrivning."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboards import cache, charts
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.components.export import download
from dashboards.components.plot import plot
from dashboards.signin import page_context
from tracker import services
from tracker.domain import INTRESSENT_STEPS

con, actor = page_context("studierektor", "verksamhetschef", "admin")
st.title("ST-intressenter")
feedback.show_flash()
as_of = cache.as_of()
with feedback.shown_errors():
    queue: pd.DataFrame = cache.read("intressent_queue", con, actor, as_of)
    stats: pd.DataFrame = cache.read("intressent_stats", con, actor, as_of)
if queue.empty:
    st.info(
        "Inga ST-intressenter är registrerade inom ditt ansvarsområde. När en verksamhetschef anmäler "
        "intresse för en blivande ST-läkare visas hen här."
    )
    st.stop()

open_steps = [s for s in INTRESSENT_STEPS if s not in ("inskriven", "avslutad")]
m = st.columns(4)
m[0].metric("I kön", int(queue["step"].isin(open_steps).sum()))
m[1].metric("På väntelista", int((queue["step"] == "vantelista").sum()))
m[2].metric(
    "Förväntat intag",
    fmt.num(float(stats["expected_intake"].sum()), 1),
    help="Väntelistan plus de som bedöms, gånger andelen av avgjorda ärenden som skrivits in.",
)
m[3].metric(
    "Median dagar till väntelista",
    fmt.num(stats["days_to_vantelista"].median(), 0) if stats["days_to_vantelista"].notna().any() else fmt.DASH,
)

st.subheader("Kön per område")
left, right = st.columns([3, 2], gap="large")
with left:
    plot(charts.intressent_chart(stats, services.STEP_LABELS), key="intressent_chart")
with right:
    st.dataframe(
        pd.DataFrame(
            {
                "Steg": [services.STEP_LABELS[s] for s in INTRESSENT_STEPS],
                **{area: [int(stats.loc[i, s]) for s in INTRESSENT_STEPS] for i, area in enumerate(stats["area"])},
            }
        ),
        hide_index=True,
        width="stretch",
    )
st.markdown("**Väntetider (median antal dagar från anmälan)**")
st.dataframe(
    pd.DataFrame(
        {
            "Område": stats["area"],
            "Till bedömning": stats["days_to_bedomning"].map(lambda v: fmt.num(v, 0)),
            "Till väntelista": stats["days_to_vantelista"].map(lambda v: fmt.num(v, 0)),
            "Till inskrivning": stats["days_to_inskriven"].map(lambda v: fmt.num(v, 0)),
            "Förväntat intag": stats["expected_intake"].map(lambda v: fmt.num(v, 1)),
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Intressenter")
a, b = st.columns(2)
areas = a.multiselect("Område", sorted(queue["area"].unique()), placeholder="Alla")
steps = b.multiselect("Steg", list(INTRESSENT_STEPS), default=open_steps, format_func=lambda s: services.STEP_LABELS[s])
shown = queue
if areas:
    shown = shown[shown["area"].isin(areas)]
if steps:
    shown = shown[shown["step"].isin(steps)]
docs = list(services.DOCUMENTS)
queue_table = pd.DataFrame(
    {
        "Namn": shown["name"],
        "Specialitet": shown["specialty"],
        "Enhet": shown["unit_name"],
        "Område": shown["area"],
        "Steg": shown["step_label"],
        "Sedan": shown["step_date"].map(fmt.iso_date),
        "Dagar i steget": shown["days_in_step"].astype(int),
        "Anmäld": shown["reported_date"].map(fmt.iso_date),
        "Dokument": [f"{int(sum(bool(r[d]) for d in docs))} av {len(docs)}" for r in shown.to_dict("records")],
    }
)
st.dataframe(
    queue_table,
    hide_index=True,
    width="stretch",
)
download(queue_table, "st-intressenter", key="queue_csv")

names = dict(zip(shown["intressent_id"], shown["name"], strict=True))
if not names:
    st.info("Ingen intressent matchar filtret.")
    st.stop()
pick = st.selectbox(
    "Hantera intressent", list(names), format_func=lambda i: names[i], index=None, placeholder="Välj en intressent"
)
if not pick:
    st.stop()
row = queue[queue["intressent_id"] == pick].iloc[0].to_dict()
with st.container(border=True):
    st.markdown(f"#### {fmt.plain(row['name'])}")
    st.caption(
        f"{fmt.plain(row['specialty'])} · {fmt.plain(row['unit_name'])} · {fmt.plain(row['area'])} · anmäld {fmt.sv_date(row['reported_date'])}"
        f" · legitimation {fmt.sv_date(row['legitimation_date'])}"
    )
    history: pd.DataFrame = cache.read("intressent_history", con, actor, pick)
    st.markdown("**Steg och datum**")
    st.dataframe(
        pd.DataFrame(
            {
                "Steg": history["step_label"],
                "Datum": history["step_date"].map(fmt.iso_date),
                "Av": history["by_name"].fillna(fmt.DASH),
                "Anteckning": history["note"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if isinstance(row["trainee_id"], str) and row["trainee_id"]:
        st.success(f"Inskriven som ST-läkare ({row['trainee_id']}).")
        st.stop()
    tabs = st.tabs(["Dokument", "Flytta till steg", "Skriv in"])
    with tabs[0]:
        with st.form(f"docs_{pick}"):
            values = {key: st.checkbox(label, value=bool(row[key])) for key, label in services.DOCUMENTS.items()}
            values["language_ok"] = st.checkbox("Språkkrav uppfyllt", value=bool(row["language_ok"]))
            saved = st.form_submit_button("Spara dokumentlista", icon=":material/save:")
        if saved:
            feedback.write(
                lambda: services.update_intressent_documents(con, actor, pick, values), "Dokumentlistan är sparad."
            )
    with tabs[1]:
        choices = [s for s in INTRESSENT_STEPS if s != "inskriven"]
        with st.form(f"move_{pick}"):
            a, b = st.columns(2)
            current = choices.index(row["step"]) if row["step"] in choices else 0
            step = a.selectbox(
                "Nytt steg",
                choices,
                index=min(current + 1, len(choices) - 1),
                format_func=lambda s: services.STEP_LABELS[s],
            )
            when = b.date_input("Datum", value=as_of, format="YYYY-MM-DD")
            note = st.text_input("Anteckning")
            moved = st.form_submit_button("Flytta", type="primary", icon=":material/arrow_forward:")
        if moved:
            feedback.write(
                lambda: services.move_intressent(con, actor, pick, step, note, on=when),
                f"{row['name']} är flyttad till {services.STEP_LABELS[step].lower()}.",
            )
    with tabs[2]:
        if row["step"] != "vantelista":
            st.info("Inskrivning görs från väntelistan. Flytta intressenten dit när bedömningen är klar.")
        else:
            st.markdown(
                "Inskrivningen skapar ST-läkaren från intressentens uppgifter (namn, specialitet, enhet, "
                "legitimationsdatum, svensk AT) och ger personen rollen ST-läkare."
            )
            with st.form(f"enrol_{pick}"):
                start = st.date_input("ST-start", value=date(as_of.year, as_of.month, 1), format="YYYY-MM-DD")
                enrol = st.form_submit_button("Skriv in som ST-läkare", type="primary", icon=":material/how_to_reg:")
            if enrol:
                feedback.write(
                    lambda: services.enrol_intressent(con, actor, pick, st_start_date=start),
                    f"{row['name']} är inskriven som ST-läkare.",
                )
