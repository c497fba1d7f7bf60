from django.http import Http404

from portal.permissions import require

from ..models import Application
from ..permissions import can_edit_application, can_view_application, is_applicant
from ..selectors import application_get, application_get_full


def get_application(request, pk, *, with_lines: bool = True) -> Application:
    """The application if the user may see it; 404 otherwise (never reveals that it exists).
    `with_lines=False`: without its lines and files, for a view that only hands it to a service."""
    try:
        application = (application_get_full if with_lines else application_get)(user=request.user, pk=pk)
    except Application.DoesNotExist:
        raise Http404
    require(can_view_application(request.user, application))
    return application


def get_editable_application(request, pk) -> Application:
    application = get_application(request, pk)
    require(can_edit_application(request.user, application))
    return application


def get_application_for_edit(request, pk, *, with_lines: bool = True) -> tuple[Application, str]:
    """For edit pages: on GET, refuse (403) when the user may not edit; on POST, hand back the
    reason instead, so the view can show what the user typed with it and nothing is lost.
    `with_lines=False`: for a section that reads none of the lines and files (its form, its header)."""
    application = get_application(request, pk, with_lines=with_lines)
    verdict = can_edit_application(request.user, application)
    if not verdict and (request.method != "POST" or not is_applicant(request.user, application)):
        require(verdict)  # a GET, or someone who never could edit (the office): plainly refused
    return application, "" if verdict else str(verdict.reason)
