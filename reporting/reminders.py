"""Reminders: what is due, to whom, and sending each at most once.

One periodic task (`reporting.sweep`, every five minutes from Celery beat) calls `reminders_sweep`.
The office admin's calendar calls `reminders_planned`. Both are built from the same `_occasions`,
so the calendar shows exactly what the sweep will send.

Series and catch-up
-------------------
A *series* is the reminders one organisation (or one office) gets about one deadline:

- application deadline: each eligible organisation of a round in its application period that has
  not submitted (nothing started, or a draft), at `round.application_reminder_days` before
  `closes_at` (same local time of day, so a DST change does not move it by an hour). A withdrawn
  application is the organisation's own choice: it gets no reminders;
- reporting deadline: each report still missing (draft or returned) whose decision letter has been
  sent, at `round.reporting_reminder_days` before `report.due_at`. The report exists from the
  decision's approval, but the municipality learns of the grant only from the letter
  (`Decision.status` SENT): until then it gets no reminder, no overdue notice, and the report is
  not in the caseworkers' summary;
- report overdue: the same report, once, the day after its deadline: from `SUMMARY_HOUR` on the
  local day after `due_at` (a deadline of 1 March 23:59 gets it on 2 March at 07:00);
- overdue summary: the round's caseworkers, once a day from `SUMMARY_HOUR` while reports are overdue
  (a report is overdue from the minute after its deadline minute, see `overdue_from`); the offset is
  the number of days since the round's reporting deadline (its local date).

At any moment only the *latest due* step of a series is sent (the smallest number of days), and
none once its deadline has passed. A sweep that was down for a while therefore catches up with the
reminder that is still useful, never with a 14-day reminder on the last day.

At most once
------------
A reminder is one `Reminder` row, unique per (recipient, round, kind, offset). The sweep, in one
short transaction that commits *before* any e-mail goes:

1. inserts the rows it wants to send (`bulk_create(ignore_conflicts=True)`: a key another sweep or
   an earlier run already holds is left alone);
2. locks the rows of its keys that are still unsent (`sent_at` empty) with
   `select_for_update(skip_locked=True)` (a concurrent sweep holding one skips it) and sets `sent_at`
   on them: those rows are this sweep's claim.

Only then are the e-mails sent. A second sweep, a second beat or a retried task finds `sent_at` set
and sends nothing. A send that fails gives its claim back (`sent_at` emptied again, so a later sweep
tries once more while the reminder is still useful) only when it is certain that nothing went:

- the mail server definitely refused it (`DEFINITE_REFUSALS`: recipients, sender or data refused,
  answers the server gave before accepting the message);
- the connection could not be opened, the e-mail could not be composed, or it was never tried
  (see below).

Any other error while sending (the connection dropped, a timeout, an unknown exception) may have
come after the server accepted the message: that reminder keeps its claim and is logged as "may
have been sent", and it is not sent again. The sweep then stops using the connection and gives back
the claims of the reminders it had not yet tried. A worker that dies after the claim and before its
e-mails went loses those reminders too: they are recorded as sent and are not sent again. That is
the choice: a reminder may be lost, never duplicated.

`sent_at` therefore says "handed to the mail server, perhaps handed to it, or lost in a crash"; a row
with `sent_at` empty is a reminder that certainly did not go and waits for the next try.

One person in two organisations: the key has no organisation, so a user who is editor in two
organisations of the same round gets one reminder per offset, for the first organisation by name.

The e-mails themselves (subject, body, links) are composed in `reminder_emails`.

Queries do not grow with the number of organisations: rounds, organisations, applications, reports,
memberships and existing reminders are read in a handful of queries, keys are built in Python,
inserted in one statement and claimed in one update per `CLAIM_CHUNK` reminders.
"""

import datetime as dt
import json
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from applications.models import Application, ApplicationStatus, DecisionStatus
from portal.models import LanguageForm, Membership, Organisation, OrganisationKind, Role
from portal.notifications import notify
from schemes.models import Round

from .models import GrantReport, Reminder, ReminderKind, ReportStatus
from .reminder_emails import notification_url, reminder_email, reminder_facts

logger = logging.getLogger(__name__)

