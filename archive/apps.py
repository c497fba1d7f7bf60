from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    """The archive copy of every decided case (Noark 5): made when the office sends the decision
    (casework's `decision_sent` signal), kept in versions, downloaded by the office's staff."""

    name = "archive"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casework.hooks import register_round_link
        from casework.signals import decision_sent

        from .services import archive_copy_request_on_send

        register_round_link(_("Archive copies"), "archive:round")
        decision_sent.connect(archive_copy_request_on_send, dispatch_uid="archive.archive_copy_request_on_send")
