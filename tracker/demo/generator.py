"""Realistic synthetic demo data: regions, units, people, trainees, certificates and ST-intressenter.

Everything is drawn from one ``random.Random(seed)`` and laid out relative to ``as_of``, so the same
seed and as-of date always give the same database content. Rows are built in memory and written in
one transaction through pandas frames, which keeps large demos (tens of thousands of trainees) fast.

The timeline model is month based: placements start on the first of a month (a trainee may start
mid-month) and end on the last day of a month, whole-month leave episodes and short sick leave
overlap them. The trainee's plan continues until the counted months (RULES.md section 2) reach the
minimum, so the last planned placement ends in the month the ST is expected to be complete.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import math
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import bcrypt
import duckdb
import pandas as pd

from tracker.config import DEMO_TRAINEES
from tracker.domain import REG_2015, REG_2021, REGULATION_2021_START, TYPE_LABELS
from tracker.errors import TrackerError
from tracker.rules.reference import Requirement
from tracker.store import Connection, catalogue, transaction

DEMO_SOURCE = "demo"
DEMO_EMAIL_DOMAIN = "demo.st-tracker.se"
DEMO_PASSWORD = "demo"

# (email, password, what the account is) for the README and the login page.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("st@demo.se", DEMO_PASSWORD, "ST-läkare i allmänmedicin, Vårdcentralen Majorna (VGR), mitt i ST"),
    ("handledare@demo.se", DEMO_PASSWORD, "Huvudhandledare på Vårdcentralen Majorna med intyg att signera"),
    ("studierektor@demo.se", DEMO_PASSWORD, "Studierektor för område Göteborg, Västra Götalandsregionen"),
    ("admin@demo.se", DEMO_PASSWORD, "Administratör"),
)
_ST_EMAIL, _HANDLEDARE_EMAIL, _STUDIEREKTOR_EMAIL, _ADMIN_EMAIL = (a[0] for a in DEMO_ACCOUNTS)
_FIXED_NAMES = {
    _ST_EMAIL: "Sara Lindqvist",
    _HANDLEDARE_EMAIL: "Johan Bergström",
    _STUDIEREKTOR_EMAIL: "Karin Ekman",
    _ADMIN_EMAIL: "Maria Holm",
}

_EPS = 1e-9

# --- organisation -----------------------------------------------------------------------------

REGIONS: tuple[tuple[str, str], ...] = (
    ("VGR", "Västra Götalandsregionen"),
    ("STHLM", "Region Stockholm"),
    ("SKANE", "Region Skåne"),
)
AREAS: tuple[tuple[str, str], ...] = (
    ("VGR", "Göteborg"),
    ("VGR", "Södra Älvsborg"),
    ("VGR", "Fyrbodal"),
    ("STHLM", "Norr"),
    ("STHLM", "Söder"),
    ("SKANE", "Malmö"),
    ("SKANE", "Lund"),
    ("SKANE", "Nordost"),
)


@dataclass(frozen=True)
class _UnitDef:
    unit_id: str
    name: str
    region_id: str
    area: str
    kind: str
    st_approved: bool
    st_places: int
    setting: str
    hosts: tuple[str, ...] = ()


_VC = "vardcentral"
_KLINIK = "klinik"

UNITS: tuple[_UnitDef, ...] = (
    _UnitDef("vgr-vc-majorna", "Vårdcentralen Majorna", "VGR", "Göteborg", _VC, True, 3, "primarvard"),
    _UnitDef("vgr-vc-hogsbo", "Vårdcentralen Högsbo", "VGR", "Göteborg", _VC, True, 2, "primarvard"),
    _UnitDef("vgr-vc-kungshojd", "Vårdcentralen Kungshöjd", "VGR", "Göteborg", _VC, False, 0, "primarvard"),
    _UnitDef("vgr-vc-sandared", "Vårdcentralen Sandared", "VGR", "Södra Älvsborg", _VC, True, 1, "primarvard"),
    _UnitDef("vgr-vc-kallstorp", "Vårdcentralen Källstorp", "VGR", "Fyrbodal", _VC, True, 2, "primarvard"),
    _UnitDef("vgr-vc-dalaberg", "Vårdcentralen Dalaberg", "VGR", "Fyrbodal", _VC, True, 1, "primarvard"),
    _UnitDef("sthlm-vc-rinkeby", "Vårdcentralen Rinkeby", "STHLM", "Norr", _VC, True, 2, "primarvard"),
    _UnitDef("sthlm-vc-taby", "Vårdcentralen Täby centrum", "STHLM", "Norr", _VC, False, 0, "primarvard"),
    _UnitDef("sthlm-vc-farsta", "Vårdcentralen Farsta", "STHLM", "Söder", _VC, True, 3, "primarvard"),
    _UnitDef("skane-vc-limhamn", "Vårdcentralen Limhamn", "SKANE", "Malmö", _VC, True, 2, "primarvard"),
    _UnitDef("skane-vc-rosengard", "Vårdcentralen Rosengård", "SKANE", "Malmö", _VC, False, 0, "primarvard"),
    _UnitDef("skane-vc-linero", "Vårdcentralen Linero", "SKANE", "Lund", _VC, True, 2, "primarvard"),
    _UnitDef("skane-vc-nasby", "Vårdcentralen Näsby", "SKANE", "Nordost", _VC, True, 2, "primarvard"),
    _UnitDef(
        "vgr-su-medicin", "Sahlgrenska Universitetssjukhuset, Medicinkliniken", "VGR", "Göteborg", _KLINIK,
        True, 6, "internmedicin",
        ("Internmedicin", "Kardiologi", "Geriatrik", "Lungsjukdomar", "Infektionssjukdomar"),
    ),
    _UnitDef(
        "vgr-su-anestesi", "Sahlgrenska Universitetssjukhuset, Anestesi och intensivvård", "VGR", "Göteborg",
        _KLINIK, True, 5, "akutsjukvard", ("Anestesi och intensivvård",),
    ),
    _UnitDef(
        "vgr-su-barn", "Drottning Silvias barn- och ungdomssjukhus", "VGR", "Göteborg", _KLINIK, True, 4,
        "annan", ("Barn- och ungdomsmedicin", "Barn- och ungdomspsykiatri"),
    ),
    _UnitDef(
        "vgr-nal-akut", "NÄL, Akutkliniken", "VGR", "Fyrbodal", _KLINIK, True, 3, "akutsjukvard",
        ("Akutsjukvård", "Internmedicin"),
    ),
    _UnitDef(
        "vgr-nal-kirurgi", "NÄL, Kirurgkliniken", "VGR", "Fyrbodal", _KLINIK, True, 3, "kirurgi",
        ("Kirurgi", "Urologi"),
    ),
    _UnitDef(
        "vgr-sas-psykiatri", "Södra Älvsborgs sjukhus, Psykiatri", "VGR", "Södra Älvsborg", _KLINIK, True, 4,
        "psykiatri", ("Psykiatri",),
    ),
    _UnitDef(
        "sthlm-ks-neuro", "Karolinska Universitetssjukhuset Solna, Neurologi och onkologi", "STHLM", "Norr",
        _KLINIK, True, 5, "annan",
        ("Neurologi", "Onkologi", "Rehabiliteringsmedicin", "Klinisk patologi", "Hud- och könssjukdomar"),
    ),
    _UnitDef(
        "sthlm-sos-akut", "Södersjukhuset, Akutkliniken", "STHLM", "Söder", _KLINIK, True, 4, "akutsjukvard",
        ("Akutsjukvård", "Anestesi och intensivvård"),
    ),
    _UnitDef(
        "sthlm-sos-ortopedi", "Södersjukhuset, Ortopedkliniken", "STHLM", "Söder", _KLINIK, True, 3, "kirurgi",
        ("Ortopedi", "Kirurgi"),
    ),
    _UnitDef(
        "skane-sus-bof", "Skånes universitetssjukhus Lund, Bild och funktion", "SKANE", "Lund", _KLINIK, True, 4,
        "annan", ("Radiologi",),
    ),
    _UnitDef(
        "skane-csk", "Centralsjukhuset Kristianstad", "SKANE", "Nordost", _KLINIK, True, 6, "annan",
        (
            "Internmedicin", "Psykiatri", "Ortopedi", "Obstetrik och gynekologi", "Öron-, näs- och halssjukdomar",
            "Ögonsjukdomar", "Geriatrik", "Barn- och ungdomsmedicin",
        ),
    ),
)

# Hospitals outside the demo units, for sidotjänstgöring and AT.
_OTHER_HOSPITALS: dict[str, tuple[str, ...]] = {
    "VGR": ("Skaraborgs sjukhus Skövde", "Kungälvs sjukhus", "Alingsås lasarett", "Sahlgrenska Universitetssjukhuset"),
    "STHLM": ("Danderyds sjukhus", "S:t Görans sjukhus", "Norrtälje sjukhus", "Karolinska Universitetssjukhuset"),
    "SKANE": ("Helsingborgs lasarett", "Ystads lasarett", "Hässleholms sjukhus", "Skånes universitetssjukhus Malmö"),
}
# Towns for primary care outside the demo units.
_OTHER_TOWNS: dict[str, tuple[str, ...]] = {
    "VGR": ("Skövde", "Kungälv", "Alingsås", "Lerum"),
    "STHLM": ("Danderyd", "Solna", "Norrtälje", "Huddinge"),
    "SKANE": ("Helsingborg", "Ystad", "Hässleholm", "Trelleborg"),
}

# --- specialties --------------------------------------------------------------------------------

# Share of trainees per specialty (roughly: allmänmedicin dominates, then the large hospital specialties).
SPECIALTY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("Allmänmedicin", 30),
    ("Psykiatri", 9),
    ("Internmedicin", 7),
    ("Anestesi och intensivvård", 6),
    ("Kirurgi", 5),
    ("Ortopedi", 5),
    ("Barn- och ungdomsmedicin", 5),
    ("Radiologi", 5),
    ("Obstetrik och gynekologi", 4),
    ("Akutsjukvård", 3),
    ("Kardiologi", 3),
    ("Geriatrik", 3),
    ("Barn- och ungdomspsykiatri", 3),
    ("Neurologi", 2),
    ("Onkologi", 2),
    ("Infektionssjukdomar", 2),
    ("Urologi", 2),
    ("Öron-, näs- och halssjukdomar", 2),
    ("Ögonsjukdomar", 2),
    ("Lungsjukdomar", 1),
    ("Klinisk patologi", 1),
    ("Rehabiliteringsmedicin", 1),
    ("Hud- och könssjukdomar", 1),
)

_Side = tuple[str, str, int, int]  # setting, department, min months, max months

# Home setting and typical sidotjänstgöringar per specialty.
_PROFILES: dict[str, tuple[str, tuple[_Side, ...]]] = {
    "Allmänmedicin": (
        "primarvard",
        (
            ("internmedicin", "Medicinkliniken", 4, 6),
            ("akutsjukvard", "Akutmottagningen", 2, 3),
            ("psykiatri", "Psykiatriska kliniken", 3, 4),
            ("annan", "Barn- och ungdomsmedicinska kliniken", 2, 3),
            ("annan", "Kvinnokliniken", 2, 3),
            ("annan", "Geriatriska kliniken", 2, 3),
        ),
    ),
    "Psykiatri": (
        "psykiatri",
        (
            ("internmedicin", "Medicinkliniken", 3, 4),
            ("annan", "Neurologiska kliniken", 2, 3),
            ("psykiatri", "Beroendecentrum", 3, 4),
            ("annan", "Barn- och ungdomspsykiatrin", 2, 3),
        ),
    ),
    "Barn- och ungdomspsykiatri": (
        "psykiatri",
        (("psykiatri", "Vuxenpsykiatrin", 4, 6), ("annan", "Barn- och ungdomsmedicinska kliniken", 3, 4)),
    ),
    "Internmedicin": (
        "internmedicin",
        (("akutsjukvard", "Akutmottagningen", 3, 4), ("annan", "Intensivvårdsavdelningen", 2, 3)),
    ),
    "Kardiologi": ("internmedicin", (("annan", "Hjärtintensiven", 3, 4), ("annan", "Klinisk fysiologi", 2, 3))),
    "Geriatrik": ("internmedicin", (("annan", "Minnesmottagningen", 3, 4), ("primarvard", "Vårdcentralen", 2, 3))),
    "Lungsjukdomar": ("internmedicin", (("annan", "Intensivvårdsavdelningen", 2, 3),)),
    "Infektionssjukdomar": (
        "internmedicin",
        (("annan", "Klinisk mikrobiologi", 2, 3), ("annan", "Intensivvårdsavdelningen", 2, 3)),
    ),
    "Anestesi och intensivvård": (
        "akutsjukvard",
        (("internmedicin", "Medicinkliniken", 3, 4), ("annan", "Barnanestesin", 2, 3)),
    ),
    "Akutsjukvård": (
        "akutsjukvard",
        (
            ("internmedicin", "Medicinkliniken", 4, 6),
            ("kirurgi", "Kirurgkliniken", 3, 4),
            ("annan", "Intensivvårdsavdelningen", 3, 4),
            ("annan", "Barnakuten", 2, 3),
        ),
    ),
    "Kirurgi": (
        "kirurgi",
        (("akutsjukvard", "Akutmottagningen", 2, 3), ("kirurgi", "Urologiska kliniken", 2, 3),
         ("annan", "Intensivvårdsavdelningen", 2, 3)),
    ),
    "Urologi": ("kirurgi", (("kirurgi", "Kirurgkliniken", 4, 6),)),
    "Ortopedi": ("kirurgi", (("kirurgi", "Kirurgkliniken", 3, 4), ("annan", "Handkirurgiska kliniken", 2, 3))),
    "Obstetrik och gynekologi": ("annan", (("kirurgi", "Kirurgkliniken", 3, 4),)),
    "Barn- och ungdomsmedicin": (
        "annan",
        (("annan", "Neonatalavdelningen", 4, 6), ("primarvard", "Barnavårdscentralen", 2, 3),
         ("annan", "Barn- och ungdomspsykiatrin", 2, 3)),
    ),
    "Radiologi": ("annan", (("annan", "Klinisk fysiologi", 2, 3), ("annan", "Nuklearmedicin", 2, 3))),
    "Neurologi": ("annan", (("internmedicin", "Medicinkliniken", 3, 4), ("annan", "Klinisk neurofysiologi", 2, 3))),
    "Onkologi": ("annan", (("internmedicin", "Medicinkliniken", 3, 4), ("annan", "Palliativ enhet", 2, 3))),
}
_DEFAULT_PROFILE: tuple[str, tuple[_Side, ...]] = (
    "annan",
    (("internmedicin", "Medicinkliniken", 3, 4), ("akutsjukvard", "Akutmottagningen", 2, 3)),
)

# Common courses for the a/b (STa/STb) delmål: title, SOSFS 2015:8 codes, HSLF-FS 2021:8 codes.
_COMMON_COURSES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Hälso- och sjukvårdens organisation och lagstiftning", ("a6",), ("STa1",)),
    ("Kvalitets- och patientsäkerhetsarbete", ("a4",), ("STa2",)),
    ("Medicinsk vetenskap och forskningsmetodik", ("a5",), ("STa3",)),
    ("Etik i vården", ("a2",), ("STa4",)),
    ("Ledarskap för ST-läkare", ("a1",), ("STa5",)),
    ("Handledning och pedagogik", ("a1",), ("STa6",)),
    ("Vårdhygien och smittskydd", ("a3",), ("STa7",)),
    ("Kommunikation med patienter och närstående", ("b1",), ("STb1",)),
    ("Hälsofrämjande och sjukdomsförebyggande arbete", ("b2",), ("STb2",)),
    ("Rationell läkemedelsbehandling", ("b3",), ()),
    ("Försäkringsmedicin", ("b4",), ("STb3",)),
    ("Palliativ vård", ("b5",), ("STb4",)),
)

_SPECIALTY_COURSES: dict[str, tuple[str, ...]] = {
    "Allmänmedicin": (
        "Allmänmedicinskt förhållningssätt och konsultationen",
        "Barn och ungdomar i primärvården",
        "Psykisk ohälsa i primärvården",
        "Äldres hälsa och multisjuklighet",
        "Gynekologi och mödrahälsovård i primärvården",
        "Lagar och regler inom allmänmedicin",
        "Läkemedelsbehandling i primärvården",
    ),
    "Psykiatri": (
        "Psykiatrisk diagnostik (METIS)",
        "Psykofarmakologi (METIS)",
        "Psykoterapi, grundkurs (METIS)",
        "Suicidologi (METIS)",
        "Beroendelära (METIS)",
        "Psykiatrisk juridik och tvångsvård (METIS)",
    ),
    "Internmedicin": (
        "Akut internmedicin",
        "Kardiologi för ST-läkare",
        "Endokrinologi och diabetes",
        "Njurmedicin för internmedicinare",
        "Infektionsmedicin för ST-läkare",
    ),
    "Anestesi och intensivvård": (
        "Luftvägshantering",
        "Intensivvård, grundkurs",
        "Regionalanestesi",
        "Barnanestesi",
        "Transfusionsmedicin och koagulation",
    ),
    "Kirurgi": (
        "Akut kirurgi",
        "Basala kirurgiska färdigheter",
        "Kolorektal kirurgi",
        "Traumakurs (ATLS)",
        "Endoskopi för kirurger",
    ),
    "Ortopedi": (
        "Frakturbehandling, grundkurs",
        "Ortopedisk traumatologi",
        "Handkirurgi för ortopeder",
        "Barnortopedi",
        "Artroplastik",
    ),
    "Barn- och ungdomsmedicin": (
        "Barnakut (PALS)",
        "Neonatologi för ST-läkare",
        "Barnneurologi",
        "Barnallergologi",
        "Barn som far illa",
    ),
    "Radiologi": (
        "Strålskydd och strålningsfysik",
        "Neuroradiologi",
        "Thoraxradiologi",
        "Buk- och urogenitalradiologi",
        "Muskuloskeletal radiologi",
    ),
}

_DEVELOPMENT_TOPICS: tuple[str, ...] = (
    "Minskad antibiotikaförskrivning vid luftvägsinfektioner",
    "Säkrare läkemedelsgenomgångar för äldre",
    "Strukturerad överrapportering enligt SBAR",
    "Kortare väntetid till första bedömning",
    "Bättre följsamhet till basala hygienrutiner",
    "Uppföljning av patienter med hjärtsvikt",
    "Förbättrad dokumentation av vårdplaner",
)
_SCIENCE_TOPICS: tuple[str, ...] = (
    "Retrospektiv journalstudie av opioidförskrivning",
    "Handläggning av förmaksflimmer: en journalgranskning",
    "Patienters erfarenhet av digitala besök: en enkätstudie",
    "Blodtryckskontroll hos patienter med diabetes",
    "Kvalitetsregisterstudie av höftfrakturer",
    "Förekomst av depression hos patienter med kronisk smärta",
)
_OTHER_ACTIVITIES: tuple[str, ...] = (
    "Simuleringsövning: akuta tillstånd",
    "Medsittning med specialist",
    "Reflektion i grupp (Balintgrupp)",
    "Seminarieserie: fallbaserad diagnostik",
)
_RETURN_COMMENTS: tuple[str, ...] = (
    "Komplettera med vilka delmål som uppnåtts under placeringen.",
    "Beskriv hur delmålen har kontrollerats.",
    "Perioden stämmer inte med anställningen – kontrollera datumen.",
    "Bifoga kursbeskrivning med kursens innehåll.",
)
_FSL_TITLE = "FSL – Framtidens Specialistläkare, Malmö"
# The congress runs Tuesday to Thursday in week 39.
_FSL_DAYS: dict[int, tuple[date, date]] = {
    y: (date.fromisocalendar(y, 39, 2), date.fromisocalendar(y, 39, 4)) for y in range(2014, 2040)
}

# --- names --------------------------------------------------------------------------------------

_FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Sara", "Emma", "Maria", "Karin", "Johanna", "Elin", "Linnea", "Sofia", "Ida", "Frida", "Hanna",
    "Malin", "Lisa", "Matilda", "Ebba", "Klara", "Maja", "Amanda", "Josefin", "Caroline", "Helena", "Therese",
    "Cecilia", "Jenny", "Louise", "Moa", "Alva", "Tove", "Agnes", "Erik", "Johan", "Anders", "Karl", "Lars",
    "Per", "Mikael", "Fredrik", "Oskar", "Gustav", "Viktor", "Jonas", "Henrik", "Daniel", "Magnus", "Axel",
    "Filip", "Simon", "David", "Emil", "Martin", "Niklas", "Olof", "Jakob", "Hugo", "Isak", "Rasmus",
    "Sebastian", "Tobias", "Mattias",
)
_SURNAMES: tuple[str, ...] = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg",
    "Jakobsson", "Magnusson", "Lindström", "Olofsson", "Lindgren", "Berg", "Axelsson", "Lundberg", "Lind",
    "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Håkansson", "Lundin", "Björk", "Bergman",
    "Gunnarsson", "Wikström", "Samuelsson", "Isaksson", "Fransson", "Bergqvist", "Nyström", "Holmberg",
    "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Claesson", "Strand", "Åberg", "Hedlund",
)
_FOREIGN_FIRST_NAMES: tuple[str, ...] = (
    "Ahmed", "Mohammed", "Ali", "Hassan", "Omar", "Yusuf", "Karim", "Tariq", "Piotr", "Tomasz", "Dmytro",
    "Oleksandr", "Mehmet", "Emre", "Nikos", "Luca", "Marco", "Lukas", "Fatima", "Mariam", "Leila", "Amira",
    "Noor", "Yasmin", "Zeynep", "Elif", "Olena", "Iryna", "Katarzyna", "Agnieszka", "Elena", "Giulia", "Ana",
)
_FOREIGN_SURNAMES: tuple[str, ...] = (
    "Al-Hassan", "Haddad", "Rahimi", "Hosseini", "Karimi", "Mohammadi", "Ahmadi", "Khalil", "Mansour",
    "Nasser", "Kowalski", "Nowak", "Lewandowski", "Petrenko", "Shevchenko", "Kovalenko", "Yilmaz", "Demir",
    "Kaya", "Öztürk", "Papadopoulos", "Georgiou", "Rossi", "Bianchi", "Schmidt", "Müller", "Becker",
    "García", "Fernández", "Ivanova",
)
_COUNTRIES: tuple[str, ...] = ("Tyskland", "Polen", "Grekland", "Ukraina", "Irak", "Syrien", "Iran", "Italien")


_AB_PREFIXES = ("a", "b", "STa", "STb")


def _prefix(code: str) -> str:
    return code.rstrip("0123456789")


# --- small date helpers -------------------------------------------------------------------------

_MONTHS: dict[int, tuple[date, int, date]] = {}


def _month(index: int) -> tuple[date, int, date]:
    """(first day, number of days, last day) of the month with index year * 12 + month - 1."""
    m = _MONTHS.get(index)
    if m is None:
        first = date(index // 12, index % 12 + 1, 1)
        dim = calendar.monthrange(first.year, first.month)[1]
        m = (first, dim, first.replace(day=dim))
        _MONTHS[index] = m
    return m


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _add_months(d: date, months: int) -> date:
    """The first day of the month ``months`` after the month of ``d``."""
    return _month(_month_index(d) + months)[0]


def _month_end(d: date) -> date:
    return _month(_month_index(d))[2]


def _days_in_month(d: date) -> int:
    return _month(_month_index(d))[1]


# --- people -------------------------------------------------------------------------------------

def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    out = "".join(ch for ch in folded if not unicodedata.combining(ch))
    out = out.replace("ø", "o").replace("ł", "l").replace("ß", "ss").replace(" ", "-")
    return "".join(ch for ch in out if ch.isascii() and (ch.isalnum() or ch in "-"))


@dataclass
class _Person:
    person_id: str
    name: str
    email: str
    is_specialist: bool
    password_hash: str | None = None


class _People:
    """Creates people with unique names-based emails; ids are sequential."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[_Person] = []
        self._emails: dict[str, int] = {}

    def email_for(self, name: str) -> str:
        first, _, last = name.partition(" ")
        local = f"{_ascii(first)}.{_ascii(last)}"
        n = self._emails.get(local, 0) + 1
        self._emails[local] = n
        suffix = "" if n == 1 else str(n)
        return f"{local}{suffix}@{DEMO_EMAIL_DOMAIN}"

    def name(self, foreign: bool = False) -> str:
        if foreign:
            return f"{self.rng.choice(_FOREIGN_FIRST_NAMES)} {self.rng.choice(_FOREIGN_SURNAMES)}"
        return f"{self.rng.choice(_FIRST_NAMES)} {self.rng.choice(_SURNAMES)}"

    def add(self, *, specialist: bool, foreign: bool = False, email: str | None = None) -> _Person:
        name = _FIXED_NAMES[email] if email in _FIXED_NAMES else self.name(foreign)
        person = _Person(f"DP{len(self.rows) + 1:05d}", name, email or self.email_for(name), specialist)
        self.rows.append(person)
        return person


