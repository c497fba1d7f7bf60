"""A version on a row that the database raises whenever what the row stands for changes, and what is
kept in the cache under it: one mechanism for the logged-in user's context (`portal.user_context`:
memberships and unread count) and an application's lines (`applications.lines_version`).

In the database (`version_sql`): one sequence per version, started at the clock's microseconds (a
database made again starts above the one it replaces); a function that raises the version of some
rows to the sequence's next value, locking them in the order of their ids (two statements raising
overlapping rows wait for each other instead of deadlocking), never the old value plus one (a
sequence is not rolled back, so a version is never given twice); and a trigger that keeps a version
from going down (a `save()` of an object read before a change writes back the version it read). The
triggers that call the function, on whatever the version stands for, are each module's own.

In the cache (`cache_namespace`, `cached`, `keep`): entries under the row's id and version, and a
namespace for what else they depend on (this database: benchmark and test databases may share a
Redis; this Django; the cached models' columns). A reader reads the row first and what the version
stands for after it, so an entry is never older than its version. Any cache failure is a miss or a
skipped write, logged: the database has it all. None where the database raises no version (SQLite):
there everything is read every time."""

import hashlib
import logging

import django
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)

TIMEOUT = 60 * 60  # seconds; a change is a new version, so a new key, at once: this only frees memory


def version_sql(*, table: str, column: str, sequence: str, bump: str, kept: str) -> tuple[str, str]:
    """(what to create first, what to drop last): the sequence, `bump(ids bigint[])`, and the trigger
    `kept` (with its function of the same name) on `table` that keeps `column` from going down."""
    create = f"""
CREATE SEQUENCE IF NOT EXISTS {sequence} AS bigint;
SELECT setval('{sequence}', (extract(epoch FROM clock_timestamp()) * 1000000)::bigint);

CREATE OR REPLACE FUNCTION {bump}(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE {table} SET {column} = nextval('{sequence}')
    WHERE id IN (SELECT id FROM {table} WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE);
$$;

CREATE OR REPLACE FUNCTION {kept}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.{column} := OLD.{column};
    RETURN NEW;
END;
$$;

CREATE TRIGGER {kept} BEFORE UPDATE OF {column} ON {table}
    FOR EACH ROW WHEN (NEW.{column} < OLD.{column})
    EXECUTE FUNCTION {kept}();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {kept} ON {table};
DROP FUNCTION IF EXISTS {kept}();
DROP FUNCTION IF EXISTS {bump}(bigint[]);
DROP SEQUENCE IF EXISTS {sequence};
"""
    return create, drop


def cache_namespace(model, cached_models, *shape) -> str | None:
    """What an entry depends on besides the row and its version: `model`'s database (its name), this
    Django, `cached_models`' columns and whatever else `shape` names (how they are read). None where
    the database raises no version (only PostgreSQL has the triggers)."""
    database = connections[model._default_manager.db]
    if database.vendor != "postgresql":
        return None
    parts = [django.__version__, database.settings_dict["NAME"], *map(str, shape)] + [
        f"{cached._meta.db_table}:{','.join(field.attname for field in cached._meta.concrete_fields)}"
        for cached in cached_models]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def cached(keys: list[str], what: str) -> dict:
    """{key: entry} of those of `keys` the cache holds."""
    if not keys:
        return {}
    try:
        return cache.get_many(keys)
    except Exception as error:  # noqa: BLE001 - any cache failure: the database has it
        logger.warning("%s not read from the cache: %s: %s", what, type(error).__name__, error)
        return {}


def keep(key: str | None, entry, what: str) -> None:
    if key is None:
        return
    try:
        cache.set(key, entry, TIMEOUT)
    except Exception as error:  # noqa: BLE001
        logger.warning("%s not kept in the cache: %s: %s", what, type(error).__name__, error)
