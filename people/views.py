"""The people and roles pages (/people/): each organisation's, office's and Helsedirektoratet's
members, open invitations and log, with inviting, sending again, withdrawing, changing and removing
roles, and deactivating a person; and the page where an invited person accepts.

A place the user does not manage is a 404 (its page is not said to exist); a refused action on a
place the user manages is a message on the page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.idempotency import idempotent_post
from portal.login_views import provider_buttons
from portal.models import Membership, Office, Organisation, Role, User

from .exceptions import PeopleError
from .forms import InvitationForm, InvitedPasswordForm, RoleChangeForm
from .models import Invitation, people_url
from .permissions import can_deactivate, can_manage_people, roles_grantable
from .selectors import (
    access_events,
    invitation_for_token,
    invitations_open,
    members_of,
    memberships_of_person,
    organisations_of_office,
    places_managed,
)
from .services import (
    SESSION_KEY,
    invitation_accept,
    invitation_create,
    invitation_refusal,
    invitation_revoke,
    invitation_send_again,
    invited_user_create,
    membership_change_role,
    membership_remove,
    person_deactivate,
    person_reactivate,
)

LOG_ON_PAGE = 10


def _managed_place(request, *, organisation_pk=None, office_pk=None):
    """(organisation, office) of the page, or 404 when the user does not manage it."""
    organisation = get_object_or_404(Organisation.objects.select_related("county"), pk=organisation_pk) \
        if organisation_pk else None
    office = get_object_or_404(Office, pk=office_pk) if office_pk else None
    if not can_manage_people(request.user, organisation=organisation, office=office):
        raise Http404
    return organisation, office


def _place_url(organisation, office) -> str:
    return people_url(organisation_id=organisation.pk if organisation else None,
                      office_id=office.pk if office else None)


def _invite_url(organisation, office) -> str:
    if organisation:
        return reverse("people:organisation_invite", args=[organisation.pk])
    if office:
        return reverse("people:office_invite", args=[office.pk])
    return reverse("people:national_invite")


@login_required
def index(request):
    """The places whose people the user manages; with exactly one, that place's page."""
    places = places_managed(user=request.user)
    pages = len(places["offices"]) + len(places["organisations"]) + (1 if places["national"] else 0)
    if pages == 0:
        raise Http404
    if pages == 1 and not places["national"]:
        only = (places["offices"] or places["organisations"])[0]
        return redirect(people_url(organisation_id=only.pk if isinstance(only, Organisation) else None,
                                   office_id=only.pk if isinstance(only, Office) else None))
    return render(request, "people/index.html", places)


def _place_page(request, organisation, office, *, form=None):
    roles = roles_grantable(request.user, organisation=organisation, office=office)
    members = list(members_of(organisation=organisation, office=office))
    for membership in members:
        membership.removable = membership.user_id != request.user.pk
        membership.other_roles = [(role, Role(role).label) for role in roles if role != membership.role]
    context = {
        "organisation": organisation,
        "office": office,
        "where": organisation or office or _("Helsedirektoratet"),
        "members": members,
        "invitations": list(invitations_open(organisation=organisation, office=office)),
        "events": access_events(organisation=organisation, office=office, limit=LOG_ON_PAGE),
        "form": form or InvitationForm(roles=roles),
        "invite_url": _invite_url(organisation, office),
        "organisations": list(organisations_of_office(office=office)) if office else [],
    }
    return render(request, "people/place.html", context)


@login_required
def organisation_people(request, pk):
    organisation, _office = _managed_place(request, organisation_pk=pk)
    return _place_page(request, organisation, None)


@login_required
def office_people(request, pk):
    _organisation, office = _managed_place(request, office_pk=pk)
    return _place_page(request, None, office)


@login_required
def national_people(request):
    _managed_place(request)
    return _place_page(request, None, None)


@login_required
def office_log(request, pk):
    """Every change to roles in the office and its organisations (the newest 500)."""
    _organisation, office = _managed_place(request, office_pk=pk)
    return render(request, "people/log.html", {"office": office,
                                               "events": access_events(office=office, limit=500)})


@login_required
@require_POST
@idempotent_post
def invite(request, organisation_pk=None, office_pk=None):
    organisation, office = _managed_place(request, organisation_pk=organisation_pk, office_pk=office_pk)
    form = InvitationForm(request.POST, roles=roles_grantable(request.user, organisation=organisation, office=office))
    if form.is_valid():
        try:
            invitation = invitation_create(user=request.user, email=form.cleaned_data["email"],
                                           role=form.cleaned_data["role"], organisation=organisation, office=office)
        except PeopleError as error:
            form.add_error(None, str(error))
        else:
            days = settings.INVITATION_VALID_DAYS
            messages.success(request, ngettext("The invitation is sent to %(email)s. The link works for %(days)d day.",
                                               "The invitation is sent to %(email)s. The link works for %(days)d days.",
                                               days) % {"email": invitation.email, "days": days})
            return redirect(_place_url(organisation, office))
    return _place_page(request, organisation, office, form=form)


def _invitation_managed(request, pk) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.select_related("organisation", "office"), pk=pk)
    if not can_manage_people(request.user, organisation=invitation.organisation, office=invitation.office):
        raise Http404
    return invitation


