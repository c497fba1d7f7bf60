"""Reads for applications. Every queryset a view uses starts from what the user may see."""

import copy
import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.formatting import deadline_text
from portal.mail import FIRST_TRY, RETRY_FOR, STUCK_AFTER
from portal.models import OFFICE_ROLES, ORGANISATION_ROLES, Delivery, Notification, Role, SentEmail, User
from portal.permissions import office_ids_with_role, organisation_ids_with_role
from portal.selectors import email_keys_not_sent, organisation_users, organisations_for_user
from portal.versions import cache_namespace, cached, keep
from schemes.models import SubGoal, TargetGroup

from . import hooks
from .completeness import application_problems
from .models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Attachment,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
    Receipt,
    SignatureRequest,
)
from .notifications import ApplicationNotice
from .permissions import can_start_application, roles_of
from .rules import EDITABLE_STATUSES, applicant_status, applicant_status_label, round_closed_reason


# The models' Meta.ordering starts with "application", which orders by the application's own ordering:
# a join to the application, its round and its organisation in every prefetch, and SQL that costs CPU
# to build. A prefetch hands each application its own rows, so within one application these orders
# are the same as the models', without the joins.
def _sub_goals() -> Prefetch:
    return Prefetch("sub_goals", queryset=SubGoal.objects.order_by("scheme_id", "position", "id"))


def line_prefetches() -> tuple:
    """What the task list, summary, PDFs and completeness rules read: fresh Prefetch objects."""
    return (
        Prefetch("measures", queryset=CompetenceMeasure.objects.select_related("target_group").order_by("id")),
        Prefetch("projects", queryset=InnovationProject.objects.order_by("priority_rank", "id")
                 .prefetch_related(_sub_goals())),
        Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "-uploaded_at")),
    )


def receipts_prefetch() -> Prefetch:
    return Prefetch("receipts", queryset=Receipt.objects.order_by("-submission_number"))


def signature_requests_prefetch() -> Prefetch:
    return Prefetch("signature_requests", queryset=SignatureRequest.objects.order_by("-requested_at", "-id"))


def applications_visible_to(*, user) -> QuerySet[Application]:
    """The organisation's own applications, and the submitted ones of the user's offices."""
    organisations = organisation_ids_with_role(user, *ORGANISATION_ROLES)
    offices = office_ids_with_role(user, *OFFICE_ROLES)
    return Application.objects.filter(
        Q(organisation_id__in=organisations)
        | (Q(round__office_id__in=offices) & ~Q(status=ApplicationStatus.DRAFT))
    )


def application_get_full(*, user, pk: int) -> Application:
    """One application with everything the task list, summary and PDF read, in constant queries: its
    row (one query), then its lines, files and receipts (`line_prefetches`, `receipts_prefetch`), put
    on it as prefetched (`application.measures.all()`, `project.sub_goals.all()`, `measure.target_group`
    ask nothing more). Those come from the cache under the application's `lines_version`, which the
    database raises whenever any of them changes (`applications.lines_version`); read (five queries)
    and kept when not there. Raises Application.DoesNotExist (a 404) when the user may not see it."""
    application = (
        applications_visible_to(user=user)
        .select_related("round__scheme", "round__office", "organisation", "submitted_by",
                        *hooks.status_mask_related())
        .get(pk=pk)
    )
    lines_read([application])
    return application


def lines_read(applications: list[Application]) -> None:
    """Each application's lines, files and receipts put on it as prefetched, from the cache under its
    `lines_version` (one read for all of them); those not there are read together (five queries) and
    kept. The applications must have been read before: what is read here is at least as new as the
    version each was read with."""
    keys = {application.pk: _lines_key(application) for application in applications}
    found = cached([key for key in keys.values() if key], "Application lines")
    missing = []
    for application in applications:
        lines = found.get(keys[application.pk])
        if lines is None:
            missing.append(application)
        else:
            _lines_put(application, lines)
    if missing:
        prefetch_related_objects(missing, *line_prefetches(), receipts_prefetch())
        for application in missing:
            _lines_keep(keys[application.pk], application)


CACHED_RELATIONS = ("measures", "projects", "attachments", "receipts")  # `line_prefetches`, `receipts_prefetch`


@functools.cache
def _lines_namespace() -> str | None:
    """What cached lines are valid for besides the application and its version (`portal.versions`),
    how they are read included (a deployment that changes it reads afresh)."""
    return cache_namespace(
        Application, (CompetenceMeasure, InnovationProject, InnovationProject.sub_goals.through, SubGoal, TargetGroup,
                      Attachment, Receipt),
        *(prefetch.queryset.query for prefetch in (*line_prefetches(), receipts_prefetch())))


