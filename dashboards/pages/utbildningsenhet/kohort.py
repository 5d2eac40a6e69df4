"""Utbildningsenhet: kohorten – fördelning, tid, när minimitiden nås och ST-läkare som behöver stöd; från ett
diagram eller en rad till ST-läkarna bakom den."""

import pandas as pd
import streamlit as st

from dashboards import cache, charts
from dashboards import format as fmt
from dashboards.components import drilldown, feedback
from dashboards.components.export import shown_table
from dashboards.signin import page_context
from tracker import services
from tracker.domain import REG_2015, REG_2021
from tracker.rules.facts import MIN_MONTHS, MIN_MONTHS_2015_DOKTORSEXAMEN
from tracker.services import RISK_LATE_SHARE, RISK_LEAVE_DAYS, RISK_PACE, CohortFilter

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
m[1].metric("I BT", int(((df["regulation"] == REG_2021) & ~df["bt_approved"].fillna(False).astype(bool)).sum()))
m[2].metric("Klara att ansöka", int(df["ready_to_apply"].sum()))
m[3].metric("Median av minimitiden", fmt.pct(float(df["progress_pct"].median())))


def members(rows: pd.DataFrame, *, key: str, heading: str) -> None:
    """The trainees behind a chosen bar, with a way to open one."""
    drilldown.trainees(
        drilldown.member_table(rows),
        list(rows["trainee_id"]),
        list(rows["name"]),
        key=key,
        file_name="kohort-st-lakare",
        heading=heading,
    )


st.subheader("Fördelning")
group = (
    st.segmented_control(
        "Dela upp efter", ["Specialitet", "Enhet", "Regelverk"], default="Specialitet", key="cohort_group"
    )
    or "Specialitet"
)
by = {"Specialitet": "specialty", "Enhet": "unit", "Regelverk": "regulation"}[group]
breakdown = services.breakdown_of(con, df, by)
left, right = st.columns([1, 1], gap="large")  # room for the table's four columns
with left:
    chosen_group = drilldown.chart_choice(
        charts.breakdown_chart(breakdown, "grp", group),
        key=f"cohort_breakdown_{by}",
        label=f"Visa ST-läkarna i en grupp ({group.lower()})",
        options={str(g): f"{g} ({int(n)} ST-läkare)" for g, n in zip(breakdown["grp"], breakdown["n"], strict=True)},
    )
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
        column_config={
            group: st.column_config.TextColumn(width=180),
            "ST-läkare": st.column_config.NumberColumn(width=80),
            "Median": st.column_config.TextColumn(width=75, help="Mittvärdet av andelen av minimitiden"),
            "I BT": st.column_config.NumberColumn(width=60, help=f"ST-läkare enligt {REG_2021} utan godkänd BT"),
        },
    )
if chosen_group is not None:
    members(
        services.members_of(con, df, as_of, by=by, group=chosen_group),
        key=f"breakdown_members_{by}",
        heading=f"ST-läkare i {chosen_group}",
    )

st.subheader("Hur långt har de kommit?")
bins = services.bins_of(con, df)
bin_labels = {str(int(lo)): f"{int(lo)}–{int(hi)} %" for lo, hi in zip(bins["lo"], bins["hi"], strict=True)}
left, right = st.columns([3, 2], gap="large")
with left:
    chosen_bin = drilldown.chart_choice(
        charts.progress_histogram(bins),
        key="cohort_hist",
        label="Visa ST-läkarna i ett intervall",
        options={
            str(int(lo)): f"{bin_labels[str(int(lo))]} av minimitiden ({int(n)} ST-läkare)"
            for lo, n in zip(bins["lo"], bins["n"], strict=True)
            if n
        },
    )
with right:
    shown_table(
        pd.DataFrame({"Andel av minimitiden": list(bin_labels.values()), "ST-läkare": bins["n"].astype(int)}),
        "kohort-andel-av-minimitiden",
        key="bins_table",
    )
    st.caption(
        "Tid mot minimitiden (tjänstgöring och tillgodoräknanden) delad med minimitiden, i dag. "
        "Median = mittvärdet av andelen av minimitiden."
    )
if chosen_bin is not None:
    members(
        services.members_of(con, df, as_of, progress_from=float(chosen_bin)),
        key="bin_members",
        heading=f"ST-läkare med {bin_labels[chosen_bin]} av minimitiden",
    )

st.subheader("När når de minimitiden?")
years = services.completions_of(con, df, as_of)
left, right = st.columns([1, 1], gap="large")  # room for the table's four columns
chosen_year = None
with left:
    if years.empty:
        st.info("Inget beräknat klardatum finns ännu: registrera planerade placeringar.")
    else:
        chosen_year = drilldown.chart_choice(
            charts.completions_chart(years),
            key="cohort_years",
            label="Visa ST-läkarna för ett år",
            options={
                f"{int(y)}|{s}": f"{int(y)}: {str(lbl).lower()} ({int(n)} ST-läkare)"
                for y, s, lbl, n in zip(years["year"], years["status"], years["label"], years["n"], strict=True)
            },
        )
