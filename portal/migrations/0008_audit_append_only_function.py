from django.db import migrations

from portal.audit import CREATE_FUNCTION, DROP_FUNCTION


class Migration(migrations.Migration):
    """The trigger function that keeps the audit trail append-only (see `portal.audit`)."""

    dependencies = [
        ("portal", "0007_organisation_neutral_language_form"),
    ]

    operations = [
        migrations.RunSQL(sql=CREATE_FUNCTION, reverse_sql=DROP_FUNCTION),
    ]