@login_required
@require_POST
@idempotent_post
def invitation_again(request, pk):
    invitation = _invitation_managed(request, pk)
    try:
        invitation_send_again(user=request.user, invitation=invitation)
        messages.success(request, _("The invitation is sent again to %(email)s with a new link.")
                         % {"email": invitation.email})
    except PeopleError as error:
        messages.error(request, str(error))
    return redirect(_place_url(invitation.organisation, invitation.office))


@login_required
@require_POST
@idempotent_post
def invitation_withdraw(request, pk):
    invitation = _invitation_managed(request, pk)
    try:
        invitation_revoke(user=request.user, invitation=invitation)
        messages.success(request, _("The invitation to %(email)s is withdrawn: its link no longer works.")
                         % {"email": invitation.email})
    except PeopleError as error:
        messages.error(request, str(error))
    return redirect(_place_url(invitation.organisation, invitation.office))


def _membership_managed(request, pk) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("user", "organisation", "office"), pk=pk)
    if not can_manage_people(request.user, organisation=membership.organisation, office=membership.office):
        raise Http404
    return membership


@login_required
@require_POST
@idempotent_post
def membership_role(request, pk):
    membership = _membership_managed(request, pk)
    roles = roles_grantable(request.user, organisation=membership.organisation, office=membership.office)
    form = RoleChangeForm(request.POST, roles=roles)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles you may give."))
    else:
        try:
            membership_change_role(user=request.user, membership=membership, role=form.cleaned_data["role"])
            messages.success(request, _("%(person)s is now %(role)s.") % {
                "person": membership.user.get_full_name(), "role": Role(form.cleaned_data["role"]).label.lower()})
        except PeopleError as error:
            messages.error(request, str(error))
    return redirect(_place_url(membership.organisation, membership.office))


@login_required
@idempotent_post
def membership_remove_view(request, pk):
    """GET: a page asking to confirm; POST: remove the role."""
    membership = _membership_managed(request, pk)
    back = _place_url(membership.organisation, membership.office)
    if request.method == "POST":
        try:
            membership_remove(user=request.user, membership=membership)
            messages.success(request, _("%(person)s no longer has the role %(role)s. What they wrote is kept.")
                             % {"person": membership.user.get_full_name(),
                                "role": membership.get_role_display().lower()})
        except PeopleError as error:
            messages.error(request, str(error))
        return redirect(back)
    return render(request, "people/remove.html", {"membership": membership, "back": back})


@login_required
@require_POST
@idempotent_post
def person_active(request, pk):
    """Deactivate (`active=0`) or reactivate (`active=1`) a person, from the page in `back`."""
    person = get_object_or_404(User, pk=pk)
    memberships = memberships_of_person(person=person)
    if not any(can_manage_people(request.user, organisation=m.organisation, office=m.office) for m in memberships) \
            and not can_deactivate(request.user, person, memberships):
        raise Http404
    active = request.POST.get("active") == "1"
    try:
        if active:
            person_reactivate(user=request.user, person=person)
            messages.success(request, _("%(person)s can log in again.") % {"person": person.get_full_name()})
        else:
            person_deactivate(user=request.user, person=person)
            messages.success(request, _("%(person)s is deactivated and logged out everywhere. Their roles and "
                                        "everything they wrote are kept.") % {"person": person.get_full_name()})
    except PeopleError as error:
        messages.error(request, str(error))
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/people/") else reverse("people:index"))


@idempotent_post
def join(request, token):
    """The invitation link. Shows what the invitation is for; a logged-in person with the invited
    address accepts it with one button; anybody else is told how to log in (or, where passwords are
    enabled, chooses one), and comes back here."""
    invitation = invitation_for_token(token)
    if invitation is not None and request.user.is_authenticated and invitation.accepted_by_id == request.user.pk:
        return redirect("portal:dashboard")  # already accepted by this person (a double click, a revisit)
    refusal = invitation_refusal(invitation, user=request.user)
    if refusal:
        return render(request, "people/join.html", {"refusal": refusal}, status=404 if invitation is None else 410)
    request.session[SESSION_KEY] = token
    if request.method == "POST" and request.user.is_authenticated:
        return _accept(request, token)
    has_user = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if settings.PASSWORD_LOGIN_ENABLED and not has_user and not request.user.is_authenticated:
        form = InvitedPasswordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = invited_user_create(token=token, full_name=form.cleaned_data["full_name"],
                                           password=form.cleaned_data["password1"])
            except ValidationError as error:
                form.add_error("password1", error)
            except PeopleError as error:
                form.add_error(None, str(error))
            else:
                login(request, user, backend="portal.backends.PasswordBackend")
                return _accept(request, token)
    return render(request, "people/join.html", {
        "invitation": invitation, "has_user": has_user, "form": form,
        "password_login": settings.PASSWORD_LOGIN_ENABLED,
        "providers": provider_buttons(request.path),
        "login_url": reverse("login") + "?next=" + request.path,
    })


def _accept(request, token):
    try:
        membership = invitation_accept(user=request.user, token=token)
    except PeopleError as error:
        invitation = invitation_for_token(token)
        if invitation is not None and invitation.accepted_by_id == request.user.pk:
            return redirect("portal:dashboard")  # accepted by this person a moment ago (a double click)
        return render(request, "people/join.html", {"refusal": str(error)}, status=410)
    request.session.pop(SESSION_KEY, None)
    where = membership.organisation or membership.office or _("Helsedirektoratet")
    messages.success(request, _("Welcome. You are now %(role)s for %(where)s.")
                     % {"role": membership.get_role_display().lower(), "where": where})
    return redirect("portal:dashboard")
