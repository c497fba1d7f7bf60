"""What casework draws on the application side's pages, and what it hides there (registered in
`CaseworkConfig.ready()`): the decision and its letter on the application's page, once the
municipality may know of it."""

from django.template.loader import render_to_string
from django.utils import timezone

from applications.models import ApplicationStatus, LinePart, MeasureKind
from applications.permissions import is_applicant, is_office_staff_of

from .permissions import can_lodge_appeal
from .rules import appeal_deadline, appeal_within_deadline, decision_known_to_applicant
from .selectors import decision_or_none


def applicant_status_mask(application) -> str | None:
    """A decided application is still "in assessment" to the municipality until its letter is sent."""
    if application.status == ApplicationStatus.DECIDED and not decision_known_to_applicant(decision_or_none(application)):
        return ApplicationStatus.IN_ASSESSMENT
    return None


def decision_panel(request, application) -> str:
    """The decision as its letter gives it (outcome, each line's award beside what was applied for,
    reasons, conditions, reporting deadline, the letter) and the appeal: its deadline, the way to
    lodge one online, the appeals received. Nothing before the letter is sent."""
    decision = decision_or_none(application)
    if not decision_known_to_applicant(decision) or not decision.letter_pdf:
        return ""
    deadline = appeal_deadline(decision)
    kinds = dict(MeasureKind.choices)
    return render_to_string("casework/includes/decision_panel.html", {
        "application": application,
        "decision": decision,
        "lines": [{**line, "part_label": LinePart(line["part"]).label, "kind_label": kinds.get(line["kind"], "")}
                  for line in decision.lines],
        "appeal_deadline": deadline,
        "appeal_deadline_passed": not appeal_within_deadline(decision, timezone.localdate()),
        "can_lodge_appeal": bool(can_lodge_appeal(request.user, application)),
        "is_applicant": is_applicant(request.user, application),
        "is_office_staff": is_office_staff_of(request.user, application),
        "appeals": list(decision.appeals.order_by("received_on", "pk")),
    })
