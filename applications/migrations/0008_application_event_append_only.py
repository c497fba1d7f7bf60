from django.db import migrations

from portal.audit import append_only_operations


class Migration(migrations.Migration):
    """An application's history is never changed or deleted once written (see `portal.audit`)."""

    dependencies = [
        ("applications", "0007_signature_request"),
        ("portal", "0008_audit_append_only_function"),
    ]

    operations = append_only_operations("applications_applicationevent")
