import socket

from celery import shared_task


@shared_task(name="portal.health_check")
def health_check(token: str) -> dict:
    """Answer with the token and the worker's host name: proves the broker-worker-backend path."""
    return {"token": token, "worker": socket.gethostname()}
