"""Correcting records: editing and deleting placements, leave and credits, deleting a draft intyg and
withdrawing a sent one, overlapping placements, the BT approval date; who may do each; the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
import test_services
from appdb import actor, own_trainee
from test_app import PAGES, button, signed_in

from tracker import services
from tracker.errors import NotFoundError, OverlapConflict
from tracker.rules.progress import progress_for
from tracker.services import AccessDenied, InputError, StateConflict
from tracker.store import Connection

# The hand-made database of tests/test_services.py: people pA (trainee TA), pB (TB), pH, pH2, pS, pS2, pV,
# pAdm; a fresh copy for each test.
template = test_services.template
con = test_services.con

TODAY = date.today()
D = date.fromisoformat


def audit(con: Connection, action: str, entity: str) -> list[tuple[Any, ...]]:
    """(actor, entity_id, trainee_id, before, after) of the audit rows of one action on one entity."""
    rows = con.execute(
        "SELECT actor_person_id, entity_id, trainee_id, before_json, after_json FROM audit_log "
        "WHERE action = ? AND entity = ? ORDER BY audit_id",
        [action, entity],
    ).fetchall()
    return [(a, e, t, json.loads(b) if b else None, json.loads(f) if f else None) for a, e, t, b, f in rows]


def months(con: Connection, trainee_id: str = "TA") -> Fraction:
    return progress_for(con, trainee_id, TODAY).service_months


def placement_ids(con: Connection) -> dict[tuple[str, str], int]:
    """TA's placements of the template by (kind, start date)."""
    return {
        (k, s.isoformat()): int(i)
        for i, k, s in con.execute(
            "SELECT placement_id, kind, start_date FROM placement WHERE trainee_id = 'TA'"
        ).fetchall()
    }


def add_st(con: Connection, start: str, end: str, percent: float, **kw: Any) -> int:
    return services.add_placement(
        con,
        actor(con, "pA"),
        "TA",
        kind="ST",
        setting="annan",
        workplace="Medicinkliniken",
        start_date=D(start),
        end_date=D(end),
        percent=percent,
        **kw,
    )


def signed(con: Connection, start: str, end: str, title: str, on: str) -> str:
    """A klinisk tjänstgöring intyg for TA over the period, signed by Hanna on ``on``."""
    anna = actor(con, "pA")
    cid = services.add_certificate(
        con, anna, "TA", type="klinisk_tjanstgoring", title=title, delmal=["STc1"], start_date=D(start), end_date=D(end)
    )
    services.request_signature(con, anna, cid, "pH")
    services.sign_certificate(con, actor(con, "pH"), cid, on=D(on))
    return cid


# --- editing and deleting placements --------------------------------------------------------------


def test_an_edited_placement_reads_back_and_changes_the_counted_months(con: Connection) -> None:
    anna = actor(con, "pA")
    pid = add_st(con, "2024-01-01", "2024-06-30", 100)
    assert months(con) == 12  # BT 2023-01..06 and ST 2024-01..06, both at 100 %
    services.update_placement(
        con, anna, pid, kind="ST", setting="internmedicin", workplace=" Medicin ", start_date=D("2024-01-01"),
        end_date=D("2024-03-31"), percent=50,
    )
    row = services.trainee_entries(con, anna, "TA").placements.set_index("placement_id").loc[pid]
    assert (row["setting"], row["workplace"], row["end_date"], row["percent"]) == (
        "internmedicin", "Medicin", D("2024-03-31"), 50.0
    )
    assert months(con) == Fraction(15, 2)  # 6 + three months at 50 %
    [(who, eid, tid, before, after)] = audit(con, "update", "placement")
    assert (who, eid, tid) == ("pA", str(pid), "TA")
    assert (before["end_date"], before["percent"], before["setting"]) == ("2024-06-30", 100.0, "annan")
    assert (after["end_date"], after["percent"], after["setting"]) == ("2024-03-31", 50, "internmedicin")


def test_an_edit_is_checked_like_a_new_placement_and_an_unchanged_one_writes_nothing(con: Connection) -> None:
    anna = actor(con, "pA")
    pid = add_st(con, "2024-01-01", "2024-06-30", 100)
    with pytest.raises(InputError) as refused:
        services.update_placement(
            con, anna, pid, kind="ST", setting="annan", start_date=D("2024-06-01"), end_date=D("2024-01-01"),
            percent=150, bt_part="primarvard",
        )
    assert [e.column for e in refused.value.errors] == ["bt_part", "end_date", "percent"]
    services.update_placement(
        con, anna, pid, kind="ST", setting="annan", workplace="Medicinkliniken", start_date=D("2024-01-01"),
        end_date=D("2024-06-30"), percent=100,
    )
    assert audit(con, "update", "placement") == []
    with pytest.raises(NotFoundError, match="Placeringen finns inte"):
        services.update_placement(
            con, anna, 9999, kind="ST", setting="annan", start_date=D("2024-01-01"), end_date=D("2024-01-31"),
            percent=100,
        )


