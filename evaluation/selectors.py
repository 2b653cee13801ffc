"""What HR may see about a program's health and results: facts and aggregates only.

Aggregates over fewer than MIN_GROUP respondents are hidden, and so is anything they could be
worked out from (complementary suppression, see `survey_breakdown`). A low pulse or a challenge
flags the pair, never the person or the number; a name and a comment appear only when the
participant asked HR to reach out. Notes and logs are never read here.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.models import Match, MatchMember
from mentoring.models import User
from programs.models import Application, Program, Role, Topic
from programs.selectors import CategoryMix, category_mix
from sessions.models import Meeting, SessionLog
from sessions.selectors import MeetingFacts, meeting_facts

from .models import Answer, Challenge, CheckIn, HRNote, Question, Recommendation, Survey

MIN_GROUP = 3
LOW_PULSE = 2  # "low pulse (1 or 2) in this pair"
ROLES = (Role.JUNIOR, Role.SENIOR)
PARTICIPATING = [Match.Status.CONFIRMED, Match.Status.ENDED]


def program_month(*, program: Program, today: datetime.date | None = None) -> int:
    """Which month of the program `today` falls in (1-based, clamped to the program)."""
    today = today or timezone.localdate()
    start = program.start_date or today
    months = relativedelta(today, start).months + 12 * relativedelta(today, start).years + 1
    return max(1, min(program.length_months, months))


def membership(*, program: Program, user: User) -> MatchMember | None:
    """`user`'s place in a confirmed (or ended) pair of `program`, the latest one; None if none."""
    return (
        MatchMember.objects.filter(match__program=program, match__status__in=PARTICIPATING, user=user)
        .select_related("match")
        .order_by("-match__confirmed_at")
        .first()
    )


def participants(*, program: Program) -> list[MatchMember]:
    """Everyone in a confirmed (or ended) pair of `program`, with their user and match."""
    return list(
        MatchMember.objects.filter(match__program=program, match__status__in=PARTICIPATING)
        .select_related("user", "match")
        .order_by("user_id")
        .distinct()
    )


def survey_for(*, program: Program) -> Survey | None:
    """The program's end-of-program survey, prepared when the program moved to evaluating."""
    return Survey.objects.filter(program=program).first()


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
        choices = RiskReason if self.code in RiskReason.values else MilestoneKind
        params = dict(self.params)
        if "challenge" in params:
            params["challenge"] = str(Challenge(str(params["challenge"])).label).lower()
        return str(choices(self.code).label) % params

    def __str__(self) -> str:
        return self.label


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


