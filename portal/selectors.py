"""Reads about users and their affiliations."""

from django.db.models import QuerySet

from .models import Membership, Office, Organisation


def memberships_for_user(*, user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation", "office").order_by("role")


def affiliations_for_user(*, user) -> list[str]:
    """Names of the organisations and offices the user acts for, as shown in the page header."""
    names: list[str] = []
    for membership in memberships_for_user(user=user):
        where = membership.organisation or membership.office
        label = str(where) if where else "Helsedirektoratet"
        if label not in names:
            names.append(label)
    return names


def offices_for_user(*, user, roles) -> QuerySet[Office]:
    return Office.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def organisations_for_user(*, user, roles) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()
