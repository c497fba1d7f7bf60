"""Which reminders are due, to whom: one source of truth for the sweep (`reminders.sweep`) and the
office admin's calendar (`reminders.calendar`), so the calendar shows exactly what the sweep sends.

The series:

- application deadline: each organisation that may apply in a round in its application period
  (`schemes.rules.organisation_may_apply`) and has not submitted (nothing started, or a draft), at
  `round.application_reminder_days` before `closes_at`. A withdrawn application is the
  organisation's own choice: it gets no reminders;
- reporting deadline: each report still missing (draft or returned) whose decision the municipality
  knows of (`casework.rules.DECISION_KNOWN_STATUSES`: its letter is sent), at
  `round.reporting_reminder_days` before `report.due_at`. Until the letter goes the decision is the
  office's alone, and nobody is reminded of a report they have not heard of;
- report overdue: the same report, once, the day after its deadline, from `SUMMARY_HOUR`;
- overdue summary: the round's caseworkers, once a day from `SUMMARY_HOUR` while reports are
  overdue; the offset is the number of days since the round's reporting deadline (its local date).

A reminder is one `Reminder` row, unique per (recipient, round, kind, offset): its *key*. One person
in two organisations: the key has no organisation, so a user who is editor in two organisations of
the same round gets one reminder per offset, for the first organisation by name.

Queries do not grow with the number of organisations: rounds, organisations, applications, reports,
memberships and existing reminders are read in a handful of queries, keys are built in Python.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from applications.models import Application, ApplicationStatus
from casework.rules import DECISION_KNOWN_STATUSES
from portal.language_forms import written_language_form
from portal.models import ORGANISATION_ROLES, LanguageForm, Membership, Organisation, Role
from reporting.models import GrantReport, ReportStatus
from schemes.models import Round
from schemes.rules import organisation_may_apply

from .models import Reminder, ReminderKind
from .schedule import (
    MAX_OFFSET_DAYS,
    OSLO,
    application_steps,
    overdue_from,
    overdue_steps,
    pick,
    reporting_steps,
    summary_due_at,
    summary_offset,
)

PENDING_REPORT = (ReportStatus.DRAFT, ReportStatus.RETURNED)
NOT_SUBMITTED = (ApplicationStatus.DRAFT,)  # with no application at all; never a withdrawn one

Key = tuple[int, int, str, int]  # (recipient, round, kind, offset): the Reminder's unique key


@dataclass
class Occasion:
    """One reminder of one series at one offset, to everyone it goes to."""

    kind: str
    round: Round
    offset: int
    due_at: dt.datetime
    organisation: Organisation | None = None
    application: tuple[int, str] | None = None  # (pk, status) of the organisation's application, if any
    report: GrantReport | None = None
    overdue_reports: list[GrantReport] = field(default_factory=list)
    recipients: list = field(default_factory=list)

    @property
    def language(self) -> str:
        """The organisation's language form; the office's summaries are in bokmål."""
        if self.organisation is None:
            return str(LanguageForm.BOKMAL)
        return written_language_form(self.organisation, self.round.office)

    @property
    def kind_label(self) -> str:
        return ReminderKind(self.kind).label

    def key(self, user) -> Key:
        return (user.pk, self.round.pk, self.kind, self.offset)




# --- what the database says now (a constant number of queries) -------------------------------------

@dataclass
class SweepInputs:
    rounds: list[Round]  # rounds whose application reminders are considered
    organisations: list[Organisation]
    applications: dict[tuple[int, int], tuple[int, str]]  # (round, organisation) -> (pk, status)
    reports: list[GrantReport]  # reports still missing (draft or returned)


def eligible(round_: Round, organisations: list[Organisation]) -> list[Organisation]:
    """The organisations that may apply in the round (`schemes.rules.organisation_may_apply`)."""
    return [organisation for organisation in organisations if organisation_may_apply(round_, organisation)]


def inputs_read(*, rounds: list[Round], reports) -> SweepInputs:
    counties = {county.pk for round_ in rounds for county in round_.office.counties.all()}
    kinds = {kind for round_ in rounds for kind in round_.effective_eligible_kinds()}
    organisations, applications = [], {}
    if counties and kinds:
        organisations = list(Organisation.objects.filter(county_id__in=counties, kind__in=kinds).order_by("name", "pk"))
        rows = Application.objects.filter(round_id__in=[round_.pk for round_ in rounds]).values_list(
            "round_id", "organisation_id", "pk", "status")
        applications = {(round_id, organisation_id): (pk, status) for round_id, organisation_id, pk, status in rows}
    reports = list(reports.select_related(
        "application__organisation", "application__round__scheme", "application__round__office",
    ).order_by("due_at", "application__organisation__name", "pk"))
    return SweepInputs(rounds=rounds, organisations=organisations, applications=applications, reports=reports)


def rounds_with_reminders_due(now: dt.datetime) -> list[Round]:
    """Published rounds in their application period with an application reminder due now."""
    rounds = (Round.objects.published().filter(opens_at__lte=now, closes_at__gt=now)
              .select_related("scheme", "office").prefetch_related("office__counties").order_by("pk"))
    return [round_ for round_ in rounds if pick(application_steps(round_), now, upcoming=False)]


def reports_pending():
    """Reports not in (draft or returned) that the municipality knows of: the decision letter has
    been sent. A report exists from the decision's approval, but until the letter goes the decision
    is the office's alone, and nobody is reminded of a report they have not heard of."""
    return GrantReport.objects.filter(status__in=PENDING_REPORT,
                                      application__decision__status__in=DECISION_KNOWN_STATUSES)


