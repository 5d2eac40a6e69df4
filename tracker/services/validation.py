"""Validation of the input of writes (pandera schemas), reported as ``InputError`` with every problem."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import pandera.pandas as pa

from tracker.domain import (
    ACTIVITY_TYPES,
    BT_PARTS,
    CREDIT_KINDS,
    CREDIT_TARGETS,
    LEAVE_KINDS,
    PLACEMENT_KINDS,
    ROLES,
    SETTINGS,
    SUPERVISION_KINDS,
    UNIT_KINDS,
    sv_date,
)
from tracker.errors import FieldError, InputError
from tracker.ingest.checks import (
    CONTROL_MSG,
    CONTROL_RE,
    DATE_RANGE_MSG,
    EMAIL_RE,
    ID_RE,
    MAX_TEXT,
    date_in_range,
    errors_from,
)
from tracker.personal import (
    PERSONNUMMER_PROBLEMS,
    PHONE_MSG,
    POSTAL_CODE_MSG,
    personnummer_problem,
    phone_error,
    postal_code_error,
)
from tracker.rules.facts import MAX_CREDIT_MONTHS
from tracker.rules.numbers import sv_number


def _check(column: str, message: str, fn: Any, *, element_wise: bool = True) -> pa.Check:
    return pa.Check(fn, element_wise=element_wise, ignore_na=False, error=f"{column}|{message}")


def _end_not_before_start(df: pd.DataFrame) -> pd.Series:
    both = df["start_date"].notna() & df["end_date"].notna()
    return ~both | (df["end_date"] >= df["start_date"])


def _end_not_before_start_check() -> pa.Check:
    return pa.Check(_end_not_before_start, error="end_date|slutdatum ligger före startdatum")


def _is_date(v: object) -> bool:
    return isinstance(v, date)


def _date_in_range(v: object) -> bool:
    """A date within EARLIEST_DATE..LATEST_DATE; anything else is for the column's own check."""
    if isinstance(v, datetime):
        v = v.date()
    return not isinstance(v, date) or date_in_range(v)


def _no_control_characters(v: object) -> bool:
    return not isinstance(v, str) or re.search(CONTROL_RE, v) is None


def _col(column: str, message: str, fn: Any, *more: pa.Check) -> pa.Column:
    """A column of one write's input; nulls reach the checks (which decide whether they are allowed)."""
    return pa.Column(object, nullable=True, checks=[_check(column, message, fn), *more])


def _date_col(column: str, message: str, fn: Any) -> pa.Column:
    return _col(column, message, fn, _check(column, DATE_RANGE_MSG, _date_in_range))


def _text_col(column: str, message: str, fn: Any) -> pa.Column:
    return _col(column, message, fn, _check(column, CONTROL_MSG, _no_control_characters))


