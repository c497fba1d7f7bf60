"""The reminder sweep: exactly the reminders due, to the right people, in their language form, each
at most once — under a frozen clock stepped through a whole round, after downtime, when two sweeps
race, and through Redis and a real worker."""

import datetime as dt
import os
import subprocess
import sys
import threading
import uuid
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from applications.models import ApplicationStatus
from casework.models import DecisionStatus
from portal.models import Delivery, Membership, Notification, Role, User
from reminders import sweep as reminders_module
from reminders.models import Reminder, ReminderKind
from reminders.occasions import reminders_planned
from reminders.schedule import (
    OSLO,
    application_steps,
    at_summary_hour,
    overdue_from,
    overdue_steps,
    reporting_steps,
    summary_due_at,
)
from reminders.sweep import reminders_sweep
from reporting.models import GrantReport, ReportStatus
from reporting.workflow import REPORT
from tests.applications.factories import ApplicationFactory, applying_for
from tests.portal.factories import CountyFactory, MembershipFactory, OfficeFactory, OrganisationFactory, UserFactory
from tests.reminders.factories import (
    CASEWORKER_EMAIL,
    CLOSES,
    OPENS,
    REPORT_DUE,
    granted,
    letter_sent,
    members,
    nordland,
    reminders_sent,
    to_both,
)
from tests.reporting.factories import submit
from tests.schemes.factories import RoundFactory, SchemeFactory, oslo

APPLICATION = ReminderKind.APPLICATION_DEADLINE
REPORTING = ReminderKind.REPORTING_DEADLINE
OVERDUE = ReminderKind.REPORT_OVERDUE
SUMMARY = ReminderKind.OVERDUE_SUMMARY


# --- a whole round under a frozen clock --------------------------------------------------------------------

STEP = dt.timedelta(hours=4)  # the clock's step where something happens: each reminder goes within it
DAY = dt.timedelta(days=1)


def _clock(start: dt.datetime, end: dt.datetime, *, near: list[dt.datetime]) -> list[dt.datetime]:
    """The moments of a clock stepped every four hours from `start` to `end`, of which only one a day is
    visited except within a day of a moment in `near` (where reminders fall due and things happen)."""
    moments, now, n = [], start, 0
    while now < end:
        if n % 6 == 0 or any(abs(now - moment) <= DAY for moment in near):
            moments.append(now)
        now, n = now + STEP, n + 1
    return moments


