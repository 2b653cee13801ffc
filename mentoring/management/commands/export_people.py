from django.core.management.base import BaseCommand

from mentoring.selectors import people_for_export
from mentoring.services import people_export_csv


class Command(BaseCommand):
    help = "Write the people directory as CSV (the import format) to standard output."

    def handle(self, *args, **options):
        self.stdout.write(people_export_csv(people=people_for_export()), ending="")
