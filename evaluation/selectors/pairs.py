"""Pair health: why a pair is at risk, what it achieved, and the pair list HR works through.

A low pulse or a challenge flags the pair, never the person or the number; a name and a comment
appear only when the participant asked HR to reach out. Of a session log only whether each side
wrote something is read, in the database: its words never leave it.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Case, Count, Exists, F, FilteredRelation, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy

from matching.models import Match, MatchMember
from programs.models import Program, Role
from sessions.models import Meeting, SessionLog

from ..models import Challenge, CheckIn, HRNote
from .participants import LOW_PULSE


class RiskReason(models.TextChoices):
    """Why a pair is at risk: code compares the value, people read the label (filled with the
    signal's params), so a translated dashboard means the same."""

    NO_RECENT_MEETING = "no_recent_meeting", gettext_lazy("no meeting held in the last %(days)s days")
    MISSED_MEETINGS = "missed_meetings", gettext_lazy("%(count)s missed meetings")
    LOW_PULSE = "low_pulse", gettext_lazy("low pulse (1 or 2) in this pair")
    CHALLENGE = "challenge", gettext_lazy("challenge raised in this pair: %(challenge)s")
    REACH_OUT = "reach_out", gettext_lazy("someone in this pair asked HR to reach out")
    ONE_WAY = "one_way", gettext_lazy("one-way street: not both sides share and learn")


class MilestoneKind(models.TextChoices):
    """What a pair achieved, worth a kudos."""

    KICKOFF_HELD = "kickoff_held", gettext_lazy("kickoff held")
    MEETINGS_HELD = "meetings_held", gettext_lazy("%(count)s meetings held")


@dataclass(frozen=True)
class PairSignal:
    """A reason or a milestone: its code and the numbers or codes its label needs."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The label in the active language (a challenge's name translated too)."""
        params = dict(self.params)
        if "challenge" in params:
            params["challenge"] = str(CHALLENGE_LABELS[str(params["challenge"])]).lower()
        return str(SIGNAL_LABELS[self.code]) % params

    def __str__(self) -> str:
        return self.label


# Code → (lazily translated) label: a CSV of 1,000 pairs reads some 2,000 of them.
SIGNAL_LABELS = {**dict(RiskReason.choices), **dict(MilestoneKind.choices)}
CHALLENGE_LABELS = dict(Challenge.choices)


# A program's pair health is read from one row of facts per pair, each fact a conditional aggregate
# the database computes over the program's meetings, held logs and latest check-ins (four grouped
# queries, whatever the size of the program). Combining the facts per pair, counting and ordering
# them happen on those rows. Correlated subqueries per pair would do the same work at a far higher
# cost on PostgreSQL (each condition a subplan of its own, and JIT compilation once a plan looks
# expensive: 150–550 ms for 1,000 pairs, where these four queries take some 40 ms).
RUNNING_OR_PAUSED = [Match.Status.CONFIRMED, Match.Status.PAUSED]
CHALLENGES = tuple(Challenge.values)
SIDES = frozenset({(Role.JUNIOR, "shared"), (Role.SENIOR, "shared"), (Role.JUNIOR, "learned"), (Role.SENIOR, "learned")})
PAIRS_PER_PAGE = 25


class PairStatus(models.TextChoices):
    """The dashboard's filter of the pair list. A pair asking HR to reach out is also at risk."""

    AT_RISK = "at_risk", gettext_lazy("At risk")
    REACH_OUT = "reach_out", gettext_lazy("Asked HR to reach out")
    ON_TRACK = "on_track", gettext_lazy("On track")
    PAUSED = "paused", gettext_lazy("Paused")


@dataclass
class PairFacts:
    """What a pair's health is read from: counts and yes/no facts, never a score or a text."""

    pk: int
    status: str
    confirmed_at: datetime.datetime | None
    missed: int = 0
    held: int = 0
    held_recently: bool = False
    kickoff_held: bool = False
    low_pulse: bool = False  # in someone's latest check-in
    reach_out: bool = False  # someone's latest check-in asks HR to reach out
    challenges: frozenset[str] = frozenset()  # raised in the members' latest check-ins
    logged: bool = False  # the pair has held logs
    sides: frozenset[tuple[str, str]] = frozenset()  # (role, "shared" | "learned") written in them
    reasons: list[PairSignal] = field(default_factory=list)
    milestones: list[PairSignal] = field(default_factory=list)

    @property
    def paused(self) -> bool:
        return self.status == Match.Status.PAUSED

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)

    @property
    def health(self) -> str:
        return PairStatus.PAUSED if self.paused else PairStatus.AT_RISK if self.at_risk else PairStatus.ON_TRACK

    def read(self, *, since: datetime.datetime, period: int) -> PairFacts:
        """Fill in the at-risk reasons and the milestones (none while the pair is paused:
        no alarms until HR resumes it)."""
        if self.paused:
            return self
        if self.confirmed_at and self.confirmed_at <= since and not self.held_recently:
            self.reasons.append(PairSignal(RiskReason.NO_RECENT_MEETING, {"days": period}))
        if self.missed >= 2:
            self.reasons.append(PairSignal(RiskReason.MISSED_MEETINGS, {"count": self.missed}))
        # Check-in signals are pooled per pair: neither who nor how low, so a hidden month's
        # scores cannot be read off this list. Only asking HR to reach out carries a name.
        if self.low_pulse:
            self.reasons.append(PairSignal(RiskReason.LOW_PULSE))
        self.reasons += [PairSignal(RiskReason.CHALLENGE, {"challenge": value}) for value in CHALLENGES if value in self.challenges]
        if self.reach_out:
            self.reasons.append(PairSignal(RiskReason.REACH_OUT))
        if self.logged and not SIDES.issubset(self.sides):
            self.reasons.append(PairSignal(RiskReason.ONE_WAY))
        if self.kickoff_held:
            self.milestones.append(PairSignal(MilestoneKind.KICKOFF_HELD))
        if self.held >= 3:
            self.milestones.append(PairSignal(MilestoneKind.MEETINGS_HELD, {"count": self.held}))
        return self


