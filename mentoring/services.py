"""Writes to the people directory. Every change of state happens in one of these functions."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .locks import exclusive
from .models import HR_GROUP_NAME, Department, Level, PeopleImport, PeopleImportLine, User
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
# Rows a bulk write sends at once: few queries for a large file, statements of a sensible size.
# (SQLite's limit of 999 parameters a statement makes Django send smaller batches there.)
BULK_BATCH = 1000


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
    """Check an uploaded file and keep it, with what the check found, for confirmation. Writes
    nothing to the directory."""
    plan = plan_people_import(content)
    with transaction.atomic():
        record = PeopleImport.objects.create(
            uploaded_by=uploaded_by,
            filename=filename[:255],
            content=content,
            status=PeopleImport.Status.PREVIEWED if plan.is_valid else PeopleImport.Status.REJECTED,
        )
        _people_import_store_check(record, plan)
    return record, plan


def people_import_check(*, people_import: PeopleImport) -> PeopleImport:
    """Check a kept file again against the directory as it is now, and keep what this check
    found instead of the last one's. A file awaiting confirmation that has become invalid is
    rejected. Also fills in the check of an upload kept before checks were stored."""
    with transaction.atomic():
        locked = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
        unchecked = locked.checked_at is None and locked.status == PeopleImport.Status.REJECTED
        if locked.status != PeopleImport.Status.PREVIEWED and not unchecked:
            raise ValidationError(
                _("This import is already %(status)s and cannot be checked again.") % {"status": locked.get_status_display().lower()}
            )
        plan = plan_people_import(locked.content)
        if not plan.is_valid:
            locked.status = PeopleImport.Status.REJECTED
        _people_import_store_check(locked, plan)
    return locked


def _people_import_store_check(record: PeopleImport, plan: ImportPlan) -> None:
    """Keep `plan`'s counts and lines on `record` (locked or new), replacing an earlier check's."""
    Line = PeopleImportLine
    record.lines.all().delete()
    errors = (
        Line(
            people_import_id=record.pk,
            section=Line.Section.ERROR,
            position=position,
            row=error.row,
            column=error.column,
            message=error.message,
        )
        for position, error in enumerate(plan.errors)
    )
    Line.objects.bulk_create(errors, batch_size=BULK_BATCH)
    shown = (change for change in plan.changes if change.action != "unchanged")
    changes = (
        Line(
            people_import_id=record.pk,
            section=Line.Section.CHANGE,
            position=position,
            row=change.row,
            action=change.action,
            email=change.email,
            name=change.name,
            changes=[list(values) for values in change.changes],
        )
        for position, change in enumerate(shown)
    )
    Line.objects.bulk_create(changes, batch_size=BULK_BATCH)
    record.created_count, record.updated_count, record.unchanged_count = plan.created, plan.updated, plan.unchanged
    record.error_count = len(plan.errors)
    record.ignored_columns = plan.ignored_columns
    record.new_departments = plan.new_departments[: PeopleImport.NEW_DEPARTMENTS_KEPT]
    record.new_department_count = len(plan.new_departments)
    record.checked_at = timezone.now()
    record.save(
        update_fields=[
            "status",
            "created_count",
            "updated_count",
            "unchanged_count",
            "error_count",
            "ignored_columns",
            "new_departments",
            "new_department_count",
            "checked_at",
        ]
    )


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
        locked.lines.all().delete()  # the preview is done with; the file and the counts stay
    people_import.refresh_from_db()
    return result


def people_import_discard(*, people_import: PeopleImport) -> None:
    with transaction.atomic():
        updated = PeopleImport.objects.filter(pk=people_import.pk, status=PeopleImport.Status.PREVIEWED).update(
            status=PeopleImport.Status.DISCARDED
        )
        if not updated:
            raise ValidationError(_("Only an import awaiting confirmation can be discarded."))
        PeopleImportLine.objects.filter(people_import=people_import.pk).delete()


def people_import_apply(*, content: str) -> ImportResult:
    """Import a people file all-or-nothing; raises PeopleImportRejected when any row is bad.

    Imports are applied one after the other (the `exclusive` lock), and the file is checked
    under that lock against the directory as it is then.

    Queries grow with the file only by its batches: departments, new people, their managers
    and changed people are written with bulk operations of BULK_BATCH rows.
    """
    with transaction.atomic():
        # One import at a time, each planned against the directory the previous one left: two
        # files that are fine alone could otherwise make a manager cycle together, or both
        # create the same department.
        exclusive(PEOPLE_IMPORT_LOCK)
        plan = plan_people_import(content)
        if not plan.is_valid:
            raise PeopleImportRejected(plan)

        Department.objects.bulk_create([Department(name=name) for name in plan.new_departments], batch_size=BULK_BATCH)
        departments = {name.lower(): pk for name, pk in Department.objects.values_list("name", "pk")}

        def department_of(person: PersonRow) -> int | None:
            return departments[person.department.lower()] if person.department else None

        rows = {person.email: person for person in plan.rows}
        ids = {email: entry.pk for email, entry in plan.directory.items()}
        creates = [rows[change.email] for change in plan.changes if change.action == "create"]
        updates = [rows[change.email] for change in plan.changes if change.action == "update"]

        unusable = make_password(None)
        new_people = [
            User(
                email=person.email,
                password=unusable,
                first_name=person.first_name,
                last_name=person.last_name,
                title=person.title,
                department_id=department_of(person),
                level=person.level or Level.MID,
                # A manager already in the directory is linked at once; one new in this file
                # once everyone exists (below).
                manager_id=ids.get(person.manager_email),
                timezone=person.timezone or "UTC",
                language=person.language or "en",
            )
            for person in creates
        ]
        User.objects.bulk_create(new_people, batch_size=BULK_BATCH)
        ids.update(_new_ids(new_people))

        # Managers new in this file, once everyone has a key.
        _update_people(
            ["manager"],
            [
                (ids[person.email], ids[person.manager_email])
                for user, person in zip(new_people, creates, strict=True)
                if person.manager_email and user.manager_id is None
            ],
        )
        changed = []
        for person in updates:
            entry = plan.directory[person.email]
            changed.append(
                (
                    entry.pk,
                    person.first_name,
                    person.last_name,
                    person.title,
                    department_of(person),
                    person.level if person.level is not None else entry.level,  # a planned row always has one
                    ids[person.manager_email] if person.manager_email else None,
                    person.timezone if person.timezone is not None else entry.timezone,
                    person.language if person.language is not None else entry.language,
                )
            )
        _update_people(["first_name", "last_name", "title", "department", "level", "manager", "timezone", "language"], changed)
        return ImportResult(created=plan.created, updated=plan.updated, unchanged=plan.unchanged)


def _update_people(fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Set `fields` of many people: `rows` are (pk, value of each field), BULK_BATCH rows a query.

    Django's bulk_update builds a CASE expression per field and row: for 10,000 people that was
    ~25 s of Python for 3 s of SQL. Here one UPDATE joins the people to their new values, each
    column cast to its field's type (a column of only NULLs would otherwise arrive as text):
    on PostgreSQL a column of values is one array parameter (`unnest`), as Django's bulk_create
    does, since a statement of thousands of placeholders is slow to send; elsewhere a VALUES
    list (SQLite ≥ 3.33 updates FROM).
    """
    if not rows:
        return
    meta = User._meta
    quote = connection.ops.quote_name
    targets: list[models.Field[Any, Any]] = []
    for field in [meta.pk, *(meta.get_field(name) for name in fields)]:
        assert isinstance(field, models.Field)
        targets.append(field)
    columns = [quote(field.column) for field in targets]
    types = [field.db_type(connection) for field in targets]
    table, key = quote(meta.db_table), columns[0]
    assignments = ", ".join(f"{columns[index]} = CAST(v.column{index + 1} AS {types[index]})" for index in range(1, len(targets)))
    postgresql = connection.vendor == "postgresql"
    per_query = BULK_BATCH if postgresql else min(BULK_BATCH, connection.ops.bulk_batch_size(["pk", *fields], rows))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_query):
            batch = rows[start : start + per_query]
            if postgresql:
                names = ", ".join(f"column{index}" for index in range(1, len(types) + 1))
                arrays = ", ".join(f"CAST(%s AS {kind}[])" for kind in types)
                source, params = f"unnest({arrays}) AS v({names})", [list(values) for values in zip(*batch, strict=True)]
            else:
                row = "(" + ", ".join(["%s"] * len(types)) + ")"
                source, params = f"(VALUES {', '.join([row] * len(batch))}) AS v", [value for values in batch for value in values]
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {source} WHERE {table}.{key} = v.column1", params)


def _new_ids(people: list[User]) -> dict[str, int]:
    """E-mail → primary key of people just bulk-created. PostgreSQL and SQLite ≥ 3.35 hand the
    keys back from the insert; other databases are asked, a batch at a time."""
    if all(user.pk is not None for user in people):
        return {user.email: user.pk for user in people}
    ids: dict[str, int] = {}
    emails = [user.email for user in people]
    for start in range(0, len(emails), BULK_BATCH):
        ids.update(User.objects.filter(email__in=emails[start : start + BULK_BATCH]).values_list("email", "pk"))
    return ids


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


def language_set(*, user: User, language: str) -> User:
    """The language a person reads pages and e-mails in (the switch on every page)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    user.language = language
    user.save(update_fields=["language"])
    return user
