"""The office's audit log: every status change, award change, decision, appeal, role change and
round configuration change, newest first, filtered and paginated. Read-only: the tables it reads
are append-only in the database (`portal.audit`)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from portal.models import Office

from ..forms import AuditLogFilterForm
from ..permissions import can_read_audit_log
from ..selectors import audit_log_entries, audit_log_keys, audit_log_kinds, audit_log_querysets

ENTRIES_PER_PAGE = 50


@require_GET
@login_required
def audit_log(request, office_pk):
    office = get_object_or_404(Office, pk=office_pk)
    if not can_read_audit_log(request.user, office):
        raise Http404  # another office's log: not a hint that it exists
    rounds = [(r.pk, str(r)) for r in office.rounds.select_related("scheme", "office").order_by("-year", "pk")]
    form = AuditLogFilterForm(request.GET or None, rounds=rounds, kinds=audit_log_kinds())
    filters = form.filters()
    page = Paginator(audit_log_keys(audit_log_querysets(office=office, **filters)), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "casework/audit_log.html", {
        "office": office,
        "form": form,
        "page": page,
        "entries": audit_log_entries(list(page.object_list)),
        "filtered": any(value not in (None, "") for value in filters.values()),
        "query": query.urlencode(),
    })
