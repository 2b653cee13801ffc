"""Reads for programs, scoped to who is asking, with their joins done up front."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import User

from .models import Application, ApplicationTopic, CurriculumItem, Invitation, Program, ProgramTransition, Role, TopicCategory

OPEN_STATUSES = [Application.Status.SUBMITTED, Application.Status.ACCEPTED, Application.Status.WAITLISTED]

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _count_in_subquery(count: Count) -> Subquery:
    """`count` over one of a program's relations, in a subquery of its own.

    Counting several relations in one query joins them all to the program at once, and the
    joins multiply: a program of 1,000 pairs (2,000 applications × 6,000 invitations × 21,000
    check-ins) made 10¹¹ rows for `distinct` to fold back. Each subquery reads one relation
    of one program, through the relation's program index."""
    return Subquery(Program.objects.filter(pk=OuterRef("pk")).order_by().annotate(n=count).values("n"), output_field=IntegerField())


def programs_for_hr() -> QuerySet[Program]:
    since = timezone.now() - datetime.timedelta(days=31)
    return Program.objects.annotate(
        applicants=_count_in_subquery(Count("applications", filter=Q(applications__status__in=OPEN_STATUSES))),
        accepted_juniors=_count_in_subquery(
            Count("applications", filter=Q(applications__status=Application.Status.ACCEPTED, applications__role=Role.JUNIOR))
        ),
        accepted_seniors=_count_in_subquery(
            Count("applications", filter=Q(applications__status=Application.Status.ACCEPTED, applications__role=Role.SENIOR))
        ),
        awaiting=_count_in_subquery(Count("applications", filter=Q(applications__status=Application.Status.SUBMITTED))),
        invited=_count_in_subquery(Count("invitations")),
        # Warning signs of the last 31 days, for the list's health badge (details on the dashboard):
        # pairs with a worrying check-in, never how many of a pair's members raised it.
        alerts=_count_in_subquery(
            Count(
                "checkins__match",
                filter=Q(checkins__created_at__gte=since)
                & (Q(checkins__pulse__lte=2) | Q(checkins__reach_out=True) | ~Q(checkins__flags=[])),
                distinct=True,
            )
        ),
        missed=_count_in_subquery(Count("meetings", filter=Q(meetings__status="missed", meetings__starts_at__gte=since))),
    ).prefetch_related("coordinators")


