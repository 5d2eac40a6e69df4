"""A trainee's IUP / progress report on A4, in Swedish, as PDF bytes.

For the handledarsamtal and the studierektor's yearly review: the overview (who, where, which regulation,
time counted against the minimum, BT, ready to apply or not), a timeline of placements and leave over the
years with the BT and ST periods, every delmål with its status and the intyg that cover it, what is still
missing for the application, the notices, and the projected completion date. Each page's footer names the
trainee and the report's date and numbers the page ("Sida 2 av 4").

The PDF is drawn with reportlab: pure Python, and the timeline and the progress bar are vector drawings
(``reportlab.graphics``) in the PDF itself. Plotly's static image export (kaleido) would need a Chromium
browser at run time, on the server and on a user's machine alike; reportlab needs nothing but the package.

The text is set in Bitstream Vera, the TrueType family that comes with reportlab, embedded in the file:
it has å, ä, ö, é, ü, the en dash and ≥. A character of people's text that the font lacks is written as
its letter without the accent where the font has that letter (ń → n), else as "?", so nothing prints as
an empty box.

This module takes plain data (``ReportData``: dates, Fractions, text) and knows nothing of the database;
``tracker.services.reports`` gathers the data within the reader's scope.
"""

from __future__ import annotations

import io
import math
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import cache, partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tracker.domain import DASH, STATUS_EJ, STATUS_PAGAR, STATUS_UPPFYLLT, plural, sv_date

# --- what the report shows -------------------------------------------------------------------

LEAVE = "ledighet"  # Period.kind of a leave period (placements have AT, BT or ST)


@dataclass(frozen=True)
class Period:
    """A placement or a leave period on the timeline."""

    kind: str  # "AT", "BT", "ST" for a placement; LEAVE for leave
    lane: str  # the row it is drawn in, in Swedish: the setting ("Primärvård") or the kind of leave
    start: date
    end: date  # inclusive
    percent: float


@dataclass(frozen=True)
class CoveringCertificate:
    """An intyg that lists a delmål (voided ones are left out)."""

    type_label: str  # "Kurs"
    title: str
    signed_date: date | None
    status_label: str  # "Signerat", "Skickat för signering", ...


@dataclass(frozen=True)
class DelmalLine:
    code: str
    title: str
    status: str  # STATUS_UPPFYLLT, STATUS_PAGAR or STATUS_EJ
    is_bt: bool
    certificates: tuple[CoveringCertificate, ...] = ()


@dataclass(frozen=True)
class BTSummary:
    """Bastjänstgöring under HSLF-FS 2021:8: months (with the minimums) and delmål."""

    months: Fraction
    primary_care_months: Fraction
    acute_care_months: Fraction
    credited_months: Fraction
    required_months: Fraction
    required_primary: Fraction
    required_acute: Fraction
    delmal_done: int
    delmal_total: int
    approved_date: date | None
    ready_for_application: bool


@dataclass(frozen=True)
class ReportData:
    trainee_id: str
    name: str
    specialty: str
    regulation: str
    st_start: date | None
    unit: str
    region: str
    huvudhandledare: tuple[str, ...]
    handledare: tuple[str, ...]
    as_of: date
    required_months: Fraction
    service_months: Fraction
    credited_months: Fraction
    projected_completion: date | None
    bt: BTSummary | None
    periods: tuple[Period, ...]
    delmal: tuple[DelmalLine, ...]
    missing_items: tuple[str, ...]  # the texts of the progress JSON's missing_items
    notices: tuple[str, ...]

    @property
    def counted_months(self) -> Fraction:
        return self.service_months + self.credited_months

    @property
    def remaining_months(self) -> Fraction:
        return max(Fraction(0), self.required_months - self.counted_months)

    @property
    def ready(self) -> bool:
        return not self.missing_items


# --- Swedish text ----------------------------------------------------------------------------

STATUS_WORDS = {STATUS_UPPFYLLT: "Uppfyllt", STATUS_PAGAR: "Pågår", STATUS_EJ: "Ej påbörjat"}


