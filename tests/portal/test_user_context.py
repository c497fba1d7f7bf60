"""The logged-in user's memberships and unread count come from the cache, under a version the database
raises whenever they change (`portal.user_context`, `portal.selectors.request_user_get`). A role added,
changed or removed, however it is written, takes effect on the very next request; so does a
notification written or read, and an organisation renamed."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.services import invitation_accept, membership_change_role, membership_remove
from portal.models import Membership, Notification, Office, Organisation, Role, User
from portal.selectors import _context_key, request_user_get, unread_count
from portal.services import notifications_mark_read, notify
from tests.helpers import in_english
from tests.people.factories import InvitationFactory
from tests.portal.factories import MembershipFactory, NotificationFactory, OrganisationFactory, UserFactory
from tests.portal.test_notifications import header_link

pytestmark = pytest.mark.django_db

ROUNDS = reverse("office:rounds")  # the office's rounds: its staff only (404 for anyone else)
DASHBOARD = reverse("portal:dashboard")


def version(user) -> int:
    """The user's context version as the database has it now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT context_version FROM portal_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def warm(client, path=DASHBOARD):
    """A request that leaves the user's context in the cache (checked: else a test of what a change
    does to a warm cache would prove nothing)."""
    from django.core.cache import cache

    response = client.get(path)
    user = User.objects.get(pk=client.user.pk)
    assert cache.get(_context_key(user)) is not None
    return response


def logged_in(client_class, user):
    client = client_class()
    client.force_login(user)
    client.user = user
    return client


# --- what a request reads -------------------------------------------------------------------------

def test_a_warm_request_reads_the_user_alone_and_the_same_context(editor_client):
    NotificationFactory.create_batch(2, user=editor_client.user)
    NotificationFactory(user=editor_client.user, read=True)
    warm(editor_client)

    with CaptureQueriesContext(connection) as queries:
        user = request_user_get(pk=editor_client.user.pk)
        memberships = [(m.role, m.organisation.name, m.user) for m in user._memberships_read]

    assert len(queries) == 1 and queries[0]["sql"].startswith('SELECT "portal_user"."id"')
    assert "JOIN" not in queries[0]["sql"]
    membership = editor_client.membership
    assert memberships == [(Role.EDITOR, membership.organisation.name, user)]
    assert user.notifications_unread == 2


def test_a_cold_request_reads_the_memberships_in_their_order_and_the_count(client_class, organisation, office):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.SIGNATORY, organisation=organisation)
    MembershipFactory(user=user, role=Role.CASEWORKER, office=office)
    MembershipFactory(user=user, role=Role.EDITOR, organisation=OrganisationFactory())
    NotificationFactory(user=user)

    read = request_user_get(pk=user.pk)

    assert [m.pk for m in read._memberships_read] == list(
        Membership.objects.filter(user=user).order_by("role", "pk").values_list("pk", flat=True))
    assert read.notifications_unread == 1


def test_without_the_cache_the_context_is_read_every_time(redis_down, editor_client):
    NotificationFactory(user=editor_client.user)
    for _ in range(2):
        user = request_user_get(pk=editor_client.user.pk)
        assert [m.role for m in user._memberships_read] == [Role.EDITOR]
        assert user.notifications_unread == 1


def test_where_the_database_raises_no_version_the_context_is_read_every_time(monkeypatch, editor_client):
    """SQLite (`make run`) has no triggers: a version that never moves must not be a key."""
    from portal import selectors

    warm(editor_client)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    selectors._context_namespace.cache_clear()
    try:
        with CaptureQueriesContext(connection) as queries:
            user = request_user_get(pk=editor_client.user.pk)
        assert _context_key(user) is None
    finally:
        monkeypatch.undo()
        selectors._context_namespace.cache_clear()
    assert len(queries) == 3 and [m.role for m in user._memberships_read] == [Role.EDITOR]


def test_a_gone_user_is_none():
    assert request_user_get(pk=0) is None


# --- roles: effective on the very next request ----------------------------------------------------------

def test_a_role_removed_by_the_people_services_is_refused_at_the_next_request(caseworker_client, office):
    assert warm(caseworker_client, ROUNDS).status_code == 200
    admin = MembershipFactory(role=Role.OFFICE_ADMIN, office=office).user

    membership_remove(user=admin, membership=caseworker_client.membership)
    # the sessions end as well: log in again, to see the role itself is gone
    caseworker_client.force_login(User.objects.get(pk=caseworker_client.user.pk))

    assert caseworker_client.get(ROUNDS).status_code == 404


