"""Every action and kind of record the code writes to the audit log has a Swedish label for the Logg page."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.services.audit import ACTION_LABELS, ENTITY_LABELS

LIBRARY = Path(__file__).resolve().parents[1] / "tracker"
# record_audit(cur, actor, "action", "entity", ...), write_audit(cur, who, "action", "entity", ...),
# and an import's audit.add("action", "entity", ...).
CALLS = re.compile(
    r"""(?:record_audit\(\s*\w+\s*,\s*[\w.]+\s*,|write_audit\(\s*\w+\s*,\s*[\w.\[\]"']+\s*,|audit\.add\()\s*"""
    r"""["'](?P<action>\w+)["']\s*,\s*["'](?P<entity>\w+)["']""",
    re.S,
)


def _written() -> tuple[set[str], set[str]]:
    actions: set[str] = set()
    entities: set[str] = set()
    for path in LIBRARY.rglob("*.py"):
        for m in CALLS.finditer(path.read_text(encoding="utf-8")):
            actions.add(m["action"])
            entities.add(m["entity"])
    return actions, entities


def test_every_audited_action_and_record_kind_has_a_swedish_label() -> None:
    actions, entities = _written()
    assert {"add", "sign", "import_add", "export", "issue_code"} <= actions  # the scan finds the calls
    assert {"certificate", "supervision", "bundle", "person"} <= entities
    assert sorted(actions - set(ACTION_LABELS)) == []
    assert sorted(entities - set(ENTITY_LABELS)) == []
