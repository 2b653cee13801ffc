"""Celery tasks of the project package."""

from celery import shared_task


@shared_task
def ping(value: str = "pong") -> str:
    """A no-op used to prove a real worker is consuming the queue (CI, monitoring)."""
    return value