@pytest.mark.django_db
def test_a_whole_round_stepped_every_four_hours_sends_exactly_the_reminders_due():
    round_, orgs = nordland()
    events = [
        (oslo(2020, 1, 10, 12), lambda: ApplicationFactory(round=round_, organisation=orgs["narvik"])),  # a draft
        (oslo(2020, 1, 20, 12), lambda: applying_for(round_, 150_000, organisation=orgs["bodo"])),
        # Rana submits after the 14-day reminder, so gets no more
        (oslo(2020, 2, 10, 12), lambda: applying_for(round_, 150_000, organisation=orgs["rana"])),
        (oslo(2020, 6, 1, 12), lambda: granted(round_.applications.get(organisation=orgs["bodo"]))),
        (oslo(2020, 6, 1, 12), lambda: granted(round_.applications.get(organisation=orgs["rana"]))),
        # Rana submits its report in the night after the deadline: late, but before the overdue notice
        (oslo(2021, 3, 2, 3), lambda: submit(GrantReport.objects.get(application__organisation=orgs["rana"]))),
        (oslo(2021, 3, 4, 10), lambda: submit(GrantReport.objects.get(application__organisation=orgs["bodo"]))),
    ]
    expected_times = {
        (APPLICATION, 14): oslo(2020, 2, 6, 23, 59), (APPLICATION, 7): oslo(2020, 2, 13, 23, 59),
        (APPLICATION, 1): oslo(2020, 2, 19, 23, 59), (REPORTING, 60): oslo(2020, 12, 31, 23, 59),
        (REPORTING, 14): oslo(2021, 2, 15, 23, 59), (REPORTING, 1): oslo(2021, 2, 28, 23, 59),
        # the overdue notice the day after the deadline, with the caseworkers' summary
        (OVERDUE, 1): oslo(2021, 3, 2, 7), (SUMMARY, 1): oslo(2021, 3, 2, 7), (SUMMARY, 2): oslo(2021, 3, 3, 7),
        (SUMMARY, 3): oslo(2021, 3, 4, 7),
    }
    # Stepped every four hours around each expected time, each event and the whole week after the reporting
    # deadline; once a day in the quiet months between (≈600 sweeps instead of ≈2 600). The end of the test
    # shows that the schedule's own due times all fall where the clock steps every four hours.
    end = oslo(2021, 3, 9)
    moments = _clock(OPENS - DAY, end, near=[*expected_times.values(), *(moment for moment, _event in events),
                                            *(REPORT_DUE + n * DAY for n in range(9))])
    summaries = {}  # offset -> the summary's body
    sent_at = {}  # (recipient, kind, offset) -> the sweep that sent it
    with time_machine.travel(moments[0], tick=False) as traveller:
        for now in moments:
            traveller.move_to(now)
            while events and events[0][0] <= now:
                events.pop(0)[1]()
            before = len(mail.outbox)
            reminders_sweep(now=now)
            for sent in reminders_sent(mail.outbox[before:]):
                assert sent not in sent_at, f"{sent} sent twice"
                sent_at[sent] = now
            for message in mail.outbox[before:]:
                if message.extra_headers["X-Tilskudd-Reminder"].startswith(SUMMARY):
                    summaries[int(message.extra_headers["X-Tilskudd-Reminder"].split("=")[1])] = message.body

    expected = (
        to_both("narvik", APPLICATION, 14) + to_both("vefsn", APPLICATION, 14) + to_both("rana", APPLICATION, 14)
        + to_both("narvik", APPLICATION, 7) + to_both("vefsn", APPLICATION, 7)
        + to_both("narvik", APPLICATION, 1) + to_both("vefsn", APPLICATION, 1)
        + to_both("bodo", REPORTING, 60) + to_both("bodo", REPORTING, 14) + to_both("bodo", REPORTING, 1)
        + to_both("rana", REPORTING, 60) + to_both("rana", REPORTING, 14) + to_both("rana", REPORTING, 1)
        + to_both("bodo", OVERDUE, 1)  # and none to Rana, whose report came in before the morning after
        + [(CASEWORKER_EMAIL, SUMMARY, 1), (CASEWORKER_EMAIL, SUMMARY, 2), (CASEWORKER_EMAIL, SUMMARY, 3)]
    )
    assert Counter(reminders_sent()) == Counter(expected)
    assert len(mail.outbox) == 31
    for (address, kind, offset), moment in sent_at.items():
        due = expected_times[(kind, offset)]
        assert due <= moment < due + STEP, f"{address} {kind} {offset} sent at {moment}, due at {due}"
    assert all("Bodø" in body and "Rana" not in body for body in summaries.values()) and len(summaries) == 3
    # recorded once each, all sent; and each recipient has a notification per reminder
    assert Reminder.objects.count() == 31 and not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert Notification.objects.filter(kind="reminder").count() == 31
    assert set(Reminder.objects.filter(kind=APPLICATION).values_list("organisation__name", flat=True)) == {
        "Narvik", "Vefsn", "Rana"}

    # Nothing fell due where the clock stepped a day: by the schedule's own arithmetic, every step of every
    # series of the round (those not sent too) was followed by a sweep within four hours.
    reports = list(GrantReport.objects.filter(application__round=round_))
    due_times = [step.due_at for step in application_steps(round_)]
    for report in reports:
        due_times += [step.due_at for step in reporting_steps(report, round_) + overdue_steps(report)]
    first_overdue = min(overdue_from(report) for report in reports)
    day = timezone.localdate(first_overdue, OSLO)
    while at_summary_hour(day) < end:
        due_times.append(summary_due_at(day, first_overdue))
        day += dt.timedelta(days=1)
    assert len(due_times) == 3 + 2 * 4 + 7
    unvisited = [due for due in due_times if not any(due <= moment < due + STEP for moment in moments)]
    assert unvisited == []


@pytest.mark.django_db
def test_the_emails_say_what_is_due_and_link_to_it(settings):
    settings.PORTAL_BASE_URL = "https://tilskudd.example"
    round_, orgs = nordland()
    draft = ApplicationFactory(round=round_, organisation=orgs["narvik"])
    reminders_sweep(now=oslo(2020, 2, 19, 23, 59, 30))

    by_address = {message.to[0]: message for message in mail.outbox}
    narvik = by_address["signatory@narvik.example"]
    assert narvik.subject == "Påminnelse: søknadsfristen for Kompetansetilskudd 2020 er 20.02.2020 kl. 23:59"
    assert narvik.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Narvik har ennå ikke sendt søknaden" in narvik.body
    assert f"https://tilskudd.example/applications/{draft.pk}/" in narvik.body
    assert narvik.extra_headers["Auto-Submitted"] == "auto-generated"
    vefsn = by_address["editor@vefsn.example"]
    assert f"https://tilskudd.example/rounds/{round_.pk}/" in vefsn.body
    assert "fmnopost@fylkesmannen.example" in vefsn.body


