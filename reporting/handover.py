"""The hand-over of a report to the signatory, after commit: the organisation's signatories are told
that an editor has marked its report ready for signature, in the portal and by e-mail (each at most
once per mark, in the organisation's language form). As `applications.handover` for the application."""

import logging

from django.conf import settings
from django.urls import reverse

from applications.selectors import signatories_of
from portal.language_forms import written_language_form
from portal.mail import render_email, send_once_each
from portal.offices import office_title
from portal.services import notify

from .models import ReportSignatureRequest
from .notifications import ReportNotice
from .selectors import report_signature_request_current, report_signature_request_email_key

logger = logging.getLogger(__name__)


def _request(request_id: int) -> ReportSignatureRequest:
    return (ReportSignatureRequest.objects
            .select_related("report__application__round__scheme", "report__application__round__office",
                            "report__application__organisation", "requested_by")
            .get(pk=request_id))


def report_signature_request_notify(*, request_id: int) -> int:
    """Tell the signatories in the portal (a notification linked to the report). Returns how many."""
    request = _request(request_id)
    application = request.report.application
    return notify(users=signatories_of(organisation_id=application.organisation_id),
                  kind=ReportNotice.REPORT_READY_FOR_SIGNATURE, url=request.report.get_absolute_url(),
                  data={"organisation": application.organisation.name, "editor": str(request.requested_by),
                        "application": application.pk, "request": request.pk})


def report_signature_request_email(*, request_id: int) -> int:
    """E-mail each signatory once per mark. Returns how many were sent now; raises EmailNotSent (the
    task retries) when one certainly was not sent. Nothing for a mark the report moved past."""
    request = _request(request_id)
    report = request.report
    current = report_signature_request_current(report=report)
    if current is None or current.pk != request.pk:
        logger.info("Report signature request %s is no longer current; no e-mail sent.", request_id)
        return 0
    application = report.application
    language = written_language_form(application.organisation, application.round.office)
    context = {
        "report": report, "application": application, "organisation": application.organisation,
        "round": application.round, "scheme": application.round.scheme, "editor": request.requested_by,
        "request": request, "office": office_title(application.round.office, application.round.year, language=language),
        "link": settings.PORTAL_BASE_URL.rstrip("/") + reverse("reporting:report", kwargs={"pk": application.pk}),
    }
    subject, body = render_email(subject_template="reporting/email/signature_request_subject.txt",
                                 body_template="reporting/email/signature_request_body.txt",
                                 context=context, language=language)
    return send_once_each(
        messages=[(report_signature_request_email_key(request.pk, signatory.pk), signatory.email)
                  for signatory in signatories_of(organisation_id=application.organisation_id)],
        subject=subject, body=body, language=language, office_id=application.round.office_id)
