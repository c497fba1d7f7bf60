import os
import sys

from django.core.management.base import BaseCommand

from demo.oidc import LOCAL_ENVIRONMENT, LOCAL_PROVIDER_URL, local_provider_users


class Command(BaseCommand):
    help = ("Run a local OpenID Connect provider (oidc-provider-mock) on 127.0.0.1:9400 with the demo "
            "people, for trying the ID-porten and office logins with `make run`. Not for production.")

    def handle(self, *args, **options):
        self.stdout.write(f"A local OpenID Connect provider at {LOCAL_PROVIDER_URL} (Ctrl+C stops). Start the portal with:")
        self.stdout.write("  " + " ".join(f"{name}={value}" for name, value in LOCAL_ENVIRONMENT.items()) + " make run")
        command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", "9400"]
        for claims in local_provider_users():
            command += ["--user-claims", claims]
        self.stdout.flush()
        os.execv(sys.executable, command)
