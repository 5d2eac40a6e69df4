"""Both engines print the same progress JSON, byte for byte, on a large generated bundle
(scripts/generate_bundle.py: both regelverk, every specialty kind, BT parts, part-time, parallel
placements, leave, credits, certificates signed before and after the as-of dates) and on the demo data.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from tracker.cli import main
from tracker.demo import load_demo
from tracker.rules.engines import ENGINES, progress
from tracker.store import Connection, connect

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "generate_bundle.py"
TRAINEES = 2000
SEED = 2026
# Before and after most generated signatures, BT ends and planned ends.
AS_OFS = ("2024-06-30", "2026-11-30")
DEMO_AS_OF = date(2026, 11, 30)


@cache
def _generator() -> ModuleType:
    """scripts/generate_bundle.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("generate_bundle", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _rows(folder: Path, file: str) -> list[dict[str, str]]:
    with (folder / file).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated") / "bundle"
    assert _generator().main([str(folder), "--trainees", str(TRAINEES), "--seed", str(SEED)]) == 0
    return folder


@pytest.fixture(scope="module")
def db(bundle: Path) -> str:
    path = bundle.parent / "generated.duckdb"
    assert main(["import", str(bundle), "--db", str(path)]) == 0  # all or nothing: every row is valid
    return str(path)


def _cli_json(db: str, as_of: str, engine: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    args = ["progress", "--all", "--as-of", as_of, "--json", "--db", db]
    assert main(args if engine == "setbased" else [*args, "--engine", engine]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("as_of", AS_OFS)
def test_both_engines_print_the_same_json_for_a_generated_bundle(
    db: str, as_of: str, capsys: pytest.CaptureFixture[str]
) -> None:
    by_engine = {e: _cli_json(db, as_of, e, capsys) for e in ENGINES}
    assert by_engine["setbased"] == by_engine["reference"]
    rows = json.loads(by_engine["setbased"])
    assert len(rows) == TRAINEES
    # the comparison is not between two empty pictures: some of everything is there
    assert {r["regulation"] for r in rows} == {"SOSFS 2015:8", "HSLF-FS 2021:8"}
    assert any(r["ready_to_apply"] for r in rows) and not all(r["ready_to_apply"] for r in rows)
    kinds = {m["kind"] for r in rows for m in r["missing_items"]}
    assert kinds == {"time", "bt", "delmal", "document", "bas_specialty"}
    assert {s for r in rows for s in r["delmal"].values()} == {"uppfyllt", "pågår", "ej påbörjat"}
    bt = [r["bt"] for r in rows if r["bt"] is not None]
    assert any(b["credited_months"] for b in bt) and any(b["before_legitimation_months"] for b in bt)
    assert any(b["time_complete"] for b in bt) and any(b["acute_care_months"] for b in bt)
    assert any(r["days_before_legitimation"] for r in rows) and any(r["at"] for r in rows)
    assert any(r["credited_months"] for r in rows)
    # the generator keeps every credit within RULES 2: none is refused or capped by the computation
    credit_notices = [n for r in rows for n in r["notices"] if n.startswith("Tillgodoräknande")]
    assert credit_notices and all(n.endswith("; bedöms av Socialstyrelsen.") and "räknas" not in n for n in credit_notices)


def test_the_generated_bundle_uses_every_part_of_the_format(bundle: Path) -> None:
    trainees = _rows(bundle, "trainees.csv")
    placements = _rows(bundle, "placements.csv")
    credit_rows = _rows(bundle, "credits.csv")
    certificates = _rows(bundle, "certificates.csv")
    assert len(trainees) == TRAINEES
    assert {t["regulation"] for t in trainees} == {"", "SOSFS 2015:8", "HSLF-FS 2021:8"}
    assert {t["swedish_at"] for t in trainees} == {"true", "false"}
    assert {t["doktorsexamen"] for t in trainees} == {"true", "false"}
    assert any(t["bt_approved_date"] for t in trainees)
    assert {p["kind"] for p in placements} == {"AT", "BT", "ST"}
    assert {p["bt_part"] for p in placements if p["kind"] == "BT"} == {"", "primarvard", "akut_sjukvard", "annan"}
    assert {p["bt_part"] for p in placements if p["kind"] != "BT"} == {""}
    assert any(float(p["percent"]) < 100 for p in placements)
    assert {lv["kind"] for lv in _rows(bundle, "leave.csv")} == {"foraldraledighet", "sjukfranvaro", "tjanstledighet"}
    assert any(float(lv["percent"]) < 100 for lv in _rows(bundle, "leave.csv"))
    assert {c["kind"] for c in credit_rows} == {"tidigare_st", "utlandstjanstgoring", "doktorsexamen", "annan"}
    assert {c["applies_to"] for c in credit_rows} == {"", "ST", "BT"}
    types = {c["type"] for c in certificates}
    assert {"fullgjord_bt", "baskompetens", "fullgjord_st", "specialistkompetens", "bevis_bas", "bt_delmal",
            "vetenskap", "skriftligt_arbete", "sammankomst", "ovrig_aktivitet"} <= types
    assert any(not c["signed_date"] for c in certificates)
    signed = sorted(c["signed_date"] for c in certificates if c["signed_date"])
    assert signed[0] < AS_OFS[0] and signed[-1] > AS_OFS[1]


def test_the_generator_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    gen = _generator()
    first, again, other = (gen.generate(40, seed) for seed in (5, 5, 6))
    assert first == again and first != other
    # a trainee depends only on the seed and its number
    assert gen.generate(10, 5)["trainees.csv"] == first["trainees.csv"][:10]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    con = connect(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    load_demo(con, trainees=180, seed=2026, as_of=DEMO_AS_OF)
    yield con
    con.close()


def test_both_engines_give_the_same_progress_on_the_demo_data(demo: Connection) -> None:
    by_engine = {e: [p.to_json() for p in progress(demo, DEMO_AS_OF, engine=e)] for e in ENGINES}
    assert len(by_engine["setbased"]) == 180
    assert by_engine["setbased"] == by_engine["reference"]
