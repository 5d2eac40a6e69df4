"""Signing in and out.

Three ways in: a local account (e-mail + password, checked by ``tracker.accounts.verify_password``),
the organisation's OIDC provider through Streamlit's ``st.login`` when ``[auth]`` is configured in
the secrets (a person is found by the provider's stable subject, see ``tracker.accounts.actor_for_oidc``),
and, for development only, an identity picker for clients on the loopback address. Only the
person's id is kept in the session; the Actor is derived from the database on every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboards import format as fmt
from tracker.accounts import (
    CODE_REFUSED,
    MIN_PASSWORD_CHARS,
    SIGN_IN_FAILED,
    Actor,
    OidcSignIn,
    actor_for_oidc,
    actor_for_person,
    has_people,
    known_emails,
    people_with_roles,
    redeem_code,
    sign_out_oidc,
    verify_password,
)
from tracker.config import Settings
from tracker.errors import LoginError, PasswordError, TrackerError
from tracker.store import Connection

SESSION_KEY = "person_id"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Headers a reverse proxy adds: a request that carries one did not come from this machine's browser.
FORWARDING_HEADERS = (
    "forwarded", "via", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-server",
    "x-real-ip", "x-client-ip", "true-client-ip", "cf-connecting-ip", "x-original-forwarded-for",
)

OIDC_REFUSALS: dict[str, str] = {
    "unverified": (
        "Ditt organisationskonto finns inte i ST-trackern, och din organisation intygar inte att "
        "e-postadressen {email} är verifierad. Be administratören att koppla kontot."
    ),
    "unknown": (
        "Du är inloggad som {email} hos din organisation, men den adressen finns inte i ST-trackern. "
        "Be din studierektor eller administratören att lägga upp dig."
    ),
    "linked_elsewhere": (
        "Adressen {email} hör till en person som redan är kopplad till ett annat organisationskonto. "
        "Kontakta administratören."
    ),
    "no_subject": "Inloggningen från din organisation saknar ett användar-id (sub). Kontakta administratören.",
}


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


def _oidc_claims() -> dict[str, Any] | None:
    """The identity token's claims while signed in through the provider, else None."""
    if _oidc_settings() is None or not _oidc_logged_in():
        return None
    return {str(k): v for k, v in st.user.to_dict().items()}


def oidc_sign_in(con: Connection) -> OidcSignIn | None:
    """What the provider's identity token gives (an Actor or a refusal); None without one."""
    claims = _oidc_claims()
    return actor_for_oidc(con, claims) if claims is not None else None


def dev_login_allowed(
    settings: Settings, server_address: object, client_ip: str | None, headers: Mapping[str, str]
) -> bool:
    """The identity picker signs in without a password, so it needs all of: ``TRACKER_AUTH=dev``, a server
    bound to the loopback address, a client on this machine (Streamlit reports no IP for loopback
    clients), no header a reverse proxy would add (a proxy on the same host also connects from
    127.0.0.1) and a page opened at a loopback address: the browser's ``Origin`` (and ``Host``) name
    the address in its address bar, which behind any forwarder that adds no header is not loopback."""
    if not settings.dev_auth or str(server_address or "") not in LOOPBACK:
        return False
    if client_ip is not None and client_ip not in LOOPBACK:
        return False
    lowered = {k.lower(): str(v) for k, v in headers.items()}
    if any(h in lowered for h in FORWARDING_HEADERS):
        return False
    return all(_is_loopback_url(lowered[h]) for h in ("origin", "host") if h in lowered)


def _is_loopback_url(value: str) -> bool:
    """Whether an Origin (``http://127.0.0.1:8501``) or Host (``localhost:8501``) names this machine."""
    host = value.split("://", 1)[-1].split("/", 1)[0]
    if host.startswith("["):  # [::1]:8501
        host = host[1:].split("]", 1)[0]
    else:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return host.lower() in LOOPBACK


def dev_login_enabled() -> bool:
    try:
        headers: Mapping[str, str] = dict(st.context.headers)
        ip = st.context.ip_address
    except Exception:  # no browser connection (e.g. a script run): nothing to trust
        return False
    # Streamlit reports None for a loopback client and the address as text otherwise (a test harness
    # without a connection reports neither).
    client_ip = ip if isinstance(ip, str) else None
    return dev_login_allowed(Settings.from_env(), st.get_option("server.address"), client_ip, headers)


# The Actor of the current script run: the router derives it once at the start of every run and the
# page reads it from here (a page never runs without the router running first).
RUN_ACTOR_KEY = "__actor_of_this_run"


def actor_for_run(con: Connection) -> Actor | None:
    """The signed-in person's Actor for this run, derived once (by the router) and kept for the page."""
    actor = current_actor(con)
    if actor is None:
        st.session_state.pop(RUN_ACTOR_KEY, None)
    else:
        st.session_state[RUN_ACTOR_KEY] = actor
    return actor


def current_actor(con: Connection) -> Actor | None:
    """The signed-in person's Actor, freshly read from the database; None for an anonymous visitor."""
    person_id = st.session_state.get(SESSION_KEY)
    if person_id:
        actor = actor_for_person(con, str(person_id))
        if actor is not None:
            return actor
        del st.session_state[SESSION_KEY]
    result = oidc_sign_in(con)
    return result.actor if result is not None else None


