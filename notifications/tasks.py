"""Thin Celery wrappers: they take primary keys and call services."""

from celery import shared_task
from django.conf import settings


@shared_task(
    ignore_result=True,
    # Killed after this long, so the sender never outlives its lease on the row (see settings).
    time_limit=settings.NOTIFICATION_SEND_TIME_LIMIT,
    soft_time_limit=settings.NOTIFICATION_SEND_TIME_LIMIT - 5,
)
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


@shared_task(ignore_result=True)
def dispatch_notifications() -> int:
    """Hand over what is due and not on its way (see `services.dispatch_due`)."""
    from .services import dispatch_due

    return dispatch_due()
