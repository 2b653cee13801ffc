from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mentoring.people_import import decode_upload, plan_people_import
from mentoring.services import PeopleImportRejected, people_import_apply


class Command(BaseCommand):
    help = "Import the people directory from a CSV file (all-or-nothing). See README for the columns."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report what would change.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            content = decode_upload(file.read_bytes())
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

        if dry_run:
            plan = plan_people_import(content)
            if not plan.is_valid:
                self._fail([str(error) for error in plan.errors] or ["The file contains no people."])
            self.stdout.write(
                f"Dry run: {plan.created} would be added, {plan.updated} updated, {plan.unchanged} unchanged. Nothing was written."
            )
            return
        try:
            result = people_import_apply(content=content)
        except PeopleImportRejected as exc:
            self._fail([str(error) for error in exc.plan.errors] or exc.messages)
        self.stdout.write(
            self.style.SUCCESS(f"Imported {file.name}: {result.created} added, {result.updated} updated, {result.unchanged} unchanged.")
        )

    def _fail(self, errors: list[str]):
        for error in errors:
            self.stderr.write(error)
        raise CommandError(f"{len(errors)} error(s); the file was rejected and nothing changed.")