def test_a_role_deleted_in_bulk_is_refused_at_the_next_request(caseworker_client):
    assert warm(caseworker_client, ROUNDS).status_code == 200

    Membership.objects.filter(user=caseworker_client.user).delete()

    assert caseworker_client.get(ROUNDS).status_code == 404


def test_a_role_deleted_in_raw_sql_is_refused_at_the_next_request(caseworker_client):
    assert warm(caseworker_client, ROUNDS).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM portal_membership WHERE user_id = %s", [caseworker_client.user.pk])

    assert caseworker_client.get(ROUNDS).status_code == 404


def test_a_role_changed_by_the_people_services_takes_effect_at_the_next_request(office_admin_client, office):
    people = reverse("people:office", args=[office.pk])
    assert warm(office_admin_client, people).status_code == 200
    national = MembershipFactory(role=Role.NATIONAL_ADMIN).user

    membership_change_role(user=national, membership=office_admin_client.membership, role=Role.CASEWORKER)

    assert office_admin_client.get(people).status_code == 404
    assert office_admin_client.get(ROUNDS).status_code == 200


def test_a_role_changed_in_bulk_takes_effect_at_the_next_request(office_admin_client, office):
    people = reverse("people:office", args=[office.pk])
    assert warm(office_admin_client, people).status_code == 200

    Membership.objects.filter(pk=office_admin_client.membership.pk).update(role=Role.CASEWORKER)

    assert office_admin_client.get(people).status_code == 404


def test_a_role_moved_to_another_user_leaves_the_first_at_the_next_request(caseworker_client):
    other = UserFactory()
    assert warm(caseworker_client, ROUNDS).status_code == 200

    Membership.objects.filter(pk=caseworker_client.membership.pk).update(user=other)

    assert caseworker_client.get(ROUNDS).status_code == 404


def test_a_role_added_through_an_invitation_is_granted_at_the_next_request(editor_client, office):
    assert warm(editor_client, ROUNDS).status_code == 404
    invitation = InvitationFactory(role=Role.CASEWORKER, organisation=None, office=office,
                                   email=editor_client.user.email)

    invitation_accept(user=editor_client.user, token=invitation.token)

    assert editor_client.get(ROUNDS).status_code == 200


def test_a_role_added_in_bulk_is_granted_at_the_next_request(editor_client, office):
    assert warm(editor_client, ROUNDS).status_code == 404

    Membership.objects.bulk_create([Membership(user=editor_client.user, role=Role.CASEWORKER, office=office)])

    assert editor_client.get(ROUNDS).status_code == 200


# --- the header: notifications and names ----------------------------------------------------------------

def test_a_notification_written_shows_in_the_header_at_the_next_request(editor_client, signatory_client):
    in_english(editor_client)
    warm(editor_client)
    assert header_link(editor_client.get(DASHBOARD)) == "Notifications"

    notify(users=[editor_client.user, signatory_client.user], kind="application_status", data={})

    assert header_link(editor_client.get(DASHBOARD)) == "Notifications (1 unread)"


def test_notifications_read_leave_the_header_count_at_the_next_request(editor_client):
    in_english(editor_client)
    NotificationFactory.create_batch(2, user=editor_client.user)
    assert header_link(warm(editor_client)) == "Notifications (2 unread)"

    response = editor_client.post(reverse("portal:notifications_read"), follow=True)

    assert header_link(response) == "Notifications"


def test_notifications_read_in_a_request_leave_its_own_count(editor_client):
    NotificationFactory.create_batch(2, user=editor_client.user)
    warm(editor_client)
    user = request_user_get(pk=editor_client.user.pk)  # as the request has it: counted 2, from the cache
    assert unread_count(user=user) == 2

    notifications_mark_read(user=user)

    assert unread_count(user=user) == 0


def test_a_notification_read_by_the_service_or_in_bulk_leaves_the_header_count(editor_client):
    in_english(editor_client)
    first, _second = NotificationFactory.create_batch(2, user=editor_client.user)
    assert header_link(warm(editor_client)) == "Notifications (2 unread)"

    notifications_mark_read(user=editor_client.user, ids=[first.pk])
    assert header_link(warm(editor_client)) == "Notifications (1 unread)"

    Notification.objects.filter(user=editor_client.user).delete()
    assert header_link(editor_client.get(DASHBOARD)) == "Notifications"


