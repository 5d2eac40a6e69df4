"""Utbildningsenhet: ST-intressenter – anmälan av nya intressenter, kön per område och steg, dokument, flytt
mellan steg och inskrivning med ST-kontrakt, huvudhandledare, enhet och en engångskod för första inloggningen."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboards import cache, charts
from dashboards import format as fmt
from dashboards.components import dates, feedback
from dashboards.components.export import shown_table
from dashboards.components.plot import plot
from dashboards.signin import page_context
from tracker import services
from tracker.domain import INTRESSENT_STEPS

ENROLLED_KEY = "_intressent_enrolled"  # the one-time code, shown in the run after inskrivning only
NOTICE_KEY = "_intressent_notice"  # the BT notice of a registration just made

con, actor = page_context("studierektor", "verksamhetschef", "admin")
st.title("ST-intressenter")
feedback.show_flash()
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.info(fmt.plain(notice), icon=":material/info:")
enrolled = st.session_state.pop(ENROLLED_KEY, None)
if enrolled:
    with st.container(border=True):
        st.markdown(f"#### Inloggning för {fmt.plain(enrolled['name'])}")
        if enrolled["code"]:
            st.markdown(f"Engångskod för {fmt.plain(enrolled['email'])} (visas bara nu):")
            st.code(enrolled["code"], language=None)
        st.markdown(fmt.plain(enrolled["text"]))

as_of = cache.as_of()
can_enrol = actor.has("studierektor", "admin")
with feedback.shown_errors():
    queue: pd.DataFrame = cache.read("intressent_queue", con, actor, as_of)
    stats: pd.DataFrame = cache.read("intressent_stats", con, actor, as_of)
    unit_df: pd.DataFrame = cache.read("units", con, actor)
    specialties: list[str] = cache.read("intressent_specialties", con, actor)
unit_names = {
    str(u): f"{n} ({a}, {r})"
    for u, n, a, r in zip(unit_df["unit_id"], unit_df["name"], unit_df["area"], unit_df["region_name"], strict=True)
}

# --- a new intressent ---------------------------------------------------------------------------
with st.expander("Ny ST-intressent", expanded=queue.empty, icon=":material/person_add:"):
    st.caption(
        "Verksamhetschefen anmäler en läkare som vill göra ST på enheten; studierektorn tar sedan över "
        "ärendet (dokument, bedömning, väntelista och inskrivning)."
    )
    with st.form("register_intressent"):
        a, b = st.columns(2)
        name = a.text_input("Namn", key="reg_name")
        email = b.text_input("E-postadress", key="reg_email", help="Blir ST-läkarens inloggning vid inskrivningen.")
        specialty = a.selectbox(
            "Specialitet",
            specialties,
            index=specialties.index("Allmänmedicin") if "Allmänmedicin" in specialties else None,
            placeholder="Välj specialitet",
            key="reg_specialty",
        )
        unit = b.selectbox(
            "Enhet",
            list(unit_names),
            format_func=lambda u: unit_names[u],
            index=0 if len(unit_names) == 1 else None,
            placeholder="Välj enhet",
            key="reg_unit",
        )
        # The app's whole range in every date input: a future date is refused by the service, with a message.
        legitimation = dates.date_field(
            a,
            "Legitimationsdatum",
            None,
            hint="Lämna tomt om legitimationen inte har kommit än.",
            key="reg_legitimation",
        )
        reported = dates.date_field(b, "Anmäld", as_of, key="reg_reported")
        swedish_at = a.checkbox("Har gjort svensk AT", key="reg_at")
        language_ok = b.checkbox("Språkkrav uppfyllt", key="reg_language")
        note = st.text_input("Anteckning", key="reg_note")
        register = st.form_submit_button("Registrera ST-intressent", type="primary", icon=":material/person_add:")
    if register:

        def _register() -> None:
            services.register_intressent(
                con,
                actor,
                name=name,
                email=email,
                specialty=specialty or "",
                unit_id=unit,
                legitimation_date=legitimation,
                swedish_at=swedish_at,
                language_ok=language_ok,
                note=note,
                reported_date=reported,
            )
            bt_notice = services.bt_first_notice(legitimation, swedish_at)
            if bt_notice:
                st.session_state[NOTICE_KEY] = bt_notice

        feedback.write(_register, f"{name.strip()} är registrerad som ST-intressent.")

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
    shown_table(
        pd.DataFrame(
            {
                "Steg": [services.STEP_LABELS[s] for s in INTRESSENT_STEPS],
                **{area: [int(stats.loc[i, s]) for s in INTRESSENT_STEPS] for i, area in enumerate(stats["area"])},
            }
        ),
        "intressenter-per-steg",
        key="steps_table",
    )
st.markdown("**Väntetider (median antal dagar från anmälan)**")
shown_table(
    pd.DataFrame(
        {
            "Område": stats["area"],
            "Till bedömning": stats["days_to_bedomning"].map(lambda v: fmt.num(v, 0)),
            "Till väntelista": stats["days_to_vantelista"].map(lambda v: fmt.num(v, 0)),
            "Till inskrivning": stats["days_to_inskriven"].map(lambda v: fmt.num(v, 0)),
            "Förväntat intag": stats["expected_intake"].map(lambda v: fmt.num(v, 1)),
        }
    ),
    "intressenter-vantetider",
    key="waits_table",
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
        "BT först": shown["bt_first"].map(lambda v: "Ja" if v else ""),
        "Sedan": shown["step_date"].map(fmt.iso_date),
        "Dagar i steget": shown["days_in_step"].astype(int),
        "Anmäld": shown["reported_date"].map(fmt.iso_date),
        "Dokument": [f"{int(sum(bool(r[d]) for d in docs))} av {len(docs)}" for r in shown.to_dict("records")],
    }
)
shown_table(
    queue_table,
    "st-intressenter",
    key="queue_csv",
)
st.caption(
    "BT först: utan svensk AT gäller HSLF-FS 2021:8 för den som börjar ST nu, och ST inleds då med "
    "bastjänstgöring (BT)."
)

# Sorted by name, so the choice stays put when a move changes the queue's order.
names = dict(sorted(zip(shown["intressent_id"], shown["name"], strict=True), key=lambda kv: (kv[1], kv[0])))
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
        f" · legitimation {fmt.sv_date(row['legitimation_date'])} · svensk AT {fmt.yes_no(row['swedish_at']).lower()}"
    )
    if row["bt_notice"]:
        st.info(fmt.plain(row["bt_notice"]), icon=":material/info:")
    history: pd.DataFrame = cache.read("intressent_history", con, actor, pick)
    st.markdown("**Steg och datum**")
    shown_table(
        pd.DataFrame(
            {
                "Steg": history["step_label"],
                "Datum": history["step_date"].map(fmt.iso_date),
                "Av": history["by_name"].fillna(fmt.DASH),
                "Anteckning": history["note"],
            }
        ),
        "intressent-steg",
        key="history_table",
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
            when = dates.date_field(b, "Datum", as_of)
            note = st.text_input("Anteckning")
            moved = st.form_submit_button("Flytta", type="primary", icon=":material/arrow_forward:")
        if moved:
            feedback.write(
                lambda: services.move_intressent(con, actor, pick, step, note, on=when),
                f"{row['name']} är flyttad till {services.STEP_LABELS[step].lower()}.",
            )
    with tabs[2]:
        if not can_enrol:
            st.info("Inskrivningen görs av studierektorn.")
        elif row["step"] not in services.ENROL_STEPS:
            st.info(
                "Inskrivning görs efter bedömningen: flytta intressenten till bedömning eller väntelista först."
            )
        else:
            st.markdown(
                "Inskrivningen skapar ST-läkaren från intressentens uppgifter (namn, specialitet, "
                "legitimationsdatum, svensk AT), registrerar ST-kontraktet och huvudhandledaren, ger personen "
                "rollen ST-läkare och ett konto med intressentens e-postadress."
            )
            missing = [label for key, label in services.DOCUMENTS.items() if not row[key]]
            if not row["language_ok"]:
                missing.append("språkkrav")
            if missing:
                st.warning(
                    "Inte avbockat i dokumentlistan: " + ", ".join(m.lower() for m in missing) + ".",
                    icon=":material/warning:",
                )
            unit_ids = list(unit_names)
            enrol_unit = st.selectbox(
                "Enhet",
                unit_ids,
                index=unit_ids.index(row["unit_id"]) if row["unit_id"] in unit_ids else None,
                format_func=lambda u: unit_names[u],
                key=f"enrol_unit_{pick}",
            )
            if enrol_unit is None:
                st.stop()
            with feedback.shown_errors():
                supervisors: pd.DataFrame = cache.read("huvudhandledare_choices", con, actor, enrol_unit)
            if supervisors.empty:
                st.warning(
                    "Ingen person med rollen handledare finns inom enhetens område. En administratör ger rollen "
                    "under Användare och roller.",
                    icon=":material/warning:",
                )
                st.stop()
            people = {
                str(p): f"{n} ({e})" if isinstance(e, str) and e else str(n)
                for p, n, e in zip(supervisors["person_id"], supervisors["name"], supervisors["email"], strict=True)
            }
            legitimation_known = row["legitimation_date"] if isinstance(row["legitimation_date"], date) else None
            with st.form(f"enrol_{pick}"):
                a, b = st.columns(2)
                start = dates.date_field(a, "ST-start", date(as_of.year, as_of.month, 1))
                contract = dates.date_field(b, "ST-kontrakt", as_of, hint="Datum då ST-kontraktet skrevs under.")
                document = a.text_input(
                    "Dokumentreferens (valfri)", help="Till exempel diarienummer eller var kontraktet finns arkiverat."
                )
                enrol_legitimation = dates.date_field(
                    b, "Legitimationsdatum", legitimation_known, key=f"enrol_legitimation_{pick}"
                )
                supervisor = st.selectbox(
                    "Huvudhandledare",
                    list(people),
                    format_func=lambda p: people[p],
                    index=None,
                    placeholder="Välj huvudhandledare",
                )
                enrol = st.form_submit_button("Skriv in som ST-läkare", type="primary", icon=":material/how_to_reg:")
            if enrol:

                def _enrol() -> None:
                    done = services.enrol_intressent(
                        con,
                        actor,
                        pick,
                        st_start_date=start,
                        contract_date=contract,
                        huvudhandledare_id=supervisor,
                        unit_id=enrol_unit,
                        contract_document=document,
                        legitimation_date=enrol_legitimation,
                    )
                    st.session_state[ENROLLED_KEY] = {
                        "name": row["name"],
                        "email": done.email,
                        "code": done.code,
                        "text": done.account_text,
                    }

                feedback.write(_enrol, f"{row['name']} är inskriven som ST-läkare.")
