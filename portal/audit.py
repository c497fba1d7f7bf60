"""The audit trail is append-only, and the database says so.

The tables that hold it (`applications.ApplicationEvent`, `people.AccessEvent`, `schemes.RoundChange`)
each carry a PostgreSQL trigger that refuses every UPDATE and DELETE of a row, whoever sends it: a
page, the admin, a shell, raw SQL. Each app's migration installs the trigger on its own table with
`append_only_operations(table)`; the function they call is installed once by portal's migration.

One door stays, and it is narrow and logged: `audit_purge(reason=...)` lets rows go inside one
transaction (`SET LOCAL`), for what must remove a whole application and its history (a test, the demo
starting again). Nothing in the portal's pages calls it.

TRUNCATE is not covered: it needs the table's owner, which the web process should not be (see the
deployment notes); Django's test runner empties tables with it between transactional tests.
"""

import logging
from contextlib import contextmanager

from django.db import connection, migrations, transaction

logger = logging.getLogger(__name__)

PURGE_SETTING = "portal.audit_purge"
FUNCTION = "portal_audit_append_only"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{PURGE_SETTING}', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % of a row of % is not allowed.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""
DROP_FUNCTION = f"DROP FUNCTION IF EXISTS {FUNCTION}();"


def _trigger(table: str) -> str:
    return f"{table}_append_only"


def on_postgresql(sql: str):
    """A migration step that runs `sql` on PostgreSQL only: `make run`'s SQLite has no triggers of
    this kind (its demo database is the newcomer's own, not the state's record)."""
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no %-interpolation: the function text holds % signs
    return run


def function_operations() -> list:
    """The migration operation that installs the trigger function (and, going back, drops it)."""
    return [migrations.RunPython(on_postgresql(CREATE_FUNCTION), on_postgresql(DROP_FUNCTION))]


def append_only_operations(table: str) -> list:
    """The migration operation that makes `table` append-only (and, going back, not)."""
    create = (f"CREATE TRIGGER {_trigger(table)} BEFORE UPDATE OR DELETE ON {table} "
              f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();")
    drop = f"DROP TRIGGER IF EXISTS {_trigger(table)} ON {table};"
    return [migrations.RunPython(on_postgresql(create), on_postgresql(drop))]


@contextmanager
def audit_purge(*, reason: str):
    """Within this block (one transaction), rows of the audit trail may be deleted, or have a
    deleted person's reference cleared. Logged, with the reason, at WARNING."""
    if not reason:
        raise ValueError("Say why the audit trail is purged.")
    with transaction.atomic():
        logger.warning("Audit trail purge allowed: %s", reason)
        if connection.vendor != "postgresql":  # no triggers there (see `on_postgresql`)
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
        yield
        # closed again for the rest of an enclosing transaction (a test's); after an error, rolling
        # back the block's savepoint or transaction undoes the setting anyway
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [PURGE_SETTING])
