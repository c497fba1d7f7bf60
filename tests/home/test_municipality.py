"""'My page' for the municipality's editors and signatories: what to do next, each item a link, and
nothing of another organisation's."""

import datetime as dt

import pytest
from django.utils import timezone

from applications.selectors import applications_for_organisations
from applications.services.handover import application_mark_ready_for_signature
from casework.selectors import decisions_received
from portal.models import Role
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    applying_for,
    member,
    ready_to_submit,
)
from tests.casework.factories import DecisionFactory
from tests.helpers import in_english, parse, url, visible_text
from tests.portal.factories import OrganisationFactory
from tests.reporting.factories import GrantReportFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db

HOME = url("portal:dashboard")


def links(response) -> dict[str, str]:
    """{link text (white space made single): href} of the page."""
    return {" ".join(text.split()): href for href, text in parse(response).links}


def test_a_draft_shows_its_round_status_countdown_and_what_is_missing_each_a_link(editor_client, round_):
    application = ApplicationFactory(round=round_, organisation=editor_client.membership.organisation,
                                     contact_name="")
    response = in_english(editor_client).get(HOME)
    text = visible_text(response)
    page_links = links(response)

    assert response.status_code == 200
    title = f"{application.organisation}: application to {round_}"
    assert page_links[title] == application.get_absolute_url()
    assert "Draft. 20 days left (deadline" in text
    assert page_links["Give the contact person's name."].endswith("#id_contact_name")
    assert "Add at least one competence measure or innovation project." in page_links


def test_the_deadline_day_and_the_grace_minutes_are_told_as_they_are(editor_client, office):
    from tests.schemes.factories import RoundFactory

    now = timezone.localtime()
    today = RoundFactory(office=office, closes_at=now + dt.timedelta(minutes=30))
    ApplicationFactory(round=today, organisation=editor_client.membership.organisation)
    in_grace = RoundFactory(office=office, closes_at=now - dt.timedelta(minutes=2), grace_minutes=30)
    ApplicationFactory(round=in_grace, organisation=editor_client.membership.organisation)

    text = visible_text(in_english(editor_client).get(HOME))

    if timezone.localdate(today.closes_at) == now.date():  # not in the half hour before midnight
        assert "The deadline is today (" in text
    assert "The deadline has passed; an application already under way can still be sent until" in text


def test_a_decided_application_shows_no_countdown_but_its_decision_and_appeal_deadline(signatory_client, round_):
    organisation = signatory_client.membership.organisation
    decision = DecisionFactory(application=applying_for(round_, 100_000, organisation=organisation), sent=True)
    response = in_english(signatory_client).get(HOME)
    text = visible_text(response)

    assert "days left" not in text
    appeal_by = (timezone.localdate(decision.sent_at) + dt.timedelta(weeks=3)).strftime("%d.%m.%Y")
    assert f"an appeal must be lodged by {appeal_by}" in text
    title = f"{organisation}: decision on the application to {round_}"
    assert links(response)[title] == decision.application.get_absolute_url()


def test_a_decision_whose_letter_is_not_sent_is_not_shown(signatory_client, round_):
    organisation = signatory_client.membership.organisation
    DecisionFactory(application=applying_for(round_, 100_000, organisation=organisation), approved=True)

    text = visible_text(in_english(signatory_client).get(HOME))

    assert "Decisions received" not in text
    assert "Decided" not in text  # the status as the municipality may know it: in assessment


def test_a_decision_past_its_appeal_deadline_is_no_longer_a_task(signatory_client, round_):
    organisation = signatory_client.membership.organisation
    DecisionFactory(application=applying_for(round_, 100_000, organisation=organisation), sent=True,
                    sent_days_ago=22)

    assert "Decisions received" not in visible_text(in_english(signatory_client).get(HOME))


def test_information_requested_shows_the_offices_message(editor_client, round_):
    application = ApplicationFactory(round=round_, organisation=editor_client.membership.organisation,
                                     returned=True)
    response = in_english(editor_client).get(HOME)
    text = visible_text(response)

    assert "Information requested by the County Governor" in text
    assert "Legg ved kompetanseplanen." in text
    assert links(response)[f"{application.organisation}: application to {round_}"] == application.get_absolute_url()