def pair_health(*, program: Program, now: datetime.datetime | None = None) -> list[PairHealth]:
    """Every confirmed pair with its at-risk reasons and its celebrated milestones.

    A fixed number of queries: meetings, logs, check-ins and HR notes are loaded per program.
    """
    now = now or timezone.now()
    period = program.period_days
    since = now - datetime.timedelta(days=period)
    matches = list(
        program.matches.filter(status__in=[Match.Status.CONFIRMED, Match.Status.PAUSED])
        .prefetch_related(
            Prefetch("members", queryset=MatchMember.objects.select_related("user")),
            Prefetch("hr_notes", queryset=HRNote.objects.select_related("author")),
        )
        .order_by("pk")
    )
    meetings = defaultdict(list)
    for meeting in Meeting.objects.filter(match__in=matches).only("pk", "match_id", "status", "starts_at", "kind"):
        meetings[meeting.match_id].append(meeting)
    logs = defaultdict(list)
    for log in (
        SessionLog.objects.filter(meeting__match__in=matches, held=True)
        .only("meeting__match_id", "author_id", "shared", "learned")
        .select_related("meeting")
    ):
        logs[log.meeting.match_id].append(log)
    latest: dict[tuple[int, int], CheckIn] = {}
    for checkin in CheckIn.objects.filter(match__in=matches).order_by("created_at"):
        latest[(checkin.match_id, checkin.user_id)] = checkin
    result = []
    for match in matches:
        health = PairHealth(match=match, hr_notes=list(match.hr_notes.all()))
        if match.status == Match.Status.PAUSED:
            result.append(health)  # on hold: no alarms until HR resumes it
            continue
        roles = {m.user_id: m.role for m in match.members.all()}
        names = {m.user_id: m.user.get_full_name() for m in match.members.all()}
        own = meetings[match.pk]
        held = [m for m in own if m.status == Meeting.Status.HELD]
        if match.confirmed_at and match.confirmed_at <= since and not any(m.starts_at and m.starts_at >= since for m in held):
            health.reasons.append(PairSignal(RiskReason.NO_RECENT_MEETING, {"days": period}))
        missed = sum(1 for m in own if m.status == Meeting.Status.MISSED)
        if missed >= 2:
            health.reasons.append(PairSignal(RiskReason.MISSED_MEETINGS, {"count": missed}))
        # Check-in signals are pooled per pair: neither who nor how low, so a hidden month's
        # scores cannot be read off this list. Only asking HR to reach out carries a name.
        checkins = [latest[(match.pk, user_id)] for user_id in roles if (match.pk, user_id) in latest]
        if any(c.pulse <= LOW_PULSE for c in checkins):
            health.reasons.append(PairSignal(RiskReason.LOW_PULSE))
        raised = {flag for c in checkins for flag in c.flags}
        health.reasons += [PairSignal(RiskReason.CHALLENGE, {"challenge": value}) for value in Challenge.values if value in raised]
        health.reach_outs = [(names[c.user_id], c.comment) for c in checkins if c.reach_out]
        if health.reach_outs:
            health.reasons.append(PairSignal(RiskReason.REACH_OUT))
        pair_logs = logs[match.pk]
        if pair_logs:
            sides = {
                (roles.get(log.author_id), kind)
                for log in pair_logs
                for kind, text in (("shared", log.shared), ("learned", log.learned))
                if text
            }
            if not {(Role.JUNIOR, "shared"), (Role.SENIOR, "shared"), (Role.JUNIOR, "learned"), (Role.SENIOR, "learned")} <= sides:
                health.reasons.append(PairSignal(RiskReason.ONE_WAY))
        if any(m.kind == Meeting.Kind.KICKOFF for m in held):
            health.milestones.append(PairSignal(MilestoneKind.KICKOFF_HELD))
        if len(held) >= 3:
            health.milestones.append(PairSignal(MilestoneKind.MEETINGS_HELD, {"count": len(held)}))
        result.append(health)
    return result


def health_badge(*, pairs: list[PairHealth]) -> str:
    if not pairs:
        return "none"
    share = sum(p.at_risk for p in pairs) / len(pairs)
    return "good" if share == 0 else "watch" if share <= 0.25 else "attention"


