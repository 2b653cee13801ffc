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
    """One row (what earlier versions published; kept for messages still in the queue)."""
    from .services import notification_send

    return notification_send(pk)


@shared_task(
    ignore_result=True,
    # The batch stops taking rows after NOTIFICATION_BATCH_SECONDS; the hard limit still ends
    # it before any lease it took can run out (see settings).
    time_limit=settings.NOTIFICATION_SEND_TIME_LIMIT,
    soft_time_limit=settings.NOTIFICATION_SEND_TIME_LIMIT - 5,
)
def send_notifications(pks: list[int]) -> dict[str, int]:
    """A batch of rows over one SMTP connection."""
    from .services import notifications_send

    return dict(notifications_send(pks))


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
