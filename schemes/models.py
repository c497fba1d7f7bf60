"""The scheme as Helsedirektoratet defines it, and each office's yearly round of it."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.i18n import LocalizedContentMixin
from portal.models import Office, OrganisationKind
from portal.offices import office_title
from portal.uploads import upload_inspect

from .rules import RoundPhase, round_phase


def _text(verbose: str, **kwargs):
    return models.TextField(verbose, **kwargs)


class Scheme(LocalizedContentMixin, models.Model):
    """A grant scheme: Kommunalt kompetanse- og innovasjonstilskudd (kap. 761 post 68)."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_nn = models.CharField(_("name (nynorsk)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    owner = models.CharField(_("owner"), max_length=200, default="Helsedirektoratet")
    budget_chapter = models.CharField(_("budget chapter and post"), max_length=50, blank=True)
    summary = _text(_("summary"), blank=True)
    summary_nn = _text(_("summary (nynorsk)"), blank=True)
    summary_en = _text(_("summary (English)"), blank=True)
    main_goal = _text(_("main goal"))
    main_goal_nn = _text(_("main goal (nynorsk)"), blank=True)
    main_goal_en = _text(_("main goal (English)"), blank=True)
    eligible_kinds = models.JSONField(
        _("eligible applicant kinds"), default=list,
        help_text=_("Kinds of organisation that may apply."),
    )
    state_bodies_net_budgeted_only = models.BooleanField(
        _("state bodies only when net-budgeted"), default=True
    )

    class Meta:
        verbose_name = _("grant scheme")
        verbose_name_plural = _("grant schemes")
        ordering = ["name"]

    def __str__(self):
        return self.localized("name")

    def get_absolute_url(self):
        return reverse("schemes:scheme_detail", kwargs={"slug": self.slug})

    def clean(self):
        unknown = set(self.eligible_kinds or []) - set(OrganisationKind.values)
        if unknown:
            raise ValidationError({"eligible_kinds": _("Unknown applicant kind: %(kinds)s.") % {
                "kinds": ", ".join(sorted(unknown))}})

    def eligible_kind_labels(self) -> list[str]:
        return OrganisationKind.plural_labels(self.eligible_kinds)


