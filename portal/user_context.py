"""What every page needs of the logged-in user besides their row (their memberships, with each
organisation and office, and how many of their notifications are unread) is kept in the cache under
the user's `context_version`, and the database raises that version whenever any of it changes.

The version is raised by PostgreSQL triggers, not by the services, so no way of writing can forget
it (a page, the admin, a bulk `update()` or `delete()`, the reference data loader, raw SQL):

- a membership inserted, updated or deleted: its user (both users, if it moved);
- notifications inserted, deleted, or updated in their read time or user: their users (one statement
  trigger per event, reading the statement's rows from its transition tables: `notify` writes a
  notification for many users in one INSERT, marking as read updates many in one UPDATE);
- an organisation or office updated (its name, county, ...): every member's (the cached memberships
  carry the organisation and office objects);
- memberships or notifications truncated: every user's.

Each raise takes the next value of one sequence (`portal_user_context_version_seq`), never the old
value plus one (the sequence, the raising function and the trigger that keeps a version from going
down are made by `portal.versions`, as for an application's lines). A sequence is not rolled back, so a version is never given twice, not even after a
transaction that raised it (and perhaps cached what it saw under it) was rolled back; the sequence
starts at the clock's microseconds when the migration ran, so a database created again starts above
the one it replaces. And a trigger on the user row keeps the version from going down: a `save()` of
a user object read before a change writes back the version it read, and the row keeps the newer one.
Version 0 is a user who never had a membership or a notification (the migration gives every user
who existed before it a version of its own).

A request reads the user's row first and what the version stands for after it, so what it reads is
at least as new as the version it read: a version's entry in the cache never holds something older
than that version.

SQLite (`make run`'s database) has no such triggers: there the selector reads the memberships and the
count on every request (`CACHED`)."""

from django.db import migrations

from .audit import on_postgresql
from .versions import version_sql

SEQUENCE = "portal_user_context_version_seq"
BUMP = "portal_user_context_bump"
VERSION_CREATE, VERSION_DROP = version_sql(table="portal_user", column="context_version", sequence=SEQUENCE,
                                           bump=BUMP, kept="portal_user_context_version_kept")

CREATE = f"""{VERSION_CREATE}
CREATE OR REPLACE FUNCTION portal_membership_context_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM {BUMP}(ARRAY[NEW.user_id]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM {BUMP}(ARRAY[OLD.user_id]);
    ELSE
        PERFORM {BUMP}(ARRAY[OLD.user_id, NEW.user_id]);
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION portal_notification_context_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM {BUMP}(ARRAY(SELECT DISTINCT user_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM {BUMP}(ARRAY(SELECT DISTINCT user_id FROM old_rows));
    ELSE
        PERFORM {BUMP}(ARRAY(
            SELECT o.user_id FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE o.read_at IS DISTINCT FROM n.read_at OR o.user_id <> n.user_id
            UNION
            SELECT n.user_id FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE o.read_at IS DISTINCT FROM n.read_at OR o.user_id <> n.user_id));
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION portal_affiliation_context_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'portal_organisation' THEN
        PERFORM {BUMP}(ARRAY(SELECT user_id FROM portal_membership WHERE organisation_id = NEW.id));
    ELSE
        PERFORM {BUMP}(ARRAY(SELECT user_id FROM portal_membership WHERE office_id = NEW.id));
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION portal_user_context_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE portal_user SET context_version = nextval('{SEQUENCE}');
    RETURN NULL;
END;
$$;

CREATE TRIGGER portal_membership_user_context AFTER INSERT OR UPDATE OR DELETE ON portal_membership
    FOR EACH ROW EXECUTE FUNCTION portal_membership_context_changed();
CREATE TRIGGER portal_notification_user_context_insert AFTER INSERT ON portal_notification
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portal_notification_context_changed();
CREATE TRIGGER portal_notification_user_context_delete AFTER DELETE ON portal_notification
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portal_notification_context_changed();
CREATE TRIGGER portal_notification_user_context_update AFTER UPDATE ON portal_notification
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portal_notification_context_changed();
CREATE TRIGGER portal_organisation_user_context AFTER UPDATE ON portal_organisation
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION portal_affiliation_context_changed();
CREATE TRIGGER portal_office_user_context AFTER UPDATE ON portal_office
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION portal_affiliation_context_changed();
CREATE TRIGGER portal_membership_user_context_truncate AFTER TRUNCATE ON portal_membership
    FOR EACH STATEMENT EXECUTE FUNCTION portal_user_context_truncated();
CREATE TRIGGER portal_notification_user_context_truncate AFTER TRUNCATE ON portal_notification
    FOR EACH STATEMENT EXECUTE FUNCTION portal_user_context_truncated();

-- the users who were there before: memberships and notifications of their own, so a version of their own
UPDATE portal_user SET context_version = nextval('{SEQUENCE}');
"""

DROP = f"""
DROP TRIGGER IF EXISTS portal_notification_user_context_truncate ON portal_notification;
DROP TRIGGER IF EXISTS portal_membership_user_context_truncate ON portal_membership;
DROP TRIGGER IF EXISTS portal_office_user_context ON portal_office;
DROP TRIGGER IF EXISTS portal_organisation_user_context ON portal_organisation;
DROP TRIGGER IF EXISTS portal_notification_user_context_update ON portal_notification;
DROP TRIGGER IF EXISTS portal_notification_user_context_delete ON portal_notification;
DROP TRIGGER IF EXISTS portal_notification_user_context_insert ON portal_notification;
DROP TRIGGER IF EXISTS portal_membership_user_context ON portal_membership;
DROP FUNCTION IF EXISTS portal_user_context_truncated();
DROP FUNCTION IF EXISTS portal_affiliation_context_changed();
DROP FUNCTION IF EXISTS portal_notification_context_changed();
DROP FUNCTION IF EXISTS portal_membership_context_changed();
{VERSION_DROP}"""


def operations() -> list:
    """The migration operation that installs the sequence, functions and triggers (and, going back,
    drops them)."""
    return [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
