"""The service layer: who may read and write what, audit rows, and effects on computed progress."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from appdb import actor, fresh_copy
from rows import insert_rows

from tracker import services
from tracker.accounts import Actor, actor_for_email, hash_password, verify_password
from tracker.errors import LoginError, StateConflict
from tracker.rules.progress import progress_for
from tracker.services import AccessDenied, InputError
from tracker.store import Connection, catalogue, connect

TODAY = date.today()
D = date.fromisoformat




@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small, hand-made database: two regions, three units, two trainees and their staff."""
    path = str(tmp_path_factory.mktemp("svc") / "template.duckdb")
    con = connect(path)
    catalogue.ensure_catalogue(con)
    pw = hash_password("hemligt")
    insert_rows(con, "region", [{"region_id": "R1", "name": "Region Norr"}, {"region_id": "R2", "name": "Region Syd"}])
    insert_rows(
        con,
        "unit",
        [
            {"unit_id": "U1", "name": "VC Norra", "region_id": "R1", "area": "Norra", "kind": "vardcentral"},
            {"unit_id": "U2", "name": "VC Södra", "region_id": "R1", "area": "Södra", "kind": "vardcentral"},
            {"unit_id": "U3", "name": "VC Väst", "region_id": "R2", "area": "Väst", "kind": "vardcentral"},
        ],
    )
    people = {
        "pA": "Anna ST",
        "pB": "Bertil ST",
        "pH": "Hanna Handledare",
        "pH2": "Hugo Handledare",
        "pS": "Sara Studierektor",
        "pS2": "Sven Studierektor",
        "pV": "Vera Verksamhetschef",
        "pAdm": "Adam Admin",
    }
    insert_rows(
        con,
        "person",
        [
            {"person_id": k, "name": v, "email": f"{k.lower()}@example.se", "password_hash": pw}
            for k, v in people.items()
        ],
    )
    insert_rows(
        con,
        "role_assignment",
        [
            {"person_id": "pA", "role": "st_lakare"},
            {"person_id": "pB", "role": "st_lakare"},
            {"person_id": "pH", "role": "handledare"},
            {"person_id": "pH2", "role": "handledare"},
            {"person_id": "pS", "role": "studierektor", "region_id": "R1"},
            {"person_id": "pS2", "role": "studierektor", "region_id": "R2", "area": "Väst"},
            {"person_id": "pV", "role": "verksamhetschef", "unit_id": "U3"},
            {"person_id": "pAdm", "role": "admin"},
        ],
    )
    insert_rows(
        con,
        "trainee",
        [
            {
                "trainee_id": "TA",
                "person_id": "pA",
                "name": "Anna ST",
                "specialty": "Allmänmedicin",
                "legitimation_date": D("2022-06-01"),
                "swedish_at": False,
                "st_start_date": D("2023-01-01"),
                "unit_id": "U1",
            },
            {
                "trainee_id": "TB",
                "person_id": "pB",
                "name": "Bertil ST",
                "specialty": "Allmänmedicin",
                "legitimation_date": D("2016-06-01"),
                "swedish_at": True,
                "st_start_date": D("2020-01-01"),
                "unit_id": "U3",
            },
        ],
    )
    insert_rows(
        con,
        "supervision",
        [
            {"trainee_id": "TA", "person_id": "pH", "kind": "huvudhandledare", "start_date": D("2023-01-01")},
            # Hugo supervised Bertil, but that ended a month ago.
            {
                "trainee_id": "TB",
                "person_id": "pH2",
                "kind": "huvudhandledare",
                "start_date": D("2020-01-01"),
                "end_date": TODAY - timedelta(days=30),
            },
        ],
    )
    insert_rows(
        con,
        "placement",
        [
            {
                "trainee_id": "TA",
                "kind": "BT",
                "setting": "primarvard",
                "start_date": D("2023-01-01"),
                "end_date": D("2023-03-31"),
                "percent": 100.0,
            },
            {
                "trainee_id": "TA",
                "kind": "BT",
                "setting": "akutsjukvard",
                "start_date": D("2023-04-01"),
                "end_date": D("2023-06-30"),
                "percent": 100.0,
            },
            {
                "trainee_id": "TB",
                "kind": "ST",
                "setting": "primarvard",
                "start_date": D("2020-01-01"),
                "end_date": D("2021-12-31"),
                "percent": 100.0,
            },
        ],
    )
    insert_rows(
        con,
        "intressent",
        [
            {
                "intressent_id": "I1",
                "name": "Ines Intressent",
                "email": "ines@example.se",
                "specialty": "Allmänmedicin",
                "unit_id": "U1",
                "legitimation_date": D("2024-01-15"),
                "swedish_at": False,
                "step": "vantelista",
                "reported_date": D("2025-01-10"),
            },
            {
                "intressent_id": "I2",
                "name": "Ivar Intressent",
                "specialty": "Allmänmedicin",
                "unit_id": "U3",
                "step": "intresse",
                "reported_date": D("2025-02-01"),
            },
        ],
    )
    insert_rows(
        con,
        "intressent_step",
        [
            {"intressent_id": "I1", "step": "intresse", "step_date": D("2025-01-10")},
            {"intressent_id": "I1", "step": "vantelista", "step_date": D("2025-03-01")},
            {"intressent_id": "I2", "step": "intresse", "step_date": D("2025-02-01")},
        ],
    )
    con.close()
    return path


@pytest.fixture
def con(template: str, tmp_path: Path) -> Iterator[Connection]:
    """A fresh copy of the template database for each test."""
    yield from fresh_copy(template, tmp_path)



def audit_rows(con: Connection, action: str) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT actor_person_id, entity, entity_id, trainee_id, before_json, after_json FROM audit_log "
        "WHERE action = ? ORDER BY audit_id",
        [action],
    ).fetchall()


# --- actors -----------------------------------------------------------------------------------


def test_actor_carries_roles_and_scope(con: Connection) -> None:
    a = actor(con, "pA")
    assert a.roles == {"st_lakare"} and a.trainee_id == "TA"
    assert actor(con, "pS").regions == {"R1"}
    assert actor(con, "pS2").areas == {("R2", "Väst")}
    assert actor(con, "pV").unit_ids == {"U3"}
    assert actor_for_email(con, "PA@Example.se") == a
    assert actor_for_email(con, "okand@example.se") is None


def test_password_is_checked_and_the_account_locks_after_five_failures(con: Connection) -> None:
    assert verify_password(con, "pa@example.se", "hemligt") == actor(con, "pA")
    assert verify_password(con, "pa@example.se", "fel") is None
    assert verify_password(con, "ingen@example.se", "hemligt") is None
    moment = datetime(2026, 1, 1, 12, 0)
    for _ in range(3):
        assert verify_password(con, "pa@example.se", "fel", now=moment) is None
    with pytest.raises(LoginError, match="låst i 15 minuter"):
        verify_password(con, "pa@example.se", "fel", now=moment)
    # Even the right password is refused while locked ...
    with pytest.raises(LoginError, match="Kontot är låst"):
        verify_password(con, "pa@example.se", "hemligt", now=moment + timedelta(minutes=14))
    # ... and accepted once the 15 minutes have passed.
    assert verify_password(con, "pa@example.se", "hemligt", now=moment + timedelta(minutes=16)) is not None


