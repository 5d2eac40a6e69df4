"""pandera schemas for every table that enters the system, and their row-level error report.

Validation runs in two stages (see TECH-NOTES.md 4.3-4.4): first every cell as text (present,
parseable, in its vocabulary), then the typed frame with cross-field and cross-table checks.
Error texts are Swedish and say what is wrong; a check's ``error`` is "column|message" so that
frame-wide checks can still name the column the person must fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

import pandas as pd
import pandera.pandas as pa

from tracker.domain import (
    ACTIVITY_TYPES,
    BT_PARTS,
    CERTIFICATE_STATUSES,
    CREDIT_KINDS,
    CREDIT_TARGETS,
    EARLIEST_DATE,
    LATEST_DATE,
    LEAVE_KINDS,
    PLACEMENT_KINDS,
    REGULATIONS,
    ROLES,
    SETTINGS,
    SUPERVISION_KINDS,
    UNIT_KINDS,
)
from tracker.errors import RowError
from tracker.personal import PERSONNUMMER_PROBLEMS, personnummer_problem
from tracker.rules.facts import MAX_CREDIT_MONTHS
from tracker.rules.numbers import sv_number

ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,59}$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
DELMAL_RE = re.compile(r"^(a|b|c|STa|STb|STc|BT)([1-9]\d?)$")
# C0 and C1 control characters (NUL, tab, line breaks, escape, ...) and DEL: never part of a value.
# Control characters, and the invisible ones that reorder or hide text (zero-width, bidi overrides).
CONTROL_RE = r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
CONTROL_MSG = "värdet innehåller otillåtna tecken (styrtecken)"
DATE_RANGE_MSG = f"datumet ska ligga mellan {EARLIEST_DATE.isoformat()} och {LATEST_DATE.isoformat()}"
# The longest text each free-text column may hold (ids are bounded by ID_RE).
MAX_TEXT: dict[str, int] = {
    "name": 200,
    "specialty": 200,
    "workplace": 200,
    "title": 200,  # as in the app's forms, so that an imported title can be edited there
    "note": 1000,
    "signed_by": 200,
    "region": 100,
    "area": 100,
    "email": 320,
    "signer_email": 320,
}
EMAIL_RE = r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$"
# Roles a bundle may give (people.csv); an ST-läkare is a trainee of trainees.csv with an e-mail address.
BUNDLE_ROLES: tuple[str, ...] = tuple(r for r in ROLES if r != "st_lakare")


COLUMNS: dict[str, tuple[str, ...]] = {
    "trainees.csv": (
        "trainee_id",
        "name",
        "specialty",
        "legitimation_date",
        "swedish_at",
        "st_start_date",
        "regulation",
        "doktorsexamen",
        "bt_approved_date",
    ),
    "placements.csv": ("trainee_id", "kind", "setting", "workplace", "start_date", "end_date", "percent"),
    "leave.csv": ("trainee_id", "kind", "start_date", "end_date", "percent"),
    "credits.csv": ("trainee_id", "kind", "months", "note"),
    "certificates.csv": (
        "certificate_id",
        "trainee_id",
        "type",
        "delmal",
        "title",
        "start_date",
        "end_date",
        "signed_by",
        "signed_date",
    ),
    "units.csv": ("unit_id", "name", "region", "area", "kind"),
    "people.csv": ("email", "name", "roles"),
    "supervision.csv": ("trainee_id", "email", "role", "start_date", "end_date"),
}
# Columns a file may have besides COLUMNS; a bundle without them imports as before.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "trainees.csv": ("unit_id", "email", "personnummer"),
    "placements.csv": ("bt_part",),  # empty: from the setting (RULES 4)
    "credits.csv": ("applies_to",),  # empty: ST
    "certificates.csv": ("status", "signer_email"),  # empty status: from signed_date
    "people.csv": ("unit_id", "region", "area"),
}
# Dates that may be left empty, per file (every other date column needs a value).
OPTIONAL_DATES: dict[str, tuple[str, ...]] = {
    "trainees.csv": ("legitimation_date", "bt_approved_date"),
    "certificates.csv": ("start_date", "end_date", "signed_date"),
    "supervision.csv": ("end_date",),
}


def _parse_date(v: str) -> date | None:
    if not re.match(DATE_RE, v):
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


def _valid_date(v: str) -> bool:
    return _parse_date(v) is not None


def date_in_range(v: date) -> bool:
    """Whether a date lies within EARLIEST_DATE..LATEST_DATE."""
    return EARLIEST_DATE <= v <= LATEST_DATE


def _date_in_range_or_unreadable(v: str) -> bool:
    parsed = _parse_date(v)
    return parsed is None or date_in_range(parsed)  # an unreadable date has its own error


def _is_number(v: str) -> bool:
    try:
        float(v.replace(",", "."))
    except ValueError:
        return False
    return True


def _percent(v: str) -> bool:
    return _is_number(v) and 1 <= float(v.replace(",", ".")) <= 100


def _cell(
    pred: Callable[[str], bool], column: str, message: str, *, optional: bool = False
) -> pa.Check:
    def check(v: str) -> bool:
        return (optional and v == "") or pred(v)

    return pa.Check(check, element_wise=True, error=f"{column}|{message}")


def _vocab(values: Iterable[str]) -> str:
    return ", ".join(values)


def _delmal_list(v: str) -> bool:
    return all(DELMAL_RE.match(code.strip()) for code in v.split(";") if code.strip())


def _max_length(column: str, limit: int) -> pa.Check:
    return pa.Check(lambda s: s.str.len() <= limit, error=f"{column}|högst {limit} tecken")


def _months(v: str) -> bool:
    return _is_number(v) and 0 < float(v.replace(",", ".")) <= MAX_CREDIT_MONTHS


def _two_decimals(v: str) -> bool:
    """At most two decimals; a value that is no plain positive number has its own error."""
    if not re.match(r"^\s*\d+([.,]\d+)?\s*$", v):
        return True
    return bool(re.match(r"^\s*\d+([.,]\d{0,2})?\s*$", v))


def control_character_errors(file: str, df: pd.DataFrame) -> list[RowError]:
    """A row error for every cell (of any column) holding a control character such as NUL.

    The line is the frame's index + 2, as in ``errors_from``.
    """
    errors: list[RowError] = []
    for col in df.columns:
        hits = df[col].astype(str).str.contains(CONTROL_RE, regex=True)
        errors.extend(RowError(file, int(idx) + 2, str(col), CONTROL_MSG) for idx in hits.index[hits.to_numpy()])
    return errors


def _personnummer_cells(today: date) -> list[pa.Check]:
    """The app's rule for a personnummer (``personnummer_problem``): one check per problem, with its message."""

    def problem(message: str) -> pa.Check:
        return _cell(lambda v: personnummer_problem(v, today) != message, "personnummer", message, optional=True)

    return [problem(m) for m in PERSONNUMMER_PROBLEMS]


