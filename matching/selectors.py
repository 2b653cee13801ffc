from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When, Window
from django.utils.translation import gettext_lazy as _

from mentoring.models import User
from programs.models import Application, Program

from .models import Match, MatchMember, MatchRun, PairRule

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The order of the review list: what needs HR first.
REVIEW_ORDER = (
    Match.Status.PROPOSED,
    Match.Status.APPROVED,
    Match.Status.CONFIRMED,
    Match.Status.PAUSED,
    Match.Status.DECLINED,
    Match.Status.ENDED,
)

# Score bands HR filters by: (lowest score included, first score excluded).
SCORE_BANDS: dict[str, tuple[tuple[int | None, int | None], StrOrPromise]] = {
    "80": ((80, None), _("80 and above")),
    "60": ((60, 80), _("60 to 79")),
    "40": ((40, 60), _("40 to 59")),
    "0": ((None, 40), _("Below 40")),
}

# What a match's explanation says, as a filter. The components are stored with each match
# (explanation["components"]), so these run in SQL on any database.
EXPLANATION_FLAGS: dict[str, tuple[Q, StrOrPromise]] = {
    "no_topic_overlap": (Q(explanation__components__topics__lte=0), _("No topic overlap")),
    "low_availability": (Q(explanation__components__availability__lt=0.5), _("Little shared time")),
    "contrasting_styles": (Q(explanation__components__chemistry__lte=0.4), _("Contrasting working styles")),
    "same_department": (Q(explanation__components__diversity__lte=0), _("Same department")),
    "by_hr": (Q(source__in=[Match.Source.PINNED, Match.Source.MANUAL]), _("Pinned or paired by HR")),
}


def _name_search(search: str, *, prefix: str = "") -> Q:
    """Every word of `search` in the first name, last name or e-mail of a person (at `prefix`)."""
    condition = Q()
    for word in search.split():
        condition &= (
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}email__icontains": word})
        )
    return condition


def _review_conditions(*, search: str = "", score_band: str = "", flag: str = "") -> Q:
    condition = Q()
    if search.strip():
        # A name search is "some member is called so": Exists keeps one row per match.
        condition &= Q(Exists(MatchMember.objects.filter(_name_search(search, prefix="user__"), match=OuterRef("pk"))))
    if score_band:
        (low, high), _label = SCORE_BANDS[score_band]
        if low is not None:
            condition &= Q(score__gte=low)
        if high is not None:
            condition &= Q(score__lt=high)
    if flag:
        condition &= EXPLANATION_FLAGS[flag][0]
    return condition


def matches_for_review(*, program: Program, search: str = "", status: str = "", score_band: str = "", flag: str = "") -> QuerySet[Match]:
    """The program's matches (all but discarded proposals), what needs HR first, then the best.

    `search`: words of a member's name or e-mail; `status`: one of REVIEW_ORDER; `score_band`: a
    key of SCORE_BANDS; `flag`: a key of EXPLANATION_FLAGS (ReviewFilterForm checks them)."""
    matches = program.matches.exclude(status=Match.Status.DISCARDED).filter(
        _review_conditions(search=search, score_band=score_band, flag=flag)
    )
    if status:
        matches = matches.filter(status=status)
    rank = Case(*(When(status=value, then=Value(index)) for index, value in enumerate(REVIEW_ORDER)), default=Value(len(REVIEW_ORDER)))
    members = MatchMember.objects.select_related("user", "user__department").order_by("role", "user__last_name")
    return matches.prefetch_related(Prefetch("members", queryset=members)).order_by(rank, "-score", "pk")


def match_counts(*, program: Program, search: str = "", score_band: str = "", flag: str = "") -> dict[str, tuple[int, int]]:
    """Per state, how many matches the program has (discarded ones aside) and how many of them
    the search and filters show: one query."""
    condition = _review_conditions(search=search, score_band=score_band, flag=flag)
    shown = Count("pk", filter=condition) if condition else Count("pk")
    rows = program.matches.exclude(status=Match.Status.DISCARDED).order_by().values_list("status").annotate(every=Count("pk"), shown=shown)
    return {status: (every, count) for status, every, count in rows}


def latest_run(*, program: Program) -> MatchRun | None:
    return program.match_runs.select_related("created_by").first()


def rules_of_program(*, program: Program) -> QuerySet[PairRule]:
    return program.pair_rules.select_related("junior", "senior", "created_by")


def _held(program: Program) -> QuerySet[MatchMember, Any]:
    """The members of the program's proposed, offered or confirmed matches (their user ids).

    Used as `NOT IN (…)`, which PostgreSQL hashes once, whatever its row estimates say: right
    after a run inserted thousands of proposals they are stale, and a correlated NOT EXISTS
    became a nested loop over every pair of people."""
    return MatchMember.objects.filter(match__program=program, match__status__in=Match.HOLDING).values("user_id")


def free_people(*, program: Program, role: str | None, search: str = "") -> QuerySet[User]:
    """Accepted juniors (or seniors; with `role` None, volunteers of either role, as peer exchange
    pairs anyone with anyone) not in a proposed, offered or confirmed match, by name.

    A query, not a list: the page takes the first few; each carries `free_count`, the number of all."""
    accepted = Application.objects.filter(program=program, status=Application.Status.ACCEPTED)
    if role is not None:
        accepted = accepted.filter(role=role)
    return (
        User.objects.filter(pk__in=accepted.values("user_id"))
        .exclude(pk__in=_held(program))
        .filter(_name_search(search))
        .annotate(free_count=Window(Count("pk")))  # on every row: how many there are in all, however few are taken
        .order_by("last_name", "first_name", "pk")
    )


def still_free(*, program: Program, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` are accepted in the program and not held by a match (ids only)."""
    return set(
        Application.objects.filter(program=program, status=Application.Status.ACCEPTED, user_id__in=set(user_ids))
        .exclude(user_id__in=_held(program))
        .values_list("user_id", flat=True)
    )


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