def reports_missing(now: dt.datetime):
    """Pending reports whose first reminder may be due by now (offsets are at most a year)."""
    return reports_pending().filter(due_at__lte=now + dt.timedelta(days=MAX_OFFSET_DAYS + 1))




def occasions_of(inputs: SweepInputs, now: dt.datetime, *, upcoming: bool) -> list[Occasion]:
    """Every reminder due at `now` (the latest step of each series); with `upcoming`, also those to
    come if nothing changes. Recipients are not attached yet (see `recipients_attach`)."""
    occasions = []
    for round_ in inputs.rounds:
        steps = application_steps(round_)
        for organisation in eligible(round_, inputs.organisations):
            application = inputs.applications.get((round_.pk, organisation.pk))
            if application is not None and application[1] not in NOT_SUBMITTED:
                continue  # submitted (in any later status): nothing to remind of
            for step in pick(steps, now, upcoming=upcoming):
                occasions.append(Occasion(ReminderKind.APPLICATION_DEADLINE, round_, step.offset, step.due_at,
                                          organisation=organisation, application=application))

    missing_by_round = defaultdict(list)
    for report in inputs.reports:
        round_ = report.application.round
        organisation = report.application.organisation
        missing_by_round[round_.pk].append(report)
        for kind, steps in ((ReminderKind.REPORTING_DEADLINE, reporting_steps(report, round_)),
                            (ReminderKind.REPORT_OVERDUE, overdue_steps(report))):
            for step in pick(steps, now, upcoming=upcoming):
                occasions.append(Occasion(kind, round_, step.offset, step.due_at, organisation=organisation,
                                          report=report))

    for reports in missing_by_round.values():
        occasions += summary_occasions(reports, now, upcoming=upcoming)
    occasions.sort(key=lambda occasion: (occasion.due_at, occasion.round.pk, occasion.kind,
                                         occasion.organisation.name if occasion.organisation else ""))
    return occasions


def summary_occasions(reports: list[GrantReport], now: dt.datetime, *, upcoming: bool) -> list[Occasion]:
    """Today's summary once it is due; with `upcoming`, also the next day's (the calendar shows the
    first that has not gone). None before a report of the round is overdue."""
    round_ = reports[0].application.round
    first_overdue = min(overdue_from(report) for report in reports)
    first_day = max(timezone.localdate(now, OSLO), timezone.localdate(first_overdue, OSLO))
    days = [first_day, first_day + dt.timedelta(days=1)] if upcoming else [timezone.localdate(now, OSLO)]
    occasions = []
    for day in days:
        due_at = summary_due_at(day, first_overdue)
        if timezone.localdate(due_at, OSLO) != day:
            continue  # no report is overdue yet on that day
        if due_at > now and not upcoming:
            continue
        moment = max(due_at, now)
        overdue = [report for report in reports if overdue_from(report) <= moment]
        occasions.append(Occasion(ReminderKind.OVERDUE_SUMMARY, round_, summary_offset(round_, day), due_at,
                                  overdue_reports=overdue))
    return occasions