# --- the access matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pid", "trainee_id", "allowed"),
    [
        ("pA", "TA", True),  # own record
        ("pA", "TB", False),  # another trainee
        ("pH", "TA", True),  # current supervision
        ("pH", "TB", False),  # not assigned
        ("pH2", "TB", False),  # the assignment has ended
        ("pS", "TA", True),  # studierektor of the region
        ("pS", "TB", False),  # another region
        ("pS2", "TB", True),  # studierektor of the area
        ("pS2", "TA", False),
        ("pV", "TB", True),  # verksamhetschef of the unit
        ("pV", "TA", False),
        ("pAdm", "TA", True),
        ("pAdm", "TB", True),
    ],
)
def test_reads_follow_the_scope_rules(con: Connection, pid: str, trainee_id: str, allowed: bool) -> None:
    a = actor(con, pid)
    reads = [
        lambda: services.trainee_overview(con, a, trainee_id, TODAY),
        lambda: services.certificates(con, a, trainee_id),
        lambda: services.timeline(con, a, trainee_id),
        lambda: services.handledare_for(con, a, trainee_id),
        lambda: services.trainee_record(con, a, trainee_id),
    ]
    for read in reads:
        if allowed:
            read()
        else:
            with pytest.raises(AccessDenied):
                read()
    assert (trainee_id in set(services.visible_trainees(con, a)["trainee_id"])) is allowed


def test_aggregates_only_contain_the_actors_trainees(con: Connection) -> None:
    assert list(services.cohort(con, actor(con, "pS"), TODAY)["trainee_id"]) == ["TA"]
    assert list(services.cohort(con, actor(con, "pS2"), TODAY)["trainee_id"]) == ["TB"]
    assert sorted(services.cohort(con, actor(con, "pAdm"), TODAY)["trainee_id"]) == ["TA", "TB"]
    assert set(services.delmal_long(con, actor(con, "pS"), TODAY)["trainee_id"]) == {"TA"}
    assert list(services.supervisor_table(con, actor(con, "pH"), TODAY)["trainee_id"]) == ["TA"]
    assert services.supervisor_table(con, actor(con, "pH2"), TODAY).empty


def test_trainees_and_handledare_cannot_open_office_pages(con: Connection) -> None:
    for pid in ("pA", "pH"):
        with pytest.raises(AccessDenied):
            services.intressent_queue(con, actor(con, pid))
        with pytest.raises(AccessDenied):
            services.check_import(con, actor(con, pid), {"trainees.csv": b"trainee_id\n"})
    assert list(services.intressent_queue(con, actor(con, "pS"))["intressent_id"]) == ["I1"]
    assert list(services.intressent_queue(con, actor(con, "pV"))["intressent_id"]) == ["I2"]


def test_only_the_trainee_or_admin_adds_records(con: Connection) -> None:
    period = {"kind": "ST", "setting": "annan", "start_date": D("2024-01-01"), "end_date": D("2024-01-31")}
    for pid in ("pB", "pH", "pS"):
        with pytest.raises(AccessDenied):
            services.add_placement(con, actor(con, pid), "TA", percent=100, **period)  # type: ignore[arg-type]
    services.add_placement(con, actor(con, "pAdm"), "TA", percent=100, **period)  # type: ignore[arg-type]


# --- writes change progress and leave audit rows ----------------------------------------------


def test_adding_a_placement_is_audited_and_adds_its_months(con: Connection) -> None:
    a = actor(con, "pA")
    before = progress_for(con, "TA", TODAY)
    assert before.service_months == Fraction(6)  # BT 2023-01..06 at 100 %
    pid = services.add_placement(
        con,
        a,
        "TA",
        kind="ST",
        setting="annan",
        workplace="Medicinkliniken",
        start_date=D("2024-01-01"),
        end_date=D("2024-06-30"),
        percent=50,
    )
    after = services.trainee_overview(con, a, "TA", TODAY)
    assert after.service_months == Fraction(9)  # + 6 months at 50 %
    rows = audit_rows(con, "add")
    assert rows[-1][:4] == ("pA", "placement", str(pid), "TA")
    assert json.loads(str(rows[-1][5]))["percent"] == 50


def test_leave_reduces_counted_time(con: Connection) -> None:
    a = actor(con, "pA")
    services.add_leave(
        con, a, "TA", kind="foraldraledighet", start_date=D("2023-02-01"), end_date=D("2023-02-28"), percent=100
    )
    assert services.trainee_overview(con, a, "TA", TODAY).service_months == Fraction(5)
    assert audit_rows(con, "add")[-1][1] == "leave"


def test_bad_input_is_refused_row_by_row(con: Connection) -> None:
    a = actor(con, "pA")
    with pytest.raises(InputError) as err:
        services.add_placement(
            con, a, "TA", kind="XX", setting="annan", start_date=D("2024-02-01"), end_date=D("2024-01-01"), percent=150
        )
    columns = {e.column for e in err.value.errors}
    assert columns == {"kind", "end_date", "percent"}
    assert "slutdatum ligger före startdatum" in str(err.value)
    with pytest.raises(InputError, match="STc99 finns inte"):
        services.add_certificate(con, a, "TA", type="kurs", title="Kurs", delmal=["STc99"])
    assert not audit_rows(con, "add")


def test_certificate_flow_sign_makes_delmal_uppfyllt_and_locks(con: Connection) -> None:
    trainee, hanna, hugo = actor(con, "pA"), actor(con, "pH"), actor(con, "pH2")
    cid = services.add_certificate(
        con,
        trainee,
        "TA",
        type="klinisk_tjanstgoring",
        title="Klinisk tjänstgöring VC",
        delmal=["STc1", "STc2"],
        start_date=D("2023-01-01"),
        end_date=D("2023-06-30"),
    )
    assert services.trainee_overview(con, trainee, "TA", TODAY).delmal["STc1"] == "pågår"
    # Only a current handledare can be asked; a trainee cannot sign.
    with pytest.raises(AccessDenied):
        services.request_signature(con, trainee, cid, "pH2")
    with pytest.raises(AccessDenied):
        services.sign_certificate(con, trainee, cid)
    services.request_signature(con, trainee, cid, "pH")
    assert list(services.pending_signatures(con, hanna)["certificate_id"]) == [cid]
    assert services.pending_signatures(con, hugo).empty
    # Signing as someone else is refused.
    with pytest.raises(AccessDenied):
        services.sign_certificate(con, hugo, cid)
    with pytest.raises(AccessDenied):
        services.sign_certificate(con, actor(con, "pAdm"), cid)
    services.sign_certificate(con, hanna, cid)
    progress = services.trainee_overview(con, trainee, "TA", TODAY)
    assert progress.delmal["STc1"] == "uppfyllt" and progress.delmal["STc2"] == "uppfyllt"
    certs = services.certificates(con, trainee, "TA")
    row = certs[certs["certificate_id"] == cid].iloc[0]
    assert row["status"] == "signerat" and row["signed_by"] == "Hanna Handledare" and row["delmal"] == ["STc1", "STc2"]
    sign = audit_rows(con, "sign")
    assert sign[-1][:4] == ("pH", "certificate", cid, "TA")
    assert json.loads(str(sign[-1][4]))["status"] == "skickat"
    assert json.loads(str(sign[-1][5]))["status"] == "signerat"
    # A signed certificate is locked.
    with pytest.raises(StateConflict, match="låst"):
        services.update_certificate(con, trainee, cid, title="Ändrad", delmal=["STc1"])
    with pytest.raises(StateConflict, match="låst"):
        services.sign_certificate(con, hanna, cid)
    with pytest.raises(StateConflict, match="låst"):
        services.return_certificate(con, hanna, cid, "fel")
    with pytest.raises(StateConflict, match="låst"):
        services.request_signature(con, trainee, cid, "pH")


