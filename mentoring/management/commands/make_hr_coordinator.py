"""The front door of a new installation: `make_hr_coordinator` creates the first HR coordinator."""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from mentoring.models import HR_GROUP_NAME, User
from mentoring.services import hr_coordinator_grant
from mentoring.signup import mailbox_proven, password_choice_url
from mentoring.site import current_site_url


class Command(BaseCommand):
    help = (
        "Make someone an HR coordinator; the first one of a new installation is made this way. "
        "Adds them to the directory when missing (give --first-name and --last-name), then sets "
        "their password (--password asks for it, --password-stdin reads it) or prints a one-time "
        "link to choose it (--mail-link also mails it). Safe to run again. HR coordinators still "
        "set up an authenticator app at their first sign-in (HR_REQUIRE_MFA)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--first-name", default="", help="for a person not yet in the directory")
        parser.add_argument("--last-name", default="", help="for a person not yet in the directory")
        password = parser.add_mutually_exclusive_group()
        password.add_argument("--password", action="store_true", help="ask for the password (typed twice)")
        password.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")
        password.add_argument("--mail-link", action="store_true", help="also mail the set-password link to the person")

    def handle(self, *args, email: str, first_name: str, last_name: str, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an e-mail address.") from exc
        password = self.read_password(options)
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and not user.is_active:
            raise CommandError(f"{email} is in the directory but deactivated; reactivate them in Django admin first.")
        if user is None and not (first_name.strip() and last_name.strip()):
            raise CommandError(f"{email} is not in the directory yet: add --first-name and --last-name to create the entry.")
        if password is not None:
            try:
                validate_password(password, user=user or User(email=email, first_name=first_name, last_name=last_name))
            except ValidationError as exc:
                raise CommandError("The password was refused: " + " ".join(exc.messages)) from exc

        with transaction.atomic():
            created = user is None
            if user is None:
                user = User.objects.create_user(email=email, first_name=first_name.strip(), last_name=last_name.strip())
            was_coordinator = user.groups.filter(name=HR_GROUP_NAME).exists() and user.is_staff
            hr_coordinator_grant(user=user)
            if password is not None:
                user.set_password(password)
                user.save(update_fields=["password"])
                mailbox_proven(user=user)  # the operator vouches for the address they typed

        name = user.get_full_name() or user.email
        if created:
            self.stdout.write(f"Added {name} <{user.email}> to the directory.")
        if was_coordinator:
            self.stdout.write(f"{name} was already an HR coordinator.")
        else:
            self.stdout.write(self.style.SUCCESS(f"{name} is now an HR coordinator."))
        if password is not None:
            self.stdout.write("Their password is set: they sign in at " + current_site_url() + "/accounts/login/")
        elif options["mail_link"] or not user.has_usable_password():
            link = current_site_url() + password_choice_url(user=user)
            self.stdout.write(f"One-time link for {user.email} to choose a password (works once, expires like a password-reset link):")
            self.stdout.write(link)
            if options["mail_link"]:
                self.mail_link(user, link)
                self.stdout.write(f"The link was mailed to {user.email}.")
        self.stdout.write(
            "At their first sign-in they set up an authenticator app before any HR page opens (HR_REQUIRE_MFA)."
            " Links use the last site seen, or SITE_URL."
        )

    def read_password(self, options) -> str | None:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("--password-stdin: standard input held no password.")
            return password
        if options["password"]:
            if not sys.stdin.isatty():
                raise CommandError("--password asks on a terminal; use --password-stdin to pipe the password in.")
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was changed.")
            if not first:
                raise CommandError("The password is empty; nothing was changed.")
            return first
        return None

    def mail_link(self, user: User, link: str) -> None:
        with translation.override(user.language or None):
            subject = _("[Reverse Mentoring] Choose your password")
            body = _(
                "Hello %(name)s,\n\nYou are now an HR coordinator on Reverse Mentoring. Choose your password here "
                "(the link works once):\n\n%(link)s\n\nAt your first sign-in you will set up an authenticator app, "
                "which HR coordinators need before any HR page opens.\n"
            ) % {"name": user.first_name or user.email, "link": link}
        send_mail(subject, body, None, [user.email])