def program_for_hr(*, pk: int) -> Program:
    return (
        Program.objects.prefetch_related(
            "coordinators",
            Prefetch("curriculum", queryset=CurriculumItem.objects.select_related("topic")),
            Prefetch("transitions", queryset=ProgramTransition.objects.select_related("by")),
        )
        .select_related("created_by")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class Readiness:
    accepted_juniors: int
    accepted_seniors: int
    submitted_juniors: int
    submitted_seniors: int
    waitlisted: int
    need_juniors: int
    need_seniors: int
    target_juniors: int
    target_seniors: int

    @property
    def ready(self) -> bool:
        return self.accepted_juniors >= self.need_juniors and self.accepted_seniors >= self.need_seniors

    @property
    def balance_note(self) -> str:
        if not self.ready:
            return _("Not enough accepted volunteers on both sides to start matching yet.")
        if self.accepted_juniors < self.accepted_seniors:
            return _("More seniors than juniors: %(n)s senior(s) will have no junior mentor in one-to-one pairs.") % {
                "n": self.accepted_seniors - self.accepted_juniors
            }
        if self.accepted_seniors < self.accepted_juniors:
            return _("More juniors than seniors: %(n)s junior(s) will wait or join a group.") % {
                "n": self.accepted_juniors - self.accepted_seniors
            }
        return _("Balanced: every accepted junior can be paired with a senior.")


def readiness(*, program: Program) -> Readiness:
    counts = program.applications.aggregate(
        accepted_juniors=Count("pk", filter=Q(role=Role.JUNIOR, status=Application.Status.ACCEPTED)),
        accepted_seniors=Count("pk", filter=Q(role=Role.SENIOR, status=Application.Status.ACCEPTED)),
        submitted_juniors=Count("pk", filter=Q(role=Role.JUNIOR, status=Application.Status.SUBMITTED)),
        submitted_seniors=Count("pk", filter=Q(role=Role.SENIOR, status=Application.Status.SUBMITTED)),
        waitlisted=Count("pk", filter=Q(status=Application.Status.WAITLISTED)),
    )
    need_juniors, need_seniors = program.needed_per_side()
    return Readiness(
        **counts,
        need_juniors=need_juniors,
        need_seniors=need_seniors,
        target_juniors=program.target_juniors,
        target_seniors=program.target_seniors,
    )


@dataclass(frozen=True)
class CategoryMix:
    counts: dict[str, int]
    warnings: list[str]

    @property
    def rows(self) -> list[tuple[str, StrOrPromise, int]]:
        return [(value, label, self.counts.get(value, 0)) for value, label in TopicCategory.choices]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def category_mix(*, curriculum: list[CurriculumItem]) -> CategoryMix:
    """The curriculum's topic categories, and the source's "only technology" warnings."""
    counts: dict[str, int] = {}
    for item in curriculum:
        if item.topic is not None:
            counts[item.topic.category] = counts.get(item.topic.category, 0) + 1
    warnings = []
    if counts and set(counts) == {TopicCategory.TECHNOLOGY}:
        warnings.append(
            _(
                "The curriculum is technology only. Reverse mentoring is more than explaining tools: the most valuable insights are often about culture, expectations and the world of work."
            )
        )
    else:
        if counts and not counts.get(TopicCategory.CULTURE):
            warnings.append(_("No culture & diversity topic yet (e.g. inclusive language, generational differences)."))
        if counts and not counts.get(TopicCategory.WORK_WORLD):
            warnings.append(_("No work-world topic yet (e.g. remote work, feedback culture, what young talent looks for)."))
    return CategoryMix(counts=counts, warnings=warnings)


def applications_for_review(
    *, program: Program, role: str = "", status: str = "", department_id: int | None = None, level: int | None = None
) -> QuerySet[Application]:
    applications = program.applications.select_related("user", "user__department", "decided_by").prefetch_related(
        Prefetch("topics", queryset=ApplicationTopic.objects.select_related("topic"))
    )
    if role:
        applications = applications.filter(role=role)
    if status:
        applications = applications.filter(status=status)
    if department_id:
        applications = applications.filter(user__department_id=department_id)
    if level:
        applications = applications.filter(user__level=level)
    return applications.order_by("role", "user__last_name", "user__first_name", "pk")


def application_for_review(*, program: Program, pk: int) -> Application:
    return (
        program.applications.select_related("user", "user__department", "user__manager", "decided_by", "invitation")
        .prefetch_related(Prefetch("topics", queryset=ApplicationTopic.objects.select_related("topic")))
        .get(pk=pk)
    )


def invitations_of_program(*, program: Program) -> QuerySet[Invitation]:
    return program.invitations.select_related("user", "user__department", "invited_by").order_by("-created_at", "pk")


def invitable_people(*, program: Program, search: str = "", department_id: int | None = None, level: int | None = None) -> QuerySet[User]:
    """Active people eligible for either side who are not yet invited and have not applied."""
    people = (
        User.objects.filter(is_active=True)
        .filter(Q(level__lte=program.junior_max_level) | Q(level__gte=program.senior_min_level))
        .exclude(program_invitations__program=program)
        .exclude(applications__program=program)
        .select_related("department")
    )
    for word in search.split():
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word) | Q(title__icontains=word)
        )
    if department_id:
        people = people.filter(department_id=department_id)
    if level:
        people = people.filter(level=level)
    return people.order_by("level", "last_name", "first_name")


# --- the participant's side ------------------------------------------------------------------
def programs_open_to(*, user: User) -> QuerySet[Program]:
    """Programs recruiting now that this person may apply to (open call or invitation), not yet applied."""
    eligible = Q(junior_max_level__gte=user.level) | Q(senior_min_level__lte=user.level)
    reachable = Q(open_for_applications=True) | Q(invitations__user=user)
    return (
        Program.objects.filter(status=Program.Status.RECRUITING)
        .filter(eligible & reachable)
        .exclude(applications__user=user, applications__status__in=OPEN_STATUSES)
        .distinct()
        .order_by("start_date", "pk")
    )


def invitations_for(*, user: User) -> QuerySet[Invitation]:
    return user.program_invitations.filter(status=Invitation.Status.PENDING, program__status=Program.Status.RECRUITING).select_related(
        "program", "invited_by"
    )


def applications_of(*, user: User) -> QuerySet[Application]:
    return user.applications.select_related("program").order_by("-submitted_at")


def program_visible_to(*, user: User, pk: int) -> Program:
    """A program's public framework page: for invitees, applicants, coordinators/HR, and
    everyone eligible while it has an open call. Others get Program.DoesNotExist (404)."""
    program = Program.objects.prefetch_related(Prefetch("curriculum", queryset=CurriculumItem.objects.select_related("topic"))).get(pk=pk)
    if user.is_hr_coordinator:
        return program
    if program.applications.filter(user=user).exists() or program.invitations.filter(user=user).exists():
        return program
    if program.status == Program.Status.RECRUITING and program.open_for_applications and program.role_for_level(user.level):
        return program
    raise Program.DoesNotExist
