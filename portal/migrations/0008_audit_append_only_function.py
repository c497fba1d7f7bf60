from django.db import migrations

from portal.audit import function_operations


class Migration(migrations.Migration):
    """The trigger function that keeps the audit trail append-only (see `portal.audit`)."""

    dependencies = [
        ("portal", "0007_organisation_neutral_language_form"),
    ]

    operations = [
        *function_operations(),
    ]
