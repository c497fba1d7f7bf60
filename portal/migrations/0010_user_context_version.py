from django.db import migrations, models

from portal.user_context import operations


class Migration(migrations.Migration):
    """The user's context version, and the triggers that raise it (see `portal.user_context`)."""

    dependencies = [
        ("portal", "0009_submitted_form"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="context_version",
            field=models.PositiveBigIntegerField(
                default=0, editable=False,
                help_text="Raised by the database whenever the user's memberships, their organisations or "
                          "offices, or their notifications change (portal.user_context).",
                verbose_name="context version"),
        ),
        *operations(),
    ]