OSLO = timezone.get_default_timezone()
SUMMARY_HOUR = 7  # the caseworkers' daily summary goes from 07:00 local time
CLAIM_CHUNK = 1000  # reminders claimed per statement
PENDING_REPORT = (ReportStatus.DRAFT, ReportStatus.RETURNED)
NOT_SUBMITTED = (ApplicationStatus.DRAFT,)  # with no application at all; never a withdrawn one
ORGANISATION_RECIPIENTS = (Role.EDITOR, Role.SIGNATORY)
MAX_OFFSET_DAYS = 365  # schemes.models.validate_reminder_days
OVERDUE_OFFSET = 1
# Refusals the mail server answered before accepting the message: certainly not sent, so tried again.
DEFINITE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)

Key = tuple[int, int, str, int]  # (recipient, round, kind, offset): the Reminder's unique key


# --- the shape of a reminder -------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One step of a series: `offset` days, due from `due_at`, useful until `until` (None: while the
    report is missing)."""

    offset: int
    due_at: dt.datetime
    until: dt.datetime | None


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
        return self.organisation.language_form if self.organisation else str(LanguageForm.BOKMAL)

    @property
    def kind_label(self) -> str:
        return ReminderKind(self.kind).label

    def key(self, user) -> Key:
        return (user.pk, self.round.pk, self.kind, self.offset)


@dataclass
class SweepResult:
    due: int = 0  # reminders due now, with those already sent
    claimed: int = 0
    sent: int = 0
    failed: int = 0  # certainly not sent: claim given back, tried again by a later sweep
    uncertain: int = 0  # may have been sent: claim kept, never tried again
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"due": self.due, "claimed": self.claimed, "sent": self.sent, "failed": self.failed,
                "uncertain": self.uncertain, "by_kind": dict(self.by_kind)}


# --- the steps of each series (pure: no database) --------------------------------------------------------

def _days_before(moment: dt.datetime, days: int) -> dt.datetime:
    """The same local time of day `days` earlier (DST-safe), as UTC for plain comparisons."""
    return (timezone.localtime(moment, OSLO) - dt.timedelta(days=days)).astimezone(dt.UTC)


def overdue_from(report: GrantReport) -> dt.datetime:
    """A deadline of 23:59 accepts the report until 23:59:59; it is overdue from the next minute."""
    return report.due_at.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


def overdue_notice_at(report: GrantReport) -> dt.datetime:
    """The overdue notice goes the day after the deadline: at `SUMMARY_HOUR` on the local day after
    `due_at` (never before the report is overdue)."""
    day_after = timezone.localdate(report.due_at, OSLO) + dt.timedelta(days=1)
    return max(_at_summary_hour(day_after), overdue_from(report))


def application_steps(round_: Round) -> list[Step]:
    """The round's application reminders that fall inside its application period."""
    steps = [Step(days, _days_before(round_.closes_at, days), round_.closes_at)
             for days in sorted(set(round_.application_reminder_days), reverse=True)]
    return [step for step in steps if step.due_at >= round_.opens_at]


def reporting_steps(report: GrantReport, round_: Round) -> list[Step]:
    return [Step(days, _days_before(report.due_at, days), report.due_at)
            for days in sorted(set(round_.reporting_reminder_days), reverse=True)]


def overdue_steps(report: GrantReport) -> list[Step]:
    return [Step(OVERDUE_OFFSET, overdue_notice_at(report), None)]


def _pick(steps: list[Step], now: dt.datetime, *, upcoming: bool) -> list[Step]:
    """The latest step already due and still useful (catch-up sends only that one); with
    `upcoming`, also the steps still to come."""
    useful = [step for step in steps if step.until is None or now < step.until]
    due = [step for step in useful if step.due_at <= now]
    picked = [max(due, key=lambda step: step.due_at)] if due else []
    if upcoming:
        picked += [step for step in useful if step.due_at > now]
    return picked


def _at_summary_hour(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(SUMMARY_HOUR)), OSLO)


def _summary_due_at(day: dt.date, first_overdue: dt.datetime) -> dt.datetime:
    return max(_at_summary_hour(day), first_overdue)


def summary_offset(round_: Round, day: dt.date) -> int:
    """Days since the round's reporting deadline (its local date): one summary per day."""
    return (day - timezone.localdate(round_.reporting_deadline, OSLO)).days


# --- what the database says now (a constant number of queries) -------------------------------------------

@dataclass
class _Snapshot:
    rounds: list[Round]  # rounds whose application reminders are considered
    organisations: list[Organisation]
    applications: dict[tuple[int, int], tuple[int, str]]  # (round, organisation) -> (pk, status)
    reports: list[GrantReport]  # reports still missing (draft or returned)


