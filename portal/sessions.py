"""The session engine (SESSION_ENGINE = "portal.sessions"): Django's cached_db, which reads a session
from the cache (Redis) and writes it to both, made to survive a cache outage.

Django's cached_db already catches a failed cache read and a failed write after saving; but a
failed cache write after reading from the database, a failed existence check (when a new session
key is made) and a failed delete (logging out) still raise, so a Redis outage would turn every page
into a server error. Here each of those falls back to the database alone and logs a warning: nobody
is logged out, nothing is lost; pages are slower (one session query each) until Redis is back.
Set CACHES' socket timeouts short (config/settings/base.py), or an outage that hangs rather than
refuses makes every page wait for it. The portal's cache backend (`portal.cache`) already reads a
failed call as a miss; these fallbacks keep sessions safe whatever backend CACHES names.
"""

import logging

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def _cache_failed(self, action: str, error: Exception) -> None:
        logger.warning("Session cache unavailable (%s): %s: %s; using the database.",
                       action, type(error).__name__, error)

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception as error:  # noqa: BLE001 - any cache failure: the database has the session
            self._cache_failed("read", error)
            session = self._get_session_from_db()
            return self.decode(session.session_data) if session else {}
        if data is not None:
            return data
        session = self._get_session_from_db()
        if session is None:
            return {}
        data = self.decode(session.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=session.expire_date))
        except Exception as error:  # noqa: BLE001
            self._cache_failed("write", error)
        return data

    def _get_new_session_key(self):
        """A new random key, without first asking whether it is taken: `create` inserts the row with
        `must_create`, and a key that is taken (one in 36**32) fails the insert and another is drawn.
        Django's look-up in the cache and then the database before it cost every login a query."""
        return get_random_string(32, VALID_KEY_CHARS)

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception as error:  # noqa: BLE001
            self._cache_failed("exists", error)
        return super(CachedDBStore, self).exists(session_key)

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        # Should the cache's delete fail (a logout during an outage), its copy of the session
        # outlives the row: when Redis comes back, that copy is read again until it expires. The
        # warning says so; "logout everywhere" (portal.services.sessions_end) is not affected,
        # since it is checked against the user's row on every request.
        self.model.objects.filter(session_key=session_key).delete()  # one DELETE (Django's reads the row first)
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception as error:  # noqa: BLE001
            self._cache_failed("delete", error)
