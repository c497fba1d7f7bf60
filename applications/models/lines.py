"""The application's lines: competence measures and innovation projects. Money is whole kroner."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schemes.models import SubGoal, TargetGroup

from .application import Application


class LinePart(models.TextChoices):
    """The application's two parts: each line is a competence measure or an innovation project."""

    MEASURE = "measure", _("Competence measure")
    PROJECT = "project", _("Innovation project")


class MeasureKind(models.TextChoices):
    BASIC_EDUCATION = "basic_education", _("Basic education (grunnutdanning)")
    FURTHER_EDUCATION = "further_education", _("Further education with credits (videreutdanning)")
    CONTINUING_EDUCATION = "continuing_education", _("Continuing education without credits (etterutdanning)")
    LEADERSHIP = "leadership", _("Leadership training")
    OTHER = "other", _("Other competence measure")


FORMAL_EDUCATION_KINDS = (MeasureKind.BASIC_EDUCATION, MeasureKind.FURTHER_EDUCATION)


def raises_formal_education_q(prefix: str = "") -> Q:
    """`CompetenceMeasure.raises_formal_education` as a query condition (grunn- or videreutdanning,
    or a measure that gives credits), for counting in the database; `prefix` reaches the measure
    through a relation ("measures__")."""
    return Q(**{f"{prefix}kind__in": FORMAL_EDUCATION_KINDS}) | Q(**{f"{prefix}gives_credits": True})


class ServiceArea(models.TextChoices):
    HOME_SERVICES = "home_services", _("Home-based services")
    INSTITUTIONS = "institutions", _("Nursing homes and institutions")
    MENTAL_HEALTH = "mental_health", _("Mental health and substance abuse services")
    HEALTH_CENTRES = "health_centres", _("Health centres and school health services")
    REHABILITATION = "rehabilitation", _("Habilitation and rehabilitation")
    DOCTORS = "doctors", _("GP and emergency services")
    DISABILITIES = "disabilities", _("Services for people with disabilities")
    OTHER = "other", _("Other")


class Partner(models.TextChoices):
    USERS = "users", _("Users")
    NEXT_OF_KIN = "next_of_kin", _("Next of kin")
    VOLUNTEERS = "volunteers", _("Volunteers")
    LOCAL_COMMUNITY = "local_community", _("The local community")


def _money(verbose):
    return models.PositiveBigIntegerField(verbose, null=True, blank=True)


class ApplicationLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, verbose_name=_("application"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount_applied = _money(_("amount applied for (NOK)"))
    proposed_award = models.PositiveBigIntegerField(
        _("proposed award (NOK)"), null=True, blank=True, editable=False,
        help_text=_("Set by the County Governor's caseworker; between 0 and the amount applied for."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    copied_from_id = models.BigIntegerField(_("copied from line"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class CompetenceMeasure(ApplicationLine):
    kind = models.CharField(_("kind of measure"), max_length=30, choices=MeasureKind.choices, blank=True)
    service_area = models.CharField(_("service area"), max_length=30, choices=ServiceArea.choices, blank=True)
    concerns_mental_health = models.BooleanField(_("concerns mental health and substance abuse"), default=False)
    target_group = models.ForeignKey(
        TargetGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("target group")
    )
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True,
                                               validators=[MinValueValidator(1)])
    gives_credits = models.BooleanField(_("gives credits (studiepoeng)"), default=False)
    total_cost = _money(_("total cost (NOK)"))
    own_funding = _money(_("own funding (NOK)"))

    class Meta:
        verbose_name = _("competence measure")
        verbose_name_plural = _("competence measures")
        ordering = ["application", "id"]
        default_related_name = "measures"
        constraints = [
            models.CheckConstraint(
                name="measure_award_at_most_applied",
                condition=Q(proposed_award__isnull=True) | Q(proposed_award__lte=F("amount_applied")),
            ),
            models.CheckConstraint(
                name="measure_applied_at_most_total",
                condition=Q(amount_applied__isnull=True) | Q(total_cost__isnull=True)
                | Q(amount_applied__lte=F("total_cost")),
            ),
        ]

    @property
    def raises_formal_education(self) -> bool:
        """Basic or further education, or a measure that gives credits (the same rule as
        `raises_formal_education_q`, which counts it in the database)."""
        return self.kind in FORMAL_EDUCATION_KINDS or self.gives_credits


class InnovationProject(ApplicationLine):
    sub_goals = models.ManyToManyField(SubGoal, blank=True, related_name="+", verbose_name=_("sub-goals addressed"))
    partners = models.JSONField(_("partners"), default=list, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    total_budget = _money(_("total budget (NOK)"))
    own_share = _money(_("own share (NOK)"))
    priority_rank = models.PositiveSmallIntegerField(
        _("the municipality's priority"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("1 is the project the municipality wants most."),
    )

    class Meta:
        verbose_name = _("innovation project")
        verbose_name_plural = _("innovation projects")
        ordering = ["application", "priority_rank", "id"]
        default_related_name = "projects"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "priority_rank"], name="project_unique_priority_rank",
            ),
            models.CheckConstraint(
                name="project_award_at_most_applied",
                condition=Q(proposed_award__isnull=True) | Q(proposed_award__lte=F("amount_applied")),
            ),
            models.CheckConstraint(
                name="project_applied_at_most_budget",
                condition=Q(amount_applied__isnull=True) | Q(total_budget__isnull=True)
                | Q(amount_applied__lte=F("total_budget")),
            ),
            models.CheckConstraint(
                name="project_ends_after_start",
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
            ),
        ]

    def partner_labels(self) -> list[str]:
        return [str(Partner(p).label) for p in Partner.values if p in (self.partners or [])]


LINE_MODELS = {LinePart.MEASURE: CompetenceMeasure, LinePart.PROJECT: InnovationProject}

# What the municipality writes on each line, in the order forms, receipts and the history show it.
MEASURE_FIELDS = ["kind", "title", "description", "service_area", "concerns_mental_health", "target_group",
                  "participants", "gives_credits", "total_cost", "amount_applied", "own_funding"]
PROJECT_FIELDS = ["title", "description", "sub_goals", "partners", "starts_on", "ends_on", "total_budget",
                  "amount_applied", "own_share", "priority_rank"]
