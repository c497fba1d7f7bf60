"""Reads for the office's casework. Every queryset a view uses starts from the user's offices."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.fields.json import KT
from django.utils import timezone

from applications.hooks import event_kinds
from applications.models import (
    LINE_MODELS,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
    LinePart,
)
from applications.rules import NOT_IN_PLAY, competence_plan_rule
from applications.selectors import NO_LINES, application_totals_by_id
from people.models import AccessEvent, AccessEventKind
from portal.mail import FIRST_TRY, RETRY_FOR, STUCK_AFTER
from portal.models import ORGANISATION_ROLES, Role, User
from portal.permissions import office_ids_with_role, organisation_ids_with_role
from portal.selectors import email_keys_not_sent
from schemes.models import Round, RoundChange, RoundChangeKind

from .allocation import allocation_suggest, suggestion_order_key
from .models import Assessment, CaseworkEvent, Decision, DecisionStatus
from .rules import (
    APPEAL_WEEKS,
    DECISION_KNOWN_STATUSES,
    appeal_deadline,
    appeal_within_deadline,
    applied_to_budget,
    decision_made,
    four_eyes_refusal,
    over_budget,
)

WORKING_ROLES = (Role.CASEWORKER, Role.APPROVER)  # who works on a round's applications


def decision_or_none(application: Application) -> Decision | None:
    """The application's decision, or None (read from `select_related("decision")` when loaded)."""
    try:
        return application.decision
    except Decision.DoesNotExist:
        return None


def award_lines(application: Application) -> list[dict]:
    """The application's lines as the office awards them now: part, id, kind, title, rus og psykisk
    helse, applied, awarded (the proposed award, None while not set). A decision stores this list
    when it is proposed, so what it granted can always be explained from what is stored."""
    rows = []
    for measure in application.measures.all():
        rows.append({"part": LinePart.MEASURE.value, "id": measure.pk, "title": measure.title, "kind": measure.kind,
                     "mental_health": measure.concerns_mental_health, "applied": measure.amount_applied or 0,
                     "awarded": measure.proposed_award})
    for project in application.projects.all():
        rows.append({"part": LinePart.PROJECT.value, "id": project.pk, "title": project.title, "kind": "",
                     "mental_health": False, "applied": project.amount_applied or 0,
                     "awarded": project.proposed_award})
    return rows


def round_total_proposed(round_) -> int:
    """Everything proposed in the round, over the applications still in play (as the board counts)."""
    return sum(
        model.objects.filter(application__round=round_).exclude(application__status__in=NOT_IN_PLAY)
        .aggregate(total=Sum("proposed_award"))["total"] or 0
        for model in LINE_MODELS.values()
    )


def letters_waiting_to_send(*, round_) -> dict:
    """For the board: approved decisions whose letter is ready to send, and those still being made."""
    return Decision.objects.filter(application__round=round_, status=DecisionStatus.APPROVED).aggregate(
        ready=Count("pk", filter=~Q(letter_pdf="")), waiting=Count("pk", filter=Q(letter_pdf="")))


def decisions_for_round(*, round_) -> list[Decision]:
    """The round's decisions, for the approver's list: by organisation, in constant queries."""
    return list(Decision.objects.filter(application__round=round_)
                .select_related("application__organisation", "proposed_by", "approved_by")
                .order_by("application__organisation__name", "pk"))


def _letters_not_made(*, before: dt.datetime) -> QuerySet[Decision]:
    """Approved decisions approved before `before` whose letter is not made (one rule for the
    catch-up and for the office's "what did not work")."""
    return Decision.objects.filter(status=DecisionStatus.APPROVED, letter_pdf="", approved_at__lt=before)


def letters_missing(*, older_than: dt.timedelta = FIRST_TRY) -> list[int]:
    """Approved decisions without their letter, older than a few minutes (the first try has had its
    chance): what the catch-up task queues again."""
    return list(_letters_not_made(before=timezone.now() - older_than).values_list("pk", flat=True))


def letters_stuck(*, office_ids: set[int] | None = None, now: dt.datetime | None = None) -> QuerySet[Decision]:
    """Approved decisions whose letter is still not made `STUCK_AFTER` after the approval (its task
    keeps failing: the catch-up goes on trying), of these offices (None: every office)."""
    stuck = _letters_not_made(before=(now or timezone.now()) - STUCK_AFTER)
    return stuck if office_ids is None else stuck.filter(application__round__office_id__in=office_ids)


