"""What the round's page and the application's pages say of the deadline: "open" only while it is,
"the deadline has passed, and until when an application under way can still be sent" in the round's
grace minutes, and nothing of open or closed once the application is past it (submitted, decided)."""

import pytest
import time_machine
from django.urls import reverse

from applications.permissions import can_start_application
from tests.applications.factories import ApplicationFactory, applying_for, member
from tests.casework.factories import DecisionFactory
from tests.helpers import in_english, visible_text
from tests.schemes.factories import RoundFactory, oslo

pytestmark = pytest.mark.django_db

OPEN = oslo(2020, 2, 20, 23, 30)
GRACE = oslo(2020, 2, 21, 0, 5)  # the deadline 20.02.2020 23:59 has passed; 15 grace minutes
CLOSED = oslo(2020, 2, 21, 0, 15)
PASSED = ("The application deadline, 20.02.2020 at 23:59, has passed. An application already under way can "
          "still be submitted until 21.02.2020 at 00:14.")


@pytest.fixture
def round_2020(office):
    return RoundFactory(office=office, year=2020, opens_at=oslo(2020, 1, 6, 8, 0), closes_at=oslo(2020, 2, 20, 23, 59),
                        grace_minutes=15, reporting_deadline=oslo(2021, 3, 1, 23, 59), with_criteria=True)


@pytest.fixture
def draft(round_2020, organisation):
    return ApplicationFactory(round=round_2020, organisation=organisation)


def page(client, path, moment) -> str:
    with time_machine.travel(moment, tick=False):
        response = in_english(client).get(path)
    assert response.status_code == 200
    return visible_text(response)


@pytest.mark.parametrize(("moment", "says", "does_not_say"), [
    pytest.param(OPEN, "Open for applications until 20.02.2020 at 23:59.", "has passed", id="open"),
    pytest.param(GRACE, PASSED, "Open for applications", id="grace"),
    pytest.param(CLOSED, "Closed. The deadline was 20.02.2020 at 23:59.", "already under way", id="closed"),
])
def test_the_round_page_says_where_the_deadline_stands(client, round_2020, moment, says, does_not_say):
    text = page(client, round_2020.get_absolute_url(), moment)
    assert says in text
    assert does_not_say not in text


def test_the_front_page_lists_a_round_in_its_grace_minutes_as_past_its_deadline(client, round_2020):
    text = page(client, reverse("portal:home"), GRACE)
    assert PASSED in text


def test_a_draft_in_the_grace_minutes_is_told_until_when_it_can_still_be_submitted(editor_client, draft):
    text = page(editor_client, draft.get_absolute_url(), GRACE)
    assert f"Application deadline {PASSED}" in text
    assert "open now" not in text
    assert "the signatory can still submit the application until 21.02.2020 at 00:14" in text
    assert PASSED in page(editor_client, reverse("applications:check", args=[draft.pk]), GRACE)


def test_a_draft_before_the_deadline_is_open_and_after_the_grace_minutes_closed(editor_client, draft):
    assert "Application deadline 20.02.2020 at 23:59 (open now)" in page(editor_client, draft.get_absolute_url(), OPEN)
    assert "Application deadline 20.02.2020 at 23:59 (closed)" in page(editor_client, draft.get_absolute_url(), CLOSED)


def test_a_decided_application_is_not_told_the_round_is_open(signatory_client, round_2020, organisation):
    """The issue's case: the letter was sent while the round was still open."""
    with time_machine.travel(oslo(2020, 2, 10, 12, 0), tick=False):
        application = DecisionFactory(application=applying_for(round_2020, 200_000, organisation=organisation),
                                      sent=True).application
    for moment in (oslo(2020, 2, 11, 12, 0), GRACE):
        text = page(signatory_client, application.get_absolute_url(), moment)
        assert "Application deadline 20.02.2020 at 23:59" in text
        assert "open now" not in text
        assert "already under way" not in text


def test_a_submitted_application_in_the_grace_minutes_is_not_told_about_them(signatory_client, round_2020, organisation):
    application = ApplicationFactory(round=round_2020, organisation=organisation, submitted=True)
    text = page(signatory_client, application.get_absolute_url(), GRACE)
    assert "already under way" not in text and "open now" not in text


def test_no_new_application_is_started_in_the_grace_minutes(round_2020, organisation, english):
    editor = member(organisation)
    assert can_start_application(editor, round_2020, organisation, now=OPEN)
    refused = can_start_application(editor, round_2020, organisation, now=GRACE)
    assert not refused
    assert "can no longer be started" in str(refused.reason)
