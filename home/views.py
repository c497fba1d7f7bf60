"""'My page': what each of the user's roles has to do next (`home.sections`), and their roles."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .sections import home_for


@login_required
def dashboard(request):
    return render(request, "home/dashboard.html", {"home": home_for(user=request.user)})
