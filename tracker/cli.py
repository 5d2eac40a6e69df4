"""The command line of INTERFACE.md: init, demo, import, progress (and catalogue)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from tracker import catalogue_store
from tracker.db import TrackerError, connect, default_db_path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ogiltigt datum {text!r}; skriv ÅÅÅÅ-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tracker", description="ST-tracker: progress toward specialist competence.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=None, help="database file (default: $TRACKER_DB or data/tracker.duckdb)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", parents=[common], help="create or migrate the database (safe to run twice)")
    d = sub.add_parser("demo", parents=[common], help="load realistic synthetic data")
    d.add_argument("--trainees", type=int, default=180)
    d.add_argument("--seed", type=int, default=2026)
    d.add_argument("--as-of", type=_date, default=None, help="the demo's 'today' (default: today)")
    i = sub.add_parser("import", parents=[common], help="import a bundle of CSV files (all or nothing)")
    i.add_argument("dir", type=Path)
    pr = sub.add_parser("progress", parents=[common], help="progress as JSON")
    pr.add_argument("trainee_id", nargs="?")
    pr.add_argument("--all", action="store_true")
    pr.add_argument("--as-of", type=_date, default=None)
    pr.add_argument("--json", action="store_true", help="print JSON (the only format)")
    c = sub.add_parser("catalogue", parents=[common], help="replace the delmål catalogue from a file")
    c.add_argument("file", type=Path, nargs="?", default=None)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except TrackerError as exc:
        errors = getattr(exc, "errors", None)
        if errors:
            for e in errors:
                print(e, file=sys.stderr)
        print(f"tracker: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    db = args.db or default_db_path()
    con = connect(db)
    try:
        if args.command == "init":
            catalogue_store.ensure_catalogue(con)
            print(f"Databasen {db} är klar.")
        elif args.command == "demo":
            from tracker.demo import load_demo

            summary = load_demo(con, trainees=args.trainees, seed=args.seed, as_of=args.as_of or date.today())
            print(summary)
        elif args.command == "import":
            from tracker.importer import import_bundle

            result = import_bundle(con, args.dir)
            print(result.summary())
        elif args.command == "progress":
            from tracker.progress import progress_all, progress_for

            as_of = args.as_of or date.today()
            catalogue_store.ensure_catalogue(con)
            if args.all:
                out: object = [p.to_json() for p in progress_all(con, as_of)]
            elif args.trainee_id:
                out = progress_for(con, args.trainee_id, as_of).to_json()
            else:
                print("tracker progress: ange ett id eller --all", file=sys.stderr)
                return 2
            json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
            print()
        elif args.command == "catalogue":
            n = catalogue_store.load_catalogue(con, path=args.file)
            print(f"Katalogen laddad: {n} delmål.")
    finally:
        con.close()
    return 0
