"""Documents about one trainee, read within the actor's scope: the IUP / progress report as a PDF.

Who may have a trainee's report: the trainee, their current handledare, the studierektor or
verksamhetschef of the trainee's unit and an administrator (the scope of ``access.require_read``); anyone
else is refused. The report shows no personnummer. A report made by anyone but the trainee is an audit
row, since it carries the record out of the app.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from tracker.accounts import Actor
from tracker.documents.report import LEAVE, BTSummary, CoveringCertificate, DelmalLine, Period, ReportData, render
from tracker.domain import LEAVE_LABELS, SETTING_LABELS, STATUS_UPPFYLLT, as_date
from tracker.rules.facts import BT_MIN_ACUTE, BT_MIN_MONTHS, BT_MIN_PRIMARY
from tracker.services.shared import record_audit, records_of
from tracker.services.trainees import TraineeView, handledare_for, trainee_view
from tracker.store import Connection, transaction

# The command line's operator of the database file reads every record (as ``tracker export`` without
# ``--as``); this reader is never written to the audit log or anywhere else.
_OPERATOR = Actor(person_id="", name="", roles=frozenset({"admin"}))


def iup_report(con: Connection, actor: Actor, trainee_id: str, as_of: date) -> bytes:
    """The trainee's IUP / progress report per ``as_of`` as the bytes of an A4 PDF (``tracker.documents.report``)."""
    pdf = render(report_data(con, actor, trainee_id, as_of))
    if actor.trainee_id != trainee_id:
        with transaction(con) as cur:
            record_audit(
                cur, actor, "report", "iup_report", trainee_id, trainee_id, None, {"as_of": as_of, "bytes": len(pdf)}
            )
    return pdf


def operator_report(con: Connection, trainee_id: str, as_of: date) -> bytes:
    """The report for the operator of the database file (``tracker report`` without ``--as``): no scope, no
    audit row, as the command line's export and import. Not re-exported from ``tracker.services``: the app
    never reads without a scope."""
    return render(report_data(con, _OPERATOR, trainee_id, as_of))


def report_data(con: Connection, actor: Actor, trainee_id: str, as_of: date) -> ReportData:
    """What the report shows, read with the actor's scope (``trainee_view``, ``handledare_for``)."""
    tv = trainee_view(con, actor, trainee_id, as_of)
    supervisors = handledare_for(con, actor, trainee_id)
    return _data(tv, supervisors, as_of)


def _names(supervisors: pd.DataFrame, kind: str) -> tuple[str, ...]:
    return tuple(str(n) for n in supervisors.loc[supervisors["kind"] == kind, "name"])


def _data(tv: TraineeView, supervisors: pd.DataFrame, as_of: date) -> ReportData:
    info, rec, progress = tv.info, tv.record, tv.progress
    periods = [
        Period(p.kind, SETTING_LABELS.get(p.setting, p.setting), p.start_date, p.end_date, p.percent)
        for p in rec.placements
    ] + [Period(LEAVE, LEAVE_LABELS.get(lv.kind, lv.kind), lv.start_date, lv.end_date, lv.percent) for lv in rec.leave]

    live = [
        (
            list(r["delmal"]),
            CoveringCertificate(
                type_label=str(r["type_label"]),
                title=r["title"] if isinstance(r["title"], str) else "",
                signed_date=as_date(r["signed_date"]),
                status_label=str(r["status_label"]),
            ),
        )
        for r in records_of(tv.certificates)
        if r["status"] != "makulerat"
    ]
    live.sort(key=lambda dc: (dc[1].signed_date or date.max, dc[1].title))

    def covering(code: str) -> tuple[CoveringCertificate, ...]:
        return tuple(c for codes, c in live if code in codes)

    delmal = tuple(
        DelmalLine(str(r["code"]), str(r["title"]), str(r["status"]), bool(r["is_bt"]), covering(str(r["code"])))
        for r in records_of(tv.delmal)
    )
    bt = None
    if progress.bt is not None:
        b = progress.bt
        bt = BTSummary(
            months=b.months,
            primary_care_months=b.primary_care_months,
            acute_care_months=b.acute_care_months,
            credited_months=b.credited_months,
            required_months=BT_MIN_MONTHS,
            required_primary=BT_MIN_PRIMARY,
            required_acute=BT_MIN_ACUTE,
            delmal_done=sum(1 for v in b.delmal.values() if v == STATUS_UPPFYLLT),
            delmal_total=len(b.delmal),
            approved_date=rec.trainee.bt_approved_date if b.approved else None,
            ready_for_application=b.ready_for_application,
        )
    return ReportData(
        trainee_id=rec.trainee.trainee_id,
        name=str(info.get("name") or rec.trainee.name),
        specialty=str(info.get("specialty") or rec.trainee.specialty),
        regulation=progress.regulation,
        st_start=as_date(info.get("st_start_date")) or rec.trainee.st_start_date,
        unit=str(info.get("unit_name") or ""),
        region=str(info.get("region_name") or ""),
        huvudhandledare=_names(supervisors, "huvudhandledare"),
        handledare=_names(supervisors, "handledare"),
        as_of=as_of,
        required_months=progress.required_months,
        service_months=progress.service_months,
        credited_months=progress.credited_months,
        projected_completion=progress.projected_completion_date,
        bt=bt,
        periods=tuple(periods),
        delmal=delmal,
        missing_items=tuple(m.text for m in progress.missing_items),
        notices=tuple(progress.notices),
    )
