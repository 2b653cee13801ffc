"""Reading a people file and working out what importing it would change.

`plan_people_import(text)` never writes: it parses the CSV, checks every row against the
file and the current directory, and returns an `ImportPlan` listing creates, updates,
unchanged rows and row-numbered errors. `mentoring.services.people_import_apply` writes a
plan only when it has no errors, so a file is imported whole or not at all.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first person row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _

from .models import Department, Level, User, validate_timezone
from .spreadsheet import spreadsheet_value

COLUMNS = ("email", "first_name", "last_name", "title", "department", "level", "manager_email")
OPTIONAL_COLUMNS = ("timezone", "language")
REQUIRED_COLUMNS = ("email", "first_name", "last_name", "level")
# Where each column is stored: its length is checked against that field's max_length, as
# SQLite would store any length and PostgreSQL would fail the whole import with a 500.
STORED_IN = {
    "email": (User, "email"),
    "first_name": (User, "first_name"),
    "last_name": (User, "last_name"),
    "title": (User, "title"),
    "department": (Department, "name"),
    "manager_email": (User, "email"),
    "timezone": (User, "timezone"),
    "language": (User, "language"),
}


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length
    return field.max_length


MAX_LENGTHS = {column: _max_length(model, name) for column, (model, name) in STORED_IN.items()}


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: a problem with the whole file
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)s, %(column)s: %(message)s") % {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class PersonRow:
    row: int
    email: str
    first_name: str
    last_name: str
    title: str
    department: str
    level: int | None
    manager_email: str
    timezone: str | None = None  # None: column absent, keep what the directory has
    language: str | None = None


@dataclass
class RowChange:
    row: int
    email: str
    name: str
    action: str  # "create" | "update" | "unchanged"
    changes: list[tuple[str, str, str]] = field(default_factory=list)


class DirectoryEntry(NamedTuple):
    """A person in the directory as the import compares and writes them: read as plain values,
    one query for the whole directory, instead of one model instance per row of the file."""

    pk: int
    email: str
    first_name: str
    last_name: str
    title: str
    department: str  # "" for none
    level: int
    manager_email: str  # "" for none
    timezone: str
    language: str
    is_superuser: bool


def directory_entries() -> dict[str, DirectoryEntry]:
    """Everyone in the directory by lower-cased e-mail address."""
    people = User.objects.order_by().values_list(
        "pk",
        "email",
        "first_name",
        "last_name",
        "title",
        "department__name",
        "level",
        "manager__email",
        "timezone",
        "language",
        "is_superuser",
    )
    return {
        email.lower(): DirectoryEntry(
            pk, email, first, last, title, department or "", level, (manager or "").lower(), zone, language, superuser
        )
        for pk, email, first, last, title, department, level, manager, zone, language, superuser in people.iterator(chunk_size=5000)
    }


@dataclass
class ImportPlan:
    rows: list[PersonRow] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    directory: dict[str, DirectoryEntry] = field(default_factory=dict)  # what the plan was checked against

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    def _count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")


def decode_upload(raw: bytes) -> str:
    """Decode an uploaded file; raises ValueError with a message HR can act on."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("The file is not UTF-8 text. In your spreadsheet choose “CSV UTF-8” when saving and upload it again.")) from exc


class _PeopleDialect(csv.excel):
    """RFC 4180 quoting (double quotes, as every spreadsheet writes them); only the
    delimiter varies with the spreadsheet's locale."""


def _sniff_dialect(text: str) -> type[csv.Dialect]:
    # Only the delimiter is sniffed: the sniffer would take the apostrophes that mark
    # formula-like cells (see mentoring.spreadsheet) for quote characters.
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return type("SniffedDialect", (_PeopleDialect,), {"delimiter": delimiter})


def _clean_header(name: str | None) -> str:
    return (name or "").strip().lower().replace(" ", "_").replace("-", "_")


