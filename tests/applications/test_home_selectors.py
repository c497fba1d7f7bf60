"""What 'My page' reads of the applications: the check page's rules, for many at once."""

import pytest
from django.utils import timezone

from applications.selectors import applications_awaiting_signature, applications_for_home
from portal.models import Role
from tests.applications.factories import ApplicationFactory, member, ready_to_submit
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_only_complete_applications_a_signatory_may_send_now_await_signature(organisation, office):
    user = member(organisation, Role.EDITOR)
    open_round = RoundFactory(office=office)
    complete = ready_to_submit(round=open_round, organisation=organisation)
    ApplicationFactory(round=RoundFactory(office=office), organisation=organisation)  # nothing in it
    ready_to_submit(round=RoundFactory(office=office, closed=True), organisation=organisation)  # too late
    returned = ready_to_submit(round=RoundFactory(office=office, closed=True), organisation=organisation,
                               returned=True)  # the office asked: no deadline
    ready_to_submit(round=RoundFactory(office=office), submitted=True, organisation=organisation)  # sent
    ready_to_submit(round=open_round)  # another organisation's

    assert {a.pk for a in applications_awaiting_signature(user=user)} == {complete.pk, returned.pk}


def test_my_pages_rows_give_the_same_applications_awaiting_signature_without_a_query(
        organisation, office, django_assert_num_queries):
    user = member(organisation, Role.SIGNATORY)
    open_round = RoundFactory(office=office)
    complete = ready_to_submit(round=open_round, organisation=organisation)
    ApplicationFactory(round=RoundFactory(office=office), organisation=organisation)  # nothing in it
    ready_to_submit(round=RoundFactory(office=office, closed=True), organisation=organisation)  # too late
    returned = ready_to_submit(round=RoundFactory(office=office, closed=True), organisation=organisation,
                               returned=True)
    ready_to_submit(round=RoundFactory(office=office), submitted=True, organisation=organisation)  # sent
    now = timezone.now()
    rows = applications_for_home(user=user, now=now)

    with django_assert_num_queries(0):
        from_rows = applications_awaiting_signature(user=user, now=now, rows=rows)

    read_again = applications_awaiting_signature(user=user, now=now)
    assert [a.pk for a in from_rows] == [a.pk for a in read_again]
    assert {a.pk for a in from_rows} == {complete.pk, returned.pk}
    assert [a.marked for a in from_rows] == [a.marked for a in read_again]


def test_what_is_missing_is_the_check_pages_list_and_only_while_it_can_be_changed(organisation, office, english):
    user = member(organisation, Role.SIGNATORY)
    draft = ApplicationFactory(round=RoundFactory(office=office), organisation=organisation, contact_email="")
    ApplicationFactory(round=RoundFactory(office=office, closed=True), organisation=organisation, contact_email="")

    rows = {row.application.pk: row for row in applications_for_home(user=user, now=timezone.now())}

    assert len(rows) == 2
    assert "Give the contact person's e-mail address." in [str(p.message) for p in rows[draft.pk].problems]
    assert [row.problems for pk, row in rows.items() if pk != draft.pk] == [[]]
