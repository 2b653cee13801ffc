"""The Celery application.

Without REDIS_URL the settings make every task run eagerly in-process, so the embedded
default needs no broker. With it, `make worker` and `make beat` run against Redis.
"""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The periodic schedule lives here and only here.
app.conf.beat_schedule = {
    # Finds due reminders and digests, writes them to the outbox, sends what is queued.
    "notifications-sweep": {"task": "notifications.tasks.sweep_notifications", "schedule": 300.0},
    # Hands over what a broker outage or a dead worker left behind: mail is at most about a
    # minute late after a worker dies (its lease plus this period).
    "notifications-dispatch": {
        "task": "notifications.tasks.dispatch_notifications",
        "schedule": float(settings.NOTIFICATION_DISPATCH_SECONDS),
    },
    # Deletes sent and skipped outbox rows older than NOTIFICATION_RETENTION_DAYS, at night (UTC).
    "notifications-purge": {"task": "notifications.tasks.purge_outbox", "schedule": crontab(hour=3, minute=30)},
}
