"""Reads for meetings, scoped to the person asking; HR gets facts, never content."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from matching.models import Match, MatchMember
from mentoring.models import User
from programs.models import Program, Role

from .models import ActionItem, Meeting, Note, SessionLog, TimeOption
from .preparation import prep_for

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


def meetings_by_month(*, program: Program) -> tuple[list[MonthFacts], float | None]:
    """Meetings per program month (planned, held, missed, cancelled) and the average length of
    held ones, in minutes: counts and lengths only, two queries."""
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
    average = SessionLog.objects.filter(meeting__program=program, held=True).aggregate(value=Avg("actual_minutes"))["value"]
    return [MonthFacts(**row) for row in rows], round(average, 1) if average else None


def meeting_facts(*, program: Program) -> MeetingFacts:
    """What HR may know: counts, lengths and dates — never notes or logs' text."""
    S = Meeting.Status
    months, average_minutes = meetings_by_month(program=program)
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
        average_minutes=average_minutes,
        pairs_without_recent_meeting=quiet,
        period_days=period_days,
        confirmed_pairs=pairs["confirmed"],
        new_pairs_not_met=pairs["new_not_met"],
    )


# --- the portal home: what is next, and what is overdue ---------------------------------------
OVERDUE_LIMIT = 5  # the home flags the oldest few; the pair space lists every meeting


@dataclass(frozen=True)
class NextMeeting:
    meeting: Meeting
    role: str | None  # the person's side in the meeting's pair; None in a program-wide session
    partners: list[User]
    prep: list


@dataclass(frozen=True)
class Overdue:
    class Reason:
        NOT_SCHEDULED = "not_scheduled"  # planned by a date that has passed, no time offered
        NOT_PICKED = "not_picked"  # times offered, none picked, planned date passed
        LOG_MISSING = "log_missing"  # held (or its time is over) and the person wrote no log

    meeting: Meeting
    reason: str


@dataclass(frozen=True)
class NextSteps:
    next_meeting: NextMeeting | None
    overdue: list[Overdue]


def next_steps_for(*, user: User) -> NextSteps:
    """The person's next meeting (with partner, topic and their side's checklist) and what is
    overdue in their running pairs, in four queries however many pairs or meetings there are."""
    members = MatchMember.objects.select_related("user")
    memberships = list(
        MatchMember.objects.filter(user=user, match__status=Match.Status.CONFIRMED, match__confirmed_at__isnull=False)
        .select_related("match")
        .prefetch_related(Prefetch("match__members", queryset=members))
    )
    if not memberships:
        return NextSteps(next_meeting=None, overdue=[])
    pairs = {m.match_id: m for m in memberships}
    programs = {m.match.program_id for m in memberships}
    now, today = timezone.now(), timezone.localdate()
    S = Meeting.Status

    # What is late: planned by a date that has passed and still without a time, or met (its
    # time has come) without this person's log. The oldest first, a few of them.
    written = SessionLog.objects.filter(meeting=OuterRef("pk"), author=user)
    late = list(
        Meeting.objects.filter(match_id__in=pairs)
        .filter(Q(status=S.PROPOSED, due_by__lt=today) | Q(status__in=[S.SCHEDULED, S.HELD], starts_at__lte=now) & ~Exists(written))
        .annotate(offered=Exists(TimeOption.objects.filter(meeting=OuterRef("pk"))))
        .select_related("program")
        .order_by(Coalesce("due_by", TruncDate("starts_at")), "pk")[: 2 * OVERDUE_LIMIT]
    )
    overdue: list[Overdue] = []
    running = None  # a meeting going on right now is the next one
    for item in late:
        if item.status == S.PROPOSED:
            reason = Overdue.Reason.NOT_PICKED if item.offered else Overdue.Reason.NOT_SCHEDULED
            overdue.append(Overdue(meeting=item, reason=reason))
        elif item.is_over:
            overdue.append(Overdue(meeting=item, reason=Overdue.Reason.LOG_MISSING))
        elif item.status == S.SCHEDULED and running is None:
            running = item

    # The next meeting: the one going on, else the first on the calendar, else the first the
    # pair still has to find a time for (a program-wide session is HR's to schedule).
    mine = Meeting.objects.filter(Q(match_id__in=pairs) | Q(match=None, program_id__in=programs)).select_related("topic", "program")
    if running is not None:
        candidates = mine.filter(pk=running.pk)
    else:
        candidates = mine.filter(Q(status=S.SCHEDULED, starts_at__gt=now) | Q(status=S.PROPOSED, match_id__in=pairs)).order_by(
            Case(When(status=S.SCHEDULED, then=0), default=1), "starts_at", F("due_by").asc(nulls_last=True), "month", "pk"
        )
    meeting = candidates.first()
    next_meeting = None
    if meeting is not None:
        member = pairs.get(meeting.match_id) if meeting.match_id else None
        next_meeting = NextMeeting(
            meeting=meeting,
            role=member.role if member else None,
            partners=[m.user for m in member.match.members.all() if m.user_id != user.pk] if member else [],
            prep=prep_for(member.role if member else None),
        )
    return NextSteps(next_meeting=next_meeting, overdue=overdue[:OVERDUE_LIMIT])