def test_an_application_the_editor_marked_is_first_ready_for_the_signatorys_signature(signatory_client, round_):
    organisation = signatory_client.membership.organisation
    application = ready_to_submit(round=round_, organisation=organisation)
    text = visible_text(in_english(signatory_client).get(HOME))  # not handed over: complete is the task
    assert "Ready for your signature" in text and "complete: check it and submit it" in text

    editor = member(organisation, Role.EDITOR)
    application_mark_ready_for_signature(application=application, user=editor)
    response = in_english(signatory_client).get(HOME)
    text = visible_text(response)

    assert "Ready for your signature" in text
    assert f"marked ready for signature by {editor}" in text
    assert url("applications:check", application) in [href for href, _text in parse(response).links]


def test_the_editor_is_told_to_hand_over_and_then_that_it_waits_for_the_signatory(editor_client, round_):
    application = ready_to_submit(round=round_, organisation=editor_client.membership.organisation)
    text = visible_text(in_english(editor_client).get(HOME))
    assert "complete: mark it ready for signature" in text and "Ready for your signature" not in text

    application_mark_ready_for_signature(application=application, user=editor_client.user)
    text = visible_text(in_english(editor_client).get(HOME))
    assert "marked ready for signature, waiting for the signatory to send it" in text


def test_reports_due_link_to_the_report(signatory_client, round_):
    organisation = signatory_client.membership.organisation
    report = GrantReportFactory(decision__application=applying_for(round_, 100_000, organisation=organisation))
    response = in_english(signatory_client).get(HOME)

    assert links(response)[f"{organisation}: report on the grant from {round_}"] == report.get_absolute_url()


def test_nothing_of_another_organisation_is_shown(editor_client, round_, client_class):
    other = OrganisationFactory(name="Annenkommune Hemmelig", county=round_.office.counties.first())
    member(other, Role.SIGNATORY)
    ApplicationFactory(round=round_, organisation=other)
    ready_to_submit(round=round_, organisation=OrganisationFactory(name="Tredjekommune Hemmelig",
                                                                   county=round_.office.counties.first()))
    returned = ApplicationFactory(round=round_, organisation=OrganisationFactory(name="Fjerdekommune Hemmelig"),
                                  returned=True)
    CompetenceMeasureFactory(application=returned)
    DecisionFactory(round=round_, sent=True)
    GrantReportFactory(decision__round=round_)

    text = visible_text(in_english(editor_client).get(HOME))

    assert "Hemmelig" not in text
    assert "Decisions received" not in text and "Reports due" not in text and "Ready for signature" not in text
    assert "Your organisation has no applications yet." in text
    theirs = in_english(client_class())
    theirs.force_login(member(other, Role.EDITOR))
    assert "Annenkommune Hemmelig" in visible_text(theirs.get(HOME))  # its own members see it


def test_my_page_takes_the_decisions_received_from_the_applications_it_read(signatory_client, round_,
                                                                             django_assert_num_queries):
    """The same decisions, in the same order, as the query for them finds: sent ones within the appeal
    time, newest first; not one of another organisation, not past its deadline, not one still unsent."""
    organisation = signatory_client.membership.organisation
    user = signatory_client.membership.user
    rounds = [round_] + [RoundFactory(office=round_.office, scheme=round_.scheme, year=round_.year - n) for n in (1, 2, 3, 4)]
    newer = DecisionFactory(application=applying_for(rounds[0], 100_000, organisation=organisation), sent=True,
                            sent_days_ago=2)
    older = DecisionFactory(application=applying_for(rounds[1], 90_000, organisation=organisation), sent=True,
                            sent_days_ago=9)
    DecisionFactory(application=applying_for(rounds[2], 80_000, organisation=organisation), sent=True,
                    sent_days_ago=22)
    DecisionFactory(application=applying_for(rounds[3], 70_000, organisation=organisation), approved=True)
    DecisionFactory(round=round_, sent=True)  # another organisation's
    ApplicationFactory(round=rounds[4], organisation=organisation)  # no decision

    applications = list(applications_for_organisations(user=user))
    with django_assert_num_queries(0):
        from_page = decisions_received(user=user, applications=applications)
    assert from_page == decisions_received(user=user) == [newer, older]
    assert [d.appeal_deadline for d in from_page] == [d.appeal_deadline for d in decisions_received(user=user)]
    assert from_page[0].application.organisation == organisation
