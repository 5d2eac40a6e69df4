"""Validating a bundle read as text: the pandera stages of ``checks`` (raw text, then typed rows against the
catalogue and the known trainees), then the rules that need the database.

An import is unrestricted (an administrator, or the command line run by the operator of the database
file) or limited to a set of units (a studierektor's area): then every trainee the bundle names must
belong to one of those units, and a new trainee must name one in ``unit_id``. A trainee or certificate
entered in the app may only be repeated unchanged, and a signed (or voided) certificate is locked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import pandera.pandas as pa

from tracker.domain import REG_2021, Credit, Trainee
from tracker.errors import RowError
from tracker.ingest.checks import (
    OPTIONAL_COLUMNS,
    control_character_errors,
    errors_from,
    raw_schema,
    typed_schema,
)
from tracker.personal import PERSONNUMMER_TAKEN_MSG, normalise_personnummer
from tracker.rules.credits import credit_error
from tracker.rules.reference import resolve_regulation
from tracker.store import Connection, catalogue
from tracker.store.connection import reading

OUTSIDE_SCOPE = "ST-läkaren tillhör en enhet utanför ditt område"
UNIT_REQUIRED = "ange unit_id: en enhet i ditt område"
NO_UNIT = "ST-läkaren har ingen enhet ännu; en administratör kopplar den till en enhet först"
UNIT_OUTSIDE_SCOPE = "enheten ligger utanför ditt område"
UNKNOWN_UNIT = "okänd enhet: finns varken i units.csv eller i databasen"
APP_TRAINEE = "ST-läkaren är registrerad i appen och ändras där, inte genom import"
APP_CERTIFICATE = "intyget är registrerat i appen och ändras där, inte genom import"
LOCKED_CERTIFICATE = "intyget är redan signerat (eller makulerat) i databasen och kan inte ändras"
OTHER_OWNER = "intyget finns redan för en annan ST-läkare"
SENT_CERTIFICATE = "intyget är skickat för signering i appen och ändras där, inte genom import"
MAX_REPORTED_ERRORS = 1000
CHUNK_ROWS = 10_000
TOO_MANY_ERRORS = (
    "mer än {n} fel: rapporten visar de första; rätta dem och kontrollera filen igen "
    "(raderna härifrån är inte kontrollerade)"
)


def owned_by_app(source: str) -> bool:
    """Whether a record belongs to the app (entered there, or demo data that stands for such entries):
    an import may repeat it unchanged but never change it."""
    return source != "import"


# An imported certificate that the trainee has sent for signature (or got back) belongs to the app's
# sign-off workflow from then on: only the addressee signs it.
IN_WORKFLOW = ("skickat", "returnerat")


def records_of(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts keyed by column name."""
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def _to_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.where(s != ""), format="%Y-%m-%d", errors="coerce").dt.date


