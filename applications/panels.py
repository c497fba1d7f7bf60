"""What the application side draws on other apps' pages (registered in `ApplicationsConfig.ready()`):
the "Apply" panel on a round's public page."""

from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from .selectors import organisations_that_may_start


def round_start_panel(request, round_) -> str:
    """For a logged-in member of an organisation that may apply: start its application, or open the
    one it has. Nothing for anyone else."""
    if not request.user.is_authenticated:
        return ""
    may_start = organisations_that_may_start(user=request.user, round_=round_)
    if not may_start:
        return ""
    # rendered without the request, so the page's context processors do not run (and query) again
    return render_to_string("applications/includes/round_start_panel.html",
                            {"round": round_, "may_start": may_start, "csrf_token": get_token(request)})
