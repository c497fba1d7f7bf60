import socket

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .idempotency import keys_purge
from .mail import render_email
from .models import User


@shared_task(name="portal.health_check", ignore_result=False)  # its answer is awaited
def health_check(token: str) -> dict:
    """Answer with the token and the worker's host name: proves the broker-worker-backend path."""
    return {"token": token, "worker": socket.gethostname()}


@shared_task(name="portal.password_reset_email")
def password_reset_email_task(user_id: int, language: str) -> bool:
    """E-mail a link to choose a new password, in the language the person asked in. The link is made
    here (it works for PASSWORD_RESET_TIMEOUT, and only until the password or the last login
    changes), against PORTAL_BASE_URL rather than the Host a request claimed. Nothing goes to an
    inactive user or one without a usable password; sent twice, the second link is as good as the
    first. Returns whether an e-mail went."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not settings.PASSWORD_LOGIN_ENABLED:
        return False
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    subject, body = render_email(
        subject_template="registration/password_reset_subject.txt",
        body_template="registration/password_reset_email.txt",
        context={"user": user, "link": settings.PORTAL_BASE_URL.rstrip("/") + path,
                 "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        language=language)
    EmailMessage(subject, body, to=[user.email]).send()
    return True


@shared_task(name="portal.form_keys_purge")
def form_keys_purge_task() -> int:
    """Forget the forms' idempotency keys older than a day (every hour, `CELERY_BEAT_SCHEDULE`)."""
    return keys_purge()
