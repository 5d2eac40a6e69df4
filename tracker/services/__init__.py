"""The service layer the user interface calls: scoped reads and audited, validated writes.

Every function takes ``(con, actor, ...)`` and checks the actor's scope itself, so a hidden page or a
shared component can never read more than the person may see:

- ST-läkare: their own record; they add placements, leave and certificates (as 'utkast') and send an
  unsigned certificate to one of their current handledare for signature.
- Handledare: trainees with a supervision row for them covering today; read-only, plus signing or
  returning certificates addressed to them.
- Studierektor: trainees whose unit lies in their region or area; aggregates and the intressent queue.
- Verksamhetschef: trainees and intressenter of their units.
- Admin: everything.

Each write runs in one transaction and records an ``audit_log`` row (before/after as JSON).

Modules: ``access`` (scope and checks), ``trainees`` (reads for one trainee), ``aggregates`` (cohort
pages), ``records`` (writes, sign-off and voiding), ``audit`` (the read-only audit trail), ``intressenter`` (the ST-intressent queue), ``imports``
(file import), ``reliability`` (what the delmål catalogue marks as not to be trusted) and ``validation``
(input of writes). Callers use the names re-exported here.
"""

from tracker.accounts import Actor
from tracker.errors import AccessDenied, InputError, StateConflict
from tracker.rules.facts import RISK_LATE_SHARE, RISK_LEAVE_DAYS, RISK_PACE, RISK_PACE_MIN_ELAPSED
from tracker.rules.planning import PlannedLeave
from tracker.services.access import can_read
from tracker.services.advice import next_steps, readiness
from tracker.services.aggregates import (
    ALL,
    CohortFilter,
    at_risk,
    bins_of,
    breakdown_of,
    bt_overview,
    bt_waiting,
    cohort,
    cohort_breakdown,
    completions_of,
    course_gaps,
    delmal_bottlenecks,
    delmal_long,
    expected_specialists,
    progress_bins,
    risks_of,
    supervisor_table,
    trainee_table,
    warm_up,
)
from tracker.services.audit import ACTION_LABELS, ENTITY_LABELS, audit_csv, audit_trail, export_audit_csv
from tracker.services.certificates import (
    VERKSAMHETSCHEF_TYPES,
    add_certificate,
    pending_signatures,
    reissue_certificate,
    request_signature,
    return_certificate,
    sign_certificate,
    signers_for,
    stale_requests,
    update_certificate,
    void_certificate,
)
from tracker.services.entries import add_credit, add_leave, add_placement, bas_choices, record_bevis_bas
from tracker.services.imports import BUNDLE_COLUMNS, check_import, run_import
from tracker.services.intressenter import (
    DOCUMENTS,
    STEP_LABELS,
    enrol_intressent,
    intressent_history,
    intressent_queue,
    intressent_stats,
    move_intressent,
    update_intressent_documents,
)
from tracker.services.reliability import CatalogueDoubts, catalogue_doubts
from tracker.services.roles import add_role, link_identity, remove_role, replace_catalogue, role_assignments
from tracker.services.trainees import (
    STATUS_LABELS,
    TraineeView,
    certificates,
    delmal_catalogue,
    delmal_detail,
    handledare_for,
    timeline,
    trainee_name,
    trainee_overview,
    trainee_record,
    trainee_unit,
    trainee_view,
    units,
    visible_trainees,
    what_if,
)
from tracker.services.validation import CERTIFICATE_INPUT, LEAVE_INPUT, PLACEMENT_INPUT
from tracker.store import Connection

__all__ = [
    "ACTION_LABELS",
    "ALL",
    "BUNDLE_COLUMNS",
    "CERTIFICATE_INPUT",
    "DOCUMENTS",
    "ENTITY_LABELS",
    "LEAVE_INPUT",
    "PLACEMENT_INPUT",
    "RISK_LATE_SHARE",
    "RISK_LEAVE_DAYS",
    "RISK_PACE",
    "RISK_PACE_MIN_ELAPSED",
    "STATUS_LABELS",
    "STEP_LABELS",
    "VERKSAMHETSCHEF_TYPES",
    "AccessDenied",
    "Actor",
    "CatalogueDoubts",
    "Connection",
    "CohortFilter",
    "InputError",
    "PlannedLeave",
    "StateConflict",
    "TraineeView",
    "add_certificate",
    "add_credit",
    "add_leave",
    "add_placement",
    "bas_choices",
    "add_role",
    "at_risk",
    "bins_of",
    "breakdown_of",
    "audit_csv",
    "audit_trail",
    "bt_overview",
    "bt_waiting",
    "can_read",
    "catalogue_doubts",
    "check_import",
    "certificates",
    "cohort",
    "cohort_breakdown",
    "completions_of",
    "course_gaps",
    "delmal_bottlenecks",
    "delmal_catalogue",
    "delmal_detail",
    "delmal_long",
    "enrol_intressent",
    "export_audit_csv",
    "expected_specialists",
    "handledare_for",
    "intressent_history",
    "intressent_queue",
    "intressent_stats",
    "link_identity",
    "move_intressent",
    "next_steps",
    "pending_signatures",
    "progress_bins",
    "risks_of",
    "readiness",
    "record_bevis_bas",
    "reissue_certificate",
    "remove_role",
    "replace_catalogue",
    "request_signature",
    "return_certificate",
    "role_assignments",
    "run_import",
    "sign_certificate",
    "signers_for",
    "stale_requests",
    "supervisor_table",
    "timeline",
    "trainee_name",
    "trainee_overview",
    "trainee_record",
    "trainee_table",
    "trainee_unit",
    "trainee_view",
    "units",
    "update_certificate",
    "update_intressent_documents",
    "visible_trainees",
    "void_certificate",
    "warm_up",
    "what_if",
]
