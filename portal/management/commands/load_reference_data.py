from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.exceptions import ReferenceDataError
from portal.reference_data import DATA_DIR, reference_data_load


class Command(BaseCommand):
    help = ("Load the counties, the 10 County Governor offices and the 356 municipalities of 2020 with their "
            "language forms. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=DATA_DIR, help="Folder holding the three CSV files.")

    def handle(self, *args, directory, **options):
        try:
            result = reference_data_load(directory=directory)
        except ReferenceDataError as error:
            raise CommandError("Nothing was loaded. Problems found:\n  " + "\n  ".join(error.problems))
        if not result.changed_anything:
            self.stdout.write(self.style.SUCCESS("Reference data already up to date: nothing changed."))
            return
        for kind, count in sorted(result.created.items()):
            self.stdout.write(self.style.SUCCESS(f"Created {count} {kind}."))
        for kind, count in sorted(result.updated.items()):
            self.stdout.write(self.style.SUCCESS(f"Updated {count} {kind}."))