@lru_cache(maxsize=32)
def _demo_hash(password: str, salt_seed: str) -> str:
    """bcrypt hash with a salt derived from ``salt_seed`` (the e-mail), so demo databases are reproducible."""
    raw = hashlib.sha256(salt_seed.encode()).digest()[:16]
    table = str.maketrans(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    )
    salt = "$2b$12$" + base64.b64encode(raw).decode()[:22].translate(table)
    hashed: bytes = bcrypt.hashpw(password.encode(), salt.encode())
    return hashed.decode()


# --- trainee plans ------------------------------------------------------------------------------

@dataclass
class _Block:
    kind: str  # BT or ST
    setting: str
    workplace: str
    unit_id: str | None
    months: int
    home: bool
    side_handledare: _Person | None = None


@dataclass(frozen=True)
class _Episode:
    """Whole-month leave: month offsets from the start month."""

    kind: str
    start: int
    months: int
    percent: int


@dataclass(frozen=True)
class _Sick:
    month: int
    day: int
    days: int


@dataclass
class _Plan:
    blocks: list[_Block]
    bt_months: int
    episodes: list[_Episode]
    sick: list[_Sick]
    part_time: tuple[int, int, int] | None  # start month, months, percent
    credits: list[tuple[str, float, str]]
    required: float


