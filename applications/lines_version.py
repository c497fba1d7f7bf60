"""What the task list, check page, summary and the office's application pages read of an application
besides its row (its competence measures with their target group, its innovation projects with their
sub-goals, its attachments and its receipts) is kept in the cache under the application's
`lines_version`, and the database raises that version whenever any of it changes
(`applications.selectors.application_get_full`).

The version is raised by PostgreSQL triggers, not by the services, so no way of writing can forget
it (a page, the office's awards, the admin, a bulk `update()`, `delete()` or `bulk_create()`, an M2M
`set()`, raw SQL):

- a measure, project, attachment or receipt inserted, deleted, or updated in any column: its
  application (both, if it moved); one statement trigger per table and event, reading the statement's
  rows from its transition tables (the board writes the awards of a whole round in one UPDATE, a
  copy of last year's lines many rows);
- a project's sub-goals added or removed (the M2M table): the project's application;
- a target group or sub-goal changed (its name, ...: the cached lines carry those objects): every
  application with a measure of that target group or a project with that sub-goal (a rare edit by
  the national administrators, which may touch a whole round's applications);
- any of the line tables truncated: every application's.

Each raise takes the next value of one sequence (`applications_lines_version_seq`; made, with the raising
function and the trigger that keeps the version from going down, by `portal.versions`), never the old value
plus one: a sequence is not rolled back, so a version is never given twice, not even after a
transaction that raised it (and perhaps cached what it saw under it) was rolled back; it starts at the
clock's microseconds when the migration ran, so a database created again starts above the one it
replaces. A trigger on the application keeps the version from going down: a `save()` of an application
read before a line changed writes back the version it read, and the row keeps the newer one. Version 0
is an application that never had a line, a file or a receipt (the migration gives every application
that existed before it a version of its own).

Locks: the raise updates the application row (FOR NO KEY UPDATE, which a line's foreign-key check, FOR
KEY SHARE, does not conflict with), in the order of their ids. Every write of lines, files and awards
in the portal already holds its application's row (`services.editing.lock_for_edit`, the casework
services, the receipt's short transaction in `receipts.receipt_create`, the board's applications in id
order), so the raise takes no lock it does not hold and the order of docs/architecture.md (application,
then its lines) stands: a submission, which locks the application first and then only reads the lines,
waits for such a write or makes it wait, never both. A write that holds no application (the admin's, a
shell's, raw SQL) takes the application after its line: it waits for a submission; only against a
caseworker's award on the very same line could the two cross, and PostgreSQL then undoes one of them.
A target group or sub-goal changed locks its row (its lines' foreign keys only share it), then the
applications in id order.

A request reads the application's row first and its lines after it, so what it reads is at least as
new as the version it read: a version's entry in the cache never holds something older than that
version.

SQLite (`make run`'s database) has no such triggers: there `application_get_full` reads the lines every
time."""

from django.db import migrations

from portal.audit import on_postgresql
from portal.versions import version_sql

SEQUENCE = "applications_lines_version_seq"
BUMP = "applications_lines_bump"
VERSION_CREATE, VERSION_DROP = version_sql(table="applications_application", column="lines_version",
                                           sequence=SEQUENCE, bump=BUMP, kept="applications_lines_version_kept")
LINE_TABLES = ("applications_competencemeasure", "applications_innovationproject", "applications_attachment",
               "applications_receipt")
SUB_GOALS = "applications_innovationproject_sub_goals"
TRUNCATED = (*LINE_TABLES, SUB_GOALS)
EVENTS = {"INSERT": "REFERENCING NEW TABLE AS new_rows", "DELETE": "REFERENCING OLD TABLE AS old_rows",
          "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"}