def _eligible(round_: Round, organisations: list[Organisation]) -> list[Organisation]:
    """The organisations that may apply in the round: the office's counties, an eligible kind, and
    state bodies only when net-budgeted (if the scheme says so)."""
    counties = {county.pk for county in round_.office.counties.all()}
    kinds = set(round_.effective_eligible_kinds())
    net_only = round_.scheme.state_bodies_net_budgeted_only
    return [
        organisation for organisation in organisations
        if organisation.county_id in counties and organisation.kind in kinds
        and not (organisation.kind == OrganisationKind.STATE_BODY and net_only and not organisation.net_budgeted)
    ]


def _snapshot(*, rounds: list[Round], reports) -> _Snapshot:
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
    return _Snapshot(rounds=rounds, organisations=organisations, applications=applications, reports=reports)


def _rounds_with_reminders_due(now: dt.datetime) -> list[Round]:
    """Published rounds in their application period with an application reminder due now."""
    rounds = (Round.objects.published().filter(opens_at__lte=now, closes_at__gt=now)
              .select_related("scheme", "office").prefetch_related("office__counties").order_by("pk"))
    return [round_ for round_ in rounds if _pick(application_steps(round_), now, upcoming=False)]


def _pending_reports():
    """Reports not in (draft or returned) that the municipality knows of: the decision letter has
    been sent. A report exists from the decision's approval, but until the letter goes the decision
    is the office's alone, and nobody is reminded of a report they have not heard of."""
    return GrantReport.objects.filter(status__in=PENDING_REPORT, application__decision__status=DecisionStatus.SENT)


def _missing_reports(now: dt.datetime):
    """Pending reports whose first reminder may be due by now (offsets are at most a year)."""
    return _pending_reports().filter(due_at__lte=now + dt.timedelta(days=MAX_OFFSET_DAYS + 1))


# --- the occasions: one source of truth for the sweep and the calendar ----------------------------------

def _occasions(snapshot: _Snapshot, now: dt.datetime, *, upcoming: bool) -> list[Occasion]:
    """Every reminder due at `now` (the latest step of each series); with `upcoming`, also those to
    come if nothing changes. Recipients are not attached yet (see `_attach_recipients`)."""
    occasions = []
    for round_ in snapshot.rounds:
        steps = application_steps(round_)
        for organisation in _eligible(round_, snapshot.organisations):
            application = snapshot.applications.get((round_.pk, organisation.pk))
            if application is not None and application[1] not in NOT_SUBMITTED:
                continue  # submitted (in any later status): nothing to remind of
            for step in _pick(steps, now, upcoming=upcoming):
                occasions.append(Occasion(ReminderKind.APPLICATION_DEADLINE, round_, step.offset, step.due_at,
                                          organisation=organisation, application=application))

    missing_by_round = defaultdict(list)
    for report in snapshot.reports:
        round_ = report.application.round
        organisation = report.application.organisation
        missing_by_round[round_.pk].append(report)
        for kind, steps in ((ReminderKind.REPORTING_DEADLINE, reporting_steps(report, round_)),
                            (ReminderKind.REPORT_OVERDUE, overdue_steps(report))):
            for step in _pick(steps, now, upcoming=upcoming):
                occasions.append(Occasion(kind, round_, step.offset, step.due_at, organisation=organisation,
                                          report=report))

    for reports in missing_by_round.values():
        occasions += _summary_occasions(reports, now, upcoming=upcoming)
    occasions.sort(key=lambda occasion: (occasion.due_at, occasion.round.pk, occasion.kind,
                                         occasion.organisation.name if occasion.organisation else ""))
    return occasions


def _summary_occasions(reports: list[GrantReport], now: dt.datetime, *, upcoming: bool) -> list[Occasion]:
    """Today's summary once it is due; with `upcoming`, also the next day's (the calendar shows the
    first that has not gone). None before a report of the round is overdue."""
    round_ = reports[0].application.round
    first_overdue = min(overdue_from(report) for report in reports)
    first_day = max(timezone.localdate(now, OSLO), timezone.localdate(first_overdue, OSLO))
    days = [first_day, first_day + dt.timedelta(days=1)] if upcoming else [timezone.localdate(now, OSLO)]
    occasions = []
    for day in days:
        due_at = _summary_due_at(day, first_overdue)
        if timezone.localdate(due_at, OSLO) != day:
            continue  # no report is overdue yet on that day
        if due_at > now and not upcoming:
            continue
        moment = max(due_at, now)
        overdue = [report for report in reports if overdue_from(report) <= moment]
        occasions.append(Occasion(ReminderKind.OVERDUE_SUMMARY, round_, summary_offset(round_, day), due_at,
                                  overdue_reports=overdue))
    return occasions


