"""The people app's notifications (registered in `portal.notifications` by `PeopleConfig.ready()`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import notifications
from portal.models import Role


class PeopleNotice(models.TextChoices):
    INVITATION_ACCEPTED = "invitation_accepted", _("An invitation was accepted")


def _readable(data: dict) -> dict:
    role = data.get("role", "")
    return {**data, "role": Role(role).label.lower() if role in Role.values else role}


def register() -> None:
    notifications.register(PeopleNotice.INVITATION_ACCEPTED, notifications.sentence(
        _("%(person)s accepted your invitation and is now %(role)s for %(where)s."), values=_readable))
