"""Submission (or sending again what the office returned), withdrawal and starting again: the
municipality's transitions, performed by `applications.workflow.APPLICATION`."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import ApplicationError
from ..models import Application, ApplicationStatus
from ..tasks import receipt_create_task
from ..workflow import APPLICATION


def application_submit(*, application: Application, user, now: dt.datetime | None = None) -> Application:
    """Submit (or, when the office asked for more, send again). Re-validates everything with the row
    locked; a double click or retried request submits once. The receipt is made after commit."""
    with transaction.atomic():
        # Choose under the lock, not from the caller's copy: a second request that loaded the
        # returned application before the first one committed finds it submitted, and does nothing.
        status = Application.objects.select_for_update(of=("self",)).values_list("status", flat=True).get(pk=application.pk)
        name = "resubmit" if status == ApplicationStatus.RETURNED else "submit"
        outcome = APPLICATION.perform(application, name, user=user, now=now)  # which reads it again, locked
        submitted = outcome.object
        if outcome.performed:
            number = submitted.submission_count
            # robust: a broker hiccup is logged, never shown to the user as a failed submission
            transaction.on_commit(lambda: receipt_create_task.delay(submitted.pk, number), robust=True)
    return submitted


def application_withdraw(*, application: Application, user, reason: str) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for withdrawing the application."))
    return APPLICATION.perform(application, "withdraw", user=user, data={"reason": reason}).object


def application_reopen(*, application: Application, user) -> Application:
    return APPLICATION.perform(application, "reopen", user=user).object