def _latest_checkins(*, pairs: QuerySet[Match]) -> QuerySet[CheckIn]:
    """Each member's latest check-in in each of `pairs` (no later one by them in that pair)."""
    later = CheckIn.objects.filter(match=OuterRef("match"), user=OuterRef("user")).filter(
        Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )
    member = MatchMember.objects.filter(match=OuterRef("match"), user=OuterRef("user"))
    return CheckIn.objects.filter(match__in=pairs).filter(Exists(member), ~Exists(later)).order_by()


def _any(condition: Q) -> Max:
    """1 when some row of the group meets `condition`, else 0 (a conditional aggregate)."""
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


@dataclass
class PairHealthFacts:
    pairs: list[PairFacts]  # every running or paused pair, by primary key
    pairs_with_logs: int  # pairs of any status with held logs: the two-way street's denominator
    as_of: datetime.datetime | None = None  # when they were read


def _facts_key(program_id: int) -> str:
    return f"evaluation:pair-facts:v1:{program_id}"


def recent_pair_facts(*, program: Program, fresh: bool = False) -> PairHealthFacts:
    """`pair_facts`, kept for DASHBOARD_FACTS_SECONDS: paging through a thousand pairs, filtering
    and searching them reuse one reading instead of aggregating every meeting, log and check-in
    again. The page says when they were read and offers a fresh reading (`fresh`); HR's own
    pair actions and new check-ins forget them at once. They hold counts and yes/no facts only,
    never a text."""
    seconds = settings.DASHBOARD_FACTS_SECONDS
    if seconds <= 0:
        return pair_facts(program=program)
    key = _facts_key(program.pk)
    facts = None if fresh else cache.get(key)
    if not isinstance(facts, PairHealthFacts):
        facts = pair_facts(program=program)
        cache.set(key, facts, seconds)
    return facts


def forget_pair_facts(*, program_id: int) -> None:
    """The next dashboard reads the pairs' facts afresh (after a change HR expects to see)."""
    cache.delete(_facts_key(program_id))


