"""The models that moved keep every row: from the schema as it was before the move (assessment,
decision and appeal in `applications`, the reminder log in `reporting`, e-mails without a delivery
status), rows are written with the historical models, the migrations run forward, and the rows are
read back through today's models."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from casework.models import Appeal, Assessment, CriterionScore, Decision, DecisionStatus
from portal.models import Delivery, SentEmail
from reminders.models import Reminder

BEFORE_THE_MOVE = [
    ("portal", "0003_notification"),
    ("schemes", "0002_alter_round_auditor_statement_threshold_and_more"),
    ("applications", "0004_alter_application_details_version_and_more"),
    ("reporting", "0002_alter_grantreport_version_alter_reportline_position"),
    ("casework", None),
    ("reminders", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1]]).apps


def _old_world(apps) -> dict:
    """One of each moved thing, written through the models as they were before the move."""
    now = timezone.now()
    User = apps.get_model("portal", "User")
    county = apps.get_model("portal", "County").objects.create(number="97", name="Testfylke")
    office = apps.get_model("portal", "Office").objects.create(name="Testkontoret", slug="testkontoret")
    office.counties.add(county)
    organisation = apps.get_model("portal", "Organisation").objects.create(
        name="Testkommune", kind="municipality", organisation_number="910000014", municipality_number="9701",
        county=county)
    caseworker = User.objects.create(email="saksbehandler@test.example")
    approver = User.objects.create(email="godkjenner@test.example")
    scheme = apps.get_model("schemes", "Scheme").objects.create(slug="ordning", name="Ordning", main_goal="Mål")
    round_ = apps.get_model("schemes", "Round").objects.create(
        scheme=scheme, office=office, year=2025, published=True, budget=1_000_000, opens_at=now,
        closes_at=now + dt.timedelta(days=10), reporting_deadline=now + dt.timedelta(days=400),
        contact_email="post@test.example")
    criterion = apps.get_model("schemes", "AssessmentCriterion").objects.create(
        round=round_, kind="mental_health", weight=20)
    application = apps.get_model("applications", "Application").objects.create(
        round=round_, organisation=organisation, created_by=caseworker, status="decided")
    assessment = apps.get_model("applications", "Assessment").objects.create(
        application=application, notes="Godt tiltak.", score=80, started_by=caseworker)
    apps.get_model("applications", "CriterionScore").objects.create(assessment=assessment, criterion=criterion,
                                                                   score=4)
    decision = apps.get_model("applications", "Decision").objects.create(
        application=application, status="sent", outcome="granted", total_applied=150_000, total_awarded=150_000,
        lines=[{"part": "measure", "id": 1, "title": "Tiltak", "applied": 150_000, "awarded": 150_000}],
        reporting_deadline=round_.reporting_deadline, proposed_by=caseworker, proposed_at=now,
        approved_by=approver, approved_at=now, sent_at=now)
    apps.get_model("applications", "Appeal").objects.create(
        decision=decision, received_on=now.date(), text="Klage.", within_deadline=True, registered_by=caseworker)
    apps.get_model("reporting", "Reminder").objects.create(
        recipient=caseworker, round=round_, kind="overdue_summary", offset=2, sent_at=now)
    apps.get_model("reporting", "Reminder").objects.create(
        recipient=approver, round=round_, kind="overdue_summary", offset=2, sent_at=None)
    SentEmailThen = apps.get_model("portal", "SentEmail")
    SentEmailThen.objects.create(key="receipt:1:1", recipients=["a@test.example"], subject="Mottatt", sent_at=now)
    SentEmailThen.objects.create(key="receipt:2:1", recipients=["b@test.example"], subject="Mottatt")
    return {"application": application.pk, "decision": decision.pk, "assessment": assessment.pk}


@pytest.mark.django_db(transaction=True)
def test_the_moved_models_keep_their_rows_and_the_new_fields_are_filled_from_them():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _old_world(_migrate(BEFORE_THE_MOVE))
        _migrate(latest)

        decision = Decision.objects.select_related("application").get(pk=old["decision"])
        assert decision.application_id == old["application"]
        assert (decision.status, decision.total_awarded, decision.lines[0]["title"]) == (
            DecisionStatus.SENT, 150_000, "Tiltak")
        assert Appeal.objects.get(decision=decision).text == "Klage."
        assessment = Assessment.objects.get(pk=old["assessment"])
        assert (assessment.notes, assessment.score) == ("Godt tiltak.", 80)
        assert CriterionScore.objects.get(assessment=assessment).score == 4
        assert {(r.recipient.email, r.delivery) for r in Reminder.objects.all()} == {
            ("saksbehandler@test.example", Delivery.SENT), ("godkjenner@test.example", Delivery.FAILED)}
        assert dict(SentEmail.objects.values_list("key", "status")) == {
            "receipt:1:1": Delivery.SENT, "receipt:2:1": Delivery.CLAIMED}
        tables = set(connection.introspection.table_names())
        assert {"casework_decision", "casework_assessment", "casework_criterionscore", "casework_appeal",
                "reminders_reminder"} <= tables
        assert not {"applications_decision", "reporting_reminder"} & tables
    finally:
        _migrate(latest)


def test_make_run_s_sqlite_database_migrates(tmp_path):
    """`make run` keeps working without PostgreSQL: every migration (the audit trail's triggers are
    PostgreSQL-only steps) runs on a fresh SQLite database."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}"}
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
