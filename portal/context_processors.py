from .selectors import affiliations_for_user


def affiliation(request):
    """The organisation or office the logged-in user acts for, shown in the header on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_affiliations": []}
    return {"user_affiliations": affiliations_for_user(user=user)}
