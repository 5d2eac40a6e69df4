#!/usr/bin/env python3
"""Writes tracker/application/form_fields.json: the field names of each of Socialstyrelsen's blank forms
the filler knows, read from the PDFs (default: ../shared/reference/blanketter). The filler and
``tracker forms fetch`` refuse a blank form whose field names differ from this list.

    python scripts/form_fields.py [BLANKS_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.application.forms import FORMS  # noqa: E402
from tracker.application.pdf import field_names  # noqa: E402


def main() -> None:
    blanks = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference" / "blanketter"
    out = {form.file: sorted(field_names((blanks / form.file).read_bytes())) for form in FORMS}
    target = ROOT / "tracker" / "application" / "form_fields.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{target}: {len(out)} forms, {sum(len(v) for v in out.values())} fields")


if __name__ == "__main__":
    main()