@dataclass
class Aggregate:
    question: Question
    respondents: int
    hidden: bool
    average: float | None = None
    yes_share: float | None = None
    counts: list[tuple[str, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def _aggregate(question: Question, values: list, topic_names: dict[int, str], *, hidden: bool) -> Aggregate:
    aggregate = Aggregate(question=question, respondents=len(values), hidden=hidden)
    if hidden:
        return aggregate
    if question.kind == Question.Kind.SCALE:
        aggregate.average = round(sum(values) / len(values), 2)
        aggregate.counts = [(str(n), values.count(n)) for n in range(1, 6)]
    elif question.kind == Question.Kind.YESNO:
        aggregate.yes_share = round(100 * sum(1 for v in values if v) / len(values))
    elif question.kind == Question.Kind.CHOICE:
        aggregate.counts = Counter(values).most_common()
    elif question.kind == Question.Kind.TOPICS:
        aggregate.counts = [(topic_names.get(t, "?"), n) for t, n in Counter(t for v in values for t in v).most_common(8)]
    else:
        aggregate.texts = sorted(values)  # anonymous: no names, no order of submission
    return aggregate


def survey_breakdown(*, survey: Survey) -> dict[str | None, list[Aggregate]]:
    """Every question's aggregate for everyone (key None) and for each role, as HR may see them.

    The one place the survey's privacy rules live; the dashboard, its CSV exports and the printed
    report all read from here.

    - Nothing is shown while the survey is open: figures that move with every answer would let
      anyone subtract yesterday's from today's.
    - A cell with fewer than MIN_GROUP respondents is hidden (primary suppression).
    - Everyone = juniors + seniors, so when one role's cell of a question is hidden, every role's
      cell of that question is hidden too and only the total stays (complementary suppression).
      The total is kept because it is the figure HR needs most; the other side's cell would add
      little and is exactly what the hidden one could be subtracted from. A role nobody answered
      for (0 respondents) protects no one: the other role then equals the total and stays.
    Respondent counts stay visible: they tell how many answered, never what.
    """
    released = survey.status == Survey.Status.CLOSED
    values: dict[tuple[int, str | None], list] = defaultdict(list)
    for question_id, role, value in Answer.objects.filter(response__survey=survey).values_list("question_id", "response__role", "value"):
        values[(question_id, None)].append(value)
        values[(question_id, role)].append(value)
    roles = sorted({role for (_q, role) in values if role is not None} | set(ROLES))
    topic_names = dict(Topic.objects.values_list("pk", "name"))
    breakdown: dict[str | None, list[Aggregate]] = {None: [], **{role: [] for role in roles}}
    for question in survey.questions.all():
        everyone = values[(question.pk, None)]
        breakdown[None].append(_aggregate(question, everyone, topic_names, hidden=not released or len(everyone) < MIN_GROUP))
        small_role = any(0 < len(values[(question.pk, role)]) < MIN_GROUP for role in roles)
        for role in roles:
            own = values[(question.pk, role)]
            breakdown[role].append(_aggregate(question, own, topic_names, hidden=not released or small_role or len(own) < MIN_GROUP))
    return breakdown


def survey_results(*, survey: Survey, role: str | None = None) -> list[Aggregate]:
    """One aggregate per question for everyone or for one role, suppression applied (see `survey_breakdown`)."""
    breakdown = survey_breakdown(survey=survey)
    return breakdown.get(role) or [Aggregate(question=a.question, respondents=0, hidden=True) for a in breakdown[None]]


def by_key(*, results: list[Aggregate]) -> dict[str, Aggregate]:
    return {a.question.key: a for a in results if a.question.key}


@dataclass
class Dashboard:
    program: Program
    funnel: list[tuple[str, int]]
    meetings: MeetingFacts
    pairs: list[PairHealth]
    badge: str
    two_way_share: int | None
    checkin_trend: list[tuple[int, float | None, int, str]]  # month, average (None: hidden), check-ins, why hidden
    mix: CategoryMix
    results_released: bool
    results_all: dict[str, Aggregate]
    results_junior: dict[str, Aggregate]
    results_senior: dict[str, Aggregate]
    recommendations: list[tuple[str, str, int]]
    survey: Survey | None

    @property
    def funnel_max(self) -> int:
        return max((n for _stage, n in self.funnel), default=0) or 1


def pulse_average(*, program: Program, month: int, pulses: list[int]) -> tuple[float | None, int, str]:
    """A month's average pulse, its number of check-ins and, when hidden, why.

    Shown only once the month is over (no check-in can change it any more, so no later figure
    can be subtracted from an earlier one) and when at least MIN_GROUP people checked in.
    """
    if program.status == Program.Status.ACTIVE and month >= program_month(program=program):
        return None, len(pulses), _("month in progress")
    if len(pulses) < MIN_GROUP:
        return None, len(pulses), _("hidden (under 3)")
    return round(sum(pulses) / len(pulses), 2), len(pulses), ""


def dashboard(*, program: Program) -> Dashboard:
    applications = program.applications.aggregate(applied=Count("pk"), accepted=Count("pk", filter=Q(status=Application.Status.ACCEPTED)))
    matched = (
        MatchMember.objects.filter(
            match__program=program,
            match__status__in=[Match.Status.PROPOSED, Match.Status.APPROVED, Match.Status.CONFIRMED, Match.Status.ENDED],
        )
        .values("user_id")
        .distinct()
        .count()
    )
    confirmed = (
        MatchMember.objects.filter(match__program=program, match__status__in=[Match.Status.CONFIRMED, Match.Status.ENDED])
        .values("user_id")
        .distinct()
        .count()
    )
    funnel = [
        ("invited", program.invitations.count()),
        ("applied", applications["applied"]),
        ("accepted", applications["accepted"]),
        ("matched", matched),
        ("confirmed", confirmed),
    ]
    pairs = pair_health(program=program)
    one_way = sum(1 for p in pairs if RiskReason.ONE_WAY in p.reason_codes)
    logged = SessionLog.objects.filter(meeting__match__program=program, held=True).values("meeting__match_id").distinct().count()
    two_way_share = round(100 * (logged - one_way) / logged) if logged else None
    pulses: dict[int, list[int]] = defaultdict(list)
    for month, pulse in CheckIn.objects.filter(program=program).values_list("month", "pulse"):
        pulses[month].append(pulse)
    trend = [(month, *pulse_average(program=program, month=month, pulses=values)) for month, values in sorted(pulses.items())]
    survey = Survey.objects.filter(program=program).first()
    results = survey_breakdown(survey=survey) if survey else {}
    statuses = dict(Recommendation.Status.choices)
    counts = dict(program.recommendations.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return Dashboard(
        program=program,
        funnel=funnel,
        meetings=meeting_facts(program=program),
        pairs=pairs,
        badge=health_badge(pairs=pairs),
        two_way_share=two_way_share,
        checkin_trend=trend,
        mix=category_mix(curriculum=list(program.curriculum.select_related("topic"))),
        results_released=bool(survey and survey.status == Survey.Status.CLOSED),
        results_all=by_key(results=results.get(None, [])),
        results_junior=by_key(results=results.get(Role.JUNIOR, [])),
        results_senior=by_key(results=results.get(Role.SENIOR, [])),
        recommendations=[(value, str(statuses[value]), counts.get(value, 0)) for value in statuses],
        survey=survey,
    )


@dataclass(frozen=True)
class Todo:
    label: str
    url: str


def todo_for(*, user: User) -> list[Todo]:
    """Pending check-ins and surveys for the portal home, in four queries."""
    from django.urls import reverse

    from .models import Response

    members = list(
        MatchMember.objects.filter(
            user=user,
            match__status__in=[Match.Status.CONFIRMED, Match.Status.ENDED],
            match__program__status__in=[Program.Status.ACTIVE, Program.Status.EVALUATING],
        ).select_related("match__program")
    )
    programs = {m.match.program_id: m.match.program for m in members}
    done = set(CheckIn.objects.filter(user=user, program_id__in=programs).values_list("program_id", "month"))
    open_surveys = {s.program_id: s for s in Survey.objects.filter(program_id__in=programs, status=Survey.Status.OPEN)}
    answered = set(Response.objects.filter(user=user, survey__in=open_surveys.values()).values_list("survey__program_id", flat=True))
    todos = []
    for member in members:
        program = member.match.program
        if (
            program.status == Program.Status.ACTIVE
            and member.match.status == Match.Status.CONFIRMED
            and (program.pk, program_month(program=program)) not in done
        ):
            todos.append(Todo(_("Monthly check-in: %(name)s") % {"name": program.name}, reverse("evaluation:checkin", args=[program.pk])))
        if program.pk in open_surveys and program.pk not in answered:
            todos.append(
                Todo(_("End-of-program survey: %(name)s") % {"name": program.name}, reverse("evaluation:survey", args=[program.pk]))
            )
    return todos
