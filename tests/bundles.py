"""Import bundles (INTERFACE.md) built from Python rows, for tests.

A ``Bundle`` collects rows per file with the INTERFACE's column names and writes them either as a folder
of CSV files (``write``, what ``tracker import DIR`` reads) or as the frames of text the reader gives
(``frames``, for ``tracker.ingest.load.import_frames``). Values may be given as Python values: dates
are written ÅÅÅÅ-MM-DD, booleans true/false, whole numbers without decimals, None as an empty cell.

An optional column (``bt_part``, ``applies_to``, ``unit_id`` ...) is written only when some row gives
it, so a bundle that never uses one looks exactly like a bundle from before the column existed.

    b = Bundle()
    b.trainee("T1", specialty="Allmänmedicin", st_start_date="2022-01-01", legitimation_date="2021-06-01")
    b.placement("T1", "2022-01-01", "2022-03-31", kind="BT", setting="internmedicin", bt_part="akut_sjukvard")
    b.credit("T1", "annan", 2, applies_to="BT")
    import_frames(con, b.frames())
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

# The columns of each file (INTERFACE.md), then those a file may have besides them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "trainees.csv": (
        "trainee_id", "name", "specialty", "legitimation_date", "swedish_at", "st_start_date",
        "regulation", "doktorsexamen", "bt_approved_date",
    ),
    "placements.csv": ("trainee_id", "kind", "setting", "workplace", "start_date", "end_date", "percent"),
    "leave.csv": ("trainee_id", "kind", "start_date", "end_date", "percent"),
    "credits.csv": ("trainee_id", "kind", "months", "note"),
    "certificates.csv": (
        "certificate_id", "trainee_id", "type", "delmal", "title", "start_date", "end_date",
        "signed_by", "signed_date",
    ),
    "units.csv": ("unit_id", "name", "region", "area", "kind"),
    "people.csv": ("email", "name", "roles"),
    "supervision.csv": ("trainee_id", "email", "role", "start_date", "end_date"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "trainees.csv": ("email", "unit_id", "personnummer"),
    "placements.csv": ("bt_part",),
    "credits.csv": ("applies_to",),
    "certificates.csv": ("status", "signer_email"),
    "people.csv": ("unit_id", "region", "area"),
}
SIGNER = "Signerande Specialist"


def cell(value: object) -> str:
    """A Python value as the text of a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


