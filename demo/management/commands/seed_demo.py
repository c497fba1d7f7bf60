from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.oidc import local_provider_help
from demo.seed import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Add the demo scheme, rounds and one user per role (for `make run`). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="Seed even when DEBUG is off.")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: this looks like production. Pass --allow-production to seed anyway.")
        users = demo_seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/login/ with:"))
        for user in users:
            self.stdout.write(f"  {user.role:<15} {user.email:<45} password: {DEMO_PASSWORD}")
        self.stdout.write(local_provider_help())
