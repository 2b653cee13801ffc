"""Thin Celery wrappers: they take primary keys and call services."""

from celery import shared_task


@shared_task(ignore_result=True)
def send_notification(pk: int) -> str:
    from .services import notification_send

    return notification_send(pk)


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    from .sweep import notifications_sweep

    return notifications_sweep().written


@shared_task(ignore_result=True)
def purge_outbox() -> int:
    from .services import outbox_purge

    return outbox_purge()
