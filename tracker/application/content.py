"""What goes into each of Socialstyrelsen's forms: from a trainee's records to field name -> value.

Pure functions over plain data (``Application``); ``tracker.application.package`` reads the data and
writes the PDFs. One form per signed activity certificate, the summary intyg, the tjänsteförteckning and
the application form with its list of attachments. Values follow the forms: dates ååmmdd, periods
"ååmmdd – ååmmdd", delmål codes as the regulation writes them ("a1, b2" / "STa1, STb2"), months with a
decimal comma. Signatures, the signers' own personnummer and the descriptions the signer writes are
left for the signer; what the record should have filled and cannot (no personnummer, an unsigned intyg)
is a problem of that form, never a silent blank, and a document to attach that the tracker does not hold
(service before the legitimation, a doktorsexamen) is a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from tracker.application.forms import CERTIFICATE_FORMS, FORM_BY_KEY, Form
from tracker.domain import REG_2015, REG_2021, REQUIRABLE_TYPES, TYPE_LABELS, Trainee
from tracker.rules.numbers import half_up, sv_number
from tracker.rules.reference import Progress
from tracker.rules.service_list import ServiceRow

BLANK_FOR_SIGNER = "fylls i av den som intygar"
BLANK_FOR_APPLICANT = "fylls i av sökanden"
_MISSING = "saknas i ST-läkarens personuppgifter (Mina uppgifter)."


@dataclass(frozen=True)
class Personal:
    """The applicant's details for the forms (``trainee_personal``); None where not recorded."""

    personnummer: str | None = None
    street_address: str | None = None
    postal_code: str | None = None
    postal_town: str | None = None
    phone_home: str | None = None
    phone_mobile: str | None = None
    phone_work: str | None = None
    lakarexamen_country: str | None = None
    lakarexamen_date: date | None = None
    legitimation_country: str | None = None


@dataclass(frozen=True)
class SignedCertificate:
    certificate_id: str
    type: str
    title: str
    start_date: date | None
    end_date: date | None
    delmal: tuple[str, ...]
    signed_by: str
    signed_role: str
    signed_date: date
    signer_workplace: str = ""  # the unit the signer signs for, when the record knows it


@dataclass(frozen=True)
class Application:
    trainee: Trainee
    personal: Personal
    email: str
    workplace: str  # the trainee's unit
    progress: Progress
    certificates: tuple[SignedCertificate, ...]  # signed on or before the as-of date
    service_rows: tuple[ServiceRow, ...]  # the placements counting toward the minimum time
    bt_rows: tuple[ServiceRow, ...]  # BT placements (HSLF-FS 2021:8)
    verksamhetschef: str = ""  # of the trainee's unit
    studierektor: str = ""  # of the unit's area


@dataclass
class FormContent:
    """One filled form of the package."""

    form: Form
    certificate_id: str | None
    fields: dict[str, str]
    problems: list[str] = field(default_factory=list)  # what the record should fill and cannot
    notes: list[str] = field(default_factory=list)  # documents to attach that are not in the tracker
    left_blank: dict[str, str] = field(default_factory=dict)  # field -> who fills it in
    attachment: int | None = None  # its "Bilaga nr" within its application

    def set(self, name: str, value: str | None) -> None:
        if name not in self.form.fields:
            raise KeyError(f"{self.form.name} has no field {name!r}")
        if value:
            self.fields[name] = value

    def leave(self, who: str, *names: str) -> None:
        for name in names:
            if name not in self.form.fields:
                raise KeyError(f"{self.form.name} has no field {name!r}")
            self.left_blank[name] = who


# --- formatting -------------------------------------------------------------------------------

def yymmdd(d: date | None) -> str:
    return d.strftime("%y%m%d") if d else ""


def period(start: date | None, end: date | None) -> str:
    return f"{yymmdd(start)} – {yymmdd(end)}" if start and end else ""


def split_name(name: str) -> tuple[str, str]:
    """(efternamn, förnamn): the last word is the surname."""
    words = name.split()
    return (words[-1], " ".join(words[:-1])) if len(words) > 1 else (name.strip(), "")


_CODE = re.compile(r"^(STa|STb|STc|BT|a|b|c)(\d+)$")
_ORDER = {"a": 0, "b": 1, "c": 2, "STa": 0, "STb": 1, "STc": 2, "BT": 3}


