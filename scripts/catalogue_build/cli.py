"""The command: ``python scripts/build_catalogue.py [--source DIR] [--official DIR] [--out FILE] [--report]``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .assemble import build, render
from .model import BuildError

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "reference" / "malbeskrivningar"
DEFAULT_OUT = REPO_ROOT / "data" / "catalogue.json"
DESCRIPTION = "Build data/catalogue.json, the delmål catalogue the tracker reads at runtime."


def print_report(mapping: dict[str, tuple[str, ...]]) -> None:
    print("String -> activity types (alternatives):")
    for text in sorted(mapping):
        print(f"  {' | '.join(mapping[text]):32} {text}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="malbeskrivningar folder")
    parser.add_argument(
        "--official",
        type=Path,
        default=None,
        help="folder with targets2015.txt and recommendations2021.txt (default: <source>/../blanketter)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output JSON file")
    parser.add_argument("--report", action="store_true", help="print how each activity string was mapped")
    args = parser.parse_args(argv)
    source: Path = args.source
    official: Path = args.official or source.parent / "blanketter"
    try:
        catalogue, mapping = build(source, official)
    except (BuildError, OSError, KeyError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.report:
        print_report(mapping)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(catalogue), encoding="utf-8")
    n_specs = len(catalogue["specialties"])
    print(f"wrote {out} ({n_specs} specialties, {len(catalogue['corrections'])} corrections)")
    return 0
