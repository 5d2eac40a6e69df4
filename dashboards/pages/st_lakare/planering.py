"""Min ST: "Tänk om" – pröva en annan omfattning eller planerad ledighet och se hur klardatumet flyttas.

Ingenting sparas: beräkningen görs på en ändrad kopia av ST-läkarens uppgifter. Varje ändring räknas om
direkt; det som inte är ikryssat är avstängt och räknas inte, och det som räknas står under resultatet.
"""

from datetime import timedelta

import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import dates, feedback, trainee
from dashboards.signin import page_context
from tracker import services
from tracker.domain import LEAVE_KINDS, LEAVE_LABELS

con, actor = page_context("st_lakare")
st.title("Tänk om")
trainee_id = trainee.own_id(actor)
trainee.header(trainee.view(con, actor, trainee_id))
st.markdown(
    "Pröva hur ändrad tjänstgöringsgrad eller en planerad ledighet påverkar när du når minimitiden. "
    "Kryssa i det du vill pröva; resultatet räknas om direkt. **Ingenting sparas.**"
)
today = cache.as_of()
with st.container(border=True):
    change_pct = st.checkbox("Ändra omfattningen från och med i morgon", value=False, key="wi_change")
    percent = st.slider(
        "Omfattning framåt (% av heltid)",
        min_value=10,
        max_value=100,
        value=75,
        step=5,
        disabled=not change_pct,
        key="wi_percent",
    )
with st.container(border=True):
    add_leave = st.checkbox("Lägg till en planerad ledighet", value=False, key="wi_leave")
    a, b, c, d = st.columns(4)
    kind = a.selectbox(
        "Typ av ledighet",
        list(LEAVE_KINDS),
        format_func=lambda k: LEAVE_LABELS.get(k, k),
        disabled=not add_leave,
        key="wi_kind",
    )
    start = dates.date_field(b, "Från", today + timedelta(days=90), disabled=not add_leave, key="wi_start")
    end = dates.date_field(c, "Till", today + timedelta(days=90 + 182), disabled=not add_leave, key="wi_end")
    leave_pct = d.number_input(
        "Omfattning (%)", min_value=1, max_value=100, value=100, step=5, disabled=not add_leave, key="wi_leave_pct"
    )

# What is computed is exactly what is ticked; the rest is switched off above and named nowhere.
tried: list[str] = []
if change_pct:
    tried.append(f"omfattning {fmt.pct(percent)} från och med {fmt.sv_date(today + timedelta(days=1))}")
leave = []
if add_leave:
    # The service checks the period (both dates, the end not before the start) like a recorded leave.
    leave.append(services.PlannedLeave(kind, start, end, float(leave_pct)))
    tried.append(
        f"{LEAVE_LABELS.get(kind, kind).lower()} {fmt.sv_date(start)} – {fmt.sv_date(end)} på {fmt.pct(leave_pct)}"
    )
with feedback.shown_errors():
    try:
        base, plan = services.what_if(
            con, actor, trainee_id, today, future_percent=float(percent) if change_pct else None, planned_leave=leave
        )
    except services.InputError as exc:
        feedback.input_errors(exc, "Planen kan inte räknas ut. Rätta följande:")
        st.stop()

before, after = base.projected_completion_date, plan.projected_completion_date
a, b, c = st.columns(3)
a.metric("Beräknat klar i dag", fmt.sv_date(before))
delta = fmt.shift(before, after) if before and after and after != before else None
b.metric("Beräknat klar med ändringen", fmt.sv_date(after) if after else "Nås inte", delta=delta, delta_color="inverse")
c.metric("Tid mot minimitiden i dag", fmt.months_of(base.counted_months, base.required_months))
if not tried:
    st.info("Ingen ändring är vald: kryssa i en ändrad omfattning eller en planerad ledighet ovan.")
elif after is None:
    st.warning("Med den här planen nås inte minimitiden inom beräkningshorisonten.")
elif before and after > before:
    st.info(f"Ändringen skjuter fram klardatumet med {fmt.duration(before, after)}.")
elif before and after < before:
    st.success(f"Ändringen flyttar klardatumet {fmt.duration(before, after)} tidigare.")
else:
    st.info("Ändringen påverkar inte klardatumet.")
if tried:
    st.caption("Beräknat med " + " och ".join(tried) + ".")
st.caption(
    "Beräkningen följer samma regler som översikten: efter sista planerade placeringsdagen antas samma "
    "omfattning fortsätta. Ledighet som inte räknas (föräldraledighet, sjukfrånvaro, tjänstledighet) "
    "dras av dag för dag. " + dates.range_text()
)
