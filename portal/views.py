import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_POST

from .forms import OrganisationSettingsForm, PasswordResetForm
from .idempotency import idempotent_post
from .models import ORGANISATION_ROLES
from .notifications import notification_texts
from .permissions import can_edit_organisation_settings, require
from .selectors import notifications_for, organisations_for_user
from .services import notifications_mark_read, organisation_language_form_set, sessions_end
from .validators import is_ascii_number

NOTIFICATIONS_PER_PAGE = 25
# The database could not be reached or its connection broke (a restart, a failover): Django's own
# wrappers of the driver's errors. Every write of the request was rolled back with its transaction.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """Was this error (or what caused it) the database being unavailable?"""
    while error is not None:
        if isinstance(error, DATABASE_UNAVAILABLE):
            return True
        error = error.__cause__
    return False


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500 (config/urls.py): an error no view handled. When the database is unavailable, a 503
    that says so in the user's language and that trying again is safe (every service is idempotent:
    a submission retried submits once), rather than "something went wrong"; Django has already logged
    the error with its traceback. The page is drawn without the site's frame or any query, and the
    next request gets a new connection (CONN_HEALTH_CHECKS)."""
    if database_unavailable(sys.exc_info()[1]):
        return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return defaults.server_error(request, template_name)


@login_required
def notifications(request):
    """The user's notifications, newest first, 25 to a page; the texts in the reader's language."""
    page = Paginator(notifications_for(user=request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {
        "page": page,
        "items": list(zip(page, notification_texts(page))),
    })


@login_required
def notification_open(request, pk: int):
    """Follow a notification's link, marking it read. Only the user's own: any other id is a 404."""
    notification = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()},
                                                             require_https=request.is_secure()):
        return redirect(notification.url)
    return redirect("portal:notifications")


@login_required
@require_POST
@idempotent_post
def notifications_read(request):
    """Mark one notification (`id`) or, without an id, all of the user's notifications read."""
    notification_id = request.POST.get("id", "")
    if notification_id:
        if not is_ascii_number(notification_id):  # "³" and "١" are digits to str.isdigit(), not to int()
            raise Http404
        notification = get_object_or_404(notifications_for(user=request.user), pk=int(notification_id))
        notifications_mark_read(user=request.user, ids=[notification.pk])
        messages.success(request, _("The notification is marked as read."))
    else:
        notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
    page = request.POST.get("page", "")
    target = reverse("portal:notifications")
    return redirect(f"{target}?page={page}" if is_ascii_number(page) else target)


# --- password reset: only where password login is offered ------------------------------------------

class PasswordLoginOnly:
    """Without password login (settings.PASSWORD_LOGIN_ENABLED) these pages do not exist."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(PasswordLoginOnly, auth_views.PasswordResetView):
    """Ask for a link by e-mail. The same answer whether the address is anyone's or not."""

    form_class = PasswordResetForm


class PasswordResetDoneView(PasswordLoginOnly, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(PasswordLoginOnly, auth_views.PasswordResetConfirmView):
    """Choose a new password (the validators of AUTH_PASSWORD_VALIDATORS apply). Every session of
    the person ends: whoever knew the old password is logged out everywhere."""

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions_end(user=form.user)
        return response


class PasswordResetCompleteView(PasswordLoginOnly, auth_views.PasswordResetCompleteView):
    pass


@login_required
@idempotent_post
def organisation_settings(request, pk: int):
    """The organisation's own settings (its language form), set by its signatory. An organisation the
    user is not a member of is a 404; an editor of it gets 403 with the reason."""
    organisation = get_object_or_404(organisations_for_user(user=request.user, roles=ORGANISATION_ROLES), pk=pk)
    require(can_edit_organisation_settings(request.user, organisation))
    form = OrganisationSettingsForm(request.POST or None, initial={"language_form": organisation.language_form})
    if request.method == "POST" and form.is_valid():
        organisation_language_form_set(organisation=organisation, language_form=form.cleaned_data["language_form"])
        messages.success(request, _("The language form of %(organisation)s is saved.") % {
            "organisation": organisation})
        return redirect("portal:organisation_settings", pk=organisation.pk)
    return render(request, "portal/organisation_settings.html", {"organisation": organisation, "form": form})