def delmal_text(codes: Sequence[str]) -> str:
    """Codes in the målbeskrivning's order, as the forms write them: "STa1, STb2, STc10"."""
    def key(code: str) -> tuple[int, int, str]:
        m = _CODE.match(code)
        return (_ORDER[m.group(1)], int(m.group(2)), code) if m else (9, 0, code)

    return ", ".join(sorted(codes, key=key))


def numbers_text(numbers: Sequence[int]) -> str:
    """Attachment numbers, runs joined: [3, 4, 5, 8] -> "3–5, 8"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def months(x: Fraction) -> str:
    """Full-time months with two decimals and a decimal comma: "4,50"."""
    return f"{float(half_up(x)):.2f}".replace(".", ",")


def _place(cert: SignedCertificate) -> str:
    """The place of a clinical service or auskultation: the title without its type as a prefix."""
    for label in (TYPE_LABELS.get(cert.type, ""), "Klinisk tjänstgöring", "Auskultation"):
        if label and cert.title.lower().startswith(label.lower() + ":"):
            return cert.title[len(label) + 1 :].strip()
    return cert.title


# --- the parts every form shares ------------------------------------------------------------------

def _new(app: Application, key: str, cert: SignedCertificate | None = None) -> FormContent:
    form = FORM_BY_KEY[key]
    out = FormContent(form, cert.certificate_id if cert else None, {})
    last, first = split_name(app.trainee.name)
    out.set("Efternamn", last)
    out.set("Förnamn", first)
    if app.personal.personnummer:
        out.set("Personnummer", app.personal.personnummer)
    else:
        out.problems.append(f"Personnummer {_MISSING}")
    if "Specialitet som ansökan avser" in form.fields:
        out.set("Specialitet som ansökan avser", app.trainee.specialty)
    return out


def _signer(out: FormContent, cert: SignedCertificate | None, name: str, workplace: str, *own: str) -> None:
    """The signer's block: name and workplace from the record; their own details are theirs to write."""
    if cert is None:
        out.leave(BLANK_FOR_SIGNER, name, workplace)
    else:
        out.set(name, cert.signed_by)
        if cert.signer_workplace:
            out.set(workplace, cert.signer_workplace)
        else:
            out.leave(BLANK_FOR_SIGNER, workplace)
    out.leave(BLANK_FOR_SIGNER, *own)


def _summary(app: Application, key: str, ctype: str) -> tuple[FormContent, SignedCertificate | None]:
    cert = next((c for c in app.certificates if c.type == ctype), None)
    out = _new(app, key, cert)
    if cert is None:
        out.problems.append(f"{TYPE_LABELS[ctype]} är inte signerat i ST-trackern.")
    return out, cert


# --- the tjänsteförteckning ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Columns:
    place: str
    period: str
    percent: str
    months: str

    def names(self, row: str) -> tuple[str, str, str, str]:
        """The four fields of one row ("Row3", or "Row3_2" on a continuation page)."""
        return (f"{self.place}{row}", f"{self.period}{row}", f"{self.percent}{row}", f"{self.months}{row}")

    def rows(self, fields: frozenset[str]) -> list[str]:
        """A form's rows in order: Row1…RowN, then those of its continuation page (HSLF-FS 2021:8 bilaga 6
        goes on on page 2 as Row1_2…Row19_2)."""
        out: list[str] = []
        for page in ("", "_2", "_3"):
            n = 1
            while all(name in fields for name in self.names(f"Row{n}{page}")):
                out.append(f"Row{n}{page}")
                n += 1
        return out


_COLUMNS_2021 = _Columns(
    "Tjänstgöringsställe sjukhus klinik enhet eller annan specificering",
    "Period ååmmddååmmdd",
    "Tjänstgöringens omfatt ning i procent av heltid",
    "Tjänstgöringens omfatt ning omräknad till månader på heltid",
)
_COLUMNS_2015 = _Columns(
    "Tjänstgöringsställe Sjukhus klinik enhet eller annan specificering",
    "Period ååmmdd  ååmmdd",
    "Tjänstgöringens omfattning i pro cent av heltid",
    "Tjänstgöringens omfattning om räknad till måna der på heltid",
)


def _percent(x: float) -> str:
    return sv_number(x)


