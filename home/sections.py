"""'My page': what each of the user's roles has to do next, one section per kind of role they hold.

Each section is composed here from the selectors of the app that owns the data (applications,
casework, reporting, reminders, schemes); no rule is written here. Every section reads a constant
number of queries, whatever the number of applications, reports or organisations, and the long
lists show their first `LIST_LIMIT` items with how many there are in all.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from applications.models import ApplicationStatus
from applications.selectors import (
    HomeApplication,
    applications_awaiting_signature,
    applications_for_home,
    applications_ready_for_signature,
    information_requests_latest,
    organisations_signed_for,
    receipts_stuck,
)
from archive.selectors import archive_copies_stuck
from casework.selectors import (
    applications_of_office_in,
    decisions_awaiting_approval,
    decisions_received,
    decisions_returned,
    letters_ready_to_send,
    letters_stuck,
    office_rounds_with_counts,
    rounds_of_year_with_counts,
)
from portal.models import OFFICE_ROLES, Role
from portal.permissions import administered_office_ids, is_national_admin, office_ids_with_role, roles_held
from portal.selectors import user_memberships
from reminders.selectors import UnsentSummary, reminders_without_recipient, unsent_emails_summary
from reporting.selectors import (
    reports_due_for_organisations,
    reports_overdue,
    reports_ready_for_signature,
    reports_to_review,
)
from schemes.rules import deadline_countdown
from schemes.selectors import rounds_to_configure

LIST_LIMIT = 10  # items shown of a long list; the rest are a link away


@dataclass
class Shortlist:
    """The first items of a list, and how many it holds in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def shortlist(rows: QuerySet | list, limit: int = LIST_LIMIT) -> Shortlist:
    """Two queries for a queryset (its count and its first items), none for a list."""
    if isinstance(rows, QuerySet):
        return Shortlist(items=list(rows[:limit]), total=rows.count())
    return Shortlist(items=list(rows[:limit]), total=len(rows))


# --- the municipality (editor, signatory) --------------------------------------------------------------

@dataclass
class MunicipalityApplication:
    row: HomeApplication
    countdown: object = None  # schemes.rules.Countdown while a draft can still be sent
    information_request: object = None  # the office's newest request, while returned

    @property
    def application(self):
        return self.row.application


@dataclass
class MunicipalitySection:
    applications: list[MunicipalityApplication]
    awaiting_signature: list  # [(application, the user may sign it)]
    information_requested: list[MunicipalityApplication]
    decisions: list
    reports_due: list

    ready_for_signature: list = field(default_factory=list)  # applications marked ready, for a signatory
    complete_to_submit: list = field(default_factory=list)  # complete, not marked, where the user signs
    reports_ready_for_signature: list = field(default_factory=list)

    @property
    def has_tasks(self) -> bool:
        return bool(self.ready_for_signature or self.complete_to_submit or self.reports_ready_for_signature
                    or self.awaiting_signature
                    or self.information_requested or self.decisions or self.reports_due
                    or any(item.row.problems for item in self.applications))


def municipality_section(*, user, now: dt.datetime) -> MunicipalitySection:
    rows = applications_for_home(user=user, now=now)
    requests = information_requests_latest(applications=[row.application for row in rows])
    applications = [
        MunicipalityApplication(
            row=row,
            countdown=deadline_countdown(row.application.round, now)
            if row.application.status == ApplicationStatus.DRAFT else None,
            information_request=requests.get(row.application.pk))
        for row in rows
    ]
    signs_for = organisations_signed_for(user=user)
    complete = applications_awaiting_signature(user=user, now=now, rows=rows)  # the rows read once
    reports_due = list(reports_due_for_organisations(user=user))
    return MunicipalitySection(
        applications=applications,
        # the signatory sees what an editor handed over (the mark) first; the editor what is complete,
        # to hand over or already handed over
        ready_for_signature=applications_ready_for_signature(
            user=user, now=now, applications=[row.application for row in rows]),
        # a signatory who filled it in (or is also the editor) has no one to hand over to: complete is the task
        complete_to_submit=[application for application in complete
                            if application.organisation_id in signs_for and not application.marked],
        reports_ready_for_signature=reports_ready_for_signature(user=user, due=reports_due),
        awaiting_signature=[application for application in complete if application.organisation_id not in signs_for],
        information_requested=[item for item in applications if item.information_request is not None],
        decisions=decisions_received(user=user, now=now, applications=[row.application for row in rows]),
        reports_due=reports_due,
    )


# --- the office: caseworker, approver, office admin -------------------------------------------------------

