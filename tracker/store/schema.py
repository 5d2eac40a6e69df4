"""The database schema, as an ordered list of migrations (``MIGRATIONS``).

Each migration's DDL is frozen: vocabularies are written out as literals, never read from the live
domain tuples, so that a database created by an old version migrates to exactly what a new one is
created with. A new vocabulary value is a new migration (DuckDB cannot alter a CHECK: it rebuilds
the table). Nothing here imports the rest of the project.

Constraints are declared at creation because DuckDB cannot add CHECK or FOREIGN KEY later.
Parent tables (region, unit, person, trainee, certificate, intressent) are designed to stay stable;
status that evolves lives in leaf tables or in nullable columns.

DuckDB turns an update of a column that carries an index into delete + insert, and refuses that
while other rows reference the row. So a column that changes over a row's life on a referenced
table (trainee.unit_id, trainee.person_id, certificate.signer_person_id, intressent.trainee_id) is a plain
column whose reference (and, for trainee.person_id, uniqueness) the service layer checks, not a FOREIGN KEY
or UNIQUE.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

Step = Callable[[duckdb.DuckDBPyConnection], None]




def m001_core(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    cur.execute(
        """
        CREATE TABLE region (
            region_id VARCHAR PRIMARY KEY CHECK (length(region_id) BETWEEN 1 AND 40),
            name VARCHAR NOT NULL UNIQUE
        )"""
    )
    cur.execute(
        """
        CREATE TABLE unit (
            unit_id VARCHAR PRIMARY KEY CHECK (length(unit_id) BETWEEN 1 AND 60),
            name VARCHAR NOT NULL,
            region_id VARCHAR NOT NULL REFERENCES region (region_id),
            area VARCHAR NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ('vardcentral', 'klinik', 'annan')),
            st_approved BOOLEAN NOT NULL DEFAULT false,
            st_places INTEGER NOT NULL DEFAULT 0 CHECK (st_places >= 0)
        )"""
    )
    cur.execute(
        """
        CREATE TABLE person (
            person_id VARCHAR PRIMARY KEY CHECK (length(person_id) BETWEEN 1 AND 60),
            name VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
            email VARCHAR UNIQUE CHECK (email IS NULL OR email LIKE '%_@_%'),
            oidc_subject VARCHAR UNIQUE,
            password_hash VARCHAR,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TIMESTAMP,
            is_specialist BOOLEAN NOT NULL DEFAULT false
        )"""
    )
    cur.execute("CREATE SEQUENCE seq_role")
    cur.execute(
        """
        CREATE TABLE role_assignment (
            role_assignment_id BIGINT PRIMARY KEY DEFAULT nextval('seq_role'),
            person_id VARCHAR NOT NULL REFERENCES person (person_id),
            role VARCHAR NOT NULL CHECK (role IN ('st_lakare', 'handledare', 'studierektor', 'verksamhetschef', 'admin')),
            region_id VARCHAR REFERENCES region (region_id),
            area VARCHAR,
            unit_id VARCHAR REFERENCES unit (unit_id),
            UNIQUE (person_id, role, region_id, area, unit_id)
        )"""
    )
    cur.execute(
        """
        CREATE TABLE trainee (
            trainee_id VARCHAR PRIMARY KEY CHECK (length(trainee_id) BETWEEN 1 AND 60),
            person_id VARCHAR UNIQUE REFERENCES person (person_id),
            name VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
            specialty VARCHAR NOT NULL,
            legitimation_date DATE,
            swedish_at BOOLEAN NOT NULL DEFAULT false,
            st_start_date DATE NOT NULL,
            regulation_choice VARCHAR CHECK (regulation_choice IS NULL OR regulation_choice IN ('SOSFS 2015:8', 'HSLF-FS 2021:8')),
            doktorsexamen BOOLEAN NOT NULL DEFAULT false,
            bt_approved_date DATE,
            unit_id VARCHAR,  -- checked by the services (see the module docstring)
            source VARCHAR NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import', 'demo'))
        )"""
    )
    cur.execute("CREATE SEQUENCE seq_supervision")
    cur.execute(
        """
        CREATE TABLE supervision (
            supervision_id BIGINT PRIMARY KEY DEFAULT nextval('seq_supervision'),
            trainee_id VARCHAR NOT NULL REFERENCES trainee (trainee_id),
            person_id VARCHAR NOT NULL REFERENCES person (person_id),
            kind VARCHAR NOT NULL CHECK (kind IN ('huvudhandledare', 'handledare')),
            start_date DATE NOT NULL,
            end_date DATE,
            CHECK (end_date IS NULL OR end_date >= start_date)
        )"""
    )
    cur.execute("CREATE SEQUENCE seq_placement")
    cur.execute(
        """
        CREATE TABLE placement (
            placement_id BIGINT PRIMARY KEY DEFAULT nextval('seq_placement'),
            trainee_id VARCHAR NOT NULL REFERENCES trainee (trainee_id),
            kind VARCHAR NOT NULL CHECK (kind IN ('AT', 'BT', 'ST')),
            setting VARCHAR NOT NULL CHECK (setting IN ('primarvard', 'akutsjukvard', 'psykiatri', 'internmedicin', 'kirurgi', 'annan')),
            workplace VARCHAR NOT NULL DEFAULT '',
            unit_id VARCHAR REFERENCES unit (unit_id),
            start_date DATE NOT NULL,
            end_date DATE NOT NULL,
            percent DOUBLE NOT NULL CHECK (percent >= 1 AND percent <= 100),
            source VARCHAR NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import', 'demo')),
            CHECK (end_date >= start_date)
        )"""
    )
    cur.execute("CREATE SEQUENCE seq_leave")
    cur.execute(
        """
        CREATE TABLE leave (
            leave_id BIGINT PRIMARY KEY DEFAULT nextval('seq_leave'),
            trainee_id VARCHAR NOT NULL REFERENCES trainee (trainee_id),
            kind VARCHAR NOT NULL CHECK (kind IN ('foraldraledighet', 'sjukfranvaro', 'tjanstledighet')),
            start_date DATE NOT NULL,
            end_date DATE NOT NULL,
            percent DOUBLE NOT NULL CHECK (percent >= 1 AND percent <= 100),
            source VARCHAR NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import', 'demo')),
            CHECK (end_date >= start_date)
        )"""
    )
    cur.execute("CREATE SEQUENCE seq_credit")
    cur.execute(
        """
        CREATE TABLE credit (
            credit_id BIGINT PRIMARY KEY DEFAULT nextval('seq_credit'),
            trainee_id VARCHAR NOT NULL REFERENCES trainee (trainee_id),
            kind VARCHAR NOT NULL CHECK (kind IN ('tidigare_st', 'utlandstjanstgoring', 'doktorsexamen', 'annan')),
            months DOUBLE NOT NULL CHECK (months > 0 AND months <= 66),
            note VARCHAR NOT NULL DEFAULT '',
            source VARCHAR NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import', 'demo')),
            CHECK (kind <> 'tidigare_st' OR months <= 30)
        )"""
    )
    cur.execute(
        """
        CREATE TABLE certificate (
            certificate_id VARCHAR PRIMARY KEY CHECK (length(certificate_id) BETWEEN 1 AND 80),
            trainee_id VARCHAR NOT NULL REFERENCES trainee (trainee_id),
            type VARCHAR NOT NULL CHECK (type IN ('klinisk_tjanstgoring', 'auskultation', 'kurs', 'utvecklingsarbete', 'kvalitetsarbete', 'skriftligt_arbete', 'vetenskap', 'bt_delmal', 'sammankomst', 'ovrig_aktivitet', 'fullgjord_bt', 'baskompetens', 'fullgjord_st', 'specialistkompetens')),
            title VARCHAR NOT NULL DEFAULT '',
            start_date DATE,
            end_date DATE,
            status VARCHAR NOT NULL DEFAULT 'utkast' CHECK (status IN ('utkast', 'skickat', 'signerat', 'returnerat', 'makulerat')),
            signer_person_id VARCHAR,  -- checked by the services (see the module docstring)
            signed_by VARCHAR,
            signed_role VARCHAR,
            signed_date DATE,
            comment VARCHAR NOT NULL DEFAULT '',
            source VARCHAR NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import', 'demo')),
            CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
            CHECK ((status = 'signerat') = (signed_date IS NOT NULL) OR status = 'makulerat')
        )"""
    )
    cur.execute(
        """
        CREATE TABLE certificate_delmal (
            certificate_id VARCHAR NOT NULL REFERENCES certificate (certificate_id),
            code VARCHAR NOT NULL CHECK (regexp_matches(code, '^(a|b|c|STa|STb|STc|BT)[0-9]{1,2}$')),
            PRIMARY KEY (certificate_id, code)
        )"""
    )
    # The catalogue: one row per delmål that applies to a specialty under a regulation
    # (BT delmål under specialty ''), and the activity types each requires.
    cur.execute(
        """
        CREATE TABLE catalogue_specialty (
            name VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL CHECK (kind IN ('bas', 'gren', 'tillägg')),
            requires_bas VARCHAR NOT NULL DEFAULT ''
        )"""
    )
    cur.execute(
        """
        CREATE TABLE catalogue_delmal (
            regulation VARCHAR NOT NULL CHECK (regulation IN ('SOSFS 2015:8', 'HSLF-FS 2021:8')),
            specialty VARCHAR NOT NULL,
            code VARCHAR NOT NULL,
            grp VARCHAR NOT NULL,
            ordinal INTEGER NOT NULL,
            title VARCHAR NOT NULL,
            title_official BOOLEAN NOT NULL,
            verified BOOLEAN NOT NULL,
            PRIMARY KEY (regulation, specialty, code)
        )"""
    )
    cur.execute(
        """
        CREATE TABLE catalogue_requirement (
            regulation VARCHAR NOT NULL,
            specialty VARCHAR NOT NULL,
            code VARCHAR NOT NULL,
            req_group INTEGER NOT NULL,
            activity_type VARCHAR NOT NULL CHECK (activity_type IN ('klinisk_tjanstgoring', 'auskultation', 'kurs', 'utvecklingsarbete', 'kvalitetsarbete', 'skriftligt_arbete', 'vetenskap', 'bt_delmal', 'sammankomst', 'ovrig_aktivitet', 'fullgjord_bt', 'baskompetens', 'fullgjord_st', 'specialistkompetens')),
            PRIMARY KEY (regulation, specialty, code, req_group, activity_type)
        )"""
    )
    # ST-intressenter: the admission queue before a trainee record exists.
    cur.execute(
        """
        CREATE TABLE intressent (
            intressent_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
            email VARCHAR,
            specialty VARCHAR NOT NULL,
            unit_id VARCHAR NOT NULL REFERENCES unit (unit_id),
            legitimation_date DATE,
            swedish_at BOOLEAN NOT NULL DEFAULT false,
            language_ok BOOLEAN NOT NULL DEFAULT false,
            doc_anstallningsbevis BOOLEAN NOT NULL DEFAULT false,
            doc_cv BOOLEAN NOT NULL DEFAULT false,
            doc_personligt_brev BOOLEAN NOT NULL DEFAULT false,
            doc_legitimation BOOLEAN NOT NULL DEFAULT false,
            step VARCHAR NOT NULL CHECK (step IN ('intresse', 'dokument', 'bedomning', 'vantelista', 'inskriven', 'avslutad')),
            reported_date DATE NOT NULL,
            note VARCHAR NOT NULL DEFAULT '',
            trainee_id VARCHAR  -- checked by the services (see the module docstring)
        )"""
    )
    cur.execute(
        """
        CREATE TABLE intressent_step (
            intressent_id VARCHAR NOT NULL REFERENCES intressent (intressent_id),
            step VARCHAR NOT NULL CHECK (step IN ('intresse', 'dokument', 'bedomning', 'vantelista', 'inskriven', 'avslutad')),
            step_date DATE NOT NULL,
            by_person_id VARCHAR REFERENCES person (person_id),
            note VARCHAR NOT NULL DEFAULT '',
            PRIMARY KEY (intressent_id, step)
        )"""
    )
    cur.execute("CREATE SEQUENCE seq_audit")
    cur.execute(
        """
        CREATE TABLE audit_log (
            audit_id BIGINT PRIMARY KEY DEFAULT nextval('seq_audit'),
            logged_at TIMESTAMP NOT NULL,
            actor_person_id VARCHAR,
            action VARCHAR NOT NULL,
            entity VARCHAR NOT NULL,
            entity_id VARCHAR NOT NULL,
            trainee_id VARCHAR,
            before_json VARCHAR,
            after_json VARCHAR
        )"""
    )
    cur.execute("CREATE INDEX idx_placement_trainee ON placement (trainee_id)")
    cur.execute("CREATE INDEX idx_leave_trainee ON leave (trainee_id)")
    cur.execute("CREATE INDEX idx_certificate_trainee ON certificate (trainee_id)")


def m002_oidc_identities(cur: duckdb.DuckDBPyConnection) -> None:
    """Sign-in through an identity provider: a person is linked to the provider's stable subject once
    (insert-only, so that the referenced person row never changes), and a signed-out identity token is
    remembered until it expires, so that a copy of its cookie cannot sign in again."""
    cur.execute(
        """
        CREATE TABLE oidc_identity (
            subject VARCHAR PRIMARY KEY CHECK (length(subject) BETWEEN 3 AND 400),
            person_id VARCHAR NOT NULL UNIQUE REFERENCES person (person_id),
            linked_at TIMESTAMP NOT NULL,
            linked_by VARCHAR NOT NULL CHECK (linked_by IN ('verified_email', 'admin'))
        )"""
    )
    cur.execute(
        """
        CREATE TABLE oidc_signed_out (
            token_fingerprint VARCHAR PRIMARY KEY,
            person_id VARCHAR,
            signed_out_at TIMESTAMP NOT NULL
        )"""
    )



def m003_catalogue_texts(cur: duckdb.DuckDBPyConnection) -> None:
    """The catalogue's texts live with its codes, so that replacing the catalogue replaces everything
    the pages show: each delmål's kompetenskrav, utbildningsaktiviteter and allmänna råd, in order."""
    cur.execute(
        """
        CREATE TABLE catalogue_text (
            regulation VARCHAR NOT NULL,
            specialty VARCHAR NOT NULL,
            code VARCHAR NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ('kompetenskrav', 'aktivitet', 'rad')),
            ordinal INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            PRIMARY KEY (regulation, specialty, code, kind, ordinal)
        )"""
    )


