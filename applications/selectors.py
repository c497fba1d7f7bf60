"""Reads for applications. Every queryset starts from what the user may see."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from portal.models import Role
from portal.permissions import office_ids_with_role, organisation_ids_with_role

from .models import Application, ApplicationEvent, ApplicationStatus, CompetenceMeasure, InnovationProject


def line_prefetches() -> tuple:
    """What the task list, summary, PDFs and completeness rules read: fresh Prefetch objects."""
    return (
        Prefetch("measures", queryset=CompetenceMeasure.objects.select_related("target_group")),
        Prefetch("projects", queryset=InnovationProject.objects.prefetch_related("sub_goals")),
        "attachments",
    )


def applications_visible_to(*, user) -> QuerySet[Application]:
    """The organisation's own applications, and the submitted ones of the user's offices."""
    organisations = organisation_ids_with_role(user, Role.EDITOR, Role.SIGNATORY)
    offices = office_ids_with_role(user, Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN)
    return Application.objects.filter(
        Q(organisation_id__in=organisations)
        | (Q(round__office_id__in=offices) & ~Q(status=ApplicationStatus.DRAFT))
    )


def application_get_full(*, user, pk: int) -> Application:
    """One application with everything the task list, summary and PDF read, in constant queries.
    Raises Application.DoesNotExist (a 404) when the user may not see it."""
    return (
        applications_visible_to(user=user)
        .select_related("round__scheme", "round__office", "organisation__county", "submitted_by", "created_by")
        .prefetch_related(*line_prefetches(), "receipts")
        .get(pk=pk)
    )


def applications_for_organisations(*, user) -> QuerySet[Application]:
    """The municipality's start page: its applications across rounds, newest round first."""
    organisations = organisation_ids_with_role(user, Role.EDITOR, Role.SIGNATORY)
    return (
        Application.objects.filter(organisation_id__in=organisations)
        .select_related("round__scheme", "round__office", "organisation")
        .order_by("-round__year", "organisation__name")
    )


def application_previous(*, application: Application) -> Application | None:
    """Last year's application of the same organisation to the same scheme and office, if any."""
    return (
        Application.objects.filter(
            organisation=application.organisation, round__scheme=application.round.scheme,
            round__office=application.round.office, round__year__lt=application.round.year,
        )
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .order_by("-round__year")
        .first()
    )


@dataclass(frozen=True)
class Totals:
    measures_applied: int
    measures_cost: int
    measures_own: int
    projects_applied: int
    projects_budget: int
    projects_own: int
    measure_count: int
    project_count: int
    mental_health_applied: int

    @property
    def applied(self) -> int:
        return self.measures_applied + self.projects_applied

    @property
    def cost(self) -> int:
        return self.measures_cost + self.projects_budget

    @property
    def own(self) -> int:
        return self.measures_own + self.projects_own


def application_totals(*, application: Application) -> Totals:
    """Sums per part and overall, computed from the (prefetched) lines; never typed by anyone."""
    measures = list(application.measures.all())
    projects = list(application.projects.all())
    return Totals(
        measures_applied=sum(m.amount_applied or 0 for m in measures),
        measures_cost=sum(m.total_cost or 0 for m in measures),
        measures_own=sum(m.own_funding or 0 for m in measures),
        projects_applied=sum(p.amount_applied or 0 for p in projects),
        projects_budget=sum(p.total_budget or 0 for p in projects),
        projects_own=sum(p.own_share or 0 for p in projects),
        measure_count=len(measures),
        project_count=len(projects),
        mental_health_applied=sum(m.amount_applied or 0 for m in measures if m.concerns_mental_health),
    )


def application_history(*, application: Application, include_internal: bool = False) -> QuerySet[ApplicationEvent]:
    events = application.events.select_related("actor").order_by("-created_at", "-id")
    if not include_internal:
        events = events.filter(visible_to_applicant=True)
    return events


def section_snapshot(*, application: Application, section: str, version: int, object_id: int | None = None) -> dict | None:
    """What a section (or one line) held at `version`, from the event written when it was saved; for a
    version no save wrote (as started, copied or seeded), from what the next save found before it wrote."""
    events = application.events.filter(section=section, object_id=object_id)
    event = events.filter(version=version, data__has_key="values").order_by("-id").first()
    if event:
        return event.data["values"]
    following = events.filter(version=version + 1, data__has_key="before").order_by("id").first()
    return following.data["before"] if following else None