@dataclass
class _Timeline:
    start: date
    end: date  # the day the minimum is expected to be reached (end of that month)
    stop_month: int
    placements: list[tuple[str, str, str, str | None, date, date, int]]
    leave: list[tuple[str, date, date, int]]
    blocks: list[tuple[_Block, date, date]]  # the logical blocks, clipped to the timeline
    bt_end: date | None
    counted_at: dict[int, float] = field(default_factory=dict)  # month offset -> counted months at its end


def _count(plan: _Plan, start: date) -> tuple[int, list[float], list[int], list[int]]:
    """Walk month by month until the counted months (with credits) reach the minimum.

    Returns the offset of the last month, the counted months at the end of each month, the placement
    percent of each month and the block of each month.
    """
    month_block: list[int] = []
    for i, blk in enumerate(plan.blocks):
        month_block.extend([i] * blk.months)
    leave_by_month: dict[int, int] = {}
    for ep in plan.episodes:
        for m in range(ep.start, ep.start + ep.months):
            leave_by_month[m] = ep.percent
    sick_by_month = {sk.month: sk.days for sk in plan.sick}
    target = plan.required - sum(c[1] for c in plan.credits) - _EPS
    pt_start, pt_stop, pt_pct = 0, 0, 100
    if plan.part_time is not None:
        pt_start, pt_stop, pt_pct = plan.part_time[0], plan.part_time[0] + plan.part_time[1], plan.part_time[2]
    base = _month_index(start)
    total = 0.0
    counted: list[float] = []
    percents: list[int] = []
    m = 0
    while True:
        if m >= len(month_block):
            month_block.append(len(plan.blocks) - 1)
        dim = _month(base + m)[1]
        covered = dim - start.day + 1 if m == 0 else dim
        pct = pt_pct if pt_start <= m < pt_stop and plan.blocks[month_block[m]].kind == "ST" else 100
        percents.append(pct)
        month_leave = leave_by_month.get(m)
        eff = max(0, pct - (month_leave or 0))
        days = covered
        if month_leave is None and m in sick_by_month:
            days -= sick_by_month[m]
        total += days / dim * eff / 100
        counted.append(total)
        if total >= target or m > 600:
            return m, counted, percents, month_block
        m += 1


