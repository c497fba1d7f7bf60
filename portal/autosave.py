"""The autosave protocol every form page shares (applications, reports): the page's script posts
the form with `X-Autosave: 1`, and gets JSON back: saved (with the new version and the time), or
not (400 with the errors, 409 with why, the typed text staying in the page)."""

from django.http import JsonResponse
from django.utils import timezone
from django.utils.formats import date_format


def is_autosave(request) -> bool:
    return request.headers.get("X-Autosave") == "1" or request.POST.get("_autosave") == "1"


def autosave_response(*, version=None, edit_url=None, errors=None, conflict=None, status=200):
    payload = {"saved": status == 200, "version": version}
    if status == 200:
        payload["saved_at"] = date_format(timezone.localtime(), "H:i:s")
    if edit_url:
        payload["edit_url"] = edit_url
    if errors:
        payload["errors"] = {field: [str(e) for e in messages] for field, messages in errors.items()}
    if conflict is not None:
        payload["conflict"] = str(conflict)
    return JsonResponse(payload, status=status)