def test_returned_certificate_can_be_edited_and_resent(con: Connection) -> None:
    trainee, hanna = actor(con, "pA"), actor(con, "pH")
    cid = services.add_certificate(con, trainee, "TA", type="kurs", title="Ledarskap", delmal=["STa5"])
    services.request_signature(con, trainee, cid, "pH")
    with pytest.raises(StateConflict, match="väntar på signering"):
        services.update_certificate(con, trainee, cid, title="x", delmal=["STa5"])
    with pytest.raises(InputError):
        services.return_certificate(con, hanna, cid, "   ")
    services.return_certificate(con, hanna, cid, "Ange kursens datum.")
    certs = services.certificates(con, trainee, "TA")
    assert certs.iloc[0]["status"] == "returnerat" and certs.iloc[0]["comment"] == "Ange kursens datum."
    services.update_certificate(
        con,
        trainee,
        cid,
        title="Ledarskap",
        delmal=["STa5", "STa6"],
        start_date=D("2024-03-04"),
        end_date=D("2024-03-06"),
    )
    services.request_signature(con, trainee, cid, "pH")
    assert len(audit_rows(con, "request_signature")) == 2
    assert [r[1] for r in audit_rows(con, "update")] == ["certificate"]


def test_what_if_moves_the_projection_and_saves_nothing(con: Connection) -> None:
    a = actor(con, "pA")
    as_of = D("2023-03-31")
    base, half = services.what_if(con, a, "TA", as_of, future_percent=50)
    assert base.projected_completion_date is not None and half.projected_completion_date is not None
    assert half.projected_completion_date > base.projected_completion_date
    _, with_leave = services.what_if(
        con,
        a,
        "TA",
        as_of,
        planned_leave=[services.PlannedLeave("foraldraledighet", D("2025-01-01"), D("2025-12-31"), 100)],
    )
    assert with_leave.projected_completion_date is not None
    assert with_leave.projected_completion_date > base.projected_completion_date
    assert progress_for(con, "TA", as_of).projected_completion_date == base.projected_completion_date


# --- intressenter -----------------------------------------------------------------------------


def test_intressent_moves_keep_dates_and_enrolment_creates_the_trainee(con: Connection) -> None:
    sara = actor(con, "pS")
    with pytest.raises(AccessDenied):
        services.move_intressent(con, sara, "I2", "dokument")  # another region
    services.move_intressent(con, sara, "I1", "bedomning", "Tillbaka för komplettering", on=D("2025-04-01"))
    hist = services.intressent_history(con, sara, "I1")
    assert dict(zip(hist["step"], hist["step_date"], strict=True))["bedomning"] == D("2025-04-01")
    services.update_intressent_documents(con, sara, "I1", {"doc_cv": True, "doc_legitimation": True})
    tid = services.enrol_intressent(
        con,
        sara,
        "I1",
        st_start_date=D("2025-09-01"),
        contract_date=D("2025-08-15"),
        huvudhandledare_id="pH",
        on=D("2025-08-15"),
    ).trainee_id
    row = con.execute(
        "SELECT name, specialty, legitimation_date, unit_id, person_id FROM trainee WHERE trainee_id = ?", [tid]
    ).fetchone()
    assert row is not None
    assert row[:4] == ("Ines Intressent", "Allmänmedicin", D("2024-01-15"), "U1")
    assert con.execute("SELECT trainee_id, step FROM intressent WHERE intressent_id = 'I1'").fetchone() == (
        tid,
        "inskriven",
    )
    new = actor_for_email(con, "ines@example.se")
    assert new is not None and new.trainee_id == tid and "st_lakare" in new.roles
    assert tid in set(services.visible_trainees(con, sara)["trainee_id"])
    assert {r[1] for r in audit_rows(con, "enrol")} == {"intressent"}
    with pytest.raises(StateConflict, match="redan inskriven"):
        services.enrol_intressent(
            con, sara, "I1", st_start_date=D("2025-09-01"), contract_date=D("2025-08-15"), huvudhandledare_id="pH"
        )
    stats = services.intressent_stats(con, sara)
    assert stats.iloc[0]["inskriven"] == 1


def test_import_is_checked_before_anything_is_written(con: Connection) -> None:
    sara = actor(con, "pS")
    bad = (
        "trainee_id,name,specialty,legitimation_date,swedish_at,st_start_date,regulation,doktorsexamen,"
        "bt_approved_date,unit_id\nT9,Nils,Allmänmedicin,2020-01-01,maybe,2021-13-01,,false,,U1\n"
    ).encode()
    frames, errors = services.check_import(con, sara, {"trainees.csv": bad})
    assert {(e.line, e.column) for e in errors} == {(2, "swedish_at"), (2, "st_start_date")}
    assert con.execute("SELECT count(*) FROM trainee WHERE trainee_id = 'T9'").fetchone() == (0,)
    good = bad.replace(b"maybe", b"true").replace(b"2021-13-01", b"2021-03-01")
    frames, errors = services.check_import(con, sara, {"trainees.csv": good})
    assert errors == []
    result = services.run_import(con, sara, frames)
    assert result.counts["ST-läkare"] == 1


def test_course_gaps_count_who_lacks_a_signed_course_within_scope(con: Connection) -> None:
    def gaps(pid: str) -> dict[tuple[str, str, str], int]:
        df = services.course_gaps(con, actor(con, pid), TODAY, limit=500)
        return {(r.regulation, r.specialty, r.code): int(r.trainees) for r in df.itertuples()}

    admin = gaps("pAdm")
    assert admin[("HSLF-FS 2021:8", "", "STa1")] == 1  # TA lacks the course STa1 requires
    assert admin[("SOSFS 2015:8", "", "a1")] == 1  # TB likewise for a1
    assert {reg for reg, _, _ in gaps("pS")} == {"HSLF-FS 2021:8"}  # the studierektor sees only TA
    con.execute(
        "INSERT INTO certificate (certificate_id, trainee_id, type, status, signed_by, signed_date) "
        "VALUES ('KG1', 'TA', 'kurs', 'signerat', 'Kursledare', DATE '2024-01-10')"
    )
    con.execute("INSERT INTO certificate_delmal VALUES ('KG1', 'STa1')")
    assert ("HSLF-FS 2021:8", "", "STa1") not in gaps("pAdm")


# --- voiding and reissuing ----------------------------------------------------------------------


def _signed(con: Connection, delmal: tuple[str, ...] = ("STc1",), ctype: str = "klinisk_tjanstgoring") -> str:
    """A certificate for TA, signed by Hanna."""
    trainee = actor(con, "pA")
    cid = services.add_certificate(
        con,
        trainee,
        "TA",
        type=ctype,
        title="Klinisk tjänstgöring VC",
        delmal=list(delmal),
        start_date=D("2023-01-01"),
        end_date=D("2023-06-30"),
    )
    services.request_signature(con, trainee, cid, "pH")
    services.sign_certificate(con, actor(con, "pH"), cid, on=D("2023-07-01"))
    return cid


