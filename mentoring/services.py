"""Writes to the people directory. Every change of state happens in one of these functions."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .locks import exclusive
from .models import HR_GROUP_NAME, Department, Level, PeopleImport, User
from .people_import import COLUMNS, ImportPlan, PersonRow, plan_people_import
from .spreadsheet import write_csv


def hr_admin_permissions() -> Q:
    """Exactly what HR coordinators may do in Django admin: each app lists its own in its
    AppConfig's `hr_admin_permissions`. Nothing else — no passwords, privileges, groups,
    accounts, authenticators — and people leave by being deactivated, never deleted."""
    wanted = Q(pk__in=[])
    for config in apps.get_app_configs():
        codenames = getattr(config, "hr_admin_permissions", ())
        if codenames:
            wanted |= Q(content_type__app_label=config.label, codename__in=codenames)
    return wanted


def hr_group_ensure() -> Group:
    """Create or refresh the "HR coordinators" group and its permissions (idempotent)."""
    group, _created = Group.objects.get_or_create(name=HR_GROUP_NAME)
    group.permissions.set(Permission.objects.filter(hr_admin_permissions()))
    return group


def hr_coordinator_grant(*, user: User) -> None:
    """Make `user` an HR coordinator: group membership plus access to Django admin."""
    if not user.is_active:
        raise ValidationError(_("An inactive person cannot become an HR coordinator."))
    with transaction.atomic():
        user.groups.add(hr_group_ensure())
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


PEOPLE_IMPORT_LOCK = "mentoring.people_import"


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


class PeopleImportRejected(ValidationError):
    """The file has errors; nothing was written."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        super().__init__([str(error) for error in plan.errors] or [_("The file contains no people.")])


def people_import_preview(*, content: str, filename: str, uploaded_by: User | None) -> tuple[PeopleImport, ImportPlan]:
    """Check an uploaded file and keep it for confirmation. Writes nothing to the directory."""
    plan = plan_people_import(content)
    record = PeopleImport.objects.create(
        uploaded_by=uploaded_by,
        filename=filename[:255],
        content=content,
        status=PeopleImport.Status.PREVIEWED if plan.is_valid else PeopleImport.Status.REJECTED,
        created_count=plan.created,
        updated_count=plan.updated,
        unchanged_count=plan.unchanged,
        error_count=len(plan.errors),
    )
    return record, plan


def people_import_confirm(*, people_import: PeopleImport, confirmed_by: User) -> ImportResult:
    """Apply a previewed file. The file is checked again against the directory as it is now."""
    with transaction.atomic():
        locked = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
        if locked.status != PeopleImport.Status.PREVIEWED:
            raise ValidationError(
                _("This import is already %(status)s and cannot be applied again.") % {"status": locked.get_status_display().lower()}
            )
        result = people_import_apply(content=locked.content)
        locked.status = PeopleImport.Status.APPLIED
        locked.applied_at = timezone.now()
        locked.applied_by = confirmed_by
        locked.created_count, locked.updated_count, locked.unchanged_count = result.created, result.updated, result.unchanged
        locked.save(update_fields=["status", "applied_at", "applied_by", "created_count", "updated_count", "unchanged_count"])
    people_import.refresh_from_db()
    return result


def people_import_discard(*, people_import: PeopleImport) -> None:
    updated = PeopleImport.objects.filter(pk=people_import.pk, status=PeopleImport.Status.PREVIEWED).update(
        status=PeopleImport.Status.DISCARDED
    )
    if not updated:
        raise ValidationError(_("Only an import awaiting confirmation can be discarded."))


def people_import_apply(*, content: str) -> ImportResult:
    """Import a people file all-or-nothing; raises PeopleImportRejected when any row is bad.

    Imports are applied one after the other (the `exclusive` lock), and the file is checked
    under that lock against the directory as it is then.

    Queries do not grow per row: departments, new people and changed people are written
    with bulk operations.
    """
    with transaction.atomic():
        # One import at a time, each planned against the directory the previous one left: two
        # files that are fine alone could otherwise make a manager cycle together, or both
        # create the same department.
        exclusive(PEOPLE_IMPORT_LOCK)
        plan = plan_people_import(content)
        if not plan.is_valid:
            raise PeopleImportRejected(plan)

        for name in plan.new_departments:
            Department.objects.create(name=name)
        departments = {department.name.lower(): department for department in Department.objects.all()}

        rows = {person.email: person for person in plan.rows}
        creates = [rows[change.email] for change in plan.changes if change.action == "create"]
        updates = [change for change in plan.changes if change.action == "update"]

        unusable = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=person.email,
                    password=unusable,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    title=person.title,
                    department=departments.get(person.department.lower()) if person.department else None,
                    level=person.level or Level.MID,
                    timezone=person.timezone or "UTC",
                    language=person.language or "en",
                )
                for person in creates
            ]
        )

        touched = {person.email for person in creates} | {change.email for change in updates}
        needed = touched | {rows[email].manager_email for email in touched if rows[email].manager_email}
        people = {user.email.lower(): user for user in User.objects.filter(email__in=needed)}

        changed: list[User] = []
        for email in touched:
            person: PersonRow = rows[email]
            user = people[email]
            user.first_name = person.first_name
            user.last_name = person.last_name
            user.title = person.title
            user.department = departments.get(person.department.lower()) if person.department else None
            if person.level is not None:  # a planned row always has one
                user.level = person.level
            user.manager = people[person.manager_email] if person.manager_email else None
            if person.timezone is not None:
                user.timezone = person.timezone
            if person.language is not None:
                user.language = person.language
            changed.append(user)
        if changed:
            User.objects.bulk_update(
                changed,
                ["first_name", "last_name", "title", "department", "level", "manager", "timezone", "language"],
                batch_size=500,
            )
        return ImportResult(created=plan.created, updated=plan.updated, unchanged=plan.unchanged)


def people_export_rows(*, people: Iterable[User]) -> list[list[str]]:
    """The directory in the import format (header first), so an export can be edited and imported back."""
    rows = [
        [
            user.email,
            user.first_name,
            user.last_name,
            user.title,
            user.department.name if user.department else "",
            Level(user.level).slug,
            user.manager.email if user.manager else "",
            user.timezone,
            user.language,
        ]
        for user in people
    ]
    return [[*COLUMNS, "timezone", "language"], *rows]


def people_export_csv(*, people: Iterable[User]) -> str:
    """`people_export_rows` as CSV text. Cells are spreadsheet-safe (`mentoring.spreadsheet`); the
    import reads them back exactly."""
    buffer = io.StringIO()
    write_csv(buffer, people_export_rows(people=people))
    return buffer.getvalue()


def profile_update(*, user: User, timezone_name: str, language: str) -> User:
    """A person's own preferences; directory facts (name, level, manager) belong to HR."""
    user.timezone = timezone_name
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["timezone", "language"])
    return user