def applications_for_office_round(*, user, round_, status: str = "", organisation_id: int | None = None,
                                  mental_health: bool | None = None, plan_up_to_date: bool | None = None,
                                  sort: str = "organisation") -> list[Application]:
    """The caseworker's list: submitted (not draft) applications of the round, only of the user's
    offices, filtered and sorted. Constant queries; the plan filter is computed per row."""
    from .completeness import competence_plan_is_up_to_date

    offices = office_ids_with_role(user, Role.CASEWORKER, Role.APPROVER)
    queryset = (
        Application.objects.filter(round=round_, round__office_id__in=offices)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("organisation", "round", "assessment", "decision")
        .prefetch_related("measures", "projects", "attachments")
    )
    if status:
        queryset = queryset.filter(status=status)
    if organisation_id:
        queryset = queryset.filter(organisation_id=organisation_id)
    if mental_health is not None:
        with_mental_health = Q(measures__concerns_mental_health=True)
        queryset = (queryset.filter(with_mental_health) if mental_health else queryset.exclude(with_mental_health))
        queryset = queryset.distinct()
    rows = list(queryset)
    for application in rows:
        application.plan_up_to_date = competence_plan_is_up_to_date(application)
        application.totals = application_totals(application=application)
        assessment = getattr(application, "assessment", None)
        application.score = assessment.score if assessment else None
    if plan_up_to_date is not None:
        rows = [a for a in rows if bool(a.plan_up_to_date) == plan_up_to_date]
    sorters = {
        "organisation": lambda a: a.organisation.name,
        "applied": lambda a: -a.totals.applied,
        "score": lambda a: (a.score is None, -(a.score or 0)),
        "submitted": lambda a: a.submitted_at or a.created_at,
        "status": lambda a: list(ApplicationStatus.values).index(a.status),  # the workflow's order
    }
    rows.sort(key=sorters.get(sort, sorters["organisation"]))
    return rows


def rounds_for_offices(*, office_ids) -> QuerySet:
    """The offices' rounds with how many applications were received and how many wait for assessment."""
    from django.db.models import Count

    from schemes.models import Round

    in_play = ~Q(applications__status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
    return (
        Round.objects.filter(office_id__in=office_ids).select_related("scheme", "office")
        .annotate(received=Count("applications", filter=in_play),
                  waiting=Count("applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED)))
        .order_by("-year", "office__name", "scheme__name")
    )


def application_with_lines(*, pk: int) -> Application:
    """One application with its lines and files prefetched, for rules that read them all (the
    submission guard), unscoped: callers have already checked who may act."""
    return (
        Application.objects.select_related("round__scheme", "organisation")
        .prefetch_related(*line_prefetches())
        .get(pk=pk)
    )


def decision_is_sent(application: Application) -> bool:
    decision = getattr(application, "decision", None)
    return decision is not None and decision.status == "sent"


def applicant_status(application: Application) -> str:
    """The status as the applicant may see it: a decision exists for them only once its letter is
    sent (an enkeltvedtak is made known by the letter); until then it is still in assessment."""
    if application.status == ApplicationStatus.DECIDED and not decision_is_sent(application):
        return ApplicationStatus.IN_ASSESSMENT
    return application.status


def next_step(application: Application, user) -> str:
    """What the municipality should do next, in one sentence."""
    from django.utils.translation import gettext as _

    from .permissions import is_applicant

    status = applicant_status(application) if is_applicant(user, application) else application.status
    if status == "draft":
        if application.round.is_open():
            return _("Complete the sections and let the signatory submit before the deadline.")
        return _("The deadline has passed; the draft was not submitted.")
    if status == "returned":
        return _("The County Governor asked for more information: change the application and send it again.")
    if status in ("submitted", "in_assessment"):
        return _("Submitted. The County Governor is assessing the application.")
    if status == "decided":
        return _("Decided. Report on the use of funds by the reporting deadline.")
    if status == "withdrawn":
        return _("Withdrawn. While the round is open you can start again.")
    return ""


def organisations_that_may_start(user, round_) -> list[tuple]:
    """For the round page: the user's organisations with their application in the round, if any."""
    from portal.selectors import organisations_for_user

    from .permissions import can_start_application

    organisations = list(organisations_for_user(user=user, roles=[Role.EDITOR, Role.SIGNATORY]))
    existing = {a.organisation_id: a for a in Application.objects.filter(round=round_, organisation__in=organisations)}
    return [(o, existing.get(o.pk)) for o in organisations
            if o.pk in existing or can_start_application(user, round_, o)]


def information_request_latest(*, application: Application) -> ApplicationEvent | None:
    """The office's newest request for more information, shown while the application is returned."""
    if application.status != ApplicationStatus.RETURNED:
        return None
    return application.events.filter(kind="information_requested").order_by("-created_at", "-id").first()