def _attach_recipients(occasions: list[Occasion]) -> None:
    """The organisation's active editors and signatories, or the office's active caseworkers: one query."""
    organisation_ids = {o.organisation.pk for o in occasions if o.organisation is not None}
    office_ids = {o.round.office_id for o in occasions if o.kind == ReminderKind.OVERDUE_SUMMARY}
    if not organisation_ids and not office_ids:
        return
    memberships = (
        Membership.objects.filter(
            Q(organisation_id__in=organisation_ids, role__in=ORGANISATION_RECIPIENTS)
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


def _existing(keys) -> dict[Key, Reminder]:
    """The Reminder rows already holding any of `keys` (one query)."""
    keys = set(keys)
    if not keys:
        return {}
    rows = Reminder.objects.filter(
        round_id__in={key[1] for key in keys}, kind__in={key[2] for key in keys},
        offset__in={key[3] for key in keys}, recipient_id__in={key[0] for key in keys},
    ).only("pk", "recipient_id", "round_id", "kind", "offset", "sent_at")
    return {key: row for row in rows if (key := (row.recipient_id, row.round_id, row.kind, row.offset)) in keys}


def _wanted(occasions: list[Occasion]) -> dict[Key, tuple[Occasion, object]]:
    """Each key once, the first occasion that holds it winning (ordered by time, then organisation name)."""
    wanted = {}
    for occasion in occasions:
        for user in occasion.recipients:
            wanted.setdefault(occasion.key(user), (occasion, user))
    return wanted


# --- the sweep -----------------------------------------------------------------------------------------

def reminders_due(*, now: dt.datetime) -> list[Occasion]:
    """Every reminder due at `now`, with its recipients, sent or not."""
    snapshot = _snapshot(rounds=_rounds_with_reminders_due(now), reports=_missing_reports(now))
    occasions = _occasions(snapshot, now, upcoming=False)
    _attach_recipients(occasions)
    return occasions


def _claim(wanted: dict[Key, tuple[Occasion, object]], new: list[Key]) -> list[tuple[int, Key]]:
    """Insert the new keys and claim every unsent row of `wanted` no other sweep holds. Committed
    before anything is sent (durable: never inside a caller's transaction). Returns (pk, key)."""
    claimed = []
    keys = list(wanted)
    with transaction.atomic(durable=True):
        Reminder.objects.bulk_create(
            # in key order, so that two sweeps inserting the same keys wait for each other, never deadlock
            [Reminder(recipient_id=key[0], round_id=key[1], kind=key[2], offset=key[3],
                      organisation=wanted[key][0].organisation) for key in sorted(new)],
            ignore_conflicts=True,
        )
        for start in range(0, len(keys), CLAIM_CHUNK):
            chunk = set(keys[start:start + CLAIM_CHUNK])
            rows = (Reminder.objects.select_for_update(skip_locked=True)
                    .filter(round_id__in={k[1] for k in chunk}, kind__in={k[2] for k in chunk},
                            offset__in={k[3] for k in chunk}, recipient_id__in={k[0] for k in chunk},
                            sent_at__isnull=True)
                    .values_list("pk", "recipient_id", "round_id", "kind", "offset"))
            mine = [(pk, key) for pk, *rest in rows if (key := tuple(rest)) in chunk]
            if mine:
                Reminder.objects.filter(pk__in=[pk for pk, _key in mine]).update(sent_at=timezone.now())
            claimed += mine
    return claimed


def reminders_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Send every reminder due at `now`, each at most once (see the module's docstring)."""
    now = now or timezone.now()
    wanted = _wanted(reminders_due(now=now))
    result = SweepResult(due=len(wanted))
    if not wanted:
        return result
    existing = _existing(wanted)
    new = [key for key in wanted if key not in existing]
    if not new and all(row.sent_at is not None for row in existing.values()):
        return result  # everything due has gone (the usual sweep): nothing to claim
    claimed = _claim(wanted, new)
    result.claimed = len(claimed)
    sent, failed, uncertain = _send_all(claimed, wanted)
    if failed:
        # Certainly nothing left the building for these: give the claim back so that a later sweep tries again.
        Reminder.objects.filter(pk__in=failed).update(sent_at=None)
    _notify(sent)
    result.sent, result.failed, result.uncertain = len(sent), len(failed), len(uncertain)
    for occasion, _user in sent:
        result.by_kind[occasion.kind] = result.by_kind.get(occasion.kind, 0) + 1
    if claimed:
        logger.info("Reminder sweep at %s: %s due, %s claimed, %s sent, %s failed, %s may have been sent.",
                    now.isoformat(), result.due, result.claimed, result.sent, result.failed, result.uncertain)
    return result


def _send_all(claimed, wanted):
    """Send the claimed reminders, in the order they are wanted (time, then organisation). Returns
    (sent: [(occasion, user)], failed: [pk] certainly not sent, uncertain: [pk] may have been sent)."""
    order = {key: position for position, key in enumerate(wanted)}
    claimed = sorted(claimed, key=lambda claim: order[claim[1]])
    sent, failed, uncertain = [], [], []
    try:
        connection = get_connection()
        connection.open()
    except Exception:
        logger.exception("Reminders not sent: no connection to the mail server; they will be tried again.")
        return [], [pk for pk, _key in claimed], []
    try:
        for position, (pk, key) in enumerate(claimed):
            occasion, user = wanted[key]
            try:
                email = reminder_email(occasion=occasion, user=user)
            except Exception:
                logger.exception("Reminder %s to %s could not be composed; it will be tried again.", key, user.email)
                failed.append(pk)
                continue
            try:
                email.send_with(connection)
            except DEFINITE_REFUSALS:
                logger.exception("Reminder %s to %s was refused by the mail server; it will be tried again.",
                                 key, user.email)
                failed.append(pk)
            except Exception:
                # The server may have accepted it before the error: never send it again.
                logger.exception("Reminder %s to %s may have been sent (the mail server did not confirm it); "
                                 "it is recorded as sent and not tried again.", key, user.email)
                uncertain.append(pk)
                untried = [pk for pk, _key in claimed[position + 1:]]
                if untried:
                    # The connection is not to be trusted any more; these certainly did not go.
                    logger.warning("%s reminders not tried after that error; they will be tried again.", len(untried))
                    failed += untried
                break
            else:
                sent.append((occasion, user))
    finally:
        try:
            connection.close()
        except Exception:
            logger.exception("The connection to the mail server could not be closed cleanly.")
    return sent, failed, uncertain


def _notify(sent) -> None:
    """One notification per recipient, written in as many statements as there are distinct texts
    (rounds × kinds × offsets × language forms), not one per recipient."""
    groups = defaultdict(list)
    for occasion, user in sent:
        data = reminder_facts(occasion)
        groups[(notification_url(occasion), json.dumps(data, sort_keys=True))].append(user)
    for (url, data), users in groups.items():
        notify(users=users, kind="reminder", data=json.loads(data), url=url)


# --- the calendar: what will go ---------------------------------------------------------------------------

def reminders_planned(*, round_: Round, now: dt.datetime | None = None) -> list[Occasion]:
    """What the sweep will send for the round if nothing changes: the reminder due now that has not
    gone, and those to come, each with the recipients it has not yet gone to. Computed by the same
    code as the sweep (`_occasions`); `round_` should come with its scheme, office and counties.

    An unpublished round shows what would go once it is published; the sweep sends nothing for it."""
    now = now or timezone.now()
    reports = _pending_reports().filter(application__round=round_)
    snapshot = _snapshot(rounds=[round_] if now < round_.closes_at else [], reports=reports)
    occasions = _occasions(snapshot, now, upcoming=True)
    _attach_recipients(occasions)
    sent = {key for key, row in _existing(key for o in occasions for key in map(o.key, o.recipients)).items()
            if row.sent_at is not None}
    planned, summary_shown, seen = [], False, set()
    for occasion in occasions:
        registered = occasion.recipients
        occasion.recipients = [user for user in registered
                               if occasion.key(user) not in sent and occasion.key(user) not in seen]
        seen.update(occasion.key(user) for user in occasion.recipients)  # each key once, as `_wanted`
        if registered and not occasion.recipients:
            continue  # it has gone to everyone
        if occasion.kind == ReminderKind.OVERDUE_SUMMARY:
            if summary_shown:
                continue  # the next daily summary is enough to show
            summary_shown = True
        planned.append(occasion)
    return planned