def test_voiding_by_the_signer_uncounts_the_certificate_and_reissue_starts_over(con: Connection) -> None:
    trainee, hanna = actor(con, "pA"), actor(con, "pH")
    cid = _signed(con)
    assert services.trainee_overview(con, trainee, "TA", TODAY).delmal["STc1"] == "uppfyllt"
    with pytest.raises(InputError, match="makuleras"):
        services.void_certificate(con, hanna, cid, "  ")
    services.void_certificate(con, hanna, cid, "Fel period angiven")
    assert services.trainee_overview(con, trainee, "TA", TODAY).delmal["STc1"] == "ej påbörjat"
    row = con.execute(
        "SELECT status, comment, signed_by, signed_role, signed_date FROM certificate WHERE certificate_id = ?", [cid]
    ).fetchone()
    assert row == ("makulerat", "Fel period angiven", "Hanna Handledare", "huvudhandledare", D("2023-07-01"))
    void = audit_rows(con, "void")
    assert len(void) == 1 and void[0][:4] == ("pH", "certificate", cid, "TA")
    assert json.loads(str(void[0][4]))["status"] == "signerat"
    assert json.loads(str(void[0][5]))["comment"] == "Fel period angiven"
    # Final: neither voided again, edited, signed nor sent.
    with pytest.raises(StateConflict, match="redan makulerat"):
        services.void_certificate(con, hanna, cid, "igen")
    with pytest.raises(StateConflict, match="låst"):
        services.update_certificate(con, trainee, cid, title="x", delmal=["STc1"])
    with pytest.raises(StateConflict, match="låst"):
        services.request_signature(con, trainee, cid, "pH")
    # Only the trainee reissues; the copy is a new draft with the same content.
    with pytest.raises(AccessDenied):
        services.reissue_certificate(con, hanna, cid)
    new = services.reissue_certificate(con, trainee, cid)
    assert new != cid
    copy = con.execute(
        "SELECT type, title, start_date, end_date, status, signed_date FROM certificate WHERE certificate_id = ?", [new]
    ).fetchone()
    assert copy == ("klinisk_tjanstgoring", "Klinisk tjänstgöring VC", D("2023-01-01"), D("2023-06-30"), "utkast", None)
    codes = con.execute("SELECT code FROM certificate_delmal WHERE certificate_id = ?", [new]).fetchall()
    assert codes == [("STc1",)]
    reissue = audit_rows(con, "reissue")
    assert reissue[0][:4] == ("pA", "certificate", new, "TA")
    assert json.loads(str(reissue[0][5]))["replaces"] == cid
    assert services.trainee_overview(con, trainee, "TA", TODAY).delmal["STc1"] == "pågår"
    services.request_signature(con, trainee, new, "pH")
    services.sign_certificate(con, hanna, new)
    assert services.trainee_overview(con, trainee, "TA", TODAY).delmal["STc1"] == "uppfyllt"


def test_unsigned_certificates_are_edited_not_voided(con: Connection) -> None:
    trainee = actor(con, "pA")
    cid = services.add_certificate(con, trainee, "TA", type="kurs", title="Ledarskap", delmal=["STa5"])
    with pytest.raises(StateConflict, match="inte signerat"):
        services.void_certificate(con, actor(con, "pS"), cid, "fel")
    with pytest.raises(StateConflict, match="Bara ett makulerat"):
        services.reissue_certificate(con, trainee, cid)


def test_studierektor_and_admin_void_within_scope(con: Connection) -> None:
    first, second = _signed(con), _signed(con, ("STc2",))
    with pytest.raises(AccessDenied):
        services.void_certificate(con, actor(con, "pS2"), first, "annan region")
    services.void_certificate(con, actor(con, "pS"), first, "Dubbelregistrerat")
    services.void_certificate(con, actor(con, "pAdm"), second, "Dubbelregistrerat")
    assert [r[0] for r in audit_rows(con, "void")] == ["pS", "pAdm"]


# --- verksamhetschef signs fullgjord BT/ST ------------------------------------------------------


def test_verksamhetschef_of_the_unit_signs_fullgjord_st(con: Connection) -> None:
    # The intyg om fullgjord ST is HSLF-FS 2021:8's (bilaga 6): Bertil, with a Swedish AT, has chosen it.
    con.execute("UPDATE trainee SET regulation_choice = 'HSLF-FS 2021:8' WHERE trainee_id = 'TB'")
    bertil, vera = actor(con, "pB"), actor(con, "pV")
    cid = services.add_certificate(con, bertil, "TB", type="fullgjord_st", title="Fullgjord ST")
    signers = services.signers_for(con, bertil, "TB", "fullgjord_st")
    assert list(signers["person_id"]) == ["pV"] and list(signers["role"]) == ["verksamhetschef"]
    services.request_signature(con, bertil, cid, "pV")
    assert list(services.pending_signatures(con, vera)["certificate_id"]) == [cid]
    services.sign_certificate(con, vera, cid, on=D("2025-01-15"))
    row = con.execute(
        "SELECT status, signed_by, signed_role, signed_date FROM certificate WHERE certificate_id = ?", [cid]
    ).fetchone()
    assert row == ("signerat", "Vera Verksamhetschef", "verksamhetschef", D("2025-01-15"))
    assert json.loads(str(audit_rows(con, "sign")[-1][5]))["signed_role"] == "verksamhetschef"
    # Other types still go to a handledare only.
    course = services.add_certificate(con, bertil, "TB", type="kurs", title="Kurs", delmal=["STa1"])
    assert services.signers_for(con, bertil, "TB", "kurs").empty
    with pytest.raises(AccessDenied, match="handledare"):
        services.request_signature(con, bertil, course, "pV")


def test_verksamhetschef_of_another_unit_is_not_a_signer(con: Connection) -> None:
    anna = actor(con, "pA")  # TA is at U1; Vera heads U3
    cid = services.add_certificate(con, anna, "TA", type="fullgjord_bt", title="Fullgjord BT")
    signers = services.signers_for(con, anna, "TA", "fullgjord_bt")
    assert list(signers["person_id"]) == ["pH"]  # the handledare may still sign it
    with pytest.raises(AccessDenied, match="verksamhetschefen på din enhet"):
        services.request_signature(con, anna, cid, "pV")
    services.request_signature(con, anna, cid, "pH")
    services.sign_certificate(con, actor(con, "pH"), cid)
    assert con.execute("SELECT signed_role FROM certificate WHERE certificate_id = ?", [cid]).fetchone() == (
        "huvudhandledare",
    )


# --- the audit trail ----------------------------------------------------------------------------


def test_audit_trail_is_scoped(con: Connection) -> None:
    cid = _signed(con)  # TA: add, request_signature, sign
    services.add_placement(
        con,
        actor(con, "pB"),
        "TB",
        kind="ST",
        setting="annan",
        start_date=D("2024-01-01"),
        end_date=D("2024-01-31"),
        percent=100,
    )
    services.move_intressent(con, actor(con, "pS"), "I1", "dokument")  # no trainee: Sara's own action

    def seen(pid: str, trainee_id: str | None = None) -> list[tuple[str, str]]:
        df = services.audit_trail(con, actor(con, pid), trainee_id)
        return sorted(zip(df["action"], df["entity_id"], strict=True))

    ta_rows = sorted([("add", cid), ("request_signature", cid), ("sign", cid)])
    tb_row = [r for r in seen("pAdm") if r[0] == "add" and r[1] != cid]
    assert len(tb_row) == 1
    assert seen("pA") == ta_rows
    assert seen("pH") == ta_rows
    assert seen("pH2") == []  # supervision of TB has ended
    assert seen("pS") == sorted([*ta_rows, ("move", "I1")])
    assert seen("pS2") == tb_row
    assert len(seen("pAdm")) == 5
    assert seen("pAdm", "TB") == tb_row
    with pytest.raises(AccessDenied):
        services.audit_trail(con, actor(con, "pA"), "TB")
    df = services.audit_trail(con, actor(con, "pA"))
    assert set(df["action_label"]) == {"Lade till", "Skickade för signering", "Signerade"}
    assert set(df["actor_name"]) == {"Anna ST", "Hanna Handledare"} and set(df["trainee_name"]) == {"Anna ST"}
    assert list(df["audit_id"]) == sorted(df["audit_id"], reverse=True)  # newest first


def test_audit_csv_export(con: Connection) -> None:
    _signed(con)
    data = services.export_audit_csv(con, actor(con, "pA"))
    text = data.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "Tidpunkt,Vem,Händelse,Post,Post-id,Avser,ST-läkare,Ändring,Före,Efter"
    assert len(lines) == 4 and "Signerade" in lines[1] and "Hanna Handledare" in lines[1]
    # The readable change beside the raw JSON the log holds.
    assert "Status: Skickat för signering → Signerat" in lines[1] and '""status"": ""signerat""' in lines[1]
    assert services.export_audit_csv(con, actor(con, "pH2")).decode("utf-8").splitlines() == [lines[0]]


