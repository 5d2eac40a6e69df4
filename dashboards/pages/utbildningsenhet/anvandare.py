"""Administratör: användare och roller, och delmålskatalogen."""

from typing import Any

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.signin import page_context
from tracker import services
from tracker.accounts import ROLE_LABELS


def _role_scope(r: dict[str, Any]) -> str:
    parts = [r.get("unit_name") or r.get("unit_id"), r.get("region_id"), r.get("area")]
    return ", ".join(str(p) for p in parts if isinstance(p, str) and p) or fmt.DASH


con, actor = page_context("admin")
st.title("Användare och roller")
feedback.show_flash()

# People with their roles; forms to add and remove a role assignment.
with feedback.shown_errors():
    df: pd.DataFrame = cache.read("role_assignments", con, actor)
    unit_df: pd.DataFrame = cache.read("units", con, actor)
query = st.text_input("Sök person", placeholder="Namn eller e-post", key="ur_q")
shown = df
if query:
    text = shown["name"] + " " + shown["email"].fillna("")
    shown = shown[text.str.contains(query, case=False, regex=False)]
records = shown.to_dict("records")
st.dataframe(
    pd.DataFrame(
        {
            "Namn": [r["name"] for r in records],
            "E-post": shown["email"].fillna("").replace("", fmt.DASH).tolist(),
            "Roll": [ROLE_LABELS.get(r["role"], fmt.DASH) if isinstance(r["role"], str) else fmt.DASH for r in records],
            "Omfattning": [_role_scope(r) if isinstance(r["role"], str) else fmt.DASH for r in records],
        }
    ),
    hide_index=True,
    width="stretch",
)
st.caption(f"{shown['person_id'].nunique()} personer. Handledarskap och ST-läkare registreras via import.")
# One row per role: the people pickers list each person once, in the table's order.
people = dict(zip(df["person_id"], df["name"] + " (" + df["email"].fillna("utan e-post") + ")", strict=True))
units = dict(zip(unit_df["unit_id"], unit_df["name"], strict=True))
regions = sorted(unit_df["region_id"].dropna().unique())
left, right = st.columns(2, gap="large")
with left, st.form("add_role"):
    st.subheader("Ge en roll")
    pid = st.selectbox("Person", list(people), format_func=lambda p: people[p], index=None, placeholder="Välj")
    role = st.selectbox("Roll", list(ROLE_LABELS), format_func=lambda r: ROLE_LABELS[r])
    region = st.selectbox("Region (studierektor)", regions, index=None, placeholder="Ingen")
    area = st.text_input("Område (studierektor, valfritt)")
    unit = st.selectbox(
        "Enhet (verksamhetschef)", list(units), format_func=lambda u: units[u], index=None, placeholder="Ingen"
    )
    submitted = st.form_submit_button("Lägg till roll", type="primary", icon=":material/add:")
if submitted:
    if pid is None:
        st.warning("Välj en person.")
    else:
        feedback.write(
            lambda: services.add_role(
                con, actor, str(pid), str(role), region_id=region, area=area.strip() or None, unit_id=unit
            ),
            f"{ROLE_LABELS[str(role)]} är tillagd för {people[pid].split(' (')[0]}.",
        )
assigned = {
    int(r["role_assignment_id"]): f"{r['name']}: {ROLE_LABELS.get(r['role'], r['role'])} ({_role_scope(r)})"
    for r in df.dropna(subset=["role_assignment_id"]).to_dict("records")
}
with right, st.form("remove_role"):
    st.subheader("Ta bort en roll")
    rid = st.selectbox("Roll", list(assigned), format_func=lambda i: assigned[i], index=None, placeholder="Välj")
    removed = st.form_submit_button("Ta bort roll", icon=":material/remove:")
if removed and rid is not None:
    feedback.write(lambda: services.remove_role(con, actor, int(rid)), f"Rollen är borttagen: {assigned[rid]}.")

st.subheader("Koppla organisationskonto")
st.caption(
    "Inloggning med organisationskonto kopplar en person via en verifierad e-postadress. Skickar "
    "organisationen ingen verifierad adress, visar inloggningssidan personens organisations-id: klistra in det här."
)
with st.form("link_identity"):
    link_pid = st.selectbox("Person", list(people), format_func=lambda p: people[p], index=None, placeholder="Välj")
    subject = st.text_input("Organisations-id", placeholder="tid:…|oid:… eller iss:…|sub:…")
    linked = st.form_submit_button("Koppla", icon=":material/link:")
if linked:
    if link_pid is None or not subject.strip():
        st.warning("Välj en person och klistra in organisations-id:t.")
    else:
        feedback.write(
            lambda: services.link_identity(con, actor, str(link_pid), subject),
            f"Organisationskontot är kopplat till {people[link_pid].split(' (')[0]}.",
        )

st.subheader("Delmålskatalog")
st.caption(
    "Socialstyrelsen reviderar målbeskrivningarna. Ladda upp en ny katalogfil (samma format som "
    "data/catalogue.json, byggd med scripts/build_catalogue.py) för att ersätta den som används. "
    "Intygen behåller sina delmålskoder."
)
with st.form("catalogue"):
    upload = st.file_uploader("Katalogfil (JSON)", type=["json"])
    if st.form_submit_button("Ersätt katalogen", icon=":material/upload:") and upload is not None:
        feedback.write(
            lambda: services.replace_catalogue(con, actor, upload.getvalue()),
            "Delmålskatalogen är ersatt.",
        )