def m004_catalogue_doubts(cur: duckdb.DuckDBPyConnection) -> None:
    """What the catalogue says is not to be trusted, replaced together with the catalogue: a delmål's
    doubt (why its requirements are in doubt, in Swedish; '' when they are not) and the målbeskrivningar
    marked unreliable, with why. A database whose catalogue was loaded before this migration is left a
    note in ``meta``, so that the bundled catalogue's markings are written for the delmål it holds
    (``tracker.store.catalogue.ensure_catalogue``)."""
    cur.execute("ALTER TABLE catalogue_delmal ADD COLUMN doubt VARCHAR NOT NULL DEFAULT ''")
    cur.execute(
        """
        CREATE TABLE catalogue_unreliable (
            regulation VARCHAR NOT NULL CHECK (regulation IN ('SOSFS 2015:8', 'HSLF-FS 2021:8')),
            specialty VARCHAR NOT NULL,
            reason VARCHAR NOT NULL CHECK (length(trim(reason)) > 0),
            PRIMARY KEY (regulation, specialty)
        )"""
    )
    cur.execute(
        "INSERT INTO meta SELECT 'catalogue_markings', 'pending' WHERE EXISTS (SELECT 1 FROM catalogue_delmal)"
    )


def _rebuild(cur: duckdb.DuckDBPyConnection, table: str, ddl: str, columns: str, select: str) -> None:
    """Recreate ``table`` with new DDL and its rows (``select`` over the old rows as ``old``)."""
    cur.execute(f"CREATE TEMP TABLE old_{table} AS SELECT * FROM {table}")
    cur.execute(f"DROP TABLE {table}")
    cur.execute(ddl)
    cur.execute(f"INSERT INTO {table} ({columns}) SELECT {select} FROM old_{table} AS old")
    cur.execute(f"DROP TABLE old_{table}")


