from __future__ import annotations

import functools
import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HR_GROUP_NAME = "HR coordinators"


class Level(models.IntegerChoices):
    """Career level on an ordered scale; matching compares the numbers."""

    APPRENTICE = 10, _("Apprentice")
    JUNIOR = 20, _("Junior")
    MID = 30, _("Mid-level")
    SENIOR = 40, _("Senior")
    LEAD = 50, _("Lead")
    DIRECTOR = 60, _("Director")
    EXECUTIVE = 70, _("Executive")

    @property
    def slug(self) -> str:
        return self.name.lower()

    @classmethod
    def from_text(cls, text: str) -> Level | None:
        """Accept the CSV spelling ("mid"), the label ("Mid-level") or the number ("30")."""
        value = text.strip().lower()
        if not value:
            return None
        for level in cls:
            if value in {level.name.lower(), str(level.label).lower(), str(level.value)}:
                return level
        return None


@functools.cache
def known_timezones() -> frozenset[str]:
    """The IANA time zone names. Read once per process: `available_timezones()` walks the
    tz database on every call (~14 ms), which a 10,000-row people import paid per row."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(_("%(value)s is not a known time zone (use a name like Europe/Berlin)."), params={"value": value})


def language_choices() -> list[tuple[str, StrOrPromise]]:
    return list(settings.LANGUAGES)


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(Lower("name"), name="department_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person in the company directory. The e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.MID)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
        help_text=_("The person this person reports to."),
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_timezone])
    language = models.CharField(_("language"), max_length=10, default="en", choices=language_choices)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False, help_text=_("May sign in to Django admin."))
    date_joined = models.DateTimeField(_("added"), default=dj_timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(condition=~models.Q(manager=models.F("pk")), name="user_not_own_manager"),
        ]

    def __str__(self) -> str:
        return f"{self.get_full_name()} <{self.email}>"

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_absolute_url(self) -> str:
        return reverse("mentoring:profile")

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def initials(self) -> str:
        return ((self.first_name[:1] + self.last_name[:1]) or self.email[:1]).upper()

    @property
    def in_hr_group(self) -> bool:
        """Holds the HR role (group or superuser), whether or not it is usable right now.
        For directory badges and for telling "set up your second factor" from "not for you"."""
        # Filled by `prefetch_related("groups")` on lists; one query otherwise.
        return self.is_active and (self.is_superuser or any(g.name == HR_GROUP_NAME for g in self.groups.all()))

    @property
    def is_hr_coordinator(self) -> bool:
        """May act as HR now: the role, plus the second factor when HR_REQUIRE_MFA asks for it.

        Every HR capability (views, services, selectors) asks this one question, so an HR
        coordinator without an authenticator has no more power than any other employee.
        """
        if not self.in_hr_group:
            return False
        if not settings.HR_REQUIRE_MFA:
            return True
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import is_mfa_enabled

        # In a web request the session must have used it too (set by SecondFactorMiddleware):
        # a password-only sign-in stays an employee's, even after an authenticator is added.
        return getattr(self, "session_used_second_factor", None) is not False and is_mfa_enabled(self, [Authenticator.Type.TOTP])


class PeopleImport(models.Model):
    """One uploaded directory file: kept so HR can preview before applying and audit after."""

    NEW_DEPARTMENTS_KEPT = 50  # names listed on the preview; the count says how many there are

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Awaiting confirmation")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")
        DISCARDED = "discarded", _("Discarded")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.TextField(_("content"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # What the last check found, beyond the counts; its rows are the import's `lines`. None:
    # an upload kept before checks were stored, checked when its page is first opened.
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    new_departments = models.JSONField(_("new departments"), default=list, blank=True)  # the first NEW_DEPARTMENTS_KEPT
    new_department_count = models.PositiveIntegerField(_("number of new departments"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), default=dj_timezone.now)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("people import")
        verbose_name_plural = _("people imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:people_import_preview", args=[self.pk])


class PeopleImportLine(models.Model):
    """One line of an import's check as its preview lists it: a person to add or update, or a
    problem. Stored by the check so that each preview page reads one page of lines, whatever
    the size of the file; deleted once the import is applied or discarded."""

    class Section(models.TextChoices):
        ERROR = "error", _("Error")
        CHANGE = "change", _("Change")

    class Action(models.TextChoices):
        CREATE = "create", _("Add")
        UPDATE = "update", _("Update")

    people_import = models.ForeignKey(PeopleImport, verbose_name=_("people import"), on_delete=models.CASCADE, related_name="lines")
    section = models.CharField(_("section"), max_length=8, choices=Section.choices)
    position = models.PositiveIntegerField(_("position"), help_text=_("Order within its section, from 0."))
    row = models.PositiveIntegerField(_("row"), null=True, blank=True, help_text=_("Empty: a problem with the whole file."))
    column = models.CharField(_("column"), max_length=32, blank=True)
    message = models.TextField(_("problem"), blank=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices, blank=True)
    email = models.CharField(_("e-mail address"), max_length=254, blank=True)
    name = models.TextField(_("name"), blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)  # [[column, old, new], …]

    class Meta:
        ordering = ["people_import", "section", "position"]
        verbose_name = _("people import line")
        verbose_name_plural = _("people import lines")
        constraints = [models.UniqueConstraint(fields=["people_import", "section", "position"], name="people_import_line_position")]

    def __str__(self) -> str:
        return f"{self.people_import_id} {self.section} {self.position}"
