"""The application package: a trainee's forms filled from the database, ``ansokan.pdf`` (all of them
merged in Socialstyrelsen's order), ``ansokan.zip`` and ``manifest.json``.

``read_application`` gathers what the forms need (one trainee, read in one transaction);
``content.plan`` decides every field; ``build`` fills the blank forms of the forms folder.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.application import content
from tracker.application.content import Application, FormContent, Personal, SignedCertificate
from tracker.application.folder import blank_form
from tracker.application.forms import Form
from tracker.application.pdf import fill, merge
from tracker.domain import REG_2021, REQUIRABLE_TYPES, TYPE_LABELS, TraineeRecord, as_date
from tracker.errors import NotFoundError, TrackerError
from tracker.personal import PERSONAL_FIELDS
from tracker.rules.progress import progress_for_record
from tracker.rules.reference import Progress, counting_kinds
from tracker.rules.service_list import service_rows
from tracker.store import Connection
from tracker.store.connection import reading
from tracker.store.records import load_record

MERGED = "ansokan.pdf"
ZIPPED = "ansokan.zip"
MANIFEST = "manifest.json"



def read_application(
    con: Connection, trainee_id: str, as_of: date, *, record: TraineeRecord | None = None, progress: Progress | None = None
) -> Application:
    """Everything the forms of one trainee need, as of ``as_of`` (signed intyg: signed on or before it).
    ``record`` and ``progress``: the trainee's, when the caller has them already (as of the same date)."""
    rec = record or load_record(con, trainee_id)
    progress = progress or progress_for_record(con, rec, as_of)
    with reading(con) as cur:
        row = cur.execute(
            f"""SELECT p.email, u.name, {", ".join(f"tp.{c}" for c in PERSONAL_FIELDS)}
                FROM trainee t LEFT JOIN person p USING (person_id) LEFT JOIN unit u USING (unit_id)
                LEFT JOIN trainee_personal tp USING (trainee_id)
                WHERE t.trainee_id = ?""",
            [trainee_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"ST-läkare {trainee_id} finns inte.")
        email, workplace, *details = row
        certs = cur.execute(
            """SELECT c.certificate_id, c.type, c.title, c.start_date, c.end_date,
                      list_sort(list(d.code) FILTER (WHERE d.code IS NOT NULL)), c.signed_by, c.signed_role,
                      c.signed_date, (SELECT min(u.name) FROM role_assignment r JOIN unit u USING (unit_id)
                                      WHERE r.person_id = c.signer_person_id AND r.role = c.signed_role)
               FROM certificate c LEFT JOIN certificate_delmal d USING (certificate_id)
               WHERE c.trainee_id = ? AND c.status = 'signerat' AND c.signed_date <= ?
               GROUP BY ALL ORDER BY c.start_date, c.certificate_id""",
            [trainee_id, as_of],
        ).fetchall()
        chiefs = cur.execute(
            """SELECT p.name FROM trainee t JOIN role_assignment r ON r.unit_id = t.unit_id AND r.role = 'verksamhetschef'
               JOIN person p ON p.person_id = r.person_id WHERE t.trainee_id = ? ORDER BY p.name""",
            [trainee_id],
        ).fetchall()
        directors = cur.execute(
            """SELECT p.name FROM trainee t JOIN unit u ON u.unit_id = t.unit_id
               JOIN role_assignment r ON r.role = 'studierektor' AND r.region_id = u.region_id
                    AND (r.area IS NULL OR r.area = u.area)
               JOIN person p ON p.person_id = r.person_id WHERE t.trainee_id = ? ORDER BY r.area NULLS LAST, p.name""",
            [trainee_id],
        ).fetchall()
    values = dict(zip(PERSONAL_FIELDS, details, strict=True))
    values["lakarexamen_date"] = as_date(values["lakarexamen_date"])
    personal = Personal(**values)
    signed = tuple(
        SignedCertificate(
            certificate_id=str(c[0]), type=str(c[1]), title=str(c[2] or ""), start_date=as_date(c[3]),
            end_date=as_date(c[4]), delmal=tuple(c[5] or ()), signed_by=str(c[6] or ""),
            signed_role=str(c[7] or ""), signed_date=as_date(c[8]) or as_of, signer_workplace=str(c[9] or ""),
        )
        for c in certs
    )
    regulation = progress.regulation
    return Application(
        trainee=rec.trainee,
        personal=personal,
        email=str(email or ""),
        workplace=str(workplace or ""),
        progress=progress,
        certificates=signed,
        service_rows=tuple(service_rows(rec, counting_kinds(regulation), as_of)),
        bt_rows=tuple(service_rows(rec, ("BT",), as_of)) if regulation == REG_2021 else (),
        verksamhetschef=str(chiefs[0][0]) if len(chiefs) == 1 else "",
        studierektor=str(directors[0][0]) if directors else "",
    )


@dataclass(frozen=True)
class FilledForm:
    file: str
    content: FormContent
    pdf: bytes

    def manifest(self) -> dict[str, object]:
        c = self.content
        return {
            "file": self.file,
            "form": c.form.name,
            "title": c.form.title,
            "blank": c.form.file,
            "certificate_id": c.certificate_id,
            "attachment": c.attachment,
            "fields": dict(sorted(c.fields.items())),
            "problems": list(c.problems),
            "notes": list(c.notes),
            "left_blank": dict(sorted(c.left_blank.items())),
        }


@dataclass(frozen=True)
class Package:
    trainee_id: str
    regulation: str
    as_of: date
    forms: tuple[FilledForm, ...]
    problems: tuple[str, ...]  # of the package as a whole
    merged: bytes

    def manifest(self) -> dict[str, object]:
        return {
            "trainee_id": self.trainee_id,
            "regulation": self.regulation,
            "as_of": self.as_of.isoformat(),
            "merged": MERGED,
            "problems": list(self.problems),
            "files": [f.manifest() for f in self.forms],
        }

    def manifest_json(self) -> str:
        return json.dumps(self.manifest(), ensure_ascii=False, indent=2) + "\n"

    def files(self) -> dict[str, bytes]:
        """Every file of the package but the zip: the forms, ansokan.pdf and manifest.json."""
        out = {f.file: f.pdf for f in self.forms}
        out[MERGED] = self.merged
        out[MANIFEST] = self.manifest_json().encode("utf-8")
        return out

    def zip(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.files().items():
                z.writestr(name, data)
        return buf.getvalue()

    def write(self, out_dir: Path) -> list[Path]:
        """Every file of the package into ``out_dir``: a new or empty folder, or one holding only an earlier
        package, which is replaced whole (no form of an older package, or of another trainee, is left
        beside the new ones). A folder holding anything else is refused."""
        for old in earlier_package(out_dir):
            old.unlink()
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, data in {**self.files(), ZIPPED: self.zip()}.items():
            (out_dir / name).write_bytes(data)
            written.append(out_dir / name)
        return written


def earlier_package(out_dir: Path) -> list[Path]:
    """The files of an earlier package in ``out_dir`` (those its manifest names), which ``Package.write``
    replaces; TrackerError when the folder holds anything else (checked before a package is built, too)."""
    if not out_dir.exists():
        return []
    if not out_dir.is_dir():
        raise TrackerError(f"{out_dir} är en fil, inte en mapp; ange en ny eller tom mapp för ansökan.")
    present = list(out_dir.iterdir())
    if not present:
        return []
    names = {MERGED, ZIPPED, MANIFEST}
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        names |= {str(f["file"]) for f in manifest["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        names = set()
    others = sorted(p.name for p in present if p.name not in names or not p.is_file())
    if others:
        raise TrackerError(
            f"Mappen {out_dir} innehåller annat än en tidigare ansökan ({', '.join(others[:3])}"
            f"{' …' if len(others) > 3 else ''}); ange en ny eller tom mapp."
        )
    return present


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "intyg"


def _file_name(index: int, form: Form, certificate_id: str | None) -> str:
    tail = f"-{_slug(certificate_id)}" if certificate_id else ""
    return f"{index:02d}-bilaga-{form.key}{tail}.pdf"


def package_problems(app: Application) -> list[str]:
    """What stands in the way of the package as a whole (beside each form's own problems)."""
    out = list(app.progress.missing)
    for c in content.unplaced_certificates(app):
        out.append(f"{TYPE_LABELS[c.type]} ({c.certificate_id}) har ingen blankett under {app.progress.regulation}.")
    return out


def activity_certificates(app: Application) -> list[SignedCertificate]:
    """The signed activity certificates: each gets a form of its own."""
    return [c for c in app.certificates if c.type in REQUIRABLE_TYPES]


def build(app: Application, forms_dir: Path) -> Package:
    """The filled package; raises FormsError when a blank form is missing from ``forms_dir`` or differs."""
    planned = content.plan(app)
    filled: list[FilledForm] = []
    for i, c in enumerate(planned, start=1):
        blank = blank_form(forms_dir, c.form)
        pdf = fill(blank, c.fields, detach_pages=c.form.detach_pages, what=c.form.name)
        filled.append(FilledForm(_file_name(i, c.form, c.certificate_id), c, pdf))
    merged = merge([(f"b{i:02d}", f.pdf) for i, f in enumerate(filled, start=1)])
    return Package(
        trainee_id=app.trainee.trainee_id,
        regulation=app.progress.regulation,
        as_of=app.progress.as_of,
        forms=tuple(filled),
        problems=tuple(package_problems(app)),
        merged=merged,
    )
