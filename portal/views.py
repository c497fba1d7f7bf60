from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from schemes.models import Scheme
from schemes.selectors import rounds_open_by_office

from .selectors import memberships_for_user


def home(request):
    return render(request, "portal/home.html", {
        "schemes": Scheme.objects.all(),
        "rounds_by_office": rounds_open_by_office(),
    })


@login_required
def dashboard(request):
    return render(request, "portal/dashboard.html", {
        "memberships": memberships_for_user(user=request.user),
    })
