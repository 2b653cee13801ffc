from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mentoring.models import User
from mentoring.services import hr_coordinator_grant


class Command(BaseCommand):
    help = "Make a person in the directory an HR coordinator (the first one is made this way)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"{email} is not in the directory; import it first.")
        try:
            hr_coordinator_grant(user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{user.get_full_name()} is now an HR coordinator."))
