"""Invitations from sending to acceptance (once, in time, for the invited address, by someone who may
give the role), role changes, removals and deactivation, and the log each writes."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from applications.models import Application
from people.emails import invitation_email
from people.exceptions import PeopleError
from people.models import AccessEvent, AccessEventKind, Invitation
from people.selectors import invitation_for_token
from people.services import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    invitation_send_again,
    invited_user_create,
    membership_change_role,
    membership_remove,
    person_deactivate,
    person_reactivate,
)
from people.tasks import invitations_catch_up_task
from portal.models import Membership, Role, User
from portal.notifications import notification_text
from tests.applications.factories import ApplicationFactory
from tests.people.factories import InvitationFactory
from tests.portal.factories import MembershipFactory, OfficeFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def office_admin(office):
    return MembershipFactory(role=Role.OFFICE_ADMIN, office=office).user


def sent_link_token(message) -> str:
    match = re.search(r"/people/join/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(1)


def invite(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return invitation_create(**kwargs)


def test_an_office_admin_invites_a_signatory_who_gets_a_link_that_works_once(
        office_admin, organisation, django_capture_on_commit_callbacks):
    invitation = invite(django_capture_on_commit_callbacks, user=office_admin, email=" Ola.Nordmann@Kommune.example ",
                        role=Role.SIGNATORY, organisation=organisation)
    assert invitation.email == "ola.nordmann@kommune.example"
    assert [m.to for m in mail.outbox] == [["ola.nordmann@kommune.example"]]
    assert organisation.name in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["Content-Language"] == organisation.language_form  # theirs, not ours
    token = sent_link_token(mail.outbox[0])
    stored = Invitation.objects.values_list("link_nonce", "token_hash").get()
    assert token not in stored  # neither the token nor anything that gives it without SECRET_KEY

    person = UserFactory(email="ola.nordmann@kommune.example")
    membership = invitation_accept(user=person, token=token)
    assert (membership.user, membership.role, membership.organisation) == (person, Role.SIGNATORY, organisation)
    with pytest.raises(PeopleError, match="already been used"):
        invitation_accept(user=person, token=token)
    assert Membership.objects.filter(user=person).count() == 1
    kinds = list(AccessEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [AccessEventKind.INVITED, AccessEventKind.INVITATION_ACCEPTED]


def test_the_invitation_expires_after_seven_days(office_admin, organisation, django_capture_on_commit_callbacks):
    invitation = invite(django_capture_on_commit_callbacks, user=office_admin, email="kari@kommune.example",
                        role=Role.EDITOR, organisation=organisation)
    token = sent_link_token(mail.outbox[0])
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)
    person = UserFactory(email="kari@kommune.example")
    with time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1)):
        with pytest.raises(PeopleError, match="expired"):
            invitation_accept(user=person, token=token)
    assert not Membership.objects.filter(user=person).exists()


def test_an_invitation_is_bound_to_the_address_it_was_sent_to(organisation):
    invitation = InvitationFactory(organisation=organisation, email="kari@kommune.example")
    stranger = UserFactory(email="someone.else@kommune.example")
    with pytest.raises(PeopleError, match="another e-mail address"):
        invitation_accept(user=stranger, token=invitation.token)
    same_person_other_case = UserFactory(email="KARI@kommune.example".lower())
    assert invitation_accept(user=same_person_other_case, token=invitation.token).role == Role.SIGNATORY


def test_a_withdrawn_invitation_no_longer_works(office_admin, organisation):
    invitation = InvitationFactory(organisation=organisation, invited_by=office_admin)
    invitation_revoke(user=office_admin, invitation=invitation)
    invitation_revoke(user=office_admin, invitation=invitation)  # twice: nothing more happens
    with pytest.raises(PeopleError, match="withdrawn"):
        invitation_accept(user=UserFactory(email=invitation.email), token=invitation.token)
    assert AccessEvent.objects.filter(kind=AccessEventKind.INVITATION_REVOKED).count() == 1


def test_an_unknown_link_is_refused():
    with pytest.raises(PeopleError, match="not valid"):
        invitation_accept(user=UserFactory(), token="no-such-token")


def test_sending_again_makes_a_new_link_and_the_old_one_stops_working(
        office_admin, organisation, django_capture_on_commit_callbacks):
    invitation = invite(django_capture_on_commit_callbacks, user=office_admin, email="kari@kommune.example",
                        role=Role.EDITOR, organisation=organisation)
    first = sent_link_token(mail.outbox[0])
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        with django_capture_on_commit_callbacks(execute=True):
            invitation_send_again(user=office_admin, invitation=invitation)
        invitation.refresh_from_db()
        assert invitation.sent_count == 2 and invitation.expires_at > timezone.now() + dt.timedelta(days=6)
    second = sent_link_token(mail.outbox[1])
    assert first != second and invitation_for_token(first) is None
    sent_again_at = invitation.last_sent_at
    # a double click on "send" sends nothing more, and the link just sent keeps working
    with time_machine.travel(sent_again_at + dt.timedelta(seconds=20)):
        with django_capture_on_commit_callbacks(execute=True):
            assert invitation_create(user=office_admin, email="kari@kommune.example", role=Role.EDITOR,
                                     organisation=organisation).pk == invitation.pk
        assert len(mail.outbox) == 2 and invitation_for_token(second) is not None
    # later, inviting the same address to the same role again sends the same invitation again
    with time_machine.travel(sent_again_at + dt.timedelta(minutes=5)):
        again = invite(django_capture_on_commit_callbacks, user=office_admin, email="kari@kommune.example",
                       role=Role.EDITOR, organisation=organisation)
        assert again.pk == invitation.pk and Invitation.objects.count() == 1 and len(mail.outbox) == 3
        invitation_accept(user=UserFactory(email="kari@kommune.example"), token=sent_link_token(mail.outbox[2]))


def test_the_email_of_an_older_sending_is_not_sent_once_a_newer_link_exists(office_admin, organisation):
    invitation = InvitationFactory(organisation=organisation, invited_by=office_admin, sent_count=2)
    assert invitation_email(invitation_id=invitation.pk, sent_count=1) is False
    assert invitation_email(invitation_id=invitation.pk, sent_count=2) is True
    assert invitation_email(invitation_id=invitation.pk, sent_count=2) is False
    assert len(mail.outbox) == 1 and sent_link_token(mail.outbox[0]) == invitation.token


@pytest.mark.parametrize("giver_role, role, where", [
    (Role.SIGNATORY, Role.CASEWORKER, "office"),          # above their own
    (Role.SIGNATORY, Role.EDITOR, "other_organisation"),  # outside their own organisation
    (Role.OFFICE_ADMIN, Role.NATIONAL_ADMIN, None),       # above their own
    (Role.OFFICE_ADMIN, Role.SIGNATORY, "other_organisation"),  # outside the office's counties
    (Role.OFFICE_ADMIN, Role.CASEWORKER, "other_office"),
    (Role.EDITOR, Role.EDITOR, "organisation"),           # an editor gives nothing
    (Role.CASEWORKER, Role.CASEWORKER, "office"),
])
def test_nobody_gives_a_role_above_their_own_or_outside_their_place(office, organisation, giver_role, role, where):
    other_office = OfficeFactory()
    places = {"office": {"office": office}, "organisation": {"organisation": organisation},
              "other_office": {"office": other_office},
              "other_organisation": {"organisation": OrganisationFactory(county=other_office.counties.first())},
              None: {}}
    giver_place = {"organisation": organisation} if giver_role in (Role.SIGNATORY, Role.EDITOR) else {"office": office}
    giver = MembershipFactory(role=giver_role, **giver_place).user
    with pytest.raises(PeopleError, match="cannot give this role|not held there"):
        invitation_create(user=giver, email="x@example.org", role=role, **places[where])
    assert not Invitation.objects.exists() and not mail.outbox


def test_an_invitation_from_someone_who_has_since_lost_the_role_is_refused(office, organisation,
                                                                         django_capture_on_commit_callbacks):
    giver = MembershipFactory(role=Role.SIGNATORY, organisation=organisation)
    invitation = InvitationFactory(organisation=organisation, role=Role.EDITOR, invited_by=giver.user)
    giver.delete()
    person = UserFactory(email=invitation.email)
    with pytest.raises(PeopleError, match="can no longer give"):
        invitation_accept(user=person, token=invitation.token)
    # an office admin who may give the role sends it again: it is theirs now, and works
    admin = MembershipFactory(role=Role.OFFICE_ADMIN, office=office).user
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send_again(user=admin, invitation=invitation)
    invitation_accept(user=person, token=sent_link_token(mail.outbox[-1]))


def test_somebody_who_has_the_role_is_not_invited_to_it(office_admin, organisation):
    holder = MembershipFactory(role=Role.EDITOR, organisation=organisation)
    with pytest.raises(PeopleError, match="already has this role"):
        invitation_create(user=office_admin, email=holder.user.email.upper(), role=Role.EDITOR,
                          organisation=organisation)


def test_where_passwords_are_enabled_the_invited_person_chooses_one(organisation):
    invitation = InvitationFactory(organisation=organisation, email="ny@kommune.example")
    user = invited_user_create(token=invitation.token, full_name="Nina Ny", password="et langt passord 2026")
    assert user.check_password("et langt passord 2026") and user.email == "ny@kommune.example"
    with pytest.raises(PeopleError, match="already a user"):
        invited_user_create(token=invitation.token, full_name="Nina Ny", password="et langt passord 2026")


def test_a_signatory_removes_an_editor_whose_work_stays(organisation):
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation).user
    editor = MembershipFactory(role=Role.EDITOR, organisation=organisation)
    application = ApplicationFactory(organisation=organisation, created_by=editor.user)
    membership_remove(user=signatory, membership=editor)
    assert not Membership.objects.filter(pk=editor.pk).exists()
    assert Application.objects.get(pk=application.pk).created_by == editor.user
    event = AccessEvent.objects.get()
    assert (event.kind, event.person, event.role, event.actor) == (
        AccessEventKind.ROLE_REMOVED, editor.user, Role.EDITOR, signatory)


def test_a_signatory_cannot_remove_themselves(organisation):
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation)
    with pytest.raises(PeopleError, match="your own role"):
        membership_remove(user=signatory.user, membership=signatory)
    assert Membership.objects.filter(pk=signatory.pk).exists()


def test_a_role_change_is_logged_with_both_roles(organisation):
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation).user
    editor = MembershipFactory(role=Role.EDITOR, organisation=organisation)
    changed = membership_change_role(user=signatory, membership=editor, role=Role.SIGNATORY)
    assert changed.role == Role.SIGNATORY
    event = AccessEvent.objects.get()
    assert (event.kind, event.previous_role, event.role) == (AccessEventKind.ROLE_CHANGED, Role.EDITOR, Role.SIGNATORY)


def test_a_deactivated_person_keeps_roles_and_work_and_is_logged_in_each_place(office, organisation):
    admin = MembershipFactory(role=Role.OFFICE_ADMIN, office=office).user
    person = UserFactory()
    MembershipFactory(user=person, role=Role.EDITOR, organisation=organisation)
    MembershipFactory(user=person, role=Role.CASEWORKER, office=office)
    application = ApplicationFactory(organisation=organisation, created_by=person)
    person_deactivate(user=admin, person=person)
    person.refresh_from_db()
    assert not person.is_active and person.memberships.count() == 2
    assert Application.objects.get(pk=application.pk).created_by == person
    assert AccessEvent.objects.filter(kind=AccessEventKind.DEACTIVATED).count() == 2
    person_reactivate(user=admin, person=person)
    assert User.objects.get(pk=person.pk).is_active


def test_an_accepted_invitation_tells_the_person_who_sent_it(office_admin, organisation,
                                                             django_capture_on_commit_callbacks):
    invitation = InvitationFactory(organisation=organisation, invited_by=office_admin)
    person = UserFactory(email=invitation.email, full_name="Nina Ny")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(user=person, token=invitation.token)
    notification = office_admin.notifications.get()
    assert notification_text(notification) == f"Nina Ny accepted your invitation and is now signatory for {organisation}."


def test_a_signatory_does_not_undo_a_national_admin_s_deactivation(organisation):
    national = MembershipFactory(role=Role.NATIONAL_ADMIN).user
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation).user
    editor = MembershipFactory(role=Role.EDITOR, organisation=organisation).user
    person_deactivate(user=national, person=editor)
    with pytest.raises(PeopleError, match="higher role"):
        person_reactivate(user=signatory, person=editor)
    assert not User.objects.get(pk=editor.pk).is_active
    person_reactivate(user=national, person=editor)
    person_deactivate(user=signatory, person=editor)  # their own deactivation, they may undo
    person_reactivate(user=signatory, person=editor)
    assert User.objects.get(pk=editor.pk).is_active


def test_an_invitation_whose_e_mail_was_lost_is_sent_by_the_catch_up_once(office_admin, organisation):
    """The task never ran (the broker was down at commit): ten minutes on, the catch-up sends the
    same link; run again, it sends nothing more. Only ids go through the broker."""
    invitation = invitation_create(user=office_admin, email="kari@kommune.example", role=Role.EDITOR,
                                   organisation=organisation)  # its on-commit task is lost with the test's rollback
    assert not mail.outbox
    assert invitations_catch_up_task() == 0  # too soon: its own task may still come
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert invitations_catch_up_task() == 1
        assert invitations_catch_up_task() == 0
    assert len(mail.outbox) == 1
    membership = invitation_accept(user=UserFactory(email="kari@kommune.example"),
                                   token=sent_link_token(mail.outbox[0]))
    assert membership.role == Role.EDITOR and invitation.pk == Invitation.objects.get().pk


def test_the_national_admin_invites_an_office_admin_who_then_invites_caseworkers(
        office, django_capture_on_commit_callbacks):
    national = MembershipFactory(role=Role.NATIONAL_ADMIN).user
    invite(django_capture_on_commit_callbacks, user=national, email="ny.admin@statsforvalteren.example",
           role=Role.OFFICE_ADMIN, office=office)
    admin = UserFactory(email="ny.admin@statsforvalteren.example")
    invitation_accept(user=admin, token=sent_link_token(mail.outbox[-1]))
    for role in (Role.CASEWORKER, Role.APPROVER):
        invite(django_capture_on_commit_callbacks, user=admin, email=f"{role}@statsforvalteren.example",
               role=role, office=office)
    assert [m.to for m in mail.outbox[1:]] == [["caseworker@statsforvalteren.example"],
                                               ["approver@statsforvalteren.example"]]
    events = AccessEvent.objects.filter(office=office).values_list("kind", "role")
    assert list(events.order_by("id")) == [
        (AccessEventKind.INVITED, Role.OFFICE_ADMIN), (AccessEventKind.INVITATION_ACCEPTED, Role.OFFICE_ADMIN),
        (AccessEventKind.INVITED, Role.CASEWORKER), (AccessEventKind.INVITED, Role.APPROVER)]


def test_a_role_removed_meanwhile_is_not_changed_and_says_so(organisation):
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation).user
    editor = MembershipFactory(role=Role.EDITOR, organisation=organisation)
    Membership.objects.filter(pk=editor.pk).delete()  # another page removed it
    with pytest.raises(PeopleError, match="This role was removed meanwhile."):
        membership_change_role(user=signatory, membership=editor, role=Role.SIGNATORY)
    assert not Membership.objects.filter(user=editor.user).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_role_changes_at_once_that_merge_into_each_other_leave_the_person_one_role(organisation):
    """Editor to signatory and signatory to editor of one person in one place, at the same moment:
    each merges into the other's role. Locked together in one order they run one after the other;
    each reading the other's role unlocked, both were deleted."""
    giver = MembershipFactory(role=Role.SIGNATORY, organisation=organisation).user
    editor = MembershipFactory(role=Role.EDITOR, organisation=organisation)
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation, user=editor.user)
    barrier, errors = threading.Barrier(2, timeout=20), []

    def change(membership, role):
        try:
            barrier.wait()
            membership_change_role(user=giver, membership=membership, role=role)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(editor, Role.SIGNATORY)),
               threading.Thread(target=change, args=(signatory, Role.EDITOR))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(error, PeopleError) for error in errors), errors
    assert Membership.objects.filter(user=editor.user, organisation=organisation).count() == 1