def test_deleting_a_placement_removes_its_months_and_keeps_the_row_in_the_audit(con: Connection) -> None:
    pid = add_st(con, "2024-01-01", "2024-06-30", 100)
    services.delete_placement(con, actor(con, "pA"), pid)
    assert months(con) == 6
    assert con.execute("SELECT count(*) FROM placement WHERE placement_id = ?", [pid]).fetchone() == (0,)
    [(who, eid, tid, before, after)] = audit(con, "delete", "placement")
    assert (who, eid, tid, after) == ("pA", str(pid), "TA", None)
    assert before == {
        "kind": "ST", "setting": "annan", "workplace": "Medicinkliniken", "start_date": "2024-01-01",
        "end_date": "2024-06-30", "percent": 100.0, "bt_part": None,
    }


def test_a_signed_intyg_over_the_period_locks_the_placement_and_names_the_intyg(con: Connection) -> None:
    anna = actor(con, "pA")
    ids = placement_ids(con)
    cid = signed(con, "2023-02-01", "2023-03-15", "Klinisk tjänstgöring VC Norra", "2023-04-02")
    first, second = ids[("BT", "2023-01-01")], ids[("BT", "2023-04-01")]
    expected = (
        "Placeringen 2023-01-01 – 2023-03-31 kan inte ändras eller tas bort: den omfattas av ett signerat intyg: "
        "”Klinisk tjänstgöring VC Norra” (signerat 2023-04-02)."
    )
    with pytest.raises(StateConflict) as refused:
        services.delete_placement(con, anna, first)
    assert str(refused.value).startswith(expected)
    with pytest.raises(StateConflict, match="signerat 2023-04-02"):
        services.update_placement(
            con, anna, first, kind="BT", setting="primarvard", start_date=D("2023-01-01"), end_date=D("2023-03-31"),
            percent=50,
        )
    entries = services.trainee_entries(con, anna, "TA").placements.set_index("placement_id")
    assert entries.loc[first, "covered_by"] == "”Klinisk tjänstgöring VC Norra” (signerat 2023-04-02)"
    assert entries.loc[second, "covered_by"] == ""
    services.delete_placement(con, anna, second)  # April-June: no signed intyg covers it
    assert months(con) == 3
    # Once the intyg is voided, the placement can be corrected.
    services.void_certificate(con, actor(con, "pS"), cid, "Fel period")
    services.update_placement(
        con, anna, first, kind="BT", setting="primarvard", start_date=D("2023-01-01"), end_date=D("2023-03-31"),
        percent=50,
    )
    assert months(con) == Fraction(3, 2)


def test_every_covering_intyg_is_named_and_an_unsigned_one_locks_nothing(con: Connection) -> None:
    anna = actor(con, "pA")
    first = placement_ids(con)[("BT", "2023-01-01")]
    signed(con, "2023-01-01", "2023-01-31", "Januari", "2023-02-10")
    signed(con, "2023-03-01", "2023-06-30", "Våren", "2023-07-05")
    services.add_certificate(
        con, anna, "TA", type="kurs", title="Utkast", delmal=["STa5"], start_date=D("2023-02-01"), end_date=D("2023-02-02")
    )
    with pytest.raises(StateConflict) as refused:
        services.delete_placement(con, anna, first)
    assert "den omfattas av 2 signerade intyg: ”Januari” (signerat 2023-02-10); ”Våren” (signerat 2023-07-05)." in str(
        refused.value
    )
    assert "Utkast" not in str(refused.value)


def test_a_signed_course_within_the_period_does_not_lock_the_placement(con: Connection) -> None:
    anna = actor(con, "pA")
    first = placement_ids(con)[("BT", "2023-01-01")]
    cid = services.add_certificate(
        con, anna, "TA", type="kurs", title="Ledarskap", delmal=["STa5"], start_date=D("2023-02-01"), end_date=D("2023-02-02")
    )
    services.request_signature(con, anna, cid, "pH")
    services.sign_certificate(con, actor(con, "pH"), cid, on=D("2023-02-10"))
    services.delete_placement(con, anna, first)  # a course attests the course, not the service around it
    assert ("BT", "2023-01-01") not in placement_ids(con)


def test_an_imported_placement_is_corrected_in_the_import_file(con: Connection) -> None:
    pid = add_st(con, "2024-01-01", "2024-06-30", 100)
    con.execute("UPDATE placement SET source = 'import' WHERE placement_id = ?", [pid])
    with pytest.raises(StateConflict, match="kom med en import och rättas i importfilen"):
        services.delete_placement(con, actor(con, "pAdm"), pid)


# --- overlapping placements -------------------------------------------------------------------------


