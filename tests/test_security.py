"""Security: identity-provider sign-in, sign-out, local accounts, the first administrator, demo data only
on request, the developer picker, people's text on pages, spreadsheet exports and storage failures."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboards import format as fmt
from dashboards.signin import dev_login_allowed
from tracker import accounts, cli, errors, services, spreadsheet
from tracker.accounts import (
    SIGN_IN_FAILED,
    actor_for_oidc,
    create_admin,
    hash_password,
    oidc_subject,
    sign_out_oidc,
    verify_password,
)
from tracker.config import Settings
from tracker.errors import ConflictError, PasswordError, StorageError
from tracker.store import Connection, catalogue, connect, connection

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
IDP = "https://idp.example.test"
OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "test-secret-not-used",
        "client_id": "st-tracker",
        "client_secret": "x",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


@pytest.fixture
def con(tmp_path: Path) -> Iterator[Connection]:
    """A small database: an administrator, a studierektor without a password, and one trainee."""
    c = connect(tmp_path / "sec.duckdb")
    catalogue.ensure_catalogue(c)
    pw = hash_password("rätt-lösenord")
    c.execute("INSERT INTO region VALUES ('R1', 'Region Norr')")
    c.execute("INSERT INTO unit (unit_id, name, region_id, area, kind) VALUES ('U1', 'VC Norra', 'R1', 'Norra', 'vardcentral')")
    c.execute("INSERT INTO person (person_id, name, email, password_hash) VALUES ('pAdm', 'Adam Admin', 'admin@example.se', ?)", [pw])
    c.execute("INSERT INTO person (person_id, name, email) VALUES ('pS', 'Sara Studierektor', 'sr@example.se')")
    c.execute("INSERT INTO person (person_id, name, email, password_hash) VALUES ('pA', 'Anna ST', 'anna@example.se', ?)", [pw])
    c.execute("INSERT INTO role_assignment (person_id, role) VALUES ('pAdm', 'admin')")
    c.execute("INSERT INTO role_assignment (person_id, role, region_id) VALUES ('pS', 'studierektor', 'R1')")
    c.execute(
        """INSERT INTO trainee (trainee_id, person_id, name, specialty, legitimation_date, st_start_date, unit_id)
           VALUES ('TA', 'pA', 'Anna ST', 'Allmänmedicin', DATE '2022-06-01', DATE '2023-01-01', 'U1')"""
    )
    yield c
    c.close()


def claims(sub: str, email: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"is_logged_in": True, "iss": IDP, "sub": sub, "iat": 1_760_000_000, "nonce": sub}
    if email is not None:
        out["email"] = email
    out.update(extra)
    return out


def audit(con: Connection, action: str) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT actor_person_id, entity_id, after_json FROM audit_log WHERE action = ? ORDER BY audit_id", [action]
    ).fetchall()


# --- identity provider: the stable subject, the e-mail only once and only when verified ----------


@pytest.mark.parametrize(
    ("token", "refusal"),
    [
        (claims("s1", "admin@example.se"), "unverified"),  # no email_verified claim at all (Entra ID's usual token)
        (claims("s1", "admin@example.se", email_verified="false"), "unverified"),  # the string "false"
        (claims("s1", "admin@example.se", email_verified=False), "unverified"),
        (claims("s1", "admin@example.se", email_verified=1), "unverified"),  # not a boolean
        (claims("s1", None, email_verified=True), "unverified"),  # no address to link by
        (claims("s1", "okand@example.se", email_verified=True), "unknown"),
        ({"is_logged_in": True, "email": "admin@example.se", "email_verified": True}, "no_subject"),
    ],
)
def test_identity_token_without_a_linked_subject_or_a_verified_email_is_refused(
    con: Connection, token: dict[str, Any], refusal: str
) -> None:
    result = actor_for_oidc(con, token)
    assert result.actor is None and result.refusal == refusal
    assert con.execute("SELECT count(*) FROM oidc_identity").fetchone() == (0,)


def test_verified_email_links_the_subject_once_and_the_subject_signs_in_after_that(con: Connection) -> None:
    first = actor_for_oidc(con, claims("s1", "Admin@Example.se", email_verified=True))
    assert first.actor is not None and first.actor.person_id == "pAdm" and first.actor.is_admin
    assert con.execute("SELECT subject, person_id, linked_by FROM oidc_identity").fetchall() == [
        (f"iss:{IDP}|sub:s1", "pAdm", "verified_email")
    ]
    assert [r[:2] for r in audit(con, "oidc_link")] == [("pAdm", "pAdm")]
    # Later tokens need no verified e-mail, and a changed address at the provider changes nothing.
    again = actor_for_oidc(con, claims("s1", "nytt.namn@example.se"))
    assert again.actor is not None and again.actor.person_id == "pAdm"
    # Another identity with the same (verified) address cannot take the linked person over.
    other = actor_for_oidc(con, claims("s2", "admin@example.se", email_verified=True))
    assert other.actor is None and other.refusal == "linked_elsewhere"
    # The same subject at another issuer is another identity.
    elsewhere = actor_for_oidc(con, claims("s1", "okand@example.se", iss="https://annan.example.test"))
    assert elsewhere.actor is None and elsewhere.refusal == "unverified"


@pytest.mark.parametrize(
    ("token", "subject"),
    [
        ({"iss": IDP, "sub": "abc"}, f"iss:{IDP}|sub:abc"),
        ({"iss": "https://login.microsoftonline.com/t-1/v2.0", "sub": "pw", "tid": "t-1", "oid": "o-1"}, "tid:t-1|oid:o-1"),  # Entra ID
        ({"iss": IDP, "sub": "pw", "tid": "t-1", "oid": "o-1"}, f"iss:{IDP}|sub:pw"),  # tid/oid from another issuer
        ({"iss": IDP}, None),
        ({"sub": "abc"}, None),
    ],
)
def test_the_subject_is_the_tenant_and_object_id_or_the_issuer_and_sub(token: dict[str, str], subject: str | None) -> None:
    assert oidc_subject(token) == subject


def test_entra_domain_verified_claim_counts_as_a_verified_email(con: Connection) -> None:
    result = actor_for_oidc(con, claims("s9", "sr@example.se", tid="t", oid="o", xms_edov=True))
    assert result.actor is not None and result.actor.person_id == "pS"


def test_a_signed_out_token_never_signs_in_again_but_a_new_sign_in_does(con: Connection) -> None:
    token = claims("s1", "admin@example.se", email_verified=True)
    assert actor_for_oidc(con, token).actor is not None
    sign_out_oidc(con, token, "pAdm")
    replay = actor_for_oidc(con, dict(token))
    assert replay.actor is None and replay.refusal == "signed_out"
    fresh = actor_for_oidc(con, {**token, "iat": token["iat"] + 60, "nonce": "n2"})
    assert fresh.actor is not None and fresh.actor.person_id == "pAdm"
    assert [r[:2] for r in audit(con, "sign_out")] == [("pAdm", "pAdm")]


# --- local accounts ------------------------------------------------------------------------------


def test_failed_sign_ins_and_lockouts_are_audited(con: Connection) -> None:
    assert verify_password(con, "okand@example.se", "x") is None
    moment = datetime(2026, 1, 1, 12, 0)
    for _ in range(4):
        assert verify_password(con, "anna@example.se", "fel", now=moment) is None
    with pytest.raises(errors.LoginError):
        verify_password(con, "anna@example.se", "fel", now=moment)
    with pytest.raises(errors.LoginError):
        verify_password(con, "anna@example.se", "rätt-lösenord", now=moment + timedelta(minutes=1))
    failed = audit(con, "login_failed")
    assert [(r[0], r[1]) for r in failed] == [(None, "okänd")] + [(None, "pA")] * 6
    reasons = [json.loads(r[2])["reason"] for r in failed]
    assert reasons == ["okänt konto"] + ["fel lösenord"] * 5 + ["kontot är låst"]
    assert [r[1] for r in audit(con, "lockout")] == ["pA"]


def test_an_unknown_address_costs_the_same_bcrypt_work(con: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    real = accounts.bcrypt.checkpw

    def counting(password: bytes, hashed: bytes) -> bool:
        calls.append(hashed)
        return bool(real(password, hashed))

    monkeypatch.setattr(accounts.bcrypt, "checkpw", counting)
    verify_password(con, "anna@example.se", "fel")
    verify_password(con, "ingen@example.se", "fel")
    verify_password(con, "sr@example.se", "fel")  # a person without a local password
    assert len(calls) == 3
    assert all(h.startswith(b"$2b$12$") for h in calls), "the dummy hash has the real hashes' cost"


def test_a_password_longer_than_bcrypt_reads_is_a_wrong_password_not_a_crash(con: Connection) -> None:
    long = "å" * 100  # 200 bytes
    assert verify_password(con, "anna@example.se", long) is None
    with pytest.raises(PasswordError, match="högst 72 byte"):
        hash_password(long)
    # Not even when its first 72 bytes are the right password.
    assert verify_password(con, "anna@example.se", "rätt-lösenord" + "x" * 80) is None


def test_create_admin_makes_the_first_account_of_a_new_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ny.duckdb"
    assert cli.main(["create-admin", "chef@region.se", "--name", "Cecilia Chef", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    password = out.split("Lösenord (visas bara nu): ")[1].strip()
    assert len(password) >= 12
    c = connect(path)
    try:
        actor = verify_password(c, "chef@region.se", password)
        assert actor is not None and actor.is_admin and actor.name == "Cecilia Chef"
        assert [r[1] for r in audit(c, "create_admin")] == [actor.person_id]
        with pytest.raises(PasswordError, match="för kort"):
            create_admin(c, "chef@region.se", "Cecilia Chef", "kort")
    finally:
        c.close()
    # A password from standard input.
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "create-admin", "b@region.se", "--name", "B", "--password-stdin", "--db", str(path)],
        input="ett-långt-lösenord\n", capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "visas bara nu" not in proc.stdout
    c = connect(path)
    try:
        assert verify_password(c, "b@region.se", "ett-långt-lösenord") is not None
    finally:
        c.close()


# --- the developer identity picker ---------------------------------------------------------------

DEV = Settings(dev_auth=True)


@pytest.mark.parametrize(
    ("settings", "address", "client_ip", "headers", "allowed"),
    [
        (DEV, "127.0.0.1", None, {}, True),  # a browser on this machine
        (Settings(), "127.0.0.1", None, {}, False),  # TRACKER_AUTH is not dev
        (DEV, "0.0.0.0", None, {}, False),  # the server listens on every interface
        (DEV, "", None, {}, False),  # Streamlit's default binds every interface too
        (DEV, "127.0.0.1", "10.1.2.3", {}, False),  # a client elsewhere
        (DEV, "127.0.0.1", None, {"X-Forwarded-For": "203.0.113.9"}, False),  # a reverse proxy on this host
        (DEV, "127.0.0.1", None, {"X-Real-IP": "203.0.113.9"}, False),
        (DEV, "127.0.0.1", None, {"forwarded": "for=203.0.113.9"}, False),
        (DEV, "localhost", None, {"Host": "localhost:8501"}, True),
        (DEV, "127.0.0.1", None, {"Origin": "http://127.0.0.1:8501", "Host": "127.0.0.1:8501"}, True),
        (DEV, "127.0.0.1", None, {"Origin": "http://[::1]:8501"}, True),
        # A forwarder that adds no header: the browser's address bar is not this machine.
        (DEV, "127.0.0.1", None, {"Origin": "https://st.region.example", "Host": "127.0.0.1:8501"}, False),
        (DEV, "127.0.0.1", None, {"Host": "st.region.example"}, False),
        (DEV, "127.0.0.1", None, {"Via": "1.1 proxy"}, False),
        (DEV, "127.0.0.1", None, {"True-Client-IP": "203.0.113.9"}, False),
        (DEV, "127.0.0.1", None, {"CF-Connecting-IP": "203.0.113.9"}, False),
    ],
)
def test_the_developer_picker_needs_dev_mode_a_loopback_server_and_a_loopback_client(
    settings: Settings, address: str, client_ip: str | None, headers: dict[str, str], allowed: bool
) -> None:
    assert dev_login_allowed(settings, address, client_ip, headers) is allowed


# --- demo data only on request -------------------------------------------------------------------


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("TRACKER_AUTH", "TRACKER_DEMO", "TRACKER_DEMO_TRAINEES"):
        monkeypatch.delenv(name, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def all_text(at: AppTest) -> str:
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "success", "warning", "error")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def test_a_production_start_on_a_new_database_has_no_demo_accounts(
    app_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "prod.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    text = all_text(at)
    assert "Demokonton" not in text and "demo.se" not in text
    assert "tracker create-admin" in text
    at.text_input(key="login_email").input("admin@demo.se")
    at.text_input(key="login_password").input("demo")
    next(b for b in at.button if b.label == "Logga in").click().run()
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    c2 = connect(path)
    try:
        assert c2.execute("SELECT count(*) FROM person").fetchone() == (0,)
        assert c2.execute("SELECT count(*) FROM trainee").fetchone() == (0,)
    finally:
        c2.close()


def test_the_demo_switch_seeds_an_empty_database_and_lists_the_demo_accounts(
    app_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "demo.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_DEMO", "1")
    monkeypatch.setenv("TRACKER_DEMO_TRAINEES", "6")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert "st@demo.se" in all_text(at)
    c = connect(path)
    try:
        assert c.execute("SELECT count(*) FROM trainee").fetchone()[0] >= 6  # type: ignore[index]
    finally:
        c.close()


def test_settings_come_from_the_environment_in_one_place() -> None:
    s = Settings.from_env({"TRACKER_DB": "x.duckdb", "TRACKER_DEMO": "ja", "TRACKER_DEMO_TRAINEES": "12", "TRACKER_AUTH": "DEV"})
    assert s == Settings(db_path=Path("x.duckdb"), demo=True, demo_trainees=12, dev_auth=True)
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"TRACKER_DEMO_TRAINEES": "-3"}).demo_trainees == Settings().demo_trainees


# --- the sign-in page --------------------------------------------------------------------------


def test_every_failed_sign_in_gets_the_same_answer(app_env: None, con: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    assert path is not None
    monkeypatch.setenv("TRACKER_DB", str(path[0]))
    con.execute("UPDATE person SET locked_until = ? WHERE person_id = 'pA'", [datetime.now() + timedelta(minutes=10)])

    def attempt(email: str, password: str) -> list[str]:
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.text_input(key="login_email").input(email)
        at.text_input(key="login_password").input(password)
        next(b for b in at.button if b.label == "Logga in").click().run()
        assert not at.exception
        assert "person_id" not in at.session_state
        return [e.value for e in at.error]

    answers = {
        "unknown": attempt("ingen@example.se", "x"),
        "wrong": attempt("admin@example.se", "fel"),
        "locked, right password": attempt("anna@example.se", "rätt-lösenord"),
        "too long": attempt("admin@example.se", "x" * 300),
    }
    assert all(a == [SIGN_IN_FAILED] for a in answers.values()), answers


def test_a_token_without_a_verified_email_is_refused_on_the_page(
    app_env: None, con: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    assert path is not None
    monkeypatch.setenv("TRACKER_DB", str(path[0]))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = OIDC_SECRETS
    at.user = claims("s1", "admin@example.se")
    at.run()
    assert not at.exception
    assert any("finns inte i ST-trackern" in e.value and "verifierad" in e.value for e in at.error)
    assert not at.metric and not at.dataframe
    # Once an administrator links the subject, the same token signs in.
    accounts.link_oidc_subject(con, "pAdm", f"iss:{IDP}|sub:s1", by="pAdm")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = OIDC_SECRETS
    at.user = claims("s1", "admin@example.se")
    at.run()
    assert not at.exception and not at.error
    assert "Adam Admin" in all_text(at)


def test_a_replayed_identity_cookie_after_sign_out_shows_the_login_page(
    app_env: None, con: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    assert path is not None
    monkeypatch.setenv("TRACKER_DB", str(path[0]))
    token = claims("s1", "admin@example.se", email_verified=True)
    assert actor_for_oidc(con, token).actor is not None
    sign_out_oidc(con, token, "pAdm")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = OIDC_SECRETS
    at.user = token
    at.run()
    assert not at.exception and not at.error
    assert any(b.label == "Logga in med organisationskonto" for b in at.button)
    assert "Adam Admin" not in all_text(at)


# --- people's text is shown as text --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Anna Andersson", "Anna Andersson"),
        ("![x](https://spår.example/b.png)", "\\!\\[x\\](https\\://spår.example/b.png)"),
        ("[klicka](javascript:alert(1))", "\\[klicka\\](javascript\\:alert(1))"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        (":red[Varning] :material/warning:", "\\:red\\[Varning\\] \\:material/warning\\:"),
        ("**fet** _kursiv_ `kod`", "\\*\\*fet\\*\\* \\_kursiv\\_ \\`kod\\`"),
        ("# Rubrik", "\\# Rubrik"),
        ("1. Lista", "1\\. Lista"),
        ("- Lista", "\\- Lista"),
        ("rad ett\nrad två", "rad ett rad två"),
        ("Bo-Göran Öst. (ÖL)", "Bo-Göran Öst. (ÖL)"),
    ],
)
def test_peoples_text_is_escaped_for_markdown(text: str, shown: str) -> None:
    assert fmt.plain(text) == shown


def test_a_name_with_markdown_image_syntax_is_not_rendered_as_an_image(
    app_env: None, con: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    assert path is not None
    monkeypatch.setenv("TRACKER_DB", str(path[0]))
    beacon = "![x](https://spår.example/b.png)"
    con.execute("UPDATE person SET name = ? WHERE person_id = 'pA'", [beacon])
    con.execute("UPDATE trainee SET name = ? WHERE trainee_id = 'TA'", [beacon])
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["person_id"] = "pA"
    at.run()
    assert not at.exception
    values = [str(e.value) for kind in ("markdown", "caption", "info", "success", "warning", "error") for e in getattr(at, kind)]
    assert any("spår.example" in v for v in values), "the name is shown"
    assert not [v for v in values if "![x](" in v], "never as Markdown image syntax"


# --- spreadsheet exports -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=HYPERLINK(\"https://x.example\",\"klicka\")", "'=HYPERLINK(\"https://x.example\",\"klicka\")"),
        ("+46701234567", "'+46701234567"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tdold", "'\tdold"),
        ("\rdold", "'\rdold"),
        ("Anna = chef", "Anna = chef"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell: str, written: str) -> None:
    assert spreadsheet.neutralise(cell) == written
    if "\r" not in cell:
        back = pd.read_csv(io.BytesIO(spreadsheet.csv_bytes(pd.DataFrame({"Namn": [cell]}))), dtype=str, keep_default_na=False)
        assert back["Namn"].tolist() == [written]


def test_a_workbook_keeps_formula_text_as_text_and_numbers_and_dates_as_such() -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    frame = pd.DataFrame(
        {"Namn": ['=HYPERLINK("https://x.example")', "Åsa"], "Antal": [3, 4], "Från": [datetime(2024, 1, 1).date(), None]}
    )
    sheet = load_workbook(io.BytesIO(spreadsheet.xlsx_bytes(frame))).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows == [["Namn", "Antal", "Från"], ['=HYPERLINK("https://x.example")', 3, datetime(2024, 1, 1)], ["Åsa", 4, None]]
    assert sheet["A2"].data_type == "s"  # text, never a formula
    assert sheet["B2"].data_type == "n" and sheet["A1"].font.bold


def test_numbers_stay_numbers_in_exports() -> None:
    out = spreadsheet.safe_frame(pd.DataFrame({"Månader": [-1.5, 2.0], "Text": ["-1", "ok"]}))
    assert out["Månader"].tolist() == [-1.5, 2.0]
    assert out["Text"].tolist() == ["'-1", "ok"]


def test_the_audit_export_neutralises_formulas(con: Connection) -> None:
    admin = accounts.actor_for_person(con, "pAdm")
    assert admin is not None
    services.add_placement(
        con, admin, "TA", kind="ST", setting="annan", workplace="=HYPERLINK(\"https://x.example\")",
        start_date=datetime(2024, 1, 1).date(), end_date=datetime(2024, 1, 31).date(), percent=100,
    )
    text = services.export_audit_csv(con, admin).decode("utf-8")
    row = next(r for r in pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).to_dict("records") if r["Händelse"] == "Lade till")
    assert "HYPERLINK" in row["Efter"]
    assert all(not str(v).startswith(spreadsheet.FORMULA_STARTS) for v in row.values())


# --- storage failures are Swedish messages -----------------------------------------------------


class _FailingCursor:
    """A cursor whose commit fails as on a full disk, after which rollback fails too."""

    def __init__(self, commit_error: Exception) -> None:
        self.commit_error = commit_error
        self.closed = False

    def begin(self) -> None:
        pass

    def execute(self, *args: object) -> _FailingCursor:
        return self

    def commit(self) -> None:
        raise self.commit_error

    def rollback(self) -> None:
        raise duckdb.TransactionException("TransactionContext Error: cannot rollback - no transaction is active")

    def close(self) -> None:
        self.closed = True


class _FakeConnection:
    def __init__(self, cursor: _FailingCursor) -> None:
        self._cursor = cursor

    def cursor(self) -> _FailingCursor:
        return self._cursor


@pytest.mark.parametrize(
    ("error", "kind", "message"),
    [
        (duckdb.IOException('IO Error: Could not write file "x.duckdb.wal": No space left on device'), StorageError, "Disken är full"),
        (duckdb.TransactionException("TransactionContext Error: Conflict on update!"), ConflictError, "samtidigt"),
        (duckdb.IOException("IO Error: Cannot open file: Read-only file system"), StorageError, "skrivskyddad"),
        # What DuckDB raises when the commit itself hits a full disk.
        (duckdb.TransactionException('TransactionContext Error: Failed to commit: could not write "x.wal": No space left on device'), StorageError, "Disken är full"),
    ],
)
def test_a_failed_commit_is_a_swedish_storage_error_not_cannot_rollback(
    error: Exception, kind: type[Exception], message: str
) -> None:
    cur = _FailingCursor(error)
    with pytest.raises(kind, match=message) as exc:
        with connection.transaction(_FakeConnection(cur)) as c:  # type: ignore[arg-type]
            c.execute("INSERT INTO x VALUES (1)")
    assert "rollback" not in str(exc.value)
    assert cur.closed


def test_progress_reads_a_write_protected_database(con: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sec.duckdb"
    con.close()
    real_access = cli.os.access
    monkeypatch.setattr(cli.os, "access", lambda p, mode: False if mode == cli.os.W_OK else real_access(p, mode))
    opened: list[bool] = []
    real_connect = cli.connect

    def spy(path: object, **kw: Any) -> Connection:
        opened.append(bool(kw.get("read_only")))
        return real_connect(path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "connect", spy)
    assert cli.main(["progress", "TA", "--as-of", "2024-06-30", "--db", str(path)]) == 0
    assert opened == [True]
    out = json.loads(capsys.readouterr().out)
    assert out["trainee_id"] == "TA" and out["service_months"] == 0.0


def test_the_app_explains_a_locked_database_instead_of_a_traceback(app_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.duckdb"
    c = connect(path)
    c.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("held", flush=True)
            time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("TRACKER_DB", str(path))
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        assert any("kan inte öppna sin databas" in e.value and "annat program" in e.value for e in at.error)
        assert not at.text_input
    finally:
        holder.kill()
        holder.wait(timeout=10)
    time.sleep(0.1)


# --- linking an organisation account by hand ---------------------------------------------------


def test_only_an_admin_links_an_organisation_account_and_each_link_is_unique(con: Connection) -> None:
    admin, trainee = accounts.actor_for_person(con, "pAdm"), accounts.actor_for_person(con, "pA")
    assert admin is not None and trainee is not None
    with pytest.raises(services.AccessDenied):
        services.link_identity(con, trainee, "pA", "tid:t|oid:o")
    with pytest.raises(errors.IdentityError, match="ska se ut"):
        services.link_identity(con, admin, "pS", "någonting")
    services.link_identity(con, admin, "pS", " tid:t|oid:o ")
    assert audit(con, "oidc_link")[-1][:2] == ("pAdm", "pS")
    with pytest.raises(errors.IdentityError, match="redan kopplad"):
        services.link_identity(con, admin, "pS", "tid:t|oid:annan")
    with pytest.raises(errors.IdentityError, match="annan person"):
        services.link_identity(con, admin, "pA", "tid:t|oid:o")
    entra = "https://login.microsoftonline.com/t/v2.0"
    signed = actor_for_oidc(con, {"tid": "t", "oid": "o", "iss": entra, "sub": "x", "email": "vad@som.helst"})
    assert signed.actor is not None and signed.actor.person_id == "pS"


def test_link_identity_on_the_command_line(con: Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    con.close()
    path = str(tmp_path / "sec.duckdb")
    assert cli.main(["link-identity", "SR@example.se", f"iss:{IDP}|sub:s7", "--db", path]) == 0
    assert cli.main(["link-identity", "ingen@example.se", f"iss:{IDP}|sub:s8", "--db", path]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["tracker: Ingen person har e-postadressen ingen@example.se."]
    c = connect(path)
    try:
        assert c.execute("SELECT subject, person_id FROM oidc_identity").fetchall() == [(f"iss:{IDP}|sub:s7", "pS")]
    finally:
        c.close()


def test_a_refused_person_sees_the_id_the_admin_needs(app_env: None, con: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    assert path is not None
    monkeypatch.setenv("TRACKER_DB", str(path[0]))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = OIDC_SECRETS
    at.user = claims("s5", "sr@example.se", tid="tenant-1", oid="object-1", iss="https://login.microsoftonline.com/tenant-1/v2.0")
    at.run()
    assert not at.exception
    assert [c.value for c in at.code] == ["tid:tenant-1|oid:object-1"]


def test_titles_and_comments_in_the_next_steps_are_shown_as_text(
    app_env: None, con: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    assert path is not None
    monkeypatch.setenv("TRACKER_DB", str(path[0]))
    beacon = "![t](http://127.0.0.1:9/beacon.png) :red[RÖD] **fet**"
    con.execute(
        """INSERT INTO certificate (certificate_id, trainee_id, type, title, status, comment)
           VALUES ('C-beacon', 'TA', 'kurs', ?, 'returnerat', ?)""",
        [beacon, beacon],
    )
    con.execute("INSERT INTO certificate_delmal VALUES ('C-beacon', 'STa5')")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["person_id"] = "pA"
    at.run()
    assert not at.exception
    values = [str(e.value) for kind in ("markdown", "caption", "info", "success", "warning", "error") for e in getattr(at, kind)]
    assert any("beacon" in v for v in values), "the title is among the next steps"
    assert not [v for v in values if "![t](" in v or ":red[RÖD]" in v or "**fet**" in v]
