"""portal.i18n.ChoiceLabelsMixin: the same labels as Django's get_<field>_display, in the active language."""

from django.db import models
from django.utils import translation

from applications.models import Application, ApplicationStatus
from portal.models import Membership, Role


def _django_display(obj, field_name):
    """What Django's own get_<field>_display answers (models.Model._get_FIELD_display)."""
    return models.Model._get_FIELD_display(obj, obj._meta.get_field(field_name))


def test_every_status_has_the_label_django_gives_in_each_language():
    application = Application()
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            for status in ApplicationStatus:
                application.status = status
                assert application.get_status_display() == _django_display(application, "status")
                assert application.get_status_display() == str(status.label)


def test_the_label_follows_the_active_language():
    application = Application(status=ApplicationStatus.SUBMITTED)
    with translation.override("en"):
        english = application.get_status_display()
    with translation.override("nb"):
        bokmal = application.get_status_display()
    assert english == "Submitted"
    assert bokmal != english


def test_a_value_that_is_not_a_choice_is_shown_as_it_is():
    application = Application(status="no-such-status")
    assert application.get_status_display() == "no-such-status"
    membership = Membership(role=Role.SIGNATORY)
    with translation.override("en"):
        assert membership.get_role_display() == _django_display(membership, "role")
