"""'My page' for the County Governor's caseworkers, approvers and office admins, and for
Helsedirektoratet: what to do next, each item a link, and nothing of another office's."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from applications.workflow import APPLICATION
from archive.models import ArchiveCopy
from portal.models import Role
from tests.applications.factories import ApplicationFactory, ReceiptFactory, applying_for, member, ready_to_submit
from tests.archive.factories import archived_case
from tests.casework.factories import DecisionFactory, letter_stored
from tests.helpers import in_english, parse, url, visible_text
from tests.portal.factories import MembershipFactory, OfficeFactory, OrganisationFactory, SentEmailFactory
from tests.reporting.factories import GrantReportFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db

HOME = url("portal:dashboard")


def hrefs(response) -> list[str]:
    return [href for href, _text in parse(response).links]


def named(round_, name):
    """An organisation called `name` that may apply in `round_`."""
    return OrganisationFactory(name=name, county=round_.office.counties.first())


def seen_by(client_class, office, role) -> str:
    """The home page's text as another person with `role` in `office` reads it."""
    client = in_english(client_class())
    client.force_login(MembershipFactory(office=office, role=role).user)
    return visible_text(client.get(HOME))


def section(text: str, heading: str, until: str) -> str:
    """The part of the page's text from `heading` to `until`."""
    return text.split(heading, 1)[1].split(until, 1)[0]


# --- caseworker ----------------------------------------------------------------------------------------

def test_the_caseworker_sees_what_to_assess_what_came_back_and_what_waits(caseworker_client, round_):
    new = ApplicationFactory(round=round_, submitted=True, organisation=named(round_, "Nykommune"))
    again = ready_to_submit(round=round_, returned=True, organisation=named(round_, "Igjenkommune"))
    APPLICATION.perform(again, "resubmit", user=member(again.organisation, Role.SIGNATORY))
    waiting = ApplicationFactory(round=round_, returned=True, organisation=named(round_, "Ventekommune"))
    ApplicationFactory(round=round_, organisation=named(round_, "Utkastkommune"))  # a draft: never the office's

    response = in_english(caseworker_client).get(HOME)
    text = visible_text(response)

    assert "Nykommune" in section(text, "Applications to assess (1)", "Sent again")
    assert "Igjenkommune" in section(text, "Sent again after a request for information (1)", "Returned for more")
    assert "Ventekommune" in section(text, "waiting for the municipality (1)", "Reports to review")
    assert "Utkastkommune" not in text
    for application in (new, again, waiting):
        assert url("office:application", application) in hrefs(response)


def test_the_caseworker_sees_the_rounds_counts_by_status(caseworker_client, round_):
    ApplicationFactory.create_batch(2, round=round_, submitted=True)
    ApplicationFactory(round=round_, returned=True)

    response = in_english(caseworker_client).get(HOME)

    assert f"{url('office:round_applications', round_)}?status=submitted" in hrefs(response)
    assert 'aria-label="2 Submitted"' in response.content.decode()
    assert 'aria-label="1 Returned for more information"' in response.content.decode()


def test_the_caseworker_sees_reports_to_review_and_overdue_reports(caseworker_client, office):
    round_ = RoundFactory(office=office, with_criteria=True)
    submitted = GrantReportFactory(decision__round=round_, submitted=True)
    overdue = GrantReportFactory(decision__round=round_)
    overdue.due_at = timezone.now() - dt.timedelta(days=2)
    overdue.save(update_fields=["due_at"])
    not_known = GrantReportFactory(decision__round=round_, letter_sent=False)  # no letter: nobody owes it yet
    not_known.due_at = timezone.now() - dt.timedelta(days=2)
    not_known.save(update_fields=["due_at"])

    response = in_english(caseworker_client).get(HOME)
    text = visible_text(response)

    assert str(submitted.application.organisation) in section(text, "Reports to review (1)", "Overdue reports")
    assert str(overdue.application.organisation) in section(text, "Overdue reports (1)", "Your office's rounds")
    assert str(not_known.application.organisation) not in section(text, "Overdue reports", "Your office's rounds")
    assert url("reporting:review", submitted.application) in hrefs(response)


def test_a_long_list_shows_its_first_items_and_how_many_more(caseworker_client, round_):
    ApplicationFactory.create_batch(12, round=round_, submitted=True)

    text = visible_text(in_english(caseworker_client).get(HOME))

    assert "Applications to assess (12)" in text
    assert "And 2 more." in text