# --- catch-up and repeats ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_two_sweeps_at_the_same_instant_send_nothing_new():
    nordland()
    moment = oslo(2020, 2, 7, 8)
    first = reminders_sweep(now=moment)
    second = reminders_sweep(now=moment)

    assert first.sent == 8 and second.sent == 0 and second.claimed == 0
    assert second.due == 8  # still due, already sent
    assert len(mail.outbox) == 8


@pytest.mark.django_db
def test_after_downtime_only_the_latest_reminder_goes_and_nothing_after_the_deadline():
    nordland()
    assert reminders_sweep(now=CLOSES - dt.timedelta(days=20)).sent == 0
    # down from 20 days before to 12 hours before: the 14- and 7-day reminders are no use any more
    result = reminders_sweep(now=CLOSES - dt.timedelta(hours=12))
    assert result.by_kind == {APPLICATION: 8}
    assert {(kind, offset) for _address, kind, offset in reminders_sent()} == {(APPLICATION, 1)}

    mail.outbox.clear()
    assert reminders_sweep(now=CLOSES - dt.timedelta(hours=11)).sent == 0
    assert reminders_sweep(now=CLOSES + dt.timedelta(minutes=1)).sent == 0
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(("days_before", "offset"), [(12, 14), (5, 7), (0.5, 1)])
def test_a_sweep_that_was_down_catches_up_with_the_reminder_still_useful(days_before, offset):
    nordland()
    reminders_sweep(now=CLOSES - dt.timedelta(days=days_before))
    assert {(kind, off) for _address, kind, off in reminders_sent()} == {(APPLICATION, offset)}


@pytest.mark.django_db
def test_the_deadline_minute_and_the_grace_period_get_no_reminder():
    round_, _orgs = nordland()
    round_.grace_minutes = 30
    round_.save()
    assert reminders_sweep(now=CLOSES + dt.timedelta(seconds=30)).sent == 0
    assert reminders_sweep(now=CLOSES + dt.timedelta(minutes=10)).sent == 0


@pytest.mark.django_db
def test_a_round_not_published_or_not_yet_open_sends_nothing():
    round_, _orgs = nordland(opens=oslo(2020, 2, 15, 9))
    # opens five days before the deadline: the 14- and 7-day reminders fall before it opens
    assert reminders_sweep(now=oslo(2020, 2, 14, 12)).sent == 0
    assert reminders_sweep(now=oslo(2020, 2, 15, 12)).sent == 0
    round_.published = False
    round_.save()
    assert reminders_sweep(now=oslo(2020, 2, 20, 12)).sent == 0
    round_.published = True
    round_.save()
    assert reminders_sweep(now=oslo(2020, 2, 20, 12)).sent == 8


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "reminded"), [
    (None, True), (ApplicationStatus.DRAFT, True), (ApplicationStatus.WITHDRAWN, False),
    (ApplicationStatus.SUBMITTED, False), (ApplicationStatus.IN_ASSESSMENT, False), (ApplicationStatus.RETURNED, False),
])
def test_who_has_not_submitted_is_reminded(status, reminded):
    """Nothing started, or a draft. A withdrawn application was the organisation's own choice."""
    round_, orgs = nordland()
    if status is not None:  # the factory's trait of that name (a draft is its default)
        trait = {} if status == ApplicationStatus.DRAFT else {status.value: True}
        assert ApplicationFactory(round=round_, organisation=orgs["bodo"], **trait).status == status
    reminders_sweep(now=CLOSES - dt.timedelta(hours=12))
    assert any(address.endswith("@bodo.example") for address, *_ in reminders_sent()) is reminded
    planned = reminders_planned(round_=round_, now=CLOSES - dt.timedelta(days=3))
    assert any(occasion.organisation == orgs["bodo"] for occasion in planned) is reminded


@pytest.mark.django_db
def test_inactive_users_and_office_staff_get_no_application_reminder():
    nordland()
    User.objects.filter(email="editor@vefsn.example").update(is_active=False)
    reminders_sweep(now=CLOSES - dt.timedelta(hours=12))
    addresses = {address for address, *_ in reminders_sent()}
    assert "editor@vefsn.example" not in addresses and "signatory@vefsn.example" in addresses
    assert not addresses & {"saksbehandler@fm.example", "admin@fm.example"}
    assert not any(a.endswith(("@state.example", "@stavanger.example")) for a in addresses)