def parse_people_csv(text: str) -> tuple[list[PersonRow], list[RowError], list[str]]:
    """Parse and check each row on its own. Returns rows, errors and ignored column names."""
    errors: list[RowError] = []
    if not text.strip():
        return [], [RowError(None, "", _("The file is empty."))], []

    reader = csv.reader(io.StringIO(text), _sniff_dialect(text))
    try:
        header = [_clean_header(name) for name in next(reader)]
    except (StopIteration, csv.Error):
        return [], [RowError(None, "", _("The file has no header row."))], []

    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        message = _("The header row lacks the column(s) %(missing)s. Expected columns: %(expected)s.") % {
            "missing": ", ".join(missing),
            "expected": ", ".join(COLUMNS),
        }
        return [], [RowError(None, "", message)], []
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        message = _("The header row names these columns twice: %(columns)s.") % {"columns": ", ".join(duplicated)}
        return [], [RowError(None, "", message)], []
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    ignored = [name for name in header if name and name not in known]
    language_codes = {code for code, _label in _languages()}
    # A file spells its levels a handful of ways; reading one (labels are translated) costs more
    # than the rest of its row, so each spelling is read once per file.
    levels: dict[str, Level | None] = {}

    rows: list[PersonRow] = []
    first_row_of_email: dict[str, int] = {}
    valid_addresses: set[str] = set()
    try:
        for row_number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue  # blank lines are common at the end of exported files
            if len(values) > len(header):
                errors.append(RowError(row_number, "", _("has more values than the header has columns.")))
                continue
            # Exports mark cells that a spreadsheet would run as formulas: read them back as written.
            record = {name: spreadsheet_value(value.strip()) for name, value in zip(header, values, strict=False)}
            row_errors: list[RowError] = []
            too_long = {column for column, limit in MAX_LENGTHS.items() if len(record.get(column, "")) > limit}
            for column in sorted(too_long, key=(COLUMNS + OPTIONAL_COLUMNS).index):
                row_errors.append(RowError(row_number, column, _("is longer than %(limit)s characters.") % {"limit": MAX_LENGTHS[column]}))

            email = record.get("email", "").lower()
            if not email:
                row_errors.append(RowError(row_number, "email", _("is missing.")))
            elif "email" not in too_long:
                try:
                    validate_email(email)
                except ValidationError:
                    row_errors.append(RowError(row_number, "email", _("“%(value)s” is not a valid e-mail address.") % {"value": email}))
                else:
                    if email in first_row_of_email:
                        row_errors.append(
                            RowError(
                                row_number,
                                "email",
                                _("%(email)s appears twice in the file (first in row %(first)s).")
                                % {"email": email, "first": first_row_of_email[email]},
                            )
                        )
                    else:
                        first_row_of_email[email] = row_number
                    valid_addresses.add(email)

            for column in ("first_name", "last_name"):
                if not record.get(column):
                    row_errors.append(RowError(row_number, column, _("is missing.")))

            level_text = record.get("level", "")
            if level_text not in levels:
                levels[level_text] = Level.from_text(level_text)
            level = levels[level_text]
            if level is None:
                allowed = ", ".join(level.slug for level in Level)
                if level_text:
                    message = _("“%(value)s” is not a known level (use one of: %(allowed)s).") % {"value": level_text, "allowed": allowed}
                else:
                    message = _("is missing (use one of: %(allowed)s).") % {"allowed": allowed}
                row_errors.append(RowError(row_number, "level", message))

            manager_email = record.get("manager_email", "").lower()
            if manager_email and "manager_email" not in too_long:
                # Managers have many reports: an address already found valid is not checked again.
                if manager_email not in valid_addresses:
                    try:
                        validate_email(manager_email)
                    except ValidationError:
                        row_errors.append(
                            RowError(
                                row_number, "manager_email", _("“%(value)s” is not a valid e-mail address.") % {"value": manager_email}
                            )
                        )
                    else:
                        valid_addresses.add(manager_email)
                if manager_email == email:
                    row_errors.append(RowError(row_number, "manager_email", _("a person cannot be their own manager.")))

            timezone_name = record.get("timezone") if "timezone" in header else None
            if timezone_name and "timezone" not in too_long:
                try:
                    validate_timezone(timezone_name)  # the names are read once per process
                except ValidationError as exc:
                    row_errors.append(RowError(row_number, "timezone", " ".join(exc.messages)))
            language = (record.get("language") or "").lower() if "language" in header else None
            if language and "language" not in too_long and language not in language_codes:
                row_errors.append(
                    RowError(
                        row_number,
                        "language",
                        _("“%(value)s” is not a supported language (use one of: %(allowed)s).")
                        % {"value": language, "allowed": ", ".join(sorted(language_codes))},
                    )
                )

            if row_errors:
                errors.extend(row_errors)
                continue
            rows.append(
                PersonRow(
                    row=row_number,
                    email=email,
                    first_name=record["first_name"],
                    last_name=record["last_name"],
                    title=record.get("title", ""),
                    department=record.get("department", ""),
                    level=int(level) if level is not None else None,
                    manager_email=manager_email,
                    timezone=timezone_name or None,
                    language=language or None,
                )
            )
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", _("cannot be read as CSV (%(error)s).") % {"error": exc}))
    if not rows and not errors:
        errors.append(RowError(None, "", _("The file has a header but no people.")))
    return rows, errors, ignored


def _languages() -> list[tuple[str, Any]]:
    from django.conf import settings

    return list(settings.LANGUAGES)


