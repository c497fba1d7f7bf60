"""Celery tasks of the application: thin wrappers that take ids and call the receipt services.
Task names are explicit, so a message queued before a deploy still finds its task after it."""

import logging

from celery import shared_task

from .handover import signature_request_email
from .receipts import receipt_create, receipt_send
from .selectors import receipts_missing, receipts_not_emailed, receipts_stuck, signature_requests_not_emailed

logger = logging.getLogger(__name__)


@shared_task(name="applications.receipt", bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def receipt_create_task(self, application_id: int, submission_number: int) -> int | None:
    """Make the submission's receipt PDF (once) and e-mail it (at most once); safe to run again.
    Returns the receipt's id, or None when no receipt could be made (see `receipt_create`)."""
    receipt = receipt_create(application_id=application_id, submission_number=submission_number)
    if receipt is None:
        return None
    receipt_send(receipt=receipt)
    return receipt.pk


@shared_task(name="applications.receipts_catch_up")
def receipts_catch_up_task() -> int:
    """Periodic (Celery beat): queue again the receipts whose task was lost (a broker outage at
    commit) or gave up, before the PDF was made or before it was e-mailed. The task makes the PDF
    once and sends the e-mail at most once, so this is always safe. Returns how many."""
    missing = list(dict.fromkeys([*receipts_missing(), *receipts_not_emailed()]))
    for application_id, submission_number in missing:
        receipt_create_task.delay(application_id, submission_number)
    stuck = list(receipts_stuck().values_list("pk", flat=True))
    if stuck:  # never silent: at each run while it lasts (the offices see them on their home page)
        logger.error("The receipts of applications %s are still not made an hour or more after their submission; "
                     "tried again.", stuck)
    return len(missing)


@shared_task(name="applications.signature_request_email", bind=True, autoretry_for=(Exception,), retry_backoff=True,
             max_retries=5)
def signature_request_email_task(self, request_id: int) -> int:
    """E-mail the organisation's signatories that an editor marked its application ready for
    signature: each at most once per mark; retried when one certainly was not sent."""
    return signature_request_email(request_id=request_id)


@shared_task(name="applications.signature_requests_catch_up")
def signature_requests_catch_up_task() -> int:
    """Periodic (Celery beat): queue again the hand-over e-mails certainly not sent (a broker outage
    at commit, a task that gave up). Safe: each signatory is e-mailed at most once per mark. The
    signatories were told in the portal at once (a notification, written in the mark's transaction's
    wake without the broker). Returns how many."""
    missing = signature_requests_not_emailed()
    for request_id in missing:
        signature_request_email_task.delay(request_id)
    return len(missing)
