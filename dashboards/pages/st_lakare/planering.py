"""Min ST: "Tänk om" – pröva en annan omfattning eller planerad ledighet och se hur klardatumet flyttas.

Ingenting sparas: beräkningen görs på en ändrad kopia av ST-läkarens uppgifter.
"""

from datetime import timedelta

import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import feedback, trainee
from dashboards.signin import page_context
from tracker import services
from tracker.domain import LEAVE_KINDS, LEAVE_LABELS

con, actor = page_context("st_lakare")
st.title("Tänk om")
trainee_id = trainee.own_id(actor)
trainee.header(trainee.view(con, actor, trainee_id))
st.markdown(
    "Pröva hur ändrad tjänstgöringsgrad eller en planerad ledighet påverkar när du når minimitiden. "
    "**Ingenting sparas.**"
)
today = cache.as_of()
with st.form("what_if"):
    change_pct = st.checkbox("Ändra omfattningen från och med i morgon", value=False)
    percent = st.slider("Omfattning framåt (% av heltid)", min_value=10, max_value=100, value=75, step=5)
    add_leave = st.checkbox("Lägg till en planerad ledighet")
    a, b, c, d = st.columns(4)
    kind = a.selectbox("Typ av ledighet", list(LEAVE_KINDS), format_func=lambda k: LEAVE_LABELS.get(k, k))
    start = b.date_input("Från", value=today + timedelta(days=90), format="YYYY-MM-DD")
    end = c.date_input("Till", value=today + timedelta(days=90 + 182), format="YYYY-MM-DD")
    leave_pct = d.number_input("Omfattning (%)", min_value=1, max_value=100, value=100, step=5)
    st.form_submit_button("Räkna", type="primary", icon=":material/calculate:")

leave = []
if add_leave:
    if start > end:
        st.error("Ledighetens slutdatum ligger före startdatum.")
        st.stop()
    leave.append(services.PlannedLeave(kind, start, end, float(leave_pct)))
with feedback.shown_errors():
    base, plan = services.what_if(
        con, actor, trainee_id, today, future_percent=float(percent) if change_pct else None, planned_leave=leave
    )

before, after = base.projected_completion_date, plan.projected_completion_date
a, b, c = st.columns(3)
a.metric("Beräknat klar i dag", fmt.sv_date(before))
delta = None
if before and after and after != before:
    shift = (after - before).days
    delta = f"{'+' if shift > 0 else ''}{fmt.days(shift)}"
b.metric("Beräknat klar med ändringen", fmt.sv_date(after) if after else "Nås inte", delta=delta, delta_color="inverse")
c.metric("Tillgodoräknad tid i dag", fmt.months_of(base.counted_months, base.required_months))
if after is None:
    st.warning("Med den här planen nås inte minimitiden inom beräkningshorisonten.")
elif before and after > before:
    st.info(f"Ändringen skjuter fram klardatumet med {fmt.days((after - before).days)}.")
elif before and after < before:
    st.success(f"Ändringen flyttar klardatumet {fmt.days((before - after).days)} tidigare.")
else:
    st.info("Ändringen påverkar inte klardatumet.")
st.caption(
    "Beräkningen följer samma regler som översikten: efter sista planerade placeringsdagen antas samma "
    "omfattning fortsätta. Ledighet som inte räknas (föräldraledighet, sjukfrånvaro, tjänstledighet) "
    "dras av dag för dag."
)
