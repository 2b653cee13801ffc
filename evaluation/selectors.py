"""What HR may see about a program's health and results: facts and aggregates only.

Aggregates over fewer than MIN_GROUP respondents are hidden; check-in comments appear only
when the participant asked HR to reach out; notes and logs are never read here.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from matching.models import Match, MatchMember
from programs.models import Application, Program, Role, Topic
from programs.selectors import category_mix
from sessions.models import Meeting, SessionLog
from sessions.selectors import meeting_facts

from .models import Challenge, CheckIn, HRNote, Question, Recommendation, Survey

MIN_GROUP = 3
LOW_PULSE = 2


@dataclass
class PairHealth:
    match: Match
    reasons: list[str] = field(default_factory=list)
    milestones: list[str] = field(default_factory=list)
    reach_out_comments: list[str] = field(default_factory=list)
    hr_notes: list[HRNote] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)


def pair_health(program: Program, now: datetime.datetime | None = None) -> list[PairHealth]:
    """Every confirmed pair with its at-risk reasons and its celebrated milestones.

    A fixed number of queries: meetings, logs, check-ins and HR notes are loaded per program.
    """
    now = now or timezone.now()
    period = {Program.Cadence.WEEKLY: 7, Program.Cadence.BIWEEKLY: 14, Program.Cadence.MONTHLY: 31}[program.meeting_cadence]
    since = now - datetime.timedelta(days=period)
    matches = list(
        program.matches.filter(status__in=[Match.Status.CONFIRMED, Match.Status.PAUSED])
        .prefetch_related(Prefetch("members", queryset=MatchMember.objects.select_related("user")), Prefetch("hr_notes", queryset=HRNote.objects.select_related("author")))
        .order_by("pk")
    )
    meetings = defaultdict(list)
    for meeting in Meeting.objects.filter(match__in=matches).only("pk", "match_id", "status", "starts_at", "kind"):
        meetings[meeting.match_id].append(meeting)
    logs = defaultdict(list)
    for log in SessionLog.objects.filter(meeting__match__in=matches, held=True).only("meeting__match_id", "author_id", "shared", "learned").select_related("meeting"):
        logs[log.meeting.match_id].append(log)
    latest: dict[tuple[int, int], CheckIn] = {}
    for checkin in CheckIn.objects.filter(match__in=matches).order_by("created_at"):
        latest[(checkin.match_id, checkin.user_id)] = checkin
    labels = dict(Challenge.choices)
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
            health.reasons.append(f"no meeting held in the last {period} days")
        missed = sum(1 for m in own if m.status == Meeting.Status.MISSED)
        if missed >= 2:
            health.reasons.append(f"{missed} missed meetings")
        for user_id in roles:
            checkin = latest.get((match.pk, user_id))
            if checkin is None:
                continue
            if checkin.pulse <= LOW_PULSE:
                health.reasons.append(f"low pulse ({checkin.pulse}/5) from {names[user_id]}")
            for flag in checkin.flags:
                health.reasons.append(f"{names[user_id]}: {labels.get(flag, flag).lower()}")
            if checkin.reach_out:
                health.reasons.append(f"{names[user_id]} asked HR to reach out")
                if checkin.comment:
                    health.reach_out_comments.append(f"{names[user_id]}: {checkin.comment}")
        pair_logs = logs[match.pk]
        if pair_logs:
            sides = {(roles.get(log.author_id), kind) for log in pair_logs for kind, text in (("shared", log.shared), ("learned", log.learned)) if text}
            if not {(Role.JUNIOR, "shared"), (Role.SENIOR, "shared"), (Role.JUNIOR, "learned"), (Role.SENIOR, "learned")} <= sides:
                health.reasons.append("one-way street: not both sides share and learn")
        if any(m.kind == Meeting.Kind.KICKOFF for m in held):
            health.milestones.append("kickoff held")
        if len(held) >= 3:
            health.milestones.append(f"{len(held)} meetings held")
        result.append(health)
    return result


def health_badge(pairs: list[PairHealth]) -> str:
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


def survey_results(survey: Survey, *, role: str | None = None) -> list[Aggregate]:
    """One aggregate per question; hidden when fewer than MIN_GROUP people answered it."""
    answers = defaultdict(list)
    filters = Q(response__survey=survey)
    if role:
        filters &= Q(response__role=role)
    from .models import Answer

    for answer in Answer.objects.filter(filters).only("question_id", "value"):
        answers[answer.question_id].append(answer.value)
    topic_names = dict(Topic.objects.values_list("pk", "name"))
    results = []
    for question in survey.questions.all():
        values = answers[question.pk]
        aggregate = Aggregate(question=question, respondents=len(values), hidden=len(values) < MIN_GROUP)
        if not aggregate.hidden:
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
        results.append(aggregate)
    return results


def by_key(results: list[Aggregate]) -> dict[str, Aggregate]:
    return {a.question.key: a for a in results if a.question.key}


@dataclass
class Dashboard:
    program: Program
    funnel: list[tuple[str, int]]
    meetings: object
    pairs: list[PairHealth]
    badge: str
    two_way_share: int | None
    checkin_trend: list[tuple[int, float | None, int]]
    mix: object
    results_all: dict[str, Aggregate]
    results_junior: dict[str, Aggregate]
    results_senior: dict[str, Aggregate]
    recommendations: list[tuple[str, str, int]]
    survey: Survey | None

    @property
    def funnel_max(self) -> int:
        return max((n for _stage, n in self.funnel), default=0) or 1


def dashboard(program: Program) -> Dashboard:
    applications = program.applications.aggregate(
        applied=Count("pk"), accepted=Count("pk", filter=Q(status=Application.Status.ACCEPTED))
    )
    matched = MatchMember.objects.filter(match__program=program, match__status__in=[Match.Status.PROPOSED, Match.Status.APPROVED, Match.Status.CONFIRMED, Match.Status.ENDED]).values("user_id").distinct().count()
    confirmed = MatchMember.objects.filter(match__program=program, match__status__in=[Match.Status.CONFIRMED, Match.Status.ENDED]).values("user_id").distinct().count()
    funnel = [
        ("invited", program.invitations.count()),
        ("applied", applications["applied"]),
        ("accepted", applications["accepted"]),
        ("matched", matched),
        ("confirmed", confirmed),
    ]
    pairs = pair_health(program)
    one_way = sum(1 for p in pairs if "one-way street: not both sides share and learn" in p.reasons)
    logged = SessionLog.objects.filter(meeting__match__program=program, held=True).values("meeting__match_id").distinct().count()
    two_way_share = round(100 * (logged - one_way) / logged) if logged else None
    pulses: dict[int, list[int]] = defaultdict(list)
    for month, pulse in CheckIn.objects.filter(program=program).values_list("month", "pulse"):
        pulses[month].append(pulse)
    # A month's average is shown only when at least MIN_GROUP people checked in.
    trend = [(month, round(sum(v) / len(v), 2) if len(v) >= MIN_GROUP else None, len(v)) for month, v in sorted(pulses.items())]
    survey = Survey.objects.filter(program=program).first()
    empty: dict[str, Aggregate] = {}
    statuses = dict(Recommendation.Status.choices)
    counts = dict(program.recommendations.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return Dashboard(
        program=program,
        funnel=funnel,
        meetings=meeting_facts(program),
        pairs=pairs,
        badge=health_badge(pairs),
        two_way_share=two_way_share,
        checkin_trend=trend,
        mix=category_mix(list(program.curriculum.select_related("topic"))),
        results_all=by_key(survey_results(survey)) if survey else empty,
        results_junior=by_key(survey_results(survey, role=Role.JUNIOR)) if survey else empty,
        results_senior=by_key(survey_results(survey, role=Role.SENIOR)) if survey else empty,
        recommendations=[(value, str(statuses[value]), counts.get(value, 0)) for value in statuses],
        survey=survey,
    )


@dataclass(frozen=True)
class Todo:
    label: str
    url: str


def todo_for(user) -> list[Todo]:
    """Pending check-ins and surveys for the portal home, in four queries."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .models import Response
    from .services import program_month

    members = list(
        MatchMember.objects.filter(user=user, match__status__in=[Match.Status.CONFIRMED, Match.Status.ENDED], match__program__status__in=[Program.Status.ACTIVE, Program.Status.EVALUATING])
        .select_related("match__program")
    )
    programs = {m.match.program_id: m.match.program for m in members}
    done = set(CheckIn.objects.filter(user=user, program_id__in=programs).values_list("program_id", "month"))
    open_surveys = {s.program_id: s for s in Survey.objects.filter(program_id__in=programs, status=Survey.Status.OPEN)}
    answered = set(Response.objects.filter(user=user, survey__in=open_surveys.values()).values_list("survey__program_id", flat=True))
    todos = []
    for member in members:
        program = member.match.program
        if program.status == Program.Status.ACTIVE and member.match.status == Match.Status.CONFIRMED and (program.pk, program_month(program)) not in done:
            todos.append(Todo(_("Monthly check-in: %(name)s") % {"name": program.name}, reverse("evaluation:checkin", args=[program.pk])))
        if program.pk in open_surveys and program.pk not in answered:
            todos.append(Todo(_("End-of-program survey: %(name)s") % {"name": program.name}, reverse("evaluation:survey", args=[program.pk])))
    return todos