def _service_list(out: FormContent, rows: Sequence[ServiceRow], cols: _Columns) -> None:
    lines = cols.rows(out.form.fields)
    capacity = len(lines)
    if len(rows) > capacity:
        out.problems.append(
            f"{len(rows)} tjänstgöringar men blanketten har {capacity} rader: "
            f"de sista {len(rows) - capacity} får föras på ett eget blad."
        )
    for line, r in zip(lines, rows, strict=False):
        place, per, pct, mon = cols.names(line)
        out.set(place, r.placement.workplace or TYPE_LABELS.get(r.placement.kind, r.placement.kind))
        out.set(per, period(r.start, r.end))
        out.set(pct, _percent(r.placement.percent))
        out.set(mon, months(r.months))
    out.set(f"{cols.months}Summa", months(sum((r.months for r in rows), Fraction(0))))


def _part_text(rows: Sequence[ServiceRow], part: str) -> str:
    return "\n".join(
        f"{r.placement.workplace}, {period(r.start, r.end)}, {months(r.months)} månader på heltid"
        for r in rows
        if r.placement.part == part
    )


# --- the forms --------------------------------------------------------------------------------------

def _bt_delmal(app: Application, cert: SignedCertificate) -> FormContent:
    out = _new(app, "2021-2", cert)
    out.set("Delmål som intyget avser tex BT1 BT2", delmal_text(cert.delmal))
    out.set(
        "Utbildningsaktiviteter som sökanden genomfört för att uppnå delmål tex kliniska tjänstgöringar under handledning kurser eller tidigare tjänstgöring Om intyget avser flera delmål beskriv vilka utbildningsaktiviteter som avser vilka delmål",
        f"{cert.title}, {period(cert.start_date, cert.end_date)}".strip(", "),
    )
    out.leave(
        BLANK_FOR_SIGNER,
        "Hur det kontrollerats att sökanden uppnått delmål tex bedömningar av kliniskt omhändertagande eller kursexaminationer Om intyget avser flera delmål beskriv vilka kontroller som avser vilka delmål",
    )
    _signer(out, cert, "Namnförtydligande", "Tjänsteställe", "Ort och datum", "Personnummer_2", "Specialitet")
    return out


def _fullgjord_bt(app: Application) -> FormContent:
    out, cert = _summary(app, "2021-3", "fullgjord_bt")
    _service_list(out, app.bt_rows, _COLUMNS_2021)
    out.set("Redogör för vilken eller vilka delar av tjänstgöringen som genomförts inom primärvård", _part_text(app.bt_rows, "primarvard"))
    out.set("Redogör för vilken eller vilka delar av tjänstgöringen som genomförts inom akut sjukvård", _part_text(app.bt_rows, "akut_sjukvard"))
    _signer(out, cert, "Namnförtydligande", "Tjänsteställe", "Ort och datum")
    return out


def _two_signers(app: Application, key: str, ctype: str) -> FormContent:
    """Bilaga 4 and 7: the huvudansvarig handledare (the intyg's signer) and a second signer."""
    out, cert = _summary(app, key, ctype)
    _signer(out, cert, "Namnförtydligande", "Tjänsteställe", "Ort och datum", "Personnummer_2", "Specialitet")
    out.leave(BLANK_FOR_SIGNER, "Namnförtydligande_2", "Tjänsteställe_2", "Ort och datum_2", "Personnummer_3", "Specialitet_2")
    return out


def _fullgjord_st(app: Application) -> FormContent:
    out, cert = _summary(app, "2021-6", "fullgjord_st")
    _service_list(out, app.service_rows, _COLUMNS_2021)
    _signer(out, cert, "Namnförtydligande", "Tjänsteställe", "Ort och datum")
    return out


_DELMAL_2021 = "Delmål som intyget avser tex STa1 STb1 STc1"
_DELMAL_2015 = "Delmål som intyget avser tex a1 b1 c1"


