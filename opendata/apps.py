from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open data: the grants the offices have decided and made known, published read-only for
    anyone (no login), versioned under /open-data/v1/. On top of every app whose data it reads; no
    app imports it. It learns that a decision was sent from the decision's own save (`post_save`)."""

    name = "opendata"
    verbose_name = _("Open data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from casework.models import Decision

        from .cache import forget_when_published

        post_save.connect(forget_when_published, sender=Decision, dispatch_uid="opendata.forget_when_published")
