"""The archive copy of a decided case, in versions: the documents as they were sent, filed unchanged
(`ArchiveFile`: the application's receipt, the decision letter, the attachments), one PDF/A with what
has no document of its own (a cover, the attachments list, the assessment summary, the appeals) and
its Noark 5 metadata (XML). Version 1 is requested when the office sends the decision; a later
version only when someone asks for it on purpose, with a reason. The row is the log line of who
asked and why; a row without its files is a copy requested and not yet made (the task makes it; the
catch-up queues it again when the task was lost, until `failed_at` says it gave up)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.models import Decision


class ArchiveCopy(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="archive_copies",
                                 verbose_name=_("decision"))
    version = models.PositiveIntegerField(_("version"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # nobody: the first copy, requested when the decision was sent (or by the catch-up)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    reason = models.TextField(_("reason for a new version"), blank=True)
    pdf = models.FileField(_("archive PDF (PDF/A)"), upload_to="archive/%Y/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    metadata = models.FileField(_("Noark 5 metadata (XML)"), upload_to="archive/%Y/", blank=True)
    metadata_sha256 = models.CharField(_("SHA-256 of the metadata"), max_length=64, blank=True)
    made_at = models.DateTimeField(_("made"), null=True, blank=True)
    # the queuings of its task (on request, then by the catch-up) and the last one; failed: given up
    attempts = models.PositiveIntegerField(_("times queued"), default=0)
    queued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive copy")
        verbose_name_plural = _("archive copies")
        ordering = ["decision", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "version"], name="archive_copy_one_per_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="archive_copy_version_from_one"),
            # a version after the first is made only on purpose: someone asked, and said why
            models.CheckConstraint(
                condition=Q(version=1) | (Q(requested_by__isnull=False) & ~Q(reason="")),
                name="archive_copy_new_version_on_purpose",
            ),
        ]

    def __str__(self):
        return f"{self.decision.application} – v{self.version}"

    def get_absolute_url(self):
        return reverse("archive:case", kwargs={"pk": self.decision.application_id})

    @property
    def is_made(self) -> bool:
        return bool(self.pdf)

    @property
    def is_failed(self) -> bool:
        """Not made, and the catch-up gave up on it (the office admin may ask for a new version)."""
        return not self.is_made and self.failed_at is not None

    def file_stem(self) -> str:
        return f"arkiv-{self.decision.application.reference.replace('/', '-')}-v{self.version}"


class ArchiveFileRole(models.TextChoices):
    RECEIPT = "receipt", _("The application as submitted (receipt)")
    LETTER = "letter", _("Decision letter")
    ATTACHMENT = "attachment", _("Attachment")


class ArchiveFile(models.Model):
    """A document of the case filed with a copy exactly as it was stored (the receipt of the last
    submission, the letter as sent, each attachment as uploaded): the bytes are copied, not made
    again, and the checksum is of those bytes. `name` is the file's name within the copy, the one
    the Noark metadata refers to."""

    copy = models.ForeignKey(ArchiveCopy, on_delete=models.CASCADE, related_name="files", verbose_name=_("archive copy"))
    role = models.CharField(_("role"), max_length=20, choices=ArchiveFileRole.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("file name"), max_length=255)
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="archive/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    format = models.CharField(_("format"), max_length=100)

    class Meta:
        verbose_name = _("archived file")
        verbose_name_plural = _("archived files")
        ordering = ["copy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["copy", "name"], name="archive_file_unique_name"),
            models.UniqueConstraint(fields=["copy", "position"], name="archive_file_unique_position"),
        ]

    def __str__(self):
        return f"{self.copy} – {self.name}"

    def get_absolute_url(self):
        return reverse("archive:file", kwargs={"file_pk": self.pk})