def _typed(file: str, df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in OPTIONAL_COLUMNS.get(file, ()):
        if col not in out:
            out[col] = ""
    for col in out.columns:
        if col.endswith("_date"):
            out[col] = _to_date(out[col]).astype(object).where(out[col] != "", None)
    if "percent" in out:
        out["percent"] = out["percent"].str.replace(",", ".").astype(float)
    if "months" in out:
        out["months"] = out["months"].str.replace(",", ".").astype(float)
    for col in ("swedish_at", "doktorsexamen"):
        if col in out:
            out[col] = out[col].str.lower() == "true"
    for col in ("delmal", "roles"):
        if col in out:
            out[col] = out[col].map(lambda v: tuple(c.strip() for c in v.split(";") if c.strip()))
    for col in ("email", "signer_email"):
        if col in out:
            out[col] = out[col].str.strip()
    if file == "placements.csv":
        out["bt_part"] = pd.Series([v or None for v in out["bt_part"]], index=out.index, dtype=object)
    if file == "credits.csv":
        out["applies_to"] = out["applies_to"].where(out["applies_to"] != "", "ST")
    return out


@dataclass(frozen=True)
class _DbTrainee:
    """A trainee in the database: the domain record, the columns an import writes and who owns the row."""

    trainee: Trainee
    values: dict[str, Any]  # the columns an import writes (see trainee_values)
    source: str


TRAINEE_FIELDS = (
    "name",
    "specialty",
    "legitimation_date",
    "swedish_at",
    "st_start_date",
    "regulation_choice",
    "doktorsexamen",
    "bt_approved_date",
    "unit_id",
)


def db_trainees(cur: duckdb.DuckDBPyConnection) -> dict[str, _DbTrainee]:
    """Every trainee in the database by id."""
    from tracker.store.records import TRAINEE_COLUMNS, trainee_from_row

    out: dict[str, _DbTrainee] = {}
    for r in cur.execute(f"SELECT {TRAINEE_COLUMNS}, {', '.join(TRAINEE_FIELDS)}, source FROM trainee").fetchall():
        values = dict(zip(TRAINEE_FIELDS, r[9:18], strict=True))
        values["swedish_at"] = bool(values["swedish_at"])
        values["doktorsexamen"] = bool(values["doktorsexamen"])
        out[str(r[0])] = _DbTrainee(trainee_from_row(r[:9]), values, str(r[18]))
    return out


def trainee_values(r: Mapping[str, Any], unit_id: str | None) -> dict[str, Any]:
    """A trainees.csv row (typed) as the trainee columns an import writes."""
    return {
        "name": r["name"],
        "specialty": r["specialty"],
        "legitimation_date": r["legitimation_date"],
        "swedish_at": bool(r["swedish_at"]),
        "st_start_date": r["st_start_date"],
        "regulation_choice": r["regulation"] or None,
        "doktorsexamen": bool(r["doktorsexamen"]),
        "bt_approved_date": r["bt_approved_date"],
        "unit_id": unit_id,
    }


def given_unit(r: Mapping[str, Any]) -> str:
    """The row's unit_id, or '' when the bundle leaves it out."""
    value = r.get("unit_id")
    return value if isinstance(value, str) else ""


def _trainee_errors(
    df: pd.DataFrame | None,
    db: Mapping[str, _DbTrainee],
    units: set[str],
    scope: frozenset[str] | None,
) -> list[RowError]:
    """trainees.csv rows against the database: unit_id, the importer's scope and records owned by the app."""
    if df is None or df.empty:
        return []
    file = "trainees.csv"
    errors: list[RowError] = []
    for idx, r in zip(df.index, records_of(df), strict=True):
        line = int(idx) + 2
        given = given_unit(r)
        existing = db.get(r["trainee_id"])
        if given and given not in units:
            errors.append(RowError(file, line, "unit_id", UNKNOWN_UNIT))
        if scope is not None:
            if existing is not None and existing.values["unit_id"] not in scope:
                message = OUTSIDE_SCOPE if existing.values["unit_id"] else NO_UNIT
                errors.append(RowError(file, line, "trainee_id", message))
                continue
            if existing is None and not given:
                errors.append(RowError(file, line, "unit_id", UNIT_REQUIRED))
            if given and given in units and given not in scope:
                errors.append(RowError(file, line, "unit_id", UNIT_OUTSIDE_SCOPE))
        if existing is not None and owned_by_app(existing.source):
            if trainee_values(r, given or existing.values["unit_id"]) != existing.values:
                errors.append(RowError(file, line, "trainee_id", APP_TRAINEE))
    return errors


@dataclass(frozen=True)
class Organisation:
    """Units, regions and people in the database, as a bundle's rows are matched against them."""

    units: dict[str, tuple[str, str]]  # unit_id -> (region_id, area)
    regions: dict[str, str]  # region id or name, casefolded -> region_id
    people: dict[str, tuple[str, str]]  # e-mail, lower case -> (person_id, name)
    trainee_emails: dict[str, str]  # trainee_id -> the linked person's e-mail, lower case
    email_trainee: dict[str, str]  # e-mail, lower case -> trainee_id of that person

    def region_id(self, value: str) -> str:
        """The region a bundle's ``region`` names (its id or name); an unknown one becomes a new id."""
        return self.regions.get(value.strip().casefold(), value.strip())


def db_organisation(cur: duckdb.DuckDBPyConnection) -> Organisation:
    regions: dict[str, str] = {}
    for rid, name in cur.execute("SELECT region_id, name FROM region").fetchall():
        regions[str(name).casefold()] = str(rid)
        regions[str(rid).casefold()] = str(rid)
    linked = cur.execute(
        "SELECT t.trainee_id, lower(p.email) FROM trainee t JOIN person p USING (person_id) WHERE p.email IS NOT NULL"
    ).fetchall()
    return Organisation(
        units={str(u): (str(r), str(a)) for u, r, a in cur.execute("SELECT unit_id, region_id, area FROM unit").fetchall()},
        regions=regions,
        people={
            str(e).lower(): (str(p), str(n))
            for p, n, e in cur.execute("SELECT person_id, name, email FROM person WHERE email IS NOT NULL").fetchall()
        },
        trainee_emails={str(t): str(e) for t, e in linked},
        email_trainee={str(e): str(t) for t, e in linked},
    )


OUTSIDE_AREA = "enheten ligger utanför ditt område"
ADMIN_ROLES = "bara en administratör ger rollerna studierektor och admin"
UNKNOWN_PERSON = "okänd person: e-postadressen finns varken i people.csv, i trainees.csv eller i databasen"
NAME_DIFFERS = "samma e-postadress har ett annat namn på en tidigare rad"
RENAME_IN_APP = "personen finns redan med ett annat namn; en administratör ändrar namnet"
EMAIL_OF_OTHER_TRAINEE = "e-postadressen tillhör en annan ST-läkare"
EMAIL_TWICE = "e-postadressen förekommer för mer än en ST-läkare"
OTHER_ACCOUNT = "ST-läkaren har redan ett konto med en annan e-postadress; den ändras i appen"
PERSONNUMMER_TWICE = "personnumret står redan på en tidigare rad för en annan person"


def _organisation_errors(
    typed: Mapping[str, pd.DataFrame],
    org: Organisation,
    scope: frozenset[str] | None,
    new_unit_ok: Callable[[str, str], bool] | None,
) -> tuple[list[RowError], set[str], set[str]]:
    """units.csv, people.csv, supervision.csv and the e-mail addresses of trainees.csv and certificates.csv
    against the database and each other.

    Returns the errors, the unit ids the bundle adds and those of them inside a limited importer's area.
    """
    errors: list[RowError] = []
    bundle_units: set[str] = set()
    in_area: set[str] = set()

    def area_ok(region_id: str, area: str) -> bool:
        return new_unit_ok is not None and new_unit_ok(region_id, area)

    for idx, r in _rows(typed, "units.csv"):
        bundle_units.add(r["unit_id"])
        region_id = org.region_id(r["region"])
        if scope is None:
            continue
        old = org.units.get(r["unit_id"])
        if (old is not None and r["unit_id"] not in scope) or not area_ok(region_id, r["area"]):
            errors.append(RowError("units.csv", idx + 2, "unit_id", OUTSIDE_AREA))
        else:
            in_area.add(r["unit_id"])
    known_units = set(org.units) | bundle_units
    own_units = (scope | in_area) if scope is not None else None

    emails: set[str] = set(org.people)
    names: dict[str, str] = {}
    for idx, r in _rows(typed, "people.csv"):
        email = r["email"].lower()
        emails.add(email)
        line = idx + 2
        if names.setdefault(email, r["name"]) != r["name"]:
            errors.append(RowError("people.csv", line, "name", NAME_DIFFERS))
        known = org.people.get(email)
        if scope is not None and known is not None and known[1] != r["name"]:
            errors.append(RowError("people.csv", line, "name", RENAME_IN_APP))
        if r["unit_id"] and r["unit_id"] not in known_units:
            errors.append(RowError("people.csv", line, "unit_id", UNKNOWN_UNIT))
        if own_units is not None:
            if {"studierektor", "admin"} & set(r["roles"]):
                errors.append(RowError("people.csv", line, "roles", ADMIN_ROLES))
            if r["unit_id"] and r["unit_id"] in known_units and r["unit_id"] not in own_units:
                errors.append(RowError("people.csv", line, "unit_id", OUTSIDE_AREA))

    seen_emails: dict[str, str] = {}
    for idx, r in _rows(typed, "trainees.csv"):
        email = r["email"].lower()
        if not email:
            continue
        emails.add(email)
        line = idx + 2
        if seen_emails.setdefault(email, r["trainee_id"]) != r["trainee_id"]:
            errors.append(RowError("trainees.csv", line, "email", EMAIL_TWICE))
        owner = org.email_trainee.get(email)
        if owner is not None and owner != r["trainee_id"]:
            errors.append(RowError("trainees.csv", line, "email", EMAIL_OF_OTHER_TRAINEE))
        linked = org.trainee_emails.get(r["trainee_id"])
        if linked is not None and linked != email:
            errors.append(RowError("trainees.csv", line, "email", OTHER_ACCOUNT))

    for file, column in (("supervision.csv", "email"), ("certificates.csv", "signer_email")):
        for idx, r in _rows(typed, file):
            if r[column] and r[column].lower() not in emails:
                errors.append(RowError(file, idx + 2, column, UNKNOWN_PERSON))
    return errors, bundle_units, in_area


def _db_personnummer(cur: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None]]:
    """Every trainee in the database by id: (its person_id, its personnummer), either may be None."""
    rows = cur.execute(
        "SELECT t.trainee_id, t.person_id, tp.personnummer FROM trainee t LEFT JOIN trainee_personal tp USING (trainee_id)"
    ).fetchall()
    return {str(t): (p, n) for t, p, n in rows}


