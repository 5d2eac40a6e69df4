"""People and their roles on the office pages: the list, adding and changing a person, giving and removing
roles, and the one-time code with which a person sets a password.

The administrator's page ("Användare och roller") and the studierektor's ("Personer och konton") show the
same sections; the service layer decides what each may do, and the forms offer only that.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.components.export import shown_table
from tracker import services
from tracker.accounts import ROLE_LABELS, Actor
from tracker.services import Connection

ISSUED_CODE_KEY = "_issued_code"
# Roles a studierektor gives (at a unit of their area); an administrator gives every role.
UNIT_ROLES = ("handledare", "verksamhetschef")
FORM_ROLES = ("handledare", "verksamhetschef", "studierektor", "admin")


def role_scope(r: dict[str, Any]) -> str:
    parts = [r.get("unit_name") or r.get("unit_id"), r.get("region_id"), r.get("area")]
    return ", ".join(str(p) for p in parts if isinstance(p, str) and p) or fmt.DASH


def _name(people: dict[str, str], pid: str) -> str:
    return people[pid].split(" (")[0]


def people_sections(con: Connection, actor: Actor) -> None:
    """Every section: the list, add and change a person, give and remove a role, one-time codes."""
    with feedback.shown_errors():
        df: pd.DataFrame = cache.read("office_people", con, actor)
        unit_df: pd.DataFrame = cache.read("office_units", con, actor)
        region_df: pd.DataFrame = cache.read("office_regions", con, actor)
    _people_table(df)
    units = dict(zip(unit_df["unit_id"], unit_df["name"], strict=True))
    regions = dict(zip(region_df["region_id"], region_df["name"], strict=True))
    # One row per role: the pickers list each person once, in the table's order.
    people = dict(zip(df["person_id"], df["name"] + " (" + df["email"].fillna("utan e-post") + ")", strict=True))
    editable_ids = set(df.loc[df["editable"], "person_id"])
    editable = {p: label for p, label in people.items() if p in editable_ids}
    left, right = st.columns(2, gap="large")
    with left:
        _add_person(con, actor, units, regions)
    with right:
        _edit_person(con, actor, df, editable)
    left, right = st.columns(2, gap="large")
    with left:
        _add_role(con, actor, people if actor.is_admin else editable, units, regions)
    with right:
        _remove_role(con, actor, df)
    _codes(con, actor, df, editable)


def _people_table(df: pd.DataFrame) -> None:
    query = st.text_input("Sök person", placeholder="Namn eller e-post", key="ur_q")
    shown = df
    if query:
        text = shown["name"] + " " + shown["email"].fillna("")
        shown = shown[text.str.contains(query, case=False, regex=False)]
    records = shown.to_dict("records")
    shown_table(
        pd.DataFrame(
            {
                "Namn": [r["name"] for r in records],
                "E-post": shown["email"].fillna("").replace("", fmt.DASH).tolist(),
                "Roll": [ROLE_LABELS.get(r["role"], fmt.DASH) if isinstance(r["role"], str) else fmt.DASH for r in records],
                "Omfattning": [role_scope(r) if isinstance(r["role"], str) else fmt.DASH for r in records],
                "Lösenord": [fmt.yes_no(r["has_password"]) for r in records],
            }
        ),
        "personer",
        key="people_table",
    )
    st.caption(
        f"{shown['person_id'].nunique()} personer. ST-läkare läggs upp genom inskrivning av en ST-intressent "
        "eller genom import; handledarskap registreras under Enheter och handledning."
    )


def _add_person(con: Connection, actor: Actor, units: dict[str, str], regions: dict[str, str]) -> None:
    roles = FORM_ROLES if actor.is_admin else UNIT_ROLES
    with st.form("add_person", clear_on_submit=False):
        st.subheader("Lägg upp person")
        name = st.text_input("Namn", key="ap_name")
        email = st.text_input("E-post", key="ap_email", placeholder="namn@region.se")
        role = st.selectbox(
            "Roll",
            list(roles),
            format_func=lambda r: ROLE_LABELS[r],
            index=None if actor.is_admin else 0,
            placeholder="Ingen roll",
            key="ap_role",
        )
        unit = st.selectbox(
            "Enhet (handledare, verksamhetschef)",
            list(units),
            format_func=lambda u: units[u],
            index=None,
            placeholder="Välj en enhet",
            key="ap_unit",
        )
        region, area = None, ""
        if actor.is_admin:
            region = st.selectbox(
                "Region (studierektor)", list(regions), format_func=lambda r: regions[r], index=None,
                placeholder="Ingen", key="ap_region",
            )
            area = st.text_input("Område (studierektor, valfritt)", key="ap_area")
        submitted = st.form_submit_button("Lägg upp person", type="primary", icon=":material/person_add:")
    if submitted:
        specs = []
        if role is not None:
            scoped = role in UNIT_ROLES
            specs.append(
                services.RoleSpec(
                    str(role),
                    region_id=None if scoped else region,
                    area=None if scoped else (area or None),
                    unit_id=unit if scoped else None,
                )
            )
        what = f" som {ROLE_LABELS[str(role)].lower()}" if role else ""
        feedback.write(
            lambda: services.create_person(con, actor, name=name, email=email, roles=specs),
            f"{name.strip()} är upplagd{what}. Skapa en engångskod nedan om personen ska logga in med lösenord.",
        )


def _edit_person(con: Connection, actor: Actor, df: pd.DataFrame, editable: dict[str, str]) -> None:
    st.subheader("Ändra person")
    pid = st.selectbox(
        "Person att ändra", list(editable), format_func=lambda p: editable[p], index=None, placeholder="Välj",
        key="ep_person",
    )
    if pid is None:
        st.caption("Välj en person för att ändra namn eller e-postadress.")
        return
    row = df[df["person_id"] == pid].iloc[0].to_dict()
    locked = bool(row["email_locked"])
    with st.form(f"edit_person_{pid}"):
        name = st.text_input("Namn", value=str(row["name"]))
        email = st.text_input(
            "E-post",
            value=str(row["email"] or ""),
            disabled=locked,
            help="E-postadressen kan inte ändras när personen redan har roller, handledarskap eller en "
            "ST-utbildning." if locked else None,
        )
        saved = st.form_submit_button("Spara ändringar", icon=":material/save:")
    if saved:
        feedback.write(
            lambda: services.update_person(con, actor, str(pid), name=name, email=email),
            f"Uppgifterna för {name.strip()} är sparade.",
        )


def _add_role(
    con: Connection, actor: Actor, people: dict[str, str], units: dict[str, str], regions: dict[str, str]
) -> None:
    roles = list(ROLE_LABELS) if actor.is_admin else list(UNIT_ROLES)
    with st.form("add_role"):
        st.subheader("Ge en roll")
        pid = st.selectbox("Person", list(people), format_func=lambda p: people[p], index=None, placeholder="Välj")
        role = st.selectbox("Roll", roles, format_func=lambda r: ROLE_LABELS[r])
        region = None
        area = ""
        if actor.is_admin:
            region = st.selectbox(
                "Region (studierektor)", list(regions), format_func=lambda r: regions[r], index=None,
                placeholder="Ingen",
            )
            area = st.text_input("Område (studierektor, valfritt)")
        unit = st.selectbox(
            "Enhet (handledare, verksamhetschef)", list(units), format_func=lambda u: units[u], index=None,
            placeholder="Ingen",
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
                f"{ROLE_LABELS[str(role)]} är tillagd för {_name(people, str(pid))}.",
            )


def _remove_role(con: Connection, actor: Actor, df: pd.DataFrame) -> None:
    assigned = {
        int(r["role_assignment_id"]): f"{r['name']}: {ROLE_LABELS.get(r['role'], r['role'])} ({role_scope(r)})"
        for r in df[df["removable"]].dropna(subset=["role_assignment_id"]).to_dict("records")
    }
    with st.form("remove_role"):
        st.subheader("Ta bort en roll")
        rid = st.selectbox("Roll", list(assigned), format_func=lambda i: assigned[i], index=None, placeholder="Välj")
        removed = st.form_submit_button("Ta bort roll", icon=":material/remove:")
    if removed and rid is not None:
        feedback.write(lambda: services.remove_role(con, actor, int(rid)), f"Rollen är borttagen: {assigned[rid]}.")


def _codes(con: Connection, actor: Actor, df: pd.DataFrame, editable: dict[str, str]) -> None:
    st.subheader("Engångskod för lösenord")
    st.caption(
        "Den som ska logga in med lösenord (utan organisationskonto) får en engångskod av dig. Koden visas "
        "bara en gång och gäller i 14 dagar; personen väljer sitt lösenord under \"Jag har en engångskod\" på "
        "inloggningssidan."
        + (" Som administratör kan du också tvinga fram ett nytt lösenord: det gamla slutar gälla direkt." if actor.is_admin else "")
    )
    issued = st.session_state.pop(ISSUED_CODE_KEY, None)
    if isinstance(issued, dict):
        st.success(
            f"Engångskod för {fmt.plain(issued['name'])} ({fmt.plain(issued['email'])}). Lämna över den nu: den "
            "visas inte igen.",
            icon=":material/key:",
        )
        st.code(str(issued["code"]), language=None)
    with_email = {p: label for p, label in editable.items() if p in set(df.loc[df["email"].notna(), "person_id"])}
    pid = st.selectbox(
        "Person som ska få en engångskod", list(with_email), format_func=lambda p: with_email[p], index=None,
        placeholder="Välj", key="code_person",
    )
    if pid is None:
        return
    row = df[df["person_id"] == pid].iloc[0].to_dict()
    has_password = bool(row["has_password"])
    st.caption("Personen har ett lösenord." if has_password else "Personen har inget lösenord ännu.")
    a, b = st.columns(2)
    if a.button("Skapa engångskod", key="issue_code", icon=":material/key:", disabled=has_password):
        _issue(con, actor, str(pid), row, "first_password")
    if actor.is_admin and b.button("Tvinga nytt lösenord", key="reset_code", icon=":material/lock_reset:"):
        _issue(con, actor, str(pid), row, "reset")


def _issue(con: Connection, actor: Actor, pid: str, row: dict[str, Any], purpose: str) -> None:
    def issue() -> None:
        code = services.issue_password_code(con, actor, pid, purpose=purpose)
        st.session_state[ISSUED_CODE_KEY] = {"name": row["name"], "email": row["email"], "code": code}

    feedback.write(issue, "")  # the code itself is the message, shown once after the rerun