@pytest.mark.django_db
def test_a_net_budgeted_state_body_is_reminded():
    _round, orgs = nordland()
    orgs["state"].net_budgeted = True
    orgs["state"].save()
    reminders_sweep(now=CLOSES - dt.timedelta(hours=12))
    assert ("editor@state.example", APPLICATION, 1) in reminders_sent()


# --- reports --------------------------------------------------------------------------------------------------

def _granted_bodo(round_, orgs, *, amount=150_000, **kwargs):
    """Bodø's application granted `amount`, its letter sent: its report (`granted`'s keywords)."""
    return granted(applying_for(round_, amount, organisation=orgs["bodo"]), **kwargs)


@pytest.mark.django_db
def test_a_report_submitted_in_time_gets_no_overdue_notice():
    round_, orgs = nordland()
    report = _granted_bodo(round_, orgs)
    reminders_sweep(now=REPORT_DUE - dt.timedelta(days=13))
    assert sorted(reminders_sent()) == sorted(to_both("bodo", REPORTING, 14))
    submit(report)
    mail.outbox.clear()
    for days in (0.5, 1, 2, 10):
        reminders_sweep(now=REPORT_DUE + dt.timedelta(days=days))
    assert mail.outbox == []


@pytest.mark.django_db
def test_after_downtime_past_the_reporting_deadline_only_the_overdue_notice_goes_while_missing():
    round_, orgs = nordland()
    report = _granted_bodo(round_, orgs)
    # down from 20 days before the deadline until five days after it
    reminders_sweep(now=REPORT_DUE - dt.timedelta(days=20))
    assert sorted(reminders_sent()) == sorted(to_both("bodo", REPORTING, 60))
    mail.outbox.clear()
    reminders_sweep(now=REPORT_DUE + dt.timedelta(days=5))
    assert sorted(reminders_sent()) == sorted(to_both("bodo", OVERDUE, 1) + [("saksbehandler@fm.example", SUMMARY, 5)])

    # the overdue notice is sent once; the summary once a day; nothing once the report is in
    mail.outbox.clear()
    reminders_sweep(now=REPORT_DUE + dt.timedelta(days=5, hours=1))
    assert mail.outbox == []
    submit(report)
    reminders_sweep(now=REPORT_DUE + dt.timedelta(days=6, hours=1))
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_returned_report_is_reminded_like_a_missing_one():
    round_, orgs = nordland()
    report = submit(_granted_bodo(round_, orgs))
    report = REPORT.perform(report, "return", user=User.objects.get(email=CASEWORKER_EMAIL),
                            data={"message": "Revisorberetningen mangler."}).object
    assert report.status == ReportStatus.RETURNED
    reminders_sweep(now=REPORT_DUE - dt.timedelta(hours=12))
    assert sorted(reminders_sent()) == sorted(to_both("bodo", REPORTING, 1))
    assert "returnerte rapporten" in mail.outbox[0].body


@pytest.mark.django_db
def test_the_caseworkers_summary_lists_the_overdue_reports_once_a_day_from_seven():
    round_, orgs = nordland()
    _granted_bodo(round_, orgs, amount=250_000)
    # a later deadline set in its decision
    granted(applying_for(round_, 150_000, organisation=orgs["narvik"]), due=REPORT_DUE + dt.timedelta(days=2))
    MembershipFactory(role=Role.CASEWORKER, office=round_.office, user=UserFactory(email="kollega@fm.example"))
    MembershipFactory(role=Role.APPROVER, office=round_.office, user=UserFactory(email="leder@fm.example"))

    # Narvik's 14-day reminder caught up (its 1-day one is due tonight); Bodø's overdue notice and the
    # caseworkers' summary wait until seven
    assert reminders_sweep(now=oslo(2021, 3, 2, 6, 55)).by_kind == {REPORTING: 2}
    result = reminders_sweep(now=oslo(2021, 3, 2, 7, 0))
    assert result.by_kind == {OVERDUE: 2, SUMMARY: 2}
    summary = next(m for m in mail.outbox if m.to == ["saksbehandler@fm.example"])
    assert summary.subject == "Påminnelse: 1 rapport på overtid i Kompetansetilskudd 2020"
    assert "Bodø: frist 01.03.2021 kl. 23:59, utkast, innvilget 250\xa0000 kr" in summary.body
    assert "Narvik" not in summary.body
    assert reminders_sweep(now=oslo(2021, 3, 2, 19)).sent == 0

    mail.outbox.clear()
    reminders_sweep(now=oslo(2021, 3, 4, 8))  # Narvik's report is now overdue too
    summaries = [m for m in mail.outbox if m.to == ["saksbehandler@fm.example"]]
    assert len(summaries) == 1 and "2 rapporter på overtid" in summaries[0].subject
    assert ("saksbehandler@fm.example", SUMMARY, 3) in reminders_sent()
    assert not {"leder@fm.example", "admin@fm.example"} & {a for a, *_ in reminders_sent()}


