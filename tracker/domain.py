"""Closed vocabularies and plain records of the domain (see DOMAIN.md, RULES.md, INTERFACE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

REG_2015 = "SOSFS 2015:8"
REG_2021 = "HSLF-FS 2021:8"
REGULATIONS: tuple[str, ...] = (REG_2015, REG_2021)
REGULATION_2021_START = date(2021, 7, 1)

# Every date entered or imported lies within these bounds: from well before any legitimation still
# relevant to a trainee to beyond any projected completion, so date arithmetic never overflows.
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2099, 12, 31)

PLACEMENT_KINDS: tuple[str, ...] = ("AT", "BT", "ST")
SETTINGS: tuple[str, ...] = ("primarvard", "akutsjukvard", "psykiatri", "internmedicin", "kirurgi", "annan")
LEAVE_KINDS: tuple[str, ...] = ("foraldraledighet", "sjukfranvaro", "tjanstledighet")
CREDIT_KINDS: tuple[str, ...] = ("tidigare_st", "utlandstjanstgoring", "doktorsexamen", "annan")
CREDIT_TARGETS: tuple[str, ...] = ("ST", "BT")  # what a credit counts toward (BT: HSLF-FS 2021:8 only)

# Which part of BT a BT placement is (RULES 4): akut sjukvård is a kind of work, not a kind of clinic.
BT_PARTS: tuple[str, ...] = ("primarvard", "akut_sjukvard", "annan")
BT_PART_BY_SETTING = {"primarvard": "primarvard", "akutsjukvard": "akut_sjukvard"}  # else annan


def default_bt_part(setting: str) -> str:
    """The BT part a BT placement has when none is given: from its setting (RULES 4)."""
    return BT_PART_BY_SETTING.get(setting, "annan")


# Activity certificates, recommended activities and summary documents (INTERFACE.md).
REQUIRABLE_TYPES: tuple[str, ...] = (
    "klinisk_tjanstgoring",
    "auskultation",
    "kurs",
    "utvecklingsarbete",
    "kvalitetsarbete",
    "skriftligt_arbete",
    "vetenskap",
    "bt_delmal",
)
RECOMMENDED_TYPES: tuple[str, ...] = ("sammankomst", "ovrig_aktivitet")
SUMMARY_TYPES: tuple[str, ...] = ("fullgjord_bt", "baskompetens", "fullgjord_st", "specialistkompetens")
# Socialstyrelsen's bevis om specialistkompetens in the basspecialitet a gren- or tilläggsspecialitet
# builds on: recorded (its title names the specialty, its date is the bevis's), never signed in the app.
BEVIS_BAS = "bevis_bas"
DOCUMENT_TYPES: tuple[str, ...] = SUMMARY_TYPES + (BEVIS_BAS,)
# Certificates that attest a period of service (tjänstgöring), and so lock the placements and leave within it:
# clinical service under a handledare, BT's delmål intyg, and the summary documents of BT and ST.
SERVICE_TYPES: tuple[str, ...] = ("klinisk_tjanstgoring", "bt_delmal", *SUMMARY_TYPES)
ACTIVITY_TYPES: tuple[str, ...] = REQUIRABLE_TYPES + RECOMMENDED_TYPES + DOCUMENT_TYPES

CERTIFICATE_STATUSES: tuple[str, ...] = ("utkast", "skickat", "signerat", "returnerat", "makulerat")
SUPERVISION_KINDS: tuple[str, ...] = ("huvudhandledare", "handledare")
UNIT_KINDS: tuple[str, ...] = ("vardcentral", "klinik", "annan")
ROLES: tuple[str, ...] = ("st_lakare", "handledare", "studierektor", "verksamhetschef", "admin")

# The admission process for ST-intressenter, in order.
INTRESSENT_STEPS: tuple[str, ...] = (
    "intresse",  # the verksamhetschef has told the area's studierektor
    "dokument",  # documents are arriving
    "bedomning",  # the studierektor assesses the unit and the person
    "vantelista",  # approved, waiting for a place
    "inskriven",  # ST-kontrakt signed, trainee record created
    "avslutad",  # withdrawn or not approved
)

# Swedish labels shown to people.
TYPE_LABELS: dict[str, str] = {
    "klinisk_tjanstgoring": "Klinisk tjänstgöring under handledning",
    "auskultation": "Auskultation",
    "kurs": "Kurs",
    "utvecklingsarbete": "Deltagande i utvecklingsarbete",
    "kvalitetsarbete": "Kvalitets- och utvecklingsarbete",
    "skriftligt_arbete": "Självständigt skriftligt arbete",
    "vetenskap": "Delmål STa3 Medicinsk vetenskap",
    "bt_delmal": "Intyg om delmål i bastjänstgöringen",
    "sammankomst": "Större yrkesrelaterad sammankomst",
    "ovrig_aktivitet": "Övrig utbildningsaktivitet",
    "fullgjord_bt": "Intyg om fullgjord bastjänstgöring",
    "baskompetens": "Intyg om uppnådd baskompetens",
    "fullgjord_st": "Intyg om fullgjord specialiseringstjänstgöring",
    "specialistkompetens": "Intyg om uppnådd specialistkompetens",
    "bevis_bas": "Bevis om specialistkompetens i basspecialitet",
}
SETTING_LABELS: dict[str, str] = {
    "primarvard": "Primärvård",
    "akutsjukvard": "Akut sjukvård",
    "psykiatri": "Psykiatri",
    "internmedicin": "Internmedicin",
    "kirurgi": "Kirurgi",
    "annan": "Annan",
}
LEAVE_LABELS: dict[str, str] = {
    "foraldraledighet": "Föräldraledighet",
    "sjukfranvaro": "Sjukfrånvaro",
    "tjanstledighet": "Tjänstledighet",
}
BT_PART_LABELS: dict[str, str] = {
    "primarvard": "Primärvård",
    "akut_sjukvard": "Akut sjukvård",
    "annan": "Annan",
}
CREDIT_LABELS: dict[str, str] = {
    "tidigare_st": "Tidigare ST",
    "utlandstjanstgoring": "Utlandstjänstgöring",
    "doktorsexamen": "Doktorsexamen",
    "annan": "Annan merit",
}
STATUS_UPPFYLLT = "uppfyllt"
STATUS_PAGAR = "pågår"
STATUS_EJ = "ej påbörjat"


def as_date(value: object) -> date | None:
    """A date from what a query or a frame holds: date, datetime/Timestamp, ISO text; None for missing."""
    if value is None or value != value:  # NaN and NaT are not equal to themselves
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


MONTH_NAMES: tuple[str, ...] = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
DASH = "–"


def sv_date(value: object) -> str:
    """A date as people read it in Swedish, "30 juni 2024"; a dash for a missing date."""
    d = as_date(value)
    return DASH if d is None else f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def plural(n: int, one: str, many: str) -> str:
    """The Swedish word for a count: the singular for one ("1 punkt", "2 punkter")."""
    return one if n == 1 else many


@dataclass(frozen=True)
class Trainee:
    trainee_id: str
    name: str
    specialty: str
    st_start_date: date
    legitimation_date: date | None = None
    swedish_at: bool = False
    regulation_choice: str | None = None
    doktorsexamen: bool = False
    bt_approved_date: date | None = None


@dataclass(frozen=True)
class Placement:
    kind: str
    setting: str
    start_date: date
    end_date: date
    percent: float
    workplace: str = ""
    bt_part: str = ""  # BT placements: primarvard, akut_sjukvard or annan ('' = from the setting)

    @property
    def part(self) -> str:
        """The BT part this placement counts toward (RULES 4); meaningful for BT placements."""
        return self.bt_part or default_bt_part(self.setting)


@dataclass(frozen=True)
class Leave:
    kind: str
    start_date: date
    end_date: date
    percent: float


@dataclass(frozen=True)
class Credit:
    kind: str
    months: float
    note: str = ""
    applies_to: str = "ST"  # or "BT" (HSLF-FS 2021:8)


@dataclass(frozen=True)
class Certificate:
    certificate_id: str
    type: str
    delmal: tuple[str, ...] = ()
    signed_date: date | None = None
    title: str = ""

    def signed_on(self, as_of: date) -> bool:
        """Signed on the as-of date: its signature date is on or before it (RULES 6)."""
        return self.signed_date is not None and self.signed_date <= as_of


@dataclass(frozen=True)
class TraineeRecord:
    """Everything the rules need about one trainee."""

    trainee: Trainee
    placements: tuple[Placement, ...] = ()
    leave: tuple[Leave, ...] = ()
    credits: tuple[Credit, ...] = ()
    certificates: tuple[Certificate, ...] = field(default_factory=tuple)