def sv_number(x: Fraction | float | int, decimals: int = 2) -> str:
    """Half-up to ``decimals``, decimal comma, trailing zeros dropped: 30.25 -> '30,25', 6 -> '6' (the rule
    of ``tracker.rules.numbers.sv_number``, which this layer does not import)."""
    value = Fraction(x)
    scale = 10**decimals
    n = math.floor(abs(value) * scale + Fraction(1, 2))
    whole, rest = divmod(n, scale)
    text = f"{whole},{rest:0{decimals}d}".rstrip("0").rstrip(",") if decimals else str(whole)
    return ("-" if value < 0 and n else "") + text


def months_of(counted: Fraction, required: Fraction) -> str:
    """'30,25 av 66 mån'."""
    return f"{sv_number(counted)} av {sv_number(required)} mån"


# --- fonts -----------------------------------------------------------------------------------

FONT, BOLD, ITALIC, BOLD_ITALIC = "IupVera", "IupVera-Bold", "IupVera-Italic", "IupVera-BoldItalic"
_FONT_FILES = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}


@cache
def _font_chars() -> frozenset[int]:
    """Register the embedded family once; the code points its regular face has glyphs for."""
    folder = Path(reportlab.__file__).resolve().parent / "fonts"
    faces = {name: TTFont(name, str(folder / file)) for name, file in _FONT_FILES.items()}
    for face in faces.values():
        pdfmetrics.registerFont(face)
    registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    return frozenset(faces[FONT].face.charToGlyph)


def printable(text: object) -> str:
    """``text`` on one line with every character the font can draw (see the module docstring)."""
    chars = _font_chars()
    out: list[str] = []
    for ch in " ".join(str(text).split()):
        if ord(ch) in chars:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) in chars for c in base) else "?")
    return "".join(out)


def _t(text: object) -> str:
    """People's text (or the rules' sentences) for a Paragraph: printable and with markup escaped, so a
    name like '<a href=…>' is printed, never followed."""
    return escape(printable(text))