def test_an_overlapping_placement_of_the_same_kind_is_refused_until_confirmed(con: Connection) -> None:
    first = add_st(con, "2024-01-01", "2024-06-30", 100)
    with pytest.raises(OverlapConflict) as refused:
        add_st(con, "2024-04-01", "2024-09-30", 50)
    assert str(refused.value) == (
        "Placeringen överlappar ST-placeringen Annan, Medicinkliniken 2024-01-01 – 2024-06-30 (100 %) under "
        "2024-04-01 – 2024-06-30. De dagarna blir omfattningen 100 % + 50 % = 150 %, som räknas som högst 100 % "
        "av heltid per dag, så 50 % räknas inte. Spara ändå om placeringarna verkligen löper parallellt (till "
        "exempel två deltidstjänster); annars rätta eller ta bort den som är fel."
    )
    assert refused.value.overlaps == (first,)
    assert isinstance(refused.value, StateConflict)
    assert con.execute("SELECT count(*) FROM placement WHERE trainee_id = 'TA'").fetchone() == (3,)
    add_st(con, "2024-04-01", "2024-09-30", 50, confirm_overlap=True)
    # 6 (BT) + 6 (January-June, capped at 100 % in April-June) + 3 months at 50 % (July-September)
    assert months(con) == Fraction(27, 2)
    # Another kind in the same period is no overlap (BT and ST are entered apart).
    services.add_placement(
        con, actor(con, "pA"), "TA", kind="BT", setting="primarvard", start_date=D("2024-02-01"),
        end_date=D("2024-02-29"), percent=100,
    )


def test_the_overlap_message_adds_up_the_worst_day_of_several_overlaps(con: Connection) -> None:
    add_st(con, "2024-01-01", "2024-06-30", 100)
    add_st(con, "2024-04-01", "2024-09-30", 50, confirm_overlap=True)
    with pytest.raises(OverlapConflict) as refused:
        add_st(con, "2024-03-01", "2024-12-31", 30)
    assert str(refused.value).startswith(
        "Placeringen överlappar 2 andra ST-placeringar: ST-placeringen Annan, Medicinkliniken 2024-01-01 – "
        "2024-06-30 (100 %) under 2024-03-01 – 2024-06-30; ST-placeringen Annan, Medicinkliniken 2024-04-01 – "
        "2024-09-30 (50 %) under 2024-04-01 – 2024-09-30. Som mest blir omfattningen samma dag "
        "100 % + 50 % + 30 % = 180 %, som räknas som högst 100 % av heltid per dag, så 80 % räknas inte."
    )
    assert len(refused.value.overlaps) == 2


def test_two_half_time_placements_count_in_full_and_the_message_says_so(con: Connection) -> None:
    add_st(con, "2024-01-01", "2024-06-30", 50)
    with pytest.raises(OverlapConflict, match=r"50 % \+ 62,5 % = 112,5 %, .* så 12,5 % räknas inte"):
        add_st(con, "2024-01-01", "2024-06-30", 62.5)
    with pytest.raises(OverlapConflict, match=r"50 % \+ 50 % = 100 %, som räknas fullt \(högst 100 % av heltid per dag\)"):
        add_st(con, "2024-01-01", "2024-06-30", 50)


def test_editing_into_an_overlap_is_refused_but_a_placement_never_overlaps_itself(con: Connection) -> None:
    anna = actor(con, "pA")
    add_st(con, "2024-01-01", "2024-06-30", 100)
    later = add_st(con, "2024-07-01", "2024-12-31", 100)
    services.update_placement(
        con, anna, later, kind="ST", setting="annan", start_date=D("2024-07-01"), end_date=D("2024-12-31"), percent=75
    )
    moved = {"kind": "ST", "setting": "annan", "start_date": D("2024-06-01"), "end_date": D("2024-12-31"), "percent": 75}
    with pytest.raises(OverlapConflict, match=r"under 2024-06-01 – 2024-06-30\. De dagarna blir omfattningen 100 % \+ 75 %"):
        services.update_placement(con, anna, later, **moved)  # type: ignore[arg-type]
    services.update_placement(con, anna, later, **moved, confirm_overlap=True)  # type: ignore[arg-type]
    assert [a[3]["start_date"] for a in audit(con, "update", "placement")] == ["2024-07-01", "2024-07-01"]


# --- leave and credits ------------------------------------------------------------------------------


def test_edited_and_deleted_leave_changes_the_counted_months(con: Connection) -> None:
    anna = actor(con, "pA")
    lid = services.add_leave(
        con, anna, "TA", kind="foraldraledighet", start_date=D("2023-02-01"), end_date=D("2023-02-28"), percent=100
    )
    assert months(con) == 5
    services.update_leave(
        con, anna, lid, kind="sjukfranvaro", start_date=D("2023-02-01"), end_date=D("2023-02-14"), percent=100
    )
    assert months(con) == Fraction(11, 2)  # 14 of February's 28 days
    row = services.trainee_entries(con, anna, "TA").leave.iloc[0]
    assert (row["kind"], row["end_date"]) == ("sjukfranvaro", D("2023-02-14"))
    services.delete_leave(con, anna, lid)
    assert months(con) == 6
    [(_, _, _, before, after)] = audit(con, "update", "leave")
    assert (before["kind"], before["end_date"], after["kind"], after["end_date"]) == (
        "foraldraledighet", "2023-02-28", "sjukfranvaro", "2023-02-14"
    )
    [(_, eid, _, before, after)] = audit(con, "delete", "leave")
    assert (eid, before["end_date"], after) == (str(lid), "2023-02-14", None)


