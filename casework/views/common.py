"""What every office page starts from: a round or an application of one of the user's offices
(another office's is a 404, never a hint that it exists), then the role (a 403 with the reason)."""

from django.http import Http404
from django.urls import reverse

from applications.models import Application, ApplicationStatus
from applications.permissions import is_office_staff_of
from applications.selectors import application_get_full
from portal.permissions import require
from schemes.models import Round
from schemes.selectors import office_round_get

from ..models import Decision
from ..permissions import can_work_on_round


def office_round(request, round_pk) -> Round:
    """A round of the user's office that the user works on (caseworker or approver)."""
    try:
        round_ = office_round_get(user=request.user, pk=round_pk)
    except Round.DoesNotExist:
        raise Http404
    require(can_work_on_round(request.user, round_))
    return round_


def office_application(request, pk) -> Application:
    """A non-draft application of a round of the user's office, with everything its pages read.
    A municipality's own users get 404 here: their pages are under /applications/."""
    try:
        application = application_get_full(user=request.user, pk=pk)
    except Application.DoesNotExist:
        raise Http404
    if application.status == ApplicationStatus.DRAFT or not is_office_staff_of(request.user, application):
        raise Http404
    require(can_work_on_round(request.user, application.round))
    return application


def decision_of(application) -> Decision:
    """The application's decision; 404 when it has none."""
    try:
        return application.decision
    except Decision.DoesNotExist:
        raise Http404


def decision_url(application_pk) -> str:
    return reverse("office:decision", kwargs={"pk": application_pk})
