import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from demo.oidc import local_provider_help
from demo.seed import DEMO_PASSWORD, demo_seed
from portal.models import Office, Organisation
from portal.offices import office_title

# The seed submits applications, and each submission e-mails its receipt (with the PDF). The demo's
# municipalities are not real, so those e-mails go nowhere (they are still recorded as sent, as
# they would be): otherwise the console backend of `make run` prints them, some 1 800 lines, before
# the logins.
QUIET_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


@contextmanager
def quietly():
    """No e-mails printed, and no line per Celery task (they run eagerly in `make run`)."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND=QUIET_EMAIL_BACKEND):
            yield
    finally:
        trace.setLevel(level)


class Command(BaseCommand):
    help = "Add the demo scheme, rounds and one user per role (for `make run`). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="Seed even when DEBUG is off.")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: this looks like production. Pass --allow-production to seed anyway.")
        with quietly():
            users = demo_seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/login/ with:"))
        organisations = dict(Organisation.objects.filter(
            organisation_number__in=[u.organisation_number for u in users]).values_list("organisation_number", "name"))
        this_year = timezone.localdate().year  # the demo's open round is this year's
        offices = {office.slug: office_title(office, this_year)
                   for office in Office.objects.filter(slug__in=[u.office_slug for u in users])}
        for user in users:
            where = organisations.get(user.organisation_number) or offices.get(user.office_slug) or "Helsedirektoratet"
            self.stdout.write(f"  {user.email:<45} {user.role:<15} {where}")
        self.stdout.write(f"Password for all of them: {DEMO_PASSWORD}")
        self.stdout.write(local_provider_help())