def _simulate(plan: _Plan, start: date) -> _Timeline:
    stop, counted, percents, month_block = _count(plan, start)
    counted_at = dict(enumerate(counted))
    leave_by_month = {m for ep in plan.episodes for m in range(ep.start, ep.start + ep.months)}
    end = _month_end(_add_months(start, stop))

    # Placements: consecutive months at the same workplace and percent form one row.
    placements: list[tuple[str, str, str, str | None, date, date, int]] = []
    blocks: list[tuple[_Block, date, date]] = []
    seg_start = 0
    for mm in range(stop + 1):
        last = mm == stop
        b = plan.blocks[month_block[mm]]
        nb = None if last else plan.blocks[month_block[mm + 1]]
        same_row = (
            nb is not None
            and (nb.kind, nb.setting, nb.workplace, nb.unit_id) == (b.kind, b.setting, b.workplace, b.unit_id)
            and percents[mm + 1] == percents[mm]
        )
        if not same_row:
            s = start if seg_start == 0 else _add_months(start, seg_start)
            placements.append((b.kind, b.setting, b.workplace, b.unit_id, s, _month_end(_add_months(start, mm)),
                               percents[mm]))
            seg_start = mm + 1
    # Logical blocks (one clinical certificate each).
    m0 = 0
    for b in plan.blocks:
        if m0 > stop:
            break
        m1 = min(stop, m0 + b.months - 1)
        blocks.append((b, start if m0 == 0 else _add_months(start, m0), _month_end(_add_months(start, m1))))
        m0 += b.months
    if m0 <= stop:  # the last block was stretched to the end
        b, s, _ = blocks[-1]
        blocks[-1] = (b, s, end)
    leave: list[tuple[str, date, date, int]] = []
    for ep in plan.episodes:
        if ep.start > stop:
            continue
        last_m = min(stop, ep.start + ep.months - 1)
        leave.append((ep.kind, _add_months(start, ep.start), _month_end(_add_months(start, last_m)), ep.percent))
    for sk in plan.sick:
        if sk.month > stop or sk.month in leave_by_month:
            continue
        first = _add_months(start, sk.month)
        s = first.replace(day=sk.day)
        leave.append(("sjukfranvaro", s, s + timedelta(days=sk.days - 1), 100))
    leave.sort(key=lambda r: r[1])
    bt_end = _month_end(_add_months(start, plan.bt_months - 1)) if plan.bt_months else None
    return _Timeline(start, end, stop, placements, leave, blocks, bt_end, counted_at)


# --- the generator ------------------------------------------------------------------------------

@dataclass
class _UnitState:
    unit: _UnitDef
    verksamhetschef: _Person | None = None
    handledare: list[_Person] = field(default_factory=list)
    trainees: int = 0
    next_hh: int = 0


@dataclass
class _TraineeDraft:
    index: int
    category: str  # demo_st, demo_hh, first_bt, klar, generic
    specialty: str
    unit: _UnitDef


@dataclass
class _Stats:
    reg_2015: int = 0
    reg_2021: int = 0
    in_bt: int = 0
    early: int = 0
    middle: int = 0
    late: int = 0
    time_done: int = 0
    complete: int = 0