def raw_schema(file: str, *, today: date | None = None) -> pa.DataFrameSchema:
    """Stage 1: every cell is text; checks say whether it can be read at all. ``today`` (default: today)
    is the day a personnummer's date of birth may not lie after."""
    day = today or date.today()
    date_msg = "datum ska skrivas ÅÅÅÅ-MM-DD (t.ex. 2024-03-01)"
    need = "värde saknas"
    bool_msg = "ska vara true eller false"
    cols: dict[str, list[pa.Check]] = {
        "trainee_id": [_cell(lambda v: bool(re.match(ID_RE, v)), "trainee_id", "id saknas eller har otillåtna tecken")],
        "certificate_id": [
            _cell(lambda v: bool(re.match(ID_RE, v)), "certificate_id", "id saknas eller har otillåtna tecken")
        ],
        "name": [_cell(lambda v: v.strip() != "", "name", need)],
        "specialty": [_cell(lambda v: v.strip() != "", "specialty", need)],
        "swedish_at": [_cell(lambda v: v.lower() in ("true", "false"), "swedish_at", bool_msg)],
        "doktorsexamen": [_cell(lambda v: v.lower() in ("true", "false"), "doktorsexamen", bool_msg)],
        "regulation": [
            _cell(lambda v: v in REGULATIONS, "regulation", f"okänt regelverk; tillåtna: {_vocab(REGULATIONS)}",
                  optional=True)
        ],
        "setting": [_cell(lambda v: v in SETTINGS, "setting", f"okänd miljö; tillåtna: {_vocab(SETTINGS)}")],
        "percent": [
            _cell(_percent, "percent", "ska vara ett tal mellan 1 och 100"),
            _cell(_two_decimals, "percent", "högst två decimaler (t.ex. 62,5)"),
        ],
        "months": [
            _cell(_months, "months", f"ska vara ett tal större än 0 och högst {sv_number(MAX_CREDIT_MONTHS)} (månader)"),
            _cell(_two_decimals, "months", "högst två decimaler (t.ex. 2,5 eller 0,25 månader)"),
        ],
        "bt_part": [
            _cell(lambda v: v in BT_PARTS, "bt_part", f"okänd BT-del; tillåtna: {_vocab(BT_PARTS)}", optional=True)
        ],
        "applies_to": [
            _cell(lambda v: v in CREDIT_TARGETS, "applies_to", f"ska vara {' eller '.join(CREDIT_TARGETS)}",
                  optional=True)
        ],
        "unit_id": [
            _cell(lambda v: bool(re.match(ID_RE, v)), "unit_id", "id saknas, har otillåtna tecken eller är för långt",
                  optional=file != "units.csv")
        ],
        "delmal": [_cell(_delmal_list, "delmal", "delmålskoder skrivs t.ex. STa1;STb3;STc12 eller a1;c3")],
        "personnummer": _personnummer_cells(day),
        "status": [
            _cell(lambda v: v in CERTIFICATE_STATUSES, "status", f"okänd status; tillåtna: {_vocab(CERTIFICATE_STATUSES)}",
                  optional=True)
        ],
        "roles": [
            _cell(lambda v: all(r.strip() in BUNDLE_ROLES for r in v.split(";") if r.strip()), "roles",
                  f"okänd roll; tillåtna (åtskilda med ;): {_vocab(BUNDLE_ROLES)}")
        ],
        "role": [
            _cell(lambda v: v in SUPERVISION_KINDS, "role", f"okänd handledarroll; tillåtna: {_vocab(SUPERVISION_KINDS)}")
        ],
        "region": [_cell(lambda v: v.strip() != "", "region", need, optional=file == "people.csv")],
        "area": [_cell(lambda v: v.strip() != "", "area", need, optional=file == "people.csv")],
    }
    email_optional = file != "people.csv" and file != "supervision.csv"
    cols["email"] = [_cell(lambda v: bool(re.match(EMAIL_RE, v)), "email", "ogiltig e-postadress", optional=email_optional)]
    cols["signer_email"] = [
        _cell(lambda v: bool(re.match(EMAIL_RE, v)), "signer_email", "ogiltig e-postadress", optional=True)
    ]
    kinds = {
        "placements.csv": PLACEMENT_KINDS,
        "leave.csv": LEAVE_KINDS,
        "credits.csv": CREDIT_KINDS,
        "units.csv": UNIT_KINDS,
    }
    columns: dict[str, pa.Column] = {}
    optional = set(OPTIONAL_COLUMNS.get(file, ()))
    for col in COLUMNS[file] + OPTIONAL_COLUMNS.get(file, ()):
        checks = list(cols.get(col, []))
        if col == "kind":
            allowed: tuple[str, ...] = kinds[file]
            checks.append(_cell(allowed.__contains__, "kind", f"okänd typ; tillåtna: {_vocab(allowed)}"))
        if col == "type":
            checks.append(
                _cell(lambda v: v in ACTIVITY_TYPES, "type", f"okänd intygstyp; tillåtna: {_vocab(ACTIVITY_TYPES)}")
            )
        if col.endswith("_date"):
            checks.append(_cell(_valid_date, col, date_msg, optional=col in OPTIONAL_DATES.get(file, ())))
            checks.append(_cell(_date_in_range_or_unreadable, col, DATE_RANGE_MSG))
        if col in MAX_TEXT:
            checks.append(_max_length(col, MAX_TEXT[col]))
        columns[col] = pa.Column(str, checks=checks, nullable=False, required=col not in optional)
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