# --- layout ----------------------------------------------------------------------------------

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN
KEEP = 30 * mm  # a heading starts a new page unless this much room is left below it
# reportlab keeps some state in module globals (fonts, layout caches): one document is laid out at a time
# (a report takes a few hundredths of a second, so the app's sessions hardly wait for each other).
_BUILDING = threading.Lock()

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B7A")
RULE = colors.HexColor("#D5DBE3")
ACCENT = colors.HexColor("#2E6DA4")
KIND_COLOURS = {
    "AT": colors.HexColor("#8A8F98"),
    "BT": colors.HexColor("#2E8B57"),
    "ST": colors.HexColor("#2E6DA4"),
    LEAVE: colors.HexColor("#E08E0B"),
}
STATUS_COLOURS = {
    STATUS_UPPFYLLT: colors.HexColor("#DDF1E3"),
    STATUS_PAGAR: colors.HexColor("#FFF1CC"),
    STATUS_EJ: colors.HexColor("#EEF0F3"),
}
PHASE_LABELS = {"AT": "AT-period", "BT": "BT-period", "ST": "ST-period"}
KIND_LEGEND = {"AT": "AT", "BT": "BT", "ST": "ST", LEAVE: "Ledighet"}


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, bulletFontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=17, leading=21, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, leading=13, textColor=MUTED, spaceAfter=8),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=12,
            spaceAfter=5,
            textColor=ACCENT,
        ),
        "h3": ParagraphStyle("h3", parent=base, fontName=BOLD, fontSize=10, leading=13, spaceBefore=8, spaceAfter=4),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=BOLD, fontSize=8, leading=10),
        "key": ParagraphStyle("key", parent=base, fontName=BOLD, fontSize=8.5, leading=11),
        "value": ParagraphStyle("value", parent=base, fontSize=8.5, leading=11),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=2),
    }


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """A canvas that holds its pages until the end, then writes each page's footer with the page count."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, 14 * mm, PAGE_W - MARGIN, 14 * mm)
        self.setFont(FONT, 7.5)
        self.setFillColor(MUTED)
        self.drawString(MARGIN, 10 * mm, self._footer)
        self.drawRightString(PAGE_W - MARGIN, 10 * mm, f"Sida {self._pageNumber} av {total}")
        self.restoreState()


def render(data: ReportData) -> bytes:
    """The report as the bytes of a PDF file (A4, portrait)."""
    _font_chars()
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=22 * mm,
        title=printable(f"IUP-rapport {data.name}"),
        author="ST-tracker",
        subject=printable(f"Individuellt utbildningsprogram: uppföljning per {sv_date(data.as_of)}"),
        creator="ST-tracker",
        lang="sv-SE",
        initialFontName=FONT,  # else every page names Helvetica, a font the file does not embed
    )
    story: list[Any] = [
        Paragraph("IUP-rapport", st["title"]),
        Paragraph(
            f"Individuellt utbildningsprogram: uppföljning per {sv_date(data.as_of)} · {_t(data.name)}",
            st["subtitle"],
        ),
    ]
    story += _overview(data, st)
    story += _timeline_section(data, st)
    story += _delmal_section(data, st)
    story += _list_section(
        "Vad saknas inför ansökan om bevis om specialistkompetens",
        data.missing_items,
        "Inget saknas: allt är klart för ansökan.",
        st,
    )
    story += _list_section("Att tänka på", data.notices, "Inget att anmärka.", st)
    footer = printable(f"IUP-rapport · {data.name} · per {sv_date(data.as_of)} · ST-tracker")
    with _BUILDING:
        doc.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer))
    return buf.getvalue()


# --- sections --------------------------------------------------------------------------------


def _overview(data: ReportData, st: dict[str, ParagraphStyle]) -> list[Any]:
    unit = ", ".join(p for p in (data.unit, data.region) if p) or DASH
    counted = f"<b>{months_of(data.counted_months, data.required_months)}</b>"
    if data.required_months:
        counted += f" ({sv_number(100 * data.counted_months / data.required_months, 0)} % av minimitiden)"
    if data.credited_months:
        counted += f"; varav tillgodoräknat {sv_number(data.credited_months)} mån"
    rows: list[tuple[str, str]] = [
        ("ST-läkare", _t(data.name)),
        ("Specialitet", _t(data.specialty)),
        ("Regelverk", _t(data.regulation)),
        ("ST-start", sv_date(data.st_start)),
        ("Enhet", _t(unit)),
        ("Huvudhandledare", _t(", ".join(data.huvudhandledare) or DASH)),
    ]
    if data.handledare:
        rows.append(("Handledare", _t(", ".join(data.handledare))))
    rows += [
        ("Tid mot minimitiden", counted),
        ("Återstår till minimitiden", f"{sv_number(data.remaining_months)} mån"),
        (
            "Beräknat klar",
            f"<b>{sv_date(data.projected_completion)}</b>"
            if data.projected_completion
            else "Kan inte beräknas: inga placeringar är registrerade eller planerade.",
        ),
    ]
    if data.bt is not None:
        rows.append(("Bastjänstgöring (BT)", _bt_text(data.bt)))
    rows.append(
        (
            "Klar att ansöka om bevis om specialistkompetens",
            "<b>Ja</b>"
            if data.ready
            else f"<b>Nej</b>: {len(data.missing_items)} {plural(len(data.missing_items), 'punkt', 'punkter')} "
            "saknas (se Vad saknas nedan).",
        )
    )
    table = Table(
        [[Paragraph(k, st["key"]), Paragraph(v, st["value"])] for k, v in rows],
        colWidths=[52 * mm, WIDTH - 52 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    when = (
        f"Med registrerade och planerade placeringar nås minimitiden {sv_date(data.projected_completion)}."
        if data.projected_completion
        else ""
    )
    return [
        Paragraph("Översikt", st["h2"]),
        table,
        Spacer(1, 6),
        _progress_bar(data),
        Paragraph(
            f"Tjänstgöring omräknad till heltid plus tillgodoräknanden, räknat per {sv_date(data.as_of)} enligt "
            f"{_t(data.regulation)}. Ledighet som inte räknas är avdragen; deltid räknas i proportion. {when}",
            st["small"],
        ),
    ]


def _bt_text(bt: BTSummary) -> str:
    if bt.approved_date is not None:
        verdict = f"<b>Godkänd</b> av Socialstyrelsen {sv_date(bt.approved_date)}."
    elif bt.ready_for_application:
        verdict = "<b>Klar</b>: ansök om intyg om godkänd bastjänstgöring."
    else:
        verdict = "<b>Inte godkänd ännu.</b>"
    credited = f", varav tillgodoräknat {sv_number(bt.credited_months)} mån" if bt.credited_months else ""
    return (
        f"{verdict} BT-tid {months_of(bt.months, bt.required_months)}{credited} (primärvård "
        f"{months_of(bt.primary_care_months, bt.required_primary)}, akut sjukvård "
        f"{months_of(bt.acute_care_months, bt.required_acute)}); BT-delmål {bt.delmal_done} av "
        f"{bt.delmal_total} uppfyllda."
    )


def _progress_bar(data: ReportData) -> Drawing:
    """Counted months against the minimum as one bar."""
    h = 12
    share = min(Fraction(1), data.counted_months / data.required_months) if data.required_months else Fraction(0)
    label = f"{sv_number(100 * share, 0)} % av minimitiden"
    bar_w = WIDTH - pdfmetrics.stringWidth(label, FONT, 7.5) - 6
    d = Drawing(WIDTH, h + 4)
    d.add(Rect(0, 2, bar_w, h, fillColor=colors.HexColor("#E6EBF1"), strokeColor=None))
    if share > 0:
        d.add(Rect(0, 2, bar_w * float(share), h, fillColor=ACCENT, strokeColor=None))
    d.add(String(WIDTH, 5, label, fontName=FONT, fontSize=7.5, fillColor=MUTED, textAnchor="end"))
    return d


def _timeline_section(data: ReportData, st: dict[str, ParagraphStyle]) -> list[Any]:
    head = Paragraph("Tidslinje", st["h2"])
    if not data.periods:
        return [head, Paragraph("Inga placeringar eller ledigheter är registrerade ännu.", st["body"])]
    return [
        KeepTogether(
            [
                head,
                timeline_drawing(data.periods, data.as_of, data.projected_completion, WIDTH),
                Paragraph(_timeline_caption(data), st["small"]),
            ]
        )
    ]


def _timeline_caption(data: ReportData) -> str:
    kinds = [k for k in ("AT", "BT", "ST") if any(p.kind == k for p in data.periods)]
    text = ""
    if kinds:
        names = " och ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
        text = (
            f"Överst {'perioden' if len(kinds) == 1 else 'perioderna'} {names} (från den första till den sista "
            "placeringen av varje slag), därunder placeringarna efter typ av tjänstgöring och ledigheterna. "
        )
    text += (
        "Ljusare färg = deltid (omfattningen står i stapeln när den får plats); streckad kant = planerat, efter "
        "rapportdagen. Den prickade linjen är rapportdagen"
    )
    return text + (", den streckade beräknat klar." if data.projected_completion else ".")


def _blend(c: colors.Color, share: float) -> colors.Color:
    """``c`` mixed with white: ``share`` 1 is the colour itself, 0 is white."""
    return colors.Color(c.red * share + (1 - share), c.green * share + (1 - share), c.blue * share + (1 - share))


def _phases(periods: Sequence[Period]) -> list[Period]:
    out = []
    for kind in ("AT", "BT", "ST"):
        mine = [p for p in periods if p.kind == kind]
        if mine:
            out.append(Period(kind, PHASE_LABELS[kind], min(p.start for p in mine), max(p.end for p in mine), 100.0))
    return out


def timeline_drawing(periods: Sequence[Period], as_of: date, projected: date | None, width: float) -> Drawing:
    """Lanes of bars over the years: the AT/BT/ST periods, then placements by setting, then leave."""
    phases = _phases(periods)
    placements = sorted((p for p in periods if p.kind != LEAVE), key=lambda p: (p.start, p.lane))
    leave = sorted((p for p in periods if p.kind == LEAVE), key=lambda p: (p.start, p.lane))
    lanes: list[tuple[str, bool]] = [(p.lane, True) for p in phases]
    for p in [*placements, *leave]:
        if (p.lane, False) not in lanes:
            lanes.append((p.lane, False))

    first = min(p.start for p in periods)
    last = max([p.end for p in periods] + [as_of] + ([projected] if projected else []))
    t0, t1 = date(first.year, 1, 1), date(last.year + 1, 1, 1)
    span = (t1 - t0).days

    label_w, lane_h, pitch, top, axis_h, legend_h = 92.0, 11.0, 16.0, 22.0, 16.0, 16.0
    x0, x1 = label_w, width - 4
    height = top + pitch * len(lanes) + axis_h + legend_h
    d = Drawing(width, height)

    def x(day: date) -> float:
        return x0 + (x1 - x0) * (day - t0).days / span

    def lane_y(i: int) -> float:  # the bottom of lane i's bar
        return height - top - pitch * (i + 1) + (pitch - lane_h) / 2

    grid_bottom = height - top - pitch * len(lanes)
    years = t1.year - t0.year
    step = max(1, math.ceil(years / 12))
    for year in range(t0.year, t1.year + 1):
        gx = x(date(year, 1, 1))
        d.add(Line(gx, grid_bottom, gx, height - top, strokeColor=RULE, strokeWidth=0.4))
        if year < t1.year and (year - t0.year) % step == 0:
            mid = x(date(year, 7, 1))
            d.add(
                String(
                    mid, grid_bottom - 10, str(year), fontName=FONT, fontSize=7, fillColor=MUTED, textAnchor="middle"
                )
            )
    d.add(Line(x0, grid_bottom, x1, grid_bottom, strokeColor=MUTED, strokeWidth=0.6))

    for i, (label, is_phase) in enumerate(lanes):
        y = lane_y(i)
        d.add(
            String(
                0,
                y + 2.5,
                printable(label),
                fontName=BOLD if is_phase else FONT,
                fontSize=7.5,
                fillColor=INK,
            )
        )
        for p in phases if is_phase else [*placements, *leave]:
            if p.lane == label:
                _bar(d, p, y, lane_h, x, as_of)

    _marker(
        d, x(as_of), grid_bottom, height - top + 2, f"Rapportdag {sv_date(as_of)}", [1, 1.5], INK, height - 9, x0, x1
    )
    if projected is not None and projected <= t1:
        _marker(
            d,
            x(projected),
            grid_bottom,
            height - top + 2,
            f"Beräknat klar {sv_date(projected)}",
            [3, 2],
            KIND_COLOURS["ST"],
            height - 18,
            x0,
            x1,
        )

    # The legend: the kinds shown, then how planned periods look.
    lx, ly = x0, 3.0
    kinds = [k for k in ("AT", "BT", "ST", LEAVE) if any(p.kind == k for p in periods)]
    for k in kinds:
        d.add(Rect(lx, ly, 9, 7, fillColor=KIND_COLOURS[k], strokeColor=None))
        d.add(String(lx + 12, ly + 1, KIND_LEGEND[k], fontName=FONT, fontSize=7, fillColor=INK))
        lx += 20 + pdfmetrics.stringWidth(KIND_LEGEND[k], FONT, 7)
    if any(p.end > as_of for p in periods):
        d.add(
            Rect(
                lx,
                ly,
                9,
                7,
                fillColor=_blend(KIND_COLOURS["ST"], 0.35),
                strokeColor=KIND_COLOURS["ST"],
                strokeWidth=0.6,
                strokeDashArray=[1.5, 1],
            )
        )
        d.add(String(lx + 12, ly + 1, "Planerat", fontName=FONT, fontSize=7, fillColor=INK))
        lx += 20 + pdfmetrics.stringWidth("Planerat", FONT, 7)
    if any(p.percent < 100 for p in periods):
        d.add(Rect(lx, ly, 9, 7, fillColor=_blend(KIND_COLOURS["ST"], 0.55), strokeColor=None))
        d.add(String(lx + 12, ly + 1, "Deltid", fontName=FONT, fontSize=7, fillColor=INK))
    return d


def _bar(d: Drawing, p: Period, y: float, h: float, x: Any, as_of: date) -> None:
    """One period: the part up to the report's date solid, the part after it (planned) lighter and dashed."""
    colour = KIND_COLOURS.get(p.kind, KIND_COLOURS["ST"])
    strength = 0.45 + 0.55 * max(0.0, min(100.0, p.percent)) / 100
    parts = []
    if p.start <= as_of:
        parts.append((p.start, min(p.end, as_of), False))
    if p.end > as_of:
        parts.append((max(p.start, as_of + timedelta(days=1)), p.end, True))
    for start, end, planned in parts:
        left, right = x(start), x(end + timedelta(days=1))
        w = max(0.8, right - left)
        if planned:
            d.add(
                Rect(
                    left,
                    y,
                    w,
                    h,
                    fillColor=_blend(colour, strength * 0.45),
                    strokeColor=colour,
                    strokeWidth=0.6,
                    strokeDashArray=[1.5, 1],
                )
            )
        else:
            d.add(Rect(left, y, w, h, fillColor=_blend(colour, strength), strokeColor=colour, strokeWidth=0.3))
    if p.percent < 100:
        text = f"{sv_number(p.percent, 0)} %"
        left, right = x(p.start), x(p.end + timedelta(days=1))
        if right - left >= pdfmetrics.stringWidth(text, FONT, 6) + 4:
            d.add(String(left + 2, y + 3, text, fontName=FONT, fontSize=6, fillColor=INK))