def pair_facts(*, program: Program, now: datetime.datetime | None = None) -> PairHealthFacts:
    """Every running or paused pair of `program` with its facts, reasons and milestones, in four
    queries and without loading a meeting, a log or a check-in."""
    now = now or timezone.now()
    period = program.period_days
    since = now - datetime.timedelta(days=period)
    pairs = program.matches.filter(status__in=RUNNING_OR_PAUSED)
    facts = {
        pk: PairFacts(pk=pk, status=status, confirmed_at=confirmed_at)
        for pk, status, confirmed_at in pairs.order_by("pk").values_list("pk", "status", "confirmed_at")
    }
    was_held = Q(status=Meeting.Status.HELD)
    # A pair that changes status between these queries is read as the first query saw it.
    for row in (
        Meeting.objects.filter(match__in=pairs)
        .order_by()
        .values("match_id")
        .annotate(
            missed=Count("pk", filter=Q(status=Meeting.Status.MISSED)),
            held=Count("pk", filter=was_held),
            held_recently=_any(was_held & Q(starts_at__gte=since)),
            kickoff_held=_any(was_held & Q(kind=Meeting.Kind.KICKOFF)),
        )
    ):
        if (pair := facts.get(row["match_id"])) is None:
            continue
        pair.missed, pair.held = row["missed"], row["held"]
        pair.held_recently, pair.kickoff_held = bool(row["held_recently"]), bool(row["kickoff_held"])
    # Flags are stored as a JSON list of Challenge values (the service refuses others); a quoted
    # value is found in its text the same way on PostgreSQL and SQLite.
    flagged = {value: _any(Q(flags__icontains=f'"{value}"')) for value in CHALLENGES}
    for row in (
        _latest_checkins(pairs=pairs)
        .values("match_id")
        .annotate(
            low_pulse=_any(Q(pulse__lte=LOW_PULSE)), reach_out=_any(Q(reach_out=True)), **{f"flag_{v}": e for v, e in flagged.items()}
        )
    ):
        if (pair := facts.get(row["match_id"])) is None:
            continue
        pair.low_pulse, pair.reach_out = bool(row["low_pulse"]), bool(row["reach_out"])
        pair.challenges = frozenset(value for value in CHALLENGES if row[f"flag_{value}"])
    # The author's role in the log's own pair; an author outside the pair writes for no side.
    own = FilteredRelation("author__match_memberships", condition=Q(author__match_memberships__match=F("meeting__match")))
    written = {(role, text): _any(Q(own__role=role) & ~Q(**{text: ""})) for role, text in SIDES}
    with_logs = 0
    for row in (
        SessionLog.objects.filter(meeting__match__program=program, held=True)
        .annotate(own=own)
        .order_by()
        .values("meeting__match_id")
        .annotate(**{f"{role}_{text}": e for (role, text), e in written.items()})
    ):
        with_logs += 1
        if (pair := facts.get(row["meeting__match_id"])) is None:
            continue  # an ended (or earlier) pair: counted only
        pair.logged = True
        pair.sides = frozenset(side for side in SIDES if row[f"{side[0]}_{side[1]}"])
    return PairHealthFacts(pairs=[pair.read(since=since, period=period) for pair in facts.values()], pairs_with_logs=with_logs, as_of=now)


def _severity(pair: PairFacts) -> tuple[int, int, int, int]:
    """At-risk pairs first (who asked HR to reach out, then the most reasons), then those on
    track, paused ones last."""
    rank = 2 if pair.paused else 0 if pair.at_risk else 1
    return (rank, -pair.reach_out, -len(pair.reasons), pair.pk)


def pairs_matching(*, program: Program, facts: PairHealthFacts, status: str = "", search: str = "") -> list[PairFacts]:
    """The pairs HR asked for (a PairStatus, words of a member's name or e-mail), at risk first."""
    chosen = [
        pair
        for pair in facts.pairs
        if not status
        or (status == PairStatus.REACH_OUT and pair.reach_out and not pair.paused)
        or (status != PairStatus.REACH_OUT and pair.health == status)
    ]
    words = search.split()[:5]
    if words:
        named = program.matches.all()
        for word in words:
            member = MatchMember.objects.filter(match=OuterRef("pk")).filter(
                Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word) | Q(user__email__icontains=word)
            )
            named = named.filter(Exists(member))
        found = set(named.values_list("pk", flat=True))
        chosen = [pair for pair in chosen if pair.pk in found]
    return sorted(chosen, key=_severity)


@dataclass
class PairHealth:
    match: Match
    reasons: list[PairSignal] = field(default_factory=list)  # RiskReason codes about the pair: no names, no scores
    milestones: list[PairSignal] = field(default_factory=list)  # MilestoneKind codes
    reach_outs: list[tuple[str, str]] = field(default_factory=list)  # (name, comment) of who asked HR to get in touch
    hr_notes: list[HRNote] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    @property
    def milestone_codes(self) -> list[str]:
        return [milestone.code for milestone in self.milestones]


def pair_health_of(*, facts: list[PairFacts]) -> list[PairHealth]:
    """The listed pairs (a page) as the dashboard shows them: members, HR notes and who asked HR
    to reach out, in four queries however many pairs the program has."""
    matches = (
        Match.objects.filter(pk__in=[pair.pk for pair in facts])
        .only("pk", "program_id", "status")  # not the engine's explanation
        .prefetch_related(
            Prefetch("members", queryset=MatchMember.objects.select_related("user")),
            Prefetch("hr_notes", queryset=HRNote.objects.select_related("author")),
        )
    )
    by_pk = {match.pk: match for match in matches}
    comments: dict[tuple[int, int], str] = {
        (match_id, user_id): comment
        for match_id, user_id, comment in _latest_checkins(pairs=Match.objects.filter(pk__in=by_pk))
        .filter(reach_out=True)
        .values_list("match_id", "user_id", "comment")
    }
    result = []
    for pair in facts:
        if (match := by_pk.get(pair.pk)) is None:
            continue  # deleted since the facts were read
        health = PairHealth(match=match, reasons=pair.reasons, milestones=pair.milestones, hr_notes=list(match.hr_notes.all()))
        if not pair.paused:
            health.reach_outs = [
                (m.user.get_full_name(), comments[(match.pk, m.user_id)]) for m in match.members.all() if (match.pk, m.user_id) in comments
            ]
        result.append(health)
    return result


