"""Utbildningsenhet: delmål som få har uppfyllt, per specialitet eller enhet."""

import pandas as pd
import streamlit as st

from dashboards import cache, charts
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.components.export import shown_table
from dashboards.components.plot import plot
from dashboards.signin import page_context
from tracker.services import CohortFilter

con, actor = page_context("studierektor", "verksamhetschef", "admin")
st.title("Delmål-flaskhalsar")
as_of = cache.as_of()
with feedback.shown_errors():
    everyone: pd.DataFrame = cache.read("cohort", con, actor, as_of)
if everyone.empty:
    st.info("Det finns inga ST-läkare inom ditt ansvarsområde ännu. Importera dem under Import.")
    st.stop()

a, b, c = st.columns(3)
group = a.segmented_control("Jämför", ["Specialitet", "Enhet"], default="Specialitet", key="bn_group") or "Specialitet"
regs = everyone["regulation"].value_counts()
regulation = b.selectbox(
    "Regelverk", list(regs.index), key="bn_reg", format_func=lambda r: f"{r} ({int(regs[r])} ST-läkare)"
)
specialties = c.multiselect(
    "Specialitet",
    sorted(everyone[everyone["regulation"] == regulation]["specialty"].unique()),
    placeholder="Alla",
    key="bn_spec",
)
flt = CohortFilter(tuple(specialties), (), (regulation,))
by = "specialty" if group == "Specialitet" else "unit"
df: pd.DataFrame = cache.read("delmal_bottlenecks", con, actor, as_of, by, flt)
if df.empty:
    st.info("Inga delmål att visa för urvalet.")
    st.stop()

if by == "unit" and len(specialties) != 1:
    st.caption(
        "Per enhet jämförs bara de gemensamma delmålen (a/b eller STa/STb): c-delmålen skiljer sig mellan "
        "specialiteter. Välj en specialitet för att se dess c-delmål."
    )
else:
    st.caption("c-/STc-delmål har samma kod men olika innehåll i olika specialiteter: jämför dem inom en specialitet.")

plot(charts.delmal_heatmap(df, group), key="bn_heatmap")
left, right = st.columns([3, 2], gap="large")
with left:
    per_code = df.sort_values(["share_uppfyllt", "n_ej"], ascending=[True, False])
    st.markdown("**Lägst andel uppfyllt**")
    shown_table(
        pd.DataFrame(
            {
                group: per_code["grp"],
                "Delmål": per_code["code"],
                "Andel uppfyllt": per_code["share_uppfyllt"].map(fmt.pct),
                "Ej påbörjat": per_code["n_ej"].astype(int),
                "ST-läkare": per_code["n"].astype(int),
            }
        ).head(12),
        "delmal-lagst-andel",
        key="bn_table",
    )
with right:
    st.markdown("**Så läses diagrammet**")
    st.caption(
        "Varje ruta är andelen av ST-läkarna i gruppen som har delmålet uppfyllt (alla krävda "
        "utbildningsaktiviteter signerade). Röda rutor är flaskhalsar. Håll muspekaren över en ruta för antal."
    )
    st.metric("Delmål under 50 % uppfyllt", int((df["share_uppfyllt"] < 50).sum()))

st.subheader("Vilka kurser skulle stänga flest luckor?")
gaps: pd.DataFrame = cache.read("course_gaps", con, actor, as_of, flt)
if gaps.empty:
    st.success("Ingen ST-läkare i urvalet saknar ett kursintyg som krävs för ett delmål.")
else:
    st.caption(
        "Delmål där en kurs krävs och ST-läkaren ännu saknar ett signerat kursintyg. En kurs som täcker "
        "delmålen överst når flest ST-läkare; gemensamma delmål räknas över alla specialiteter."
    )
    shown_table(
        pd.DataFrame(
            {
                "Delmål": gaps["code"],
                "Rubrik": gaps["title"],
                "Specialitet": gaps["specialty"].replace("", "Alla (gemensamt delmål)"),
                "ST-läkare som saknar kursintyg": gaps["trainees"].astype(int),
            }
        ),
        "kurser-som-stanger-luckor",
        key="gaps_table",
    )