# --- e-mails certainly not sent (the catch-up queues them again; see portal.mail) ---------------------

def decision_email_key(decision_id: int) -> str:
    """The key the decision letter's e-mail is claimed under, so it goes out at most once."""
    return f"decision:{decision_id}"


def information_request_email_key(application_id: int, request_id: int) -> str:
    """The key of the e-mail telling of one request for information (the return's event)."""
    return f"information-request:{application_id}:{request_id}"


def decision_letters_not_emailed(*, now: dt.datetime | None = None) -> list[int]:
    """Sent decisions whose letter was certainly not e-mailed (the task was lost or gave up), sent
    between `FIRST_TRY` and `RETRY_FOR` ago. Two queries."""
    now = now or timezone.now()
    sent = list(Decision.objects.filter(status=DecisionStatus.SENT, sent_at__lt=now - FIRST_TRY,
                                        sent_at__gte=now - RETRY_FOR)
                .exclude(letter_pdf="").order_by("id").values_list("pk", flat=True))
    not_sent = email_keys_not_sent(decision_email_key(pk) for pk in sent)
    return [pk for pk in sent if decision_email_key(pk) in not_sent]


def information_requests_not_emailed(*, now: dt.datetime | None = None) -> list[int]:
    """Applications still returned whose latest request for information was certainly not
    e-mailed, made between `FIRST_TRY` and `RETRY_FOR` ago. Two queries."""
    now = now or timezone.now()
    latest = (ApplicationEvent.objects.filter(application__status=ApplicationStatus.RETURNED,
                                              kind=EventKind.STATUS_CHANGED, data__transition="return")
              .order_by("application_id", "-created_at", "-id").distinct("application_id")
              .values_list("application_id", "pk", "created_at"))
    asked = [(application_id, pk) for application_id, pk, created_at in latest
             if now - RETRY_FOR <= created_at < now - FIRST_TRY]
    not_sent = email_keys_not_sent(information_request_email_key(*pair) for pair in asked)
    return [application_id for application_id, pk in asked
            if information_request_email_key(application_id, pk) in not_sent]


def assessment_of(application: Application) -> Assessment | None:
    return Assessment.objects.filter(application=application).select_related("started_by").first()


def criterion_rows(application: Application, assessment: Assessment | None) -> list[tuple]:
    """(criterion, score or None) for each criterion of the round, in the round's order."""
    saved = dict(assessment.scores.values_list("criterion_id", "score")) if assessment else {}
    return [(criterion, saved.get(criterion.pk)) for criterion in application.round.criteria.all()]


def lines_now(application: Application) -> list:
    """The application's lines read afresh, in the order the assessment form shows them."""
    return [*CompetenceMeasure.objects.filter(application=application).order_by("id"),
            *InnovationProject.objects.filter(application=application).order_by("priority_rank", "id")]