@dataclass
class Bundle:
    """Rows per file, in the order added; see the module docstring."""

    rows: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {f: [] for f in COLUMNS})
    _next_certificate: int = 0

    # --- rows ------------------------------------------------------------------------------------

    def add(self, file: str, values: Mapping[str, object]) -> dict[str, str]:
        """A row of ``file``; a column it does not give is empty."""
        known = COLUMNS[file] + OPTIONAL.get(file, ())
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise KeyError(f"{file} has no column {', '.join(unknown)}")
        row = {k: cell(v) for k, v in values.items()}
        self.rows[file].append(row)
        return row

    def trainee(
        self,
        trainee_id: str,
        *,
        specialty: str = "Allmänmedicin",
        st_start_date: object = "2022-01-01",
        legitimation_date: object = "2021-06-01",
        swedish_at: bool = False,
        regulation: str = "",
        doktorsexamen: bool = False,
        bt_approved_date: object = None,
        name: str | None = None,
        **optional: object,
    ) -> dict[str, str]:
        """A trainees.csv row. The defaults give an HSLF-FS 2021:8 trainee (no Swedish AT, ST from 2022)."""
        return self.add(
            "trainees.csv",
            {
                "trainee_id": trainee_id,
                "name": name or f"ST-läkare {trainee_id}",
                "specialty": specialty,
                "legitimation_date": legitimation_date,
                "swedish_at": swedish_at,
                "st_start_date": st_start_date,
                "regulation": regulation,
                "doktorsexamen": doktorsexamen,
                "bt_approved_date": bt_approved_date,
                **optional,
            },
        )

    def placement(
        self,
        trainee_id: str,
        start_date: object,
        end_date: object,
        percent: float = 100,
        *,
        kind: str = "ST",
        setting: str = "annan",
        workplace: str = "",
        bt_part: str | None = None,
    ) -> dict[str, str]:
        values: dict[str, object] = {
            "trainee_id": trainee_id, "kind": kind, "setting": setting, "workplace": workplace or f"{setting} {kind}",
            "start_date": start_date, "end_date": end_date, "percent": percent,
        }
        if bt_part is not None:
            values["bt_part"] = bt_part
        return self.add("placements.csv", values)

    def leave(
        self, trainee_id: str, start_date: object, end_date: object, percent: float = 100, *, kind: str = "foraldraledighet"
    ) -> dict[str, str]:
        return self.add(
            "leave.csv",
            {"trainee_id": trainee_id, "kind": kind, "start_date": start_date, "end_date": end_date, "percent": percent},
        )

    def credit(
        self, trainee_id: str, kind: str, months: float, *, note: str = "", applies_to: str | None = None
    ) -> dict[str, str]:
        values: dict[str, object] = {"trainee_id": trainee_id, "kind": kind, "months": months, "note": note or kind}
        if applies_to is not None:
            values["applies_to"] = applies_to
        return self.add("credits.csv", values)

    def certificate(
        self,
        trainee_id: str,
        cert_type: str,
        delmal: Sequence[str] = (),
        *,
        signed_date: object = None,
        signed_by: str | None = None,
        title: str = "",
        start_date: object = None,
        end_date: object = None,
        certificate_id: str | None = None,
    ) -> dict[str, str]:
        """A certificates.csv row of type ``cert_type``; signed when ``signed_date`` is given (by ``SIGNER``
        unless named)."""
        if certificate_id is None:
            self._next_certificate += 1
            certificate_id = f"{trainee_id}-C{self._next_certificate}"
        if signed_by is None and signed_date is not None:
            signed_by = SIGNER
        return self.add(
            "certificates.csv",
            {
                "certificate_id": certificate_id, "trainee_id": trainee_id, "type": cert_type, "delmal": tuple(delmal),
                "title": title or type, "start_date": start_date, "end_date": end_date,
                "signed_by": signed_by, "signed_date": signed_date,
            },
        )

    def unit(self, unit_id: str, region: str, area: str, *, name: str | None = None, kind: str = "vardcentral") -> dict[str, str]:
        return self.add(
            "units.csv", {"unit_id": unit_id, "name": name or f"Enhet {unit_id}", "region": region, "area": area, "kind": kind}
        )

    def person(self, email: str, name: str, roles: Sequence[str] = ("handledare",), **scope: object) -> dict[str, str]:
        """A people.csv row; ``scope`` gives unit_id, region or area."""
        return self.add("people.csv", {"email": email, "name": name, "roles": tuple(roles), **scope})

    def supervisor(
        self, trainee_id: str, email: str, start_date: object, end_date: object = None, *, role: str = "huvudhandledare"
    ) -> dict[str, str]:
        return self.add(
            "supervision.csv",
            {"trainee_id": trainee_id, "email": email, "role": role, "start_date": start_date, "end_date": end_date},
        )

    def cover(
        self,
        trainee_id: str,
        requirements: Iterable[object],
        signed_date: object,
        *,
        late: Mapping[str, object] | None = None,
    ) -> None:
        """Signed certificates covering every requirement group of ``requirements`` (objects with ``code``
        and ``required``, as ``tracker.store.catalogue.requirements`` gives): one certificate per activity
        type (the first of each group) listing every delmål that needs it.

        ``late`` gives another signature date for some activity types (e.g. ``{"vetenskap": ...}``)."""
        by_type: dict[str, list[str]] = {}
        for req in requirements:
            for group in req.required:  # type: ignore[attr-defined]
                codes = by_type.setdefault(group[0], [])
                if req.code not in codes:  # type: ignore[attr-defined]
                    codes.append(req.code)  # type: ignore[attr-defined]
        for activity, codes in by_type.items():
            when = (late or {}).get(activity, signed_date)
            self.certificate(trainee_id, activity, codes, signed_date=when, title=f"{activity} ({len(codes)} delmål)")

    # --- output ----------------------------------------------------------------------------------

    def files(self) -> list[str]:
        """The files with rows (trainees.csv always)."""
        return [f for f in COLUMNS if f == "trainees.csv" or self.rows[f]]

    def columns(self, file: str) -> list[str]:
        """The file's columns, and the optional ones some row gives."""
        used = {k for r in self.rows[file] for k in r}
        return list(COLUMNS[file]) + [c for c in OPTIONAL.get(file, ()) if c in used]

    def table(self, file: str) -> list[list[str]]:
        cols = self.columns(file)
        return [[r.get(c, "") for c in cols] for r in self.rows[file]]

    def frames(self) -> dict[str, pd.DataFrame]:
        """The bundle as ``tracker.ingest.read`` gives it: text frames indexed by line - 2."""
        return {
            f: pd.DataFrame(self.table(f), columns=self.columns(f), index=range(len(self.rows[f])), dtype=str)
            for f in self.files()
        }

    def write(self, folder: str | Path) -> Path:
        """The bundle as a folder of UTF-8 CSV files; returns the folder."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for f in self.files():
            with (out / f).open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(self.columns(f))
                w.writerows(self.table(f))
        return out
