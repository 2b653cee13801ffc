"""Thin Celery wrappers: they take primary keys and call services."""

from celery import shared_task


@shared_task
def ping(value: str = "pong") -> str:
    """A no-op used to prove a real worker is consuming the queue (CI, monitoring)."""
    return value


@shared_task(ignore_result=True)
def send_notification(pk: int) -> str:
    from .notifications import notification_send

    return notification_send(pk)


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    from .sweep import notifications_sweep

    return notifications_sweep().written