def _personnummer_errors(
    typed: Mapping[str, pd.DataFrame], db: Mapping[str, tuple[str | None, str | None]], org: Organisation
) -> list[RowError]:
    """A personnummer of trainees.csv that another person holds: in the database (as it is after the
    import) or on an earlier row. A record's person is its account, else the one its row's e-mail address
    gives (an existing person's or a new one); a record with neither counts as a person of its own. Only a
    new or changed number is judged; numbers are compared normalised."""
    rows = _rows(typed, "trainees.csv")
    emails = {r["trainee_id"]: r["email"].lower() for _, r in rows}

    def owner(trainee_id: str) -> str:
        person = db.get(trainee_id, (None, None))[0]
        if person is not None:
            return f"person:{person}"
        email = emails.get(trainee_id, "")
        if email:
            known = org.people.get(email)
            return f"person:{known[0]}" if known is not None else f"email:{email}"
        return f"trainee:{trainee_id}"

    given = {r["trainee_id"]: normalise_personnummer(r["personnummer"]) for _, r in rows if r["personnummer"]}
    kept: dict[str, set[str]] = {}  # the numbers the import leaves in the database -> their holders
    for tid, (_, stored) in db.items():
        if stored is not None and given.get(tid, normalise_personnummer(stored)) == normalise_personnummer(stored):
            kept.setdefault(normalise_personnummer(stored), set()).add(owner(tid))
    errors: list[RowError] = []
    earlier: dict[str, set[str]] = {}  # the new numbers of the rows above -> their holders
    for idx, r in rows:
        stored = db.get(r["trainee_id"], (None, None))[1]
        number = normalise_personnummer(r["personnummer"]) if r["personnummer"] else None
        if number is None or (stored is not None and normalise_personnummer(stored) == number):
            continue
        who = owner(r["trainee_id"])
        if kept.get(number, set()) - {who}:
            errors.append(RowError("trainees.csv", idx + 2, "personnummer", PERSONNUMMER_TAKEN_MSG))
        elif earlier.get(number, set()) - {who}:
            errors.append(RowError("trainees.csv", idx + 2, "personnummer", PERSONNUMMER_TWICE))
        earlier.setdefault(number, set()).add(who)
    return errors


