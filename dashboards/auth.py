"""Signing in and out.

Three ways in: a local account (e-mail + password, checked by ``tracker.auth.verify_password``),
the organisation's OIDC provider through Streamlit's ``st.login`` when ``[auth]`` is configured in
the secrets, and, for development on the loopback address only, an identity picker. Only the
person's id is kept in the session; the Actor is derived from the database on every run.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from tracker.auth import (
    Actor,
    LoginError,
    actor_for_email,
    actor_for_person,
    known_emails,
    people_with_roles,
    verify_password,
)
from tracker.db import Connection

SESSION_KEY = "person_id"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _oidc_settings() -> dict[str, Any] | None:
    """The ``[auth]`` section of the secrets, or None when OIDC is not configured."""
    try:
        if not st.secrets.load_if_toml_exists() or "auth" not in st.secrets:
            return None
        section = st.secrets["auth"]
        return dict(section) if hasattr(section, "keys") else None
    except Exception:  # a broken secrets file must not lock everyone out of the local login
        return None


def _oidc_provider(settings: dict[str, Any]) -> str | None:
    """None for a single provider configured directly in ``[auth]``, else the first named provider."""
    if "client_id" in settings:
        return None
    for key, value in settings.items():
        if hasattr(value, "keys"):
            return str(key)
    return None


def _oidc_logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def _oidc_email() -> str | None:
    """The signed-in OIDC user's e-mail from the ID token, unless the provider says it is unverified."""
    if not _oidc_logged_in():
        return None
    email = st.user.get("email")
    if not email or st.user.get("email_verified") is False:
        return None
    return str(email)


def dev_login_enabled() -> bool:
    """The identity picker: only with TRACKER_AUTH=dev and a server bound to the loopback address."""
    if os.environ.get("TRACKER_AUTH", "").strip().lower() != "dev":
        return False
    address = st.get_option("server.address")
    return bool(address) and str(address) in LOOPBACK


def current_actor(con: Connection) -> Actor | None:
    """The signed-in person's Actor, freshly read from the database; None for an anonymous visitor."""
    person_id = st.session_state.get(SESSION_KEY)
    if person_id:
        actor = actor_for_person(con, str(person_id))
        if actor is not None:
            return actor
        del st.session_state[SESSION_KEY]
    if _oidc_settings() is not None:
        email = _oidc_email()
        if email:
            return actor_for_email(con, email)
    return None


def sign_in(person_id: str) -> None:
    st.session_state[SESSION_KEY] = person_id
    st.cache_data.clear()
    st.rerun()


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if _oidc_settings() is not None and _oidc_logged_in():
        st.logout()
        st.stop()  # st.logout queues a redirect to the provider; a rerun would drop it
    st.rerun()


def sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.markdown(f"**{actor.name}**")
        st.caption(actor.role_text or "Ingen roll")
        if st.button("Logga ut", key="logout", icon=":material/logout:", width="stretch"):
            sign_out()


def login_page(con: Connection) -> None:
    """The only page an anonymous visitor sees."""
    st.title("ST-tracker")
    st.markdown(
        "Följ din specialiseringstjänstgöring: tjänstgöringstid, delmål, intyg och bastjänstgöring. "
        "Logga in för att fortsätta."
    )
    settings = _oidc_settings()
    if settings is not None and _oidc_logged_in() and current_actor(con) is None:
        email = st.user.get("email") or "okänd adress"
        st.error(
            f"Du är inloggad som {email} hos din organisation, men den adressen finns inte i ST-trackern "
            "(eller är inte verifierad). Be din studierektor eller administratören att lägga upp dig."
        )
        if st.button("Logga ut", key="oidc_logout"):
            sign_out()
        return

    left, right = st.columns([3, 2], gap="large")
    with left:
        if settings is not None:
            st.subheader("Organisationskonto")
            if st.button("Logga in med organisationskonto", type="primary", icon=":material/badge:"):
                provider = _oidc_provider(settings)
                if provider:
                    st.login(provider)
                else:
                    st.login()
            st.divider()
        st.subheader("Lokalt konto")
        with st.form("login", enter_to_submit=True):
            email = st.text_input("E-postadress", key="login_email", autocomplete="username")
            password = st.text_input("Lösenord", type="password", key="login_password", autocomplete="current-password")
            submitted = st.form_submit_button("Logga in", type="primary")
        if submitted:
            if not email.strip() or not password:
                st.warning("Fyll i både e-postadress och lösenord.")
            else:
                try:
                    actor = verify_password(con, email, password)
                except LoginError as exc:
                    st.error(str(exc))
                else:
                    if actor is None:
                        st.error("Fel e-postadress eller lösenord.")
                    else:
                        sign_in(actor.person_id)
    with right:
        _demo_accounts(con)
        if dev_login_enabled():
            _dev_picker(con)


def _demo_accounts(con: Connection) -> None:
    try:
        from tracker.demo import DEMO_ACCOUNTS
    except ImportError:
        return
    present = known_emails(con, [a[0] for a in DEMO_ACCOUNTS])
    accounts = [a for a in DEMO_ACCOUNTS if a[0].lower() in present]
    if not accounts:
        return
    with st.expander("Demokonton", expanded=True, icon=":material/group:"):
        st.caption("Databasen innehåller påhittade demodata. Logga in med något av kontona:")
        for email, password, who in accounts:
            st.markdown(f"**{who}**  \n`{email}` · lösenord `{password}`")


def _dev_picker(con: Connection) -> None:
    with st.expander("Utvecklarinloggning", expanded=False, icon=":material/code:"):
        st.caption("Endast i utvecklingsläge (TRACKER_AUTH=dev) på den lokala adressen.")
        people = people_with_roles(con)
        labels = {pid: f"{name} – {roles}" for pid, name, roles in people}
        choice = st.selectbox(
            "Logga in som",
            options=list(labels),
            format_func=lambda pid: labels[pid],
            key="dev_person",
            index=None,
            placeholder="Välj en person",
        )
        if st.button("Logga in som vald person", key="dev_login", disabled=choice is None) and choice:
            sign_in(str(choice))


def page_context(*roles: str) -> tuple[Connection, Actor]:
    """(connection, actor) for a page; stops the page for anyone without one of ``roles``."""
    from dashboards.db import connection

    con = connection()
    actor = current_actor(con)
    if actor is None:
        st.warning("Du är inte inloggad.")
        st.stop()
    assert actor is not None
    if roles and not actor.has(*roles):
        st.error("Den här sidan är inte tillgänglig med din roll.")
        st.stop()
    return con, actor
