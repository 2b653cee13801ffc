from django.core.management.base import BaseCommand

from notifications.sweep import notifications_sweep


class Command(BaseCommand):
    help = "Run the notification sweep once (for sites without Celery beat, e.g. from cron every 5 minutes)."

    def handle(self, *args, **options):
        result = notifications_sweep()
        self.stdout.write(f"{result.written} new notification(s) written, {result.enqueued} queued notification(s) handed to the sender.")
