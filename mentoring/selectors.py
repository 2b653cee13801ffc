"""Reads shared by views, commands and other apps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import HR_GROUP_NAME, PeopleImport, PeopleImportLine, User
from .reporting import ReportingTree


def hr_coordinators() -> QuerySet[User]:
    """People who may act as HR outside a web request (HR mails): active, holding the role,
    and with an authenticator when HR_REQUIRE_MFA asks for one — `User.is_hr_coordinator`
    in one query."""
    from allauth.mfa.models import Authenticator

    people = User.objects.filter(Q(is_superuser=True) | Q(groups__name=HR_GROUP_NAME), is_active=True)
    if settings.HR_REQUIRE_MFA:
        people = people.filter(Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)))
    return people.distinct()


def reporting_tree() -> ReportingTree:
    """The whole organisation's reporting lines, from one query."""
    return ReportingTree(dict(User.objects.values_list("pk", "manager_id")))


def in_reporting_chain(*, a: User | int, b: User | int) -> bool:
    """Is either person the other's manager, directly or at any depth? One query.

    For many pairs, build `reporting_tree()` once and call `in_same_chain`.
    """
    a_id = a if isinstance(a, int) else a.pk
    b_id = b if isinstance(b, int) else b.pk
    return reporting_tree().in_same_chain(a_id, b_id)


def directory_people(*, search: str = "", department_id: int | None = None, level: int | None = None) -> QuerySet[User]:
    """People for the HR directory list, with what each row shows already joined."""
    people = User.objects.select_related("department", "manager").prefetch_related("groups")
    if search:
        for word in search.split():
            people = people.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word) | Q(title__icontains=word)
            )
    if department_id:
        people = people.filter(department_id=department_id)
    if level:
        people = people.filter(level=level)
    return people.order_by("last_name", "first_name", "pk")


def people_for_export() -> QuerySet[User]:
    return User.objects.select_related("department", "manager").order_by("email")


# What a page about an import never shows: the file itself (up to PEOPLE_IMPORT_MAX_BYTES).
PEOPLE_IMPORT_BULK = ("content",)
PEOPLE_IMPORT_PAGE_SIZE = 50


def recent_people_imports(*, limit: int = 10) -> QuerySet[PeopleImport]:
    return PeopleImport.objects.select_related("uploaded_by").defer(*PEOPLE_IMPORT_BULK)[:limit]


def people_import_for_page(*, pk: int) -> PeopleImport:
    """An import for its preview page, without its file. Raises PeopleImport.DoesNotExist."""
    return PeopleImport.objects.select_related("uploaded_by", "applied_by").defer(*PEOPLE_IMPORT_BULK).get(pk=pk)


class _StoredLines(Sequence[PeopleImportLine]):
    """One section of an import's stored check, as a Paginator's list: its length is stored on
    the import and a page is a range of positions (an index range scan), so the last page of a
    100,000-row file costs what the first page of a 10-row file costs."""

    def __init__(self, people_import: PeopleImport, section: str, total: int) -> None:
        self.people_import, self.section, self.total = people_import, section, total

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> PeopleImportLine: ...

    @overload
    def __getitem__(self, index: slice) -> list[PeopleImportLine]: ...

    def __getitem__(self, index: int | slice) -> PeopleImportLine | list[PeopleImportLine]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.total
        return list(
            PeopleImportLine.objects.filter(
                people_import=self.people_import, section=self.section, position__gte=start, position__lt=stop
            ).order_by("position")
        )


def people_import_lines(*, people_import: PeopleImport, page_number: str | int | None) -> Page:
    """The page of the import's check to show: its errors when it has any, else its changes."""
    Section = PeopleImportLine.Section
    if people_import.error_count:
        lines = _StoredLines(people_import, Section.ERROR, people_import.error_count)
    else:
        lines = _StoredLines(people_import, Section.CHANGE, people_import.created_count + people_import.updated_count)
    return Paginator(lines, PEOPLE_IMPORT_PAGE_SIZE).get_page(page_number)


def profile_for(*, user: User) -> User:
    """The signed-in person with what the home page shows about them."""
    return User.objects.select_related("department", "manager", "manager__department").prefetch_related("direct_reports").get(pk=user.pk)
