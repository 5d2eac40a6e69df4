#!/usr/bin/env python3
"""Measure the set-based progress queries on a national-size synthetic data set.

    python scripts/benchmark.py [--trainees 20000] [--db /tmp/bench.duckdb] [--repeat 3]

Loads the demo generator's data (once; the file is reused), then times the queries the aggregate
dashboards run, the per-trainee reference path, and an export of everything imported into an empty
database (2 000 trainees, a region's size; checking that exporting the copy gives the same files). Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tracker.demo import load_demo
from tracker.ingest.export import Selection, bundle_files, write_bundle
from tracker.ingest.load import import_bundle
from tracker.rules import setbased
from tracker.rules.progress import progress_all, progress_for
from tracker.rules.setbased import cohort, delmal_long
from tracker.store import catalogue, connect

AS_OF = date(2026, 11, 1)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainees", type=int, default=20000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/st-tracker-bench.duckdb"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    con = connect(args.db)
    n = con.execute("SELECT count(*) FROM trainee").fetchone()[0]  # type: ignore[index]
    if n == 0:
        t0 = time.perf_counter()
        load_demo(con, trainees=args.trainees, seed=1, as_of=AS_OF)
        print(f"loaded {args.trainees} trainees in {time.perf_counter() - t0:.1f} s")
    sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
             for t in ("trainee", "placement", "leave", "certificate", "certificate_delmal")}
    print("rows:", sizes)
    some = [r[0] for r in con.execute("SELECT trainee_id FROM trainee ORDER BY trainee_id LIMIT 200").fetchall()]

    rows = []
    t, df = timed(lambda: cohort(con, AS_OF), args.repeat)
    rows.append(("cohort: every trainee's months, projection, BT, delmål counts, readiness (SQL)", t))
    t, _ = timed(lambda: delmal_long(con, AS_OF), args.repeat)
    rows.append(("delmal_long: every applicable delmål's status (SQL)", t))
    t, _ = timed(lambda: setbased.progress_all(con, AS_OF), 1)
    rows.append(("every trainee's full progress JSON objects, set-based path (`progress --all`)", t))
    t, _ = timed(lambda: progress_for(con, some[0], AS_OF), args.repeat)
    rows.append(("one trainee's progress, reference path (Python)", t))
    t, _ = timed(lambda: progress_all(con, AS_OF, some), 1)
    rows.append(("200 trainees, reference path (Python; `progress --all --engine reference`)", t))
    t, _ = timed(lambda: bundle_files(con, Selection(None)), 1)
    rows.append(("export of everything, every file of the bundle (`tracker export --all`)", t))
    # A region's bundle: the import reads at most 200 000 rows and 20 MB per file, which a national export exceeds.
    region = frozenset(r[0] for r in con.execute("SELECT trainee_id FROM trainee ORDER BY trainee_id LIMIT 2000").fetchall())
    files = bundle_files(con, Selection(region))
    with tempfile.TemporaryDirectory() as tmp:
        write_bundle(files, Path(tmp) / "bundle")
        copy = connect(Path(tmp) / "copy.duckdb")
        catalogue.ensure_catalogue(copy)
        t, _ = timed(lambda: import_bundle(copy, Path(tmp) / "bundle"), 1)
        rows.append((f"import of a {len(region)}-trainee export into an empty database (`tracker import`)", t))
        same = bundle_files(copy, Selection(None)) == files
        copy.close()
    assert same, "export, import and export again must give the same files"

    print(f"\n{sizes['trainee']} trainees, {sizes['placement']} placements, {sizes['certificate']} certificates\n")
    print("| query | median seconds |")
    print("|---|---|")
    for name, secs in rows:
        print(f"| {name} | {secs:.3f} |")
    assert len(df) == sizes["trainee"]  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