def test_leave_under_a_signed_intyg_is_locked(con: Connection) -> None:
    anna = actor(con, "pA")
    lid = services.add_leave(
        con, anna, "TA", kind="sjukfranvaro", start_date=D("2023-05-02"), end_date=D("2023-05-05"), percent=100
    )
    signed(con, "2023-04-01", "2023-06-30", "Akutmottagningen", "2023-07-01")
    with pytest.raises(StateConflict, match="Ledigheten 2023-05-02 – 2023-05-05 kan inte ändras .*”Akutmottagningen”"):
        services.delete_leave(con, anna, lid)


# Whether a signed intyg over a leave's period locks it: it does when the leave was last written (added or
# changed in the app) before the signature, or has no log row at all (demo, import). The signature is the
# app's 'sign' row, or the intyg's own date for one that came signed (no time: a later day counts).
LEAVE_LOCK_CASES = [
    # (case, how the leave came, how the intyg was signed, locked)
    ("added in the app after the app recorded the signature", "added after", "in the app", False),
    ("added in the app before the signature", "added before", "in the app", True),
    ("added in the app, the intyg came signed on 2025-01-10", "added after", "came signed 2025-01-10", False),
    ("added in the app, the intyg came signed today", "added after", "came signed today", True),
    ("came with the demo, signed in the app", "demo", "in the app", True),
    ("came with the demo, the intyg came signed", "demo", "came signed 2025-01-10", True),
    ("came with the demo outside the period, moved into it after the signature", "demo moved in", "in the app", False),
]
INSIDE, OUTSIDE = (D("2024-10-07"), D("2024-10-11")), (D("2025-02-03"), D("2025-02-07"))


@pytest.mark.parametrize(("case", "leave", "signature", "locked"), LEAVE_LOCK_CASES, ids=[c[0] for c in LEAVE_LOCK_CASES])
def test_a_signed_intyg_locks_only_the_records_it_attested(
    con: Connection, case: str, leave: str, signature: str, locked: bool
) -> None:
    anna = actor(con, "pA")

    def add_in_app() -> int:
        return services.add_leave(con, anna, "TA", kind="sjukfranvaro", start_date=INSIDE[0], end_date=INSIDE[1])

    lid = add_in_app() if leave == "added before" else None
    if signature == "in the app":
        signed(con, "2024-09-01", "2024-12-31", "Akutmottagningen", "2025-01-10")
    else:
        day = TODAY if signature == "came signed today" else D("2025-01-10")
        con.execute(
            """INSERT INTO certificate (certificate_id, trainee_id, type, title, start_date, end_date, status,
                   signer_person_id, signed_by, signed_role, signed_date, source)
               VALUES ('C-IMP', 'TA', 'klinisk_tjanstgoring', 'Akutmottagningen', DATE '2024-09-01', DATE '2024-12-31',
                   'signerat', 'pH', 'Hanna Handledare', 'handledare', ?, 'import')""",
            [day],
        )
    if leave == "added after":
        lid = add_in_app()
    elif leave.startswith("demo"):
        start, end = OUTSIDE if leave == "demo moved in" else INSIDE
        [(lid,)] = con.execute(
            """INSERT INTO leave (trainee_id, kind, start_date, end_date, percent, source)
               VALUES ('TA', 'sjukfranvaro', ?, ?, 100, 'demo') RETURNING leave_id""",
            [start, end],
        ).fetchall()
        if leave == "demo moved in":
            services.update_leave(con, anna, lid, kind="sjukfranvaro", start_date=INSIDE[0], end_date=INSIDE[1])
    assert lid is not None
    signed_on = TODAY if signature == "came signed today" else D("2025-01-10")
    covered = services.trainee_entries(con, anna, "TA").leave.set_index("leave_id").loc[lid, "covered_by"]
    assert covered == (f"”Akutmottagningen” (signerat {signed_on.isoformat()})" if locked else "")
    if locked:
        with pytest.raises(StateConflict, match="Ledigheten 2024-10-07 – 2024-10-11 kan inte ändras"):
            services.delete_leave(con, anna, lid)
    else:
        services.delete_leave(con, anna, lid)  # written after the signature: the intyg did not attest it
        assert con.execute("SELECT count(*) FROM leave WHERE leave_id = ?", [lid]).fetchone() == (0,)