def _activity_2021(app: Application, cert: SignedCertificate) -> FormContent:
    key = CERTIFICATE_FORMS[REG_2021][cert.type]
    out = _new(app, key, cert)
    when = period(cert.start_date, cert.end_date)
    if key != "2021-12":
        out.set(_DELMAL_2021, delmal_text(cert.delmal))
    if key == "2021-8":
        out.set("Tjänstgöringsställe för auskultation", _place(cert))
        out.set("Period ååmmdd  ååmmdd", when)
        out.leave(BLANK_FOR_SIGNER, "Beskrivning av auskultationen")
    elif key == "2021-9":
        out.set("Tjänstgöringsställe för klinisk tjänstgöring", _place(cert))
        out.set("Period ååmmdd  ååmmdd", when)
        out.leave(BLANK_FOR_SIGNER, "Beskrivning av den kliniska tjänstgöringen")
    elif key == "2021-10":
        out.set("Kursens ämne anges i rubrikform", cert.title)
        out.set("Beskrivning av kursen", f"Kursdatum {when}" if when else "")
        out.set("Kursledare" if cert.signed_role == "kursledare" else "Handledare", "/Ja")
        _signer(out, cert, "Namnförtydligande", "Tjänsteställe", "Ort och datum",
                "Personnummer gäller endast handledare", "Specialitet gäller endast handledare")
        return out
    elif key == "2021-11":
        out.set("Utvecklingsarbetets ämne anges i rubrikform", cert.title)
        out.leave(BLANK_FOR_SIGNER, "Beskrivning av STläkarens deltagande i utvecklingsarbetet")
    else:  # bilaga 12, delmål STa3
        out.set(
            "Utbildningsaktiviteter som sökanden genomfört för att uppnå delmålet tex kliniska tjänstgöringar under handledning kurser eller tidigare tjänstgöring",
            f"{cert.title}, {when}".strip(", "),
        )
        out.leave(
            BLANK_FOR_SIGNER,
            "Hur det kontrollerats att sökanden uppnått delmålet tex bedömningar av kliniskt omhändertagande eller kursexaminationer",
        )
    _signer(out, cert, "Namnförtydligande", "Tjänsteställe", "Ort och datum", "Personnummer_2", "Specialitet")
    return out


def _activity_2015(app: Application, cert: SignedCertificate) -> FormContent:
    key = CERTIFICATE_FORMS[REG_2015][cert.type]
    out = _new(app, key, cert)
    out.set(_DELMAL_2015, delmal_text(cert.delmal))
    when = period(cert.start_date, cert.end_date)
    own = ("Ort och datum", "Specialitet")
    if key == "2015-3":
        out.set("Tjänstgöringsställe och period ååmmdd  ååmmdd för auskultationen", f"{_place(cert)}, {when}".strip(", "))
        out.leave(BLANK_FOR_SIGNER, "Beskrivning av auskultationen")
    elif key == "2015-4":
        out.set(
            "Tjänstgöringsställe och period ååmmdd  ååmmdd för den kliniska tjänstgöringen", f"{_place(cert)}, {when}".strip(", ")
        )
        out.leave(BLANK_FOR_SIGNER, "Beskrivning av den kliniska tjänstgöringen")
    elif key == "2015-5":
        out.set("Ämne i rubrikform och period ååmmdd  ååmmdd för kursen", f"{cert.title}, {when}".strip(", "))
        if cert.signed_role == "kursledare":
            out.set("Kursledare", cert.signed_by)
        out.set("Kryssruta1" if cert.signed_role == "kursledare" else "Kryssruta2", "/Ja")
        out.leave(BLANK_FOR_SIGNER, "Beskrivning av kursen")
        own = ("Ort och datum", "Specialitet om den intygande personen är specialistkompetent läkare")
    elif key == "2015-6":
        out.set("Ämne för kvalitets och utvecklingsarbete i rubrikform", cert.title)
        out.leave(BLANK_FOR_SIGNER, "Beskrivning av kvalitets och utvecklingsarbetet")
    else:  # 2015-7
        out.set("Ämne för självständigt skriftligt arbete i rubrikform", cert.title)
        out.leave(BLANK_FOR_SIGNER, "Beskrivning av det självständiga skriftliga arbetet")
    _signer(out, cert, "Namnförtydligande", "Tjänsteställe", *own)
    return out


def _uppnadd_2015(app: Application) -> FormContent:
    out, cert = _summary(app, "2015-2", "specialistkompetens")
    # The verksamhetschef's block, the studierektor named, the huvudansvarig handledare's block.
    if app.verksamhetschef:
        out.set("Namnförtydligande", app.verksamhetschef)
        out.set("Tjänsteställe", app.workplace)
    else:
        out.leave(BLANK_FOR_SIGNER, "Namnförtydligande", "Tjänsteställe")
    if app.studierektor:
        last, first = split_name(app.studierektor)
        out.set("Efternamn_Stu", last)
        out.set("Förnamn_Stu", first)
    else:
        out.leave(BLANK_FOR_SIGNER, "Efternamn_Stu", "Förnamn_Stu")
    out.leave(BLANK_FOR_SIGNER, "Ort och datum", "Tjänsteställe_Stu", "Kryssruta Ja", "Kryssruta Nej")
    out.leave(BLANK_FOR_SIGNER, "Specialitet", "Tjänsteställe_2", "Ort och datum_2", "Namnförtydligande_2", "Personnummer_2")
    _signer(out, cert, "Namnförtydligande_3", "Tjänsteställe_3", "Ort och datum_3", "Personnummer_3",
            "Specialitet_2", "Handledarutbildning årtal")
    return out


