"""Celery tasks of reporting: thin wrappers that take ids. Task names are explicit, so a message
queued before a deploy still finds its task after it."""

from celery import shared_task

from .handover import report_signature_request_email
from .selectors import report_signature_requests_not_emailed


@shared_task(name="reporting.signature_request_email", bind=True, autoretry_for=(Exception,), retry_backoff=True,
             max_retries=5)
def report_signature_request_email_task(self, request_id: int) -> int:
    """E-mail the organisation's signatories that an editor marked its report ready for signature:
    each at most once per mark; retried when one certainly was not sent."""
    return report_signature_request_email(request_id=request_id)


@shared_task(name="reporting.signature_requests_catch_up")
def report_signature_requests_catch_up_task() -> int:
    """Periodic (Celery beat): queue again the report hand-over e-mails certainly not sent (a broker
    outage at commit, a task that gave up). Safe: each signatory is e-mailed at most once per mark."""
    missing = report_signature_requests_not_emailed()
    for request_id in missing:
        report_signature_request_email_task.delay(request_id)
    return len(missing)
