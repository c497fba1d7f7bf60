"""'My page': what the logged-in user is, and where each role works."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal.selectors import memberships_for_user


@login_required
def dashboard(request):
    return render(request, "home/dashboard.html", {
        "memberships": memberships_for_user(user=request.user),
    })