def recipients_attach(occasions: list[Occasion]) -> None:
    """The organisation's active editors and signatories, or the office's active caseworkers: one query."""
    organisation_ids = {o.organisation.pk for o in occasions if o.organisation is not None}
    office_ids = {o.round.office_id for o in occasions if o.kind == ReminderKind.OVERDUE_SUMMARY}
    if not organisation_ids and not office_ids:
        return
    memberships = (
        Membership.objects.filter(
            Q(organisation_id__in=organisation_ids, role__in=ORGANISATION_ROLES)
            | Q(office_id__in=office_ids, role=Role.CASEWORKER),
            user__is_active=True,
        ).select_related("user").order_by("user__email", "pk")
    )
    by_organisation, by_office = defaultdict(dict), defaultdict(dict)
    for membership in memberships:
        if membership.organisation_id is not None:
            by_organisation[membership.organisation_id][membership.user_id] = membership.user
        else:
            by_office[membership.office_id][membership.user_id] = membership.user
    for occasion in occasions:
        users = (by_office[occasion.round.office_id] if occasion.kind == ReminderKind.OVERDUE_SUMMARY
                 else by_organisation[occasion.organisation.pk])
        occasion.recipients = list(users.values())


def reminders_existing(keys) -> dict[Key, Reminder]:
    """The Reminder rows already holding any of `keys` (one query)."""
    keys = set(keys)
    if not keys:
        return {}
    rows = Reminder.objects.filter(
        round_id__in={key[1] for key in keys}, kind__in={key[2] for key in keys},
        offset__in={key[3] for key in keys}, recipient_id__in={key[0] for key in keys},
    ).only("pk", "recipient_id", "round_id", "kind", "offset", "sent_at")
    return {key: row for row in rows if (key := (row.recipient_id, row.round_id, row.kind, row.offset)) in keys}


def reminders_wanted(occasions: list[Occasion]) -> dict[Key, tuple[Occasion, object]]:
    """Each key once, the first occasion that holds it winning (ordered by time, then organisation name)."""
    wanted = {}
    for occasion in occasions:
        for user in occasion.recipients:
            wanted.setdefault(occasion.key(user), (occasion, user))
    return wanted




def reminders_due(*, now: dt.datetime) -> list[Occasion]:
    """Every reminder due at `now`, with its recipients, sent or not."""
    inputs = inputs_read(rounds=rounds_with_reminders_due(now), reports=reports_missing(now))
    occasions = occasions_of(inputs, now, upcoming=False)
    recipients_attach(occasions)
    return occasions




def reminders_planned(*, round_: Round, now: dt.datetime | None = None) -> list[Occasion]:
    """What the sweep will send for the round if nothing changes: the reminder due now that has not
    gone, and those to come, each with the recipients it has not yet gone to. Computed by the same
    code as the sweep (`occasions_of`); `round_` should come with its scheme, office and counties.

    An unpublished round shows what would go once it is published; the sweep sends nothing for it."""
    now = now or timezone.now()
    reports = reports_pending().filter(application__round=round_)
    inputs = inputs_read(rounds=[round_] if now < round_.closes_at else [], reports=reports)
    occasions = occasions_of(inputs, now, upcoming=True)
    recipients_attach(occasions)
    sent = {key for key, row in reminders_existing(key for o in occasions for key in map(o.key, o.recipients)).items()
            if row.sent_at is not None}
    planned, summary_shown, seen = [], False, set()
    for occasion in occasions:
        registered = occasion.recipients
        occasion.recipients = [user for user in registered
                               if occasion.key(user) not in sent and occasion.key(user) not in seen]
        seen.update(occasion.key(user) for user in occasion.recipients)  # each key once, as `reminders_wanted`
        if registered and not occasion.recipients:
            continue  # it has gone to everyone
        if occasion.kind == ReminderKind.OVERDUE_SUMMARY:
            if summary_shown:
                continue  # the next daily summary is enough to show
            summary_shown = True
        planned.append(occasion)
    return planned
