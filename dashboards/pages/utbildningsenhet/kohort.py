"""Utbildningsenhet: kohorten – fördelning, tid, beräknade specialister och ST-läkare som behöver stöd."""

import pandas as pd
import streamlit as st

from dashboards import cache, charts
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.components.export import shown_table
from dashboards.components.plot import plot
from dashboards.signin import page_context
from tracker import services
from tracker.services import RISK_LEAVE_DAYS, RISK_PACE, CohortFilter

con, actor = page_context("studierektor", "verksamhetschef", "admin")
st.title("Kohort")
as_of = cache.as_of()
with feedback.shown_errors():
    everyone: pd.DataFrame = cache.read("cohort", con, actor, as_of)
if everyone.empty:
    st.info(
        "Det finns inga ST-läkare inom ditt ansvarsområde ännu. Importera dem under Import eller skriv in "
        "en ST-intressent under ST-intressenter."
    )
    st.stop()

units = dict(zip(everyone["unit_id"].fillna(""), everyone["unit_name"].fillna("Ingen enhet"), strict=True))
a, b, c = st.columns(3)
specialties = a.multiselect("Specialitet", sorted(everyone["specialty"].unique()), placeholder="Alla")
unit_ids = b.multiselect(
    "Enhet", sorted(units, key=lambda u: units[u]), format_func=lambda u: units[u], placeholder="Alla"
)
regulations = c.multiselect("Regelverk", sorted(everyone["regulation"].unique()), placeholder="Alla")
flt = CohortFilter(tuple(specialties), tuple(unit_ids), tuple(regulations))
# Every figure below derives from this one cohort, computed once for the page.
df = flt.apply(everyone)
if df.empty:
    st.info("Inga ST-läkare matchar filtret. Ta bort något filter.")
    st.stop()

m = st.columns(4)
m[0].metric("ST-läkare", len(df))
m[1].metric("I BT", int(((df["regulation"] == "HSLF-FS 2021:8") & ~df["bt_approved"].fillna(False).astype(bool)).sum()))
m[2].metric("Klara att ansöka", int(df["ready_to_apply"].sum()))
m[3].metric("Median av minimitiden", fmt.pct(float(df["progress_pct"].median())))

st.subheader("Fördelning")
group = (
    st.segmented_control(
        "Dela upp efter", ["Specialitet", "Enhet", "Regelverk"], default="Specialitet", key="cohort_group"
    )
    or "Specialitet"
)
by = {"Specialitet": "specialty", "Enhet": "unit", "Regelverk": "regulation"}[group]
breakdown = services.breakdown_of(con, df, by)
left, right = st.columns([3, 2], gap="large")
with left:
    plot(charts.breakdown_chart(breakdown, "grp", group), key="cohort_breakdown")
with right:
    shown_table(
        pd.DataFrame(
            {
                group: breakdown["grp"],
                "ST-läkare": breakdown["n"].astype(int),
                "Median": breakdown["median_pct"].map(fmt.pct),
                "I BT": breakdown["in_bt"].astype(int),
            }
        ),
        "kohort-fordelning",
        key="breakdown_table",
    )

st.subheader("Hur långt har de kommit?")
bins = services.bins_of(con, df)
left, right = st.columns([3, 2], gap="large")
with left:
    plot(charts.progress_histogram(bins), key="cohort_hist")
with right:
    shown_table(
        pd.DataFrame(
            {
                "Andel av minimitiden": [f"{lo}–{hi} %" for lo, hi in zip(bins["lo"], bins["hi"], strict=True)],
                "ST-läkare": bins["n"].astype(int),
            }
        ),
        "kohort-andel-av-minimitiden",
        key="bins_table",
    )
    st.caption(
        "Tillgodoräknad tid (tjänstgöring och tillgodoräknanden) delad med minimitiden, i dag. "
        "Median = mittvärdet av andelen av minimitiden."
    )

st.subheader("Beräknat antal nya specialister per år")
years = services.completions_of(con, df)
left, right = st.columns([3, 2], gap="large")
with left:
    if years.empty:
        st.info("Inget beräknat klardatum finns ännu: registrera planerade placeringar.")
    else:
        plot(charts.completions_chart(years), key="cohort_years")
with right:
    shown_table(
        pd.DataFrame({"År": years["year"].astype(int).astype(str), "ST-läkare": years["n"].astype(int)}),
        "kohort-nya-specialister",
        key="years_table",
    )
    st.caption("Året då minimitiden beräknas nås, med planerade placeringar. Delmål och intyg kan ta längre tid.")

st.subheader("Behöver uppmärksamhet")
risk = services.risks_of(con, df, as_of)
st.caption(
    f"Efter förväntad takt = mindre än {fmt.pct(RISK_PACE * 100)} av tiden sedan ST-start räknas (efter minst sex "
    f"månader). Lång ledighet = minst {RISK_LEAVE_DAYS} dagar det senaste året. Sent i ST = två tredjedelar av "
    "minimitiden passerad och något delmål ej påbörjat."
)
st.metric("ST-läkare att följa upp", len(risk))
if risk.empty:
    st.success("Ingen ST-läkare i urvalet ligger efter enligt kriterierna.")
else:
    risk_table = pd.DataFrame(
        {
            "Namn": risk["name"],
            "Specialitet": risk["specialty"],
            "Enhet": risk["unit_name"].fillna(fmt.DASH),
            "Beräknat klar": risk["projected_completion_date"].map(fmt.iso_date),
            "Skäl": risk["reasons"],
        }
    )
    shown_table(
        risk_table,
        "behover-uppmarksamhet",
        key="risk_csv",
        column_config={
            "Namn": st.column_config.TextColumn(width="medium"),
            "Specialitet": st.column_config.TextColumn(width="medium"),
            "Enhet": st.column_config.TextColumn(width="medium"),
            "Skäl": st.column_config.TextColumn(width="large"),
        },
    )
