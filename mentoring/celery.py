"""The Celery application.

Without REDIS_URL the settings make every task run eagerly in-process, so the embedded
default needs no broker. With it, `make worker` and `make beat` run against Redis.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The periodic schedule lives here and only here.
app.conf.beat_schedule = {
    # Finds due reminders and digests, writes them to the outbox, sends what is queued.
    "notifications-sweep": {"task": "notifications.tasks.sweep_notifications", "schedule": 300.0},
    # Deletes sent and skipped outbox rows older than NOTIFICATION_RETENTION_DAYS, at night (UTC).
    "notifications-purge": {"task": "notifications.tasks.purge_outbox", "schedule": crontab(hour=3, minute=30)},
}