def test_no_service_updates_or_deletes_audit_rows() -> None:
    import re
    from pathlib import Path

    package = Path(services.__file__).parents[1]  # the whole library: services, ingest, store
    pattern = re.compile(r"\b(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE\s+audit_log)\b", re.IGNORECASE)
    sources = {str(p.relative_to(package)): p.read_text(encoding="utf-8") for p in package.rglob("*.py")}
    assert "services/audit.py" in sources and "services/certificates.py" in sources
    offenders = [name for name, text in sources.items() if pattern.search(text)]
    assert offenders == []


# --- the write and void access matrix -----------------------------------------------------------


def _matrix_setup(con: Connection) -> dict[str, str]:
    """Hugo also supervised Anna once (ended ten days ago); a signed, a sent and a draft certificate for TA."""
    insert_rows(
        con,
        "supervision",
        [
            {
                "trainee_id": "TA",
                "person_id": "pH2",
                "kind": "handledare",
                "start_date": D("2023-01-01"),
                "end_date": TODAY - timedelta(days=10),
            }
        ],
    )
    anna = actor(con, "pA")
    signed = _signed(con)
    sent = services.add_certificate(con, anna, "TA", type="kurs", title="Kurs", delmal=["STa5"])
    services.request_signature(con, anna, sent, "pH")
    draft = services.add_certificate(con, anna, "TA", type="kurs", title="Utkast", delmal=["STa6"])
    return {"signed": signed, "sent": sent, "draft": draft}


MATRIX_ACTIONS = {
    "read": lambda con, a, t: services.certificates(con, a, t),
    "audit": lambda con, a, t: services.audit_trail(con, a, t),
    "sign": lambda con, a, t: services.sign_certificate(con, a, t),
    "edit": lambda con, a, t: services.update_certificate(con, a, t, title="Ändrad", delmal=["STa5"]),
    "void": lambda con, a, t: services.void_certificate(con, a, t, "Fel uppgifter"),
    # A draft sent on to Hanna, the trainee's current handledare.
    "send": lambda con, a, t: services.request_signature(con, a, t, "pH"),
    # Linking a person to an organisation account (a subject of the test's identity provider).
    "link": lambda con, a, t: services.link_identity(con, a, t, f"iss:https://idp.test|sub:{t}"),
    # A credit (tillgodoräknande) on the trainee's record.
    "credit": lambda con, a, t: services.add_credit(con, a, t, kind="tidigare_st", months=6, note="ST i kirurgi"),
    # A bevis in the basspecialitet, for a trainee whose specialty builds on one.
    "bevis": lambda con, a, t: _record_bevis(con, a, t),
}


def _record_bevis(con: Connection, a: Actor, trainee_id: str) -> str:
    con.execute("UPDATE trainee SET specialty = 'Neonatologi' WHERE trainee_id = ?", [trainee_id])
    return services.record_bevis_bas(con, a, trainee_id, specialty="Barn- och ungdomsmedicin", bevis_date=D("2022-05-01"))


@pytest.mark.parametrize(
    ("pid", "action", "target", "allowed"),
    [
        ("pA", "read", "TA", True),
        ("pA", "read", "TB", False),  # trainee A reading B
        ("pA", "audit", "TB", False),
        ("pH", "read", "TA", True),
        ("pH", "read", "TB", False),  # handledare, not assigned
        ("pH2", "read", "TA", False),  # handledare whose assignment ended
        ("pH2", "audit", "TA", False),
        ("pS", "read", "TA", True),
        ("pS", "read", "TB", False),  # studierektor, another region
        ("pS2", "read", "TA", False),
        ("pS", "audit", "TA", True),
        ("pH", "sign", "sent", True),
        ("pH2", "sign", "sent", False),  # signing a certificate addressed to another handledare
        ("pS", "sign", "sent", False),
        ("pAdm", "sign", "sent", False),
        ("pA", "sign", "sent", False),
        ("pA", "edit", "draft", True),
        ("pA", "edit", "signed", False),  # a signed certificate is locked
        ("pH", "edit", "draft", False),
        ("pH", "void", "signed", True),  # the signer
        ("pS", "void", "signed", True),  # studierektor with TA in scope
        ("pAdm", "void", "signed", True),
        ("pH2", "void", "signed", False),  # an unrelated handledare
        ("pS2", "void", "signed", False),  # studierektor of another region
        ("pA", "void", "signed", False),  # the trainee
        ("pV", "void", "signed", False),
        ("pA", "send", "draft", True),
        ("pB", "send", "draft", False),  # another trainee
        ("pH", "send", "draft", False),  # the handledare cannot send on the trainee's behalf
        ("pS", "send", "draft", False),
        ("pA", "send", "sent", False),  # already waiting for a current handledare
        ("pAdm", "link", "pB", True),
        ("pS", "link", "pB", False),  # only administrators link organisation accounts
        ("pA", "link", "pA", False),  # not even one's own
        ("pH", "link", "pB", False),
        ("pA", "credit", "TA", True),
        ("pAdm", "credit", "TA", True),
        ("pB", "credit", "TA", False),  # another trainee
        ("pH", "credit", "TA", False),  # a credit is the trainee's own claim
        ("pS", "credit", "TA", False),
        ("pV", "credit", "TA", False),
        ("pA", "bevis", "TA", True),
        ("pAdm", "bevis", "TA", True),
        ("pB", "bevis", "TA", False),
        ("pH", "bevis", "TA", False),
        ("pS", "bevis", "TA", False),
    ],
)
def test_write_and_void_matrix(con: Connection, pid: str, action: str, target: str, allowed: bool) -> None:
    ids = _matrix_setup(con)
    subject = ids.get(target, target)
    run = MATRIX_ACTIONS[action]
    a = actor(con, pid)
    if allowed:
        run(con, a, subject)
    else:  # refused: not theirs to change, or not in a state that allows it
        with pytest.raises((AccessDenied, StateConflict)):
            run(con, a, subject)


def test_every_write_leaves_exactly_one_audit_row_in_order(con: Connection) -> None:
    assert con.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)
    anna, hanna, sara = actor(con, "pA"), actor(con, "pH"), actor(con, "pS")
    pid = services.add_placement(
        con,
        anna,
        "TA",
        kind="ST",
        setting="annan",
        start_date=D("2024-01-01"),
        end_date=D("2024-03-31"),
        percent=100,
    )
    cid = services.add_certificate(con, anna, "TA", type="kurs", title="Ledarskap", delmal=["STa5"])
    services.request_signature(con, anna, cid, "pH")
    services.sign_certificate(con, hanna, cid)
    services.void_certificate(con, sara, cid, "Fel kurs")
    new = services.reissue_certificate(con, anna, cid)
    services.move_intressent(con, sara, "I1", "dokument")
    rows = con.execute(
        "SELECT action, actor_person_id, entity, entity_id, trainee_id FROM audit_log ORDER BY audit_id"
    ).fetchall()
    assert rows == [
        ("add", "pA", "placement", str(pid), "TA"),
        ("add", "pA", "certificate", cid, "TA"),
        ("request_signature", "pA", "certificate", cid, "TA"),
        ("sign", "pH", "certificate", cid, "TA"),
        ("void", "pS", "certificate", cid, "TA"),
        ("reissue", "pA", "certificate", new, "TA"),
        ("move", "pS", "intressent", "I1", None),
    ]
    # Refused writes leave no row.
    with pytest.raises(AccessDenied):
        services.void_certificate(con, anna, cid, "x")
    assert con.execute("SELECT count(*) FROM audit_log").fetchone() == (7,)


# --- users and roles ----------------------------------------------------------------------------


