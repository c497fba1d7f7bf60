"""Who sees which figures. Each function takes the user first and returns a Verdict with the reason
when it says no; the views answer a refusal with a 404 (the figures of another office's round are
not even hinted at)."""

from django.utils.translation import gettext_lazy as _

from portal.models import OFFICE_ROLES
from portal.permissions import ALLOWED, Verdict, is_national_admin, office_ids_with_role


def can_view_round_figures(user, round_) -> Verdict:
    """The staff of the round's office, whatever their role there, and Helsedirektoratet's national
    administrators (who see every office's figures)."""
    if round_.office_id in office_ids_with_role(user, *OFFICE_ROLES) or is_national_admin(user):
        return ALLOWED
    return Verdict(False, _("Only the office's staff and Helsedirektoratet see the round's figures."))


def can_view_national_figures(user) -> Verdict:
    if is_national_admin(user):
        return ALLOWED
    return Verdict(False, _("Only Helsedirektoratet's national administrators see the national figures."))
