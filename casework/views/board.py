"""The round's prioritisation board: accept the suggestion, and send every approved letter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.exceptions import ServiceError, StaleEdit
from portal.idempotency import idempotent_post
from portal.models import Role
from portal.permissions import roles_for

from ..forms import BoardAcceptForm, BoardSortForm
from ..selectors import board_for_round, letters_waiting_to_send
from ..services.board import board_accept_suggestion
from ..services.decisions import decisions_send_for_round
from .common import office_round


def _board_url(round_pk, sort="") -> str:
    url = reverse("office:board", kwargs={"round_pk": round_pk})
    return f"{url}?sort={sort}" if sort in dict(BoardSortForm.SORTS) and sort != "score" else url


@login_required
def board(request, round_pk):
    """Recomputed from the stored awards on every load, so it always shows what is proposed now."""
    round_ = office_round(request, round_pk)
    sort_form = BoardSortForm(request.GET or None)
    sort = sort_form.sort_key()
    board_ = board_for_round(round_=round_, sort=sort)
    letters = letters_waiting_to_send(round_=round_)
    ratio = ""
    if board_.ratio is not None:
        ratio = _("%(ratio)s × the budget") % {"ratio": number_format(board_.ratio, decimal_pos=1)}
    return render(request, "casework/board.html", {
        "round": round_,
        "board": board_,
        "ratio": ratio,
        "over_by": -board_.remaining if board_.over_budget else 0,
        "total_difference": board_.total_proposed - board_.total_suggested,
        "sort_form": sort_form,
        "sort": sort,
        "can_accept": Role.CASEWORKER in roles_for(request.user, office_id=round_.office_id),
        "letters_ready": letters["ready"],
        "letters_waiting": letters["waiting"],
    })


@login_required
@require_POST
@idempotent_post
def board_accept(request, round_pk):
    round_ = office_round(request, round_pk)
    form = BoardAcceptForm(request.POST, application_ids=round_.applications.values_list("pk", flat=True))
    if not form.is_valid():
        for error in form.non_field_errors() or [_("Choose which applications to accept the suggestion for.")]:
            messages.error(request, error)
        return redirect(_board_url(round_.pk, request.POST.get("sort", "")))
    try:
        result = board_accept_suggestion(round_=round_, user=request.user, application_ids=form.application_ids())
    except StaleEdit:
        messages.error(request, _("Someone saved an assessment meanwhile. Look at the board again and retry."))
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        accepted = len(result.accepted)
        if accepted:
            messages.success(request, ngettext(
                "The suggestion is now the proposed award of %(count)d application.",
                "The suggestion is now the proposed award of %(count)d applications.", accepted) % {"count": accepted})
        if result.skipped:
            messages.warning(request, ngettext(
                "%(count)d application was left as it was: %(list)s.",
                "%(count)d applications were left as they were: %(list)s.", len(result.skipped)) % {
                "count": len(result.skipped),
                "list": "; ".join(_("%(organisation)s (%(reason)s)") % {"organisation": application.organisation,
                                                                         "reason": reason}
                                  for application, reason in result.skipped)})
        if not accepted and not result.skipped:
            messages.info(request, _("There were no applications to accept the suggestion for."))
    return redirect(_board_url(round_.pk, form.cleaned_data.get("sort", "")))


@login_required
@require_POST
@idempotent_post
def send_letters(request, round_pk):
    round_ = office_round(request, round_pk)
    try:
        sent, waiting = decisions_send_for_round(round_=round_, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(_board_url(round_.pk))
    if sent:
        messages.success(request, ngettext("%(count)d decision letter was sent.",
                                           "%(count)d decision letters were sent.", sent) % {"count": sent})
    if waiting:
        messages.warning(request, ngettext(
            "%(count)d approved decision is still waiting for its letter; send it when the letter is made.",
            "%(count)d approved decisions are still waiting for their letters; send them when the letters are made.",
            waiting) % {"count": waiting})
    if not sent and not waiting:
        messages.info(request, _("There were no approved decisions to send."))
    return redirect(_board_url(round_.pk))
