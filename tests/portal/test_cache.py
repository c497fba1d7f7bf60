"""The portal's cache backend on a real Redis: one redis-py client per connection pool, reused."""

import pytest
import redis
from django.core.cache import caches

pytestmark = pytest.mark.redis


@pytest.fixture
def portal_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": settings.REDIS_URL,
                                   "OPTIONS": settings.REDIS_CACHE_OPTIONS}}
    cache = caches.create_connection("default")
    yield cache
    cache.delete_many(["portal-cache-test-a", "portal-cache-test-b"])
    cache.close()


def test_every_call_uses_the_same_client_and_the_values_round_trip(portal_cache, monkeypatch):
    made = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    portal_cache.set("portal-cache-test-a", {"x": 1}, 30)
    portal_cache.set_many({"portal-cache-test-b": [1, 2]}, 30)
    assert portal_cache.get("portal-cache-test-a") == {"x": 1}
    assert portal_cache.get_many(["portal-cache-test-a", "portal-cache-test-b"]) == {
        "portal-cache-test-a": {"x": 1}, "portal-cache-test-b": [1, 2]}
    assert portal_cache.delete("portal-cache-test-a") is True
    assert portal_cache.get("portal-cache-test-a") is None
    assert len(made) == 1  # Django's own client makes one per call: 7 here
    assert portal_cache._cache.get_client() is portal_cache._cache.get_client(write=True)
