"""Celery tasks of the people app: thin wrappers that take ids and call `emails`."""

from celery import shared_task

from .emails import invitation_email
from .selectors import invitations_not_emailed


@shared_task(name="people.invitation_email", bind=True, autoretry_for=(Exception,), retry_backoff=True,
             max_retries=5)
def invitation_email_task(self, invitation_id: int, sent_count: int) -> bool:
    """E-mail the invitation's link, at most once per sending; retried when it certainly was not sent."""
    return invitation_email(invitation_id=invitation_id, sent_count=sent_count)


@shared_task(name="people.invitations_catch_up")
def invitations_catch_up_task() -> int:
    """Periodic (Celery beat): queue again the invitation e-mails certainly not sent (a broker outage
    at commit, a task that gave up). Safe: each sending is e-mailed at most once."""
    missing = invitations_not_emailed()
    for invitation_id, sent_count in missing:
        invitation_email_task.delay(invitation_id, sent_count)
    return len(missing)
