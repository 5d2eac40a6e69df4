"""The command line of INTERFACE.md: init, demo, import, progress, export, backup and restore (and catalogue)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.config import DEMO_TRAINEES
from tracker.errors import StorageError, TrackerError, os_reason
from tracker.store import Connection, catalogue, connect, default_db_path
from tracker.store.scope import EVERYONE, TraineeScope

if TYPE_CHECKING:
    from tracker.accounts import Actor


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ogiltigt datum {text!r}; skriv ÅÅÅÅ-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tracker", description="ST-tracker: progress toward specialist competence.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=None, help="database file (default: $TRACKER_DB or data/tracker.duckdb)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", parents=[common], help="create or migrate the database (safe to run twice)")
    d = sub.add_parser("demo", parents=[common], help="load realistic synthetic data")
    d.add_argument("--trainees", type=int, default=DEMO_TRAINEES)
    d.add_argument("--seed", type=int, default=2026)
    d.add_argument("--as-of", type=_date, default=None, help="the demo's 'today' (default: today)")
    i = sub.add_parser("import", parents=[common], help="import a bundle of CSV files (all or nothing)")
    i.add_argument("dir", type=Path)
    i.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        default=None,
        help="import as this person, limited to what they may import in the app (default: no limit)",
    )
    pr = sub.add_parser("progress", parents=[common], help="progress as JSON")
    pr.add_argument("trainee_id", nargs="?")
    pr.add_argument("--all", action="store_true")
    pr.add_argument("--as-of", type=_date, default=None)
    pr.add_argument("--json", action="store_true", help="print JSON (the only format)")
    pr.add_argument(
        "--engine",
        choices=("setbased", "reference"),
        default="setbased",
        help="setbased: all trainees at once, as the dashboards (default); reference: one trainee at a time",
    )
    pr.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        default=None,
        help="only the trainees this person may see in the app (default: everyone)",
    )
    ex = sub.add_parser(
        "export", parents=[common], help="write the complete bundle of one trainee (ID DIR) or of all (--all DIR)"
    )
    ex.add_argument("targets", nargs="+", metavar="ID DIR", help="the trainee's id and the folder, or only the folder with --all")
    ex.add_argument("--all", action="store_true")
    ex.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        default=None,
        help="export what this person may export in the app (default: no limit)",
    )
    c = sub.add_parser("catalogue", parents=[common], help="replace the delmål catalogue from a file")
    c.add_argument("file", type=Path, nargs="?", default=None)
    a = sub.add_parser(
        "create-admin", parents=[common], help="create an administrator (the first account of a new database)"
    )
    a.add_argument("email")
    a.add_argument("--name", required=True)
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    li = sub.add_parser(
        "link-identity", parents=[common], help="link a person to their organisation account (OIDC subject)"
    )
    li.add_argument("email")
    li.add_argument("subject", help="as shown on the person's sign-in page: tid:…|oid:… or iss:…|sub:…")
    b = sub.add_parser(
        "backup", parents=[common], help="write every table as Parquet, the schema version and checksums into DIR"
    )
    b.add_argument("dir", type=Path, help="a new or empty folder")
    r = sub.add_parser("restore", parents=[common], help="restore a backup folder into a new database file (--db NEW)")
    r.add_argument("dir", type=Path, help="the backup folder")
    ap = sub.add_parser(
        "application", parents=[common], help="fill Socialstyrelsen's forms of one trainee: the PDFs, ansokan.pdf/.zip, manifest.json"
    )
    ap.add_argument("trainee_id")
    ap.add_argument("--out", type=Path, required=True, help="the folder the package is written to")
    ap.add_argument("--forms", type=Path, default=None, help="the blank forms (default: $TRACKER_FORMS or data/forms)")
    ap.add_argument("--as-of", type=_date, default=None, help="intyg signed on or before this date (default: today)")
    fo = sub.add_parser("forms", help="Socialstyrelsen's blank forms")
    fo_sub = fo.add_subparsers(dest="forms_command", required=True)
    ff = fo_sub.add_parser("fetch", help="download the blank forms into the forms folder")
    ff.add_argument("--dir", type=Path, default=None, help="the forms folder (default: $TRACKER_FORMS or data/forms)")
    ff.add_argument("--source", default=None, help="a base address holding the same file names (default: Socialstyrelsen's site)")
    rp = sub.add_parser("report", parents=[common], help="write one trainee's IUP report (progress on A4) as PDF")
    rp.add_argument("trainee_id")
    rp.add_argument("--out", type=Path, required=True, metavar="FILE", help="the PDF file to write")
    rp.add_argument("--as-of", type=_date, default=None, help="the report's date (default: today)")
    rp.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        default=None,
        help="the report this person may make in the app (default: no limit)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except TrackerError as exc:
        errors = getattr(exc, "errors", None)
        if errors:
            for e in errors:
                print(e, file=sys.stderr)
        print(f"tracker: {exc}", file=sys.stderr)
        return 1


def _open(args: argparse.Namespace) -> Connection:
    """The database; opened read-only for a command that only reads from a write-protected file."""
    db = args.db or default_db_path()
    if args.command in ("report", "application") and not Path(db).exists():  # a reader never makes a new file
        raise StorageError(f"Databasen {db} finns inte; ange databasfilen med --db eller TRACKER_DB.")
    reads_only = args.command == "progress"
    if reads_only and Path(db).exists() and not os.access(db, os.W_OK):
        con = connect(db, read_only=True)
        if not catalogue.catalogue_loaded(con):
            con.close()
            raise StorageError(f"Databasen {db} saknar delmålskatalogen; kör tracker init med skrivrätt till filen.")
        return con
    return connect(db)


def _actor(con: Connection, email: str) -> Actor:
    """The person ``--as EMAIL`` names, as the app would see them signed in."""
    from tracker.accounts import actor_for_email

    actor = actor_for_email(con, email)
    if actor is None:
        raise TrackerError(f"Ingen person med e-postadressen {email} finns i databasen.")
    return actor


def _reader_scope(con: Connection, email: str | None) -> TraineeScope:
    """The trainees ``progress --as EMAIL`` may show: those the person may read in the app."""
    if email is None:
        return EVERYONE
    from tracker.services.access import trainee_scope

    return trainee_scope(_actor(con, email))


def _export(con: Connection, args: argparse.Namespace) -> int:
    from tracker.ingest.export import Selection, bundle_files, write_bundle

    wanted = 1 if args.all else 2
    if len(args.targets) != wanted:
        print("tracker export: ange ID och mapp, eller --all och mapp", file=sys.stderr)
        return 2
    trainee_id = None if args.all else args.targets[0]
    directory = Path(args.targets[-1])
    if args.as_email is not None:
        from tracker.services.exports import export_bundle

        files = export_bundle(con, _actor(con, args.as_email), trainee_id)
    else:  # the operator of the database file exports without limits
        files = bundle_files(con, Selection(None if trainee_id is None else frozenset({trainee_id})))
    write_bundle(files, directory)
    trainees = files["trainees.csv"].count("\n") - 1
    print(f"Exporterade {trainees} ST-läkare till {directory} ({', '.join(files)}).")
    return 0


def _backup_or_restore(args: argparse.Namespace) -> int:
    """``backup`` reads the database read-only, as it is (no migrations); ``restore`` writes a new file."""
    from tracker.errors import DatabaseLockedError
    from tracker.store.backup import backup, restore

    db = Path(args.db or default_db_path())
    if args.command == "restore":
        done = restore(args.dir, db)
        upgraded = f"; uppgraderad med {', '.join(done.migrated)}" if done.migrated else ""
        print(
            f"Databasen {db} är återställd från {args.dir}: {len(done.tables)} tabeller, {done.rows} rader "
            f"(schema {done.backup.schema_version}{upgraded}). Peka TRACKER_DB på filen och starta appen."
        )
        return 0
    try:
        con = connect(db, migrate=False, read_only=True)
    except DatabaseLockedError as exc:
        raise DatabaseLockedError(
            f"Databasen {db} används av ett annat program, t.ex. appen. Gör säkerhetskopian i appen (sidan "
            "Säkerhetskopia) eller stoppa programmet först."
        ) from exc
    try:
        info = backup(con, args.dir)
    finally:
        con.close()
    print(
        f"Säkerhetskopian är skriven till {args.dir}: {len(info.tables)} tabeller, {info.rows} rader "
        f"(schema {info.schema_version})."
    )
    return 0


def _fetch_forms(args: argparse.Namespace) -> int:
    from tracker.application import fetch
    from tracker.config import Settings

    settings = Settings.from_env()
    folder = args.dir or settings.forms_dir
    fetched = fetch(folder, args.source or settings.forms_source, progress=lambda f: print(f"Hämtar {f.name} …", flush=True))
    print(f"{len(fetched)} blanketter i {folder} (kontrollsummor i {folder / 'forms.json'}).")
    return 0


def _application(con: Connection, args: argparse.Namespace) -> int:
    from tracker.application import build, read_application
    from tracker.application.package import earlier_package
    from tracker.config import Settings

    earlier_package(args.out)  # a folder the package may not be written to is refused before it is built
    if not catalogue.catalogue_loaded(con):
        catalogue.ensure_catalogue(con)
    package = build(read_application(con, args.trainee_id, args.as_of or date.today()), args.forms or Settings.from_env().forms_dir)
    try:
        package.write(args.out)
    except OSError as exc:
        raise TrackerError(f"Ansökan kunde inte skrivas till {args.out}: {os_reason(exc)}.") from exc
    print(f"{len(package.forms)} ifyllda blanketter, ansokan.pdf, ansokan.zip och manifest.json i {args.out}.")
    for f in package.forms:
        for problem in f.content.problems:
            print(f"{f.file}: {problem}", file=sys.stderr)
        for note in f.content.notes:
            print(f"{f.file}: obs: {note}", file=sys.stderr)
    for problem in package.problems:
        print(f"ansökan: {problem}", file=sys.stderr)
    return 0


def _report(con: Connection, args: argparse.Namespace) -> int:
    from tracker.services.reports import iup_report, operator_report

    as_of = args.as_of or date.today()
    if args.as_email is not None:
        pdf = iup_report(con, _actor(con, args.as_email), args.trainee_id, as_of)
    else:  # the operator of the database file reads without limits
        pdf = operator_report(con, args.trainee_id, as_of)
    try:
        args.out.write_bytes(pdf)
    except OSError as exc:
        raise TrackerError(f"Filen {args.out} kunde inte skrivas: {os_reason(exc)}.") from exc
    print(f"IUP-rapporten för {args.trainee_id} per {as_of.isoformat()} är skriven till {args.out}.")
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.command == "forms":
        return _fetch_forms(args)
    db = args.db or default_db_path()
    if args.command in ("backup", "restore"):
        return _backup_or_restore(args)
    con = _open(args)
    try:
        if args.command == "init":
            catalogue.ensure_catalogue(con)
            print(f"Databasen {db} är klar.")
        elif args.command == "demo":
            from tracker.demo import load_demo

            summary = load_demo(con, trainees=args.trainees, seed=args.seed, as_of=args.as_of or date.today())
            print(summary)
        elif args.command == "import":
            if args.as_email is None:  # the operator of the database file imports without limits
                from tracker.ingest.load import import_bundle

                result = import_bundle(con, args.dir)
            else:
                from tracker.services.imports import import_dir

                result = import_dir(con, _actor(con, args.as_email), args.dir)
            print(result.summary())
        elif args.command == "export":
            return _export(con, args)
        elif args.command == "report":
            return _report(con, args)
        elif args.command == "application":
            return _application(con, args)
        elif args.command == "progress":
            from tracker.rules.engines import progress

            as_of = args.as_of or date.today()
            if not catalogue.catalogue_loaded(con):
                catalogue.ensure_catalogue(con)
            if not args.all and not args.trainee_id:
                print("tracker progress: ange ett id eller --all", file=sys.stderr)
                return 2
            found = progress(
                con,
                as_of,
                trainee_id=None if args.all else args.trainee_id,
                scope=_reader_scope(con, args.as_email),
                engine=args.engine,
            )
            out: object = [p.to_json() for p in found] if args.all else found[0].to_json()
            json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
            print()
        elif args.command == "create-admin":
            from tracker.accounts import create_admin

            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
            person_id, chosen = create_admin(con, args.email, args.name, password)
            print(f"Administratören {args.email} ({person_id}) kan logga in.")
            if password is None:
                print(f"Lösenord (visas bara nu): {chosen}")
        elif args.command == "link-identity":
            from tracker.accounts import link_oidc_subject, person_id_for_email
            from tracker.errors import IdentityError

            linked = person_id_for_email(con, args.email)
            if linked is None:
                raise IdentityError(f"Ingen person har e-postadressen {args.email}.")
            link_oidc_subject(con, linked, args.subject)
            print(f"{args.email} är kopplad till organisationskontot {args.subject.strip()}.")
        elif args.command == "catalogue":
            n = catalogue.load_catalogue(con, path=args.file)
            print(f"Katalogen laddad: {n} delmål.")
    finally:
        con.close()
    return 0
