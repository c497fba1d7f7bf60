"""What casework draws on the application side's pages, and what it hides there (registered in
`CaseworkConfig.ready()`): the decision and its letter on the application's page, once the
municipality may know of it."""

from django.template.loader import render_to_string

from applications.models import ApplicationStatus

from .rules import decision_known_to_applicant
from .selectors import decision_or_none


def applicant_status_mask(application) -> str | None:
    """A decided application is still "in assessment" to the municipality until its letter is sent."""
    if application.status == ApplicationStatus.DECIDED and not decision_known_to_applicant(decision_or_none(application)):
        return ApplicationStatus.IN_ASSESSMENT
    return None


def decision_panel(request, application) -> str:
    decision = decision_or_none(application)
    if not decision_known_to_applicant(decision) or not decision.letter_pdf:
        return ""
    return render_to_string("casework/includes/decision_panel.html", {"application": application, "decision": decision})