class _Generator:
    def __init__(self, con: Connection, trainees: int, seed: int, as_of: date) -> None:
        self.con = con
        self.n = trainees
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.people = _People(self.rng)
        self.units = {u.unit_id: _UnitState(u) for u in UNITS}
        self.area_studierektor: dict[tuple[str, str], _Person] = {}
        self.kursledare: list[_Person] = []
        self.req_cache: dict[tuple[str, str], list[Requirement]] = {}
        self.title_cache: dict[tuple[str, str], dict[str, str]] = {}
        available = set(catalogue.specialties(con))
        weights = [(s, w) for s, w in SPECIALTY_WEIGHTS if s in available]
        if not weights:
            weights = [(s, 1) for s in sorted(available)]
        self.specialties = [s for s, _ in weights]
        self.specialty_weights = [w for _, w in weights]
        self.allow_2021 = as_of >= _add_months(REGULATION_2021_START, 1)
        # rows
        self.roles: list[tuple[str, str, str | None, str | None, str | None]] = []
        self.trainee_rows: list[tuple[object, ...]] = []
        self.supervision: list[tuple[str, str, str, date, date | None]] = []
        self.placements: list[tuple[object, ...]] = []
        self.leave: list[tuple[object, ...]] = []
        self.credits: list[tuple[str, str, float, str]] = []
        self.certs: list[tuple[object, ...]] = []
        self.cert_codes: list[tuple[int, str]] = []  # (certificate index, code)
        self.intressenter: list[tuple[object, ...]] = []
        self.intressent_steps: list[tuple[str, str, date, str | None, str]] = []
        self.stats = _Stats()
        self.recent_vc_trainees: list[tuple[date, str, str, str, str, bool, date | None]] = []

    # -- catalogue --
    def requirements(self, regulation: str, specialty: str) -> list[Requirement]:
        key = (regulation, specialty)
        if key not in self.req_cache:
            self.req_cache[key] = catalogue.requirements(self.con, regulation, specialty)
        return self.req_cache[key]

    def titles(self, regulation: str, specialty: str) -> dict[str, str]:
        key = (regulation, specialty)
        if key not in self.title_cache:
            self.title_cache[key] = {
                code: title for code, title, _, _ in catalogue.delmal_table(self.con, regulation, specialty)
            }
        return self.title_cache[key]

    # -- organisation and staff --
    def build_drafts(self) -> list[_TraineeDraft]:
        rng = self.rng
        n = self.n
        cats: list[str] = []
        forced = [("first_bt", max(1, round(n * 0.015)) if self.allow_2021 else 0),
                  ("klar", max(1, round(n * 0.06))), ("demo_hh", 3)]
        room = n - 1
        for name, count in forced:
            take = min(room, count)
            cats.extend([name] * take)
            room -= take
        cats.extend(["generic"] * room)
        rng.shuffle(cats)
        cats.insert(0, "demo_st")
        cats = cats[:n]
        majorna = self.units["vgr-vc-majorna"].unit
        approved_vcs = [u for u in UNITS if u.kind == _VC and u.st_approved]
        drafts: list[_TraineeDraft] = []
        for i, cat in enumerate(cats):
            if cat in ("demo_st", "demo_hh"):
                spec = "Allmänmedicin" if "Allmänmedicin" in self.specialties else self.specialties[0]
                unit = majorna
            else:
                spec = rng.choices(self.specialties, self.specialty_weights)[0]
                if spec == "Allmänmedicin":
                    unit = rng.choices(approved_vcs, [u.st_places for u in approved_vcs])[0]
                else:
                    hosts = [u for u in UNITS if spec in u.hosts] or [u for u in UNITS if u.kind == _KLINIK]
                    unit = rng.choice(hosts)
            self.units[unit.unit_id].trainees += 1
            drafts.append(_TraineeDraft(i, cat, spec, unit))
        return drafts

    def build_staff(self) -> None:
        admin = self.people.add(specialist=False, email=_ADMIN_EMAIL)
        self.roles.append((admin.person_id, "admin", None, None, None))
        for region_id, area in AREAS:
            email = _STUDIEREKTOR_EMAIL if (region_id, area) == ("VGR", "Göteborg") else None
            p = self.people.add(specialist=True, email=email)
            self.area_studierektor[(region_id, area)] = p
            self.roles.append((p.person_id, "studierektor", region_id, area, None))
        for st in self.units.values():
            u = st.unit
            vc = self.people.add(specialist=True)
            st.verksamhetschef = vc
            self.roles.append((vc.person_id, "verksamhetschef", u.region_id, u.area, u.unit_id))
            count = max(2, math.ceil(st.trainees / 3))
            for k in range(count):
                email = _HANDLEDARE_EMAIL if (u.unit_id == "vgr-vc-majorna" and k == 0) else None
                h = self.people.add(specialist=True, email=email)
                st.handledare.append(h)
                self.roles.append((h.person_id, "handledare", u.region_id, u.area, u.unit_id))
        for _ in range(8):
            self.kursledare.append(self.people.add(specialist=True))

    def huvudhandledare(self, draft: _TraineeDraft) -> _Person:
        st = self.units[draft.unit.unit_id]
        if draft.category in ("demo_st", "demo_hh"):
            return st.handledare[0]
        pool = st.handledare[1:] if draft.unit.unit_id == "vgr-vc-majorna" and len(st.handledare) > 1 else (
            st.handledare
        )
        h = pool[st.next_hh % len(pool)]
        st.next_hh += 1
        return h

    # -- one trainee's plan --
    def _workplace(self, region_id: str, setting: str, dept: str, exclude: str) -> tuple[str, str | None, bool]:
        """A demo unit of the setting in the region (with some probability) or a named outside workplace."""
        rng = self.rng
        if setting == "primarvard":
            vcs = [u for u in UNITS if u.region_id == region_id and u.kind == _VC and u.unit_id != exclude]
            if vcs and rng.random() < 0.8:
                u = rng.choice(vcs)
                return u.name, u.unit_id, True
            return f"{dept} {rng.choice(_OTHER_TOWNS[region_id])}", None, False
        if setting in ("internmedicin", "akutsjukvard", "psykiatri", "kirurgi"):
            units = [
                u for u in UNITS
                if u.region_id == region_id and u.kind == _KLINIK and u.setting == setting and u.unit_id != exclude
            ]
            if units and rng.random() < 0.6:
                u = rng.choice(units)
                return u.name, u.unit_id, True
        return f"{dept}, {rng.choice(_OTHER_HOSPITALS[region_id])}", None, False

    def _block(self, kind: str, setting: str, dept: str, months: int, region: str, exclude: str) -> _Block:
        workplace, unit_id, at_demo = self._workplace(region, setting, dept, exclude)
        side = None
        if unit_id is not None and at_demo and self.rng.random() < 0.5:
            side = self.rng.choice(self.units[unit_id].handledare)
        return _Block(kind, setting, workplace, unit_id, months, False, side)

    def make_plan(self, draft: _TraineeDraft, regulation: str, doktorsexamen: bool, earlier_st: bool,
                  foreign_trained: bool) -> _Plan:
        rng = self.rng
        unit = draft.unit
        region = unit.region_id
        home_setting, sides = _PROFILES.get(draft.specialty, _DEFAULT_PROFILE)
        blocks: list[_Block] = []
        bt_months = 0
        if regulation == REG_2021:
            parts = [("primarvard", "Vårdcentralen", rng.choice((3, 4, 6))),
                     ("akutsjukvard", "Akutmottagningen", rng.choice((3, 4, 6)))]
            if rng.random() < 0.4:
                parts.append(("psykiatri", "Psykiatriska kliniken", 3))
            rng.shuffle(parts)
            for setting, dept, months in parts:
                if setting == "primarvard" and unit.kind == _VC:
                    blocks.append(_Block("BT", setting, unit.name, unit.unit_id, months, True))
                else:
                    blocks.append(self._block("BT", setting, dept, months, region, unit.unit_id))
                bt_months += months

        def home(months: int) -> _Block:
            return _Block("ST", home_setting, unit.name, unit.unit_id, months, True)

        chosen = list(sides)
        if draft.specialty != "Allmänmedicin":
            rng.shuffle(chosen)
            chosen = chosen[: rng.randint(1, max(1, len(chosen)))]
        blocks.append(home(rng.randint(6, 12)))
        for setting, dept, lo, hi in chosen:
            blocks.append(self._block("ST", setting, dept, rng.randint(lo, hi), region, unit.unit_id))
            blocks.append(home(rng.randint(4, 10)))
        planned = sum(b.months for b in blocks)
        while planned < 240:
            blocks.append(home(rng.randint(8, 12)))
            planned += blocks[-1].months
        episodes: list[_Episode] = []
        sick: list[_Sick] = []
        part_time: tuple[int, int, int] | None = None
        if draft.category != "demo_st":  # the demo account keeps a plain full-time plan
            episodes, sick, part_time = self._leave_plan(bt_months)
        merits: list[tuple[str, float, str]] = []
        if regulation == REG_2021 and doktorsexamen:
            merits.append(("doktorsexamen", 6.0, "Svensk doktorsexamen"))
        if earlier_st:
            merits.append(("tidigare_st", float(rng.choice((24, 27, 30))),
                            f"Tidigare ST i {rng.choice(('internmedicin', 'kirurgi', 'psykiatri'))}"))
        elif draft.category not in ("demo_st", "first_bt") and rng.random() < 0.04:
            merits.append(("tidigare_st", float(rng.randint(6, 24)),
                            f"Tidigare ST i {rng.choice(('internmedicin', 'kirurgi', 'pediatrik', 'geriatrik'))}"))
        if foreign_trained and draft.category not in ("demo_st", "first_bt") and rng.random() < 0.15:
            merits.append(("utlandstjanstgoring", float(rng.randint(3, 12)),
                            f"Tjänstgöring i {rng.choice(_COUNTRIES)} enligt IUP"))
        if regulation == REG_2021:
            required = 66.0
        else:
            required = 54.0 if doktorsexamen else 60.0
        return _Plan(blocks, bt_months, episodes, sick, part_time, merits, required)

    def _add_research_leave(self, plan: _Plan, months: int) -> bool:
        """Full-time tjänstledighet for ``months`` months early in the ST, where no other leave is."""
        taken = {m for ep in plan.episodes for m in range(ep.start, ep.start + ep.months)}
        start = plan.bt_months + self.rng.randint(10, 30)
        while any(m in taken for m in range(start, start + months)):
            start += 1
        if start > plan.bt_months + 48:
            return False
        plan.episodes.append(_Episode("tjanstledighet", start, months, 100))
        plan.part_time = None
        return True

    def _leave_plan(self, first_st: int) -> tuple[list[_Episode], list[_Sick], tuple[int, int, int] | None]:
        rng = self.rng
        episodes: list[_Episode] = []
        taken: set[int] = set()

        def add(kind: str, start: int, months: int, pct: int) -> bool:
            span = range(start, start + months)
            if any(m in taken for m in span):
                return False
            taken.update(span)
            episodes.append(_Episode(kind, start, months, pct))
            return True

        parental_end: int | None = None
        if rng.random() < 0.32:
            start = first_st + rng.randint(2, 36)
            pct, months = (100, rng.randint(6, 12)) if rng.random() < 0.75 else (50, rng.randint(4, 10))
            add("foraldraledighet", start, months, pct)
            parental_end = start + months
            if rng.random() < 0.25:
                start2 = parental_end + rng.randint(10, 24)
                months2 = rng.randint(6, 12)
                if add("foraldraledighet", start2, months2, 100):
                    parental_end = start2 + months2
        if rng.random() < 0.03:
            add("sjukfranvaro", first_st + rng.randint(3, 48), rng.randint(1, 3), rng.choice((50, 100)))
        if rng.random() < 0.05:
            add("tjanstledighet", first_st + rng.randint(6, 48), rng.randint(3, 6), rng.choice((50, 100)))
        sick: list[_Sick] = []
        for _ in range(2 if rng.random() < 0.03 else (1 if rng.random() < 0.15 else 0)):
            month = first_st + rng.randint(1, 54)
            if month in taken or any(s.month == month for s in sick):
                continue
            days = rng.randint(3, 21)
            sick.append(_Sick(month, rng.randint(1, 28 - days + 1), days))
        part_time: tuple[int, int, int] | None = None
        if rng.random() < 0.22:
            if parental_end is not None and rng.random() < 0.6:
                pt_start = parental_end
            else:
                pt_start = first_st + rng.randint(3, 40)
            part_time = (pt_start, rng.randint(6, 24), rng.choice((75, 75, 80, 80, 50)))
        return episodes, sick, part_time

    # -- choosing the start --
    def _random_start(self) -> date:
        """Mostly within the last six years (a normal ST), sometimes back to 2016 (long leave)."""
        rng = self.rng
        first = _month_index(date(2016, 1, 1))
        last = _month_index(self.as_of)
        recent = max(first, last - 72)
        index = rng.randint(recent, last) if rng.random() < 0.85 or recent == first else rng.randint(first, recent)
        d = date(index // 12, index % 12 + 1, 1)
        if rng.random() < 0.15:
            d = d.replace(day=rng.choice((15, rng.randint(2, 28))))
        return min(d, self.as_of)

    def _fit_end(self, plan: _Plan, end_month: date) -> _Timeline:
        """The timeline shifted by whole months so that it ends in ``end_month``."""
        stop = _count(plan, date(2020, 1, 1))[0]
        return _simulate(plan, _add_months(end_month, -stop))

    def _fit_before(self, plan: _Plan, end_month: date) -> _Timeline:
        """Like ``_fit_end`` but guaranteed to end before as_of (short sick leave can move the end)."""
        tl = self._fit_end(plan, end_month)
        for _ in range(4):
            if tl.end <= self.as_of:
                break
            tl = _simulate(plan, _add_months(tl.start, -1))
        return tl

    # -- one trainee --
    def build_trainee(self, draft: _TraineeDraft, trainee_id: str) -> None:
        rng = self.rng
        as_of = self.as_of
        cat = draft.category
        # 1. the track and the start date
        if cat == "demo_st":
            start = _add_months(as_of, -30)
            track = "2021" if self.allow_2021 and start >= REGULATION_2021_START else "2015_at"
        elif cat == "first_bt":
            start = max(REGULATION_2021_START, as_of - timedelta(days=rng.randint(0, 20)))
            track = "2021"
        elif cat == "klar":
            start = _add_months(as_of, -70)
            if self.allow_2021 and as_of >= date(2024, 7, 1) and rng.random() < 0.2:
                track = "2021_klar"
            else:
                track = "2015_at" if rng.random() < 0.8 else "2015_foreign"
        else:
            start = self._random_start()
            if start >= REGULATION_2021_START:
                track = "2021" if self.allow_2021 and rng.random() < 0.45 else "2015_at"
            else:
                track = "2015_at" if rng.random() < 0.8 else "2015_foreign"
        regulation = REG_2021 if track.startswith("2021") else REG_2015
        foreign_trained = track != "2015_at"
        doktorsexamen = cat != "demo_st" and rng.random() < (0.06 if regulation == REG_2015 else 0.05)
        plan = self.make_plan(draft, regulation, doktorsexamen, track == "2021_klar", foreign_trained)
        if regulation == REG_2021 and start.day != 1:
            # A mid-month start: the first BT placement gets one more (partial) month.
            plan.blocks[0].months += 1
            plan.bt_months += 1

        # 2. the timeline
        if cat == "klar":
            target = _add_months(as_of, -rng.randint(1, 8))
            tl = self._fit_before(plan, target)
            if regulation == REG_2021 and tl.start < REGULATION_2021_START:
                # Too early for the 2021 rules: an AT doctor under SOSFS 2015:8 instead.
                regulation, track, foreign_trained = REG_2015, "2015_at", False
                plan = self.make_plan(draft, REG_2015, doktorsexamen, False, False)
                tl = self._fit_before(plan, target)
        else:
            tl = _simulate(plan, start)
            early = _add_months(as_of, -3)
            if cat == "generic" and tl.end < early and start < _add_months(as_of, -84):
                # An early starter still in training: research leave (forskarstudier) fills the gap.
                gap = _month_index(as_of) + rng.randint(-2, 24) - _month_index(tl.end)
                if gap <= 60 and self._add_research_leave(plan, gap):
                    tl = _simulate(plan, start)
            if cat == "generic" and tl.end < early:
                # Long finished trainees have left the tracker: move the start so the end is near as_of.
                tl = self._fit_end(plan, _add_months(as_of, rng.randint(-3, 30)))
        start = tl.start
        # SOSFS 2015:8 after 2021-07-01 is only for doctors with Swedish AT.
        swedish_at = track == "2015_at" or (regulation == REG_2015 and start >= REGULATION_2021_START)
        if regulation == REG_2021:
            self.stats.reg_2021 += 1
        else:
            self.stats.reg_2015 += 1

        # 3. the person and the trainee row
        name_foreign = rng.random() < (0.7 if foreign_trained else 0.08)
        email = _ST_EMAIL if cat == "demo_st" else None
        person = self.people.add(specialist=False, foreign=name_foreign, email=email)
        unit = draft.unit
        self.roles.append((person.person_id, "st_lakare", unit.region_id, unit.area, unit.unit_id))
        if swedish_at:
            # AT ends at a month end before the ST; legitimation follows a few weeks later.
            at_end = _month_end(_add_months(start, -1 if rng.random() < 0.5 else -rng.randint(2, 6)))
            legitimation = min(start, at_end + timedelta(days=rng.randint(21, 60)))
            self._at_placements(trainee_id, unit.region_id, at_end)
        else:
            legitimation = start - timedelta(days=rng.randint(30, 900))

        # 4. placements, leave, credits
        for kind, setting, workplace, unit_id, s, e, pct in tl.placements:
            self.placements.append((trainee_id, kind, setting, workplace, unit_id, s, e, float(pct)))
        for kind, s, e, pct in tl.leave:
            self.leave.append((trainee_id, kind, s, e, float(pct)))
        for kind, months, note in plan.credits:
            self.credits.append((trainee_id, kind, months, note))

        # 5. supervision
        hh = self.huvudhandledare(draft)
        sup_end = tl.end if tl.end <= as_of else None
        supervisors: list[tuple[_Person, date, date | None]] = [(hh, start, sup_end)]
        last_day = min(as_of, tl.end)
        if cat not in ("demo_st", "demo_hh") and (last_day - start).days > 500 and rng.random() < 0.12:
            st = self.units[unit.unit_id]
            others = [h for h in st.handledare if h.person_id != hh.person_id]
            if others:
                change = start + timedelta(days=rng.randint(200, (last_day - start).days - 60))
                change = _add_months(change, 1)
                if change < last_day:
                    supervisors = [(hh, start, change - timedelta(days=1)), (rng.choice(others), change, sup_end)]
        for sup, sup_start, sup_stop in supervisors:
            self.supervision.append((trainee_id, sup.person_id, "huvudhandledare", sup_start, sup_stop))
        for b, s, e in tl.blocks:
            if b.side_handledare is not None and s <= as_of:
                self.supervision.append((trainee_id, b.side_handledare.person_id, "handledare", s, e))

        def hh_at(d: date) -> _Person:
            for p, s, e in supervisors:
                if s <= d and (e is None or d <= e):
                    return p
            return supervisors[-1][0] if d > supervisors[-1][1] else supervisors[0][0]

        # 6. certificates
        complete = cat == "klar"
        bt_approved = self._certificates(trainee_id, draft, regulation, plan, tl, hh_at, complete)

        self.trainee_rows.append((
            trainee_id, person.person_id, person.name, draft.specialty, legitimation, swedish_at, start, None,
            doktorsexamen, bt_approved, unit.unit_id,
        ))
        # 7. stage statistics
        self._count_stage(regulation, plan, tl, complete)
        if unit.kind == _VC and start >= _add_months(as_of, -14):
            self.recent_vc_trainees.append(
                (start, trainee_id, person.name, person.email, unit.unit_id, swedish_at, legitimation)
            )

    def _count_stage(self, regulation: str, plan: _Plan, tl: _Timeline, complete: bool) -> None:
        as_of = self.as_of
        if complete:
            self.stats.complete += 1
            return
        if tl.end <= as_of:
            self.stats.time_done += 1
            return
        if regulation == REG_2021 and tl.bt_end is not None and as_of <= tl.bt_end:
            self.stats.in_bt += 1
            return
        months_done = _month_index(as_of) - _month_index(tl.start)
        counted = tl.counted_at.get(min(months_done, tl.stop_month), 0.0) + sum(c[1] for c in plan.credits)
        share = counted / plan.required
        if share < 1 / 3:
            self.stats.early += 1
        elif share < 2 / 3:
            self.stats.middle += 1
        else:
            self.stats.late += 1

    def _at_placements(self, trainee_id: str, region_id: str, at_end: date) -> None:
        rng = self.rng
        parts = [("internmedicin", "Medicinkliniken", 6), ("kirurgi", rng.choice(("Kirurgkliniken", "Ortopedkliniken")),
                                                          rng.choice((3, 3, 6))),
                 ("psykiatri", "Psykiatriska kliniken", 3), ("primarvard", "Vårdcentralen", 6)]
        rng.shuffle(parts)
        hospital = rng.choice(_OTHER_HOSPITALS[region_id])
        total = sum(p[2] for p in parts)
        s = _add_months(at_end, -(total - 1))
        for setting, dept, months in parts:
            e = _month_end(_add_months(s, months - 1))
            where = f"{dept}, {hospital}" if setting != "primarvard" else f"{dept} {rng.choice(_OTHER_TOWNS[region_id])}"
            self.placements.append((trainee_id, "AT", setting, where, None, s, e, 100.0))
            s = _add_months(s, months)

    # -- certificates --
    def _certificates(self, trainee_id: str, draft: _TraineeDraft, regulation: str, plan: _Plan, tl: _Timeline,
                      hh_at: Callable[[date], _Person], complete: bool) -> date | None:
        rng = self.rng
        as_of = self.as_of
        reqs = self.requirements(regulation, draft.specialty)
        applicable = [r.code for r in reqs]
        need: dict[str, list[str]] = {}
        for r in reqs:
            for group in r.required:
                if "klinisk_tjanstgoring" in group and not (
                    "auskultation" in group and rng.random() < 0.15
                ):
                    t = "klinisk_tjanstgoring"
                elif "kurs" in group:
                    t = "kurs"
                else:
                    t = group[0]
                need.setdefault(t, [])
                if r.code not in need[t]:
                    need[t].append(r.code)
        acts: list[_Activity] = []
        vc = self.units[draft.unit.unit_id].verksamhetschef
        assert vc is not None

        # BT
        bt_done_long_ago = False
        if regulation == REG_2021:
            bt_codes = [r.code for r in self.requirements(REG_2021, catalogue.BT_SPECIALTY)]
            bt_blocks = [(b, s, e) for b, s, e in tl.blocks if b.kind == "BT"]
            assignment: list[list[str]] = [[] for _ in bt_blocks]
            for code in bt_codes:
                assignment[rng.randrange(len(bt_blocks))].append(code)
            for (b, s, e), codes in zip(bt_blocks, assignment, strict=True):
                if not codes:
                    codes.append(rng.choice(bt_codes))
                signer = b.side_handledare or hh_at(e)
                acts.append(_Activity("bt_delmal", f"Delmål i BT: {b.workplace}", tuple(codes), s, e, signer,
                                      "handledare", ongoing_draft=True))
            assert tl.bt_end is not None
            bt_done_long_ago = (as_of - tl.bt_end).days > 120

        # ST: clinical service, one certificate per logical block
        st_blocks = [(b, s, e) for b, s, e in tl.blocks if b.kind == "ST"]
        t0 = st_blocks[0][1] if st_blocks else tl.start
        span = max(1, (tl.end - t0).days)

        def at(f: float) -> date:
            return t0 + timedelta(days=int(f * span))

        klin_assign: list[list[str]] = [[] for _ in st_blocks]
        home_idx = [i for i, (b, _, _) in enumerate(st_blocks) if b.home]
        weights = [st_blocks[i][0].months for i in range(len(st_blocks))]
        for code in need.get("klinisk_tjanstgoring", []):
            if _prefix(code) in _AB_PREFIXES and home_idx:
                i = rng.choices(home_idx, [weights[j] for j in home_idx])[0]
            else:
                i = rng.choices(range(len(st_blocks)), weights)[0]
            klin_assign[i].append(code)
        c_codes = [c for c in applicable if _prefix(c) in ("c", "STc")] or applicable
        for (b, s, e), codes in zip(st_blocks, klin_assign, strict=True):
            if not codes:
                codes.extend(sorted(rng.sample(c_codes, min(len(c_codes), rng.randint(1, 2)))))
            signer = b.side_handledare or hh_at(e)
            acts.append(_Activity("klinisk_tjanstgoring", f"Klinisk tjänstgöring: {b.workplace}", tuple(codes), s,
                                  e, signer, "handledare", ongoing_draft=True))

        # Courses
        kurs_codes = list(need.get("kurs", []))
        applicable_set = set(applicable)
        courses: list[tuple[str, tuple[str, ...]]] = []
        for title, c15, c21 in _COMMON_COURSES:
            course_codes = tuple(c for c in (c21 if regulation == REG_2021 else c15) if c in applicable_set)
            if course_codes and (any(c in kurs_codes for c in course_codes) or rng.random() < 0.4):
                courses.append((title, course_codes))
                kurs_codes = [c for c in kurs_codes if c not in course_codes]
        rest = [c for c in kurs_codes]
        titles = _SPECIALTY_COURSES.get(draft.specialty)
        code_titles = self.titles(regulation, draft.specialty)
        k = 0
        while rest:
            size = min(len(rest), rng.randint(1, 3))
            chunk, rest = tuple(rest[:size]), rest[size:]
            if titles:
                title = titles[k % len(titles)]
                if k >= len(titles):
                    title = f"{title}, fortsättning"
            else:
                title = f"SK-kurs i {draft.specialty.lower()}: {code_titles.get(chunk[0], chunk[0]).lower()}"
            courses.append((title, chunk))
            k += 1
        # The FSL congress (week 39 in Malmö) may replace a couple of the common courses.
        fsl_last = min(as_of, tl.end)
        fsl_years = [y for y, (first, last) in _FSL_DAYS.items() if t0 <= first and last <= fsl_last]
        fsl_year = rng.choice(fsl_years) if fsl_years and rng.random() < 0.2 else None
        fsl_course_idx: list[int] = []
        if fsl_year is not None:
            candidates = [i for i, (_, cc) in enumerate(courses)
                          if _prefix(cc[0]) in _AB_PREFIXES and cc[0] != "STa3"]
            fsl_course_idx = sorted(rng.sample(candidates, min(len(candidates), rng.randint(1, 2))))
        for i, (title, course_codes) in enumerate(courses):
            if i in fsl_course_idx and fsl_year is not None:
                s = date.fromisocalendar(fsl_year, 39, rng.randint(2, 4))
                e = s
                title = f"FSL {fsl_year}: {title}"
                signer, role = rng.choice(self.kursledare), "kursledare"
            else:
                # Courses come somewhat more often early in the ST.
                s = at(0.03 + 0.92 * rng.random() ** 1.3)
                e = s + timedelta(days=rng.randint(1, 4))
                if rng.random() < 0.6:
                    signer, role = rng.choice(self.kursledare), "kursledare"
                else:
                    signer, role = hh_at(e), "handledare"
            acts.append(_Activity("kurs", title, course_codes, s, min(e, tl.end), signer, role,
                                  addressee=hh_at(min(e, tl.end))))
        if fsl_year is not None:
            ab = [c for c in applicable if _prefix(c) in _AB_PREFIXES]
            fsl_codes = tuple(sorted(rng.sample(ab, min(len(ab), rng.randint(2, 4))), key=applicable.index))
            s = date.fromisocalendar(fsl_year, 39, 2)
            acts.append(_Activity("sammankomst", _FSL_TITLE, fsl_codes, s, s + timedelta(days=2),
                                  rng.choice(self.kursledare), "kursledare", addressee=hh_at(s)))

        # Auskultation
        ausk = need.get("auskultation", [])
        if ausk:
            s = at(rng.uniform(0.3, 0.85))
            palliative = any(c in ("STb4", "b5") for c in ausk)
            where = "palliativ enhet (ASIH)" if palliative else rng.choice(("närliggande klinik", "mottagning"))
            acts.append(_Activity("auskultation", f"Auskultation: {where}", tuple(ausk), s,
                                  s + timedelta(days=rng.randint(1, 4)), hh_at(s), "handledare"))

        # Projects
        def project(ctype: str, title: str, codes: list[str], lo: float, hi: float) -> None:
            if not codes:
                return
            s = at(rng.uniform(lo, hi))
            e = min(tl.end, s + timedelta(days=rng.randint(90, 300)))
            acts.append(_Activity(ctype, title, tuple(codes), s, e, hh_at(e), "handledare"))

        if regulation == REG_2021:
            project("utvecklingsarbete", f"Utvecklingsarbete: {rng.choice(_DEVELOPMENT_TOPICS)}",
                    need.get("utvecklingsarbete", []), 0.35, 0.6)
            project("vetenskap", f"Vetenskapligt arbete: {rng.choice(_SCIENCE_TOPICS)}",
                    need.get("vetenskap", []), 0.5, 0.75)
        else:
            project("kvalitetsarbete", f"Kvalitetsarbete: {rng.choice(_DEVELOPMENT_TOPICS)}",
                    need.get("kvalitetsarbete", []), 0.35, 0.6)
            project("skriftligt_arbete", f"Skriftligt arbete: {rng.choice(_SCIENCE_TOPICS)}",
                    need.get("skriftligt_arbete", []), 0.5, 0.75)
        for t in sorted(need):
            if t not in ("klinisk_tjanstgoring", "kurs", "auskultation", "utvecklingsarbete", "vetenskap",
                         "kvalitetsarbete", "skriftligt_arbete", "bt_delmal"):
                project(t, TYPE_LABELS.get(t, t), need[t], 0.3, 0.7)
        if rng.random() < 0.3 and c_codes:
            s = at(rng.uniform(0.1, 0.9))
            acts.append(_Activity("ovrig_aktivitet", rng.choice(_OTHER_ACTIVITIES),
                                  tuple(sorted(rng.sample(c_codes, min(2, len(c_codes))), key=applicable.index)),
                                  s, s, hh_at(s), "handledare"))

        # Statuses of the activity certificates
        demo_unsigned = self._demo_unsigned(acts) if draft.category == "demo_st" else {}
        bt_all_signed = True
        for i, a in enumerate(acts):
            if a.start is not None and a.start > as_of:
                continue
            if a.end is not None and a.end > as_of:
                if a.ongoing_draft and rng.random() < 0.3:
                    self._add_cert(trainee_id, a, "utkast", None)
                    if a.type == "bt_delmal":
                        bt_all_signed = False
                continue
            forced = complete or draft.category == "demo_st" or (a.type == "bt_delmal" and bt_done_long_ago)
            status, signed = self._status(a, forced, demo_unsigned.get(i))
            self._add_cert(trainee_id, a, status, signed)
            if a.type == "bt_delmal" and status != "signerat":
                bt_all_signed = False

        # Summary documents
        bt_approved: date | None = None
        if regulation == REG_2021 and tl.bt_end is not None and tl.bt_end < as_of:
            bt_blocks_all = [e for b, _, e in tl.blocks if b.kind == "BT"]
            bt_certs_done = bt_all_signed and all(e <= as_of for e in bt_blocks_all)
            bt_start = tl.start
            force_bt = complete or bt_done_long_ago or draft.category == "demo_st"
            signed_dates: list[date] = []
            for ctype, signer, role in (("fullgjord_bt", vc, "verksamhetschef"),
                                        ("baskompetens", hh_at(tl.bt_end), "handledare")):
                a = _Activity(ctype, "", (), bt_start, tl.bt_end, signer, role)
                if force_bt or (bt_certs_done and rng.random() < 0.7):
                    d = min(as_of, tl.bt_end + timedelta(days=rng.randint(5, 40)))
                    self._add_cert(trainee_id, a, "signerat", d)
                    signed_dates.append(d)
                elif bt_certs_done:
                    self._add_cert(trainee_id, a, rng.choice(("utkast", "skickat")), None)
            if len(signed_dates) == 2:
                approved = max(signed_dates) + timedelta(days=rng.randint(14, 50))
                if complete or draft.category == "demo_st":
                    approved = min(approved, as_of)
                if approved <= as_of:
                    bt_approved = approved
        if tl.end <= as_of:
            summary = [("specialistkompetens", hh_at(tl.end), "handledare")]
            if regulation == REG_2021:
                summary.insert(0, ("fullgjord_st", vc, "verksamhetschef"))
            for ctype, signer, role in summary:
                a = _Activity(ctype, "", (), tl.start, tl.end, signer, role)
                if complete:
                    self._add_cert(trainee_id, a, "signerat", min(as_of, tl.end + timedelta(days=rng.randint(3, 25))))
                elif rng.random() < 0.7:
                    self._add_cert(trainee_id, a, rng.choice(("utkast", "skickat", "skickat")), None)
        return bt_approved

    def _demo_unsigned(self, acts: list[_Activity]) -> dict[int, str]:
        """For the demo ST account: the most recent finished activities wait for signature."""
        done = [
            (a.end, i) for i, a in enumerate(acts)
            if a.end is not None and a.end <= self.as_of and a.type not in ("bt_delmal", "sammankomst")
        ]
        done.sort(reverse=True)
        wanted = ("utkast", "skickat", "skickat", "returnerat")
        return {i: wanted[k] for k, (_, i) in enumerate(done[: len(wanted)])}

    def _status(self, a: _Activity, forced: bool, override: str | None) -> tuple[str, date | None]:
        rng = self.rng
        assert a.end is not None
        age = (self.as_of - a.end).days
        lag = rng.randint(2, 75)
        if override is not None:
            return override, None
        if forced:
            return "signerat", a.end + timedelta(days=min(lag, age))
        if lag <= age and rng.random() < 0.93:
            return "signerat", a.end + timedelta(days=lag)
        r = rng.random()
        return ("utkast" if r < 0.35 else "skickat" if r < 0.9 else "returnerat"), None

    def _add_cert(self, trainee_id: str, a: _Activity, status: str, signed: date | None) -> None:
        idx = len(self.certs)
        signer_id: str | None = None
        signed_by: str | None = None
        role: str | None = None
        comment = ""
        if status == "signerat":
            signer_id, signed_by, role = a.signer.person_id, a.signer.name, a.role
        elif status in ("skickat", "returnerat"):
            signer_id = (a.addressee or a.signer).person_id
            if status == "returnerat":
                comment = self.rng.choice(_RETURN_COMMENTS)
        self.certs.append((trainee_id, a.type, a.title, a.start, a.end, status, signer_id, signed_by, role, signed,
                           comment))
        for code in a.codes:
            self.cert_codes.append((idx, code))

    # -- intressenter --
    def build_intressenter(self) -> None:
        rng = self.rng
        as_of = self.as_of
        vcs = [u for u in UNITS if u.kind == _VC]
        steps = ["intresse"] * 4 + ["dokument"] * 4 + ["bedomning"] * 4 + ["vantelista"] * 6 + ["inskriven"] * 4
        steps += ["avslutad"] * 3
        recent = sorted(self.recent_vc_trainees, reverse=True)
        order = list(range(len(steps)))
        rng.shuffle(order)
        for n, k in enumerate(order, start=1):
            step = steps[k]
            iid = f"I{n:03d}"
            linked = recent.pop(0) if step == "inskriven" and recent else None
            if step == "inskriven" and linked is None:
                step = "vantelista"
            if linked is not None:
                start, trainee_id, name, email, unit_id, swedish_at, legit = linked
                unit = next(u for u in vcs if u.unit_id == unit_id)
                last = min(as_of, start - timedelta(days=rng.randint(7, 45)))
            else:
                trainee_id = None
                unit = rng.choice(vcs) if step != "bedomning" or rng.random() < 0.5 else rng.choice(
                    [u for u in vcs if not u.st_approved])
                swedish_at = rng.random() < 0.5
                name = self.people.name(foreign=not swedish_at and rng.random() < 0.7)
                email = self.people.email_for(name)
                waiting = rng.randint(30, 270) if step == "vantelista" else rng.randint(2, 60)
                last = as_of - timedelta(days=waiting)
                legit = None if (step == "intresse" and rng.random() < 0.4) else last - timedelta(
                    days=rng.randint(60, 1500))
            history = list(
                INTRESSENT_FLOW[: INTRESSENT_FLOW.index(step) + 1] if step != "avslutad"
                else INTRESSENT_FLOW[: rng.randint(1, 3)] + ("avslutad",)
            )
            dates: list[date] = [last]
            for _ in history[:-1]:
                dates.insert(0, dates[0] - timedelta(days=rng.randint(7, 45)))
            studierektor = self.area_studierektor[(unit.region_id, unit.area)]
            vchef = self.units[unit.unit_id].verksamhetschef
            assert vchef is not None
            for h, d in zip(history, dates, strict=True):
                by = vchef.person_id if h == "intresse" else studierektor.person_id
                note = INTRESSENT_NOTES.get(h, "")
                if h == "avslutad":
                    note = rng.choice(("Drog tillbaka sitt intresse.", "Ej godkänd: enheten saknar handledare.",
                                       "Valde annan region."))
                self.intressent_steps.append((iid, h, d, by, note))
            reached = INTRESSENT_FLOW.index(history[-2] if step == "avslutad" else step)
            docs = [reached >= 2 or (reached == 1 and rng.random() < 0.5) for _ in range(4)]
            if reached == 1 and all(docs):
                docs[rng.randrange(4)] = False
            language_ok = swedish_at or reached >= 2 or rng.random() < 0.5
            note = ""
            if step == "vantelista":
                note = f"Väntar på ledig ST-plats sedan {last.isoformat()}."
            self.intressenter.append((
                iid, name, email, "Allmänmedicin", unit.unit_id, legit, swedish_at, language_ok, docs[0], docs[1],
                docs[2], docs[3], step, dates[0], note, trainee_id,
            ))

    # -- writing --
    def write(self, cur: duckdb.DuckDBPyConnection) -> None:
        for region_id, name in REGIONS:
            cur.execute("INSERT INTO region (region_id, name) VALUES (?, ?)", [region_id, name])
        _insert(cur, "unit", ["unit_id", "name", "region_id", "area", "kind", "st_approved", "st_places"],
                [(u.unit_id, u.name, u.region_id, u.area, u.kind, u.st_approved, u.st_places) for u in UNITS])
        demo_emails = {a[0]: a[1] for a in DEMO_ACCOUNTS}
        person_rows = []
        for p in self.people.rows:
            pw = None
            if p.email in demo_emails:
                pw = _demo_hash(demo_emails[p.email], p.email)
            person_rows.append((p.person_id, p.name, p.email, pw, p.is_specialist))
        _insert(cur, "person", ["person_id", "name", "email", "password_hash", "is_specialist"], person_rows)
        _insert(cur, "role_assignment", ["role_assignment_id", "person_id", "role", "region_id", "area", "unit_id"],
                _with_ids(cur, "seq_role", self.roles))
        _insert(cur, "trainee", [
            "trainee_id", "person_id", "name", "specialty", "legitimation_date", "swedish_at", "st_start_date",
            "regulation_choice", "doktorsexamen", "bt_approved_date", "unit_id", "source",
        ], [r + (DEMO_SOURCE,) for r in self.trainee_rows])
        _insert(cur, "supervision", ["supervision_id", "trainee_id", "person_id", "kind", "start_date", "end_date"],
                _with_ids(cur, "seq_supervision", self.supervision))
        _insert(cur, "placement", [
            "placement_id", "trainee_id", "kind", "setting", "workplace", "unit_id", "start_date", "end_date",
            "percent", "source",
        ], _with_ids(cur, "seq_placement", [r + (DEMO_SOURCE,) for r in self.placements]))
        _insert(cur, "leave", ["leave_id", "trainee_id", "kind", "start_date", "end_date", "percent", "source"],
                _with_ids(cur, "seq_leave", [r + (DEMO_SOURCE,) for r in self.leave]))
        _insert(cur, "credit", ["credit_id", "trainee_id", "kind", "months", "note", "source"],
                _with_ids(cur, "seq_credit", [r + (DEMO_SOURCE,) for r in self.credits]))
        width = max(6, len(str(len(self.certs))))
        cert_ids = [f"C{i + 1:0{width}d}" for i in range(len(self.certs))]
        _insert(cur, "certificate", [
            "certificate_id", "trainee_id", "type", "title", "start_date", "end_date", "status",
            "signer_person_id", "signed_by", "signed_role", "signed_date", "comment", "source",
        ], [(cid,) + row + (DEMO_SOURCE,) for cid, row in zip(cert_ids, self.certs, strict=True)])
        _insert(cur, "certificate_delmal", ["certificate_id", "code"],
                [(cert_ids[i], code) for i, code in self.cert_codes])
        _insert(cur, "intressent", [
            "intressent_id", "name", "email", "specialty", "unit_id", "legitimation_date", "swedish_at",
            "language_ok", "doc_anstallningsbevis", "doc_cv", "doc_personligt_brev", "doc_legitimation", "step",
            "reported_date", "note", "trainee_id",
        ], self.intressenter)
        _insert(cur, "intressent_step", ["intressent_id", "step", "step_date", "by_person_id", "note"],
                self.intressent_steps)


@dataclass
class _Activity:
    type: str
    title: str
    codes: tuple[str, ...]
    start: date | None
    end: date | None
    signer: _Person
    role: str
    ongoing_draft: bool = False
    addressee: _Person | None = None  # who an unsigned certificate is sent to, when not the signer


INTRESSENT_FLOW: tuple[str, ...] = ("intresse", "dokument", "bedomning", "vantelista", "inskriven")
INTRESSENT_NOTES: dict[str, str] = {
    "intresse": "Verksamhetschefen har anmält intresse.",
    "dokument": "Handlingar har börjat komma in.",
    "bedomning": "Studierektorn bedömer enhet och sökande.",
    "vantelista": "Godkänd, väntar på ST-plats.",
    "inskriven": "ST-kontrakt undertecknat.",
}


def _with_ids(cur: duckdb.DuckDBPyConnection, sequence: str, rows: Sequence[tuple[object, ...]]) -> list[
        tuple[object, ...]]:
    """Draw ids from the table's sequence and assign them in row order (deterministic, sequence advanced)."""
    if not rows:
        return []
    ids = sorted(r[0] for r in cur.execute(f"SELECT nextval('{sequence}') FROM range(?)", [len(rows)]).fetchall())
    return [(i,) + tuple(r) for i, r in zip(ids, rows, strict=True)]


def _insert(cur: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: Sequence[tuple[object, ...]]) -> None:
    if not rows:
        return
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    view = f"_demo_{table}"
    cur.register(view, frame)
    try:
        cols = ", ".join(columns)
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}")
    finally:
        cur.unregister(view)