def _rows(typed: Mapping[str, pd.DataFrame], file: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, row) of a typed file, or none when the bundle has no such file."""
    df = typed.get(file)
    if df is None:
        return []
    return [(int(i), r) for i, r in zip(df.index, records_of(df), strict=True)]


def _scope_errors(
    typed: Mapping[str, pd.DataFrame], db: Mapping[str, _DbTrainee], scope: frozenset[str] | None
) -> list[RowError]:
    """Rows of the other files about a trainee of a unit outside the importer's scope."""
    if scope is None:
        return []
    outside = {tid for tid, t in db.items() if t.values["unit_id"] not in scope}
    errors: list[RowError] = []
    for file, df in typed.items():
        if file == "trainees.csv" or "trainee_id" not in df:
            continue
        for idx, tid in df["trainee_id"].items():
            if tid in outside:
                errors.append(RowError(file, int(str(idx)) + 2, "trainee_id", OUTSIDE_SCOPE))
    return errors


def validate(
    con: Connection,
    frames: dict[str, pd.DataFrame],
    *,
    units: Collection[str] | None = None,
    new_unit_ok: Callable[[str, str], bool] | None = None,
    today: date | None = None,
) -> tuple[dict[str, pd.DataFrame], list[RowError]]:
    """Both stages over every file. Returns the typed frames (rows that passed) and every error.

    ``units`` limits the import to trainees of those units (a studierektor's area); None is unrestricted.
    A limited import may add units (units.csv) where ``new_unit_ok(region_id, area)`` says so. ``today``
    (default: today) is the day no personnummer's date of birth may lie after.
    """
    scope = frozenset(units) if units is not None else None
    errors: list[RowError] = []
    typed: dict[str, pd.DataFrame] = {}
    for file, df in frames.items():
        schema = raw_schema(file, today=today)
        file_errors = control_character_errors(file, df)
        cut_short = False
        # In chunks, stopping once the report is full: a file of 200 000 bad rows must not keep the
        # server busy for a minute to list errors nobody reads past the first screens.
        for start in range(0, max(len(df), 1), CHUNK_ROWS):
            if len(file_errors) >= MAX_REPORTED_ERRORS:
                file_errors = sorted(set(file_errors))[:MAX_REPORTED_ERRORS]
                file_errors.append(RowError(file, start + 2, "-", TOO_MANY_ERRORS.format(n=MAX_REPORTED_ERRORS)))
                cut_short = True
                break
            try:
                schema.validate(df.iloc[start : start + CHUNK_ROWS], lazy=True)
            except pa.errors.SchemaErrors as exc:
                file_errors.extend(errors_from(file, exc))
            if any(e.line == 1 for e in file_errors):
                break
        errors.extend(file_errors)
        if cut_short or any(e.line == 1 for e in file_errors):
            continue  # a missing column, or a file whose every row could not be judged
        bad_index = {e.line - 2 for e in file_errors}
        typed[file] = _typed(file, df[~df.index.isin(bad_index)])

    catalogue.ensure_catalogue(con)
    canonical = {s.casefold(): s for s in catalogue.specialties(con)}
    if "trainees.csv" in typed:
        t = typed["trainees.csv"]
        t["specialty"] = t["specialty"].map(lambda v: canonical.get(v.casefold(), v))

    with reading(con) as cur:
        db = db_trainees(cur)
        existing_certificates = db_certificates(cur)
        org = db_organisation(cur)
        kept_credits = _kept_credits(cur)
        numbers = _db_personnummer(cur)
    bundle_trainees: dict[str, Trainee] = {}
    if "trainees.csv" in typed:
        for r in records_of(typed["trainees.csv"]):
            bundle_trainees[r["trainee_id"]] = Trainee(
                trainee_id=r["trainee_id"],
                name=r["name"],
                specialty=r["specialty"],
                st_start_date=r["st_start_date"],
                legitimation_date=r["legitimation_date"],
                swedish_at=r["swedish_at"],
                regulation_choice=r["regulation"] or None,
                doktorsexamen=r["doktorsexamen"],
                bt_approved_date=r["bt_approved_date"],
            )
    all_trainees = {**{tid: t.trainee for tid, t in db.items()}, **bundle_trainees}
    # Trainees whose rows were rejected in trainees.csv are still "known" for the other files,
    # so that one bad cell does not multiply into errors everywhere.
    raw_trainees = frames.get("trainees.csv")
    listed: set[str] = set(raw_trainees["trainee_id"]) if raw_trainees is not None and "trainee_id" in raw_trainees else set()
    known = set(all_trainees) | listed
    code_cache: dict[tuple[str, str], set[str]] = {}

    def codes_for(trainee_id: str) -> set[str] | None:
        tr = all_trainees.get(trainee_id)
        if tr is None:
            return None
        reg = resolve_regulation(tr)
        key = (reg, tr.specialty)
        if key not in code_cache:
            codes = {r.code for r in catalogue.requirements(con, reg, tr.specialty)}
            if reg == REG_2021:
                codes |= {r.code for r in catalogue.requirements(con, REG_2021, catalogue.BT_SPECIALTY)}
            code_cache[key] = codes
        return code_cache[key]

    for file, df in list(typed.items()):
        schema = typed_schema(
            file,
            known_trainees=known,
            known_specialty=lambda v: v in canonical.values(),
            codes_for=codes_for,
        )
        lines = pd.Series([i + 2 for i in df.index], index=df.index)
        try:
            schema.validate(df, lazy=True)
        except pa.errors.SchemaErrors as exc:
            errors.extend(errors_from(file, exc, lines))
    org_errors, bundle_units, in_area = _organisation_errors(typed, org, scope, new_unit_ok)
    errors.extend(org_errors)
    errors.extend(_personnummer_errors(typed, numbers, org))
    errors.extend(
        _trainee_errors(typed.get("trainees.csv"), db, set(org.units) | bundle_units, scope | in_area if scope is not None else None)
    )
    errors.extend(_scope_errors(typed, db, scope))
    errors.extend(_certificate_errors(existing_certificates, typed.get("certificates.csv")))
    errors.extend(_credit_errors(typed.get("credits.csv"), all_trainees, kept_credits))
    return typed, sorted(set(errors))


