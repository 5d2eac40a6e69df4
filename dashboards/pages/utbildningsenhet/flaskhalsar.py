"""Utbildningsenhet: delmål som få har uppfyllt, per specialitet eller enhet; från en ruta till ST-läkarna bakom
den."""

import pandas as pd
import streamlit as st

from dashboards import cache, charts
from dashboards import format as fmt
from dashboards.components import drilldown, feedback
from dashboards.components.export import shown_table
from dashboards.components.trainee import STATUS_TEXT
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

chosen = drilldown.chart_choice(
    charts.delmal_heatmap(df, group),
    key=f"bn_heatmap_{by}_{regulation.split()[-1].replace(':', '_')}",
    label="Visa ST-läkarna bakom en ruta",
    options={
        f"{g}|{c}": f"{g}, {c}: {fmt.pct(v)} uppfyllt ({int(n)} ST-läkare)"
        for g, c, v, n in zip(df["grp"], df["code"], df["share_uppfyllt"], df["n"], strict=True)
    },
)
if chosen is not None:
    cell_group, code = chosen.rsplit("|", 1)
    with feedback.shown_errors():
        cell: pd.DataFrame = cache.read("delmal_members", con, actor, as_of, by, flt, cell_group, code)
    drilldown.trainees(
        pd.DataFrame(
            {
                "Namn": cell["name"],
                "Specialitet": cell["specialty"],
                "Enhet": cell["unit_name"].fillna(fmt.DASH),
                "Status": cell["status"].map(STATUS_TEXT),
            }
        ),
        list(cell["trainee_id"]),
        list(cell["name"]),
        key=f"bn_members_{by}",
        file_name="delmal-st-lakare",
        heading=f"Delmål {code} i {cell_group}",
        column_config={
            "Namn": st.column_config.TextColumn(width="medium"),
            "Specialitet": st.column_config.TextColumn(width="medium"),
            "Enhet": st.column_config.TextColumn(width="medium"),
        },
    )
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
        "utbildningsaktiviteter signerade). Röda rutor är flaskhalsar. Håll muspekaren över en ruta för antal, "
        "klicka på den för att se ST-läkarna."
    )
    with feedback.shown_errors():
        shares: pd.DataFrame = cache.read("delmal_shares", con, actor, as_of, by, flt)
    st.metric(
        "Delmål under 50 % uppfyllt",
        fmt.count_of(int((shares["share_uppfyllt"] < 50).sum()), len(shares)),
    )
    st.caption(
        "Delmål där under hälften av ST-läkarna i urvalet har delmålet uppfyllt. Varje delmål räknas en gång, "
        "inte en gång per ruta: ett gemensamt delmål (a/b eller STa/STb) en gång, ett c-/STc-delmål en gång per "
        "specialitet, eftersom samma kod betyder olika saker i olika specialiteter."
    )

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
