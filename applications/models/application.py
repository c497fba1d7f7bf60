from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.i18n import ChoiceLabelsMixin
from portal.models import Organisation
from schemes.models import Round


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_ASSESSMENT = "in_assessment", _("In assessment")
    RETURNED = "returned", _("Returned for more information")
    DECIDED = "decided", _("Decided")
    REPORTED = "reported", _("Reported")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(ChoiceLabelsMixin, models.Model):
    """One organisation's joint application to one round: competence measures and innovation
    projects together, with the competence plan. Exactly one per organisation and round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications", verbose_name=_("round"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("organisation")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, editable=False
    )
    # a. contact person and cover letter
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail"), blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)
    project_priorities = models.TextField(
        _("the municipality's priorities among its innovation projects"), blank=True
    )
    competence_raising_plan = models.TextField(_("plan for raising competence"), blank=True)
    details_version = models.PositiveIntegerField(_("version of the contact section"), default=0, editable=False)
    # b. competence plan (the file itself is an Attachment of kind competence_plan)
    competence_plan_updated_on = models.DateField(_("competence plan last updated"), null=True, blank=True)
    competence_plan_adopted_by = models.CharField(_("competence plan adopted by"), max_length=200, blank=True)
    plan_version = models.PositiveIntegerField(_("version of the plan section"), default=0, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("submitted by"), editable=False,
    )
    submission_count = models.PositiveSmallIntegerField(_("number of submissions"), default=0, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)
    lines_version = models.PositiveBigIntegerField(
        _("version of the lines"), default=0, editable=False,
        help_text=_("Raised by the database whenever the application's lines, their sub-goals or target groups, "
                    "its attachments or its receipts change (applications.lines_version)."),
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("copied from"), editable=False,
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-round__year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="application_one_per_organisation_round"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.round}"

    def get_absolute_url(self):
        return reverse("applications:overview", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        """A short reference for letters and e-mails: year/municipality number (or org number)-id."""
        return f"{self.round.year}/{self.organisation.municipality_number or self.organisation.organisation_number}-{self.pk}"


class Receipt(models.Model):
    """The PDF of the whole application as submitted, made once per submission."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("application")
    )
    submission_number = models.PositiveSmallIntegerField(_("submission number"))
    pdf = models.FileField(_("PDF"), upload_to="receipts/%Y/")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["application", "-submission_number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "submission_number"], name="receipt_one_per_submission"),
        ]

    def __str__(self):
        return f"{self.application} #{self.submission_number}"

    def get_absolute_url(self):
        return reverse("applications:receipt", kwargs={"pk": self.application_id, "receipt_pk": self.pk})
