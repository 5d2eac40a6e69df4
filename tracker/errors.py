"""Every error the project raises on purpose. The message of each is a Swedish sentence for people;
the command line prints it as one line and the pages show it, never a traceback.

    TrackerError
    ├── NotFoundError          a record that was asked for does not exist
    ├── AccessDenied           the person may not see or change this
    ├── StateConflict          the record is not in a state that allows this (signed, already voided, sent)
    │   └── OverlapConflict    a placement overlaps another of the same kind; repeated when confirmed
    ├── InvalidInput           input failed validation; ``errors`` lists every problem, nothing was written
    │   ├── InputError         a form's fields (``FieldError``: field and message)
    │   └── ImportRejected     a bundle's rows (``RowError``: file, line, column and message)
    ├── CatalogueError         a delmål catalogue file that cannot be used
    ├── FormsError             a blank form of Socialstyrelsen's missing, unreadable or not the one the filler knows
    ├── SignInError
    │   ├── LoginError         a local sign-in refused for a reason the log records (e.g. a locked account)
    │   ├── PasswordError      a new password that is too short or too long
    │   └── IdentityError      an organisation account that cannot be linked
    └── StorageError           the database could not do it
        ├── DatabaseLockedError   another program holds the file
        ├── ConstraintError       a write broke a database rule (the last line of defence after validation)
        ├── ConflictError         someone else changed the same record at the same time
        ├── QueryFailed           any other failure of a query (every ``duckdb.Error`` is wrapped)
        └── BackupError           a backup that cannot be written, or one that cannot be restored (a changed
                                  or missing file, a newer schema, a target database that is not empty)
"""

from __future__ import annotations

import errno
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class TrackerError(Exception):
    """Base of every error the project raises on purpose; the message is meant for people."""


class NotFoundError(TrackerError):
    """A record that was asked for does not exist."""


class AccessDenied(TrackerError):
    """The actor may not see or change this."""


class StateConflict(TrackerError):
    """The record's state does not allow the change (e.g. a signed certificate is locked)."""


class OverlapConflict(StateConflict):
    """A placement would overlap another placement of the same kind of the same trainee; the message names
    it and how the percents combine. The write is made when repeated with the overlap confirmed.
    ``overlaps``: the ids of the placements it overlaps."""

    def __init__(self, message: str, overlaps: Sequence[int] = ()) -> None:
        self.overlaps = tuple(overlaps)
        super().__init__(message)


@dataclass(frozen=True, order=True)
class RowError:
    """One bad cell of an imported file; the header is line 1."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass(frozen=True, order=True)
class FieldError:
    """One bad field of a form."""

    column: str
    message: str

    def __str__(self) -> str:
        return f"{FIELD_LABELS.get(self.column, self.column)}: {self.message}"


# The Swedish names of the fields of the app's forms, for messages.
FIELD_LABELS: Mapping[str, str] = {
    "kind": "Typ",
    "setting": "Verksamhet",
    "workplace": "Arbetsplats",
    "start_date": "Startdatum",
    "end_date": "Slutdatum",
    "percent": "Omfattning",
    "type": "Intygstyp",
    "title": "Rubrik",
    "delmal": "Delmål",
    "comment": "Kommentar",
    "step": "Steg",
    "note": "Anteckning",
    "role": "Roll",
    "region_id": "Region",
    "area": "Område",
    "unit_id": "Enhet",
    "name": "Namn",
    "email": "E-post",
    "months": "Månader",
    "bt_part": "BT-del",
    "applies_to": "Räknas mot",
    "specialty": "Specialitet",
    "signed_date": "Datum",
    "bt_approved_date": "Godkänd BT",
    "catalogue": "Katalogfil",
    "legitimation_date": "Legitimationsdatum",
    "reported_date": "Anmäld",
    "swedish_at": "Svensk AT",
    "language_ok": "Språkkrav",
    "st_start_date": "ST-start",
    "contract_date": "ST-kontrakt",
    "document": "Dokumentreferens",
    "huvudhandledare_id": "Huvudhandledare",
    "personnummer": "Personnummer",
    "street_address": "Gatuadress",
    "postal_code": "Postnummer",
    "postal_town": "Postort",
    "phone_home": "Telefon bostad",
    "phone_mobile": "Mobiltelefon",
    "phone_work": "Telefon arbete",
    "lakarexamen_country": "Läkarexamen, land",
    "lakarexamen_date": "Läkarexamen, datum",
    "legitimation_country": "Legitimation, land",
}


class InvalidInput(TrackerError):
    """Input failed validation; ``errors`` lists every problem (nothing was written)."""


class InputError(InvalidInput):
    """A form's input failed validation; ``errors`` lists every field's problem."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__(" ".join(f"{e}." for e in self.errors))


class ImportRejected(InvalidInput):
    """The bundle has bad rows; nothing was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} fel i importen; inget skrevs till databasen.")


class FormsError(TrackerError):
    """A blank form of Socialstyrelsen's is missing, cannot be read or downloaded, or its fields are not the
    ones the filler knows (the message names the form)."""


class CatalogueError(TrackerError):
    """A delmål catalogue file that cannot be read or is not valid; the message names the place."""


class SignInError(TrackerError):
    """Signing in or managing an account failed."""


class LoginError(SignInError):
    """Signing in failed for a reason the library can name (e.g. a locked account).

    The sign-in page shows one answer for every failure, so that nobody can tell from it whether an
    address has an account; the reason goes to the audit log.
    """


class PasswordError(SignInError):
    """A new password is not acceptable (too short or too long)."""


class IdentityError(SignInError):
    """A provider identity cannot be linked (malformed, or already linked to someone)."""


class StorageError(TrackerError):
    """The database could not be read or written (disk full, read-only file, broken file)."""


class DatabaseLockedError(StorageError):
    """Another process holds the database file."""


class ConstraintError(StorageError):
    """A write broke a database constraint (the last line of defence after validation)."""


class ConflictError(StorageError):
    """Someone else changed the same record at the same time; nothing of this change was written."""


class QueryFailed(StorageError):
    """A query failed for a reason that is not the input's fault."""


class BackupError(StorageError):
    """A backup cannot be written or restored; the message names the folder or file and nothing was written."""


def os_reason(exc: OSError) -> str:
    """Why a file or folder could not be read or written, in Swedish for a message (the system's own
    English text, ``strerror``, stays in the exception chain)."""
    if isinstance(exc, FileExistsError):
        return "det finns redan en fil eller mapp med det namnet"
    if isinstance(exc, NotADirectoryError):
        return "en del av sökvägen är en fil, inte en mapp"
    if isinstance(exc, IsADirectoryError):
        return "det är en mapp, inte en fil"
    if isinstance(exc, FileNotFoundError):
        return "mappen finns inte"
    if isinstance(exc, PermissionError):
        return "behörighet saknas"
    return {
        errno.ENOSPC: "disken är full",
        errno.EROFS: "filsystemet är skrivskyddat",
        errno.ENAMETOOLONG: "namnet är för långt",
        errno.EDQUOT: "diskkvoten är slut",
    }.get(exc.errno or 0, "filsystemet gav ett fel")
