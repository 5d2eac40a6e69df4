"""Utbildningsenhet: handledarskap (tilldela och avsluta), flytta ST-läkare mellan enheter, och enheterna i
området (lägga upp och ändra; administratören även regioner)."""

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import dates, feedback
from dashboards.components.export import shown_table
from dashboards.signin import page_context
from tracker import services

KIND_LABELS = {"huvudhandledare": "Huvudhandledare", "handledare": "Handledare"}
UNIT_KIND_LABELS = {"vardcentral": "Vårdcentral", "klinik": "Klinik", "annan": "Annan"}
STATUS_LABELS = {"pågår": "Pågår", "kommande": "Kommande", "avslutat": "Avslutat"}

con, actor = page_context("studierektor", "admin")
st.title("Enheter och handledning")
feedback.show_flash()
with feedback.shown_errors():
    unit_df: pd.DataFrame = cache.read("office_units", con, actor)
    region_df: pd.DataFrame = cache.read("office_regions", con, actor)
    trainee_df: pd.DataFrame = cache.read("office_trainees", con, actor)
today = cache.as_of()
units = dict(zip(unit_df["unit_id"], unit_df["name"], strict=True))
regions = dict(zip(region_df["region_id"], region_df["name"], strict=True))
trainees = services.trainee_labels(trainee_df)

tab_supervision, tab_move, tab_units = st.tabs(["Handledning", "Flytta ST-läkare", "Enheter"])

with tab_supervision:
    if not trainees:
        st.info("Det finns inga ST-läkare vid enheterna i ditt område ännu.")
    tid = st.selectbox(
        "ST-läkare", list(trainees), format_func=lambda t: trainees[t], index=None, placeholder="Välj en ST-läkare",
        key="sup_trainee",
    )
    if tid is not None:
        with feedback.shown_errors():
            sup: pd.DataFrame = cache.read("supervisions", con, actor, tid)
            choices: pd.DataFrame = cache.read("supervisor_choices", con, actor)
        st.markdown(f"**Handledare för {fmt.plain(trainees[tid])}**")
        if sup.empty:
            st.caption("ST-läkaren har inga handledare registrerade.")
        else:
            shown_table(
                pd.DataFrame(
                    {
                        "Handledare": sup["name"],
                        "E-post": sup["email"].fillna(fmt.DASH),
                        "Typ": sup["kind"].map(KIND_LABELS),
                        "Från": sup["start_date"].map(fmt.iso_date),
                        "Till": sup["end_date"].map(fmt.iso_date),
                        "Status": sup["status"].map(STATUS_LABELS),
                    }
                ),
                "handledare",
                key=f"sup_table_{tid}",
            )
        people = {
            r["person_id"]: f"{r['name']} ({r['email'] or 'utan e-post'})" + (f" – {r['units']}" if r["units"] else "")
            for r in choices.to_dict("records")
        }
        left, right = st.columns(2, gap="large")
        with left, st.form(f"assign_{tid}"):
            st.markdown("**Tilldela handledare**")
            pid = st.selectbox(
                "Handledare", list(people), format_func=lambda p: people[p], index=None, placeholder="Välj",
                help="Personer med rollen handledare i ditt område. Ge rollen under personerna först.",
            )
            kind = st.selectbox("Typ", list(KIND_LABELS), index=1, format_func=lambda k: KIND_LABELS[k])
            start = dates.date_field(st, "Startdatum", today)
            end = dates.date_field(st, "Slutdatum (valfritt)", None)
            assigned = st.form_submit_button("Tilldela handledare", type="primary", icon=":material/person_add:")
        if assigned:
            if pid is None:
                st.warning("Välj en handledare.")
            else:
                feedback.write(
                    lambda: services.assign_supervisor(
                        con, actor, str(tid), str(pid), kind=str(kind), start_date=start, end_date=end
                    ),
                    f"{people[pid].split(' (')[0]} är {KIND_LABELS[str(kind)].lower()} för "
                    f"{trainees[tid].split(' (')[0]} från {fmt.iso_date(start)}.",
                )
        open_rows = sup[sup["status"] != "avslutat"] if not sup.empty else sup
        running = {
            int(r["supervision_id"]): f"{r['name']}: {KIND_LABELS[r['kind']]} från {fmt.iso_date(r['start_date'])}"
            for r in open_rows.to_dict("records")
        }
        with right, st.form(f"end_{tid}"):
            st.markdown("**Avsluta handledarskap**")
            sid = st.selectbox(
                "Handledarskap", list(running), format_func=lambda i: running[i], index=None, placeholder="Välj"
            )
            last = dates.date_field(st, "Sista dag", today)
            ended = st.form_submit_button("Avsluta handledarskap", icon=":material/event_busy:")
        if ended:
            if sid is None or last is None:
                st.warning("Välj ett handledarskap och dess sista dag.")
            else:
                feedback.write(
                    lambda: services.end_supervision(con, actor, int(sid), last),
                    f"Handledarskapet är avslutat ({running[sid]}, sista dag {fmt.iso_date(last)}).",
                )