def test_the_caseworker_sees_nothing_of_another_office(caseworker_client, round_, client_class):
    other = RoundFactory(office=OfficeFactory(name="Hemmelig embete"), with_criteria=True)
    ApplicationFactory(round=other, submitted=True, organisation=named(other, "Hemmelig A"))
    ApplicationFactory(round=other, returned=True, organisation=named(other, "Hemmelig B"))
    GrantReportFactory(decision__application=applying_for(other, 100_000, organisation=named(other, "Hemmelig C")),
                       submitted=True)

    text = visible_text(in_english(caseworker_client).get(HOME))

    assert "Hemmelig" not in text
    assert "No application waits to be taken into assessment." in text
    assert "No report waits for review." in text
    theirs = seen_by(client_class, other.office, Role.CASEWORKER)  # the other office's caseworker does
    assert "Hemmelig A" in theirs and "Hemmelig B" in theirs and "Hemmelig C" in theirs


# --- approver ------------------------------------------------------------------------------------------

def test_the_approver_sees_proposals_but_not_their_own(approver_client, round_):
    others = DecisionFactory(round=round_, application=ready_to_submit(
        round=round_, submitted=True, organisation=named(round_, "Andrekommune")))
    MembershipFactory(user=approver_client.user, office=round_.office, role=Role.CASEWORKER)
    DecisionFactory(round=round_, caseworker=approver_client.user, application=ready_to_submit(
        round=round_, submitted=True, organisation=named(round_, "Egenkommune")))

    response = in_english(approver_client).get(HOME)
    text = section(visible_text(response), "Proposed decisions waiting for your approval", "Letters approved")

    assert "Andrekommune" in text
    assert "Egenkommune" not in text
    assert url("office:decision", others.application) in hrefs(response)


def test_the_approver_sees_letters_ready_to_send(approver_client, round_):
    ready = letter_stored(DecisionFactory(round=round_, approved=True))
    DecisionFactory(round=round_, approved=True, application=ready_to_submit(
        round=round_, submitted=True, organisation=named(round_, "Brevløskommune")))  # its letter is still being made

    response = in_english(approver_client).get(HOME)
    text = section(visible_text(response), "Letters approved and ready to send", "Your roles")

    assert str(ready.application.organisation) in text
    assert "Brevløskommune" not in text
    assert url("office:decision", ready.application) in hrefs(response)


def test_the_approver_sees_nothing_of_another_office(approver_client, round_, client_class):
    other = RoundFactory(office=OfficeFactory(), with_criteria=True)
    DecisionFactory(round=other, application=ready_to_submit(round=other, submitted=True,
                                                             organisation=named(other, "Hemmelig D")))
    letter_stored(DecisionFactory(round=other, approved=True, application=ready_to_submit(
        round=other, submitted=True, organisation=named(other, "Hemmelig E"))))

    text = visible_text(in_english(approver_client).get(HOME))

    assert "Hemmelig" not in text
    assert "No letter is waiting to be sent." in text
    assert "Hemmelig D" in seen_by(client_class, other.office, Role.APPROVER)  # the other office's approver does


# --- office admin --------------------------------------------------------------------------------------

def test_the_office_admin_sees_rounds_to_configure_and_publish(office_admin_client, office):
    draft_round = RoundFactory(office=office, published=False, budget=None, year=2099)
    RoundFactory(office=office, with_criteria=True, year=2098)  # configured and published
    RoundFactory(office=OfficeFactory(), published=False, budget=None, year=2097)  # another office's

    response = in_english(office_admin_client).get(HOME)
    text = section(visible_text(response), "Rounds to configure or publish", "Reminders and e-mails")

    assert "2099" in text and "Set the budget." in text and "Publish the round." in text
    assert "2098" not in text and "2097" not in text
    assert url("admin:schemes_round_change", object_id=draft_round.pk) in hrefs(response)


def test_the_office_admin_sees_reminders_without_recipient_and_unsent_emails(office_admin_client, round_):
    OrganisationFactory(county=round_.office.counties.first())  # may apply, nobody to remind
    SentEmailFactory(office=round_.office, failed=True)
    SentEmailFactory(office=OfficeFactory(), failed=True)  # another office's

    response = in_english(office_admin_client).get(HOME)
    text = visible_text(response)

    assert "reminders have nobody to go to" in text
    assert "1 e-mail was not sent (1 will be tried again)" in text
    assert url("reminders:round", round_) in hrefs(response)
    assert url("reminders:outbox") in hrefs(response)


def test_a_member_to_remind_means_nothing_to_report(office_admin_client, round_):
    organisation = OrganisationFactory(county=round_.office.counties.first())
    member(organisation, Role.SIGNATORY)

    text = visible_text(in_english(office_admin_client).get(HOME))

    assert "Every reminder has someone to go to, and every e-mail was sent." in text


# --- national admin ------------------------------------------------------------------------------------