@pytest.mark.django_db
def test_the_overdue_notice_goes_the_morning_after_though_the_report_is_overdue_from_the_next_minute():
    round_, orgs = nordland()
    _granted_bodo(round_, orgs, due=oslo(2021, 3, 1, 12, 0))  # a deadline at noon
    assert reminders_sweep(now=oslo(2021, 3, 1, 12, 0, 30)).by_kind == {}  # the deadline minute
    # overdue from 12:01: the caseworkers' summary lists it that day ...
    assert reminders_sweep(now=oslo(2021, 3, 1, 12, 1)).by_kind == {SUMMARY: 1}
    assert "Bodø: frist 01.03.2021 kl. 12:00" in mail.outbox[-1].body
    # ... but the municipality's overdue notice is the next day's, at seven
    assert reminders_sweep(now=oslo(2021, 3, 2, 6, 59)).by_kind == {}
    assert reminders_sweep(now=oslo(2021, 3, 2, 7)).by_kind == {OVERDUE: 2, SUMMARY: 1}
    assert sorted(reminders_sent()) == sorted([("saksbehandler@fm.example", SUMMARY, 0)] + to_both("bodo", OVERDUE, 1)
                                              + [("saksbehandler@fm.example", SUMMARY, 1)])


@pytest.mark.django_db
def test_a_report_whose_decision_letter_has_not_gone_gets_no_reminder_until_it_goes():
    """The report is made when the decision is approved; the municipality learns of it from the letter."""
    round_, orgs = nordland()
    granted(applying_for(round_, 150_000, organisation=orgs["narvik"]))  # its letter has gone
    bodo = granted(applying_for(round_, 150_000, organisation=orgs["bodo"]), sent=False)
    vefsn = granted(applying_for(round_, 150_000, organisation=orgs["vefsn"]), sent=False)
    assert bodo.test_decision.status == DecisionStatus.APPROVED and bodo.status == ReportStatus.DRAFT
    assert bodo.due_at == REPORT_DUE

    assert reminders_sweep(now=REPORT_DUE - dt.timedelta(hours=12)).by_kind == {REPORTING: 2}
    assert sorted(reminders_sent()) == sorted(to_both("narvik", REPORTING, 1))
    # Vefsn's letter goes on the last day: its reminder follows
    letter_sent(vefsn)
    mail.outbox.clear()
    reminders_sweep(now=REPORT_DUE - dt.timedelta(hours=5))
    assert sorted(reminders_sent()) == sorted(to_both("vefsn", REPORTING, 1))

    # the day after: overdue notices to Narvik and Vefsn, and the summary lists only theirs
    mail.outbox.clear()
    reminders_sweep(now=oslo(2021, 3, 2, 8))
    assert sorted(reminders_sent()) == sorted(to_both("narvik", OVERDUE, 1) + to_both("vefsn", OVERDUE, 1)
                                              + [("saksbehandler@fm.example", SUMMARY, 1)])
    summary = next(m for m in mail.outbox if m.to == ["saksbehandler@fm.example"])
    assert "2 rapporter på overtid" in summary.subject and "Bodø" not in summary.body
    assert not Reminder.objects.filter(recipient__email__endswith="@bodo.example").exists()

    # Bodø's letter goes late: its overdue notice follows, and it is in the next summary
    letter_sent(bodo)
    mail.outbox.clear()
    reminders_sweep(now=oslo(2021, 3, 2, 9))
    assert sorted(reminders_sent()) == sorted(to_both("bodo", OVERDUE, 1))
    mail.outbox.clear()
    reminders_sweep(now=oslo(2021, 3, 3, 7))
    assert reminders_sent() == [("saksbehandler@fm.example", SUMMARY, 2)]
    assert "3 rapporter på overtid" in mail.outbox[0].subject and "Bodø" in mail.outbox[0].body
    assert GrantReport.objects.get(application__organisation=orgs["narvik"]).status == ReportStatus.DRAFT


