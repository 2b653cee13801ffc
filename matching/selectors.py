from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from mentoring.models import User
from programs.models import Application, Program, Role

from .models import Match, MatchMember, MatchRun, PairRule
from .problem import held_user_ids


def matches_of_program(*, program: Program) -> QuerySet[Match]:
    members = MatchMember.objects.select_related("user", "user__department").order_by("role", "user__last_name")
    return (
        program.matches.exclude(status=Match.Status.DISCARDED)
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("status", "-score", "pk")
    )


def latest_run(*, program: Program) -> MatchRun | None:
    return program.match_runs.select_related("created_by").first()


def rules_of_program(*, program: Program) -> QuerySet[PairRule]:
    return program.pair_rules.select_related("junior", "senior", "created_by")


def free_people(*, program: Program) -> tuple[list[User], list[User]]:
    """Accepted juniors and seniors not in a proposed, offered or confirmed match."""
    held = held_user_ids(program)
    applications = program.applications.filter(status=Application.Status.ACCEPTED).exclude(user_id__in=held).select_related("user")
    juniors = [a.user for a in applications if a.role == Role.JUNIOR]
    seniors = [a.user for a in applications if a.role == Role.SENIOR]
    return sorted(juniors, key=lambda u: u.last_name), sorted(seniors, key=lambda u: u.last_name)


def matches_visible_to(*, user: User) -> QuerySet[Match]:
    """A participant's own matches that were offered to them (never proposals or others')."""
    members = MatchMember.objects.select_related("user", "user__department")
    return (
        Match.objects.filter(members__user=user)
        .exclude(status__in=[Match.Status.PROPOSED, Match.Status.DISCARDED])
        .select_related("program")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("-created_at")
    )


def rather_not_partners(*, match: Match, user: User) -> list[str]:
    """Names of the partners in `match` whom `user` listed as "rather not be matched with".

    For `user`'s own eyes on their offer: HR pairs and pins without seeing these lists, so
    the person is reminded they can decline. Never shown to anyone else.
    """
    others = {m.user_id: m.user.get_full_name() for m in match.members.all() if m.user_id != user.pk}
    application = Application.objects.filter(program_id=match.program_id, user=user).first()
    if application is None or not others:
        return []
    listed = set(application.avoid_people.filter(pk__in=others).values_list("pk", flat=True))
    return [name for pk, name in others.items() if pk in listed]


def pairs_on_hold() -> QuerySet[Match]:
    """Pairs HR paused: they get no reminders and raise no alarms until HR resumes them."""
    return Match.objects.filter(status=Match.Status.PAUSED)
