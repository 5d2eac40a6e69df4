"""The application to Socialstyrelsen from the app: the filled package, which forms are still blocked and
why, and fetching the blank forms.

The package carries the personnummer and the address, so it is for those who see a trainee's personal
details in full (the trainee, the office of the trainee's unit, administrators); every package made is
an audit row. Which forms are blocked (no personal data in it) is for everyone who may read the trainee.
Fetching the blank forms is an administrator's task.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.accounts import Actor
from tracker.application import FORMS, Form, Package, build, fetch, missing_forms, read_application
from tracker.application.content import plan
from tracker.application.package import activity_certificates, package_problems
from tracker.config import Settings
from tracker.errors import AccessDenied
from tracker.services.access import require_read
from tracker.services.personal import sees_personal_details
from tracker.services.shared import record_audit
from tracker.services.trainees import TraineeView
from tracker.store import Connection, transaction

__all__ = ["FORMS", "ApplicationStatus", "Form", "FormStatus", "application_package", "application_status", "fetch_forms"]

_NOT_FULL = (
    "Ansökan innehåller personnummer och adress: den kan bara skapas av ST-läkaren själv, utbildningsenheten "
    "för ST-läkarens enhet eller en administratör."
)


def forms_dir(explicit: Path | None = None) -> Path:
    return explicit or Settings.from_env().forms_dir


@dataclass(frozen=True)
class FormStatus:
    """One form of the application as the readiness checklist shows it."""

    form: str  # "HSLF-FS 2021:8 bilaga 9"
    title: str
    certificate_id: str | None
    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def blocked(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True)
class ApplicationStatus:
    forms: tuple[FormStatus, ...]
    problems: tuple[str, ...]  # of the application as a whole (the readiness items)
    notices: tuple[str, ...]
    missing_blanks: tuple[str, ...]  # blank forms not in the forms folder
    activity_certificates: int

    @property
    def complete(self) -> bool:
        return not self.problems and not any(f.blocked for f in self.forms)


def application_status(
    con: Connection,
    actor: Actor,
    trainee_id: str,
    as_of: date,
    forms: Path | None = None,
    *,
    view: TraineeView | None = None,
) -> ApplicationStatus:
    """Every form the application will hold, and what still blocks each (nothing is written or logged).
    ``view``: the page's ``trainee_view`` of the trainee as of ``as_of``, whose record and progress are used."""
    if view is None or view.record.trainee.trainee_id != trainee_id:
        require_read(con, actor, trainee_id)
        app = read_application(con, trainee_id, as_of)
    else:  # trainee_view checked the scope
        app = read_application(con, trainee_id, as_of, record=view.record, progress=view.progress)
    planned = plan(app)
    needed: list[Form] = list(dict.fromkeys(c.form for c in planned))
    return ApplicationStatus(
        forms=tuple(FormStatus(c.form.name, c.form.title, c.certificate_id, tuple(c.problems), tuple(c.notes)) for c in planned),
        problems=tuple(package_problems(app)),
        notices=tuple(app.progress.notices),
        missing_blanks=tuple(f.name for f in missing_forms(forms_dir(forms), needed)),
        activity_certificates=len(activity_certificates(app)),
    )


def application_package(
    con: Connection, actor: Actor, trainee_id: str, as_of: date, forms: Path | None = None
) -> Package:
    """The filled package of ``trainee_id`` (FormsError when a blank form is missing or changed)."""
    if not sees_personal_details(con, actor, trainee_id):
        raise AccessDenied(_NOT_FULL)
    package = build(read_application(con, trainee_id, as_of), forms_dir(forms))
    with transaction(con) as cur:
        record_audit(
            cur,
            actor,
            "application",
            "application",
            trainee_id,
            trainee_id,
            None,
            {"as_of": as_of.isoformat(), "forms": len(package.forms), "problems": sum(len(f.content.problems) for f in package.forms)},
        )
    return package


def fetch_forms(
    con: Connection,
    actor: Actor,
    forms: Path | None = None,
    source: str | None = None,
    progress: Callable[[Form], None] | None = None,
) -> int:
    """Downloads every blank form into the forms folder (administrators); the number fetched."""
    if not actor.is_admin:
        raise AccessDenied("Bara en administratör kan hämta Socialstyrelsens blanketter.")
    fetched = fetch(forms_dir(forms), source or Settings.from_env().forms_source, progress=progress)
    with transaction(con) as cur:
        record_audit(cur, actor, "fetch_forms", "forms", "blanketter", None, None,
                     {f.form.file: f.sha256 for f in fetched})
    return len(fetched)
