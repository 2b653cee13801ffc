"""Reads shared by views, commands and other apps."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import HR_GROUP_NAME, PeopleImport, User
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


def recent_people_imports(*, limit: int = 10) -> QuerySet[PeopleImport]:
    return PeopleImport.objects.select_related("uploaded_by")[:limit]


def profile_for(*, user: User) -> User:
    """The signed-in person with what the home page shows about them."""
    return User.objects.select_related("department", "manager", "manager__department").prefetch_related("direct_reports").get(pk=user.pk)
