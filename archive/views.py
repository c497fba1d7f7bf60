"""The office's pages of archive copies: a round's decided cases with their copies, one case's
versions (with the office admin's form for a new version), and the downloads. Another office's
round or case, the municipality's users and anonymous visitors get 404: the archive is the office's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from applications.models import Application
from casework.models import Decision
from portal.exceptions import ServiceError
from portal.files import serve_stored_file
from portal.idempotency import idempotent_post
from schemes.models import Round
from schemes.selectors import office_round_get

from .forms import NewVersionForm
from .models import ArchiveCopy, ArchiveFile
from .permissions import can_reproduce_archive_copy, can_view_archive_copy
from .selectors import archive_cases_of_round, archive_copies_of_case
from .services import archive_copy_request_new


def _decision(request, pk) -> Decision:
    """The decision of an application of the user's office that has an archive copy; 404 otherwise."""
    try:
        decision = (Decision.objects.select_related("application__organisation", "application__round__scheme",
                                                    "application__round__office").get(application_id=pk))
    except Decision.DoesNotExist:
        raise Http404
    if not can_view_archive_copy(request.user, decision.application):
        raise Http404
    return decision


def _copy(request, copy_pk) -> ArchiveCopy:
    try:
        copy = ArchiveCopy.objects.select_related("decision__application__organisation",
                                                  "decision__application__round").get(pk=copy_pk)
    except ArchiveCopy.DoesNotExist:
        raise Http404
    if not can_view_archive_copy(request.user, copy.decision.application) or not copy.is_made:
        raise Http404
    return copy


@login_required
def round_copies(request, round_pk):
    try:
        round_ = office_round_get(user=request.user, pk=round_pk)
    except Round.DoesNotExist:
        raise Http404
    return render(request, "archive/round.html", {"round": round_,
                                                  "decisions": list(archive_cases_of_round(round_=round_))})


@login_required
def case(request, pk):
    decision = _decision(request, pk)
    return render(request, "archive/case.html", _case_context(request, decision, NewVersionForm()))


def _case_context(request, decision: Decision, form) -> dict:
    application: Application = decision.application
    return {
        "decision": decision,
        "application": application,
        "copies": archive_copies_of_case(decision=decision),
        "may_reproduce": bool(can_reproduce_archive_copy(request.user, application)),
        "form": form,
    }


@login_required
@require_POST
@idempotent_post
def new_version(request, pk):
    decision = _decision(request, pk)
    form = NewVersionForm(request.POST)
    if form.is_valid():
        try:
            archive_copy_request_new(decision=decision, user=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("A new version of the archive copy is being made. The earlier versions are "
                                        "kept."))
            return redirect("archive:case", pk=pk)
    return render(request, "archive/case.html", _case_context(request, decision, form), status=400)


@require_safe
def download_pdf(request, copy_pk):
    copy = _copy(request, copy_pk)
    return serve_stored_file(copy.pdf, f"{copy.file_stem()}.pdf", content_type="application/pdf")


@require_safe
def download_metadata(request, copy_pk):
    copy = _copy(request, copy_pk)
    return serve_stored_file(copy.metadata, f"{copy.file_stem()}.xml", content_type="application/xml")


@require_safe
def download_file(request, file_pk):
    """A document filed with a made copy (the receipt, the letter, an attachment), as it was stored."""
    try:
        archived = ArchiveFile.objects.select_related("copy").get(pk=file_pk)
    except ArchiveFile.DoesNotExist:
        raise Http404
    _copy(request, archived.copy_id)
    return serve_stored_file(archived.file, archived.name)