def manager_cycles(manager_of: Mapping[str, str | None], starts: Iterable[str]) -> list[list[str]]:
    """Every reporting cycle reachable from `starts`, each once, in the order it is reached.

    `manager_of` maps a person to their manager (None or absent: nobody). A walk up the chain
    stops where an earlier walk already went, so each person is looked up once however long
    the chains are: linear in the number of people, and a loop rather than recursion, so a
    100,000-deep chain is as safe as a flat one.
    """
    done: set[str] = set()
    cycles: list[list[str]] = []
    for start in starts:
        if start in done:
            continue
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done and current not in on_path:
            on_path[current] = len(path)
            path.append(current)
            current = manager_of.get(current)
        if current is not None and current in on_path:
            cycles.append(path[on_path[current] :])
        done.update(path)
    return cycles


def _manager_cycles(rows: list[PersonRow], directory_managers: Mapping[str, str | None]) -> list[RowError]:
    """Row errors for every manager cycle the file would create, each reported once."""
    managers = dict(directory_managers)
    for person in rows:
        managers[person.email] = person.manager_email or None
    row_of = {person.email: person.row for person in rows}
    errors = []
    for cycle in manager_cycles(managers, (person.email for person in rows)):
        file_people = [email for email in cycle if email in row_of]
        if not file_people:
            continue  # a cycle already in the directory, which this file does not make
        first = min(file_people, key=row_of.__getitem__)
        start = cycle.index(first)
        ordered = cycle[start:] + cycle[:start] + [first]
        errors.append(
            RowError(
                row_of[first],
                "manager_email",
                _("creates a manager cycle: %(cycle)s.") % {"cycle": " → ".join(ordered)},
            )
        )
    return errors


def _error_order(error: RowError) -> tuple[int, int]:
    return (error.row or 0, COLUMNS.index(error.column) if error.column in COLUMNS else 99)


def plan_people_import(text: str) -> ImportPlan:
    """Work out what importing `text` would do, without writing anything.

    Reads the directory in two queries (people, departments) whatever the size of the file,
    and does work linear in the file and the directory.
    """
    rows, errors, ignored = parse_people_csv(text)
    plan = ImportPlan(rows=rows, errors=errors, ignored_columns=ignored)
    if not rows:
        return plan

    file_emails = {person.email for person in rows}
    directory = plan.directory = directory_entries()
    directory_managers = {email: entry.manager_email or None for email, entry in directory.items()}

    for person in rows:
        if person.manager_email and person.manager_email not in file_emails and person.manager_email not in directory:
            plan.errors.append(
                RowError(
                    person.row,
                    "manager_email",
                    _("%(email)s is neither in this file nor in the directory.") % {"email": person.manager_email},
                )
            )
    plan.errors.extend(_manager_cycles(rows, directory_managers))

    departments = {name.lower() for name in Department.objects.values_list("name", flat=True)}
    seen_new: set[str] = set()
    for person in rows:
        if person.department and person.department.lower() not in departments and person.department.lower() not in seen_new:
            seen_new.add(person.department.lower())
            plan.new_departments.append(person.department)

    for person in rows:
        name = f"{person.first_name} {person.last_name}"
        entry = directory.get(person.email)
        if entry is None:
            details = [
                (column, "", value)
                for column, value in (
                    ("title", person.title),
                    ("department", person.department),
                    ("level", Level(person.level).slug if person.level is not None else ""),
                    ("manager_email", person.manager_email),
                )
                if value
            ]
            plan.changes.append(RowChange(person.row, person.email, name, "create", details))
            continue
        changes = person_changes(entry, person)
        if changes and entry.is_superuser:
            # An administrator's entry is theirs to keep: HR's admin refuses it too.
            plan.errors.append(
                RowError(
                    person.row, "email", _("belongs to an administrator, whose entry only an administrator changes (in Django admin).")
                )
            )
        plan.changes.append(RowChange(person.row, person.email, name, "update" if changes else "unchanged", changes))
    plan.errors.sort(key=_error_order)
    return plan


def person_changes(entry: DirectoryEntry, person: PersonRow) -> list[tuple[str, str, str]]:
    """(column, old, new) for every value the row would change on the directory's `entry`."""
    changes: list[tuple[str, str, str]] = []

    def compare(column: str, old: str, new: str, *, case_sensitive: bool = True) -> None:
        same = old == new if case_sensitive else old.lower() == new.lower()
        if not same:
            changes.append((column, old, new))

    compare("first_name", entry.first_name, person.first_name)
    compare("last_name", entry.last_name, person.last_name)
    compare("title", entry.title, person.title)
    compare("department", entry.department, person.department, case_sensitive=False)
    compare("level", Level(entry.level).slug, Level(person.level).slug if person.level is not None else "")
    compare("manager_email", entry.manager_email, person.manager_email)
    if person.timezone is not None:
        compare("timezone", entry.timezone, person.timezone)
    if person.language is not None:
        compare("language", entry.language, person.language)
    return changes