def _marker(
    d: Drawing,
    mx: float,
    bottom: float,
    top: float,
    label: str,
    dash: list[float],
    colour: colors.Color,
    label_y: float,
    x0: float,
    x1: float,
) -> None:
    d.add(Line(mx, bottom, mx, top, strokeColor=colour, strokeWidth=0.8, strokeDashArray=dash))
    w = pdfmetrics.stringWidth(label, FONT, 7)
    anchor, at = "middle", mx
    if mx - w / 2 < x0:
        anchor, at = "start", max(0.0, mx - 2)
    elif mx + w / 2 > x1:
        anchor, at = "end", mx + 2
    d.add(String(at, label_y, label, fontName=FONT, fontSize=7, fillColor=colour, textAnchor=anchor))


def _delmal_section(data: ReportData, st: dict[str, ParagraphStyle]) -> list[Any]:
    out: list[Any] = [CondPageBreak(KEEP), Paragraph("Delmål", st["h2"])]
    if not data.delmal:
        return [*out, Paragraph("Ingen målbeskrivning hittades för specialiteten och regelverket.", st["body"])]
    out.append(
        Paragraph(
            "Uppfyllt = varje krävd utbildningsaktivitet har ett signerat intyg som anger delmålet. Pågår = något "
            "är registrerat men inte allt är signerat. Intyg som makulerats är inte med.",
            st["small"],
        )
    )
    groups = [
        ("ST-delmål", [r for r in data.delmal if not r.is_bt]),
        ("BT-delmål", [r for r in data.delmal if r.is_bt]),
    ]
    for heading, rows in groups:
        if not rows:
            continue
        done = sum(1 for r in rows if r.status == STATUS_UPPFYLLT)
        ongoing = sum(1 for r in rows if r.status == STATUS_PAGAR)
        waiting = len(rows) - done - ongoing
        summary = f"{done} av {len(rows)} uppfyllda, {ongoing} pågår, {waiting} ej {plural(waiting, 'påbörjat', 'påbörjade')}"
        out += [CondPageBreak(KEEP), Paragraph(f"{heading} ({summary})", st["h3"])]
        out.append(_delmal_table(rows, st))
    return out


