from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """Who has which role, and how they got it: invitations by e-mail, the people and roles pages of
    each organisation and office, role changes and removals, deactivating a person, and the log of
    all of it that the office reads. Just above the core: it gives the core's memberships."""

    name = "people"
    verbose_name = _("People and roles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.invitations import register_unknown_subject_handler

        from . import notifications
        from .services import user_for_invited_login

        notifications.register()
        register_unknown_subject_handler(user_for_invited_login)