def test_an_edited_credit_is_judged_against_the_other_credits(con: Connection) -> None:
    anna = actor(con, "pA")
    first = services.add_credit(con, anna, "TA", kind="tidigare_st", months=20, note="ST i kirurgi")
    second = services.add_credit(con, anna, "TA", kind="tidigare_st", months=5, note="ST i ortopedi")
    with pytest.raises(InputError) as refused:
        services.update_credit(con, anna, second, kind="tidigare_st", months=12, note="ST i ortopedi")
    assert [(e.column, e.message) for e in refused.value.errors] == [
        ("months", "tidigare ST för TA blir sammanlagt 32 månader; högst 30 månader får tillgodoräknas")
    ]
    # The edited row is not counted twice: 25 + 5 is exactly the cap.
    services.update_credit(con, anna, first, kind="tidigare_st", months=25, note="ST i kirurgi 2019–2021")
    assert progress_for(con, "TA", TODAY).credited_months == 30
    with pytest.raises(InputError, match="annan merit kan tillgodoräknas mot BT"):
        services.update_credit(con, anna, second, kind="annan", months=5, applies_to="ST")
    services.add_credit(con, anna, "TA", kind="utlandstjanstgoring", months=3, note="Norge")
    with pytest.raises(InputError, match="samma tillgodoräknande är redan registrerat"):
        services.update_credit(con, anna, second, kind="utlandstjanstgoring", months=3, note="Norge")
    services.delete_credit(con, anna, first)
    assert progress_for(con, "TA", TODAY).credited_months == 8  # 5 (tidigare ST) + 3 (utlandstjänstgöring)
    [(_, _, _, before, after)] = audit(con, "update", "credit")
    assert (before["months"], before["note"], after["months"], after["note"]) == (
        20.0, "ST i kirurgi", 25, "ST i kirurgi 2019–2021"
    )
    assert [(a[1], a[3]["months"], a[4]) for a in audit(con, "delete", "credit")] == [(str(first), 25.0, None)]


# --- certificates: deleting a draft, withdrawing a request ------------------------------------------


def test_a_draft_is_deleted_with_its_delmal_and_the_audit_keeps_it(con: Connection) -> None:
    anna = actor(con, "pA")
    cid = services.add_certificate(con, anna, "TA", type="kurs", title="Dubblett", delmal=["STa5", "STa6"])
    services.delete_certificate(con, anna, cid)
    assert con.execute("SELECT count(*) FROM certificate WHERE certificate_id = ?", [cid]).fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM certificate_delmal WHERE certificate_id = ?", [cid]).fetchone() == (0,)
    [(who, eid, tid, before, after)] = audit(con, "delete", "certificate")
    assert (who, eid, tid, after) == ("pA", cid, "TA", None)
    assert (before["title"], before["status"], before["delmal"]) == ("Dubblett", "utkast", ["STa5", "STa6"])


def test_a_returned_draft_can_be_deleted_but_not_a_sent_or_signed_one(con: Connection) -> None:
    anna, hanna = actor(con, "pA"), actor(con, "pH")
    returned = services.add_certificate(con, anna, "TA", type="kurs", title="Kurs", delmal=["STa5"])
    services.request_signature(con, anna, returned, "pH")
    services.return_certificate(con, hanna, returned, "Fel datum")
    services.delete_certificate(con, anna, returned)
    sent = services.add_certificate(con, anna, "TA", type="kurs", title="Skickad", delmal=["STa5"])
    services.request_signature(con, anna, sent, "pH")
    with pytest.raises(StateConflict, match="dra tillbaka det först"):
        services.delete_certificate(con, anna, sent)
    done = signed(con, "2023-01-01", "2023-01-31", "Signerat", "2023-02-01")
    with pytest.raises(StateConflict, match="makuleras med ett skäl"):
        services.delete_certificate(con, anna, done)
    assert [a[1] for a in audit(con, "delete", "certificate")] == [returned]


def test_a_sent_intyg_is_withdrawn_to_a_draft_without_its_addressee(con: Connection) -> None:
    anna = actor(con, "pA")
    cid = services.add_certificate(con, anna, "TA", type="kurs", title="Kurs", delmal=["STa5"])
    services.request_signature(con, anna, cid, "pH")
    assert list(services.pending_signatures(con, actor(con, "pH"))["certificate_id"]) == [cid]
    services.withdraw_certificate(con, anna, cid)
    assert con.execute(
        "SELECT status, signer_person_id FROM certificate WHERE certificate_id = ?", [cid]
    ).fetchone() == ("utkast", None)
    assert services.pending_signatures(con, actor(con, "pH")).empty
    [(who, eid, _, before, after)] = audit(con, "withdraw", "certificate")
    assert (who, eid) == ("pA", cid)
    assert (before["status"], before["signer_person_id"], after["status"], after["signer_person_id"]) == (
        "skickat", "pH", "utkast", None
    )
    with pytest.raises(StateConflict, match="inte skickat för signering"):
        services.withdraw_certificate(con, anna, cid)
    # The draft can be changed and sent again.
    services.update_certificate(con, anna, cid, title="Kurs i ledarskap", delmal=["STa5"])
    services.request_signature(con, anna, cid, "pH")
    services.sign_certificate(con, actor(con, "pH"), cid)
    with pytest.raises(StateConflict, match="redan signerats"):
        services.withdraw_certificate(con, anna, cid)


# --- the BT approval date -------------------------------------------------------------------------