class SchemeContent(LocalizedContentMixin, models.Model):
    """A short text belonging to a scheme, ordered (sub-goals, target groups, priority areas)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, verbose_name=_("grant scheme"))
    code = models.SlugField(_("code"), max_length=60)
    text = _text(_("text"))
    text_nn = _text(_("text (nynorsk)"), blank=True)
    text_en = _text(_("text (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["scheme", "position", "id"]

    def __str__(self):
        return self.localized("text")


class SubGoal(SchemeContent):
    class Meta(SchemeContent.Meta):
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")
        default_related_name = "sub_goals"
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="subgoal_unique_code")]


class TargetGroup(SchemeContent):
    only_for_mental_health = models.BooleanField(
        _("only for mental health and substance abuse measures"), default=False,
        help_text=_("Staff of other municipal and county agencies count only for rus og psykisk helse measures."),
    )

    class Meta(SchemeContent.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        default_related_name = "target_groups"
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="targetgroup_unique_code")]


class PriorityArea(SchemeContent):
    class Meta(SchemeContent.Meta):
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        default_related_name = "priority_areas"
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="priorityarea_unique_code")]


def default_application_reminder_days():
    return [14, 7, 1]


def default_reporting_reminder_days():
    return [60, 14, 1]


def validate_reminder_days(value):
    if not isinstance(value, list) or not all(isinstance(v, int) and 0 < v <= 365 for v in value):
        raise ValidationError(_("Give whole numbers of days between 1 and 365, for example 14, 7, 1."))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each number of days may only be given once."))


MAX_GRACE_MINUTES = 240


class RoundQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def not_closed_long_before(self, moment: dt.datetime):
        """A coarse database filter; `Round.is_open` decides to the microsecond (grace included)."""
        return self.published().filter(closes_at__gte=moment - dt.timedelta(minutes=MAX_GRACE_MINUTES + 1))


class Round(LocalizedContentMixin, models.Model):
    """One year of a scheme at one office: its budget, its dates and its rules."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("grant scheme"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("office"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown to the public and open for applications in its period.")
    )
    description = _text(_("description"), blank=True)
    description_nn = _text(_("description (nynorsk)"), blank=True)
    description_en = _text(_("description (English)"), blank=True)
    budget = models.PositiveBigIntegerField(
        _("budget (NOK)"), null=True, blank=True, help_text=_("Whole kroner available in this round.")
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(
        _("application deadline"), help_text=_("Shown as the deadline; submissions are accepted until the end of that minute.")
    )
    grace_minutes = models.PositiveSmallIntegerField(
        _("grace minutes"), default=0, validators=[MaxValueValidator(MAX_GRACE_MINUTES)],
        help_text=_("Minutes after the deadline in which a submission is still accepted."),
    )
    reporting_deadline = models.DateTimeField(_("reporting deadline"))
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    competence_plan_required = models.BooleanField(
        _("competence plan required"), default=True,
        help_text=_("Applications with competence measures must include the municipality's competence plan."),
    )
    competence_plan_max_age_months = models.PositiveSmallIntegerField(
        _("competence plan valid for (months)"), default=48, validators=[MinValueValidator(1)],
        help_text=_("A plan last updated longer ago than this is flagged as not up to date."),
    )
    auditor_statement_threshold = models.PositiveBigIntegerField(
        _("auditor's statement required above (NOK)"), default=200_000,
        help_text=_("Reports on grants above this amount need an auditor's statement."),
    )
    application_reminder_days = models.JSONField(
        _("application reminders (days before the deadline)"), default=default_application_reminder_days,
        validators=[validate_reminder_days],
    )
    reporting_reminder_days = models.JSONField(
        _("reporting reminders (days before the reporting deadline)"), default=default_reporting_reminder_days,
        validators=[validate_reminder_days],
    )
    eligible_kinds = models.JSONField(
        _("eligible applicant kinds"), default=list, blank=True,
        help_text=_("Leave empty to use the scheme's setting."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-year", "office__name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "office", "year"], name="round_one_per_scheme_office_year"),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_opens"),
            models.CheckConstraint(
                condition=Q(reporting_deadline__gt=F("closes_at")), name="round_reporting_after_closes"
            ),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gt=0), name="round_budget_positive"),
            models.CheckConstraint(
                condition=Q(published=False) | Q(budget__isnull=False), name="round_published_has_budget"
            ),
        ]

    def __str__(self):
        return f"{self.office_title} {self.year}"

    @property
    def office_title(self) -> str:
        """The office as it was called in the round's year, in the active language (`portal.offices`)."""
        return office_title(self.office, self.year)

    def get_absolute_url(self):
        return reverse("schemes:round_detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The application deadline must be after the round opens.")
        if self.closes_at and self.reporting_deadline and self.reporting_deadline <= self.closes_at:
            errors["reporting_deadline"] = _("The reporting deadline must be after the application deadline.")
        if self.budget is not None and self.budget <= 0:
            errors["budget"] = _("The budget must be more than 0 kroner.")
        elif self.published and self.budget is None:
            errors["budget"] = _("Set the budget before the round is published.")
        unknown = set(self.eligible_kinds or []) - set(OrganisationKind.values)
        if unknown:
            errors["eligible_kinds"] = _("Unknown applicant kind: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}
        if errors:
            raise ValidationError(errors)

    # --- what the round's rules say, computed from what is stored ---

    @property
    def deadline_ends_at(self) -> dt.datetime:
        """The last instant of the deadline as shown: the end of its minute (23:59 -> 23:59:59.999999)."""
        return self.closes_at.replace(second=0, microsecond=0) + dt.timedelta(minutes=1, microseconds=-1)

    @property
    def submission_closes_at(self) -> dt.datetime:
        """The last instant a submission is accepted: end of the deadline minute, plus grace."""
        return self.deadline_ends_at + dt.timedelta(minutes=self.grace_minutes)

    def phase(self, moment: dt.datetime | None = None) -> RoundPhase:
        return round_phase(self, moment or timezone.now())

    def is_open(self, moment: dt.datetime | None = None) -> bool:
        """Takes submissions now: published, and open or in its grace minutes."""
        return self.published and self.phase(moment) in (RoundPhase.OPEN, RoundPhase.GRACE)

    def in_grace(self, moment: dt.datetime | None = None) -> bool:
        """The deadline has passed, but an application already under way may still be sent (until
        `submission_closes_at`): what the round's and the application's pages say then."""
        return self.published and self.phase(moment) == RoundPhase.GRACE

    def has_not_opened(self, moment: dt.datetime | None = None) -> bool:
        return self.phase(moment) == RoundPhase.UPCOMING

    def effective_eligible_kinds(self) -> list[str]:
        return list(self.eligible_kinds or self.scheme.eligible_kinds)

    def eligible_kind_labels(self) -> list[str]:
        return OrganisationKind.plural_labels(self.effective_eligible_kinds())


class RoundDocument(models.Model):
    """A document shown on the round's public page: regulations, forms, guidance."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="documents", verbose_name=_("round"))
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="round-documents/%Y/", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["round", "position", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        if bool(self.url) == bool(self.file):
            raise ValidationError(_("Give either a link or a file (one of them, not both)."))
        if self.file and not self.file._committed:
            # only documents a reader can open safely: PDF, DOCX or ODT, checked by content
            inspected = upload_inspect(self.file.file)
            self.file.name = inspected.safe_name

    def get_absolute_url(self):
        if self.url:
            return self.url
        return reverse("schemes:round_document", kwargs={"pk": self.round_id, "document_pk": self.pk})


class CriterionKind(models.TextChoices):
    """The assessment criteria the seeds name. A custom criterion carries its own name."""

    COMPETENCE_PLAN = "competence_plan", _("Competence plan up to date")
    MENTAL_HEALTH = "mental_health", _("Mental health and substance abuse (rus og psykisk helse)")
    FORMAL_EDUCATION = "formal_education", _("Raises the formal education level")
    GOAL_ACHIEVEMENT = "goal_achievement", _("Expected goal achievement")
    INNOVATION_QUALITY = "innovation_quality", _("Quality of the innovation projects")
    OWN_PRIORITY = "own_priority", _("The municipality's own priority")
    CUSTOM = "custom", _("Other criterion")


DEFAULT_CRITERIA_WEIGHTS = {
    CriterionKind.COMPETENCE_PLAN: 15,
    CriterionKind.MENTAL_HEALTH: 20,
    CriterionKind.FORMAL_EDUCATION: 20,
    CriterionKind.GOAL_ACHIEVEMENT: 20,
    CriterionKind.INNOVATION_QUALITY: 15,
    CriterionKind.OWN_PRIORITY: 10,
}


class AssessmentCriterion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("round"))
    kind = models.CharField(_("criterion"), max_length=30, choices=CriterionKind.choices)
    name = models.CharField(_("name (custom criterion)"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind"], condition=~Q(kind="custom"), name="criterion_unique_kind_per_round"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_range"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.name if self.kind == CriterionKind.CUSTOM else str(CriterionKind(self.kind).label)

    def clean(self):
        if self.kind == CriterionKind.CUSTOM and not self.name:
            raise ValidationError({"name": _("A custom criterion needs a name.")})


class RoundChangeKind(models.TextChoices):
    CREATED = "round_created", _("Round created")
    CHANGED = "round_changed", _("Round settings changed")
    COPIED = "round_copied", _("Round copied to next year")
    DELETED = "round_deleted", _("Round deleted")


class RoundChange(models.Model):
    """One change to a round's configuration (budget, dates, rules, reminder offsets, criteria,
    documents), by whom, with each field's value before and after. Append-only: the database
    refuses UPDATE and DELETE (`portal.audit`). The round is referred to without a database
    constraint, so that deleting an unpublished round keeps its history (and the deletion)."""

    round = models.ForeignKey(Round, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="changes", verbose_name=_("round"))
    round_name = models.CharField(_("round"), max_length=300)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="round_changes",
                               verbose_name=_("office"))
    kind = models.CharField(_("kind"), max_length=30, choices=RoundChangeKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # {"fields": {"budget": {"from": "100000", "to": "120000"}}, "criteria": [...], "documents": [...]}
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("round change")
        verbose_name_plural = _("round changes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.round_name}"