def test_the_national_admin_sees_every_offices_rounds_of_the_year(national_admin_client):
    this_year = RoundFactory(office=OfficeFactory(name="Embete Nord"))
    RoundFactory(office=OfficeFactory(name="Embete Sør"))
    ApplicationFactory(round=this_year, submitted=True)
    RoundFactory(office=OfficeFactory(name="Embete Gammel"), year=timezone.localdate().year - 1)

    response = in_english(national_admin_client).get(HOME)
    text = visible_text(response)

    assert f"The offices' rounds of {timezone.localdate().year}" in text
    assert "Embete Nord" in text and "Embete Sør" in text
    assert "Embete Gammel" not in text
    assert url("admin:schemes_round_change", object_id=this_year.pk) in hrefs(response)


def test_a_person_with_several_roles_gets_each_section(caseworker_client, office, organisation):
    MembershipFactory(user=caseworker_client.user, office=office, role=Role.APPROVER)
    MembershipFactory(user=caseworker_client.user, organisation=organisation, role=Role.EDITOR)

    response = in_english(caseworker_client).get(HOME)
    ids = parse(response).ids

    assert {"municipality", "caseworker", "approver", "roles"} <= ids
    assert "office-admin" not in ids and "national" not in ids


def test_a_person_without_roles_is_told_how_to_get_one(client):
    from tests.portal.factories import UserFactory

    client.force_login(UserFactory())
    text = visible_text(in_english(client).get(HOME))

    assert "You have no role yet." in text


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_page_is_in_the_chosen_language_for_every_role(client, office, organisation, round_, language):
    from tests.portal.factories import UserFactory

    user = UserFactory()
    for role in (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN):
        MembershipFactory(user=user, office=office, role=role)
    MembershipFactory(user=user, organisation=organisation, role=Role.SIGNATORY)
    MembershipFactory(user=user, role=Role.NATIONAL_ADMIN)
    ApplicationFactory(round=round_, organisation=organisation)
    client.force_login(user)
    client.cookies["tilskudd_language"] = language

    response = client.get(HOME)

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert {"municipality", "caseworker", "approver", "office-admin", "national", "roles"} <= parse(response).ids


def test_the_caseworker_sees_proposals_the_approver_returned_with_the_comment(caseworker_client, round_):
    application = applying_for(round_, 100_000)
    DecisionFactory(application=application, caseworker=caseworker_client.user, returned=True,
                    return_comment="Nevn budsjettet i begrunnelsen.")
    response = in_english(caseworker_client).get(HOME)
    text = visible_text(response)
    assert "Proposals returned by the approver (1)" in text
    assert "Nevn budsjettet i begrunnelsen." in text and "(your proposal)" in text
    assert url("office:decision", application) in [href for href, _text in parse(response).links]


# --- what did not work (a task that keeps failing) ------------------------------------------------------

def test_office_staff_see_what_tasks_keep_failing_to_make_and_only_of_their_office(client_class, round_):
    hours_ago = timezone.now() - dt.timedelta(hours=2)
    # a receipt not made two hours after its submission; another just submitted (its task has time yet)
    ApplicationFactory(round=round_, submitted=True, submitted_at=hours_ago, organisation=named(round_, "Akommune"))
    ApplicationFactory(round=round_, submitted=True, organisation=named(round_, "Bkommune"))
    # an approved decision's letter not made two hours after the approval
    with time_machine.travel(hours_ago):
        decided = applying_for(round_, 100_000, organisation=named(round_, "Ckommune"))
        ReceiptFactory(application=decided, submission_number=decided.submission_count)
        DecisionFactory(application=decided, approved=True)
    # an archive copy given up (its case's receipt is made, so it is not counted twice)
    ArchiveCopy.objects.filter(decision=archived_case(round_)).update(failed_at=timezone.now())
    # the same of another office: not this office's business
    elsewhere = RoundFactory(office=OfficeFactory(), with_criteria=True)
    ApplicationFactory(round=elsewhere, submitted=True, submitted_at=hours_ago, organisation=named(elsewhere, "X"))
    SentEmailFactory(office=round_.office, failed=True)

    for role in (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN):
        text = seen_by(client_class, round_.office, role)
        failed = section(text, "the error is in its log.", "Your roles")
        assert "1 receipt of a submission is not made yet" in failed
        assert "1 letter of an approved decision is not made yet" in failed
        assert "1 archive copy is not made" in failed
        # the e-mails not sent only for the admin, who reads their list
        assert ("1 e-mail was not sent" in failed) == (role == Role.OFFICE_ADMIN)


def test_the_section_of_what_did_not_work_is_absent_when_all_went_well(client_class, round_):
    ApplicationFactory(round=round_, submitted=True, organisation=named(round_, "Nykommune"))
    for role in (Role.CASEWORKER, Role.OFFICE_ADMIN):
        assert "What did not work" not in seen_by(client_class, round_.office, role)