def m005_rules_round_2(cur: duckdb.DuckDBPyConnection) -> None:
    """Rules round 2: a BT placement may record its BT part (NULL: from its setting);
    a credit records what it counts toward (ST, or BT under HSLF-FS 2021:8) and is given in hundredths
    of a month; a certificate may be the bevis om specialistkompetens in a basspecialitet."""
    _rebuild(
        cur,
        "placement",
        """
        CREATE TABLE placement (
            placement_id BIGINT PRIMARY KEY DEFAULT nextval('seq_placement'),
            trainee_id VARCHAR NOT NULL REFERENCES trainee (trainee_id),
            kind VARCHAR NOT NULL CHECK (kind IN ('AT', 'BT', 'ST')),
            setting VARCHAR NOT NULL CHECK (setting IN ('primarvard', 'akutsjukvard', 'psykiatri', 'internmedicin', 'kirurgi', 'annan')),
            workplace VARCHAR NOT NULL DEFAULT '',
            unit_id VARCHAR REFERENCES unit (unit_id),
            start_date DATE NOT NULL,
            end_date DATE NOT NULL,
            percent DOUBLE NOT NULL CHECK (percent >= 1 AND percent <= 100),
            source VARCHAR NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import', 'demo')),
            bt_part VARCHAR CHECK (bt_part IN ('primarvard', 'akut_sjukvard', 'annan')),
            CHECK (end_date >= start_date),
            CHECK (bt_part IS NULL OR kind = 'BT')  -- NULL: from the setting (RULES 4)
        )""",
        "placement_id, trainee_id, kind, setting, workplace, unit_id, start_date, end_date, percent, source, bt_part",
        "placement_id, trainee_id, kind, setting, workplace, unit_id, start_date, end_date, percent, source, NULL",
    )
    _rebuild(
        cur,
        "credit",
        """
        CREATE TABLE credit (
            credit_id BIGINT PRIMARY KEY DEFAULT nextval('seq_credit'),
            trainee_id VARCHAR NOT NULL REFERENCES trainee (trainee_id),
            kind VARCHAR NOT NULL CHECK (kind IN ('tidigare_st', 'utlandstjanstgoring', 'doktorsexamen', 'annan')),
            months DOUBLE NOT NULL CHECK (months > 0 AND months <= 66 AND round(months, 2) = months),
            note VARCHAR NOT NULL DEFAULT '',
            source VARCHAR NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import', 'demo')),
            applies_to VARCHAR NOT NULL DEFAULT 'ST' CHECK (applies_to IN ('ST', 'BT')),
            CHECK (kind <> 'tidigare_st' OR months <= 30)
        )""",
        "credit_id, trainee_id, kind, months, note, source, applies_to",
        "credit_id, trainee_id, kind, round(months, 2), note, source, 'ST'",
    )
    cur.execute("CREATE TEMP TABLE old_certificate_delmal AS SELECT * FROM certificate_delmal")
    cur.execute("DROP TABLE certificate_delmal")
    _rebuild(
        cur,
        "certificate",
        """
        CREATE TABLE certificate (
            certificate_id VARCHAR PRIMARY KEY CHECK (length(certificate_id) BETWEEN 1 AND 80),
            trainee_id VARCHAR NOT NULL REFERENCES trainee (trainee_id),
            type VARCHAR NOT NULL CHECK (type IN ('klinisk_tjanstgoring', 'auskultation', 'kurs', 'utvecklingsarbete', 'kvalitetsarbete', 'skriftligt_arbete', 'vetenskap', 'bt_delmal', 'sammankomst', 'ovrig_aktivitet', 'fullgjord_bt', 'baskompetens', 'fullgjord_st', 'specialistkompetens', 'bevis_bas')),
            title VARCHAR NOT NULL DEFAULT '',
            start_date DATE,
            end_date DATE,
            status VARCHAR NOT NULL DEFAULT 'utkast' CHECK (status IN ('utkast', 'skickat', 'signerat', 'returnerat', 'makulerat')),
            signer_person_id VARCHAR,  -- checked by the services (see the module docstring)
            signed_by VARCHAR,
            signed_role VARCHAR,
            signed_date DATE,
            comment VARCHAR NOT NULL DEFAULT '',
            source VARCHAR NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import', 'demo')),
            CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
            CHECK ((status = 'signerat') = (signed_date IS NOT NULL) OR status = 'makulerat')
        )""",
        "certificate_id, trainee_id, type, title, start_date, end_date, status, signer_person_id, signed_by, "
        "signed_role, signed_date, comment, source",
        "certificate_id, trainee_id, type, title, start_date, end_date, status, signer_person_id, signed_by, "
        "signed_role, signed_date, comment, source",
    )
    cur.execute(
        """
        CREATE TABLE certificate_delmal (
            certificate_id VARCHAR NOT NULL REFERENCES certificate (certificate_id),
            code VARCHAR NOT NULL CHECK (regexp_matches(code, '^(a|b|c|STa|STb|STc|BT)[0-9]{1,2}$')),
            PRIMARY KEY (certificate_id, code)
        )"""
    )
    cur.execute("INSERT INTO certificate_delmal SELECT * FROM old_certificate_delmal")
    cur.execute("DROP TABLE old_certificate_delmal")
    cur.execute("CREATE INDEX idx_placement_trainee ON placement (trainee_id)")
    cur.execute("CREATE INDEX idx_certificate_trainee ON certificate (trainee_id)")