def _percent_ok(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 1 <= float(v) <= 100 and round(v, 2) == v


def _period_schema(
    kinds: Sequence[str],
    kind_msg: str,
    extra: Mapping[str, pa.Column] | None = None,
    checks: Sequence[pa.Check] = (),
) -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {
        "kind": _col("kind", kind_msg, lambda v: v in kinds),
        "start_date": _date_col("start_date", "ange ett startdatum", _is_date),
        "end_date": _date_col("end_date", "ange ett slutdatum", _is_date),
        "percent": _col("percent", "ska vara mellan 1 och 100 procent, med högst två decimaler", _percent_ok),
    }
    cols.update(extra or {})
    return pa.DataFrameSchema(
        cols,
        checks=[_end_not_before_start_check(), *checks],
        coerce=False,
    )


def _bt_part_only_for_bt(df: pd.DataFrame) -> pd.Series:
    return df["bt_part"].isna() | (df["kind"] == "BT")


PLACEMENT_INPUT = _period_schema(
    PLACEMENT_KINDS,
    "okänd tjänstgöringstyp (AT, BT eller ST)",
    {
        "setting": _col("setting", "okänd verksamhet", lambda v: v in SETTINGS),
        "workplace": _text_col(
            "workplace",
            f"högst {MAX_TEXT['workplace']} tecken",
            lambda v: isinstance(v, str) and len(v) <= MAX_TEXT["workplace"],
        ),
        "bt_part": _col("bt_part", "okänd BT-del (primärvård, akut sjukvård eller annan)", lambda v: v is None or v in BT_PARTS),
    },
    [pa.Check(_bt_part_only_for_bt, error="bt_part|BT-del anges bara för BT-placeringar")],
)
LEAVE_INPUT = _period_schema(LEAVE_KINDS, "okänd typ av ledighet")


def _credit_months_ok(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 0 < float(v) <= MAX_CREDIT_MONTHS


CREDIT_INPUT = pa.DataFrameSchema(
    {
        "kind": _col("kind", "okänd typ av tillgodoräknande", lambda v: v in CREDIT_KINDS),
        "months": _col(
            "months",
            f"ska vara större än 0 och högst {sv_number(MAX_CREDIT_MONTHS)} månader",
            _credit_months_ok,
            # hundredths of a month (judged only for a number in range, which has its own message)
            _check("months", "högst två decimaler", lambda v: not _credit_months_ok(v) or round(v, 2) == v),
        ),
        "note": _text_col(
            "note", f"högst {MAX_TEXT['note']} tecken", lambda v: isinstance(v, str) and len(v) <= MAX_TEXT["note"]
        ),
        "applies_to": _col("applies_to", "ska vara ST eller BT", lambda v: v in CREDIT_TARGETS),
    },
    coerce=False,
)
CERTIFICATE_INPUT = pa.DataFrameSchema(
    {
        "type": _col("type", "okänd intygstyp", lambda v: v in ACTIVITY_TYPES),
        "title": _text_col(
            "title", "ange en rubrik (högst 200 tecken)", lambda v: isinstance(v, str) and 0 < len(v.strip()) <= 200
        ),
        "start_date": _date_col("start_date", "ogiltigt datum", lambda v: v is None or _is_date(v)),
        "end_date": _date_col("end_date", "ogiltigt datum", lambda v: v is None or _is_date(v)),
    },
    checks=[_end_not_before_start_check()],
    coerce=False,
)


def validate_input(schema: pa.DataFrameSchema, label: str, values: Mapping[str, Any]) -> None:
    """One form's values against its schema; InputError with a FieldError per problem."""
    frame = pd.DataFrame([dict(values)], dtype=object)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise InputError([FieldError(e.column, e.message) for e in errors_from(label, exc)]) from None


# --- ST-intressenter: registration and inskrivning ---------------------------------------------


def _email_ok(v: object) -> bool:
    return isinstance(v, str) and len(v) <= MAX_TEXT["email"] and re.fullmatch(EMAIL_RE, v) is not None


def _bool_ok(v: object) -> bool:
    return isinstance(v, bool)


def _past_date(column: str, message: str, *, optional: bool, today: date) -> pa.Column:
    """A date that is not after ``today`` (None allowed when ``optional``)."""

    def ok(v: object) -> bool:
        if v is None:
            return optional
        day = v.date() if isinstance(v, datetime) else v
        return isinstance(day, date) and day <= today

    return _date_col(column, message, ok)


def _st_start_not_before_legitimation(today: date) -> pa.Check:
    """ST begins after legitimation (judged only for a valid legitimation date, which has its own check)."""

    def ok(df: pd.DataFrame) -> pd.Series:
        legitimation = df["legitimation_date"].map(lambda v: v if _is_date(v) and v <= today else None)
        both = df["st_start_date"].map(_is_date) & legitimation.notna()
        return ~both | (df["st_start_date"] >= legitimation)

    return pa.Check(ok, error="st_start_date|ST kan inte börja före legitimationen")


def intressent_input(
    *,
    specialties: Collection[str],
    units: Collection[str],
    open_emails: Collection[str],
    trainee_emails: Collection[str],
    today: date,
) -> pa.DataFrameSchema:
    """A new ST-intressent: ``specialties`` of the catalogue, ``units`` in the actor's scope, and the
    (lower-case) addresses already used by an open intressent, or by an ST-läkare or a person with a role or
    a supervision outside the actor's area (inskrivning would otherwise join the new trainee to the account
    of someone the actor does not administer)."""
    known, scoped = set(specialties), set(units)
    taken, enrolled = {e.lower() for e in open_emails}, {e.lower() for e in trainee_emails}
    return pa.DataFrameSchema(
        {
            "name": _text_col(
                "name",
                f"ange namnet (högst {MAX_TEXT['name']} tecken)",
                lambda v: isinstance(v, str) and 0 < len(v.strip()) <= MAX_TEXT["name"],
            ),
            "email": _col(
                "email",
                "ange en e-postadress av formen namn@exempel.se",
                _email_ok,
                _check("email", CONTROL_MSG, _no_control_characters),
                _check(
                    "email",
                    "en ST-intressent med den e-postadressen finns redan i kön",
                    lambda v: not _email_ok(v) or v.lower() not in taken,
                ),
                _check(
                    "email",
                    "e-postadressen tillhör redan en ST-läkare eller en person med en roll utanför ditt område; "
                    "ange ST-intressentens egen adress",
                    lambda v: not _email_ok(v) or v.lower() not in enrolled,
                ),
            ),
            "specialty": _col("specialty", "välj en specialitet ur målbeskrivningarna", lambda v: v in known),
            "unit_id": _col("unit_id", "välj en enhet inom ditt ansvarsområde", lambda v: v in scoped),
            "legitimation_date": _past_date(
                "legitimation_date", "legitimationsdatumet kan inte ligga i framtiden", optional=True, today=today
            ),
            "swedish_at": _col("swedish_at", "ange ja eller nej", _bool_ok),
            "language_ok": _col("language_ok", "ange ja eller nej", _bool_ok),
            "note": _text_col(
                "note", f"högst {MAX_TEXT['note']} tecken", lambda v: isinstance(v, str) and len(v) <= MAX_TEXT["note"]
            ),
            "reported_date": _past_date(
                "reported_date", "anmälningsdatumet kan inte ligga i framtiden", optional=False, today=today
            ),
        },
        coerce=False,
    )


def enrolment_input(
    *, units: Collection[str], handledare: Collection[str] | None, today: date
) -> pa.DataFrameSchema:
    """Inskrivning of an ST-intressent: ``units`` in the actor's scope, ``handledare`` the person ids who
    may become huvudhandledare at the chosen unit (None when the unit is not valid: not judged then)."""
    scoped, eligible = set(units), None if handledare is None else set(handledare)
    return pa.DataFrameSchema(
        {
            "st_start_date": _date_col("st_start_date", "ange datum för ST-start", _is_date),
            "contract_date": _past_date(
                "contract_date",
                "ange datum då ST-kontraktet skrevs under (inte i framtiden)",
                optional=False,
                today=today,
            ),
            "document": _text_col(
                "document", "högst 200 tecken", lambda v: isinstance(v, str) and len(v) <= 200
            ),
            "unit_id": _col("unit_id", "välj en enhet inom ditt ansvarsområde", lambda v: v in scoped),
            "huvudhandledare_id": _col(
                "huvudhandledare_id",
                "välj en huvudhandledare med rollen handledare inom enhetens område",
                lambda v: eligible is None or v in eligible,
            ),
            "legitimation_date": _past_date(
                "legitimation_date",
                "ange legitimationsdatum (ST förutsätter legitimation; inte i framtiden)",
                optional=False,
                today=today,
            ),
        },
        checks=[_st_start_not_before_legitimation(today)],
        coerce=False,
    )


# --- units, people, roles and supervision (tracker.services.people) ------------------------------

REGION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$"
# Roles a form may give; an ST-läkare is a trainee record (inskrivning or import), not a role to hand out.
FORM_ROLES: tuple[str, ...] = ("handledare", "studierektor", "verksamhetschef", "admin")


def _text_of(longest: int) -> Any:
    """A required text (not only spaces) of at most ``longest`` characters."""
    return lambda v: isinstance(v, str) and 0 < len(v.strip()) <= longest


def _matches(pattern: str) -> Any:
    return lambda v: isinstance(v, str) and re.match(pattern, v) is not None


REGION_INPUT = pa.DataFrameSchema(
    {
        "region_id": _col(
            "region_id", "id:t ska vara 1–40 tecken: bokstäver a–z, siffror, punkt, bindestreck eller understreck",
            _matches(REGION_ID_PATTERN),
        ),
        "name": _text_col("name", "ange ett namn (högst 100 tecken)", _text_of(100)),
    },
    coerce=False,
)
UNIT_INPUT = pa.DataFrameSchema(
    {
        "unit_id": _col(
            "unit_id", "id:t ska vara 1–60 tecken: bokstäver a–z, siffror, punkt, bindestreck eller understreck",
            _matches(ID_RE),
        ),
        "name": _text_col("name", f"ange ett namn (högst {MAX_TEXT['name']} tecken)", _text_of(MAX_TEXT["name"])),
        "region_id": _col("region_id", "välj en region", _text_of(40)),
        "area": _text_col("area", f"ange ett område (högst {MAX_TEXT['area']} tecken)", _text_of(MAX_TEXT["area"])),
        "kind": _col("kind", "okänd enhetstyp (vårdcentral, klinik eller annan)", lambda v: v in UNIT_KINDS),
    },
    coerce=False,
)
PERSON_INPUT = pa.DataFrameSchema(
    {
        "name": _text_col("name", f"ange ett namn (högst {MAX_TEXT['name']} tecken)", _text_of(MAX_TEXT["name"])),
        "email": _col(
            "email",
            f"ange en giltig e-postadress (t.ex. namn@region.se, högst {MAX_TEXT['email']} tecken)",
            lambda v: _matches(EMAIL_RE)(v) and len(v) <= MAX_TEXT["email"],
            _check("email", CONTROL_MSG, _no_control_characters),
        ),
    },
    coerce=False,
)


def _studierektor_has_scope(df: pd.DataFrame) -> pd.Series:
    return (df["role"] != "studierektor") | df["region_id"].notna() | df["area"].notna()


def _verksamhetschef_has_unit(df: pd.DataFrame) -> pd.Series:
    return (df["role"] != "verksamhetschef") | df["unit_id"].notna()


def _optional_text(longest: int) -> Any:
    return lambda v: v is None or _text_of(longest)(v)


ROLE_INPUT = pa.DataFrameSchema(
    {
        "role": _col("role", "okänd roll", lambda v: v in ROLES),
        "region_id": _col("region_id", "okänd region", _optional_text(40)),
        "area": _text_col("area", f"högst {MAX_TEXT['area']} tecken", _optional_text(MAX_TEXT["area"])),
        "unit_id": _col("unit_id", "okänd enhet", _optional_text(60)),
    },
    checks=[
        pa.Check(_studierektor_has_scope, error="region_id|en studierektor behöver en region eller ett område"),
        pa.Check(_verksamhetschef_has_unit, error="unit_id|en verksamhetschef behöver en enhet"),
    ],
    coerce=False,
)
SUPERVISION_INPUT = pa.DataFrameSchema(
    {
        "kind": _col(
            "kind", "okänd typ av handledarskap (huvudhandledare eller handledare)", lambda v: v in SUPERVISION_KINDS
        ),
        "start_date": _date_col("start_date", "ange ett startdatum", _is_date),
        "end_date": _date_col("end_date", "ogiltigt datum", lambda v: v is None or _is_date(v)),
    },
    checks=[_end_not_before_start_check()],
    coerce=False,
)
SUPERVISION_END_INPUT = pa.DataFrameSchema(
    {
        "start_date": _date_col("start_date", "ange ett startdatum", _is_date),
        "end_date": _date_col("end_date", "ange ett slutdatum", _is_date),
    },
    checks=[_end_not_before_start_check()],
    coerce=False,
)


# --- personal details for Socialstyrelsen's forms (tracker.services.personal) ---------------------

# The longest text of each free-text personal field (as the CHECKs of migration m007).
PERSONAL_TEXT: dict[str, int] = {
    "street_address": 200,
    "postal_town": 100,
    "lakarexamen_country": 100,
    "legitimation_country": 100,
}


def _optional(error: Any) -> Any:
    """None, or a text ``error`` (a function giving the problem or None) has nothing against."""
    return lambda v: v is None or (isinstance(v, str) and error(v) is None)


def _personnummer_col(today: date) -> pa.Column:
    """The personnummer, None allowed: one check per problem ``personnummer_problem`` names (each with its
    own message); a value that is no text has the first (its format)."""
    first, *rest = PERSONNUMMER_PROBLEMS
    return _col(
        "personnummer",
        first,
        lambda v: v is None or (isinstance(v, str) and personnummer_problem(v, today) != first),
        *(
            _check("personnummer", m, lambda v, m=m: not isinstance(v, str) or personnummer_problem(v, today) != m)
            for m in rest
        ),
    )


def personal_input(*, today: date, legitimation_date: date | None) -> pa.DataFrameSchema:
    """A trainee's personal details (every field may be empty, None): the personnummer with a valid date of
    birth (not in the future) and control digit, the postal code as 'NNN NN' (normalised first), telephones
    of digits, spaces, hyphens and a leading +, and a läkarexamen not in the future nor after the
    legitimation."""
    cols: dict[str, pa.Column] = {
        "personnummer": _personnummer_col(today),
        "postal_code": _col("postal_code", POSTAL_CODE_MSG, _optional(postal_code_error)),
        "lakarexamen_date": _past_date(
            "lakarexamen_date", "datumet för läkarexamen kan inte ligga i framtiden", optional=True, today=today
        ),
    }
    for phone in ("phone_home", "phone_mobile", "phone_work"):
        cols[phone] = _col(phone, PHONE_MSG, _optional(phone_error))
    for name, longest in PERSONAL_TEXT.items():
        cols[name] = _text_col(
            name, f"högst {longest} tecken", lambda v, n=longest: v is None or (isinstance(v, str) and 0 < len(v) <= n)
        )

    checks: list[pa.Check] = []
    if legitimation_date is not None:
        legitimation = legitimation_date

        def examen_before_legitimation(df: pd.DataFrame) -> pd.Series:
            # judged only for a date not in the future, which has its own message
            return df["lakarexamen_date"].map(lambda v: not _is_date(v) or v > today or v <= legitimation)

        checks.append(
            pa.Check(
                examen_before_legitimation,
                error="lakarexamen_date|läkarexamen kan inte ligga efter legitimationen "
                f"({sv_date(legitimation)})",
            )
        )
    return pa.DataFrameSchema(cols, checks=checks, coerce=False)
