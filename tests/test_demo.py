"""The demo data set: size, reproducibility, realism and the fixed demo accounts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import bcrypt
import pytest

import tracker.errors
from tracker.demo import DEMO_ACCOUNTS, load_demo
from tracker.domain import INTRESSENT_STEPS, REG_2015, REG_2021
from tracker.rules.progress import progress_all
from tracker.rules.reference import Progress
from tracker.store import Connection, catalogue, connect

AS_OF = date(2026, 3, 15)
TRAINEES = 60


def _load(path: Path, trainees: int = TRAINEES, seed: int = 2026) -> Connection:
    con = connect(path)
    load_demo(con, trainees=trainees, seed=seed, as_of=AS_OF)
    return con


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    con = _load(tmp_path_factory.mktemp("demo") / "t.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def progress(demo: Connection) -> list[Progress]:
    return progress_all(demo, AS_OF)


def _rows(con: Connection, sql: str) -> list[tuple[object, ...]]:
    return con.cursor().execute(sql).fetchall()


def _content(con: Connection) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "trainee": "SELECT * FROM trainee",
        "person": "SELECT * FROM person",
        "placement": "SELECT * FROM placement",
        "leave": "SELECT * FROM leave",
        "credit": "SELECT * FROM credit",
        "certificate": "SELECT * FROM certificate",
        "certificate_delmal": "SELECT * FROM certificate_delmal",
        "supervision": "SELECT * FROM supervision",
        "intressent_step": "SELECT * FROM intressent_step",
    }
    return {name: sorted(_rows(con, sql), key=repr) for name, sql in queries.items()}


def test_summary_names_the_trainee_count_and_the_trainee_table_matches(tmp_path: Path) -> None:
    con = connect(tmp_path / "t.duckdb")
    summary = load_demo(con, trainees=25, seed=7, as_of=AS_OF)
    assert summary.startswith("Demodata: 25 ST-läkare")
    assert _rows(con, "SELECT count(*) FROM trainee") == [(25,)]
    assert _rows(con, "SELECT count(*) FROM trainee WHERE person_id IS NULL") == [(0,)]


def test_trainee_count_equals_the_argument(demo: Connection) -> None:
    assert _rows(demo, "SELECT count(*) FROM trainee") == [(TRAINEES,)]
    roles = _rows(demo, "SELECT count(*) FROM role_assignment WHERE role = 'st_lakare'")
    assert roles == [(TRAINEES,)]


def test_same_seed_and_date_give_identical_content(tmp_path: Path) -> None:
    a = _load(tmp_path / "a.duckdb", trainees=30, seed=11)
    b = _load(tmp_path / "b.duckdb", trainees=30, seed=11)
    content_a, content_b = _content(a), _content(b)
    assert content_a["placement"]  # not trivially equal
    assert content_a == content_b


def test_different_seed_gives_different_content(tmp_path: Path) -> None:
    a = _load(tmp_path / "a.duckdb", trainees=30, seed=11)
    b = _load(tmp_path / "b.duckdb", trainees=30, seed=12)
    content_a, content_b = _content(a), _content(b)
    assert content_a["placement"] != content_b["placement"]
    assert content_a["certificate"] != content_b["certificate"]


def test_both_regulations_are_present(progress: list[Progress]) -> None:
    regulations = {p.regulation for p in progress}
    assert regulations == {REG_2015, REG_2021}


def test_some_trainee_is_ready_to_apply(progress: list[Progress]) -> None:
    ready = [p for p in progress if p.ready_to_apply]
    assert ready
    for p in ready:
        assert p.missing == []
        assert p.counted_months >= p.required_months


def test_some_trainee_is_in_the_first_bt_month(progress: list[Progress]) -> None:
    first_month = [p for p in progress if p.bt is not None and p.bt.months < 1]
    assert first_month
    assert all(p.regulation == REG_2021 and not p.bt.approved for p in first_month if p.bt is not None)


def test_stages_span_the_whole_training(progress: list[Progress]) -> None:
    shares = [float(p.counted_months / p.required_months) for p in progress]
    assert min(shares) < 0.1
    assert any(0.3 < s < 0.7 for s in shares)
    assert max(shares) >= 1


def test_2021_trainees_past_bt_have_an_approved_bt(demo: Connection, progress: list[Progress]) -> None:
    approved = {
        r[0] for r in _rows(demo, "SELECT trainee_id FROM trainee WHERE bt_approved_date IS NOT NULL")
    }
    assert approved
    for p in progress:
        if p.trainee_id in approved:
            assert p.regulation == REG_2021
            assert p.bt is not None and p.bt.approved and p.bt.time_complete and p.bt.delmal_complete


def test_every_certificate_code_is_valid_for_its_trainee(
    demo: Connection, progress: list[Progress]
) -> None:
    regulation = {p.trainee_id: p.regulation for p in progress}
    valid = {(r[0], r[1], r[2]) for r in _rows(demo, "SELECT regulation, specialty, code FROM catalogue_delmal")}
    rows = _rows(
        demo,
        """
        SELECT c.trainee_id, t.specialty, c.type, cd.code
        FROM certificate_delmal cd JOIN certificate c USING (certificate_id) JOIN trainee t USING (trainee_id)
        """,
    )
    assert rows
    for trainee_id, specialty, ctype, code in rows:
        reg = regulation[str(trainee_id)]
        if ctype == "bt_delmal":
            assert reg == REG_2021
            assert (REG_2021, catalogue.BT_SPECIALTY, code) in valid
        else:
            assert (reg, specialty, code) in valid, (trainee_id, specialty, ctype, code)


def test_signed_certificates_have_signer_and_date_not_after_as_of(demo: Connection) -> None:
    assert _rows(
        demo,
        """SELECT count(*) FROM certificate WHERE status = 'signerat' AND (signed_date > DATE '2026-03-15'
           OR signer_person_id IS NULL OR signed_by IS NULL OR signed_role IS NULL)""",
    ) == [(0,)]
    assert _rows(
        demo, "SELECT count(*) FROM certificate WHERE status = 'skickat' AND signer_person_id IS NULL"
    ) == [(0,)]
    statuses = {r[0] for r in _rows(demo, "SELECT DISTINCT status FROM certificate")}
    assert {"signerat", "skickat", "utkast"} <= statuses


def test_every_certificate_waiting_today_was_sent_once_by_its_trainee_by_today(demo: Connection) -> None:
    # The request_signature audit row the app writes, so that "Att signera" says when each was sent.
    rows = _rows(
        demo,
        """SELECT c.certificate_id, count(a.audit_id), any_value(a.actor_person_id = t.person_id),
                  any_value(a.logged_at::DATE <= DATE '2026-03-15'),
                  any_value(c.end_date IS NULL OR a.logged_at::DATE >= c.end_date OR c.end_date >= DATE '2026-03-15'),
                  any_value(json_extract_string(a.after_json, '$.signer_person_id') = c.signer_person_id)
           FROM certificate c JOIN trainee t USING (trainee_id)
           LEFT JOIN audit_log a ON a.entity = 'certificate' AND a.entity_id = c.certificate_id
                                AND a.action = 'request_signature'
           WHERE c.status = 'skickat' GROUP BY c.certificate_id""",
    )
    assert rows and all(r[1:] == (1, True, True, True, True) for r in rows), [r for r in rows if r[1:] != (1, True, True, True, True)]
    assert sorted(r[0] for r in _rows(demo, "SELECT DISTINCT action FROM audit_log")) == [
        "request_signature", "return", "sign"
    ]


def test_every_signed_or_returned_certificate_has_its_history_in_the_log(demo: Connection) -> None:
    # Sent by the trainee, then signed by its signer on its own date, or returned with its comment.
    rows = _rows(
        demo,
        """SELECT c.certificate_id, c.status,
                  list(a.action ORDER BY a.logged_at, a.audit_id) AS actions,
                  bool_and(a.actor_person_id = CASE WHEN a.action = 'request_signature' THEN t.person_id
                                                    ELSE c.signer_person_id END) AS right_people,
                  max(a.logged_at) FILTER (WHERE a.action = 'sign')::DATE = any_value(c.signed_date) AS signed_on_its_date,
                  max(json_extract_string(a.after_json, '$.comment')) FILTER (WHERE a.action = 'return')
                      = any_value(c.comment) AS comment_kept
           FROM certificate c JOIN trainee t USING (trainee_id)
           JOIN audit_log a ON a.entity = 'certificate' AND a.entity_id = c.certificate_id
           WHERE c.status IN ('signerat', 'returnerat') GROUP BY c.certificate_id, c.status""",
    )
    # Nothing later than the small hours of the demo's day: the demo may be loaded early that day.
    assert _rows(demo, "SELECT max(logged_at) < TIMESTAMP '2026-03-15 02:00' FROM audit_log") == [(True,)]
    signed_count = _rows(demo, "SELECT count(*) FROM certificate WHERE status IN ('signerat', 'returnerat')")[0][0]
    assert len(rows) == signed_count
    for cid, status, actions, right_people, on_date, comment_kept in rows:
        if status == "signerat":
            assert (actions, right_people, on_date) == (["request_signature", "sign"], True, True), cid
        else:
            assert (actions, right_people, comment_kept) == (["request_signature", "return"], True, True), cid


def test_demo_accounts_exist_with_bcrypt_hashes_of_demo(demo: Connection) -> None:
    hashed = {
        str(email): str(value)
        for email, value in _rows(demo, "SELECT email, password_hash FROM person WHERE password_hash IS NOT NULL")
    }
    assert set(hashed) == {a[0] for a in DEMO_ACCOUNTS}
    for email, password, _ in DEMO_ACCOUNTS:
        assert password == "demo"
        value = hashed[email]
        assert value.startswith("$2b$")
        assert bcrypt.checkpw(b"demo", value.encode())
    assert not bcrypt.checkpw(b"fel", hashed["admin@demo.se"].encode())


def test_demo_accounts_have_their_roles(demo: Connection) -> None:
    roles = {
        (r[0], r[1], r[2], r[3])
        for r in _rows(
            demo,
            "SELECT p.email, r.role, r.region_id, r.area FROM person p JOIN role_assignment r USING (person_id) "
            "WHERE p.email LIKE '%@demo.se'",
        )
    }
    assert ("st@demo.se", "st_lakare", "VGR", "Göteborg") in roles
    assert ("handledare@demo.se", "handledare", "VGR", "Göteborg") in roles
    assert ("studierektor@demo.se", "studierektor", "VGR", "Göteborg") in roles
    assert ("admin@demo.se", "admin", None, None) in roles
    assert ("verksamhetschef@demo.se", "verksamhetschef", "VGR", "Göteborg") in roles
    assert _rows(
        demo,
        """SELECT r.unit_id, count(t.trainee_id) > 0 FROM person p JOIN role_assignment r USING (person_id)
           LEFT JOIN trainee t ON t.unit_id = r.unit_id WHERE p.email = 'verksamhetschef@demo.se' GROUP BY ALL""",
    ) == [("vgr-vc-majorna", True)]  # the chief of the demo ST-läkare's unit, with trainees to see


def test_demo_st_is_mid_st_in_allmanmedicin_with_signed_and_unsigned_certificates(
    demo: Connection, progress: list[Progress]
) -> None:
    trainee_id, specialty = _rows(
        demo,
        "SELECT t.trainee_id, t.specialty FROM trainee t JOIN person p USING (person_id) WHERE p.email = 'st@demo.se'",
    )[0]
    assert specialty == "Allmänmedicin"
    p = next(p for p in progress if p.trainee_id == trainee_id)
    assert 0.3 < float(p.counted_months / p.required_months) < 0.7
    statuses = {
        r[0] for r in _rows(demo, f"SELECT status FROM certificate WHERE trainee_id = '{trainee_id}'")
    }
    assert {"signerat", "skickat", "utkast"} <= statuses


def test_demo_handledare_supervises_several_and_has_certificates_to_sign(demo: Connection) -> None:
    supervised = _rows(
        demo,
        """SELECT count(DISTINCT s.trainee_id) FROM supervision s JOIN person p USING (person_id)
           WHERE p.email = 'handledare@demo.se' AND s.kind = 'huvudhandledare'""",
    )[0][0]
    assert isinstance(supervised, int) and supervised >= 3
    waiting = _rows(
        demo,
        """SELECT count(*) FROM certificate c JOIN person p ON p.person_id = c.signer_person_id
           WHERE p.email = 'handledare@demo.se' AND c.status = 'skickat'""",
    )[0][0]
    assert isinstance(waiting, int) and waiting >= 1


def test_every_area_has_a_studierektor(demo: Connection) -> None:
    missing = _rows(
        demo,
        """SELECT DISTINCT u.region_id, u.area FROM unit u WHERE NOT EXISTS (
             SELECT 1 FROM role_assignment r
             WHERE r.role = 'studierektor' AND r.region_id = u.region_id AND r.area = u.area)""",
    )
    assert missing == []
    assert _rows(demo, "SELECT count(DISTINCT region_id) FROM unit") == [(3,)]


def test_every_unit_has_a_verksamhetschef_and_handledare(demo: Connection) -> None:
    rows = _rows(
        demo,
        """SELECT u.unit_id,
                  count(*) FILTER (WHERE r.role = 'verksamhetschef'),
                  count(*) FILTER (WHERE r.role = 'handledare')
           FROM unit u LEFT JOIN role_assignment r USING (unit_id) GROUP BY u.unit_id""",
    )
    assert len(rows) >= 20
    for unit_id, chefs, handledare in rows:
        assert chefs == 1, unit_id
        assert isinstance(handledare, int) and handledare >= 2, unit_id


def test_every_trainee_has_one_current_huvudhandledare_from_their_unit(demo: Connection) -> None:
    rows = _rows(
        demo,
        """SELECT t.trainee_id, count(s.person_id) FILTER (WHERE r.unit_id = t.unit_id)
           FROM trainee t
           JOIN supervision s ON s.trainee_id = t.trainee_id AND s.kind = 'huvudhandledare'
           LEFT JOIN role_assignment r ON r.person_id = s.person_id AND r.role = 'handledare'
           GROUP BY t.trainee_id""",
    )
    assert len(rows) == TRAINEES
    assert all(isinstance(n, int) and n >= 1 for _, n in rows)


def test_intressenter_are_at_every_step_with_increasing_dates(demo: Connection) -> None:
    steps = {r[0] for r in _rows(demo, "SELECT DISTINCT step FROM intressent")}
    assert steps == set(INTRESSENT_STEPS)
    history = _rows(
        demo,
        "SELECT intressent_id, list(step_date ORDER BY step_date), max(step_date) FROM intressent_step GROUP BY 1",
    )
    for _, dates, last in history:
        assert isinstance(dates, list) and len(dates) == len(set(dates))
        assert isinstance(last, date) and last <= AS_OF
    assert _rows(
        demo,
        """SELECT count(*) FROM intressent i JOIN unit u USING (unit_id)
           WHERE u.kind <> 'vardcentral' OR (i.step = 'inskriven') <> (i.trainee_id IS NOT NULL)""",
    ) == [(0,)]


def test_every_row_with_a_source_is_marked_demo(demo: Connection) -> None:
    for table in ("trainee", "placement", "leave", "credit", "certificate"):
        assert _rows(demo, f"SELECT count(*) FROM {table} WHERE source <> 'demo'") == [(0,)], table


def test_loading_twice_raises_and_changes_nothing(tmp_path: Path) -> None:
    con = _load(tmp_path / "t.duckdb", trainees=5)
    before = _content(con)
    with pytest.raises(tracker.errors.TrackerError, match="redan"):
        load_demo(con, trainees=5, seed=2026, as_of=AS_OF)
    assert _content(con) == before