# --- language ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_organisation_writing_nynorsk_gets_its_reminders_in_nynorsk_and_caseworkers_in_bokmal():
    round_, orgs = nordland(language_forms={"vefsn": "nn", "bodo": "nn"})
    reminders_sweep(now=CLOSES - dt.timedelta(hours=12))
    by_address = {message.to[0]: message for message in mail.outbox}
    vefsn, narvik = by_address["editor@vefsn.example"], by_address["editor@narvik.example"]
    assert vefsn.subject == "Påminning: søknadsfristen for Kompetansetilskudd 2020 er 20.02.2020 kl. 23:59"
    assert vefsn.extra_headers["Content-Language"] == "nn"
    assert "Vefsn har enno ikkje sendt søknaden" in vefsn.body
    assert "Berre den som har signeringsrett, kan sende søknaden." in vefsn.body
    assert narvik.subject.startswith("Påminnelse: søknadsfristen")
    assert "Narvik har ennå ikke sendt søknaden" in narvik.body

    _granted_bodo(round_, orgs)
    mail.outbox.clear()
    reminders_sweep(now=REPORT_DUE + dt.timedelta(days=1, hours=9))  # 03.03 at 08:59
    by_address = {message.to[0]: message for message in mail.outbox}
    overdue = by_address["signatory@bodo.example"]
    assert overdue.subject == "Påminning: rapporten om bruken av midlane frå Kompetansetilskudd 2020 er på overtid"
    assert f"hadde frist 01.03.2021 kl. 23:59, og {round_.office.name} har ikkje fått han." in overdue.body
    summary = by_address["saksbehandler@fm.example"]
    assert summary.extra_headers["Content-Language"] == "nb"
    assert summary.subject.startswith("Påminnelse: 1 rapport på overtid")


@pytest.mark.django_db
def test_the_notification_reads_in_the_recipients_language_form():
    from portal.notifications import notification_text

    nordland(language_forms={"vefsn": "nn"})
    reminders_sweep(now=CLOSES - dt.timedelta(hours=12))
    notification = Notification.objects.get(user__email="editor@vefsn.example")
    assert notification.kind == "reminder" and notification.url.startswith("/rounds/")
    assert notification.data["reminder"] == APPLICATION and notification.data["offset"] == 1
    with translation.override("nn"):  # the page it is read on is in the reader's language (here the recipient's)
        assert "søknadsfristen for Kompetansetilskudd 2020 er 20.02.2020 kl. 23:59" in notification_text(notification)


# --- at most once when things go wrong ---------------------------------------------------------------------

@pytest.mark.django_db
def test_a_refused_reminder_is_tried_again_by_the_next_sweep_and_sent_once(smtp_server):
    """The mail server refused it before accepting it: nothing went, so the claim is given back."""
    nordland()
    smtp_server.refuse("editor@vefsn.example")
    moment = CLOSES - dt.timedelta(hours=12)
    result = reminders_sweep(now=moment)
    assert (result.sent, result.failed) == (7, 1)
    refused = Reminder.objects.get(recipient__email="editor@vefsn.example")
    assert (refused.sent_at, refused.delivery) == (None, Delivery.FAILED) and "450" in refused.error

    smtp_server.heal()
    again = reminders_sweep(now=moment + dt.timedelta(minutes=5))
    assert (again.sent, again.failed) == (1, 0)
    assert Counter(smtp_server.recipients()) == Counter({address: 1 for address in smtp_server.recipients()})
    assert len(smtp_server.messages) == 8
    assert set(Reminder.objects.values_list("delivery", flat=True)) == {Delivery.SENT}


