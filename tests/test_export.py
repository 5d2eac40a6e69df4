"""The portable record (INTERFACE.md, ``tracker export``): the complete bundle of one trainee or of all,
byte-identical after importing it into an empty database and exporting again; the app's export follows
the reader's scope and is audited."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from appdb import actor
from test_import_security import db_path, template  # noqa: F401  (the hand-made regions R1/R2)

from tracker import services
from tracker.cli import main
from tracker.demo import load_demo
from tracker.errors import AccessDenied
from tracker.ingest.export import EXPORT_COLUMNS, Selection, bundle_files
from tracker.ingest.load import import_bundle
from tracker.rules.engines import progress
from tracker.store import Connection, catalogue, connect

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "demo.duckdb"
    c = connect(path)
    load_demo(c, trainees=40, seed=11, as_of=AS_OF)
    c.close()
    return path


@pytest.fixture
def con(db_path: Path) -> Iterator[Connection]:  # noqa: F811  (a copy of the template, as in test_import_security)
    c = connect(db_path)
    yield c
    c.close()


def _empty(path: Path) -> Connection:
    c = connect(path)
    catalogue.ensure_catalogue(c)
    return c


def test_export_import_export_is_identical_on_the_demo_data(demo: Path, tmp_path: Path) -> None:
    assert main(["export", "--all", str(tmp_path / "first"), "--db", str(demo)]) == 0
    assert main(["import", str(tmp_path / "first"), "--db", str(tmp_path / "copy.duckdb")]) == 0
    assert main(["export", "--all", str(tmp_path / "second"), "--db", str(tmp_path / "copy.duckdb")]) == 0
    first = {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "second").iterdir()}
    assert sorted(first) == sorted(EXPORT_COLUMNS)
    assert first == second
    # Every file has rows, and the headers are the contract's columns in order.
    for name, data in first.items():
        lines = data.decode("utf-8").splitlines()
        assert lines[0] == ",".join(EXPORT_COLUMNS[name]) and len(lines) > 1, name
    # And the copy computes the same progress for everyone.
    a, b = connect(demo, read_only=True), connect(tmp_path / "copy.duckdb", read_only=True)
    try:
        assert [p.to_json() for p in progress(a, AS_OF)] == [p.to_json() for p in progress(b, AS_OF)]
    finally:
        a.close()
        b.close()


def test_one_trainees_export_holds_their_rows_and_the_people_they_name(demo: Path, tmp_path: Path) -> None:
    c = connect(demo, read_only=True)
    try:
        full = bundle_files(c, Selection(None))
        tid = c.execute(
            """SELECT t.trainee_id FROM trainee t JOIN supervision s USING (trainee_id)
               JOIN certificate ce ON ce.trainee_id = t.trainee_id AND ce.signer_person_id IS NOT NULL
               ORDER BY 1 LIMIT 1"""
        ).fetchall()[0][0]
        one = bundle_files(c, Selection(frozenset({tid})))
    finally:
        c.close()
    rows = {name: text.splitlines()[1:] for name, text in one.items()}
    assert [r.split(",")[0] for r in rows["trainees.csv"]] == [tid]
    for name in ("placements.csv", "leave.csv", "credits.csv", "supervision.csv"):
        expected = [r for r in full[name].splitlines()[1:] if r.split(",")[0] == tid]
        assert rows[name] == expected, name
    assert rows["certificates.csv"] == [r for r in full["certificates.csv"].splitlines()[1:] if r.split(",")[1] == tid]
    # Every person the supervision or a certificate names is in people.csv, and every unit people or the
    # trainee name is in units.csv: the bundle imports into an empty database on its own.
    emails = {r.split(",")[0] for r in rows["people.csv"]}
    named = {r.split(",")[1] for r in rows["supervision.csv"]} | {r.split(",")[-1] for r in rows["certificates.csv"]}
    assert emails == named - {""}  # the trainee's own people, not every colleague at the unit
    target = tmp_path / "one"
    target.mkdir()
    for name, text in one.items():
        (target / name).write_text(text, encoding="utf-8")
    copy = _empty(tmp_path / "one.duckdb")
    try:
        result = import_bundle(copy, target)
        assert result.counts["ST-läkare"] == 1
        assert bundle_files(copy, Selection(None)) == one
    finally:
        copy.close()


def test_the_app_exports_what_the_reader_may_export_and_audits_it(con: Connection) -> None:
    def trainees_of(pid: str, trainee_id: str | None = None) -> list[str]:
        files = services.export_bundle(con, actor(con, pid), trainee_id)
        return [r.split(",")[0] for r in files["trainees.csv"].splitlines()[1:]]

    assert trainees_of("pA") == ["TA"]  # an ST-läkare: their own record
    assert trainees_of("pA", "TA") == ["TA"]
    assert trainees_of("pS") == ["TA", "TC"]  # studierektor of R1: units U1 and U2
    assert trainees_of("pS", "TC") == ["TC"]
    assert trainees_of("pS2") == ["TB", "TD"]
    assert trainees_of("pAdm") == ["TA", "TB", "TC", "TD"]
    for pid, target in (("pA", "TB"), ("pS", "TB"), ("pH", None), ("pH", "TA"), ("pS2", "TA")):
        with pytest.raises(AccessDenied):
            services.export_bundle(con, actor(con, pid), target)
    logged = con.execute(
        "SELECT actor_person_id, entity_id FROM audit_log WHERE action = 'export' ORDER BY audit_id"
    ).fetchall()
    assert logged == [("pA", "alla"), ("pA", "TA"), ("pS", "alla"), ("pS", "TC"), ("pS2", "alla"), ("pAdm", "alla")]
    # The studierektor's export has the units of the area and the people with a role there, not region R2's.
    files = services.export_bundle(con, actor(con, "pS"))
    assert [r.split(",")[0] for r in files["units.csv"].splitlines()[1:]] == ["U1", "U2"]
    archive = zipfile.ZipFile(io.BytesIO(services.export_zip(con, actor(con, "pA"))))
    assert sorted(archive.namelist()) == sorted(EXPORT_COLUMNS)


def test_cli_export_one_trainee_and_refusals(con: Connection, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    con.close()
    assert main(["export", "TA", str(tmp_path / "ta"), "--db", str(db_path)]) == 0
    assert (tmp_path / "ta" / "trainees.csv").read_text("utf-8").splitlines()[1].startswith("TA,Anna ST,")
    assert "Exporterade 1 ST-läkare" in capsys.readouterr().out
    assert main(["export", "NOPE", str(tmp_path / "x"), "--db", str(db_path)]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == "tracker: ST-läkare NOPE finns inte."
    assert main(["export", str(tmp_path / "x"), "--db", str(db_path)]) == 2
    assert main(["export", "--all", str(tmp_path / "h"), "--as", "ph@example.se", "--db", str(db_path)]) == 1
    assert "kan exportera" in capsys.readouterr().err
    assert main(["export", "--all", str(tmp_path / "s"), "--as", "ps@example.se", "--db", str(db_path)]) == 0
    lines = (tmp_path / "s" / "trainees.csv").read_text("utf-8").splitlines()
    assert [r.split(",")[0] for r in lines[1:]] == ["TA", "TC"]


def test_importing_a_trainees_own_export_again_adds_nothing(demo: Path, tmp_path: Path) -> None:
    copy_path = tmp_path / "copy.duckdb"
    copy_path.write_bytes(demo.read_bytes())
    c = connect(copy_path)
    try:
        tid = c.execute(
            """SELECT trainee_id FROM credit WHERE source <> 'import'
               INTERSECT SELECT trainee_id FROM leave ORDER BY 1 LIMIT 1"""
        ).fetchall()[0][0]
        before = bundle_files(c, Selection(frozenset({tid})))
        counts = {t: c.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("placement", "leave", "credit")}
        folder = tmp_path / "own"
        folder.mkdir()
        for name, text in before.items():
            (folder / name).write_text(text, encoding="utf-8")
        import_bundle(c, folder)  # the demo's records stand for what was entered in the app
        assert {t: c.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in counts} == counts
        assert bundle_files(c, Selection(frozenset({tid}))) == before
    finally:
        c.close()
