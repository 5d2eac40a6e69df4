"""A small hand-made database for the utbildningsenhet's aggregates and pages: one trainee per risk rule.

Dates are counted from the first of the month of ``as_of``, so that the same people stand in the same
place whichever day the tests run (the pages compute for today):

* Doris Klar (SOSFS 2015:8, Allmänmedicin): reached the minimum time nine years ago, 14 years into her ST;
  two delmål uppfyllt (a6 by a kurs, c1 by klinisk tjänstgöring), no intyg om uppnådd specialistkompetens;
* Sven Sakta (HSLF-FS 2021:8, Allmänmedicin): 12 months of service in 36 months since ST start;
* Lena Ledig (HSLF-FS 2021:8, Allmänmedicin): 150 days of parental leave in the last year, else on pace;
* Xena Sen (SOSFS 2015:8, Kardiologi): 48 of 60 months, no delmål started;
* Olle Ordning (HSLF-FS 2021:8, Allmänmedicin, no unit): one year in, on pace;
* Zara Zon (SOSFS 2015:8, Allmänmedicin) in another region: one year in, on pace.

The studierektor ``pS`` has region R1 (everyone but Olle, who has no unit, and Zara); ``pAdm`` is an
administrator.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from rows import insert_rows

from tracker.accounts import hash_password
from tracker.store import catalogue, connect

# Delmål per specialty and regulation in the catalogue (common a/b, specialty c), for the expected counts.
COMMON_2015, C_ALLMAN_2015, C_KARDIO_2015 = 11, 14, 13


def month(as_of: date, offset: int) -> date:
    """The first day of the month ``offset`` months from ``as_of``'s month."""
    index = as_of.year * 12 + as_of.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def build(path: Path, as_of: date) -> None:
    con = connect(path)
    catalogue.ensure_catalogue(con)
    pw = hash_password("hemligt")
    insert_rows(con, "region", [{"region_id": "R1", "name": "Region Norr"}, {"region_id": "R2", "name": "Region Syd"}])
    insert_rows(
        con,
        "unit",
        [
            {"unit_id": "U1", "name": "VC Norra", "region_id": "R1", "area": "Norra", "kind": "vardcentral"},
            {"unit_id": "U3", "name": "VC Väst", "region_id": "R2", "area": "Väst", "kind": "vardcentral"},
        ],
    )
    insert_rows(
        con,
        "person",
        [
            {"person_id": k, "name": v, "email": f"{k.lower()}@example.se", "password_hash": pw}
            for k, v in {"pS": "Sara Studierektor", "pAdm": "Adam Admin"}.items()
        ],
    )
    insert_rows(
        con,
        "role_assignment",
        [{"person_id": "pS", "role": "studierektor", "region_id": "R1"}, {"person_id": "pAdm", "role": "admin"}],
    )

    def trainee(tid: str, name: str, specialty: str, unit: str | None, start: int, swedish_at: bool) -> dict[str, object]:
        return {
            "trainee_id": tid,
            "name": name,
            "specialty": specialty,
            "legitimation_date": month(as_of, start - 6),
            "swedish_at": swedish_at,
            "st_start_date": month(as_of, start),
            "unit_id": unit,
        }

    insert_rows(
        con,
        "trainee",
        [
            trainee("TD", "Doris Klar", "Allmänmedicin", "U1", -168, True),
            trainee("TS", "Sven Sakta", "Allmänmedicin", "U1", -36, False),
            trainee("TL", "Lena Ledig", "Allmänmedicin", "U1", -24, False),
            trainee("TX", "Xena Sen", "Kardiologi", "U1", -48, True),
            trainee("TO", "Olle Ordning", "Allmänmedicin", None, -12, False),
            trainee("TZ", "Zara Zon", "Allmänmedicin", "U3", -12, True),
        ],
    )

    def placement(tid: str, start: int, end: int) -> dict[str, object]:
        """Full time from the first of month ``start`` to the day before the first of month ``end``."""
        return {
            "trainee_id": tid,
            "kind": "ST",
            "setting": "primarvard",
            "start_date": month(as_of, start),
            "end_date": month(as_of, end) - timedelta(days=1),
            "percent": 100.0,
        }

    insert_rows(
        con,
        "placement",
        [
            placement("TD", -168, -108),
            placement("TS", -36, -24),
            placement("TL", -24, 7),
            placement("TX", -48, 12),
            placement("TO", -12, 54),
            placement("TZ", -12, 48),
        ],
    )
    insert_rows(
        con,
        "leave",
        [
            {
                "trainee_id": "TL",
                "kind": "foraldraledighet",
                "start_date": as_of - timedelta(days=200),
                "end_date": as_of - timedelta(days=51),
                "percent": 100.0,
            }
        ],
    )
    signed = month(as_of, -110)
    for cid, ctype, code in (("KD1", "kurs", "a6"), ("KD2", "klinisk_tjanstgoring", "c1")):
        con.execute(
            "INSERT INTO certificate (certificate_id, trainee_id, type, status, signed_by, signed_date) "
            "VALUES (?, 'TD', ?, 'signerat', 'Kursledare', ?)",
            [cid, ctype, signed],
        )
        con.execute("INSERT INTO certificate_delmal VALUES (?, ?)", [cid, code])
    con.close()
