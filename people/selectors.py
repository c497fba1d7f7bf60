"""Reads of the people pages: who holds which role where, the invitations still open, the log of
changes, and the places a user manages. Each list is one query, whatever its length."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal.mail import FIRST_TRY, RETRY_FOR
from portal.models import Membership, Office, Organisation, Role, User
from portal.permissions import administered_office_ids, is_national_admin, organisation_ids_with_role
from portal.selectors import email_keys_not_sent

from .links import token_hash
from .models import AccessEvent, AccessEventKind, Invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation whose link holds `token` (whatever its state), or None."""
    if not token or len(token) > 200:
        return None
    return (Invitation.objects.select_related("organisation", "office", "invited_by")
            .filter(token_hash=token_hash(token)).first())


def _place(queryset, *, organisation=None, office=None):
    if organisation is not None:
        return queryset.filter(organisation=organisation)
    if office is not None:
        return queryset.filter(office=office)
    return queryset.filter(role=Role.NATIONAL_ADMIN)


def members_of(*, organisation=None, office=None) -> QuerySet[Membership]:
    """The memberships held in this place (an organisation, an office, or nationally), with their
    people, by role and then name."""
    return (_place(Membership.objects.all(), organisation=organisation, office=office)
            .select_related("user").order_by("role", "user__full_name", "user__email"))


def invitations_open(*, organisation=None, office=None) -> QuerySet[Invitation]:
    """Invitations to this place neither accepted nor withdrawn (expired ones too: they may be sent again)."""
    return (_place(Invitation.objects.all(), organisation=organisation, office=office)
            .filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related("invited_by")
            .order_by("email", "role"))


def access_events(*, organisation=None, office=None, limit: int = 200) -> list[AccessEvent]:
    """The newest changes of this place. For an office: its own and those of every organisation in
    its counties (what the office reads)."""
    queryset = AccessEvent.objects.select_related("actor", "organisation", "office")
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    elif office is not None:
        queryset = queryset.filter(Q(office=office) | Q(organisation__county__offices=office))
    else:
        queryset = queryset.filter(role=Role.NATIONAL_ADMIN)
    return list(queryset.order_by("-created_at", "-id")[:limit])


def organisations_of_office(*, office: Office) -> QuerySet[Organisation]:
    """The organisations of the office's counties, each with how many signatories, editors and
    open invitations it has (so the office sees which municipality has nobody yet)."""
    now = timezone.now()
    return (Organisation.objects.filter(county__offices=office)
            .annotate(
                signatories=Count("memberships", filter=Q(memberships__role=Role.SIGNATORY,
                                                          memberships__user__is_active=True), distinct=True),
                editors=Count("memberships", filter=Q(memberships__role=Role.EDITOR,
                                                      memberships__user__is_active=True), distinct=True),
                invited=Count("invitations", filter=Q(invitations__accepted_at__isnull=True,
                                                      invitations__revoked_at__isnull=True,
                                                      invitations__expires_at__gt=now), distinct=True),
            ).order_by("name"))


def places_managed(*, user) -> dict:
    """What the user's people pages are: the organisations where they are signatory, the offices
    they administer, and (national admins) every office and Helsedirektoratet."""
    national = is_national_admin(user)
    offices = Office.objects.all() if national else Office.objects.filter(pk__in=administered_office_ids(user))
    organisations = Organisation.objects.filter(pk__in=organisation_ids_with_role(user, Role.SIGNATORY))
    return {"national": national, "offices": list(offices.order_by("name")),
            "organisations": list(organisations.order_by("name"))}


def memberships_of_person(*, person) -> list[Membership]:
    return list(Membership.objects.filter(user=person).select_related("organisation", "office"))


def deactivated_by(*, person) -> User | None:
    """Who last deactivated the person (None: nobody through the people pages)."""
    event = (AccessEvent.objects.filter(person=person, kind=AccessEventKind.DEACTIVATED).select_related("actor")
             .order_by("-created_at", "-id").first())
    return event.actor if event else None


def invitations_not_emailed() -> list[tuple[int, int]]:
    """(id, sending) of the open invitations whose latest e-mail was certainly not sent (its task
    was lost or gave up), from FIRST_TRY after it was sent to RETRY_FOR (`portal.mail`)."""
    now = timezone.now()
    candidates = dict(Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now,
        last_sent_at__lte=now - FIRST_TRY, last_sent_at__gt=now - RETRY_FOR).values_list("pk", "sent_count"))
    keys = {invitation_email_key(pk, count): (pk, count) for pk, count in candidates.items()}
    return sorted(keys[key] for key in email_keys_not_sent(keys))


def invitation_email_key(invitation_id: int, sent_count: int) -> str:
    return f"invitation:{invitation_id}:{sent_count}"