def _certificate_line(c: CoveringCertificate) -> str:
    what = f"<b>{_t(c.type_label)}</b>"
    if c.title and c.title != c.type_label:
        what += f": {_t(c.title)}"
    if c.signed_date is not None and c.status_label == "Signerat":
        return f"{what} · signerat {sv_date(c.signed_date)}"
    return f"{what} · {_t(c.status_label.lower())}"


def _delmal_table(rows: Sequence[DelmalLine], st: dict[str, ParagraphStyle]) -> Table:
    widths = [15 * mm, 52 * mm, 20 * mm]
    widths.append(WIDTH - sum(widths))
    head = ["Delmål", "Rubrik", "Status", "Intyg som anger delmålet (typ, titel, signerat)"]
    body: list[list[Any]] = [[Paragraph(h, st["cell_head"]) for h in head]]
    style: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6EBF1")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, r in enumerate(rows, start=1):
        certs = "<br/>".join(_certificate_line(c) for c in r.certificates) or DASH
        body.append(
            [
                Paragraph(f"<b>{_t(r.code)}</b>", st["cell"]),
                Paragraph(_t(r.title), st["cell"]),
                Paragraph(STATUS_WORDS.get(r.status, _t(r.status)), st["cell"]),
                Paragraph(certs, st["cell"]),
            ]
        )
        style.append(("BACKGROUND", (2, i), (2, i), STATUS_COLOURS.get(r.status, colors.white)))
    table = Table(body, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _list_section(heading: str, items: Sequence[str], empty: str, st: dict[str, ParagraphStyle]) -> list[Any]:
    out: list[Any] = [CondPageBreak(KEEP), Paragraph(_t(heading), st["h2"])]
    if not items:
        return [*out, Paragraph(_t(empty), st["body"])]
    return out + [Paragraph(_t(text), st["bullet"], bulletText="•") for text in items]
