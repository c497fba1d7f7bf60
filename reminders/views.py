"""The office admin's pages under /reminders/: the reminder calendar of each round of the admin's
office (what will go, computed by the sweep's own code, and what went), and the e-mails that were
not sent. Another office's round is a 404; a same-office user without the role gets 403."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from portal.permissions import administered_office_ids, can_administer_round, require
from schemes.models import Round
from schemes.selectors import office_round_get

from .selectors import reminder_calendar, rounds_administered, unsent_emails


@login_required
def rounds(request):
    if not administered_office_ids(request.user):
        raise Http404
    return render(request, "reminders/calendar_rounds.html", {"rounds": list(rounds_administered(user=request.user))})


@login_required
def round_calendar(request, round_pk):
    try:
        round_ = office_round_get(user=request.user, pk=round_pk)
    except Round.DoesNotExist:
        raise Http404
    require(can_administer_round(request.user, round_))
    round_ = Round.objects.select_related("scheme", "office").prefetch_related("office__counties").get(pk=round_.pk)
    return render(request, "reminders/calendar.html", {"round": round_, **reminder_calendar(round_=round_)})


@login_required
def outbox(request):
    """E-mails of the admin's offices that were not sent, with why, and whether they are tried again."""
    if not administered_office_ids(request.user):
        raise Http404
    return render(request, "reminders/outbox.html", {"emails": unsent_emails(user=request.user)})
