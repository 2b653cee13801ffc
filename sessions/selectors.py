"""Reads for meetings, scoped to the person asking; HR gets facts, never content."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from matching.models import Match, MatchMember
from mentoring.models import User
from programs.models import Program, Role

from .models import ActionItem, Meeting, Note, SessionLog

PAIR_STATUSES = [Match.Status.CONFIRMED, Match.Status.PAUSED, Match.Status.ENDED]


def pairs_of(*, user: User) -> QuerySet[Match]:
    """Matches that became a pair (both accepted) and `user` belongs to: running, paused or
    ended. An offer withdrawn before both accepted was never a pair."""
    return Match.objects.filter(members__user=user, status__in=PAIR_STATUSES, confirmed_at__isnull=False)


def participants_of(*, meeting: Meeting) -> list[User]:
    if meeting.match is not None:
        return [m.user for m in meeting.match.members.select_related("user")]
    return list(
        User.objects.filter(
            match_memberships__match__program_id=meeting.program_id, match_memberships__match__status=Match.Status.CONFIRMED
        ).distinct()
    )


def times_to_pick(*, user: User) -> list[Meeting]:
    """Meetings of `user`'s running pairs where the other side offered times and `user` has to
    pick one (the portal home's to-do), in one query."""
    return list(
        Meeting.objects.filter(
            status=Meeting.Status.PROPOSED, match__status=Match.Status.CONFIRMED, match__members__user=user, options__isnull=False
        )
        .exclude(proposed_by=user)
        .exclude(proposed_by=None)
        .select_related("program")
        .distinct()
        .order_by("due_by", "pk")
    )


def pair_for(*, user: User, match_pk: int) -> Match:
    """A confirmed (or ended) match the user belongs to; Match.DoesNotExist otherwise."""
    members = MatchMember.objects.select_related("user", "user__department")
    return pairs_of(user=user).filter(pk=match_pk).select_related("program").prefetch_related(Prefetch("members", queryset=members)).get()


def logs_visible_to(*, user: User, meeting: Meeting) -> list[SessionLog]:
    """The session logs whose text `user` may read: a log belongs to its author and their pair.

    In a pair's meeting that is both members' logs; in a program-wide group session, the
    user's own log and their partners'. HR reads none of them (see `group_session_attendance`).
    """
    logs = meeting.logs.select_related("author").order_by("created_at", "pk")
    if meeting.match is not None:
        if not meeting.match.members.filter(user=user).exists():
            return []
        return list(logs)
    if meeting.starts_at is None:
        return list(logs.filter(author=user))
    # Partners are those the user was paired with when the session took place: not an
    # ex-partner of an earlier pair, nor someone paired with them later.
    pairs = (
        pairs_of(user=user)
        .filter(program_id=meeting.program_id, confirmed_at__lte=meeting.ends_at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=meeting.starts_at))
    )
    partners = MatchMember.objects.filter(match__in=pairs).values("user_id")
    return list(logs.filter(Q(author=user) | Q(author__in=partners)))


@dataclass(frozen=True)
class Attendance:
    person: User
    held: bool | None  # None: not logged yet
    minutes: int | None


def group_session_attendance(*, meeting: Meeting) -> list[Attendance]:
    """What coordinators may know of a program-wide session: who logged it as attended and
    for how long. Never what anyone shared or learned."""
    facts = {row["author_id"]: row for row in meeting.logs.values("author_id", "held", "actual_minutes")}
    return [
        Attendance(
            person=person,
            held=facts[person.pk]["held"] if person.pk in facts else None,
            minutes=facts[person.pk]["actual_minutes"] if person.pk in facts else None,
        )
        for person in sorted(participants_of(meeting=meeting), key=lambda p: (p.last_name, p.first_name))
    ]


def meetings_of_pair(*, match: Match) -> list[Meeting]:
    # Program-wide sessions carry every participant's log: load only this pair's.
    logs = SessionLog.objects.filter(author__in=match.members.values("user_id")).select_related("author")
    return list(
        Meeting.objects.filter(Q(match=match) | Q(match=None, program_id=match.program_id))
        .select_related("topic", "lead")
        .prefetch_related(Prefetch("logs", queryset=logs), "options")
        .order_by("month", "due_by", "pk")
    )