def _statement_triggers(table: str, function: str) -> str:
    return "\n".join(
        f"CREATE TRIGGER {table}_lines_{event.lower()} AFTER {event} ON {table} {referencing}\n"
        f"    FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        for event, referencing in EVENTS.items())


CREATE = f"""{VERSION_CREATE}
-- A line, file or receipt (each has its application_id) written: its applications.
CREATE OR REPLACE FUNCTION applications_lines_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM {BUMP}(ARRAY(SELECT DISTINCT application_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM {BUMP}(ARRAY(SELECT DISTINCT application_id FROM old_rows));
    ELSE
        PERFORM {BUMP}(ARRAY(
            SELECT o.application_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.* IS DISTINCT FROM n.*
            UNION
            SELECT n.application_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.* IS DISTINCT FROM n.*));
    END IF;
    RETURN NULL;
END;
$$;

-- A project's sub-goals added, removed or moved: the projects' applications.
CREATE OR REPLACE FUNCTION applications_sub_goals_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM {BUMP}(ARRAY(SELECT DISTINCT p.application_id FROM applications_innovationproject p
                             WHERE p.id IN (SELECT innovationproject_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM {BUMP}(ARRAY(SELECT DISTINCT p.application_id FROM applications_innovationproject p
                             WHERE p.id IN (SELECT innovationproject_id FROM old_rows)));
    ELSE
        PERFORM {BUMP}(ARRAY(SELECT DISTINCT p.application_id FROM applications_innovationproject p
                             WHERE p.id IN (SELECT innovationproject_id FROM old_rows
                                            UNION SELECT innovationproject_id FROM new_rows)));
    END IF;
    RETURN NULL;
END;
$$;

-- A target group or sub-goal changed: the applications whose lines show it.
CREATE OR REPLACE FUNCTION applications_lines_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'schemes_targetgroup' THEN
        PERFORM {BUMP}(ARRAY(SELECT DISTINCT application_id FROM applications_competencemeasure
                             WHERE target_group_id = NEW.id));
    ELSE
        PERFORM {BUMP}(ARRAY(SELECT DISTINCT p.application_id FROM applications_innovationproject p
                             JOIN {SUB_GOALS} s ON s.innovationproject_id = p.id WHERE s.subgoal_id = NEW.id));
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION applications_lines_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE applications_application SET lines_version = nextval('{SEQUENCE}');
    RETURN NULL;
END;
$$;

{chr(10).join(_statement_triggers(table, "applications_lines_changed") for table in LINE_TABLES)}
{_statement_triggers(SUB_GOALS, "applications_sub_goals_changed")}
CREATE TRIGGER schemes_targetgroup_lines AFTER UPDATE ON schemes_targetgroup
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION applications_lines_reference_changed();
CREATE TRIGGER schemes_subgoal_lines AFTER UPDATE ON schemes_subgoal
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION applications_lines_reference_changed();
{chr(10).join(f"CREATE TRIGGER {table}_lines_truncate AFTER TRUNCATE ON {table}" + chr(10)
              + "    FOR EACH STATEMENT EXECUTE FUNCTION applications_lines_truncated();" for table in TRUNCATED)}

-- the applications that were there before: lines of their own, so a version of their own
UPDATE applications_application SET lines_version = nextval('{SEQUENCE}');
"""

DROP = f"""
{chr(10).join(f"DROP TRIGGER IF EXISTS {table}_lines_truncate ON {table};" for table in TRUNCATED)}
DROP TRIGGER IF EXISTS schemes_subgoal_lines ON schemes_subgoal;
DROP TRIGGER IF EXISTS schemes_targetgroup_lines ON schemes_targetgroup;
{chr(10).join(f"DROP TRIGGER IF EXISTS {table}_lines_{event.lower()} ON {table};"
              for table in (*LINE_TABLES, SUB_GOALS) for event in EVENTS)}
DROP FUNCTION IF EXISTS applications_lines_truncated();
DROP FUNCTION IF EXISTS applications_lines_reference_changed();
DROP FUNCTION IF EXISTS applications_sub_goals_changed();
DROP FUNCTION IF EXISTS applications_lines_changed();
{VERSION_DROP}"""


def operations() -> list:
    """The migration operation that installs the sequence, functions and triggers (and, going back,
    drops them)."""
    return [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
