"""The editor's hand-over: the application is marked ready for signature (a recorded fact, see
`models.SignatureRequest`), and its signatories are told after commit."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..exceptions import ApplicationError
from ..handover import signature_request_notify
from ..models import Application, ApplicationEvent, EventKind, SignatureRequest
from ..permissions import can_mark_ready_for_signature
from ..selectors import application_changed_since, signature_request_current
from ..tasks import signature_request_email_task
from ..workflow import application_is_complete


def application_mark_ready_for_signature(*, application: Application, user,
                                         now: dt.datetime | None = None) -> tuple[SignatureRequest, bool]:
    """Mark the application ready for the signatory to submit, and tell its signatories (in the
    portal and by e-mail, after commit). Only an editor, while the application may be edited, and
    only when nothing is missing (the same problems that stop a submission).

    Returns (the mark, whether it was made now). Marking again when nothing changed since the last
    mark (a double click) makes no new mark and tells nobody again; after a change it is a new mark
    and the signatories are told again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (Application.objects.select_for_update(of=("self",)).select_related("round__office", "organisation")
                  .get(pk=application.pk))
        verdict = can_mark_ready_for_signature(user, locked, now)
        if not verdict:
            raise ApplicationError(str(verdict.reason))
        incomplete = application_is_complete(locked, user, now)
        if incomplete:
            raise ApplicationError(incomplete)
        current = signature_request_current(application=locked)
        if current is not None and application_changed_since(application=locked, since=current.requested_at) is None:
            return current, False
        request = SignatureRequest.objects.create(application=locked, submission_number=locked.submission_count + 1,
                                                  requested_by=user, requested_at=now)
        ApplicationEvent.objects.create(application=locked, actor=user, kind=EventKind.READY_FOR_SIGNATURE,
                                        object_id=request.pk)
        request_id = request.pk
        transaction.on_commit(lambda: signature_request_notify(request_id=request_id), robust=True)
        transaction.on_commit(lambda: signature_request_email_task.delay(request_id), robust=True)
    return request, True
