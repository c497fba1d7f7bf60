"""Celery tasks of the application: thin wrappers that take ids and call the receipt services."""

from celery import shared_task

from .receipts import receipt_create, receipt_send


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def receipt_create_task(self, application_id: int, submission_number: int) -> int | None:
    """Make the submission's receipt PDF (once) and e-mail it (once); safe to run again.
    Returns the receipt's id, or None when no receipt could be made (see `receipt_create`)."""
    receipt = receipt_create(application_id=application_id, submission_number=submission_number)
    if receipt is None:
        return None
    receipt_send(receipt=receipt)
    return receipt.pk
