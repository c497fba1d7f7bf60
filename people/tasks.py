"""Celery tasks of the people app: thin wrappers that call `emails`."""

from celery import shared_task

from .emails import invitation_email


@shared_task(name="people.invitation_email", bind=True, autoretry_for=(Exception,), retry_backoff=True,
             max_retries=5)
def invitation_email_task(self, invitation_id: int, token: str, sent_count: int) -> bool:
    """E-mail the invitation's link, at most once per sending; retried when it certainly was not sent.
    The token travels in the task because only its hash is stored."""
    return invitation_email(invitation_id=invitation_id, token=token, sent_count=sent_count)