with right:
    per_year = years.pivot_table(index="year", columns="status", values="n", aggfunc="sum", fill_value=0)
    per_year = per_year.reindex(columns=list(services.COMPLETION_LABELS), fill_value=0)
    shown_table(
        pd.DataFrame(
            {
                "År": [str(int(y)) for y in per_year.index],
                "Klara att ansöka": per_year[services.COMPLETION_READY].astype(int).to_numpy(),
                "Nått, annat saknas": per_year[services.COMPLETION_REACHED].astype(int).to_numpy(),
                "Beräknas": per_year[services.COMPLETION_PROJECTED].astype(int).to_numpy(),
            }
        ),
        "kohort-minimitid-per-ar",
        key="years_table",
        column_config={
            "År": st.column_config.TextColumn(width=60),
            "Klara att ansöka": st.column_config.NumberColumn(
                width=125, help=services.COMPLETION_LABELS[services.COMPLETION_READY]
            ),
            "Nått, annat saknas": st.column_config.NumberColumn(
                width=140, help=services.COMPLETION_LABELS[services.COMPLETION_REACHED]
            ),
            "Beräknas": st.column_config.NumberColumn(
                width=90, help=services.COMPLETION_LABELS[services.COMPLETION_PROJECTED]
            ),
        },
    )
st.caption(
    f"Antagande: minimitiden ({fmt.num(MIN_MONTHS[REG_2021])} månader enligt {REG_2021}, "
    f"{fmt.num(MIN_MONTHS[REG_2015])} enligt {REG_2015}, {fmt.num(MIN_MONTHS_2015_DOKTORSEXAMEN)} med doktorsexamen) "
    "nås med registrerad och planerad tjänstgöring, och efter den sista planerade dagen fortsätter samma "
    "omfattning. Tidigare år och i dag: ST-läkare som redan har nått minimitiden, klara att ansöka eller med "
    "delmål, intyg eller BT kvar. Att nå minimitiden är inte att bli specialist: beviset utfärdas av "
    "Socialstyrelsen efter ansökan, och ST-trackern registrerar inte när det sker."
)
if chosen_year is not None:
    year_text, status = chosen_year.split("|", 1)
    members(
        services.members_of(con, df, as_of, year=int(year_text), status=status),
        key="year_members",
        heading=f"{year_text}: {services.COMPLETION_LABELS[status].lower()}",
    )

st.subheader("Behöver uppmärksamhet")
risk = services.risks_of(con, df, as_of)
st.caption(
    "Minimitiden nådd = tiden räcker men ansökan är inte klar (skälen säger vad som saknas). "
    f"Efter förväntad takt = minimitiden är inte nådd och mindre än {fmt.pct(RISK_PACE * 100)} av tiden sedan "
    f"ST-start räknas (efter minst sex månader). Lång ledighet = minst {RISK_LEAVE_DAYS} dagar det senaste året. "
    f"Sent i ST = minst {fmt.pct(RISK_LATE_SHARE * 100)} av minimitiden och något delmål ej påbörjat."
)
st.metric("ST-läkare att följa upp", len(risk))
if risk.empty:
    st.success("Ingen ST-läkare i urvalet ligger efter enligt kriterierna.")
else:
    # The reasons next to the name, so that they stay in view when the grid is narrower than its columns.
    risk_table = pd.DataFrame(
        {
            "Namn": risk["name"],
            "Skäl": risk["reasons"],
            "Beräknat klar": risk["projected_completion_date"].map(fmt.iso_date),
            "Specialitet": risk["specialty"],
            "Enhet": risk["unit_name"].fillna(fmt.DASH),
        }
    )
    reason_lists = list(risk["reason_list"])

    def reasons(row: int) -> None:
        st.markdown(f"**{fmt.plain(risk['name'].iloc[row])}**")
        st.markdown("\n".join(f"- {fmt.plain(r)}" for r in reason_lists[row]))

    # Tall rows let the grid wrap the reasons onto several lines; the chosen row shows them all.
    longest = max(len(r) for r in risk["reasons"])
    drilldown.trainees(
        risk_table,
        list(risk["trainee_id"]),
        list(risk["name"]),
        key="risk_table",
        file_name="behover-uppmarksamhet",
        heading="ST-läkare att följa upp",
        column_config={
            "Namn": st.column_config.TextColumn(width=150),
            "Specialitet": st.column_config.TextColumn(width=150),
            "Enhet": st.column_config.TextColumn(width=160),
            "Beräknat klar": st.column_config.TextColumn(width=105),
            "Skäl": st.column_config.TextColumn(width="large"),
        },
        row_height=35 if longest <= 60 else (70 if longest <= 140 else 105),
        detail=reasons,
    )