def _lines_key(application: Application) -> str | None:
    namespace = _lines_namespace()
    return namespace and f"applications:lines:{namespace}:{application.pk}:{application.lines_version}"


def _detached(obj, *prefetched: str):
    """A copy of `obj` to keep in the cache: without its application (the reader has its own) and with
    its prefetched relations `prefetched` as plain lists (not querysets)."""
    detached = copy.copy(obj)  # its own fields cache (`Model.__getstate__`)
    detached._state.fields_cache.pop("application", None)
    detached._prefetched_objects_cache = {name: list(getattr(obj, name).all()) for name in prefetched}
    return detached


def _lines_keep(key: str | None, application: Application) -> None:
    keep(key, {name: [_detached(obj, *(("sub_goals",) if name == "projects" else ()))
                      for obj in getattr(application, name).all()] for name in CACHED_RELATIONS},
         "Application lines")


def _prefetched(instance, name: str, rows: list) -> None:
    """Put `rows` on `instance` as Django's prefetch puts a relation's rows: `instance.<name>.all()`
    hands them back, and a further `.filter()` still asks the database for the instance's own."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    instance._prefetched_objects_cache[name] = queryset


def _lines_put(application: Application, lines: dict) -> None:
    """The cached lines, files and receipts onto `application`, as `prefetch_related_objects` leaves them."""
    if not hasattr(application, "_prefetched_objects_cache"):
        application._prefetched_objects_cache = {}
    for name in CACHED_RELATIONS:
        rows = lines[name]
        field = getattr(Application, name).field  # the line's foreign key to its application
        for row in rows:
            field.set_cached_value(row, application)
            sub_goals = row._prefetched_objects_cache
            if sub_goals:
                row._prefetched_objects_cache = {}
                for relation, related in sub_goals.items():
                    _prefetched(row, relation, related)
        _prefetched(application, name, rows)


def application_get(*, user, pk: int) -> Application:
    """One application without its lines, for a request that hands it to a service which locks and
    reads it again (a submission). Raises Application.DoesNotExist when the user may not see it."""
    return (applications_visible_to(user=user).select_related("round__scheme", "round__office", "organisation")
            .get(pk=pk))


def applications_for_organisations(*, user, with_lines: bool = True) -> QuerySet[Application]:
    """The municipality's start page: its applications across rounds, newest round first, with what
    the next step reads (lines and files for what is missing, the marks for signature). Without
    `with_lines`, the marks only: the caller reads the lines of those it needs (`lines_read`)."""
    organisations = organisation_ids_with_role(user, *ORGANISATION_ROLES)
    return (
        Application.objects.filter(organisation_id__in=organisations)
        .select_related("round__scheme", "round__office", "organisation", *hooks.status_mask_related())
        .prefetch_related(*(line_prefetches() if with_lines else ()), signature_requests_prefetch())
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


LINE_RELATIONS = frozenset({"measures", "projects", "attachments"})  # what `line_prefetches` reads


def application_with_lines(*, pk: int, read: Application | None = None) -> Application:
    """One application with its lines and files prefetched, for rules that read them all (the
    submission guard), unscoped: callers have already checked who may act. `read`: the application
    as this request already read it: used as it is when it has them (the check page's), otherwise
    they are read onto it (`lines_read`). For a row locked for a transition that is exactly what the
    row's `lines_version` says: a change of its lines raises that version in its own transaction, by
    updating this row, which waits for the lock; and what the cache keeps under a version was read when
    the row already carried it, so a newer change would have raised the version the lock found."""
    if read is not None:
        if not LINE_RELATIONS <= getattr(read, "_prefetched_objects_cache", {}).keys():
            lines_read([read])
        return read
    return (
        Application.objects.select_related("round__scheme", "organisation")
        .prefetch_related(*line_prefetches())
        .get(pk=pk)
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
    mental_health_count: int = 0  # measures that concern rus og psykisk helse, whatever their amount

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
        mental_health_count=sum(1 for m in measures if m.concerns_mental_health),
    )


NO_LINES = Totals(0, 0, 0, 0, 0, 0, 0, 0, 0)


def application_totals_by_id(*, applications: QuerySet[Application]) -> dict[int, Totals]:
    """`application_totals` of many applications at once, added up in the database (two queries,
    one per kind of line, whatever the number of applications or lines): {application id: Totals}.
    An application without lines is missing from the dict: use `.get(pk, NO_LINES)`."""
    ids = applications.order_by().values("pk")
    measures = {row.pop("application_id"): row for row in (
        CompetenceMeasure.objects.filter(application_id__in=ids).order_by().values("application_id").annotate(
            applied=Sum("amount_applied", default=0), cost=Sum("total_cost", default=0),
            own=Sum("own_funding", default=0), count=Count("pk"),
            mental_health_applied=Sum("amount_applied", filter=Q(concerns_mental_health=True), default=0),
            mental_health_count=Count("pk", filter=Q(concerns_mental_health=True))))}
    projects = {row.pop("application_id"): row for row in (
        InnovationProject.objects.filter(application_id__in=ids).order_by().values("application_id").annotate(
            applied=Sum("amount_applied", default=0), budget=Sum("total_budget", default=0),
            own=Sum("own_share", default=0), count=Count("pk")))}
    none_m = {"applied": 0, "cost": 0, "own": 0, "count": 0, "mental_health_applied": 0, "mental_health_count": 0}
    none_p = {"applied": 0, "budget": 0, "own": 0, "count": 0}
    totals = {}
    for pk in measures.keys() | projects.keys():
        m, p = measures.get(pk, none_m), projects.get(pk, none_p)
        totals[pk] = Totals(
            measures_applied=m["applied"], measures_cost=m["cost"], measures_own=m["own"],
            projects_applied=p["applied"], projects_budget=p["budget"], projects_own=p["own"],
            measure_count=m["count"], project_count=p["count"],
            mental_health_applied=m["mental_health_applied"], mental_health_count=m["mental_health_count"])
    return totals


def application_history(*, application: Application, include_internal: bool = False) -> QuerySet[ApplicationEvent]:
    events = application.events.select_related("actor").order_by("-created_at", "-id")
    if not include_internal:
        events = events.filter(visible_to_applicant=True)
    return events


def section_values_at(*, application: Application, section: str, version: int,
                      object_id: int | None = None) -> dict | None:
    """What a section (or one line) held at `version`, from the event written when it was saved; for a
    version no save wrote (as started, copied or seeded), from what the next save found before it wrote."""
    events = application.events.filter(section=section, object_id=object_id)
    event = events.filter(version=version, data__has_key="values").order_by("-id").first()
    if event:
        return event.data["values"]
    following = events.filter(version=version + 1, data__has_key="before").order_by("id").first()
    return following.data["before"] if following else None


def application_next_step(*, application: Application, user, is_applicant: bool) -> str:
    """What the municipality should do next, in one sentence (for an applicant, from the status
    they may know)."""
    status = applicant_status(application) if is_applicant else application.status
    if status == ApplicationStatus.DRAFT:
        if application.round.in_grace():
            return _("The deadline has passed, but the signatory can still submit the application until "
                     "%(until)s.") % {"until": deadline_text(application.round.submission_closes_at)}
        if not application.round.is_open():
            return _("The deadline has passed; the draft was not submitted.")
        if application_problems(application=application):
            return _("Complete the sections and let the signatory submit before the deadline.")
        roles = roles_of(user, application)
        if Role.SIGNATORY in roles:
            return _("Everything required is filled in: check the application and submit it before the deadline.")
        if is_applicant and application_marked_for_signature(application):
            return _("Marked ready for signature: the signatory submits it before the deadline.")
        if is_applicant:
            return _("Everything required is filled in: mark it ready for signature on the check page.")
        return _("Everything required is filled in; the signatory submits it.")
    if status == ApplicationStatus.RETURNED:
        return _("The County Governor asked for more information: change the application and send it again.")
    if status in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_ASSESSMENT):
        return _("Submitted. The County Governor is assessing the application.")
    if status == ApplicationStatus.DECIDED:
        return _("Decided. Report on the use of funds by the reporting deadline.")
    if status == ApplicationStatus.WITHDRAWN:
        return _("Withdrawn. While the round is open you can start again.")
    return ""


def application_marked_for_signature(application: Application) -> bool:
    """Has an editor marked it ready for its next submission? (Reads prefetched marks when there are.)"""
    return any(r.submission_number == application.submission_count + 1 for r in application.signature_requests.all())


def organisations_that_may_start(*, user, round_) -> list[tuple]:
    """For the round page: the user's organisations with their application in the round (marked with
    the status its users may know), and those that may start one now."""
    organisations = list(organisations_for_user(user=user, roles=ORGANISATION_ROLES))
    existing = {a.organisation_id: a for a in Application.objects.filter(round=round_, organisation__in=organisations)
                .select_related(*hooks.status_mask_related())}
    for application in existing.values():
        application.shown_status_label = applicant_status_label(application)
    return [(o, existing.get(o.pk)) for o in organisations
            if o.pk in existing or can_start_application(user, round_, o)]


def information_request_latest(*, application: Application) -> ApplicationEvent | None:
    """The office's newest request for more information (the message it was returned with), shown
    while the application is returned."""
    if application.status != ApplicationStatus.RETURNED:
        return None
    return (application.events.filter(kind=EventKind.STATUS_CHANGED, data__transition="return")
            .order_by("-created_at", "-id").first())


def information_requests_latest(*, applications) -> dict[int, ApplicationEvent]:
    """{application id: the office's newest request for information} of those of `applications` that
    are returned (as `information_request_latest`, for many applications in one query)."""
    returned = [a.pk for a in applications if a.status == ApplicationStatus.RETURNED]
    if not returned:
        return {}
    events = (ApplicationEvent.objects.filter(application_id__in=returned, kind=EventKind.STATUS_CHANGED,
                                              data__transition="return")
              .order_by("application_id", "-created_at", "-id").distinct("application_id"))
    return {event.application_id: event for event in events}


# --- "My page": what the municipality has to do next ---------------------------------------------------

@dataclass
class HomeApplication:
    """One of the organisation's applications as the municipality's home page shows it."""

    application: Application
    status_label: str  # as the applicant may know it
    problems: list  # what is missing (`completeness.application_problems`), while the municipality may edit it
    editable: bool = False  # the municipality may still change and send it now


def applications_for_home(*, user, now: dt.datetime | None = None) -> list[HomeApplication]:
    """The applications of the user's organisations, newest round first, each with what is missing
    while it can still be changed and sent (the check page's own rule). Constant queries: the lines
    are read for those only (`lines_read`, mostly from the cache), not for last year's."""
    now = now or timezone.now()
    applications = list(applications_for_organisations(user=user, with_lines=False))  # marks prefetched
    lines_read([application for application in applications if _sendable_now(application, now)])
    rows = []
    for application in applications:
        editable = _sendable_now(application, now)
        rows.append(HomeApplication(
            application=application, status_label=applicant_status_label(application), editable=editable,
            problems=application_problems(application=application) if editable else []))
    return rows


def _sendable_now(application: Application, now: dt.datetime) -> bool:
    """May the municipality still change and send it: a draft while its round takes submissions, or
    one the office returned."""
    return application.status in EDITABLE_STATUSES and not (
        application.status == ApplicationStatus.DRAFT and round_closed_reason(application.round, now))


def applications_awaiting_signature(*, user, now: dt.datetime | None = None,
                                    rows: list[HomeApplication] | None = None) -> list[Application]:
    """Applications of the user's organisations that only a signatory's submission is waiting for:
    complete (nothing `application_problems` finds), a draft in a round open now or a returned one
    (a resubmission the office asked for has no deadline) — what the submit and resubmit guards ask,
    bar the role. Each carries `marked` (an editor marked it ready for signature: `SignatureRequest`).
    The editor's home page lists them: to mark, or marked and waiting. Constant queries; none when
    `rows` (`applications_for_home` of the same user and moment) are given, as My page does."""
    now = now or timezone.now()
    if rows is not None:
        waiting = [row.application for row in rows if row.editable and not row.problems]
    else:
        waiting = [a for a in applications_for_organisations(user=user).filter(status__in=EDITABLE_STATUSES)
                   if _sendable_now(a, now) and not application_problems(application=a)]
    for application in waiting:
        application.marked = application_marked_for_signature(application)
    return waiting


def organisations_signed_for(*, user) -> set[int]:
    """The organisations in which the user may submit (is a signatory)."""
    return organisation_ids_with_role(user, Role.SIGNATORY)


def receipt_email_key(application_id: int, submission_number: int) -> str:
    """The key the receipt's e-mail is claimed under, so it goes out at most once."""
    return f"receipt:{application_id}:{submission_number}"


def receipts_not_emailed(*, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(application, submission number) of receipts made but certainly not e-mailed (the task was
    lost or gave up), made between `FIRST_TRY` and `RETRY_FOR` ago: what the catch-up queues again.
    Not for a withdrawn application. Two queries."""
    now = now or timezone.now()
    made = list(Receipt.objects.filter(created_at__lt=now - FIRST_TRY, created_at__gte=now - RETRY_FOR)
                .exclude(pdf="").exclude(application__status=ApplicationStatus.WITHDRAWN)
                .order_by("id").values_list("application_id", "submission_number"))
    not_sent = email_keys_not_sent(receipt_email_key(*pair) for pair in made)
    return [pair for pair in made if receipt_email_key(*pair) in not_sent]


def _submissions_without_receipt(*, before: dt.datetime) -> QuerySet[Application]:
    """Submissions (the latest of each application in play) made before `before` whose receipt PDF
    is not made."""
    has_receipt = Receipt.objects.filter(application=OuterRef("pk"), submission_number=OuterRef("submission_count"))
    return (Application.objects.filter(submission_count__gt=0, submitted_at__lt=before)
            .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN, ApplicationStatus.RETURNED])
            .exclude(Exists(has_receipt.exclude(pdf=""))))


def receipts_missing(*, older_than: dt.timedelta = FIRST_TRY) -> list[tuple[int, int]]:
    """(application, submission number) of submissions without their receipt, older than a few
    minutes (so the first try has had its chance): what the catch-up task queues again."""
    return list(_submissions_without_receipt(before=timezone.now() - older_than).values_list("pk", "submission_count"))


def receipts_stuck(*, office_ids: set[int] | None = None, now: dt.datetime | None = None) -> QuerySet[Application]:
    """Submissions whose receipt is still not made `STUCK_AFTER` after they were submitted (its task
    keeps failing: the catch-up goes on trying), of these offices (None: every office)."""
    stuck = _submissions_without_receipt(before=(now or timezone.now()) - STUCK_AFTER)
    return stuck if office_ids is None else stuck.filter(round__office_id__in=office_ids)


# --- the hand-over to the signatory ------------------------------------------------------------------

# What the municipality's own saves write into the history: a change after the editor's mark.
EDIT_EVENT_KINDS = (EventKind.SECTION_SAVED, EventKind.LINE_ADDED, EventKind.LINE_CHANGED, EventKind.LINE_REMOVED,
                    EventKind.LINES_COPIED, EventKind.FILE_UPLOADED, EventKind.FILE_REMOVED)


def signature_request_email_key(request_id: int, user_id: int) -> str:
    """The key the e-mail telling one signatory of one mark is claimed under (sent at most once)."""
    return f"signature-request:{request_id}:{user_id}"


def signatories_of(*, organisation_id: int) -> list:
    """Who may submit for the organisation: its active signatories, by name."""
    return list(organisation_users(organisation_id=organisation_id, roles=(Role.SIGNATORY,))
                .order_by("full_name", "email"))


def signatory_ids_by_organisation(*, organisation_ids) -> dict[int, list[int]]:
    """The active signatories with an e-mail address of each organisation (those a hand-over e-mail
    goes to), as user ids: one query."""
    by_organisation: dict[int, list[int]] = {}
    for organisation_id, user_id in (User.objects.filter(is_active=True, memberships__role=Role.SIGNATORY,
                                                         memberships__organisation_id__in=set(organisation_ids))
                                     .exclude(email="").values_list("memberships__organisation_id", "pk")
                                     .distinct()):
        by_organisation.setdefault(organisation_id, []).append(user_id)
    return by_organisation


def signature_requests_not_emailed(*, now: dt.datetime | None = None) -> list[int]:
    """The marks "ready for signature" of applications still editable, made between `FIRST_TRY` and
    `RETRY_FOR` ago, whose e-mail to one of the signatories was certainly not sent (its task was lost
    with a broker outage, or gave up): what the catch-up queues again. The task itself sends only for
    a mark still current, and to each signatory at most once. Three queries."""
    now = now or timezone.now()
    requests = list(SignatureRequest.objects.filter(
        requested_at__lte=now - FIRST_TRY, requested_at__gt=now - RETRY_FOR,
        application__status__in=EDITABLE_STATUSES).values_list("pk", "application__organisation_id"))
    return marks_not_emailed(requests, signature_request_email_key)


def marks_not_emailed(marks: list[tuple[int, int]], email_key) -> list[int]:
    """Of `marks` ((mark id, organisation id): an application's or a report's "ready for signature"),
    those whose e-mail to one of the organisation's signatories was certainly not sent, by the
    e-mail's key `email_key(mark id, user id)`. Two queries."""
    signatories = signatory_ids_by_organisation(organisation_ids={organisation for _pk, organisation in marks})
    keys = {email_key(pk, user): pk for pk, organisation in marks for user in signatories.get(organisation, [])}
    return sorted({keys[key] for key in email_keys_not_sent(keys)})


def signature_request_current(*, application: Application) -> SignatureRequest | None:
    """The editor's newest mark "ready for signature" for the application's next submission, while
    the municipality may still change and submit it; None otherwise."""
    if application.status not in EDITABLE_STATUSES:
        return None
    return (application.signature_requests.filter(submission_number=application.submission_count + 1)
            .select_related("requested_by").order_by("-requested_at", "-id").first())


def application_changed_since(*, application: Application, since: dt.datetime) -> ApplicationEvent | None:
    """The newest change the municipality saved after `since` (a mark for signature), or None."""
    return (application.events.filter(kind__in=EDIT_EVENT_KINDS, created_at__gt=since).select_related("actor")
            .order_by("-created_at", "-id").first())


@dataclass(frozen=True)
class SignatoryTold:
    """One signatory, and whether (and when) they were told of a mark: in the portal, by e-mail."""

    user: object
    notified_at: dt.datetime | None
    emailed_at: dt.datetime | None
    email_status: str  # a `Delivery` value, or "" while no e-mail was claimed for them

    @property
    def email_failed(self) -> bool:
        return self.email_status in (Delivery.FAILED, Delivery.UNCERTAIN)


def signatories_told(*, request, signatories: list, kind: str = ApplicationNotice.READY_FOR_SIGNATURE,
                     email_key=signature_request_email_key) -> list[SignatoryTold]:
    """For each signatory: when the portal told them of `request` (its notification) and how its
    e-mail went. Two queries, whatever the number of signatories. `kind` and `email_key` name the
    notification and the e-mail of the request's own kind (the report's hand-over uses its own)."""
    ids = [user.pk for user in signatories]
    notified = dict(Notification.objects.filter(user_id__in=ids, kind=kind, data__request=request.pk)
                    .values_list("user_id", "created_at"))
    keys = {email_key(request.pk, pk): pk for pk in ids}
    emails = {keys[key]: (status, sent_at) for key, status, sent_at in
              SentEmail.objects.filter(key__in=keys).values_list("key", "status", "sent_at")}
    return [SignatoryTold(user=user, notified_at=notified.get(user.pk), emailed_at=emails.get(user.pk, ("", None))[1],
                          email_status=emails.get(user.pk, ("", None))[0]) for user in signatories]


def applications_ready_for_signature(*, user, now: dt.datetime | None = None,
                                     applications: list[Application] | None = None) -> list[Application]:
    """For the signatory's home page: the applications of the organisations the user signs for that
    an editor has marked ready for signature and that can be submitted now (a draft while its round
    takes submissions, or one the office returned), oldest mark first. Each carries `ready_marked_at`,
    `ready_marked_by` (a name) and `changed_since_mark` (the municipality saved a change after the
    mark). `applications`: the user's organisations' applications as `applications_for_organisations`
    reads them (marks prefetched), when the page has them already (My page); read here otherwise.
    No query beyond them when nothing is marked; two when something is, whatever the number."""
    now = now or timezone.now()
    if applications is None:
        applications = list(applications_for_organisations(user=user))
    signs_for = organisation_ids_with_role(user, Role.SIGNATORY)
    ready = []
    for application in applications:
        if application.organisation_id not in signs_for or application.status not in EDITABLE_STATUSES:
            continue
        marks = [r for r in application.signature_requests.all()
                 if r.submission_number == application.submission_count + 1]
        if not marks or not (application.status == ApplicationStatus.RETURNED or application.round.is_open(now)):
            continue
        newest = max(marks, key=lambda r: (r.requested_at, r.pk))
        application.ready_marked_at, application.ready_marked_by_id = newest.requested_at, newest.requested_by_id
        ready.append(application)
    if not ready:
        return []
    last_change = dict(ApplicationEvent.objects.filter(application_id__in=[a.pk for a in ready],
                                                       kind__in=EDIT_EVENT_KINDS)
                       .values("application_id").annotate(last=Max("created_at"))
                       .values_list("application_id", "last").order_by())
    names = {u.pk: str(u) for u in User.objects.filter(pk__in={a.ready_marked_by_id for a in ready})}
    for application in ready:
        changed = last_change.get(application.pk)
        application.changed_since_mark = changed is not None and changed > application.ready_marked_at
        application.ready_marked_by = names.get(application.ready_marked_by_id, "")
    return sorted(ready, key=lambda a: (a.ready_marked_at, a.pk))
