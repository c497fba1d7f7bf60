"""Is PostgreSQL or Redis reachable? Used by the test settings to choose loudly, never silently."""

import socket
from urllib.parse import urlparse

import redis


def _port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def postgres_reachable(database: dict) -> bool:
    host = database.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        return True  # a Unix socket: let psycopg2 report a real problem
    return _port_open(host, int(database.get("PORT") or 5432))


def redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    if not _port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means "not usable"
        return False
