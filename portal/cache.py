"""The cache backend (CACHES in config/settings/base.py): Django's RedisCache, made to degrade when
Redis is down instead of failing the page.

Django's RedisCache raises whatever redis-py raises (a refused connection, a timeout), so every
`cache.get` in a view would turn a Redis outage into a server error. Nothing the portal keeps in
the cache is needed for correctness (OpenID Connect discovery documents and keys, open-data
documents, a user's memberships and unread count; sessions have their own fallback, `portal.sessions`), so here a failed read is a miss,
a failed write or delete is skipped, and each logs a WARNING: pages work, slower (what the cache
saved is computed again) until Redis is back. The short socket timeouts (REDIS_CACHE_OPTIONS) keep
each failed call to a fraction of a second.

Each call also reuses one redis-py client per connection pool, where Django's client builds a new
`redis.Redis` around the pool for every call (a fifth of a millisecond of CPU each, several per page:
the session, the login's discovery document and keys).

One thing is not degraded: `incr`/`decr` of a missing key raise ValueError in every backend, and
so here when Redis is down (the portal does not use them)."""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _failed(action: str, error: Exception) -> None:
    logger.warning("Cache unavailable (%s): %s: %s; carrying on without it.", action, type(error).__name__, error)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping the `redis.Redis` it makes for a connection pool. A cache
    object (and so this client) belongs to one thread (django.core.cache.caches), and redis-py's
    client takes a connection from its pool per command, so keeping it changes nothing else."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _failed("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            _failed("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            _failed("has_key", error)
            return False

    def add(self, key, value, timeout=None, version=None):
        # `add` is "set unless present": with no cache, nothing is present and nothing is kept
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            _failed("add", error)
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            _failed("set", error)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            _failed("set_many", error)
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            _failed("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            _failed("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as error:
            _failed("delete_many", error)

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            _failed("clear", error)
            return False
