from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .application import Application


class SignatureRequest(models.Model):
    """An editor's hand-over: "the application is ready for the signatory to submit". A recorded
    fact, not a status: nobody is stopped from editing by it, and the signatory still submits
    through the application's own transition. It counts for one submission (the next one), so a
    mark made before an earlier submission never reads as current.

    If the application changes after the mark, the mark stays and the check page and the
    signatory's list say that it changed since (and who changed it); the editor may mark it again,
    which tells the signatories again."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="signature_requests",
                                    verbose_name=_("application"))
    submission_number = models.PositiveSmallIntegerField(_("for submission number"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("marked by"))
    requested_at = models.DateTimeField(_("marked"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("request for signature")
        verbose_name_plural = _("requests for signature")
        ordering = ["application", "-requested_at", "-id"]

    def __str__(self):
        return f"{self.application} – {self.requested_at:%d.%m.%Y %H:%M}"

    def get_absolute_url(self):
        return self.application.get_absolute_url()
