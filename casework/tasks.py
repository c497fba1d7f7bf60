"""Celery tasks of casework: thin wrappers that take ids and call the letter services. Task names
are explicit, so a message queued before a deploy still finds its task after it."""

import logging

from celery import shared_task

from .exceptions import CaseworkError
from .letters import decision_letter_create, decision_letter_email, information_request_email
from .selectors import decision_letters_not_emailed, information_requests_not_emailed, letters_missing, letters_stuck

logger = logging.getLogger(__name__)

RETRIED = {"bind": True, "autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="casework.decision_letter", **RETRIED)
def decision_letter_task(self, decision_id: int) -> int | None:
    """Make the approved decision's letter PDF, once; safe to run again. Returns the decision's id,
    or None when the decision is not approved (nothing to make; retrying would not change that)."""
    try:
        return decision_letter_create(decision_id=decision_id).pk
    except CaseworkError:
        logger.warning("No letter made for decision %s: it is not approved.", decision_id)
        return None


@shared_task(name="casework.decision_letter_email", **RETRIED)
def decision_letter_email_task(self, decision_id: int) -> bool:
    """E-mail the sent decision's letter to the municipality, at most once; retried when it certainly
    was not sent (`portal.mail`)."""
    return decision_letter_email(decision_id=decision_id)


@shared_task(name="casework.information_request_email", **RETRIED)
def information_request_email_task(self, application_id: int) -> bool:
    """E-mail the municipality what the office asked for, at most once per request."""
    return information_request_email(application_id=application_id)


@shared_task(name="casework.letters_catch_up")
def letters_catch_up_task() -> int:
    """Periodic (Celery beat): queue again what a lost task (a broker outage at commit) or one that
    gave up left undone: the letters of approved decisions, the e-mails of sent letters and of
    requests for information certainly not sent. Each task makes once and sends at most once, so
    this is always safe. Returns how many tasks it queued."""
    missing = letters_missing()
    for decision_id in missing:
        decision_letter_task.delay(decision_id)
    letters = decision_letters_not_emailed()
    for decision_id in letters:
        decision_letter_email_task.delay(decision_id)
    requests = information_requests_not_emailed()
    for application_id in requests:
        information_request_email_task.delay(application_id)
    stuck = list(letters_stuck().values_list("pk", flat=True))
    if stuck:  # never silent: at each run while it lasts (the offices see them on their home page)
        logger.error("The letters of decisions %s are still not made an hour or more after their approval; "
                     "tried again.", stuck)
    return len(missing) + len(letters) + len(requests)

