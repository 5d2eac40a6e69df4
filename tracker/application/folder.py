"""The forms folder: Socialstyrelsen's blank forms, downloaded by ``tracker forms fetch`` and checked.

Each download is recorded in ``forms.json`` in the folder (file, address, sha256, date). A blank whose
field names differ from what the filler knows (``form_fields.json``) is refused when fetched and when
used, with a message naming the form, so a changed form never yields a silently half-filled package.
"""

from __future__ import annotations

import hashlib
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from tracker.application.forms import FORMS, Form
from tracker.application.pdf import field_names
from tracker.errors import FormsError, os_reason

RECORD = "forms.json"
_TIMEOUT_S = 30
_FETCH_AGAIN = (
    "Hämta blanketterna med 'tracker forms fetch' (en administratör kan också hämta dem i appen, under "
    "Ansökan till Socialstyrelsen)."
)


def check_fields(form: Form, data: bytes, hint: str = "") -> None:
    """Refuses a blank whose field names are not the ones the filler knows (``hint``: what to do about a
    file that is no PDF)."""
    found = field_names(data, f"{form.name} ({form.file})", hint)
    if found != form.fields:
        missing, extra = sorted(form.fields - found), sorted(found - form.fields)
        detail = "; ".join(
            part
            for part in (
                f"saknar {', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}" if missing else "",
                f"har nya {', '.join(extra[:3])}{' …' if len(extra) > 3 else ''}" if extra else "",
            )
            if part
        )
        raise FormsError(
            f"{form.name} ({form.file}) har inte de fält ST-trackern fyller i ({detail}). Socialstyrelsen kan ha "
            "ändrat blanketten: ST-trackern behöver uppdateras innan den används."
        )


def blank_form(forms_dir: Path, form: Form) -> bytes:
    path = forms_dir / form.file
    if not path.is_file():
        raise FormsError(f"Blanketten {form.name} ({form.file}) finns inte i {forms_dir}. {_FETCH_AGAIN}")
    try:
        stat = path.stat()
        return _checked(form, str(path), stat.st_mtime_ns, stat.st_size)
    except OSError as exc:
        raise FormsError(f"Blanketten {form.name} ({path}) kan inte läsas. {_FETCH_AGAIN}") from exc


@lru_cache(maxsize=64)
def _checked(form: Form, path: str, mtime_ns: int, size: int) -> bytes:
    """A blank read and checked once for as long as the file stays the same (its time and size)."""
    data = Path(path).read_bytes()
    check_fields(form, data, "Hämta blanketterna igen med 'tracker forms fetch' på servern.")
    return data


def missing_forms(forms_dir: Path, forms: Iterable[Form] = FORMS) -> list[Form]:
    return [f for f in forms if not (forms_dir / f.file).is_file()]


@dataclass(frozen=True)
class Fetched:
    form: Form
    url: str
    sha256: str
    size: int


def _reason(exc: BaseException) -> str:
    """Why a download failed, in Swedish (the library's own English reason stays in the exception chain)."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"servern svarade {exc.code} ({'filen finns inte där' if exc.code == 404 else 'ett fel'})"
    if isinstance(exc, ValueError):
        return "adressen är ingen webbadress (den ska börja med https://)"
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.gaierror):
        return "adressen kunde inte slås upp (ingen internetanslutning, eller fel adress)"
    if isinstance(reason, TimeoutError):
        return f"inget svar inom {_TIMEOUT_S} sekunder"
    if isinstance(reason, ConnectionRefusedError):
        return "servern tog inte emot anslutningen"
    if isinstance(reason, FileNotFoundError):
        return "filen finns inte där"
    return "anslutningen misslyckades"


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as response:  # noqa: S310 - addresses are https or a given mirror
            data: bytes = response.read()
            return data
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise FormsError(f"Kunde inte hämta {url}: {_reason(exc)}.") from exc


def fetch(
    forms_dir: Path,
    source: str | None = None,
    *,
    download: Callable[[str], bytes] = _download,
    progress: Callable[[Form], None] | None = None,
) -> list[Fetched]:
    """Downloads every blank form into ``forms_dir`` (from Socialstyrelsen, or the base address ``source``).
    All are checked before any is written: a form that fails leaves the folder as it was."""
    got: list[tuple[Fetched, bytes]] = []
    for form in FORMS:
        if progress is not None:
            progress(form)
        url = (source.rstrip("/") + "/" + form.file) if source else form.source
        data = download(url)
        check_fields(form, data, f"Adressen {url} gav något annat än blanketten; kontrollera adressen.")
        got.append((Fetched(form, url, hashlib.sha256(data).hexdigest(), len(data)), data))
    record = {}
    when = datetime.now().isoformat(timespec="seconds")
    try:
        forms_dir.mkdir(parents=True, exist_ok=True)
        for f, data in got:
            (forms_dir / f.form.file).write_bytes(data)
            record[f.form.file] = {"form": f.form.name, "url": f.url, "sha256": f.sha256, "size": f.size, "fetched": when}
        (forms_dir / RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise FormsError(f"Blanketterna kunde inte sparas i mappen {forms_dir}: {os_reason(exc)}.") from exc
    return [f for f, _ in got]