@pytest.mark.django_db
def test_a_reminder_that_may_have_gone_is_never_tried_again(smtp_server, caplog):
    """The connection dropped after the message was handed over: perhaps it went. The claim is kept;
    the reminders not yet tried on that connection are given back and go with the next sweep."""
    nordland()
    smtp_server.drop_after_data("editor@vefsn.example")
    moment = CLOSES - dt.timedelta(hours=12)
    first = reminders_sweep(now=moment)
    assert first.uncertain == 1 and first.sent + first.failed == 7
    dropped = Reminder.objects.get(recipient__email="editor@vefsn.example")
    assert dropped.sent_at is not None and dropped.delivery == Delivery.UNCERTAIN
    assert "may have been sent" in caplog.text
    # the sweeps after it send the others, never Vefsn's editor's again
    smtp_server.heal()
    again = reminders_sweep(now=moment + dt.timedelta(minutes=5))
    assert (again.sent, again.failed, again.uncertain) == (first.failed, 0, 0)
    assert reminders_sweep(now=moment + dt.timedelta(minutes=10)).claimed == 0
    assert sorted(smtp_server.recipients()) == sorted(
        f"{role}@{slug}.example" for slug in ("bodo", "narvik", "vefsn", "rana") for role in ("editor", "signatory"))
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_no_connection_to_the_mail_server_sends_nothing_and_the_next_sweep_sends_all(smtp_server, settings):
    nordland()
    smtp_server.stop()
    moment = CLOSES - dt.timedelta(hours=12)
    result = reminders_sweep(now=moment)
    assert (result.claimed, result.sent, result.failed) == (8, 0, 8)
    assert Reminder.objects.filter(sent_at__isnull=True, delivery=Delivery.FAILED).count() == 8

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    assert reminders_sweep(now=moment + dt.timedelta(minutes=5)).sent == 8


@pytest.mark.django_db
def test_a_worker_that_dies_while_sending_never_repeats_a_reminder_on_retry(monkeypatch):
    """The claim is committed before sending: a crash loses what was not yet sent, never repeats."""
    nordland()
    real_deliver = reminders_module.deliver
    calls = []

    def die_after_the_first(message, connection):
        if calls:
            raise SystemExit("worker killed")
        calls.append(message.to)
        return real_deliver(message, connection)

    moment = CLOSES - dt.timedelta(hours=12)
    with monkeypatch.context() as patch:
        patch.setattr(reminders_module, "deliver", die_after_the_first)
        with pytest.raises(SystemExit):
            reminders_sweep(now=moment)
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 8 and not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert Reminder.objects.filter(delivery=Delivery.CLAIMED).count() == 8  # never confirmed: the office sees them

    retried = reminders_sweep(now=moment)  # acks_late: the task runs again
    assert retried.sent == 0 and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_sweeps_racing_in_two_threads_send_each_reminder_once(monkeypatch):
    round_, _orgs = nordland()
    for n in range(10):
        organisation = OrganisationFactory(name=f"Kommune {n}", county=round_.office.counties.first())
        members(organisation, f"kommune{n}")
    expected = 2 * (4 + 10)
    # Both sweeps have read what exists (nothing) before either inserts: the worst case
    barrier = threading.Barrier(2, timeout=30)
    real_existing = reminders_module.reminders_existing

    def existing_then_wait(keys):
        found = real_existing(keys)
        barrier.wait()
        return found

    monkeypatch.setattr(reminders_module, "reminders_existing", existing_then_wait)
    results, errors = [], []

    def sweep():
        try:
            results.append(reminders_sweep(now=CLOSES - dt.timedelta(hours=12)))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == 2 and sum(result.sent for result in results) == expected
    assert len(mail.outbox) == expected
    assert len(set(reminders_sent())) == expected
    assert Reminder.objects.filter(sent_at__isnull=False).count() == expected


# --- query count does not grow with the number of organisations --------------------------------------------------

def _bulk_organisation_users(organisations):
    users = User.objects.bulk_create([
        User(email=f"{role}.{organisation.organisation_number}@kommune.example", password="!")
        for organisation in organisations for role in (Role.EDITOR, Role.SIGNATORY)
    ])
    Membership.objects.bulk_create([
        Membership(user=user, organisation=organisation, role=role)
        for (organisation, role), user in zip(
            [(o, r) for o in organisations for r in (Role.EDITOR, Role.SIGNATORY)], users)
    ])


def _queries_of_a_sweep(moment) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        result = reminders_sweep(now=moment)
    return len(captured.captured_queries), result.sent