def m006_region_records(cur: duckdb.DuckDBPyConnection) -> None:
    """Running a region on it: a trainee's personnummer (kept apart from the record, for the forms), the
    ST-kontrakt recorded at inskrivning, and one-time codes with which a local account gets its first
    password or a reset one (only the code's hash is stored)."""
    cur.execute(
        """
        CREATE TABLE trainee_personal (
            trainee_id VARCHAR PRIMARY KEY REFERENCES trainee (trainee_id),
            personnummer VARCHAR CHECK (personnummer IS NULL OR regexp_matches(personnummer, '^[0-9]{8}-[0-9]{4}$'))
        )"""
    )
    cur.execute(
        """
        CREATE TABLE st_contract (
            trainee_id VARCHAR PRIMARY KEY REFERENCES trainee (trainee_id),
            contract_date DATE NOT NULL,
            document VARCHAR NOT NULL DEFAULT '',
            recorded_by VARCHAR,
            recorded_at TIMESTAMP NOT NULL
        )"""
    )
    cur.execute(
        """
        CREATE TABLE one_time_code (
            code_hash VARCHAR PRIMARY KEY,
            person_id VARCHAR NOT NULL REFERENCES person (person_id),
            purpose VARCHAR NOT NULL CHECK (purpose IN ('first_password', 'reset')),
            created_at TIMESTAMP NOT NULL,
            expires_at TIMESTAMP NOT NULL,
            used_at TIMESTAMP,
            created_by VARCHAR
        )"""
    )