def test_the_bt_approval_date_is_validated_recorded_and_cleared(con: Connection) -> None:
    anna = actor(con, "pA")
    with pytest.raises(InputError) as refused:
        services.set_bt_approval(con, anna, "TA", D("2022-05-31"))
    assert [(e.column, e.message) for e in refused.value.errors] == [
        ("bt_approved_date", "godkänd BT kan inte ligga före legitimationsdatum (2022-06-01)")
    ]
    with pytest.raises(InputError, match="kan inte ligga i framtiden"):
        services.set_bt_approval(con, anna, "TA", TODAY + timedelta(days=1))
    assert services.trainee_overview(con, anna, "TA", TODAY).bt.approved is False  # type: ignore[union-attr]
    services.set_bt_approval(con, anna, "TA", D("2023-08-15"))
    assert services.trainee_record(con, anna, "TA").trainee.bt_approved_date == D("2023-08-15")
    assert services.trainee_overview(con, anna, "TA", TODAY).bt.approved is True  # type: ignore[union-attr]
    services.set_bt_approval(con, anna, "TA", D("2023-08-15"))  # unchanged: nothing written
    services.set_bt_approval(con, actor(con, "pS"), "TA", None)
    assert services.trainee_record(con, anna, "TA").trainee.bt_approved_date is None
    assert [(a[0], a[1], a[3], a[4]) for a in audit(con, "update", "trainee")] == [
        ("pA", "TA", {"bt_approved_date": None}, {"bt_approved_date": "2023-08-15"}),
        ("pS", "TA", {"bt_approved_date": "2023-08-15"}, {"bt_approved_date": None}),
    ]


def test_there_is_no_bt_to_approve_under_sosfs_2015_8(con: Connection) -> None:
    with pytest.raises(StateConflict, match="bara för ST-läkare som följer HSLF-FS 2021:8; Bertil ST följer SOSFS 2015:8"):
        services.set_bt_approval(con, actor(con, "pB"), "TB", D("2020-06-01"))


# --- who may correct ------------------------------------------------------------------------------


def _matrix_records(con: Connection) -> dict[str, Any]:
    """TA's records to correct: an ST placement, a leave period, a credit, a draft and a sent intyg."""
    anna = actor(con, "pA")
    return {
        "placement": add_st(con, "2024-01-01", "2024-06-30", 100),
        "leave": services.add_leave(
            con, anna, "TA", kind="sjukfranvaro", start_date=D("2024-02-01"), end_date=D("2024-02-07")
        ),
        "credit": services.add_credit(con, anna, "TA", kind="tidigare_st", months=6, note="ST i kirurgi"),
        "draft": services.add_certificate(con, anna, "TA", type="kurs", title="Utkast", delmal=["STa6"]),
        "sent": _sent(con, anna),
    }


def _sent(con: Connection, anna: services.Actor) -> str:
    cid = services.add_certificate(con, anna, "TA", type="kurs", title="Skickat", delmal=["STa5"])
    services.request_signature(con, anna, cid, "pH")
    return cid


CORRECTIONS: dict[str, Callable[[Connection, services.Actor, dict[str, Any]], object]] = {
    "edit_placement": lambda c, a, r: services.update_placement(
        c, a, r["placement"], kind="ST", setting="annan", start_date=D("2024-01-01"), end_date=D("2024-03-31"),
        percent=100,
    ),
    "delete_placement": lambda c, a, r: services.delete_placement(c, a, r["placement"]),
    "edit_leave": lambda c, a, r: services.update_leave(
        c, a, r["leave"], kind="sjukfranvaro", start_date=D("2024-02-01"), end_date=D("2024-02-03")
    ),
    "delete_leave": lambda c, a, r: services.delete_leave(c, a, r["leave"]),
    "edit_credit": lambda c, a, r: services.update_credit(c, a, r["credit"], kind="tidigare_st", months=7),
    "delete_credit": lambda c, a, r: services.delete_credit(c, a, r["credit"]),
    "delete_draft": lambda c, a, r: services.delete_certificate(c, a, r["draft"]),
    "withdraw_sent": lambda c, a, r: services.withdraw_certificate(c, a, r["sent"]),
    "bt_approval": lambda c, a, r: services.set_bt_approval(c, a, "TA", D("2023-08-15")),
}

# Who may correct TA's records: Anna herself, Sara (studierektor of region R1, TA's unit U1), the
# administrator; not Bertil (another trainee), Hanna (TA's handledare), Sven (studierektor of another
# region) or Vera (verksamhetschef of another unit).
CORRECTORS = {"pA": True, "pS": True, "pAdm": True, "pB": False, "pH": False, "pS2": False, "pV": False}


