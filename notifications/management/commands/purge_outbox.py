from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.services import outbox_purge


class Command(BaseCommand):
    help = (
        "Delete sent and skipped e-mails older than NOTIFICATION_RETENTION_DAYS from the outbox "
        "(for sites without Celery beat: run it once a day from cron). Failed and queued ones stay."
    )

    def handle(self, *args, **options):
        deleted = outbox_purge()
        self.stdout.write(f"{deleted} sent or skipped notification(s) older than {settings.NOTIFICATION_RETENTION_DAYS} days deleted.")
