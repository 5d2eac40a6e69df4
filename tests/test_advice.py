"""The next steps read right to everyone who sees them (the trainee, the handledare, the studierektor)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from tracker import services
from tracker.accounts import actor_for_person
from tracker.demo import load_demo
from tracker.domain import MONTH_NAMES
from tracker.store import connect

AS_OF = date(2026, 12, 1)


def test_next_steps_name_the_handledare_neutrally_and_dates_in_swedish(tmp_path: Path) -> None:
    con = connect(tmp_path / "demo.duckdb")
    load_demo(con, trainees=30, seed=5, as_of=AS_OF)
    admin = actor_for_person(con, con.execute(
        "SELECT person_id FROM role_assignment WHERE role = 'admin'"
    ).fetchone()[0])
    assert admin is not None
    tids = [r[0] for r in con.execute(
        "SELECT DISTINCT trainee_id FROM certificate WHERE status = 'utkast' ORDER BY 1"
    ).fetchall()]
    steps: list[str] = []
    for tid in tids:
        tv = services.trainee_view(con, admin, tid, AS_OF)
        steps += services.next_steps(tv.progress, tv.certificates, tv.delmal, limit=20)
    con.close()
    sends = [s for s in steps if s.startswith("Skicka intyget")]
    assert sends and all(s.endswith("till handledaren för signering.") for s in sends)
    assert not [s for s in steps if " din " in s]
    dated = [s for s in steps if "beräknat klar" in s]
    assert dated and all(re.search(rf"beräknat klar \d{{1,2}} ({'|'.join(MONTH_NAMES)}) \d{{4}}\)", s) for s in dated)
