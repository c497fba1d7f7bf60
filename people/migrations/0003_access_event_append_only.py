from django.db import migrations

from portal.audit import append_only_operations


class Migration(migrations.Migration):
    """Who was given which role, and by whom, is never changed or deleted (see `portal.audit`)."""

    dependencies = [
        ("people", "0002_invitation_link_nonce"),
        ("portal", "0008_audit_append_only_function"),
    ]

    operations = append_only_operations("people_accessevent")