with tab_move:
    st.caption("ST-läkaren flyttas till en annan enhet i ditt område; placeringar och intyg följer med.")
    with st.form("move_trainee"):
        move_tid = st.selectbox(
            "ST-läkare att flytta", list(trainees), format_func=lambda t: trainees[t], index=None, placeholder="Välj"
        )
        target = st.selectbox("Ny enhet", list(units), format_func=lambda u: units[u], index=None, placeholder="Välj")
        moved = st.form_submit_button("Flytta ST-läkaren", type="primary", icon=":material/move_up:")
    if moved:
        if move_tid is None or target is None:
            st.warning("Välj en ST-läkare och en enhet.")
        else:
            feedback.write(
                lambda: services.move_trainee(con, actor, str(move_tid), str(target)),
                f"{trainees[move_tid].split(' (')[0]} är flyttad till {units[target]}.",
            )

with tab_units:
    shown_table(
        pd.DataFrame(
            {
                "Enhet": unit_df["name"],
                "Id": unit_df["unit_id"],
                "Region": unit_df["region_name"],
                "Område": unit_df["area"],
                "Typ": unit_df["kind"].map(UNIT_KIND_LABELS),
                "ST-läkare": unit_df["trainees"].astype(int),
            }
        ),
        "enheter",
        key="units_table",
    )
    own_areas = sorted({area for _, area in actor.areas})
    left, right = st.columns(2, gap="large")
    with left, st.form("create_unit"):
        st.markdown("**Lägg upp enhet**")
        unit_id = st.text_input("Id", placeholder="t.ex. vgr-vc-nordstan", help="Bokstäver, siffror, punkt och bindestreck.")
        name = st.text_input("Namn")
        region = st.selectbox(
            "Region", list(regions), format_func=lambda r: regions[r], index=0 if len(regions) == 1 else None,
            placeholder="Välj",
        )
        area = st.text_input("Område", value=own_areas[0] if len(own_areas) == 1 and not actor.regions else "")
        kind = st.selectbox("Typ", list(UNIT_KIND_LABELS), format_func=lambda k: UNIT_KIND_LABELS[k])
        created = st.form_submit_button("Lägg upp enhet", type="primary", icon=":material/add_business:")
    if created:
        feedback.write(
            lambda: services.create_unit(
                con, actor, unit_id=unit_id, name=name, region_id=str(region or ""), area=area, kind=str(kind)
            ),
            f"Enheten {name.strip()} är upplagd.",
        )
    with right:
        st.markdown("**Ändra enhet**")
        uid = st.selectbox(
            "Enhet att ändra", list(units), format_func=lambda u: units[u], index=None, placeholder="Välj", key="eu_unit"
        )
        if uid is not None:
            row = unit_df[unit_df["unit_id"] == uid].iloc[0].to_dict()
            locked = bool(row["region_locked"])
            region_ids = list(regions) if row["region_id"] in regions else [row["region_id"], *regions]
            with st.form(f"edit_unit_{uid}"):
                new_name = st.text_input("Namn", value=str(row["name"]))
                new_region = st.selectbox(
                    "Region",
                    region_ids,
                    index=region_ids.index(row["region_id"]),
                    format_func=lambda r: regions.get(r, r),
                    disabled=locked,
                    help="Regionen kan inte ändras när roller, placeringar eller ST-intressenter hör till enheten."
                    if locked
                    else None,
                )
                new_area = st.text_input("Område", value=str(row["area"]))
                kinds = list(UNIT_KIND_LABELS)
                new_kind = st.selectbox(
                    "Typ", kinds, index=kinds.index(row["kind"]), format_func=lambda k: UNIT_KIND_LABELS[k]
                )
                saved = st.form_submit_button("Spara enheten", icon=":material/save:")
            if saved:
                feedback.write(
                    lambda: services.update_unit(
                        con, actor, str(uid), name=new_name, region_id=str(new_region), area=new_area,
                        kind=str(new_kind),
                    ),
                    f"Enheten {new_name.strip()} är sparad.",
                )
    if actor.is_admin:
        with st.form("create_region"):
            st.markdown("**Lägg upp region**")
            region_id = st.text_input("Region-id", placeholder="t.ex. VGR")
            region_name = st.text_input("Regionens namn", placeholder="t.ex. Västra Götalandsregionen")
            added = st.form_submit_button("Lägg upp region", icon=":material/add_location:")
        if added:
            feedback.write(
                lambda: services.create_region(con, actor, region_id, region_name),
                f"Regionen {region_name.strip()} är upplagd.",
            )
