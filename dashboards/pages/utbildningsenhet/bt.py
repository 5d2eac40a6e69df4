"""Utbildningsenhet: bastjänstgöring – vilka som gör BT, tid per verksamhet och intyg som väntar."""

import pandas as pd
import streamlit as st

from dashboards import cache, charts
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.components.export import shown_table
from dashboards.components.plot import plot
from dashboards.signin import page_context
from tracker.rules.facts import BT_MIN_ACUTE, BT_MIN_MONTHS, BT_MIN_PRIMARY

con, actor = page_context("studierektor", "verksamhetschef", "admin")
st.title("BT")
st.caption(
    f"Bastjänstgöring enligt HSLF-FS 2021:8: minst {fmt.num(BT_MIN_MONTHS)} månader, varav minst "
    f"{fmt.num(BT_MIN_PRIMARY)} i primärvård och {fmt.num(BT_MIN_ACUTE)} i akut sjukvård, BT-delmål 1–18 med "
    "signerade intyg, intyg om fullgjord BT och om uppnådd baskompetens."
)
as_of = cache.as_of()
with feedback.shown_errors():
    df: pd.DataFrame = cache.read("bt_overview", con, actor, as_of)
    waiting: pd.DataFrame = cache.read("bt_waiting", con, actor)

m = st.columns(4)
m[0].metric("Behöver BT godkänd", len(df))
m[1].metric("BT-tiden klar", int(df["bt_time_complete"].astype(bool).sum()) if len(df) else 0)
m[2].metric("Klara att ansöka", int(df["ready_for_application"].sum()) if len(df) else 0)
m[3].metric("BT-intyg som väntar på signering", len(waiting))

if df.empty:
    st.info(
        "Ingen ST-läkare inom ditt ansvarsområde väntar på godkänd BT. BT gäller ST-läkare enligt "
        "HSLF-FS 2021:8; när en BT blir godkänd registreras datumet på ST-läkaren."
    )
else:
    plot(charts.bt_trainees_chart(df), key="bt_chart")
    shown_table(
        pd.DataFrame(
            {
                "Namn": df["name"],
                "Enhet": df["unit_name"].fillna(fmt.DASH),
                "BT-tid": df["bt_months"].map(fmt.months),
                "Primärvård": df["bt_primary_months"].map(fmt.months),
                "Akut sjukvård": df["bt_acute_months"].map(fmt.months),
                "BT-delmål": [
                    fmt.count_of(u, t) for u, t in zip(df["bt_delmal_uppfyllt"], df["bt_delmal_total"], strict=True)
                ],
                "Väntar på signering": df["bt_waiting"].astype(int),
                "Klar att ansöka": df["ready_for_application"].map(fmt.yes_no),
            }
        ),
        "bt-st-lakare",
        key="bt_table",
        column_config={
            "Namn": st.column_config.TextColumn(width=140),
            "Enhet": st.column_config.TextColumn(width=180),
            "BT-tid": st.column_config.TextColumn(width=80),
            "Primärvård": st.column_config.TextColumn(width=90),
            "Akut sjukvård": st.column_config.TextColumn(width=105),
            "BT-delmål": st.column_config.TextColumn(width=80, help="Uppfyllda BT-delmål av alla"),
            "Väntar på signering": st.column_config.NumberColumn(width=140),
            "Klar att ansöka": st.column_config.TextColumn(width=115),
        },
    )

st.subheader("BT-intyg som väntar på signering")
if waiting.empty:
    st.info("Inga BT-intyg väntar på signering.")
else:
    shown_table(
        pd.DataFrame(
            {
                "ST-läkare": waiting["trainee_name"],
                "Intyg": waiting["type_label"],
                "Rubrik": waiting["title"],
                "Delmål": waiting["delmal"].map(fmt.codes),
                "Skickat till": waiting["signer_name"].fillna(fmt.DASH),
            }
        ),
        "bt-intyg-vantar",
        key="bt_waiting_table",
        column_config={
            "ST-läkare": st.column_config.TextColumn(width="medium"),
            "Intyg": st.column_config.TextColumn(width=270),
            "Rubrik": st.column_config.TextColumn(width="medium"),
            "Skickat till": st.column_config.TextColumn(width="medium"),
        },
    )