def _kept_credits(cur: duckdb.DuckDBPyConnection) -> dict[str, list[Credit]]:
    """The credits an import leaves in place (entered in the app), by trainee, in their order."""
    out: dict[str, list[Credit]] = {}
    for tid, kind, months, note, applies_to in cur.execute(
        "SELECT trainee_id, kind, months, note, applies_to FROM credit WHERE source <> 'import' ORDER BY credit_id"
    ).fetchall():
        out.setdefault(str(tid), []).append(Credit(kind, float(months), str(note), applies_to=applies_to))
    return out


def _credit_errors(
    df: pd.DataFrame | None, trainees: Mapping[str, Trainee], kept: Mapping[str, list[Credit]]
) -> list[RowError]:
    """credits.csv rows against RULES 2: a combination the trainee's regulation refuses, or a sum past its
    cap counting the trainee's credits entered in the app and the rows above in the file."""
    if df is None or df.empty:
        return []
    errors = []
    seen: dict[str, list[Credit]] = {}
    # A row identical to a credit entered in the app stands for it (the import adds nothing for it).
    in_app = {tid: list(rows) for tid, rows in kept.items()}
    for idx, r in zip(df.index, records_of(df), strict=True):
        trainee = trainees.get(r["trainee_id"])
        if trainee is None:
            continue  # an unknown trainee has its own error
        credit = Credit(r["kind"], float(r["months"]), r["note"], r["applies_to"])
        if credit in in_app.get(r["trainee_id"], []):
            in_app[r["trainee_id"]].remove(credit)
            continue
        earlier = seen.setdefault(r["trainee_id"], list(kept.get(r["trainee_id"], [])))
        refused = credit_error(resolve_regulation(trainee), r["trainee_id"], earlier, credit)
        if refused is not None:
            errors.append(RowError("credits.csv", int(idx) + 2, *refused))
        earlier.append(credit)
    return errors


