from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .application import Application


class EventKind(models.TextChoices):
    CREATED = "created", _("Application started")
    SECTION_SAVED = "section_saved", _("Section saved")
    LINE_ADDED = "line_added", _("Line added")
    LINE_CHANGED = "line_changed", _("Line changed")
    LINE_REMOVED = "line_removed", _("Line removed")
    LINES_COPIED = "lines_copied", _("Measures and projects copied from an earlier year")
    FILE_UPLOADED = "file_uploaded", _("File uploaded")
    FILE_REMOVED = "file_removed", _("File removed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    RECEIPT_CREATED = "receipt_created", _("Receipt made")
    EMAIL_SENT = "email_sent", _("E-mail sent")
    ASSESSMENT_SAVED = "assessment_saved", _("Assessment saved")
    AWARDS_CHANGED = "awards_changed", _("Proposed awards changed")
    INFORMATION_REQUESTED = "information_requested", _("More information requested")
    DECISION_PROPOSED = "decision_proposed", _("Decision proposed")
    DECISION_APPROVED = "decision_approved", _("Decision approved")
    LETTER_CREATED = "letter_created", _("Decision letter made")
    DECISION_SENT = "decision_sent", _("Decision letter sent")
    APPEAL_REGISTERED = "appeal_registered", _("Appeal registered")
    APPEAL_HANDLED = "appeal_handled", _("Appeal handled")


class ApplicationEvent(models.Model):
    """Who did what to an application, and when. Never changed once written."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    section = models.CharField(_("section"), max_length=30, blank=True)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    object_id = models.BigIntegerField(_("line or file"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    visible_to_applicant = models.BooleanField(_("visible to the applicant"), default=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["application", "created_at", "id"]
        indexes = [models.Index(fields=["application", "section", "object_id", "version"])]

    @property
    def to_status_label(self) -> str:
        from .application import ApplicationStatus

        return str(ApplicationStatus(self.to_status).label) if self.to_status else ""

    def __str__(self):
        return f"{self.get_kind_display()} – {self.created_at:%d.%m.%Y %H:%M}"