# --- the application forms ------------------------------------------------------------------------

def _applicant(app: Application, out: FormContent, *, phone_private: str, mobile: str | None = None) -> None:
    p = app.personal
    for name, value, label in (
        ("Utdelningsadress", p.street_address, "Utdelningsadress"),
        ("Postnummer", p.postal_code, "Postnummer"),
        ("Postort", p.postal_town, "Postort"),
    ):
        if value:
            out.set(name, value)
        else:
            out.problems.append(f"{label} {_MISSING}")
    if mobile is None:
        out.set(phone_private, p.phone_mobile or p.phone_home)
    else:
        out.set(phone_private, p.phone_home)
        out.set(mobile, p.phone_mobile)
    out.set("Epostadress", app.email)
    out.set("Arbetsplats", app.workplace)
    out.set("Telefon arbetet inkl riktnummer", p.phone_work)
    # Läkarexamen, then the legitimation (the forms' first rows of each).
    if p.lakarexamen_date:
        out.set("Land", p.lakarexamen_country or "Sverige")
        out.set("Datum ååmmdd", yymmdd(p.lakarexamen_date))
    else:
        out.problems.append(f"Datum för läkarexamen {_MISSING}")
    if app.trainee.legitimation_date:
        out.set("Land_2", p.legitimation_country or "Sverige")
        out.set("Datum ååmmdd_2", yymmdd(app.trainee.legitimation_date))
    else:
        out.problems.append("Legitimationsdatum saknas.")
    out.leave(BLANK_FOR_APPLICANT, "Ort och datum")


def _earlier_bevis(app: Application, out: FormContent, rows: Sequence[tuple[str, str, str]]) -> None:
    bevis = [c for c in app.certificates if c.type == "bevis_bas"]
    for cert, (spec, land, datum) in zip(bevis, rows, strict=False):
        out.set(spec, cert.title)
        out.set(land, "Sverige")
        out.set(datum, yymmdd(cert.signed_date))


def _attachments(out: FormContent, attached: Sequence[FormContent], slots: Sequence[tuple[str, Callable[[FormContent], bool]]]) -> None:
    for name, belongs in slots:
        numbers = [a.attachment for a in attached if a.attachment is not None and belongs(a)]
        out.set(name, numbers_text([n for n in numbers if n is not None]))


def _is(*keys: str) -> Callable[[FormContent], bool]:
    return lambda a: a.form.key in keys


def _number(attached: list[FormContent]) -> list[FormContent]:
    for i, a in enumerate(attached, start=1):
        a.attachment = i
        name = "Bilaga nr"
        if name in a.form.fields:
            a.set(name, str(i))
    return attached


def _by_date(certs: Sequence[SignedCertificate]) -> list[SignedCertificate]:
    return sorted(certs, key=lambda c: (c.start_date or date.min, c.end_date or date.min, c.certificate_id))


def _bt_application(app: Application) -> list[FormContent]:
    certs = _by_date([c for c in app.certificates if c.type == "bt_delmal"])
    attached = _number([*(_bt_delmal(app, c) for c in certs), _fullgjord_bt(app), _two_signers(app, "2021-4", "baskompetens")])
    out = _new(app, "2021-1")
    _applicant(app, out, phone_private="Telefon privat inkl riktnummer")
    _attachments(out, attached, [
        ("Bilagor nr.0", _is("2021-2")),
        ("Bilagor nr.1", _is("2021-3")),
        ("Bilagor nr.2", _is("2021-4")),
    ])
    bt = app.progress.bt
    if bt is not None and bt.before_legitimation_months > 0:
        out.notes.append(
            f"Tjänstgöring före legitimation: {months(bt.before_legitimation_months)} månader av BT ligger före "
            "legitimationen; bifoga intyg om den tjänstgöringen och ange deras bilagenummer under "
            "Tjänstgöring före legitimation."
        )
    out.leave(BLANK_FOR_APPLICANT, "Bilagor nr.3", "Bilagor nr.4")
    return [out, *attached]


_ACTIVITY_ORDER_2021 = ("auskultation", "klinisk_tjanstgoring", "kurs", "utvecklingsarbete", "vetenskap")
_ACTIVITY_ORDER_2015 = ("auskultation", "klinisk_tjanstgoring", "kurs", "kvalitetsarbete", "skriftligt_arbete")


