"""The County Governor office's casework: the assessment of an application (scores and internal
notes), the decision with its letter, and appeals. The proposed award of each line is stored on the
line itself (`proposed_award`, one number per line, with the database checking it is at most what
was applied for); only casework's services write it."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from portal.i18n import ChoiceLabelsMixin
from schemes.models import AssessmentCriterion

MAX_CRITERION_SCORE = 5


class CaseworkEvent(models.TextChoices):
    """What the office does, written into the application's history (`ApplicationEvent.kind`);
    registered in `applications.hooks` so that the history names it."""

    ASSESSMENT_SAVED = "assessment_saved", _("Assessment saved")
    AWARDS_CHANGED = "awards_changed", _("Proposed awards changed")
    INFORMATION_REQUESTED = "information_requested", _("More information requested")  # before 2026-12: now
    # the application's "return" status event holds the request's message
    DECISION_PROPOSED = "decision_proposed", _("Decision proposed")
    DECISION_RETURNED = "decision_returned", _("Proposed decision returned to the caseworker")
    DECISION_APPROVED = "decision_approved", _("Decision approved")
    LETTER_CREATED = "letter_created", _("Decision letter made")
    DECISION_SENT = "decision_sent", _("Decision letter sent")
    APPEAL_REGISTERED = "appeal_registered", _("Appeal registered")
    APPEAL_HANDLED = "appeal_handled", _("Appeal handled")


class Assessment(models.Model):
    """The caseworker's assessment. Never shown to the municipality."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="assessment", verbose_name=_("application")
    )
    notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shown to the municipality."))
    score = models.PositiveSmallIntegerField(
        _("weighted score (0–100)"), null=True, blank=True, editable=False,
        help_text=_("Computed from the criteria scores and the round's weights."),
    )
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    # the lines ("measure:12", "project:7") whose proposed award is the board's suggestion, as it set
    # it; any other award was set by hand and the board never overwrites it (`rules.awards_set_by_hand`)
    suggested_lines = models.JSONField(_("lines awarded the suggestion"), default=list, blank=True, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["application"]

    def __str__(self):
        return str(self.application)


class CriterionScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores",
                                   verbose_name=_("assessment"))
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("criterion"))
    score = models.PositiveSmallIntegerField(_("score (0–5)"), validators=[MaxValueValidator(MAX_CRITERION_SCORE)])

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["assessment", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(condition=Q(score__lte=MAX_CRITERION_SCORE), name="score_at_most_max"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RETURNED = "returned", _("Returned to the caseworker")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REJECTED = "rejected", _("Rejected")


class Decision(ChoiceLabelsMixin, models.Model):
    """The individual decision (enkeltvedtak) on one application. What it granted is stored as it
    was proposed and approved, so the decision can always be explained from what is stored."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision", verbose_name=_("application")
    )
    status = models.CharField(_("status"), max_length=20, choices=DecisionStatus.choices,
                              default=DecisionStatus.PROPOSED, editable=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, editable=False)
    total_applied = models.PositiveBigIntegerField(_("applied for (NOK)"), editable=False)
    total_awarded = models.PositiveBigIntegerField(_("granted (NOK)"), editable=False)
    lines = models.JSONField(_("granted lines"), default=list, editable=False)
    reasons = models.TextField(_("reasons"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reporting_deadline = models.DateTimeField(_("reporting deadline"))
    auditor_statement_required = models.BooleanField(_("auditor's statement required"), default=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    letter_language = models.CharField(_("letter language form"), max_length=2, blank=True)
    letter_pdf = models.FileField(_("decision letter"), upload_to="decisions/%Y/", blank=True)
    letter_created_at = models.DateTimeField(_("letter made"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("sent by"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["application"]
        constraints = [
            # four eyes, in the database too: nobody approves their own proposal
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("proposed_by")),
                name="decision_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(total_awarded__lte=F("total_applied")), name="decision_awarded_at_most_applied"
            ),
        ]

    def __str__(self):
        return f"{self.application} – {self.get_outcome_display()}"


class AppealHandling(models.TextChoices):
    PENDING = "pending", _("Being handled")
    UPHELD = "upheld", _("Decision upheld")
    CHANGED = "changed", _("Decision changed")
    FORWARDED = "forwarded", _("Sent on to Helsedirektoratet")


class Appeal(models.Model):
    """An appeal (klage) against a decision, under forvaltningsloven §§ 28–29: three weeks. The office
    registers one that came by post or e-mail; the municipality's signatory lodges one online (then
    `lodged_online`, `registered_by` is the signatory and `received_on` the day it was lodged)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals",
                                 verbose_name=_("decision"))
    received_on = models.DateField(_("received"))
    text = models.TextField(_("the appeal"))
    within_deadline = models.BooleanField(_("received within the deadline"))
    lodged_online = models.BooleanField(_("lodged online by the municipality"), default=False)
    attachment = models.FileField(_("attachment"), upload_to="appeals/%Y/", blank=True)
    attachment_name = models.CharField(_("attachment's file name"), max_length=200, blank=True)
    attachment_content_type = models.CharField(_("attachment's content type"), max_length=100, blank=True)
    handling = models.CharField(_("handling"), max_length=20, choices=AppealHandling.choices,
                                default=AppealHandling.PENDING)
    handling_notes = models.TextField(_("the office's handling"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registered by"))
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["decision", "received_on"]

    def __str__(self):
        return f"{self.decision.application} – {self.received_on:%d.%m.%Y}"