@pytest.mark.django_db
def test_the_sweep_queries_do_not_grow_with_the_organisations(reference_data):
    """Application reminders to 5 organisations, then to all 356 municipalities; report reminders and overdue
    notices for 5 reports, then for 40 (each decided through the office's services, which 356 would make slow)."""
    from portal.models import County, Organisation

    scheme = SchemeFactory()
    small_county = CountyFactory(name="Testfylke")
    small_office = OfficeFactory(counties=[small_county])
    few = [OrganisationFactory(county=small_county) for _n in range(5)]
    everywhere = OfficeFactory(counties=list(County.objects.exclude(pk=small_county.pk)))
    municipalities = list(Organisation.objects.filter(county__in=everywhere.counties.all()).order_by("pk"))
    assert len(municipalities) == 356
    small = RoundFactory(scheme=scheme, office=small_office, year=2020, opens_at=oslo(2020, 1, 6),
                         closes_at=oslo(2020, 3, 10, 23, 59), reporting_deadline=oslo(2021, 3, 1, 23, 59))
    large = RoundFactory(scheme=scheme, office=everywhere, year=2020, opens_at=oslo(2020, 1, 6),
                         closes_at=oslo(2020, 6, 10, 23, 59), reporting_deadline=oslo(2021, 6, 1, 23, 59))
    _bulk_organisation_users(few + municipalities)
    staff = {office: (MembershipFactory(role=Role.CASEWORKER, office=office).user,
                      MembershipFactory(role=Role.APPROVER, office=office).user)
             for office in (small_office, everywhere)}

    # application deadline reminders: 5 organisations, then 356
    small_count = _queries_of_a_sweep(small.closes_at - dt.timedelta(hours=12))
    large_count = _queries_of_a_sweep(large.closes_at - dt.timedelta(hours=12))
    assert (small_count[1], large_count[1]) == (10, 712)
    assert small_count[0] == large_count[0], (small_count, large_count)

    # reporting reminders, then the overdue notices with the caseworkers' summary: 5 reports, then 40
    for round_, organisations in ((small, few), (large, municipalities[:40])):
        caseworker, approver = staff[round_.office]
        for organisation in organisations:
            granted(applying_for(round_, 100_000, organisation=organisation), caseworker=caseworker, approver=approver)
    small_reports = list(GrantReport.objects.filter(application__round=small))
    small_reminders = _queries_of_a_sweep(small.reporting_deadline - dt.timedelta(hours=12))
    small_overdue = _queries_of_a_sweep(small.reporting_deadline + dt.timedelta(hours=8, minutes=1))
    for report in small_reports:  # in: the small round's summaries stop
        submit(report)
    large_reminders = _queries_of_a_sweep(large.reporting_deadline - dt.timedelta(hours=12))
    large_overdue = _queries_of_a_sweep(large.reporting_deadline + dt.timedelta(hours=8, minutes=1))
    assert (small_reminders[1], large_reminders[1]) == (10, 80)
    assert small_reminders[0] == large_reminders[0], (small_reminders, large_reminders)
    assert (small_overdue[1], large_overdue[1]) == (11, 81)
    assert small_overdue[0] == large_overdue[0], (small_overdue, large_overdue)

    # and a sweep with nothing new to send is a handful of queries
    assert _queries_of_a_sweep(large.reporting_deadline + dt.timedelta(hours=9))[0] <= 8


# --- the real path: beat's task through Redis to a worker ------------------------------------------------------

def test_the_beat_schedule_runs_the_sweep_every_five_minutes():
    schedule = settings.CELERY_BEAT_SCHEDULE["reminder-sweep"]
    assert schedule["task"] == "reminders.sweep" and schedule["schedule"] == 300


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweep_task_goes_through_redis_to_a_worker_that_sends_the_reminders(tmp_path):
    from config.celery import app

    now = timezone.now()
    nordland(opens=now - dt.timedelta(days=10), closes=now + dt.timedelta(hours=12),
             reporting_deadline=now + dt.timedelta(days=365))
    database = connection.settings_dict
    database_url = (f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
                    f"{database['PORT'] or 5432}/{database['NAME']}")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "CELERY_TASK_ALWAYS_EAGER": "false",
           "DATABASE_URL": database_url}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    root = Path(settings.BASE_DIR)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", queue,
         "--concurrency", "1", "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "INFO",
         "-n", f"{queue}@%h"],
        cwd=root, env=env, stdout=open(tmp_path / "worker.log", "w"), stderr=subprocess.STDOUT,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = app.send_task("reminders.sweep", queue=queue)
        answer = result.get(timeout=90)
        assert result.status == "SUCCESS"
        assert answer["sent"] == 8 and answer["by_kind"] == {APPLICATION: 8}
        # the worker wrote the rows in the same (test) database; its e-mails went to its own locmem outbox
        assert Reminder.objects.filter(sent_at__isnull=False, kind=APPLICATION, offset=1).count() == 8
        assert mail.outbox == []
        again = app.send_task("reminders.sweep", queue=queue).get(timeout=90)
        assert again["sent"] == 0 and again["due"] == 8
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        print((tmp_path / "worker.log").read_text()[-3000:])
