"""Celery tasks of the application: thin wrappers that take ids and call the receipt, letter and
notification services."""

import logging

from celery import shared_task

from .letters import decision_letter_create, decision_letter_email, information_request_email
from .receipts import receipt_create, receipt_send
from .services import ApplicationError

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def receipt_create_task(self, application_id: int, submission_number: int) -> int | None:
    """Make the submission's receipt PDF (once) and e-mail it (once); safe to run again.
    Returns the receipt's id, or None when no receipt could be made (see `receipt_create`)."""
    receipt = receipt_create(application_id=application_id, submission_number=submission_number)
    if receipt is None:
        return None
    receipt_send(receipt=receipt)
    return receipt.pk


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def decision_letter_task(self, decision_id: int) -> int | None:
    """Make the approved decision's letter PDF, once; safe to run again. Returns the decision's id,
    or None when the decision is not approved (nothing to make; retrying would not change that)."""
    try:
        return decision_letter_create(decision_id=decision_id).pk
    except ApplicationError:
        logger.warning("No letter made for decision %s: it is not approved.", decision_id)
        return None


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def decision_letter_email_task(self, decision_id: int) -> bool:
    """E-mail the sent decision's letter to the municipality, once; retried when the mail server fails."""
    return decision_letter_email(decision_id=decision_id)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def information_request_notify_task(self, application_id: int) -> bool:
    """E-mail the municipality what the office asked for, once per request."""
    return information_request_email(application_id=application_id)


@shared_task(name="applications.documents_catch_up")
def documents_catch_up_task() -> dict:
    """Periodic (Celery beat): queue again the receipts and decision letters whose task was lost
    (a broker outage at commit) or gave up. Both tasks are idempotent, so this is always safe."""
    from .services import documents_missing

    receipts, letters = documents_missing()
    for application_id, submission_number in receipts:
        receipt_create_task.delay(application_id, submission_number)
    for decision_id in letters:
        decision_letter_task.delay(decision_id)
    return {"receipts": len(receipts), "letters": len(letters)}