@pytest.mark.parametrize("action", list(CORRECTIONS))
@pytest.mark.parametrize("pid", list(CORRECTORS))
def test_corrections_follow_the_access_matrix(con: Connection, pid: str, action: str) -> None:
    records = _matrix_records(con)
    written = con.execute("SELECT count(*) FROM audit_log").fetchone()
    run = CORRECTIONS[action]
    if CORRECTORS[pid]:
        run(con, actor(con, pid), records)
        assert con.execute("SELECT actor_person_id FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchone() == (pid,)
    else:
        with pytest.raises(AccessDenied):
            run(con, actor(con, pid), records)
        assert con.execute("SELECT count(*) FROM audit_log").fetchone() == written


def test_a_studierektor_corrects_only_in_their_own_region(con: Connection) -> None:
    pid = services.add_placement(
        con, actor(con, "pB"), "TB", kind="ST", setting="annan", start_date=D("2024-01-01"), end_date=D("2024-01-31"),
        percent=100,
    )
    with pytest.raises(AccessDenied):
        services.delete_placement(con, actor(con, "pS"), pid)  # TB is in region R2
    with pytest.raises(AccessDenied):
        services.delete_placement(con, actor(con, "pV"), pid)  # Vera heads TB's unit, but is not a studierektor
    services.delete_placement(con, actor(con, "pS2"), pid)  # Sven: studierektor of R2 Väst, TB's area
    assert audit(con, "delete", "placement")[0][:3] == ("pS2", str(pid), "TB")


# --- the pages (AppTest) ----------------------------------------------------------------------------


def _free_placement(wdb: Connection, tid: str) -> tuple[int, date, date]:
    """The demo trainee's last placement: planned, so no signed intyg covers it."""
    row = wdb.execute(
        "SELECT placement_id, start_date, end_date FROM placement WHERE trainee_id = ? ORDER BY start_date DESC LIMIT 1",
        [tid],
    ).fetchone()
    assert row is not None and row[1] > TODAY
    return int(row[0]), row[1], row[2]


def _form(at: Any, form_id: str) -> Any:
    found = [f for f in at.get("form") if f.proto.form.form_id == form_id]
    assert found, f"no form {form_id!r}"
    return found[0]


PICK_PLACEMENT = "Välj placeringen att ändra eller ta bort"


def _select(at: Any, label: str) -> Any:
    found = [s for s in at.selectbox if s.label == label]
    assert len(found) == 1, f"{len(found)} selects {label!r}"
    return found[0]


def _texts(at: Any, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


def test_the_trainee_changes_a_placement_on_tidslinje(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    pid, _, end = _free_placement(wdb, tid)
    before = progress_for(wdb, tid, TODAY).projected_completion_date
    at = signed_in(wdb, "st@demo.se", "st_lakare/tidslinje")
    _select(at, PICK_PLACEMENT).set_value(pid).run()
    form = _form(at, f"own_placement_edit_{pid}")
    form.number_input[0].set_value(50.0)
    button(at, "Spara ändrad placering").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Placeringen är ändrad." in _texts(at, "success")
    assert wdb.execute("SELECT percent, end_date FROM placement WHERE placement_id = ?", [pid]).fetchone() == (50.0, end)
    grid = at.table[-1].value
    assert "50 %" in set(grid["Omfattning"])
    # The select still shows the changed placement, by its new label, and keeps it on the next run.
    for _ in range(2):
        chosen = _select(at, PICK_PLACEMENT)
        assert chosen.value == pid and chosen.options[chosen.index].endswith("· 50 %")
        at.run()
    assert progress_for(wdb, tid, TODAY).projected_completion_date != before
    assert wdb.execute("SELECT count(*) FROM audit_log WHERE action = 'update' AND entity = 'placement'").fetchone() == (1,)


def test_a_duplicate_placement_asks_for_confirmation_and_is_then_deleted(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    pid, start, end = _free_placement(wdb, tid)
    setting, percent = wdb.execute("SELECT setting, percent FROM placement WHERE placement_id = ?", [pid]).fetchone()
    at = signed_in(wdb, "st@demo.se", "st_lakare/tidslinje")
    form = _form(at, "add_placement")
    form.selectbox[1].set_value(setting)
    form.date_input[0].set_value(start)
    form.date_input[1].set_value(end)
    button(at, "Spara placering").click().run()
    assert not at.exception
    p = f"{int(percent)} %"
    warning = next(w for w in _texts(at, "warning") if "överlappar" in w).replace("\\", "")
    assert f"{p} + 100 % = {int(percent) + 100} %, som räknas som högst 100 % av heltid per dag" in warning
    count = wdb.execute("SELECT count(*) FROM placement WHERE trainee_id = ?", [tid]).fetchone()[0]
    button(at, "Spara ändå").click().run()
    assert "Placeringen är sparad." in _texts(at, "success")
    assert wdb.execute("SELECT count(*) FROM placement WHERE trainee_id = ?", [tid]).fetchone()[0] == count + 1
    duplicate = int(wdb.execute("SELECT max(placement_id) FROM placement").fetchone()[0])
    _select(at, PICK_PLACEMENT).set_value(duplicate).run()
    button(at, "Ta bort placeringen").click().run()
    assert any("Det går inte att ångra" in w for w in _texts(at, "warning"))
    button(at, "Ja, ta bort").click().run()
    assert not at.exception
    assert "Placeringen är borttagen." in _texts(at, "success")
    assert wdb.execute("SELECT count(*) FROM placement WHERE placement_id = ?", [duplicate]).fetchone() == (0,)
    assert wdb.execute("SELECT count(*) FROM placement WHERE trainee_id = ?", [tid]).fetchone()[0] == count


def test_a_placement_under_a_signed_intyg_is_shown_as_locked(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    row = wdb.execute(
        """SELECT p.placement_id, c.title FROM placement p JOIN certificate c USING (trainee_id)
           WHERE p.trainee_id = ? AND c.status = 'signerat' AND c.start_date <= p.end_date AND c.end_date >= p.start_date
           ORDER BY p.start_date, c.signed_date LIMIT 1""",
        [tid],
    ).fetchone()
    assert row is not None
    at = signed_in(wdb, "st@demo.se", "st_lakare/tidslinje")
    _select(at, PICK_PLACEMENT).set_value(int(row[0])).run()
    locked = [i for i in _texts(at, "info") if "omfattas av" in i and "makulerats" in i]
    assert locked and row[1] in locked[0].replace("\\", "")
    several = locked[0].count("” (signerat ") > 1
    assert ("omfattas av signerade intyg" in locked[0]) == several
    assert ("förrän de har makulerats" if several else "förrän intyget har makulerats") in locked[0]
    assert not [f for f in at.get("form") if f.proto.form.form_id == f"own_placement_edit_{row[0]}"]


def test_the_trainee_deletes_a_draft_and_withdraws_a_sent_intyg(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    draft, sent = (
        wdb.execute(
            f"SELECT certificate_id FROM certificate WHERE trainee_id = ? AND status = '{s}' ORDER BY certificate_id LIMIT 1",
            [tid],
        ).fetchone()[0]
        for s in ("utkast", "skickat")
    )
    at = signed_in(wdb, "st@demo.se", "st_lakare/intyg")
    at.segmented_control(key="own_certs_section").set_value("Ändra intyg").run()
    at.selectbox(key="own_certs_delete_pick").set_value(draft).run()
    button(at, "Ta bort utkastet").click().run()
    button(at, "Ja, ta bort").click().run()
    assert "Utkastet är borttaget." in _texts(at, "success")
    assert wdb.execute("SELECT count(*) FROM certificate WHERE certificate_id = ?", [draft]).fetchone() == (0,)
    at.selectbox(key="own_certs_withdraw_pick").set_value(sent).run()
    button(at, "Dra tillbaka").click().run()
    assert not at.exception
    assert "Intyget är tillbakadraget och är ett utkast igen." in _texts(at, "success")
    assert wdb.execute("SELECT status FROM certificate WHERE certificate_id = ?", [sent]).fetchone() == ("utkast",)


def test_the_trainee_records_the_bt_approval_and_the_overview_shows_it(wdb: Connection) -> None:
    tid = own_trainee(wdb)
    approved = D("2025-04-10")
    at = signed_in(wdb, "st@demo.se", "st_lakare/intyg")
    at.segmented_control(key="own_certs_section").set_value("Godkänd BT").run()
    form = _form(at, "own_bt_approval")
    assert form.date_input[0].value == wdb.execute(
        "SELECT bt_approved_date FROM trainee WHERE trainee_id = ?", [tid]
    ).fetchone()[0]
    form.date_input[0].set_value(approved)
    button(at, "Spara datum").click().run()
    assert not at.exception
    assert "BT är registrerad som godkänd 10 april 2025." in _texts(at, "success")
    at.switch_page(f"{PAGES}/st_lakare/oversikt.py").run()
    assert "BT är godkänd av Socialstyrelsen 10 april 2025." in _texts(at, "success")


def test_date_inputs_accept_dates_from_1950_to_the_projection_horizon(wdb: Connection) -> None:
    at = signed_in(wdb, "st@demo.se", "st_lakare/tidslinje")
    dates = _form(at, "add_placement").date_input
    assert [(d.min, d.max) for d in dates] == [(date(1950, 1, 1), date(TODAY.year + 59, 12, 31))] * 2


def test_the_studierektor_corrects_a_trainee_in_the_area(wdb: Connection) -> None:
    at = signed_in(wdb, "studierektor@demo.se", "utbildningsenhet/st_lakare")
    picker = at.selectbox(key="tl_open_False")
    name = picker.options[0]
    tid = wdb.execute("SELECT trainee_id FROM trainee WHERE name = ?", [name]).fetchone()[0]
    picker.set_value(next(t for t in picker.options if t == name))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    key = f"tv_False_fix_{tid}"
    pid, start, end = wdb.execute(
        "SELECT placement_id, start_date, end_date FROM placement WHERE trainee_id = ? ORDER BY start_date DESC LIMIT 1",
        [tid],
    ).fetchone()
    _select(at, PICK_PLACEMENT).set_value(int(pid)).run()
    form = _form(at, f"{key}_placement_edit_{pid}")
    form.date_input[1].set_value(end - timedelta(days=1))
    button(at, "Spara ändrad placering").click().run()
    assert not at.exception
    assert "Placeringen är ändrad." in _texts(at, "success")
    assert wdb.execute("SELECT end_date FROM placement WHERE placement_id = ?", [pid]).fetchone() == (end - timedelta(days=1),)
    sr = wdb.execute("SELECT person_id FROM person WHERE email = 'studierektor@demo.se'").fetchone()[0]
    assert wdb.execute(
        "SELECT actor_person_id FROM audit_log WHERE action = 'update' AND entity_id = ?", [str(pid)]
    ).fetchone() == (sr,)