def m007_personal_details(cur: duckdb.DuckDBPyConnection) -> None:
    """The rest of what Socialstyrelsen's forms ask of the applicant, kept with the personnummer: postal
    address (the postal code stored as 'NNN NN'), telephones, läkarexamen (country, date) and the country of
    the legitimation (its date is the trainee's legitimation_date). Rebuilt rather than altered, so that the
    new columns get their CHECKs (nothing references trainee_personal)."""
    _rebuild(
        cur,
        "trainee_personal",
        """
        CREATE TABLE trainee_personal (
            trainee_id VARCHAR PRIMARY KEY REFERENCES trainee (trainee_id),
            personnummer VARCHAR CHECK (personnummer IS NULL OR regexp_matches(personnummer, '^[0-9]{8}-[0-9]{4}$')),
            street_address VARCHAR CHECK (street_address IS NULL OR length(street_address) BETWEEN 1 AND 200),
            postal_code VARCHAR CHECK (postal_code IS NULL OR regexp_matches(postal_code, '^[0-9]{3} [0-9]{2}$')),
            postal_town VARCHAR CHECK (postal_town IS NULL OR length(postal_town) BETWEEN 1 AND 100),
            phone_home VARCHAR CHECK (phone_home IS NULL OR regexp_matches(phone_home, '^[+]?[0-9][0-9 -]{0,28}[0-9]$')),
            phone_mobile VARCHAR CHECK (phone_mobile IS NULL OR regexp_matches(phone_mobile, '^[+]?[0-9][0-9 -]{0,28}[0-9]$')),
            phone_work VARCHAR CHECK (phone_work IS NULL OR regexp_matches(phone_work, '^[+]?[0-9][0-9 -]{0,28}[0-9]$')),
            lakarexamen_country VARCHAR CHECK (lakarexamen_country IS NULL OR length(lakarexamen_country) BETWEEN 1 AND 100),
            lakarexamen_date DATE,
            legitimation_country VARCHAR CHECK (legitimation_country IS NULL OR length(legitimation_country) BETWEEN 1 AND 100)
        )""",
        "trainee_id, personnummer",
        "trainee_id, personnummer",
    )