def pair_health(*, program: Program, now: datetime.datetime | None = None) -> list[PairHealth]:
    """Every running or paused pair with its at-risk reasons and its celebrated milestones."""
    return pair_health_of(facts=pair_facts(program=program, now=now).pairs)


def health_badge(*, at_risk: int, pairs: int) -> str:
    if not pairs:
        return "none"
    share = at_risk / pairs
    return "good" if share == 0 else "watch" if share <= 0.25 else "attention"


@dataclass
class HealthSummary:
    """How many pairs are at risk and why, and what they achieved: counts of pairs, no names."""

    pairs: int
    by_status: dict[str, int]  # PairStatus value → pairs
    reasons: list[tuple[PairSignal, int]]  # a reason (for its label) → pairs with it
    milestones: list[tuple[PairSignal, int]]
    badge: str
    two_way_share: int | None  # % of pairs with logs where both sides share and learn

    @property
    def filters(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.by_status[value]) for value, label in PairStatus.choices]


def health_summary(*, program: Program, facts: PairHealthFacts) -> HealthSummary:
    by_status = dict.fromkeys(PairStatus.values, 0)
    reasons: Counter[str] = Counter()
    challenges: Counter[str] = Counter()
    milestones: Counter[str] = Counter()
    for pair in facts.pairs:
        by_status[pair.health] += 1
        by_status[PairStatus.REACH_OUT] += pair.reach_out and not pair.paused
        reasons.update(reason.code for reason in pair.reasons)
        challenges.update(str(reason.params["challenge"]) for reason in pair.reasons if reason.code == RiskReason.CHALLENGE)
        milestones.update(milestone.code for milestone in pair.milestones)
    reason_rows = [
        (PairSignal(RiskReason.NO_RECENT_MEETING, {"days": program.period_days}), reasons[RiskReason.NO_RECENT_MEETING]),
        (PairSignal(RiskReason.MISSED_MEETINGS, {"count": "2+"}), reasons[RiskReason.MISSED_MEETINGS]),
        (PairSignal(RiskReason.LOW_PULSE), reasons[RiskReason.LOW_PULSE]),
        *[(PairSignal(RiskReason.CHALLENGE, {"challenge": value}), challenges[value]) for value in CHALLENGES],
        (PairSignal(RiskReason.REACH_OUT), reasons[RiskReason.REACH_OUT]),
        (PairSignal(RiskReason.ONE_WAY), reasons[RiskReason.ONE_WAY]),
    ]
    logged, one_way = facts.pairs_with_logs, reasons[RiskReason.ONE_WAY]
    return HealthSummary(
        pairs=len(facts.pairs),
        by_status=by_status,
        reasons=reason_rows,
        milestones=[
            (PairSignal(MilestoneKind.KICKOFF_HELD), milestones[MilestoneKind.KICKOFF_HELD]),
            (PairSignal(MilestoneKind.MEETINGS_HELD, {"count": "3+"}), milestones[MilestoneKind.MEETINGS_HELD]),
        ],
        badge=health_badge(at_risk=by_status[PairStatus.AT_RISK], pairs=len(facts.pairs)),
        two_way_share=round(100 * (logged - one_way) / logged) if logged else None,
    )


def pair_table_rows(*, program: Program, chunk: int = 500) -> Iterator[list[str]]:
    """The pairs CSV's rows (names, at risk, reasons, milestones), at risk first, produced a chunk
    of pairs at a time for a streamed download."""
    ordered = sorted(pair_facts(program=program).pairs, key=_severity)
    labels: dict[tuple[str, tuple[tuple[str, object], ...]], str] = {}  # each label translated once

    def label(signal: PairSignal) -> str:
        key = (signal.code, tuple(sorted(signal.params.items())))
        if key not in labels:
            labels[key] = signal.label
        return labels[key]

    for start in range(0, len(ordered), chunk):
        part = ordered[start : start + chunk]
        names: dict[int, list[str]] = defaultdict(list)
        for match_id, first, last, email in (
            MatchMember.objects.filter(match_id__in=[pair.pk for pair in part])
            .order_by("match_id", "role", "user__last_name", "pk")
            .values_list("match_id", "user__first_name", "user__last_name", "user__email")
        ):
            names[match_id].append(f"{first} {last}".strip() or email)  # as User.get_full_name
        for pair in part:
            yield [
                " – ".join(names[pair.pk]),
                "yes" if pair.at_risk else "no",
                "; ".join(label(reason) for reason in pair.reasons),
                "; ".join(label(milestone) for milestone in pair.milestones),
            ]
