"""The HR dashboard's and printed report's figures, each computed in the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from matching.models import Match, MatchMember
from programs.models import Application, Program
from programs.selectors import CategoryMix, category_mix
from sessions.selectors import MonthFacts, meetings_by_month

from ..models import CheckIn, Recommendation, Survey
from .pairs import HealthSummary, PairHealthFacts, health_summary, pair_facts
from .participants import MIN_GROUP, PARTICIPATING, program_month
from .results import Aggregate, SurveyFigures, survey_figures


def funnel(*, program: Program) -> list[tuple[str, int]]:
    applications = program.applications.aggregate(applied=Count("pk"), accepted=Count("pk", filter=Q(status=Application.Status.ACCEPTED)))
    offered = [Match.Status.PROPOSED, Match.Status.APPROVED, Match.Status.CONFIRMED, Match.Status.ENDED]
    people = MatchMember.objects.filter(match__program=program).aggregate(
        matched=Count("user_id", distinct=True, filter=Q(match__status__in=offered)),
        confirmed=Count("user_id", distinct=True, filter=Q(match__status__in=PARTICIPATING)),
    )
    return [
        ("invited", program.invitations.count()),
        ("applied", applications["applied"]),
        ("accepted", applications["accepted"]),
        ("matched", people["matched"]),
        ("confirmed", people["confirmed"]),
    ]


@dataclass(frozen=True)
class MeetingSummary:
    months: list[MonthFacts]
    average_minutes: float | None


def meeting_summary(*, program: Program) -> MeetingSummary:
    """Meetings per program month and the average length of held ones: counts and lengths only.
    (sessions' `meeting_facts` also lists the quiet pairs, which the dashboard does not show.)"""
    months, average_minutes = meetings_by_month(program=program)
    return MeetingSummary(months=months, average_minutes=average_minutes)


def pulse_average(*, program: Program, month: int, total: int, count: int) -> tuple[float | None, int, str]:
    """A month's average pulse (of `count` check-ins adding up to `total`), its number of
    check-ins and, when hidden, why.

    Shown only once the month is over (no check-in can change it any more, so no later figure
    can be subtracted from an earlier one) and when at least MIN_GROUP people checked in.
    """
    if program.status == Program.Status.ACTIVE and month >= program_month(program=program):
        return None, count, _("month in progress")
    if count < MIN_GROUP:
        return None, count, _("hidden (under 3)")
    return round(total / count, 2), count, ""


def checkin_trend(*, program: Program) -> list[tuple[int, float | None, int, str]]:
    """Per program month: the average pulse (None: hidden), the check-ins and why hidden."""
    rows = CheckIn.objects.filter(program=program).order_by("month").values("month").annotate(total=Sum("pulse"), count=Count("pk"))
    return [(row["month"], *pulse_average(program=program, month=row["month"], total=row["total"], count=row["count"])) for row in rows]


def recommendation_counts(*, program: Program) -> list[tuple[str, str, int]]:
    """(status, its label, recommendations) for every status, in the board's order."""
    counts = dict(program.recommendations.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, str(label), counts.get(value, 0)) for value, label in Recommendation.Status.choices]


def curriculum_mix(*, program: Program) -> CategoryMix:
    return category_mix(curriculum=list(program.curriculum.select_related("topic")))


@dataclass
class Dashboard:
    program: Program
    funnel: list[tuple[str, int]]
    meetings: MeetingSummary
    health: HealthSummary
    checkin_trend: list[tuple[int, float | None, int, str]]  # month, average (None: hidden), check-ins, why hidden
    mix: CategoryMix
    results: SurveyFigures
    recommendations: list[tuple[str, str, int]]

    @property
    def funnel_max(self) -> int:
        return max((n for _stage, n in self.funnel), default=0) or 1

    @property
    def badge(self) -> str:
        return self.health.badge

    @property
    def two_way_share(self) -> int | None:
        return self.health.two_way_share

    @property
    def survey(self) -> Survey | None:
        return self.results.survey

    @property
    def results_released(self) -> bool:
        return self.results.released

    @property
    def results_all(self) -> dict[str, Aggregate]:
        return self.results.everyone

    @property
    def results_junior(self) -> dict[str, Aggregate]:
        return self.results.juniors

    @property
    def results_senior(self) -> dict[str, Aggregate]:
        return self.results.seniors


def dashboard(*, program: Program, facts: PairHealthFacts | None = None, text_sample: int = 3) -> Dashboard:
    """Every figure of the dashboard and its printed report, each computed in the database;
    `facts` (from `pair_facts`) when the caller has them already; `text_sample` written survey
    answers per question."""
    return Dashboard(
        program=program,
        funnel=funnel(program=program),
        meetings=meeting_summary(program=program),
        health=health_summary(program=program, facts=pair_facts(program=program) if facts is None else facts),
        checkin_trend=checkin_trend(program=program),
        mix=curriculum_mix(program=program),
        results=survey_figures(program=program, sample=text_sample),
        recommendations=recommendation_counts(program=program),
    )