def _sv_int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def load_demo(con: Connection, *, trainees: int = DEMO_TRAINEES, seed: int = 2026, as_of: date) -> str:
    """Load a reproducible demo data set into an empty database; returns a one-line Swedish summary."""
    if trainees < 1:
        raise TrackerError("Antalet ST-läkare i demodata måste vara minst 1.")
    catalogue.ensure_catalogue(con)
    check = con.cursor()
    row = check.execute("SELECT count(*) FROM trainee").fetchone()
    if row and row[0]:
        raise TrackerError(
            "Databasen innehåller redan ST-läkare; demodata kan bara läsas in i en tom databas. "
            "Använd en ny databasfil (t.ex. --db data/demo.duckdb)."
        )
    emails = [a[0] for a in DEMO_ACCOUNTS]
    clash = check.execute(
        f"SELECT count(*) FROM person WHERE email IN ({', '.join('?' for _ in emails)}) OR email LIKE ?",
        [*emails, f"%@{DEMO_EMAIL_DOMAIN}"],
    ).fetchone()
    regions = check.execute(
        f"SELECT count(*) FROM region WHERE region_id IN ({', '.join('?' for _ in REGIONS)})", [r[0] for r in REGIONS]
    ).fetchone()
    if (clash and clash[0]) or (regions and regions[0]):
        raise TrackerError("Databasen innehåller redan demodata (demokonton eller demoregioner); den läses inte in igen.")

    gen = _Generator(con, trainees, seed, as_of)
    drafts = gen.build_drafts()
    gen.build_staff()
    width = max(3, len(str(trainees)))
    for d in drafts:
        gen.build_trainee(d, f"T{d.index + 1:0{width}d}")
    gen.build_intressenter()
    with transaction(con) as cur:
        gen.write(cur)
    s = gen.stats
    return (
        f"Demodata: {_sv_int(trainees)} ST-läkare ({_sv_int(s.reg_2021)} enligt {REG_2021}, "
        f"{_sv_int(s.reg_2015)} enligt {REG_2015}; {_sv_int(s.in_bt)} i BT, {_sv_int(s.early)} i tidig ST, "
        f"{_sv_int(s.middle)} mitt i ST, {_sv_int(s.late + s.time_done)} i sen ST, "
        f"{_sv_int(s.complete)} klara att ansöka), "
        f"{len(REGIONS)} regioner, {len(AREAS)} områden, {len(UNITS)} enheter, "
        f"{_sv_int(len(gen.people.rows))} personer, {_sv_int(len(gen.certs))} intyg, "
        f"{len(gen.intressenter)} ST-intressenter (per {as_of.isoformat()})."
    )