def _st_application_2021(app: Application) -> list[FormContent]:
    activities = [
        _activity_2021(app, c)
        for ctype in _ACTIVITY_ORDER_2021
        for c in _by_date([c for c in app.certificates if c.type == ctype])
    ]
    attached = _number([_fullgjord_st(app), _two_signers(app, "2021-7", "specialistkompetens"), *activities])
    out = _new(app, "2021-5")
    _applicant(app, out, phone_private="Telefon privat inkl riktnummer")
    if app.trainee.bt_approved_date:
        out.set("Datum ååmmdd_5", yymmdd(app.trainee.bt_approved_date))
    else:
        out.problems.append("Datum för intyg om godkänd bastjänstgöring saknas: BT är inte godkänd av Socialstyrelsen.")
    _earlier_bevis(app, out, [
        ("Specialitet", "Land_5", "Datum ååmmdd_6"),
        ("Specialitet_2", "Land_6", "Datum ååmmdd_7"),
        ("Specialitet_3", "Land_7", "Datum ååmmdd_8"),
        ("Specialitet_4", "Land_8", "Datum ååmmdd_9"),
    ])
    _attachments(out, attached, [
        ("Bilagor nr.0.0", _is("2021-6")),
        ("Bilagor nr.0.1", _is("2021-7")),
        ("Bilagor nr.0.2", _is("2021-8")),
        ("Bilagor nr.0.3", _is("2021-9")),
        ("Bilagor nr.0.4", _is("2021-10")),
        ("Bilagor nr.0.5", _is("2021-11")),
        ("Bilagor nr.0.6", _is("2021-12")),
    ])
    out.leave(BLANK_FOR_APPLICANT, "Bilagor nr.0.7", "Avgiften betalad ååmmdd")
    _doktorsexamen(app, out)
    return [out, *attached]


def _application_2015(app: Application) -> list[FormContent]:
    activities = [
        _activity_2015(app, c)
        for ctype in _ACTIVITY_ORDER_2015
        for c in _by_date([c for c in app.certificates if c.type == ctype])
    ]
    attached = _number([_uppnadd_2015(app), *activities])
    out = _new(app, "2015-1")
    _applicant(app, out, phone_private="Telefon bostaden inkl riktnummer", mobile="Mobiltelefon")
    _earlier_bevis(app, out, [
        ("Specialitet", "Land_5", "Datum ååmmdd_5"),
        ("Specialitet_2", "Land_6", "Datum ååmmdd_6"),
        ("Specialitet_3", "Land_7", "Datum ååmmdd_7"),
    ])
    _service_list(out, app.service_rows, _COLUMNS_2015)
    _attachments(out, attached, [
        ("Bilaga nr", _is("2015-2")),
        ("Bilaga nr_2", _is("2015-3")),
        ("Bilaga nr_3", _is("2015-4")),
        ("Bilaga nr_4", _is("2015-5")),
        ("Bilaga nr_5", _is("2015-6")),
        ("Bilaga nr_6", _is("2015-7")),
    ])
    out.leave(BLANK_FOR_APPLICANT, "Bilaga nr_7", "Avgiften betalad ååmmdd")
    _doktorsexamen(app, out)
    return [out, *attached]


def _doktorsexamen(app: Application, out: FormContent) -> None:
    if app.trainee.doktorsexamen:
        out.notes.append(
            "Doktorsexamen: bifoga bevis om den (eller Socialstyrelsens bedömning av en utländsk) och ange "
            "bilagans nummer under Förteckning över övriga handlingar."
        )


def unplaced_certificates(app: Application) -> list[SignedCertificate]:
    """Signed activity certificates that no form of the trainee's regulation takes."""
    forms = CERTIFICATE_FORMS[app.progress.regulation]
    return [c for c in app.certificates if c.type in REQUIRABLE_TYPES and c.type not in forms]


def plan(app: Application) -> list[FormContent]:
    """Every form of the application, in the order Socialstyrelsen lists them: under HSLF-FS 2021:8 the
    BT application (while the BT is not approved) and then the ST application; under SOSFS 2015:8 the
    application and its intyg."""
    if app.progress.regulation == REG_2015:
        return _application_2015(app)
    forms = [] if app.trainee.bt_approved_date else _bt_application(app)
    return forms + _st_application_2021(app)