def test_only_admin_manages_roles_and_every_change_is_audited(con: Connection) -> None:
    adam = actor(con, "pAdm")
    for pid in ("pS", "pA", "pV"):
        with pytest.raises(AccessDenied):
            services.role_assignments(con, actor(con, pid))
        with pytest.raises(AccessDenied):
            services.add_role(con, actor(con, pid), "pH2", "studierektor", region_id="R2")
    with pytest.raises(InputError, match="region eller ett område"):
        services.add_role(con, adam, "pH2", "studierektor")
    rid = services.add_role(con, adam, "pH2", "studierektor", region_id="R2")
    assert actor(con, "pH2").regions == {"R2"}
    with pytest.raises(InputError, match="redan"):
        services.add_role(con, adam, "pH2", "studierektor", region_id="R2")
    table = services.role_assignments(con, adam)
    assert "studierektor" in set(table[table["person_id"] == "pH2"]["role"])
    services.remove_role(con, adam, rid)
    assert "studierektor" not in actor(con, "pH2").roles
    own = con.execute("SELECT role_assignment_id FROM role_assignment WHERE person_id = 'pAdm'").fetchone()
    assert own is not None
    with pytest.raises(AccessDenied, match="egen"):
        services.remove_role(con, adam, int(own[0]))
    rows = con.execute("SELECT action, actor_person_id, entity, entity_id FROM audit_log ORDER BY audit_id").fetchall()
    assert rows == [
        ("add_role", "pAdm", "role_assignment", str(rid)),
        ("remove_role", "pAdm", "role_assignment", str(rid)),
    ]


def test_admin_replaces_the_catalogue_and_it_is_audited(con: Connection) -> None:
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).resolve().parents[1] / "data" / "catalogue.json").read_text(encoding="utf-8"))
    allm = next(s for s in data["specialties"] if s["name"] == "Allmänmedicin")
    allm["regulations"]["HSLF-FS 2021:8"]["delmal"] = allm["regulations"]["HSLF-FS 2021:8"]["delmal"][:3]
    payload = json.dumps(data, ensure_ascii=False).encode()
    with pytest.raises(AccessDenied):
        services.replace_catalogue(con, actor(con, "pS"), payload)
    with pytest.raises(services.InputError):
        services.replace_catalogue(con, actor(con, "pAdm"), b'{"format": 99}')
    services.replace_catalogue(con, actor(con, "pAdm"), payload)
    codes = services.trainee_overview(con, actor(con, "pAdm"), "TA", TODAY).delmal
    assert [c for c in codes if c.startswith("STc")] == ["STc1", "STc2", "STc3"]
    assert [r[:3] for r in audit_rows(con, "replace")] == [("pAdm", "catalogue", "catalogue")]


def test_a_bt_placement_on_a_medical_ward_can_count_as_akut_sjukvard(con: Connection) -> None:
    # RULES 4: akut sjukvård is a kind of work; the recorded bt_part wins over the setting.
    a = actor(con, "pA")
    before = services.trainee_overview(con, a, "TA", TODAY).bt
    assert before is not None
    services.add_placement(
        con, a, "TA", kind="BT", setting="internmedicin", start_date=D("2023-07-01"), end_date=D("2023-09-30"),
        percent=100, bt_part="akut_sjukvard",
    )
    after = services.trainee_overview(con, a, "TA", TODAY).bt
    assert after is not None
    assert after.acute_care_months - before.acute_care_months == 3  # July-September at 100 %
    assert after.primary_care_months == before.primary_care_months
    assert con.execute("SELECT bt_part FROM placement WHERE setting = 'internmedicin'").fetchone()[0] == "akut_sjukvard"
    with pytest.raises(InputError) as refused:
        services.add_placement(
            con, a, "TA", kind="ST", setting="annan", start_date=D("2024-01-01"), end_date=D("2024-01-31"),
            percent=100, bt_part="primarvard",
        )
    assert [e.column for e in refused.value.errors] == ["bt_part"]


@pytest.mark.parametrize(
    ("trainee", "person", "kind", "months", "applies_to", "field", "text"),
    [
        # RULES 2: under SOSFS 2015:8 a doktorsexamen is the trainee's flag (54 months), never a credit row
        ("TB", "pB", "doktorsexamen", 6.0, "ST", "kind", "minimitiden 54 månader"),
        # under HSLF-FS 2021:8 ST credits only earlier specialist training and research
        ("TA", "pA", "annan", 2.0, "ST", "applies_to", "annan merit kan tillgodoräknas mot BT"),
        # there is no BT under SOSFS 2015:8
        ("TB", "pB", "utlandstjanstgoring", 2.0, "BT", "applies_to", "BT finns inte i SOSFS 2015:8"),
        # two decimals at most: credits are held in hundredths of a month
        ("TA", "pA", "tidigare_st", 1.125, "ST", "months", "högst två decimaler"),
    ],
)
def test_a_credit_the_rules_refuse_is_a_field_error(
    con: Connection, trainee: str, person: str, kind: str, months: float, applies_to: str, field: str, text: str
) -> None:
    with pytest.raises(InputError) as refused:
        services.add_credit(con, actor(con, person), trainee, kind=kind, months=months, applies_to=applies_to)
    assert [e.column for e in refused.value.errors] == [field]
    assert text in refused.value.errors[0].message
    assert con.execute("SELECT count(*) FROM credit WHERE trainee_id = ?", [trainee]).fetchone()[0] == 0


def test_credits_count_by_the_rules_and_are_notices(con: Connection) -> None:
    a = actor(con, "pA")
    services.add_credit(con, a, "TA", kind="tidigare_st", months=20, note="ST i kirurgi")
    with pytest.raises(InputError) as refused:
        services.add_credit(con, a, "TA", kind="tidigare_st", months=20, note="ST i ortopedi")
    # RULES 2: summed per trainee, 20 + 20 = 40 > 30
    assert refused.value.errors[0].message == (
        "tidigare ST för TA blir sammanlagt 40 månader; högst 30 månader får tillgodoräknas"
    )
    services.add_credit(con, a, "TA", kind="annan", months=1.5, applies_to="BT", note="Merit")
    p = services.trainee_overview(con, a, "TA", TODAY)
    assert p.credited_months == Fraction(43, 2)  # 20 + 1.5
    assert p.bt is not None and p.bt.credited_months == Fraction(3, 2)
    assert p.notices[:2] == (
        "Tillgodoräknande: tidigare ST 20 månader mot ST; bedöms av Socialstyrelsen.",
        "Tillgodoräknande: annan merit 1,5 månader mot BT; bedöms av Socialstyrelsen.",
    )
    assert [r[1] for r in audit_rows(con, "add") if r[1] == "credit"] == ["credit", "credit"]


def test_a_grenspecialitet_needs_a_recorded_bevis_in_its_basspecialitet(con: Connection) -> None:
    # RULES 7: Neonatologi builds on Barn- och ungdomsmedicin.
    con.execute("UPDATE trainee SET specialty = 'Neonatologi' WHERE trainee_id = 'TA'")
    a = actor(con, "pA")
    assert services.bas_choices(con, a, "TA") == ("Barn- och ungdomsmedicin",)
    before = services.trainee_overview(con, a, "TA", TODAY)
    bas_items = [m for m in before.missing_items if m.kind == "bas_specialty"]
    assert [(m.code, m.text) for m in bas_items] == [
        ("bevis_bas", "Bevis om specialistkompetens i basspecialiteten Barn- och ungdomsmedicin är inte registrerat.")
    ]
    checklist = {label: done for done, label, _ in services.readiness(before)}
    assert checklist["Bevis om specialistkompetens i basspecialiteten registrerat"] is False
    with pytest.raises(InputError):
        services.record_bevis_bas(con, a, "TA", specialty="Kirurgi", bevis_date=D("2022-05-01"))
    with pytest.raises(InputError):  # not through the draft-and-sign workflow
        services.add_certificate(con, a, "TA", type="bevis_bas", title="Barn- och ungdomsmedicin")
    cid = services.record_bevis_bas(con, a, "TA", specialty="Barn- och ungdomsmedicin", bevis_date=D("2022-05-01"))
    assert audit_rows(con, "add")[-1][:4] == ("pA", "certificate", cid, "TA")
    after = services.trainee_overview(con, a, "TA", TODAY)
    assert not [m for m in after.missing_items if m.kind == "bas_specialty"]
    checklist = {label: done for done, label, _ in services.readiness(after)}
    assert checklist["Bevis om specialistkompetens i basspecialiteten registrerat"] is True
    # as of a date before the bevis, it does not count yet (RULES 6)
    earlier = services.trainee_overview(con, a, "TA", D("2022-04-30"))
    assert [m.kind for m in earlier.missing_items].count("bas_specialty") == 1


