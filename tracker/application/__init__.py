"""The application to Socialstyrelsen: its official forms filled from the records.

``forms`` (which forms, where they come from), ``folder`` (the downloaded blanks, checked), ``content``
(every field's value, pure), ``pdf`` (filling and merging with pypdf), ``package`` (reading a trainee and
writing the package: the forms, ``ansokan.pdf``, ``ansokan.zip``, ``manifest.json``).
"""

from tracker.application.folder import fetch, missing_forms
from tracker.application.forms import FORMS, Form
from tracker.application.package import Package, build, read_application

__all__ = ["FORMS", "Form", "Package", "build", "fetch", "missing_forms", "read_application"]