def test_an_organisation_renamed_shows_in_the_header_at_the_next_request(editor_client, organisation):
    assert organisation.name in warm(editor_client).content.decode()

    Organisation.objects.filter(pk=organisation.pk).update(name="Nytt Namn kommune")

    assert "Nytt Namn kommune" in editor_client.get(DASHBOARD).content.decode()


def test_an_office_renamed_shows_in_the_header_at_the_next_request(caseworker_client, office):
    in_english(caseworker_client)
    assert "The County Governor of Newshire" not in warm(caseworker_client).content.decode()
    office.name_en = "The County Governor of Newshire"
    office.save()

    assert "The County Governor of Newshire" in caseworker_client.get(DASHBOARD).content.decode()


# --- the triggers ------------------------------------------------------------------------------------------

def test_a_membership_written_raises_its_users_version(office, organisation):
    user, other = UserFactory(), UserFactory()
    assert version(user) == 0

    membership = Membership.objects.create(user=user, role=Role.CASEWORKER, office=office)
    after_insert = version(user)
    Membership.objects.filter(pk=membership.pk).update(role=Role.APPROVER)
    after_update = version(user)
    Membership.objects.filter(pk=membership.pk).update(user=other)
    after_move, other_after_move = version(user), version(other)
    Membership.objects.filter(pk=membership.pk).delete()

    assert 0 < after_insert < after_update < after_move
    assert other_after_move > 0 and version(other) > other_after_move


def test_notifications_raise_their_users_versions_when_written_read_or_deleted():
    first, second, bystander = UserFactory(), UserFactory(), UserFactory()
    versions = [(version(first), version(second))]

    notify(users=[first, second], kind="application_status")
    versions.append((version(first), version(second)))
    notifications_mark_read(user=first)
    versions.append((version(first), version(second)))
    Notification.objects.filter(user=second).update(url="/elsewhere/")  # nothing the header shows
    versions.append((version(first), version(second)))
    Notification.objects.filter(user=second).delete()
    versions.append((version(first), version(second)))

    (f0, s0), (f1, s1), (f2, s2), (f3, s3), (f4, s4) = versions
    assert f1 > f0 and s1 > s0  # written
    assert f2 > f1 and s2 == s1  # the first's read
    assert (f3, s3) == (f2, s2)  # another column changed
    assert f4 == f3 and s4 > s3  # the second's deleted
    assert version(bystander) == 0


def test_an_organisation_or_office_changed_raises_its_members_versions(organisation, office):
    member = MembershipFactory(role=Role.EDITOR, organisation=organisation).user
    staff = MembershipFactory(role=Role.CASEWORKER, office=office).user
    before = (version(member), version(staff))

    Organisation.objects.filter(pk=organisation.pk).update(email="post@kommune.example")
    after_organisation = (version(member), version(staff))
    Office.objects.filter(pk=office.pk).update(email="post@statsforvalteren.example")
    after_office = (version(member), version(staff))
    Office.objects.filter(pk=office.pk).update(email="post@statsforvalteren.example")  # unchanged

    assert after_organisation[0] > before[0] and after_organisation[1] == before[1]
    assert after_office[0] == after_organisation[0] and after_office[1] > after_organisation[1]
    assert (version(member), version(staff)) == after_office


def test_a_user_saved_from_an_older_read_keeps_the_newer_version(organisation):
    user = UserFactory()
    stale = User.objects.get(pk=user.pk)
    MembershipFactory(user=user, role=Role.EDITOR, organisation=organisation)
    raised = version(user)

    stale.full_name = "Kari Nordmann"
    stale.save()

    assert raised > 0 and version(user) == raised
    assert User.objects.get(pk=user.pk).full_name == "Kari Nordmann"


def test_a_version_raised_in_a_rolled_back_transaction_is_never_given_again(organisation):
    user = UserFactory()
    with transaction.atomic():
        sid = transaction.savepoint()
        MembershipFactory(user=user, role=Role.EDITOR, organisation=organisation)
        rolled_back = version(user)
        transaction.savepoint_rollback(sid)
    assert version(user) == 0

    MembershipFactory(user=user, role=Role.SIGNATORY, organisation=organisation)

    assert version(user) > rolled_back
