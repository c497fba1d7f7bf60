import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with no open data kept (the cache is a process's memory in the tests, and
    a document kept by an earlier test would be served to the next)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
