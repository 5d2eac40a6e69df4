"""The certificate workflow under concurrent writes, and who may sign once a supervision has ended.

The race tests start two service calls together (``threading.Barrier``) on one shared connection, as
the app does, many rounds in a row, and check after every round what the database holds.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from appdb import actor, fresh_copy
from rows import insert_rows
from test_services import template  # noqa: F401  (the hand-made database: TA, TB and their staff)

from tracker import services
from tracker.accounts import Actor
from tracker.errors import ConflictError, StateConflict, TrackerError
from tracker.services import AccessDenied
from tracker.services.certificates import stale_requests
from tracker.store import Connection

TODAY = date.today()
D = date.fromisoformat
ROUNDS = 60
CONFLICT = "Någon annan ändrade intyget samtidigt; inget av din ändring sparades. Ladda om och försök igen."
ENDED = "Ditt handledarskap för ST-läkaren har upphört; intyget kan inte längre signeras av dig."




@pytest.fixture
def con(template: str, tmp_path: Path) -> Iterator[Connection]:  # noqa: F811  (test_services' database)
    yield from fresh_copy(template, tmp_path)


def _audit(con: Connection, action: str, certificate_id: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    rows = con.execute(
        "SELECT actor_person_id, before_json, after_json FROM audit_log WHERE action = ? AND entity_id = ? "
        "ORDER BY audit_id",
        [action, certificate_id],
    ).fetchall()
    return [(str(r[0]), json.loads(r[1] or "{}"), json.loads(r[2] or "{}")) for r in rows]


def _content(con: Connection, certificate_id: str) -> tuple[str, str, list[str]]:
    row = con.execute("SELECT status, title FROM certificate WHERE certificate_id = ?", [certificate_id]).fetchone()
    assert row is not None
    codes = con.execute(
        "SELECT code FROM certificate_delmal WHERE certificate_id = ? ORDER BY code", [certificate_id]
    ).fetchall()
    return str(row[0]), str(row[1]), [c[0] for c in codes]


def _race(*calls: Callable[[], None]) -> list[BaseException | None]:
    """Run the calls in threads released together; each one's exception (or None)."""
    barrier = threading.Barrier(len(calls))
    outcome: list[BaseException | None] = [None] * len(calls)

    def run(i: int, call: Callable[[], None]) -> None:
        barrier.wait()
        try:
            call()
        except BaseException as exc:
            outcome[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
        assert not t.is_alive()
    return outcome


def _assert_refusal(exc: BaseException | None) -> None:
    """A failed call is a refusal or a reported conflict, never a raw database error."""
    if exc is None:
        return
    assert isinstance(exc, AccessDenied | StateConflict | ConflictError), repr(exc)
    assert isinstance(exc, TrackerError)
    if isinstance(exc, ConflictError):
        assert str(exc) == CONFLICT


def _draft(con: Connection, trainee: Actor, title: str, delmal: list[str]) -> str:
    return services.add_certificate(
        con,
        trainee,
        "TA",
        type="kurs",
        title=title,
        delmal=delmal,
        start_date=D("2024-03-04"),
        end_date=D("2024-03-06"),
    )


def _seeded(con: Connection, round_no: int, status: str) -> str:
    """A course certificate of TA in the given state, written directly (the race rounds' starting point)."""
    cid = f"TA-race-{round_no}"
    signed = status == "signerat"
    con.execute(
        """INSERT INTO certificate (certificate_id, trainee_id, type, title, start_date, end_date, status,
                                    signer_person_id, signed_by, signed_role, signed_date, comment)
           VALUES (?, 'TA', 'kurs', ?, DATE '2024-03-04', DATE '2024-03-06', ?, ?, ?, ?, ?, ?)""",
        [
            cid,
            f"Kurs {round_no}",
            status,
            None if status == "utkast" else "pH",
            "Hanna Handledare" if signed else None,
            "huvudhandledare" if signed else None,
            D("2024-03-07") if signed else None,
            "Lägg till delmål" if status == "returnerat" else "",
        ],
    )
    con.execute("INSERT INTO certificate_delmal VALUES (?, 'STa5')", [cid])
    return cid


# --- races --------------------------------------------------------------------------------------


def test_an_edit_racing_send_and_sign_never_changes_what_was_signed(con: Connection) -> None:
    anna, hanna = actor(con, "pA"), actor(con, "pH")
    edited = signed = 0
    for i in range(ROUNDS):
        cid = _seeded(con, i, "returnerat" if i % 2 else "utkast")  # every other round from a returned one
        steps: dict[str, BaseException | None] = {}

        def edit(cid: str = cid, i: int = i) -> None:
            services.update_certificate(con, anna, cid, title=f"Ändrad {i}", delmal=["STa5", "STa6"])

        def send_and_sign(cid: str = cid, steps: dict[str, BaseException | None] = steps) -> None:
            try:
                services.request_signature(con, anna, cid, "pH")
            except BaseException as exc:
                steps["send"] = exc
                raise
            steps["send"] = None
            try:
                services.sign_certificate(con, hanna, cid)
            except BaseException as exc:
                steps["sign"] = exc
                raise
            steps["sign"] = None

        edit_exc, sign_exc = _race(edit, send_and_sign)
        _assert_refusal(edit_exc)
        _assert_refusal(sign_exc)
        status, title, codes = _content(con, cid)
        if edit_exc is None:
            edited += 1
            assert (title, codes) == (f"Ändrad {i}", ["STa5", "STa6"])  # the saved edit is not lost
        else:
            assert (title, codes) == (f"Kurs {i}", ["STa5"])
        if status == "signerat":
            signed += 1
            assert steps.get("sign", "not run") is None
            ((_, before, after),) = _audit(con, "sign", cid)
            # Exactly what the handledare signed, and what the sign audit row says was signed.
            assert (before["title"], before["delmal"]) == (title, codes)
            assert (after["title"], after["delmal"]) == (title, codes)
        else:
            assert steps.get("sign", "not run") is not None
            assert not _audit(con, "sign", cid)
    assert signed > 0 and edited > 0


def test_an_edit_racing_a_send_waits_for_signature_exactly_as_sent(con: Connection) -> None:
    anna = actor(con, "pA")
    sent = 0
    for i in range(ROUNDS):
        cid = _seeded(con, i, "utkast")

        def edit(cid: str = cid, i: int = i) -> None:
            services.update_certificate(con, anna, cid, title=f"Ändrad {i}", delmal=["STa6"])

        def send(cid: str = cid) -> None:
            services.request_signature(con, anna, cid, "pH")

        edit_exc, send_exc = _race(edit, send)
        _assert_refusal(edit_exc)
        _assert_refusal(send_exc)
        status, title, codes = _content(con, cid)
        assert (title, codes) == ((f"Ändrad {i}", ["STa6"]) if edit_exc is None else (f"Kurs {i}", ["STa5"]))
        requests = _audit(con, "request_signature", cid)
        if send_exc is None:
            sent += 1
            assert status == "skickat"
            ((_, _, after),) = requests
            # The content waiting for the signature is the content that was sent.
            assert (after["title"], after["delmal"], after["status"]) == (title, codes, "skickat")
        else:
            assert status == "utkast" and not requests
    assert sent > 0


def test_two_voids_at_once_succeed_exactly_once(con: Connection) -> None:
    hanna, sara = actor(con, "pH"), actor(con, "pS")
    winners: set[str] = set()
    for i in range(ROUNDS):
        cid = _seeded(con, i, "signerat")

        def void_by(who: Actor, reason: str, cid: str = cid) -> Callable[[], None]:
            return lambda: services.void_certificate(con, who, cid, reason)

        results = _race(void_by(hanna, "Fel period"), void_by(sara, "Dubbelregistrerat"))
        for exc in results:
            _assert_refusal(exc)
        assert [exc is None for exc in results].count(True) == 1
        winner, reason = ("pH", "Fel period") if results[0] is None else ("pS", "Dubbelregistrerat")
        winners.add(winner)
        voids = _audit(con, "void", cid)
        assert [v[0] for v in voids] == [winner]
        assert voids[0][1]["status"] == "signerat" and voids[0][2]["comment"] == reason
        row = con.execute("SELECT status, comment FROM certificate WHERE certificate_id = ?", [cid]).fetchone()
        assert row == ("makulerat", reason)
    assert winners


def test_a_write_conflicting_with_an_open_transaction_reports_a_conflict_and_saves_nothing(con: Connection) -> None:
    anna, hanna, sara = actor(con, "pA"), actor(con, "pH"), actor(con, "pS")
    draft = _draft(con, anna, "Kurs", ["STa5"])
    signed = _draft(con, anna, "Signerad kurs", ["STa5"])
    services.request_signature(con, anna, signed, "pH")
    services.sign_certificate(con, hanna, signed)
    other = con.cursor()
    try:
        # Someone else is sending the draft and voiding the signed one, not yet committed.
        other.begin()
        other.execute(
            "UPDATE certificate SET status = 'skickat', signer_person_id = 'pH' WHERE certificate_id = ?", [draft]
        )
        other.execute("UPDATE certificate SET status = 'makulerat', comment = 'x' WHERE certificate_id = ?", [signed])
        # An edit that changes only the delmål still collides with the send.
        with pytest.raises(ConflictError) as edit:
            services.update_certificate(
                con, anna, draft, title="Kurs", delmal=["STa6"], start_date=D("2024-03-04"), end_date=D("2024-03-06")
            )
        with pytest.raises(ConflictError) as void:
            services.void_certificate(con, sara, signed, "Fel")
        with pytest.raises(ConflictError):
            services.request_signature(con, anna, draft, "pH")
        other.rollback()
    finally:
        other.close()
    assert str(edit.value) == CONFLICT and str(void.value) == CONFLICT
    assert _content(con, draft) == ("utkast", "Kurs", ["STa5"])
    assert _content(con, signed)[0] == "signerat"
    assert not _audit(con, "update", draft) and not _audit(con, "void", signed)
    # Nothing is held afterwards: the same writes now go through.
    services.update_certificate(con, anna, draft, title="Kurs", delmal=["STa6"])
    services.void_certificate(con, sara, signed, "Fel")
    assert _content(con, draft) == ("utkast", "Kurs", ["STa6"])
    assert _content(con, signed)[0] == "makulerat"


def test_a_send_that_read_the_draft_before_an_edit_saved_cannot_go_through_afterwards(con: Connection) -> None:
    anna = actor(con, "pA")
    draft = _draft(con, anna, "Kurs", ["STa5"])
    other = con.cursor()
    try:
        other.begin()
        assert other.execute("SELECT status FROM certificate WHERE certificate_id = ?", [draft]).fetchone() == (
            "utkast",
        )
        # The edit keeps the status and changes only the delmål; it saves while the send is under way.
        services.update_certificate(
            con,
            anna,
            draft,
            title="Kurs",
            delmal=["STa5", "STa6"],
            start_date=D("2024-03-04"),
            end_date=D("2024-03-06"),
        )
        with pytest.raises(duckdb.TransactionException, match="[Cc]onflict"):
            other.execute(
                "UPDATE certificate SET status = 'skickat', signer_person_id = 'pH' "
                "WHERE certificate_id = ? AND status = 'utkast'",
                [draft],
            )
        other.rollback()
    finally:
        other.close()
    assert _content(con, draft) == ("utkast", "Kurs", ["STa5", "STa6"])


# --- a handledare whose supervision ended -------------------------------------------------------


def _sent_to_hugo(con: Connection) -> str:
    """A certificate of TB sent to pH2 while Hugo still supervised Bertil (the period has since ended)."""
    con.execute(
        """INSERT INTO certificate (certificate_id, trainee_id, type, title, status, signer_person_id)
           VALUES ('TB-old', 'TB', 'kurs', 'Akutkurs', 'skickat', 'pH2')"""
    )
    con.execute("INSERT INTO certificate_delmal VALUES ('TB-old', 'a1')")
    return "TB-old"


def test_an_ended_handledare_neither_sees_nor_signs_nor_returns_the_certificate(con: Connection) -> None:
    cid = _sent_to_hugo(con)
    hugo = actor(con, "pH2")
    assert services.pending_signatures(con, hugo).empty
    with pytest.raises(AccessDenied) as sign:
        services.sign_certificate(con, hugo, cid)
    with pytest.raises(AccessDenied) as back:
        services.return_certificate(con, hugo, cid, "Fel datum")
    assert str(sign.value) == ENDED and str(back.value) == ENDED
    assert _content(con, cid) == ("skickat", "Akutkurs", ["a1"])
    assert not _audit(con, "sign", cid) and not _audit(con, "return", cid)


def test_the_trainee_re_addresses_a_stale_request_and_the_new_handledare_signs(con: Connection) -> None:
    cid = _sent_to_hugo(con)
    bertil = actor(con, "pB")
    assert stale_requests(con, bertil, "TB") == {cid}
    assert stale_requests(con, actor(con, "pV"), "TB") == {cid}  # the unit's office sees it too
    with pytest.raises(AccessDenied):
        stale_requests(con, actor(con, "pA"), "TB")
    with pytest.raises(AccessDenied, match="handledare just nu"):
        services.request_signature(con, bertil, cid, "pH")  # Hanna does not supervise Bertil yet
    insert_rows(con, "supervision", [{"trainee_id": "TB", "person_id": "pH", "kind": "handledare", "start_date": TODAY}])
    hanna = actor(con, "pH")
    assert services.pending_signatures(con, hanna).empty
    services.request_signature(con, bertil, cid, "pH")
    assert stale_requests(con, bertil, "TB") == set()
    assert list(services.pending_signatures(con, hanna)["certificate_id"]) == [cid]
    ((who, before, after),) = _audit(con, "request_signature", cid)
    assert (who, before["signer_person_id"], after["signer_person_id"]) == ("pB", "pH2", "pH")
    # Sent to a signer who still may sign, it stays sent.
    with pytest.raises(StateConflict, match="redan skickat"):
        services.request_signature(con, bertil, cid, "pH")
    services.sign_certificate(con, hanna, cid)
    row = con.execute(
        "SELECT status, signed_by, signed_role FROM certificate WHERE certificate_id = ?", [cid]
    ).fetchone()
    assert row == ("signerat", "Hanna Handledare", "handledare")


def test_a_request_to_a_current_handledare_is_not_stale_and_stays_already_sent(con: Connection) -> None:
    anna = actor(con, "pA")
    cid = _draft(con, anna, "Kurs", ["STa5"])
    services.request_signature(con, anna, cid, "pH")
    assert stale_requests(con, anna, "TA") == set()
    with pytest.raises(StateConflict, match="redan skickat"):
        services.request_signature(con, anna, cid, "pH")
    assert len(_audit(con, "request_signature", cid)) == 1


def test_a_verksamhetschef_signs_fullgjord_only_while_holding_the_role(con: Connection) -> None:
    # The intyg om fullgjord ST is HSLF-FS 2021:8's (bilaga 6): Bertil, with a Swedish AT, has chosen it.
    con.execute("UPDATE trainee SET regulation_choice = 'HSLF-FS 2021:8' WHERE trainee_id = 'TB'")
    bertil, vera = actor(con, "pB"), actor(con, "pV")
    first = services.add_certificate(con, bertil, "TB", type="fullgjord_st", title="Fullgjord ST")
    second = services.add_certificate(con, bertil, "TB", type="fullgjord_st", title="Fullgjord ST igen")
    services.request_signature(con, bertil, first, "pV")
    services.request_signature(con, bertil, second, "pV")
    assert sorted(services.pending_signatures(con, vera)["certificate_id"]) == sorted([first, second])
    services.sign_certificate(con, vera, first)
    con.execute("DELETE FROM role_assignment WHERE person_id = 'pV' AND role = 'verksamhetschef'")
    assert services.pending_signatures(con, vera).empty
    assert stale_requests(con, bertil, "TB") == {second}
    with pytest.raises(AccessDenied, match="inte längre signeras av dig"):
        services.sign_certificate(con, vera, second)
    assert _content(con, first)[0] == "signerat" and _content(con, second)[0] == "skickat"


def test_waiting_counts_on_mina_st_lakare_and_att_signera_agree(con: Connection) -> None:
    anna, hanna = actor(con, "pA"), actor(con, "pH")
    for title in ("Kurs 1", "Kurs 2"):
        services.request_signature(con, anna, _draft(con, anna, title, ["STa5"]), "pH")
    # Hanna also supervised Bertil until last week; an intyg he sent her then is no longer hers.
    insert_rows(
        con,
        "supervision",
        [
            {
                "trainee_id": "TB",
                "person_id": "pH",
                "kind": "handledare",
                "start_date": D("2020-01-01"),
                "end_date": TODAY - timedelta(days=7),
            }
        ],
    )
    con.execute(
        """INSERT INTO certificate (certificate_id, trainee_id, type, title, status, signer_person_id)
           VALUES ('TB-hanna', 'TB', 'kurs', 'Kurs', 'skickat', 'pH')"""
    )
    pending = services.pending_signatures(con, hanna)
    table = services.supervisor_table(con, hanna, TODAY)
    assert len(pending) == 2 and set(pending["trainee_id"]) == {"TA"}
    assert int(table["waiting_for_me"].sum()) == len(pending)
    assert dict(zip(table["trainee_id"], table["waiting_for_me"], strict=True)) == {"TA": 2}
    hugo = actor(con, "pH2")
    _sent_to_hugo(con)
    assert services.pending_signatures(con, hugo).empty and services.supervisor_table(con, hugo, TODAY).empty


def test_a_signer_cannot_sign_content_changed_since_it_was_shown(con: Connection) -> None:
    """Tab A shows version one; meanwhile the certificate is returned, edited and sent again."""
    from tracker.services.certificates import content_fingerprint

    trainee, hanna = actor(con, "pA"), actor(con, "pH")
    cid = services.add_certificate(con, trainee, "TA", type="kurs", title="Version ett", delmal=["STa5"])
    services.request_signature(con, trainee, cid, "pH")
    shown = services.pending_signatures(con, hanna)
    seen = str(shown[shown["certificate_id"] == cid]["fingerprint"].iloc[0])
    services.return_certificate(con, hanna, cid, "Fel rubrik", seen=seen)
    services.update_certificate(con, trainee, cid, title="Version två", delmal=["STa5", "STa6"])
    services.request_signature(con, trainee, cid, "pH")
    with pytest.raises(StateConflict, match="ändrats sedan du öppnade"):
        services.sign_certificate(con, hanna, cid, seen=seen)
    with pytest.raises(StateConflict, match="ändrats sedan du öppnade"):
        services.return_certificate(con, hanna, cid, "gammal vy", seen=seen)
    assert con.execute("SELECT status FROM certificate WHERE certificate_id = ?", [cid]).fetchone() == ("skickat",)
    fresh = services.pending_signatures(con, hanna)
    now = str(fresh[fresh["certificate_id"] == cid]["fingerprint"].iloc[0])
    assert now != seen and now == content_fingerprint(
        {"type": "kurs", "title": "Version två", "start_date": None, "end_date": None, "delmal": ["STa5", "STa6"]}
    )
    services.sign_certificate(con, hanna, cid, seen=now)
    assert con.execute("SELECT status, title FROM certificate WHERE certificate_id = ?", [cid]).fetchone() == (
        "signerat", "Version två",
    )
