"""The office's rounds, and one round's applications with filters and sorting."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from portal.models import Office, Role
from portal.permissions import is_office_staff, office_ids_with_role

from ..forms import SORTS, RoundFilterForm
from ..hooks import round_links
from ..selectors import WORKING_ROLES, applications_for_office_round, round_organisations, rounds_for_offices
from .common import office_round

# Sorting direction as the selector applies it, for aria-sort on the column headers.
SORT_DIRECTIONS = {"organisation": "ascending", "applied": "descending", "score": "descending",
                   "submitted": "ascending", "status": "ascending"}


@login_required
def rounds(request):
    if not is_office_staff(request.user):
        raise Http404
    offices = office_ids_with_role(request.user, *WORKING_ROLES)
    return render(request, "casework/rounds.html", {
        "rounds": rounds_for_offices(office_ids=offices),
        "works_on_rounds": bool(offices),
        "several_offices": len(offices) > 1,
        "audit_offices": Office.objects.filter(id__in=office_ids_with_role(
            request.user, Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN)).order_by("name"),
    })


@login_required
def round_applications(request, round_pk):
    round_ = office_round(request, round_pk)
    form = RoundFilterForm(request.GET or None, organisations=round_organisations(round_=round_))
    filters = form.filters()
    rows = applications_for_office_round(user=request.user, round_=round_, **filters)
    sort_links = {}
    for key, _label in SORTS:
        query = request.GET.copy()
        query["sort"] = key
        sort_links[key] = "?" + query.urlencode()
    return render(request, "casework/round_applications.html", {
        "round": round_,
        "form": form,
        "rows": rows,
        "filtered": any(v not in (None, "") for k, v in filters.items() if k != "sort"),
        "sort": filters["sort"],
        "sort_direction": SORT_DIRECTIONS.get(filters["sort"], "ascending"),
        "sort_links": sort_links,
        "sort_label": str(dict(SORTS).get(filters["sort"], "")).lower(),
        "round_links": round_links(round_),
    })