@dataclass
class CaseworkerSection:
    rounds: list
    decisions_returned: list
    to_assess: Shortlist
    resubmitted: Shortlist
    returned: Shortlist
    reports_to_review: Shortlist
    reports_overdue: Shortlist


def caseworker_section(*, user, now: dt.datetime) -> CaseworkerSection:
    submitted = applications_of_office_in(user=user, status=ApplicationStatus.SUBMITTED)
    return CaseworkerSection(
        rounds=office_rounds_with_counts(user=user),
        decisions_returned=decisions_returned(user=user),
        to_assess=shortlist(submitted.filter(submission_count__lte=1)),
        resubmitted=shortlist(submitted.filter(submission_count__gt=1)),
        returned=shortlist(applications_of_office_in(user=user, status=ApplicationStatus.RETURNED)),
        reports_to_review=shortlist(reports_to_review(user=user)),
        reports_overdue=shortlist(reports_overdue(user=user, now=now)),
    )


@dataclass
class ApproverSection:
    proposals: Shortlist
    letters: Shortlist


def approver_section(*, user) -> ApproverSection:
    return ApproverSection(proposals=shortlist(decisions_awaiting_approval(user=user)),
                           letters=shortlist(letters_ready_to_send(user=user)))


@dataclass
class OfficeAdminSection:
    rounds_to_configure: list
    reminders_without_recipient: list
    unsent: UnsentSummary


def office_admin_section(*, user, now: dt.datetime) -> OfficeAdminSection:
    return OfficeAdminSection(
        rounds_to_configure=rounds_to_configure(user=user, now=now),
        reminders_without_recipient=reminders_without_recipient(user=user, now=now),
        unsent=unsent_emails_summary(user=user, now=now),
    )


@dataclass
class FailedSection:
    """What the portal's tasks should have done for the office and keep failing to (`STUCK_AFTER`),
    for every member of the office's staff; e-mails not sent only for its admins, who read the list."""

    receipts: int
    letters: int
    archive_copies: int
    unsent: UnsentSummary | None  # for office admins

    @property
    def any(self) -> bool:
        return bool(self.receipts or self.letters or self.archive_copies or (self.unsent and self.unsent.count))


def failed_section(*, user, now: dt.datetime, unsent: UnsentSummary | None = None) -> FailedSection | None:
    """None when nothing failed: the section is shown only when there is something to do. `unsent`:
    the office admin's summary of e-mails not sent, when the admin's section has read it already."""
    offices = office_ids_with_role(user, *OFFICE_ROLES)
    if unsent is None and administered_office_ids(user):
        unsent = unsent_emails_summary(user=user, now=now)
    section = FailedSection(
        receipts=receipts_stuck(office_ids=offices, now=now).count(),
        letters=letters_stuck(office_ids=offices, now=now).count(),
        archive_copies=archive_copies_stuck(office_ids=offices, now=now).count(),
        unsent=unsent,
    )
    return section if section.any else None


# --- Helsedirektoratet -----------------------------------------------------------------------------------

@dataclass
class NationalSection:
    year: int
    rounds: list


def national_section(*, now: dt.datetime) -> NationalSection:
    year = timezone.localdate(now).year
    return NationalSection(year=year, rounds=rounds_of_year_with_counts(year=year))


# --- the page --------------------------------------------------------------------------------------------

@dataclass
class Home:
    memberships: list
    failed: FailedSection | None = None  # first: what the office must look into
    municipality: MunicipalitySection | None = None
    caseworker: CaseworkerSection | None = None
    approver: ApproverSection | None = None
    office_admin: OfficeAdminSection | None = None
    national: NationalSection | None = None
    sections: list[str] = field(default_factory=list)  # the sections shown, in order


def home_for(*, user, now: dt.datetime | None = None) -> Home:
    """Every section the user's roles give them (a person may hold several), and their roles."""
    now = now or timezone.now()
    roles = roles_held(user)
    home = Home(memberships=user_memberships(user))
    if roles & {Role.EDITOR, Role.SIGNATORY}:
        home.municipality = municipality_section(user=user, now=now)
    if Role.CASEWORKER in roles:
        home.caseworker = caseworker_section(user=user, now=now)
    if Role.APPROVER in roles:
        home.approver = approver_section(user=user)
    if Role.OFFICE_ADMIN in roles:
        home.office_admin = office_admin_section(user=user, now=now)
    if is_national_admin(user):
        home.national = national_section(now=now)
    if roles & set(OFFICE_ROLES):
        home.failed = failed_section(user=user, now=now,
                                     unsent=home.office_admin.unsent if home.office_admin else None)
    home.sections = [name for name in ("failed", "municipality", "caseworker", "approver", "office_admin", "national")
                     if getattr(home, name) is not None]
    return home
