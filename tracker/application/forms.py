"""Socialstyrelsen's forms the application package fills: which blank file each is, what it is for and
where Socialstyrelsen publishes it.

The blank forms are Socialstyrelsen's and change over time, so the project does not ship them:
``tracker forms fetch`` downloads them into the forms folder (``$TRACKER_FORMS``). The field names the
filler expects of each blank are listed in ``form_fields.json`` beside this module (written by
``scripts/form_fields.py`` from the forms as published); a blank whose field names differ is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tracker.domain import REG_2015, REG_2021

# Where Socialstyrelsen publishes them: HSLF-FS 2021:8's bilagor beside the föreskrift in the
# artikelkatalog, SOSFS 2015:8's blanketter among the site's forms. ``tracker forms fetch --source``
# takes another base address (a mirror holding the same file names).
SOURCE_2021 = "https://www.socialstyrelsen.se/globalassets/sharepoint-dokument/artikelkatalog/foreskrifter-och-allmanna-rad/"
SOURCE_2015 = "https://www.socialstyrelsen.se/globalassets/sharepoint-dokument/dokument-webb/blanketter/"


@dataclass(frozen=True)
class Form:
    key: str  # "2021-9": regulation year and bilaga
    file: str  # the blank's file name as Socialstyrelsen publishes it
    regulation: str
    bilaga: str  # "9", "8a"
    title: str
    # Pages (0-based) whose widgets share a field with another page by a mistake of the blank: they are
    # detached and left empty when filled (HSLF-FS 2021:8 bilaga 5 repeats four attachment numbers of
    # page 2 under "övriga handlingar" on page 3).
    detach_pages: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        """How people name it: "HSLF-FS 2021:8 bilaga 9"."""
        return f"{self.regulation} bilaga {self.bilaga}"

    @property
    def source(self) -> str:
        return (SOURCE_2021 if self.regulation == REG_2021 else SOURCE_2015) + self.file

    @property
    def fields(self) -> frozenset[str]:
        """The field names the filler expects of the blank."""
        return frozenset(_expected_fields()[self.file])


def _f2021(n: int, title: str, detach: tuple[int, ...] = ()) -> Form:
    return Form(f"2021-{n}", f"2021-2-7212-bilaga-{n}.pdf", REG_2021, str(n), title, detach)


def _f2015(bilaga: str, file: str, title: str) -> Form:
    return Form(f"2015-{bilaga}", f"blankett-{file}-sosfs20158.pdf", REG_2015, bilaga, title)


FORMS: tuple[Form, ...] = (
    _f2021(1, "Ansökan om intyg om godkänd bastjänstgöring"),
    _f2021(2, "Intyg om delmål i bastjänstgöringen"),
    _f2021(3, "Intyg om fullgjord bastjänstgöring"),
    _f2021(4, "Intyg om uppnådd baskompetens"),
    _f2021(5, "Ansökan om bevis om specialistkompetens", detach=(2,)),
    _f2021(6, "Intyg om fullgjord specialiseringstjänstgöring"),
    _f2021(7, "Intyg om uppnådd specialistkompetens"),
    _f2021(8, "Intyg: auskultation"),
    _f2021(9, "Intyg: klinisk tjänstgöring under handledning"),
    _f2021(10, "Intyg: kurs"),
    _f2021(11, "Intyg: deltagande i utvecklingsarbete"),
    _f2021(12, "Intyg: delmål STa3 Medicinsk vetenskap"),
    _f2021(13, "Intyg om delmål för specialistläkare från tredjeland"),
    _f2015("1", "bevis-specialistkompetens", "Ansökan om bevis om specialistkompetens"),
    _f2015("2", "uppnadd-specialistkompetens", "Intyg om uppnådd specialistkompetens"),
    _f2015("3", "specialistkompetens-auskultation", "Intyg: auskultation"),
    _f2015("4", "specialistkompetens-klinisk-tjanstgoring", "Intyg: klinisk tjänstgöring under handledning"),
    _f2015("5", "specialistkompetens-kurs", "Intyg: kurs"),
    _f2015("6", "specialistkompetens-kvalitet-utveckling", "Intyg: kvalitets- och utvecklingsarbete"),
    _f2015("7", "specialistkompetens-skriftligt-arbete", "Intyg: självständigt skriftligt arbete"),
    _f2015("8a", "specialistlakare-tredjeland-8a", "Intyg för specialistläkare från tredjeland (8 a)"),
    _f2015("8b", "specialistlakare-tredjeland-8b", "Intyg för specialistläkare från tredjeland (8 b)"),
)
FORM_BY_KEY: dict[str, Form] = {f.key: f for f in FORMS}

# The form of each signed activity certificate, per regulation (DOMAIN.md 3.1–3.3).
CERTIFICATE_FORMS: dict[str, dict[str, str]] = {
    REG_2021: {
        "bt_delmal": "2021-2",
        "auskultation": "2021-8",
        "klinisk_tjanstgoring": "2021-9",
        "kurs": "2021-10",
        "utvecklingsarbete": "2021-11",
        "vetenskap": "2021-12",
    },
    REG_2015: {
        "auskultation": "2015-3",
        "klinisk_tjanstgoring": "2015-4",
        "kurs": "2015-5",
        "kvalitetsarbete": "2015-6",
        "skriftligt_arbete": "2015-7",
    },
}


@cache
def _expected_fields() -> dict[str, list[str]]:
    text = resources.files("tracker.application").joinpath("form_fields.json").read_text(encoding="utf-8")
    data: dict[str, list[str]] = json.loads(text)
    return data