def rounds_for_offices(*, office_ids) -> QuerySet[Round]:
    """The offices' rounds with how many applications were received and how many wait for assessment."""
    in_play = ~Q(applications__status__in=NOT_IN_PLAY)
    return (
        Round.objects.filter(office_id__in=office_ids).select_related("scheme", "office")
        .annotate(received=Count("applications", filter=in_play),
                  waiting=Count("applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED)))
        .order_by("-year", "office__name", "scheme__name")
    )


@dataclass(slots=True)
class ListRow:
    """One application on the caseworker's list: what its row shows, read as values (no model is
    built per row: instantiating the application, its organisation, assessment and decision was most
    of what the list cost per application; issue 13)."""

    pk: int
    organisation_name: str
    organisation_number: str
    status: str
    applied: int
    has_mental_health: bool  # some measure concerns rus og psykisk helse, whatever its amount
    plan_up_to_date: bool | None  # `rules.competence_plan_is_up_to_date`
    score: int | None
    submitted_at: dt.datetime | None
    created_at: dt.datetime
    decision_status: str  # "" without a decision


STATUS_ORDER = {status: index for index, status in enumerate(ApplicationStatus.values)}  # the workflow's order

SORTERS = {
    "organisation": lambda a: a.organisation_name,
    "applied": lambda a: -a.applied,
    "score": lambda a: (a.score is None, -(a.score or 0)),
    "submitted": lambda a: a.submitted_at or a.created_at,
    "status": lambda a: STATUS_ORDER[a.status],
}


def applications_for_office_round(*, user, round_, status: str = "", organisation_id: int | None = None,
                                  mental_health: bool | None = None, plan_up_to_date: bool | None = None,
                                  sort: str = "organisation") -> list[ListRow]:
    """The caseworker's list: submitted (not draft) applications of the round, only of the user's
    offices, filtered and sorted. Three queries whatever the size (the sums added up in the
    database, no line read); the rows are values, and the plan filter is computed per row."""
    queryset = (
        Application.objects.filter(round=round_, round__office_id__in=office_ids_with_role(user, *WORKING_ROLES))
        .exclude(status=ApplicationStatus.DRAFT)
    )
    if status:
        queryset = queryset.filter(status=status)
    if organisation_id:
        queryset = queryset.filter(organisation_id=organisation_id)
    if mental_health is not None:
        with_mental_health = Exists(CompetenceMeasure.objects.filter(application=OuterRef("pk"),
                                                                     concerns_mental_health=True))
        queryset = queryset.filter(with_mental_health if mental_health else ~with_mental_health)
    values = list(queryset.values_list(  # in the model's order: the sort below keeps it among equals
        "pk", "organisation__name", "organisation__organisation_number", "status", "competence_plan_updated_on",
        "assessment__score", "submitted_at", "created_at", "decision__status"))
    totals = application_totals_by_id(applications=queryset)
    up_to_date = competence_plan_rule(round_=round_)
    rows = []
    for pk, name, number, status_, plan_date, score, submitted_at, created_at, decision_status in values:
        sums = totals.get(pk, NO_LINES)
        rows.append(ListRow(pk, name, number, status_, sums.applied, sums.mental_health_count > 0,
                            up_to_date(plan_date), score, submitted_at, created_at, decision_status or ""))
    if plan_up_to_date is not None:
        rows = [a for a in rows if bool(a.plan_up_to_date) == plan_up_to_date]
    rows.sort(key=SORTERS.get(sort, SORTERS["organisation"]))
    return rows


def round_organisations(*, round_) -> list[tuple[int, str]]:
    """(id, name) of the organisations with a submitted (not draft) application in the round."""
    return list(
        Application.objects.filter(round=round_).exclude(status=ApplicationStatus.DRAFT)
        .order_by("organisation__name").values_list("organisation_id", "organisation__name")
    )


# --- the prioritisation board --------------------------------------------------------------------------

@dataclass(slots=True)
class BoardRow:
    """One application on the board, read as values (no model is built per row)."""

    key: int  # the application's id
    organisation: str  # its name
    status: str
    decision_status: str  # "" without a decision
    applied: int
    proposed: int | None  # None while some line has no proposed award
    score: int | None
    mental_health_applied: int
    plan_up_to_date: bool | None
    decided: int | None = None  # what an approved or sent decision granted: fixed
    suggested: int = 0
    rank: int | None = None
    proposed_so_far: int = 0  # the awards set so far, also while some line has none (as the approval guard counts)

    @property
    def difference(self) -> int | None:
        """The proposed award less the suggestion; None while the proposal is not whole."""
        return None if self.proposed is None else self.proposed - self.suggested


@dataclass
class Board:
    """Every application of a round in play, with the budget and the trade-offs: what is applied
    for, proposed, and suggested by score."""

    round: Round
    rows: list[BoardRow] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return self.round.budget or 0

    @property
    def total_applied(self) -> int:
        return sum(r.applied for r in self.rows)

    @property
    def total_proposed(self) -> int:
        return sum(r.proposed_so_far for r in self.rows)

    @property
    def total_suggested(self) -> int:
        return sum(r.suggested for r in self.rows)

    @property
    def remaining(self) -> int:
        return self.budget - self.total_proposed

    @property
    def over_budget(self) -> bool:
        return over_budget(self.round, self.total_proposed)

    @property
    def ratio(self) -> Decimal | None:
        """Applied for as a multiple of the budget (`rules.applied_to_budget`)."""
        return applied_to_budget(self.total_applied, self.round.budget)


@dataclass(frozen=True)
class AwardSums:
    """The proposed awards of one application's lines, added up in the database."""

    lines: int = 0  # how many lines it has
    unset: int = 0  # how many have no proposed award yet
    so_far: int = 0  # the awards set so far

    @property
    def proposed(self) -> int | None:
        """The whole proposal; None while some line (or every line: none) has no award."""
        return None if not self.lines or self.unset else self.so_far


def award_sums_by_id(*, applications: QuerySet[Application]) -> dict[int, AwardSums]:
    """{application id: AwardSums}, in two queries (one per kind of line), whatever the size."""
    ids = applications.order_by().values("pk")
    sums: dict[int, AwardSums] = {}
    for model in LINE_MODELS.values():
        rows = (model.objects.filter(application_id__in=ids).order_by().values("application_id")
                .annotate(lines=Count("pk"), unset=Count("pk", filter=Q(proposed_award__isnull=True)),
                          so_far=Sum("proposed_award", default=0)))
        for row in rows:
            before = sums.get(row["application_id"], AwardSums())
            sums[row["application_id"]] = AwardSums(before.lines + row["lines"], before.unset + row["unset"],
                                                    before.so_far + row["so_far"])
    return sums


NO_AWARDS = AwardSums()


def _board_queryset(round_) -> QuerySet[Application]:
    """The round's applications in play."""
    return Application.objects.filter(round=round_).exclude(status__in=NOT_IN_PLAY)


BOARD_SORTERS = {
    "score": suggestion_order_key,
    "name": lambda r: r.organisation,
    "applied": lambda r: -r.applied,
    "proposed": lambda r: -(r.proposed or 0),
}


def board_for_round(*, round_, sort: str = "score") -> Board:
    """The round's board, recomputed from what is stored: five queries whatever its size (the sums
    are added up in the database; no line is read, and the rows are values, not models)."""
    queryset = _board_queryset(round_)
    totals, awards = application_totals_by_id(applications=queryset), award_sums_by_id(applications=queryset)
    up_to_date = competence_plan_rule(round_=round_)
    rows = []
    for pk, organisation, status, plan_date, score, decision_status, granted in queryset.values_list(
            "pk", "organisation__name", "status", "competence_plan_updated_on", "assessment__score",
            "decision__status", "decision__total_awarded"):
        sums, award = totals.get(pk, NO_LINES), awards.get(pk, NO_AWARDS)
        rows.append(BoardRow(
            key=pk, organisation=organisation, status=status, decision_status=decision_status or "",
            applied=sums.applied, proposed=award.proposed, proposed_so_far=award.so_far, score=score,
            mental_health_applied=sums.mental_health_applied, plan_up_to_date=up_to_date(plan_date),
            decided=granted if decision_made(decision_status) else None))
    board = Board(round=round_, rows=rows)
    allocation_suggest(board.rows, board.budget)
    for rank, row in enumerate(sorted(board.rows, key=suggestion_order_key), start=1):
        row.rank = rank
    board.rows.sort(key=BOARD_SORTERS.get(sort, suggestion_order_key))
    return board


# --- "My page": what the office has to do next, and the decisions the municipality has received ----

OFFICE_STATUSES = [status for status in ApplicationStatus if status != ApplicationStatus.DRAFT]  # the office never sees drafts


def rounds_with_status_counts(*, rounds: QuerySet[Round]) -> list[Round]:
    """`rounds` each with `status_counts`: [(status, label, number of applications)] for every status
    the office sees (not drafts), in the workflow's order. One query, whatever the number of applications."""
    annotations = {f"count_{status.value}": Count("applications", filter=Q(applications__status=status))
                   for status in OFFICE_STATUSES}
    rows = list(rounds.select_related("scheme", "office").annotate(**annotations)
                .order_by("-year", "office__name", "scheme__name", "pk"))
    for round_ in rows:
        round_.status_counts = [(status.value, status.label, getattr(round_, f"count_{status.value}"))
                                for status in OFFICE_STATUSES]
        round_.received = sum(count for _status, _label, count in round_.status_counts
                              if _status not in NOT_IN_PLAY)
    return rows


def office_rounds_with_counts(*, user) -> list[Round]:
    """The rounds of the offices the user works in (caseworker, approver), with counts by status."""
    return rounds_with_status_counts(
        rounds=Round.objects.filter(office_id__in=office_ids_with_role(user, *WORKING_ROLES)))


def rounds_of_year_with_counts(*, year: int) -> list[Round]:
    """Every office's rounds of `year` (the national admin's overview), with counts by status."""
    return rounds_with_status_counts(rounds=Round.objects.filter(year=year))


def applications_of_office_in(*, user, status: str, roles=(Role.CASEWORKER,)) -> QuerySet[Application]:
    """The applications in `status` of the rounds of the offices where the user holds one of `roles`,
    longest waiting first."""
    if status == ApplicationStatus.DRAFT:
        raise ValueError("The office never sees drafts.")
    return (Application.objects.filter(status=status, round__office_id__in=office_ids_with_role(user, *roles))
            .select_related("organisation", "round__office", "round__scheme")
            .order_by("submitted_at", "pk"))


def decisions_awaiting_approval(*, user) -> list[Decision]:
    """Proposed decisions of the offices where the user approves, but not the user's own proposals
    (`rules.four_eyes_refusal`), oldest proposal first. One query."""
    decisions = (Decision.objects.filter(status=DecisionStatus.PROPOSED, application__round__office_id__in=
                                         office_ids_with_role(user, Role.APPROVER))
                 .select_related("application__organisation", "application__round__office", "proposed_by")
                 .order_by("proposed_at", "pk"))
    return [decision for decision in decisions if not four_eyes_refusal(decision, user)]


def letters_ready_to_send(*, user) -> QuerySet[Decision]:
    """Approved decisions of the user's offices (where they may send) whose letter is made: ready to send."""
    return (Decision.objects.filter(status=DecisionStatus.APPROVED, application__round__office_id__in=
                                    office_ids_with_role(user, *WORKING_ROLES))
            .exclude(letter_pdf="")
            .select_related("application__organisation", "application__round__office")
            .order_by("approved_at", "pk"))


def decisions_received(*, user, now: dt.datetime | None = None, applications: list[Application] | None = None,
                       ) -> list[Decision]:
    """The decisions made known to the user's organisations (their letter sent) that may still be appealed (`rules.appeal_deadline`
    not passed), each with `appeal_deadline`, newest first. One query; none when `applications` are
    given: every application of the user's organisations as already read with its decision, organisation
    and round's office (`applications.selectors.applications_for_organisations`, as My page reads them)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    recent = now - dt.timedelta(weeks=APPEAL_WEEKS, days=2)  # a coarse filter; the rule decides to the day
    if applications is not None:
        decisions = sorted((decision for decision in map(decision_or_none, applications)
                            if decision is not None and decision.status in DECISION_KNOWN_STATUSES
                            and decision.sent_at is not None and decision.sent_at >= recent),
                           key=lambda decision: (-decision.sent_at.timestamp(), decision.pk))
    else:
        decisions = (Decision.objects.filter(status__in=DECISION_KNOWN_STATUSES, sent_at__gte=recent,
                                             application__organisation_id__in=organisation_ids_with_role(
                                                 user, *ORGANISATION_ROLES))
                     .select_related("application__organisation", "application__round__office")
                     .order_by("-sent_at", "pk"))
    rows = []
    for decision in decisions:
        decision.appeal_deadline = appeal_deadline(decision)
        if appeal_within_deadline(decision, today):
            rows.append(decision)
    return rows


# --- proposals returned to the caseworker ------------------------------------------------------------

def decision_return_latest(*, decision: Decision | None) -> ApplicationEvent | None:
    """While a proposal is returned to the caseworker: the approver's return (who, when, the comment
    in `data["comment"]`); None otherwise."""
    if decision is None or decision.status != DecisionStatus.RETURNED:
        return None
    return (ApplicationEvent.objects.filter(application_id=decision.application_id, object_id=decision.pk,
                                            kind=CaseworkEvent.DECISION_RETURNED)
            .select_related("actor").order_by("-created_at", "-id").first())


def decisions_returned(*, user) -> list[Decision]:
    """For the caseworker's home page: the proposals an approver returned, in the rounds of the offices
    where the user is a caseworker, oldest return first. Each carries `returned_at`, `returned_by` (a
    name), `return_comment` and `returned_to_me` (the user proposed it). Two queries, whatever the
    number."""
    returns = ApplicationEvent.objects.filter(object_id=OuterRef("pk"), application_id=OuterRef("application_id"),
                                              kind=CaseworkEvent.DECISION_RETURNED).order_by("-created_at", "-id")
    decisions = list(
        Decision.objects.filter(status=DecisionStatus.RETURNED,
                                application__round__office_id__in=office_ids_with_role(user, Role.CASEWORKER))
        .annotate(returned_at=Subquery(returns.values("created_at")[:1]),
                  returned_by_id=Subquery(returns.values("actor")[:1]),
                  return_comment=Subquery(returns.annotate(comment=KT("data__comment")).values("comment")[:1]))
        .select_related("application__round__scheme", "application__round__office", "application__organisation")
        .order_by("returned_at", "pk")
    )
    names = {u.pk: str(u) for u in User.objects.filter(pk__in={d.returned_by_id for d in decisions})}
    for decision in decisions:
        decision.returned_by = names.get(decision.returned_by_id, "")
        decision.returned_to_me = decision.proposed_by_id == user.pk
    return decisions


# --- the office's audit log ----------------------------------------------------------------------------

AUDIT_SOURCES = ("application", "access", "round")


@dataclass
class AuditEntry:
    """One line of the office's audit log, from whichever table holds it."""

    source: str  # "application" (ApplicationEvent), "access" (AccessEvent) or "round" (RoundChange)
    event: object
    created_at: dt.datetime
    kind: str
    kind_label: str
    actor: User | None


def audit_log_querysets(*, office, round_id=None, application_id=None, kind="", person="", since=None,
                        until=None) -> dict[str, QuerySet]:
    """The office's part of each audit table, filtered. A filter a table cannot answer (an
    application, for role changes) leaves that table out rather than showing all of it."""
    application_events = ApplicationEvent.objects.filter(application__round__office=office)
    access_events = AccessEvent.objects.filter(Q(office=office) | Q(organisation__county__in=office.counties.values("pk")))
    round_changes = RoundChange.objects.filter(office=office)
    if round_id:
        application_events = application_events.filter(application__round_id=round_id)
        round_changes = round_changes.filter(round_id=round_id)
        access_events = access_events.none()
    if application_id:
        application_events = application_events.filter(application_id=application_id)
        round_changes = round_changes.none()
        access_events = access_events.none()
    if kind:
        application_events = application_events.filter(kind=kind)
        access_events = access_events.filter(kind=kind)
        round_changes = round_changes.filter(kind=kind)
    if person:
        by = Q(actor__email__icontains=person) | Q(actor__full_name__icontains=person)
        application_events = application_events.filter(by)
        access_events = access_events.filter(by | Q(email__icontains=person))
        round_changes = round_changes.filter(by)
    querysets = {"application": application_events, "access": access_events, "round": round_changes}
    if since:
        querysets = {source: queryset.filter(created_at__date__gte=since) for source, queryset in querysets.items()}
    if until:
        querysets = {source: queryset.filter(created_at__date__lte=until) for source, queryset in querysets.items()}
    return querysets


def audit_log_keys(querysets: dict[str, QuerySet]) -> QuerySet:
    """(source, id, created_at) of every entry, newest first, in one UNION query (paginated by the
    view: the page's rows are then read with `audit_log_entries`, one query per table)."""
    keyed = [queryset.order_by().annotate(source=Value(source, output_field=CharField()))
             .values_list("source", "pk", "created_at") for source, queryset in querysets.items()]
    first, *rest = keyed
    return first.union(*rest, all=True).order_by("-created_at", "-pk")


def audit_log_entries(keys) -> list[AuditEntry]:
    """The entries of one page of keys, each with its actor, application and round, in order."""
    wanted = {source: [pk for s, pk, _at in keys if s == source] for source in AUDIT_SOURCES}
    found = {
        "application": ApplicationEvent.objects.select_related("actor", "application__organisation",
                                                                "application__round__office").in_bulk(wanted["application"]),
        "access": AccessEvent.objects.select_related("actor", "person", "organisation", "office")
        .in_bulk(wanted["access"]),
        "round": RoundChange.objects.select_related("actor").in_bulk(wanted["round"]),
    }
    entries = []
    for source, pk, created_at in keys:
        event = found[source].get(pk)
        if event is None:
            continue
        label = event.kind_label if source == "application" else event.get_kind_display()
        entries.append(AuditEntry(source, event, created_at, event.kind, str(label), event.actor))
    return entries


def audit_log_kinds() -> list[tuple[str, str]]:
    """Every kind the log holds, with its words, for the filter."""
    kinds = dict(event_kinds())
    kinds.update(AccessEventKind.choices)
    kinds.update(RoundChangeKind.choices)
    return sorted(((value, str(label)) for value, label in kinds.items()), key=lambda pair: pair[1])
