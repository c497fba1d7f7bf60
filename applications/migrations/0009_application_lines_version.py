from django.db import migrations, models

from applications.lines_version import operations


class Migration(migrations.Migration):
    """The application's lines version, and the triggers that raise it (see `applications.lines_version`)."""

    dependencies = [
        ("applications", "0008_application_event_append_only"),
        ("schemes", "0003_round_change_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="lines_version",
            field=models.PositiveBigIntegerField(
                default=0, editable=False,
                help_text="Raised by the database whenever the application's lines, their sub-goals or target "
                          "groups, its attachments or its receipts change (applications.lines_version).",
                verbose_name="version of the lines"),
        ),
        *operations(),
    ]