def notes_visible_to(*, user: User, match: Match) -> QuerySet[Note]:
    return match.notes.filter(Q(author=user) | Q(visibility=Note.Visibility.SHARED)).select_related("author", "meeting")


def action_items_of(*, match: Match) -> QuerySet[ActionItem]:
    return match.action_items.select_related("owner")


@dataclass(frozen=True)
class TwoWayStreet:
    """Whether both sides share and both sides learn, from the pair's own logs."""

    junior_shared: int
    junior_learned: int
    senior_shared: int
    senior_learned: int
    logs: int

    @property
    def balanced(self) -> bool:
        return all((self.junior_shared, self.junior_learned, self.senior_shared, self.senior_learned))

    @property
    def one_way(self) -> bool:
        return self.logs > 0 and not self.balanced


def two_way_street(*, match: Match, meetings: list[Meeting]) -> TwoWayStreet:
    roles = {m.user_id: m.role for m in match.members.all()}
    counts: defaultdict[tuple[str, str], int] = defaultdict(int)
    logs = 0
    for meeting in meetings:
        for log in meeting.logs.all():
            role = roles.get(log.author_id)
            if role is None or not log.held:
                continue
            logs += 1
            counts[(role, "shared")] += bool(log.shared)
            counts[(role, "learned")] += bool(log.learned)
    return TwoWayStreet(
        junior_shared=counts[(Role.JUNIOR, "shared")],
        junior_learned=counts[(Role.JUNIOR, "learned")],
        senior_shared=counts[(Role.SENIOR, "shared")],
        senior_learned=counts[(Role.SENIOR, "learned")],
        logs=logs,
    )


def meetings_for_feed(*, user: User) -> list[Meeting]:
    matches = pairs_of(user=user)
    programs = matches.values("program_id")
    return list(
        Meeting.objects.filter(Q(match__in=matches) | Q(match=None, program_id__in=programs))
        .exclude(starts_at=None)
        .select_related("program", "match")
        .prefetch_related("match__members__user")
    )


@dataclass(frozen=True)
class MonthFacts:
    month: int
    planned: int
    held: int
    missed: int
    cancelled: int


@dataclass(frozen=True)
class MeetingFacts:
    months: list[MonthFacts]
    average_minutes: float | None
    pairs_without_recent_meeting: list[Match]
    period_days: int
    confirmed_pairs: int = 0
    # Confirmed within the period and not met yet: too new to list as quiet, but not "met".
    new_pairs_not_met: int = 0


def meeting_facts(*, program: Program) -> MeetingFacts:
    """What HR may know: counts, lengths and dates — never notes or logs' text."""
    S = Meeting.Status
    rows = (
        program.meetings.values("month")
        .annotate(
            planned=Count("pk", filter=~Q(status=S.CANCELLED)),
            held=Count("pk", filter=Q(status=S.HELD)),
            missed=Count("pk", filter=Q(status=S.MISSED)),
            cancelled=Count("pk", filter=Q(status=S.CANCELLED)),
        )
        .order_by("month")
    )
    months = [MonthFacts(**row) for row in rows]
    average = SessionLog.objects.filter(meeting__program=program, held=True).aggregate(value=Avg("actual_minutes"))["value"]
    period_days = program.period_days
    since = timezone.now() - datetime.timedelta(days=period_days)
    recent = Meeting.objects.filter(program=program, status=S.HELD, starts_at__gte=since).values("match_id")
    members = MatchMember.objects.select_related("user").order_by("role")
    quiet = list(
        program.matches.filter(status=Match.Status.CONFIRMED, confirmed_at__lte=since)
        .exclude(pk__in=recent)
        .prefetch_related(Prefetch("members", queryset=members))
    )
    pairs = program.matches.filter(status=Match.Status.CONFIRMED).aggregate(
        confirmed=Count("pk"), new_not_met=Count("pk", filter=Q(confirmed_at__gt=since) & ~Q(pk__in=recent))
    )
    return MeetingFacts(
        months=months,
        average_minutes=round(average, 1) if average else None,
        pairs_without_recent_meeting=quiet,
        period_days=period_days,
        confirmed_pairs=pairs["confirmed"],
        new_pairs_not_met=pairs["new_not_met"],
    )