def _referencing(cur: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Every table that references ``table`` by a foreign key, directly or through another such table,
    each after every table of these it references (by name among equals)."""
    refs = {
        (str(child), str(parent))
        for child, parent in cur.execute(
            """SELECT table_name, referenced_table FROM duckdb_constraints()
               WHERE constraint_type = 'FOREIGN KEY' AND database_name = current_database()
                 AND schema_name = 'main' AND table_name <> referenced_table"""
        ).fetchall()
    }
    found: set[str] = set()
    frontier = [table]
    while frontier:
        parent = frontier.pop()
        for child, of in sorted(refs):
            if of == parent and child != table and child not in found:
                found.add(child)
                frontier.append(child)
    order: list[str] = []
    while len(order) < len(found):
        placed = set(order)
        rest = sorted(found - placed)
        ready = [t for t in rest if {p for c, p in refs if c == t and p in found} <= placed]
        order.extend(ready or rest)  # none ready: a cycle, which DuckDB's CREATE refuses anyway
    return order


def _rebuild_referenced(cur: duckdb.DuckDBPyConnection, table: str, ddl: str) -> None:
    """Recreate ``table``, which other tables reference, with new DDL (the same columns by name) and its rows.

    DuckDB drops a table only once no other table references it, so every referencing table (and theirs)
    is saved with its rows, dropped children first, and recreated parents first from the DDL and indexes
    DuckDB's catalogue holds for it, so that none of their DDL is written twice. The sequences that
    number their rows are not tables: they keep counting."""
    children = _referencing(cur, table)
    tables = [table, *children]
    stored = dict(
        cur.execute(
            """SELECT table_name, sql FROM duckdb_tables()
               WHERE database_name = current_database() AND schema_name = 'main' AND list_contains($t, table_name)""",
            {"t": children},
        ).fetchall()
    )
    indexes = [
        str(r[0])
        for r in cur.execute(
            """SELECT sql FROM duckdb_indexes()
               WHERE database_name = current_database() AND schema_name = 'main' AND list_contains($t, table_name)
                 AND sql IS NOT NULL
               ORDER BY table_name, index_name""",
            {"t": tables},
        ).fetchall()
    ]
    for t in tables:
        cur.execute(f"CREATE TEMP TABLE old_{t} AS SELECT * FROM {t}")
    for t in reversed(tables):
        cur.execute(f"DROP TABLE {t}")
    for t in tables:
        cur.execute(ddl if t == table else str(stored[t]))
        cur.execute(f"INSERT INTO {t} BY NAME SELECT * FROM old_{t}")
        cur.execute(f"DROP TABLE old_{t}")
    for sql in indexes:
        cur.execute(sql)


def m008_trainee_person_plain(cur: duckdb.DuckDBPyConnection) -> None:
    """trainee.person_id, the record's account, may be given after the trainee has records (an import that
    adds the e-mail of a trainee imported without one): a plain column whose reference and uniqueness the
    service layer checks (see the module docstring), neither UNIQUE nor a FOREIGN KEY any more. Everything
    else stays as it was."""
    _rebuild_referenced(
        cur,
        "trainee",
        """
        CREATE TABLE trainee (
            trainee_id VARCHAR PRIMARY KEY CHECK (length(trainee_id) BETWEEN 1 AND 60),
            person_id VARCHAR,  -- checked by the services (see the module docstring)
            name VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
            specialty VARCHAR NOT NULL,
            legitimation_date DATE,
            swedish_at BOOLEAN NOT NULL DEFAULT false,
            st_start_date DATE NOT NULL,
            regulation_choice VARCHAR CHECK (regulation_choice IS NULL OR regulation_choice IN ('SOSFS 2015:8', 'HSLF-FS 2021:8')),
            doktorsexamen BOOLEAN NOT NULL DEFAULT false,
            bt_approved_date DATE,
            unit_id VARCHAR,  -- checked by the services (see the module docstring)
            source VARCHAR NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import', 'demo'))
        )""",
    )


# In order; a migration's function name is its identity, recorded in _migrations.
MIGRATIONS: tuple[Step, ...] = (
    m001_core,
    m002_oidc_identities,
    m003_catalogue_texts,
    m004_catalogue_doubts,
    m005_rules_round_2,
    m006_region_records,
    m007_personal_details,
    m008_trainee_person_plain,
)