def _end_after_start(df: pd.DataFrame) -> pd.Series:
    both = df["start_date"].notna() & df["end_date"].notna()
    return ~both | (df["end_date"] >= df["start_date"])


def typed_schema(
    file: str,
    *,
    known_trainees: set[str],
    known_specialty: Callable[[str], bool],
    codes_for: Callable[[str], set[str] | None],
) -> pa.DataFrameSchema:
    """Stage 2: typed values, cross-field checks and references to other tables.

    ``codes_for(trainee_id)`` gives the delmål codes that exist for that trainee (its specialty and
    regulation, plus BT under HSLF-FS 2021:8), or None when the trainee is unknown.
    """
    checks: list[pa.Check] = []
    columns: dict[str, pa.Column] = {}
    if "trainee_id" in COLUMNS[file] and file != "trainees.csv":
        columns["trainee_id"] = pa.Column(
            str,
            pa.Check(
                lambda v: v in known_trainees,
                element_wise=True,
                error="trainee_id|okänd ST-läkare: finns varken i trainees.csv eller i databasen",
            ),
        )
    if file == "trainees.csv":
        columns["trainee_id"] = pa.Column(
            str, pa.Check(lambda s: ~s.duplicated(keep="first"), error="trainee_id|id förekommer mer än en gång")
        )
        columns["specialty"] = pa.Column(
            str,
            pa.Check(known_specialty, element_wise=True, error="specialty|okänd specialitet (se målbeskrivningarna)"),
        )
        checks.append(
            pa.Check(
                lambda df: df["legitimation_date"].isna() | df["bt_approved_date"].isna()
                | (df["bt_approved_date"] >= df["legitimation_date"]),
                error="bt_approved_date|godkänd BT kan inte ligga före legitimationsdatum",
            )
        )
    if file == "certificates.csv":
        columns["certificate_id"] = pa.Column(
            str, pa.Check(lambda s: ~s.duplicated(keep="first"), error="certificate_id|id förekommer mer än en gång")
        )

        def codes_exist(df: pd.DataFrame) -> pd.Series:
            def ok(row: pd.Series) -> bool:
                known = codes_for(row["trainee_id"])
                return known is None or all(c in known for c in row["delmal"])

            return df.apply(ok, axis=1).astype(bool)

        checks.append(
            pa.Check(codes_exist, error="delmal|delmålskod finns inte i ST-läkarens målbeskrivning")
        )
        checks.append(
            pa.Check(
                lambda df: df["signed_date"].isna() | (df["signed_by"] != ""),
                error="signed_by|signerat intyg måste ange vem som signerat",
            )
        )
    if file == "units.csv":
        columns["unit_id"] = pa.Column(
            str, pa.Check(lambda s: ~s.duplicated(keep="first"), error="unit_id|id förekommer mer än en gång")
        )
    if file == "supervision.csv":
        checks.append(
            pa.Check(
                lambda df: ~pd.concat([df[["trainee_id", "role", "start_date"]], df["email"].str.lower()], axis=1)
                .duplicated(keep="first"),
                error="start_date|samma handledarskap (ST-läkare, person, roll och startdatum) står på en tidigare rad",
            )
        )
    if file == "people.csv":
        checks.append(
            pa.Check(
                lambda df: ~df["roles"].map(lambda r: "verksamhetschef" in r) | (df["unit_id"] != ""),
                error="unit_id|en verksamhetschef ska ha en enhet (unit_id)",
            )
        )
        checks.append(
            pa.Check(
                lambda df: ~df["roles"].map(lambda r: "studierektor" in r) | (df["region"] != ""),
                error="region|en studierektor ska ha en region (och, för ett område, area)",
            )
        )
    if file == "certificates.csv":
        checks.append(
            pa.Check(
                lambda df: (df["status"] == "makulerat") | (df["status"] == "")
                | ((df["status"] == "signerat") == df["signed_date"].notna()),
                error="status|ett signerat intyg har signed_date, andra intyg (utom makulerade) har det inte",
            )
        )
        checks.append(
            pa.Check(
                lambda df: (df["status"] != "skickat") | (df["signer_email"] != ""),
                error="signer_email|ett skickat intyg ska ange vem det är skickat till (signer_email)",
            )
        )
    if file == "placements.csv":
        checks.append(
            pa.Check(
                lambda df: df["bt_part"].isna() | (df["kind"] == "BT"),
                error="bt_part|BT-del anges bara för BT-placeringar",
            )
        )
    if {"start_date", "end_date"} <= set(COLUMNS[file]):
        checks.append(pa.Check(_end_after_start, error="end_date|slutdatum ligger före startdatum"))
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


def errors_from(file: str, exc: pa.errors.SchemaErrors, lines: pd.Series | None = None) -> list[RowError]:
    """Turn pandera's failure cases into one RowError per (line, column, message).

    The CSV line is the frame's index + 2 (header = line 1) unless ``lines`` maps index to line.
    """
    out: set[RowError] = set()
    fc = exc.failure_cases
    for rec in fc.to_dict("records"):
        check = str(rec.get("check"))
        column = rec.get("column")
        idx = rec.get("index")
        if check == "column_in_dataframe":
            out.add(RowError(file, 1, str(rec.get("failure_case")), "kolumnen saknas i rubrikraden"))
            continue
        col, _, message = check.partition("|")
        if not message:
            col, message = str(column), check
        if idx is None or (isinstance(idx, float) and pd.isna(idx)):
            out.add(RowError(file, 1, col, message))
            continue
        line = int(lines[idx]) if lines is not None else int(idx) + 2
        out.add(RowError(file, line, col, message))
    return sorted(out)