# --- what an intyg may be: the regelverk's types, delmål that fit the type and the stage ---------------

# (trainee, BT approved, type, delmål, the refusal's field and words; None = accepted). TA follows HSLF-FS
# 2021:8, TB SOSFS 2015:8 (both Allmänmedicin); the catalogue's requirements say which activity a delmål takes.
FIT_CASES = [
    ("TA", False, "kurs", ["STa5"], None),
    ("TA", False, "kurs", ["STc1"], ("delmal", "målbeskrivningen anger inte kurs som utbildningsaktivitet för STc1")),
    ("TA", False, "klinisk_tjanstgoring", ["STc1", "STc2"], None),
    ("TA", False, "klinisk_tjanstgoring", ["STa1"], ("delmal", "anger inte klinisk tjänstgöring")),
    ("TA", False, "auskultation", ["STb4"], None),
    ("TA", False, "utvecklingsarbete", ["STa2"], None),
    ("TA", False, "vetenskap", ["STa3"], None),
    ("TA", False, "vetenskap", ["STa5"], ("delmal", "anger inte intyg om medicinsk vetenskap")),
    ("TA", False, "bt_delmal", ["BT1", "BT18"], None),
    ("TA", False, "bt_delmal", ["STa5"], ("delmal", "avser bara BT-delmål, inte STa5")),
    ("TA", False, "kurs", ["BT1"], ("delmal", "BT-delmål (BT1) registreras på ett intyg om delmål i bastjänstgöringen")),
    ("TA", False, "ovrig_aktivitet", ["STc1", "STa3"], None),  # a recommended activity takes any ST delmål
    ("TA", False, "sammankomst", ["BT2"], ("delmal", "registreras på ett intyg om delmål i bastjänstgöringen")),
    ("TA", False, "fullgjord_bt", [], None),
    ("TA", False, "fullgjord_st", ["STa5"], ("delmal", "ett sammanfattande intyg avser inga enskilda delmål")),
    ("TA", False, "kvalitetsarbete", ["STa2"], ("type", "hör till SOSFS 2015:8; ST-läkaren följer HSLF-FS 2021:8")),
    ("TA", False, "skriftligt_arbete", ["STa3"], ("type", "hör till SOSFS 2015:8")),
    ("TA", True, "bt_delmal", ["BT1"], ("type", "BT är redan godkänd")),
    ("TA", True, "kurs", ["BT1"], ("delmal", "BT är redan godkänd; BT-delmål registreras inte längre (BT1)")),
    ("TA", True, "kurs", ["STa5"], None),
    ("TB", False, "kurs", ["a1"], None),
    ("TB", False, "kvalitetsarbete", ["a4"], None),
    ("TB", False, "skriftligt_arbete", ["a5"], None),
    ("TB", False, "kurs", ["a3"], ("delmal", "anger inte kurs som utbildningsaktivitet för a3")),
    ("TB", False, "utvecklingsarbete", ["a4"], ("type", "hör till HSLF-FS 2021:8; ST-läkaren följer SOSFS 2015:8")),
    ("TB", False, "vetenskap", ["a5"], ("type", "hör till HSLF-FS 2021:8")),
    ("TB", False, "bt_delmal", ["BT1"], ("type", "hör till HSLF-FS 2021:8")),
    ("TB", False, "fullgjord_st", [], ("type", "hör till HSLF-FS 2021:8")),
    ("TB", False, "specialistkompetens", [], None),
    ("TB", False, "kurs", ["BT1"], ("delmal", "BT1 finns inte i ST-läkarens målbeskrivning")),
]


@pytest.mark.parametrize(("trainee", "bt_approved", "ctype", "delmal", "refusal"), FIT_CASES)
def test_an_intyg_takes_the_types_of_its_regelverk_and_the_delmal_that_fit_its_type_and_stage(
    con: Connection, trainee: str, bt_approved: bool, ctype: str, delmal: list[str], refusal: tuple[str, str] | None
) -> None:
    if bt_approved:
        con.execute("UPDATE trainee SET bt_approved_date = DATE '2023-08-15' WHERE trainee_id = ?", [trainee])
    who = actor(con, "pA" if trainee == "TA" else "pB")
    add = lambda: services.add_certificate(con, who, trainee, type=ctype, title="Intyg", delmal=delmal)  # noqa: E731
    if refusal is None:
        cid = add()
        stored = con.execute(
            "SELECT list(code ORDER BY code) FROM certificate_delmal WHERE certificate_id = ?", [cid]
        ).fetchone()
        assert list(stored[0] or []) == sorted(delmal)
        return
    with pytest.raises(InputError) as refused:
        add()
    column, words = refusal
    assert [e.column for e in refused.value.errors if words in e.message] == [column], refused.value.errors
    assert not audit_rows(con, "add")


@pytest.mark.parametrize(
    ("trainee", "bt_approved", "activities", "summary"),
    [
        (
            "TA", False,
            ("klinisk_tjanstgoring", "auskultation", "kurs", "utvecklingsarbete", "vetenskap", "bt_delmal",
             "sammankomst", "ovrig_aktivitet"),
            ("fullgjord_bt", "baskompetens", "fullgjord_st", "specialistkompetens"),
        ),
        (
            "TA", True,
            ("klinisk_tjanstgoring", "auskultation", "kurs", "utvecklingsarbete", "vetenskap", "sammankomst",
             "ovrig_aktivitet"),
            ("fullgjord_st", "specialistkompetens"),
        ),
        (
            "TB", False,
            ("klinisk_tjanstgoring", "auskultation", "kurs", "kvalitetsarbete", "skriftligt_arbete", "sammankomst",
             "ovrig_aktivitet"),
            ("specialistkompetens",),
        ),
    ],
)
def test_the_type_lists_follow_the_regelverk_and_the_bt(
    con: Connection, trainee: str, bt_approved: bool, activities: tuple[str, ...], summary: tuple[str, ...]
) -> None:
    if bt_approved:
        con.execute("UPDATE trainee SET bt_approved_date = DATE '2023-08-15' WHERE trainee_id = ?", [trainee])
    who = actor(con, "pA" if trainee == "TA" else "pB")
    assert services.certificate_types(con, who, trainee) == activities
    assert services.certificate_types(con, who, trainee, True) == summary


def _codes_taking(con: Connection, regulation: str, activity: str) -> set[str]:
    """Allmänmedicin's delmål whose requirements name the activity (or name none), read from the catalogue."""
    rows = con.execute(
        """SELECT d.code FROM catalogue_delmal d
           WHERE d.regulation = ? AND d.specialty = 'Allmänmedicin'
             AND (EXISTS (SELECT 1 FROM catalogue_requirement r WHERE r.regulation = d.regulation
                          AND r.specialty = d.specialty AND r.code = d.code AND r.activity_type = ?)
                  OR NOT EXISTS (SELECT 1 FROM catalogue_requirement r WHERE r.regulation = d.regulation
                                 AND r.specialty = d.specialty AND r.code = d.code))""",
        [regulation, activity],
    ).fetchall()
    return {r[0] for r in rows}


