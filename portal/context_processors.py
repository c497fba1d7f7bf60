from .models import OFFICE_ROLES
from .permissions import office_ids_with_role
from .selectors import affiliations_for_user


def affiliation(request):
    """The organisation or office the logged-in user acts for, shown in the header on every page,
    and whether the user works at a County Governor office (the menu then links to its casework)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_affiliations": [], "is_office_staff": False}
    return {"user_affiliations": affiliations_for_user(user=user),
            "is_office_staff": bool(office_ids_with_role(user, *OFFICE_ROLES))}
