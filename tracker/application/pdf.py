"""Filling Socialstyrelsen's fillable PDFs (AcroForm fields, by name: no coordinates) and merging them.

pypdf writes each value into its field and the document asks the viewer to draw the fields
(NeedAppearances), so Swedish letters show in every viewer with the form's own font. Signature fields
are never written. In the merged ``ansokan.pdf`` every form's fields get a prefix ("b03 Efternamn"),
since the forms share field names and a viewer would otherwise show one value in all of them.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Mapping, Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from tracker.errors import FormsError

CHECKED = "/Ja"  # the "on" state of the forms' check boxes

# pypdf reports every field whose font it cannot find (the forms use Century Gothic, not embedded) on
# this logger; the viewer draws the fields from NeedAppearances, so that is no fault of the package.
logging.getLogger("pypdf.generic._appearance_stream").setLevel(logging.ERROR)


def _reader(data: bytes, what: str, hint: str = "") -> PdfReader:
    try:
        return PdfReader(io.BytesIO(data))
    except (PyPdfError, ValueError, OSError) as exc:  # pypdf's own (English) reason stays in the chain
        raise FormsError(f"{what} är ingen läsbar PDF-fil: den är skadad eller av fel sort.{' ' + hint if hint else ''}") from exc


def field_names(data: bytes, what: str = "Blanketten", hint: str = "") -> set[str]:
    """The fully qualified names of a PDF's terminal form fields (buttons included); ``hint`` ends the
    message of a file that is no PDF (what to do about it)."""
    return set(_reader(data, what, hint).get_fields() or {})


def field_values(data: bytes) -> dict[str, str]:
    """Every field that holds a value, name -> value as text ("/Ja" for a checked box)."""
    out: dict[str, str] = {}
    for name, f in (_reader(data, "PDF-filen").get_fields() or {}).items():
        v = f.get("/V")
        if v not in (None, "", "/Off"):
            out[name] = str(v)
    return out


def _qualified(annot: DictionaryObject) -> str:
    parts: list[str] = []
    node: DictionaryObject | None = annot
    while node is not None:
        if "/T" in node:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(parts))


def _detach(writer: PdfWriter, pages: Iterable[int]) -> None:
    """Give the widgets on ``pages`` that belong to a field with widgets elsewhere a field of their own."""
    acro = writer.root_object["/AcroForm"].get_object()
    assert isinstance(acro, DictionaryObject)
    fields = acro["/Fields"]
    assert isinstance(fields, ArrayObject)
    for index in pages:
        for ref in writer.pages[index].get("/Annots") or []:
            annot = ref.get_object()
            parent_ref = annot.get("/Parent")
            if parent_ref is None or "/T" in annot:
                continue
            parent = parent_ref.get_object()
            kids: ArrayObject = parent["/Kids"]
            if len(kids) < 2:
                continue
            name = _qualified(parent)
            kids[:] = [k for k in kids if k.get_object() is not annot]
            del annot["/Parent"]
            annot[NameObject("/T")] = TextStringObject(f"{name} (sida {index + 1})")
            annot[NameObject("/FT")] = parent.get("/FT", NameObject("/Tx"))
            fields.append(ref)


def fill(blank: bytes, values: Mapping[str, str], *, detach_pages: Sequence[int] = (), what: str = "Blanketten") -> bytes:
    """The blank with ``values`` (field name -> text, or CHECKED for a check box) written into it."""
    writer = PdfWriter(clone_from=_reader(blank, what))
    if detach_pages:
        _detach(writer, detach_pages)
    for page in writer.pages:
        writer.update_page_form_field_values(page, dict(values), auto_regenerate=False)
    writer.set_need_appearances_writer(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def merge(documents: Sequence[tuple[str, bytes]]) -> bytes:
    """One PDF of ``documents`` (prefix, filled form) in order, each form's fields under its prefix."""
    merged = PdfWriter()
    for prefix, data in documents:
        reader = _reader(data, "Ett ifyllt formulär")
        acro = reader.root_object.get("/AcroForm")
        for ref in (acro.get_object().get("/Fields", []) if acro is not None else []):
            field = ref.get_object()
            field[NameObject("/T")] = TextStringObject(f"{prefix} {field.get('/T', '')}")
        merged.append(reader)
    # The forms embed the same fonts and images: kept once, the merged file is a few per cent of their sum.
    merged.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    merged.set_need_appearances_writer(True)
    out = io.BytesIO()
    merged.write(out)
    return out.getvalue()