def test_the_delmal_picker_offers_only_what_fits_and_no_bt_delmal_once_bt_is_approved(con: Connection) -> None:
    anna = actor(con, "pA")
    choices = lambda t: set(services.delmal_choices(con, anna, "TA", t)["code"])  # noqa: E731
    assert choices("kurs") == _codes_taking(con, "HSLF-FS 2021:8", "kurs")
    assert "STc1" not in choices("kurs") and "STc1" in choices("klinisk_tjanstgoring")
    assert choices("vetenskap") == {"STa3"}
    assert choices("bt_delmal") == {f"BT{i}" for i in range(1, 19)}
    assert choices("fullgjord_st") == set()
    every_st = set(services.delmal_catalogue(con, anna, "TA").query("not is_bt")["code"])
    assert choices("ovrig_aktivitet") == every_st and len(every_st) == 26
    con.execute("UPDATE trainee SET bt_approved_date = DATE '2023-08-15' WHERE trainee_id = 'TA'")
    assert choices("bt_delmal") == set()
    assert not [c for t in services.certificate_types(con, anna, "TA") for c in choices(t) if c.startswith("BT")]
    # An intyg being changed keeps what it lists, marked as not fitting.
    kept = services.delmal_choices(con, anna, "TA", "kurs", keep=["STc1"])
    assert dict(zip(kept["code"], kept["fits"], strict=True))["STc1"] is False
    bertil = actor(con, "pB")
    assert set(services.delmal_choices(con, bertil, "TB", "kvalitetsarbete")["code"]) == _codes_taking(
        con, "SOSFS 2015:8", "kvalitetsarbete"
    ) == {"a4"}


def test_an_edit_keeps_the_delmal_an_imported_intyg_already_lists_but_adds_only_fitting_ones(con: Connection) -> None:
    con.execute(
        "INSERT INTO certificate (certificate_id, trainee_id, type, title, status, source) "
        "VALUES ('TA-imp', 'TA', 'kurs', 'Importerad kurs', 'utkast', 'import')"
    )
    con.execute("INSERT INTO certificate_delmal VALUES ('TA-imp', 'STc1')")  # a course listing a clinical delmål
    anna = actor(con, "pA")
    services.update_certificate(con, anna, "TA-imp", title="Importerad kurs", delmal=["STc1", "STa5"])
    codes = con.execute("SELECT list(code ORDER BY code) FROM certificate_delmal WHERE certificate_id = 'TA-imp'")
    assert list(codes.fetchone()[0]) == ["STa5", "STc1"]
    with pytest.raises(InputError, match="anger inte kurs som utbildningsaktivitet för STc2"):
        services.update_certificate(con, anna, "TA-imp", title="Importerad kurs", delmal=["STc1", "STc2"])
    # An imported draft of the other regelverk's type can still be corrected (an edit keeps the type).
    con.execute(
        "INSERT INTO certificate (certificate_id, trainee_id, type, title, status, source) "
        "VALUES ('TB-imp', 'TB', 'fullgjord_st', 'Fullgjord', 'utkast', 'import')"
    )
    services.update_certificate(con, actor(con, "pB"), "TB-imp", title="Fullgjord ST", delmal=[])
    assert con.execute("SELECT title FROM certificate WHERE certificate_id = 'TB-imp'").fetchone() == ("Fullgjord ST",)


def test_returning_without_a_comment_is_refused_with_kommentar_saknas(con: Connection) -> None:
    anna, hanna = actor(con, "pA"), actor(con, "pH")
    cid = services.add_certificate(con, anna, "TA", type="kurs", title="Ledarskap", delmal=["STa5"])
    services.request_signature(con, anna, cid, "pH")
    with pytest.raises(InputError) as refused:
        services.return_certificate(con, hanna, cid, "  ")
    assert [str(e) for e in refused.value.errors] == ["Kommentar: saknas: skriv vad ST-läkaren behöver ändra"]
    assert con.execute("SELECT status FROM certificate WHERE certificate_id = ?", [cid]).fetchone() == ("skickat",)


# --- Att signera and Mina ST-läkare count the same intyg --------------------------------------------


def test_att_signera_and_mina_st_lakare_count_the_same_intyg_and_an_ended_supervision_must_re_address(
    con: Connection,
) -> None:
    """The rule (tracker/services/certificates.py): an intyg addressed to a handledare whose supervision has
    ended is not theirs to sign; it must be re-addressed. Hanna supervises Anna, supervised Bertil until a week
    ago, and is also verksamhetschef of Bertil's unit (U3), where she signs his intyg om fullgjord ST."""
    con.execute("UPDATE trainee SET regulation_choice = 'HSLF-FS 2021:8' WHERE trainee_id = 'TB'")
    insert_rows(con, "role_assignment", [{"person_id": "pH", "role": "verksamhetschef", "unit_id": "U3"}])
    insert_rows(
        con,
        "supervision",
        [{"trainee_id": "TB", "person_id": "pH", "kind": "handledare", "start_date": D("2020-01-01"),
          "end_date": TODAY - timedelta(days=7)}],
    )
    anna, bertil, hanna = actor(con, "pA"), actor(con, "pB"), actor(con, "pH")
    course = services.add_certificate(con, anna, "TA", type="kurs", title="Ledarskap", delmal=["STa5"])
    services.request_signature(con, anna, course, "pH")
    fullgjord = services.add_certificate(con, bertil, "TB", type="fullgjord_st", title="Fullgjord ST")
    services.request_signature(con, bertil, fullgjord, "pH")
    # Sent to Hanna while she still supervised Bertil (written directly: the request's date has passed).
    con.execute(
        "INSERT INTO certificate (certificate_id, trainee_id, type, title, status, signer_person_id) "
        "VALUES ('TB-old', 'TB', 'kurs', 'Akutkurs', 'skickat', 'pH')"
    )
    con.execute("INSERT INTO certificate_delmal VALUES ('TB-old', 'STa5')")
    # One that arrived as sent without a request in the app (as an import writes it).
    con.execute(
        "INSERT INTO certificate (certificate_id, trainee_id, type, title, status, signer_person_id, source) "
        "VALUES ('TA-imp', 'TA', 'kurs', 'Importerad', 'skickat', 'pH', 'import')"
    )
    con.execute("INSERT INTO certificate_delmal VALUES ('TA-imp', 'STa6')")

    pending = services.pending_signatures(con, hanna)
    table = services.supervisor_table(con, hanna, TODAY)
    assert dict(zip(pending["certificate_id"], pending["supervised"], strict=True)) == {
        course: True, "TA-imp": True, fullgjord: False,
    }
    assert int(table["waiting_for_me"].sum()) == int(pending["supervised"].sum()) == 2
    assert dict(zip(table["trainee_id"], table["waiting_for_me"], strict=True)) == {"TA": 2}
    # Requests sent in the app have their time (Swedish local time); the imported one has none.
    sent = dict(zip(pending["certificate_id"], pending["sent_at"], strict=True))
    for cid in (course, fullgjord):
        assert abs(datetime.now() - sent[cid].to_pydatetime()) < timedelta(hours=3)
    assert sent["TA-imp"] is pd.NaT
    # The ended supervision: not Hanna's to sign, but the trainee's to re-address.
    with pytest.raises(AccessDenied, match="handledarskap för ST-läkaren har upphört"):
        services.sign_certificate(con, hanna, "TB-old")
    assert services.stale_requests(con, bertil, "TB") == {"TB-old"}
