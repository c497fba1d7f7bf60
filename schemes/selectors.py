"""Reads for the public scheme and round pages."""

import datetime as dt
from itertools import groupby

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from portal.models import OFFICE_ROLES
from portal.permissions import administered_office_ids, office_ids_with_role

from .models import Round, Scheme
from .rules import round_setup_problems


def scheme_get_public(*, slug: str) -> Scheme:
    return Scheme.objects.prefetch_related("sub_goals", "target_groups", "priority_areas").get(slug=slug)


def rounds_public(*, scheme: Scheme | None = None) -> QuerySet[Round]:
    queryset = Round.objects.published().select_related("office", "scheme").prefetch_related("office__counties")
    if scheme is not None:
        queryset = queryset.filter(scheme=scheme)
    return queryset


def round_get_public(*, pk: int) -> Round:
    return (
        rounds_public()
        .prefetch_related("documents", Prefetch("scheme__target_groups"))
        .get(pk=pk)
    )


def rounds_open_and_upcoming(*, now: dt.datetime | None = None, scheme: Scheme | None = None) -> list[Round]:
    """Published rounds that accept submissions now or will open later, soonest deadline first."""
    now = now or timezone.now()
    rounds = rounds_public(scheme=scheme).not_closed_long_before(now).order_by("closes_at", "office__name")
    return [r for r in rounds if r.is_open(now) or r.has_not_opened(now)]


def rounds_open_by_office(*, now: dt.datetime | None = None, scheme: Scheme | None = None):
    """[(office, [rounds...]), ...] ordered by office name: the public 'open rounds' page."""
    rounds = sorted(rounds_open_and_upcoming(now=now, scheme=scheme), key=lambda r: (r.office.name, r.closes_at))
    return [(office, list(group)) for office, group in groupby(rounds, key=lambda r: r.office)]


def rounds_closed(*, now: dt.datetime | None = None, scheme: Scheme | None = None) -> list[Round]:
    now = now or timezone.now()
    return [r for r in rounds_public(scheme=scheme).order_by("-year", "office__name") if not r.is_open(now)
            and not r.has_not_opened(now)]


def office_round_get(*, user, pk: int) -> Round:
    """A round of one of the user's County Governor offices, whatever their role there ("a round of
    my office"): every office page starts here, so another office's round is a 404, never a hint
    that it exists. Which role may do what with it is each app's permissions' to say (a 403 with
    the reason). Raises Round.DoesNotExist otherwise."""
    return (Round.objects.select_related("scheme", "office")
            .filter(office_id__in=office_ids_with_role(user, *OFFICE_ROLES)).get(pk=pk))


def rounds_to_configure(*, user, now: dt.datetime | None = None) -> list[Round]:
    """The rounds of the offices the user administers that still need the office admin before they
    take applications (`rules.round_setup_problems`), each with its `setup_problems`. Two queries."""
    now = now or timezone.now()
    rounds = (Round.objects.filter(office_id__in=administered_office_ids(user), closes_at__gte=now)
              .select_related("scheme", "office").prefetch_related("criteria").order_by("closes_at", "pk"))
    rows = []
    for round_ in rounds:
        round_.setup_problems = round_setup_problems(round_, now)
        if round_.setup_problems:
            rows.append(round_)
    return rows
