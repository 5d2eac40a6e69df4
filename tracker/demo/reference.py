"""The fixed tables the demo data is drawn from: the demo accounts, regions, areas and units, the
specialties with their share of trainees, home settings and sidotjänstgöringar, course catalogues,
project topics, names and the steps of an ST-intressent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEMO_EMAIL_DOMAIN = "demo.st-tracker.se"
DEMO_PASSWORD = "demo"

# (email, password, what the account is) for the README and the login page.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("st@demo.se", DEMO_PASSWORD, "ST-läkare i allmänmedicin, Vårdcentralen Majorna (VGR), mitt i ST"),
    ("handledare@demo.se", DEMO_PASSWORD, "Huvudhandledare på Vårdcentralen Majorna med intyg att signera"),
    ("studierektor@demo.se", DEMO_PASSWORD, "Studierektor för område Göteborg, Västra Götalandsregionen"),
    ("admin@demo.se", DEMO_PASSWORD, "Administratör"),
    ("verksamhetschef@demo.se", DEMO_PASSWORD, "Verksamhetschef på Vårdcentralen Majorna: enhetens ST-läkare och intyg att signera"),
)
ST_EMAIL, HANDLEDARE_EMAIL, STUDIEREKTOR_EMAIL, ADMIN_EMAIL, VERKSAMHETSCHEF_EMAIL = (a[0] for a in DEMO_ACCOUNTS)
FIXED_NAMES = {
    ST_EMAIL: "Sara Lindqvist",
    HANDLEDARE_EMAIL: "Johan Bergström",
    STUDIEREKTOR_EMAIL: "Karin Ekman",
    ADMIN_EMAIL: "Maria Holm",
}

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
class UnitDef:
    unit_id: str
    name: str
    region_id: str
    area: str
    kind: str
    st_approved: bool
    st_places: int
    setting: str
    hosts: tuple[str, ...] = ()


VC = "vardcentral"
KLINIK = "klinik"

UNITS: tuple[UnitDef, ...] = (
    UnitDef("vgr-vc-majorna", "Vårdcentralen Majorna", "VGR", "Göteborg", VC, True, 3, "primarvard"),
    UnitDef("vgr-vc-hogsbo", "Vårdcentralen Högsbo", "VGR", "Göteborg", VC, True, 2, "primarvard"),
    UnitDef("vgr-vc-kungshojd", "Vårdcentralen Kungshöjd", "VGR", "Göteborg", VC, False, 0, "primarvard"),
    UnitDef("vgr-vc-sandared", "Vårdcentralen Sandared", "VGR", "Södra Älvsborg", VC, True, 1, "primarvard"),
    UnitDef("vgr-vc-kallstorp", "Vårdcentralen Källstorp", "VGR", "Fyrbodal", VC, True, 2, "primarvard"),
    UnitDef("vgr-vc-dalaberg", "Vårdcentralen Dalaberg", "VGR", "Fyrbodal", VC, True, 1, "primarvard"),
    UnitDef("sthlm-vc-rinkeby", "Vårdcentralen Rinkeby", "STHLM", "Norr", VC, True, 2, "primarvard"),
    UnitDef("sthlm-vc-taby", "Vårdcentralen Täby centrum", "STHLM", "Norr", VC, False, 0, "primarvard"),
    UnitDef("sthlm-vc-farsta", "Vårdcentralen Farsta", "STHLM", "Söder", VC, True, 3, "primarvard"),
    UnitDef("skane-vc-limhamn", "Vårdcentralen Limhamn", "SKANE", "Malmö", VC, True, 2, "primarvard"),
    UnitDef("skane-vc-rosengard", "Vårdcentralen Rosengård", "SKANE", "Malmö", VC, False, 0, "primarvard"),
    UnitDef("skane-vc-linero", "Vårdcentralen Linero", "SKANE", "Lund", VC, True, 2, "primarvard"),
    UnitDef("skane-vc-nasby", "Vårdcentralen Näsby", "SKANE", "Nordost", VC, True, 2, "primarvard"),
    UnitDef(
        "vgr-su-medicin", "Sahlgrenska Universitetssjukhuset, Medicinkliniken", "VGR", "Göteborg", KLINIK,
        True, 6, "internmedicin",
        ("Internmedicin", "Kardiologi", "Geriatrik", "Lungsjukdomar", "Infektionssjukdomar"),
    ),
    UnitDef(
        "vgr-su-anestesi", "Sahlgrenska Universitetssjukhuset, Anestesi och intensivvård", "VGR", "Göteborg",
        KLINIK, True, 5, "akutsjukvard", ("Anestesi och intensivvård",),
    ),
    UnitDef(
        "vgr-su-barn", "Drottning Silvias barn- och ungdomssjukhus", "VGR", "Göteborg", KLINIK, True, 4,
        "annan", ("Barn- och ungdomsmedicin", "Barn- och ungdomspsykiatri"),
    ),
    UnitDef(
        "vgr-nal-akut", "NÄL, Akutkliniken", "VGR", "Fyrbodal", KLINIK, True, 3, "akutsjukvard",
        ("Akutsjukvård", "Internmedicin"),
    ),
    UnitDef(
        "vgr-nal-kirurgi", "NÄL, Kirurgkliniken", "VGR", "Fyrbodal", KLINIK, True, 3, "kirurgi",
        ("Kirurgi", "Urologi"),
    ),
    UnitDef(
        "vgr-sas-psykiatri", "Södra Älvsborgs sjukhus, Psykiatri", "VGR", "Södra Älvsborg", KLINIK, True, 4,
        "psykiatri", ("Psykiatri",),
    ),
    UnitDef(
        "sthlm-ks-neuro", "Karolinska Universitetssjukhuset Solna, Neurologi och onkologi", "STHLM", "Norr",
        KLINIK, True, 5, "annan",
        ("Neurologi", "Onkologi", "Rehabiliteringsmedicin", "Klinisk patologi", "Hud- och könssjukdomar"),
    ),
    UnitDef(
        "sthlm-sos-akut", "Södersjukhuset, Akutkliniken", "STHLM", "Söder", KLINIK, True, 4, "akutsjukvard",
        ("Akutsjukvård", "Anestesi och intensivvård"),
    ),
    UnitDef(
        "sthlm-sos-ortopedi", "Södersjukhuset, Ortopedkliniken", "STHLM", "Söder", KLINIK, True, 3, "kirurgi",
        ("Ortopedi", "Kirurgi"),
    ),
    UnitDef(
        "skane-sus-bof", "Skånes universitetssjukhus Lund, Bild och funktion", "SKANE", "Lund", KLINIK, True, 4,
        "annan", ("Radiologi",),
    ),
    UnitDef(
        "skane-csk", "Centralsjukhuset Kristianstad", "SKANE", "Nordost", KLINIK, True, 6, "annan",
        (
            "Internmedicin", "Psykiatri", "Ortopedi", "Obstetrik och gynekologi", "Öron-, näs- och halssjukdomar",
            "Ögonsjukdomar", "Geriatrik", "Barn- och ungdomsmedicin",
        ),
    ),
)

# Hospitals outside the demo units, for sidotjänstgöring and AT.
OTHER_HOSPITALS: dict[str, tuple[str, ...]] = {
    "VGR": ("Skaraborgs sjukhus Skövde", "Kungälvs sjukhus", "Alingsås lasarett", "Sahlgrenska Universitetssjukhuset"),
    "STHLM": ("Danderyds sjukhus", "S:t Görans sjukhus", "Norrtälje sjukhus", "Karolinska Universitetssjukhuset"),
    "SKANE": ("Helsingborgs lasarett", "Ystads lasarett", "Hässleholms sjukhus", "Skånes universitetssjukhus Malmö"),
}
# Towns for primary care outside the demo units.
OTHER_TOWNS: dict[str, tuple[str, ...]] = {
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
PROFILES: dict[str, tuple[str, tuple[_Side, ...]]] = {
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
DEFAULT_PROFILE: tuple[str, tuple[_Side, ...]] = (
    "annan",
    (("internmedicin", "Medicinkliniken", 3, 4), ("akutsjukvard", "Akutmottagningen", 2, 3)),
)

# Common courses for the a/b (STa/STb) delmål: title, SOSFS 2015:8 codes, HSLF-FS 2021:8 codes.
COMMON_COURSES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
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

SPECIALTY_COURSES: dict[str, tuple[str, ...]] = {
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

DEVELOPMENT_TOPICS: tuple[str, ...] = (
    "Minskad antibiotikaförskrivning vid luftvägsinfektioner",
    "Säkrare läkemedelsgenomgångar för äldre",
    "Strukturerad överrapportering enligt SBAR",
    "Kortare väntetid till första bedömning",
    "Bättre följsamhet till basala hygienrutiner",
    "Uppföljning av patienter med hjärtsvikt",
    "Förbättrad dokumentation av vårdplaner",
)
SCIENCE_TOPICS: tuple[str, ...] = (
    "Retrospektiv journalstudie av opioidförskrivning",
    "Handläggning av förmaksflimmer: en journalgranskning",
    "Patienters erfarenhet av digitala besök: en enkätstudie",
    "Blodtryckskontroll hos patienter med diabetes",
    "Kvalitetsregisterstudie av höftfrakturer",
    "Förekomst av depression hos patienter med kronisk smärta",
)
OTHER_ACTIVITIES: tuple[str, ...] = (
    "Simuleringsövning: akuta tillstånd",
    "Medsittning med specialist",
    "Reflektion i grupp (Balintgrupp)",
    "Seminarieserie: fallbaserad diagnostik",
)
RETURN_COMMENTS: tuple[str, ...] = (
    "Komplettera med vilka delmål som uppnåtts under placeringen.",
    "Beskriv hur delmålen har kontrollerats.",
    "Perioden stämmer inte med anställningen – kontrollera datumen.",
    "Bifoga kursbeskrivning med kursens innehåll.",
)
FSL_TITLE = "FSL – Framtidens Specialistläkare, Malmö"
# The congress runs Tuesday to Thursday in week 39.
FSL_DAYS: dict[int, tuple[date, date]] = {
    y: (date.fromisocalendar(y, 39, 2), date.fromisocalendar(y, 39, 4)) for y in range(2014, 2040)
}

# --- names --------------------------------------------------------------------------------------

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Sara", "Emma", "Maria", "Karin", "Johanna", "Elin", "Linnea", "Sofia", "Ida", "Frida", "Hanna",
    "Malin", "Lisa", "Matilda", "Ebba", "Klara", "Maja", "Amanda", "Josefin", "Caroline", "Helena", "Therese",
    "Cecilia", "Jenny", "Louise", "Moa", "Alva", "Tove", "Agnes", "Erik", "Johan", "Anders", "Karl", "Lars",
    "Per", "Mikael", "Fredrik", "Oskar", "Gustav", "Viktor", "Jonas", "Henrik", "Daniel", "Magnus", "Axel",
    "Filip", "Simon", "David", "Emil", "Martin", "Niklas", "Olof", "Jakob", "Hugo", "Isak", "Rasmus",
    "Sebastian", "Tobias", "Mattias",
)
SURNAMES: tuple[str, ...] = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg",
    "Jakobsson", "Magnusson", "Lindström", "Olofsson", "Lindgren", "Berg", "Axelsson", "Lundberg", "Lind",
    "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Håkansson", "Lundin", "Björk", "Bergman",
    "Gunnarsson", "Wikström", "Samuelsson", "Isaksson", "Fransson", "Bergqvist", "Nyström", "Holmberg",
    "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Claesson", "Strand", "Åberg", "Hedlund",
)
FOREIGN_FIRST_NAMES: tuple[str, ...] = (
    "Ahmed", "Mohammed", "Ali", "Hassan", "Omar", "Yusuf", "Karim", "Tariq", "Piotr", "Tomasz", "Dmytro",
    "Oleksandr", "Mehmet", "Emre", "Nikos", "Luca", "Marco", "Lukas", "Fatima", "Mariam", "Leila", "Amira",
    "Noor", "Yasmin", "Zeynep", "Elif", "Olena", "Iryna", "Katarzyna", "Agnieszka", "Elena", "Giulia", "Ana",
)
FOREIGN_SURNAMES: tuple[str, ...] = (
    "Al-Hassan", "Haddad", "Rahimi", "Hosseini", "Karimi", "Mohammadi", "Ahmadi", "Khalil", "Mansour",
    "Nasser", "Kowalski", "Nowak", "Lewandowski", "Petrenko", "Shevchenko", "Kovalenko", "Yilmaz", "Demir",
    "Kaya", "Öztürk", "Papadopoulos", "Georgiou", "Rossi", "Bianchi", "Schmidt", "Müller", "Becker",
    "García", "Fernández", "Ivanova",
)
COUNTRIES: tuple[str, ...] = ("Tyskland", "Polen", "Grekland", "Ukraina", "Irak", "Syrien", "Iran", "Italien")

# --- ST-intressenter ----------------------------------------------------------------------------

INTRESSENT_FLOW: tuple[str, ...] = ("intresse", "dokument", "bedomning", "vantelista", "inskriven")
INTRESSENT_NOTES: dict[str, str] = {
    "intresse": "Verksamhetschefen har anmält intresse.",
    "dokument": "Handlingar har börjat komma in.",
    "bedomning": "Studierektorn bedömer enhet och sökande.",
    "vantelista": "Godkänd, väntar på ST-plats.",
    "inskriven": "ST-kontrakt undertecknat.",
}