def _cert_fingerprint(type_: str, delmal: Iterable[str], title: str, signed: date | None) -> str:
    return json.dumps([type_, sorted(delmal), title, signed.isoformat() if signed else None])


CERT_COMPARED = ("trainee_id", "type", "title", "start_date", "end_date", "signed_by", "signed_date", "delmal")


def db_certificates(cur: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Every certificate in the database by id: the compared columns (CERT_COMPARED), status and source."""
    rows = cur.execute(
        """SELECT c.certificate_id, c.trainee_id, c.type, c.title, c.start_date, c.end_date, c.signed_by,
                  c.signed_date, coalesce(list(cd.code ORDER BY cd.code) FILTER (WHERE cd.code IS NOT NULL), []),
                  c.status, c.source
           FROM certificate c LEFT JOIN certificate_delmal cd USING (certificate_id) GROUP BY ALL"""
    ).fetchall()
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        rec = dict(zip((*CERT_COMPARED, "status", "source"), r[1:], strict=True))
        rec["signed_by"] = rec["signed_by"] or None
        rec["delmal"] = list(rec["delmal"])
        out[str(r[0])] = rec
    return out


def certificate_values(r: Mapping[str, Any]) -> dict[str, Any]:
    """A certificates.csv row (typed) as the certificate columns an import writes."""
    return {
        "trainee_id": r["trainee_id"],
        "type": r["type"],
        "title": r["title"],
        "start_date": r["start_date"],
        "end_date": r["end_date"],
        "signed_by": r["signed_by"] or None,
        "signed_date": r["signed_date"],
        "delmal": sorted(set(r["delmal"])),
        "status": r.get("status") or ("signerat" if r["signed_date"] else "utkast"),
    }


def same_certificate(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether two certificates agree in every column an import compares (status aside)."""
    return all(old[k] == new[k] for k in CERT_COMPARED)


def _certificate_errors(existing: Mapping[str, Mapping[str, Any]], df: pd.DataFrame | None) -> list[RowError]:
    """A certificate belongs to one trainee; once signed (or voided) it is locked, and one entered in the
    app is changed there: an import may repeat such a certificate but not change it."""
    if df is None or df.empty:
        return []
    errors = []
    for idx, r in zip(df.index, records_of(df), strict=True):
        line = int(idx) + 2
        old = existing.get(r["certificate_id"])
        if old is None:
            continue
        if old["trainee_id"] != r["trainee_id"]:
            errors.append(RowError("certificates.csv", line, "trainee_id", OTHER_OWNER))
            continue
        if owned_by_app(old["source"]) or old["status"] in IN_WORKFLOW:
            if not same_certificate(old, certificate_values(r)):
                message = APP_CERTIFICATE if owned_by_app(old["source"]) else SENT_CERTIFICATE
                errors.append(RowError("certificates.csv", line, "certificate_id", message))
            continue
        if old["status"] in ("signerat", "makulerat") and _cert_fingerprint(
            old["type"], old["delmal"], old["title"], old["signed_date"]
        ) != _cert_fingerprint(r["type"], r["delmal"], r["title"], r["signed_date"]):
            errors.append(RowError("certificates.csv", line, "certificate_id", LOCKED_CERTIFICATE))
    return errors

