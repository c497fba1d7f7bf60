"""Who may see and who may re-make a case's archive copy. Object-level: the office of the
application's round; the municipality never sees the archive copy (it has its receipt and letter)."""

from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.permissions import is_office_staff_of, roles_of
from portal.models import Role
from portal.permissions import ALLOWED, Verdict

# Records management is the office's administration: the office admin re-makes a copy (a caseworker
# or approver who finds it wrong asks them), so a new version is never made in passing.
REPRODUCER_ROLES = (Role.OFFICE_ADMIN,)


def can_view_archive_copy(user, application: Application) -> Verdict:
    """Every member of staff of the round's office (caseworker, approver, office admin)."""
    if is_office_staff_of(user, application):
        return ALLOWED
    return Verdict(False, _("Only the office's staff see the archive copy."))


def can_reproduce_archive_copy(user, application: Application) -> Verdict:
    """The office admin of the round's office makes a new version, on purpose."""
    if roles_of(user, application) & set(REPRODUCER_ROLES):
        return ALLOWED
    return Verdict(False, _("Only the office's administrator makes a new version of the archive copy."))