def sign_in(person_id: str) -> None:
    # Cached reads are keyed by the whole Actor, so nothing cached for others needs clearing.
    st.session_state[SESSION_KEY] = person_id
    st.rerun()


def sign_out(con: Connection, person_id: str | None = None) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    claims = _oidc_claims()
    if claims is not None:
        # The identity cookie lives on in any copy of it: remember that this token is signed out.
        sign_out_oidc(con, claims, person_id)
        st.logout()
        st.stop()  # st.logout queues a redirect to the provider; a rerun would drop it
    st.rerun()


def sidebar(con: Connection, actor: Actor) -> None:
    with st.sidebar:
        st.markdown(f"**{fmt.plain(actor.name)}**")
        st.caption(actor.role_text or "Ingen roll")
        if st.button("Logga ut", key="logout", icon=":material/logout:", width="stretch"):
            sign_out(con, actor.person_id)


def login_page(con: Connection) -> None:
    """The only page an anonymous visitor sees."""
    st.title("ST-tracker")
    st.markdown(
        "Följ din specialiseringstjänstgöring: tjänstgöringstid, delmål, intyg och bastjänstgöring. "
        "Logga in för att fortsätta."
    )
    settings = _oidc_settings()
    oidc = oidc_sign_in(con)
    if oidc is not None and oidc.actor is None and oidc.refusal in OIDC_REFUSALS:
        st.error(OIDC_REFUSALS[oidc.refusal].format(email=fmt.plain(oidc.email or "okänd adress")))
        if oidc.subject:
            st.caption("Ditt organisations-id, som administratören behöver för att koppla kontot:")
            st.code(oidc.subject, language=None)
        if st.button("Logga ut", key="oidc_logout"):
            sign_out(con)
        return
    if not has_people(con):
        st.warning(
            "Databasen har inga användare ännu. Skapa den första administratören på servern med "
            "`tracker create-admin E-POST --name \"Namn\"` och logga sedan in med det lösenord kommandot skriver ut.",
            icon=":material/person_add:",
        )

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
        if st.session_state.get(CODE_MODE_KEY):
            _code_form(con)
        else:
            _password_form(con)
    with right:
        _demo_accounts(con)
        if dev_login_enabled():
            _dev_picker(con)


# The login page shows the one-time code form instead of the password form while this is set.
CODE_MODE_KEY = "login_with_code"


def _password_form(con: Connection) -> None:
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
            except (LoginError, TrackerError):
                actor = None  # the reason is in the audit log; the page does not tell it
            if actor is None:
                st.error(SIGN_IN_FAILED)
            else:
                sign_in(actor.person_id)
    if st.button("Jag har en engångskod", key="code_mode", type="tertiary", icon=":material/key:"):
        st.session_state[CODE_MODE_KEY] = True
        st.rerun()


def _code_form(con: Connection) -> None:
    """A first (or new) password with the one-time code the training office handed over; signs in."""
    st.caption(
        "Har du fått en engångskod av utbildningsenheten eller administratören? Ange din e-postadress och "
        f"koden och välj ett lösenord med minst {MIN_PASSWORD_CHARS} tecken. Koden gäller en gång."
    )
    with st.form("redeem_code", enter_to_submit=True):
        email = st.text_input("E-postadress", key="code_email", autocomplete="username")
        code = st.text_input("Engångskod", key="code_code", placeholder="XXXX-XXXX-XXXX", autocomplete="one-time-code")
        new = st.text_input("Nytt lösenord", type="password", key="code_new", autocomplete="new-password")
        again = st.text_input("Upprepa lösenord", type="password", key="code_again", autocomplete="new-password")
        submitted = st.form_submit_button("Spara lösenord och logga in", type="primary")
    if submitted:
        if not email.strip() or not code.strip() or not new or not again:
            st.warning("Fyll i e-postadress, engångskod och det nya lösenordet två gånger.")
        elif new != again:
            st.error("De två lösenorden är inte lika. Skriv samma lösenord i båda fälten.")
        else:
            try:
                actor = redeem_code(con, email, code, new)
            except PasswordError as exc:
                st.error(fmt.plain(exc))  # the code is still valid
            except (LoginError, TrackerError):
                st.error(CODE_REFUSED)  # the same answer for a wrong, used or old code and an unknown address
            else:
                st.session_state.pop(CODE_MODE_KEY, None)
                sign_in(actor.person_id)
    if st.button("Tillbaka till inloggning med lösenord", key="code_back", type="tertiary", icon=":material/arrow_back:"):
        st.session_state.pop(CODE_MODE_KEY, None)
        st.rerun()


def _demo_accounts(con: Connection) -> None:
    """The demo accounts, only when the app runs with demo data (``TRACKER_DEMO``) and they exist."""
    if not Settings.from_env().demo:
        return
    from tracker.demo import DEMO_ACCOUNTS

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
    from dashboards.connection import database

    con = database()
    actor = st.session_state.get(RUN_ACTOR_KEY)
    if not isinstance(actor, Actor):
        actor = current_actor(con)
    if actor is None:
        st.warning("Du är inte inloggad.")
        st.stop()
    assert actor is not None
    if roles and not actor.has(*roles):
        st.error("Den här sidan är inte tillgänglig med din roll.")
        st.stop()
    return con, actor
