"""The hand-over to the signatory, after commit: the signatories of the organisation are told that
an editor has marked its application ready for signature, in the portal and by e-mail (each
signatory's e-mail at most once per mark, in the organisation's language form).

`services.application_mark_ready_for_signature` queues both after commit; the e-mail goes through
`tasks.signature_request_email_task`, safe to run again (`portal.mail.send_once` per signatory)."""

import logging

from django.conf import settings
from django.urls import reverse

from portal.language_forms import written_language_form
from portal.mail import render_email, send_once_each
from portal.offices import office_title
from portal.services import notify

from .models import SignatureRequest
from .notifications import ApplicationNotice
from .selectors import signatories_of, signature_request_current, signature_request_email_key

logger = logging.getLogger(__name__)


def _request(request_id: int) -> SignatureRequest:
    return (SignatureRequest.objects.select_related("application__round__scheme", "application__round__office",
                                                    "application__organisation", "requested_by")
            .get(pk=request_id))


def _still_current(request: SignatureRequest) -> bool:
    """A mark the application has moved past (submitted, marked again) is told of no more."""
    current = signature_request_current(application=request.application)
    return current is not None and current.pk == request.pk


def signature_request_notify(*, request_id: int) -> int:
    """Tell the signatories in the portal (a notification linked to the check page). Returns how many."""
    request = _request(request_id)
    application = request.application
    return notify(
        users=signatories_of(organisation_id=application.organisation_id),
        kind=ApplicationNotice.READY_FOR_SIGNATURE,
        url=reverse("applications:check", kwargs={"pk": application.pk}),
        data={"organisation": application.organisation.name, "editor": str(request.requested_by),
              "application": application.pk, "request": request.pk},
    )


def signature_request_email(*, request_id: int) -> int:
    """E-mail each signatory of the organisation, once per mark. Returns how many were sent now.
    Raises EmailNotSent (the task retries) when one certainly was not sent; the others are not sent
    again on the retry."""
    request = _request(request_id)
    if not _still_current(request):
        logger.info("Signature request %s is no longer current; no e-mail sent.", request_id)
        return 0
    application = request.application
    language = written_language_form(application.organisation, application.round.office)
    context = {
        "application": application, "organisation": application.organisation, "round": application.round,
        "scheme": application.round.scheme, "editor": request.requested_by, "request": request,
        "office": office_title(application.round.office, application.round.year, language=language),
        "link": settings.PORTAL_BASE_URL.rstrip("/") + reverse("applications:check", kwargs={"pk": application.pk}),
    }
    subject, body = render_email(subject_template="applications/email/signature_request_subject.txt",
                                 body_template="applications/email/signature_request_body.txt",
                                 context=context, language=language)
    return send_once_each(
        messages=[(signature_request_email_key(request.pk, signatory.pk), signatory.email)
                  for signatory in signatories_of(organisation_id=application.organisation_id)],
        subject=subject, body=body, language=language, office_id=application.round.office_id)
