"""The end-of-program survey's results as HR may see them: aggregates, small groups hidden."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from programs.models import Program, Role, Topic

from ..models import Answer, Question, Survey
from .participants import MIN_GROUP, ROLES


@dataclass
class Aggregate:
    question: Question
    respondents: int
    hidden: bool
    average: float | None = None
    yes_share: float | None = None
    counts: list[tuple[str, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


Tally = list[tuple[Any, int]]  # (an answer's value, how many gave it)


def _aggregate(question: Question, tally: Tally, topic_names: Mapping[int, str], *, hidden: bool) -> Aggregate:
    """A question's figures from its tally of values."""
    respondents = sum(n for _value, n in tally)
    aggregate = Aggregate(question=question, respondents=respondents, hidden=hidden)
    if hidden:
        return aggregate
    if question.kind == Question.Kind.SCALE:
        aggregate.average = round(sum(value * n for value, n in tally) / respondents, 2)
        aggregate.counts = [(str(k), sum(n for value, n in tally if value == k)) for k in range(1, 6)]
    elif question.kind == Question.Kind.YESNO:
        aggregate.yes_share = round(100 * sum(n for value, n in tally if value) / respondents)
    elif question.kind == Question.Kind.CHOICE:
        counts: Counter[str] = Counter()
        for value, n in tally:
            counts[value] += n
        order = {choice: index for index, choice in enumerate(question.choices)}
        aggregate.counts = sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], len(order)), str(item[0])))
    elif question.kind == Question.Kind.TOPICS:
        topics: Counter[int] = Counter()
        for value, n in tally:
            for topic in value:
                topics[topic] += n
        aggregate.counts = [
            (topic_names.get(topic, "?"), n) for topic, n in sorted(topics.items(), key=lambda item: (-item[1], item[0]))[:8]
        ]
    else:
        aggregate.texts = sorted(value for value, n in tally for _ in range(n))  # anonymous: no names, no order of submission
    return aggregate


def survey_breakdown(*, survey: Survey, keys: Collection[str] | None = None) -> dict[str | None, list[Aggregate]]:
    """Every question's aggregate (or only those with one of `keys`) for everyone (key None) and
    for each role, as HR may see them.

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

    The database counts the answers by question, role and value; no answer is loaded.
    """
    released = survey.status == Survey.Status.CLOSED
    questions = [question for question in survey.questions.all() if keys is None or question.key in keys]
    tallies: dict[tuple[int, str | None], Tally] = defaultdict(list)
    for question_id, role, value, n in (
        Answer.objects.filter(response__survey=survey, question__in=[question.pk for question in questions])
        .order_by()
        .values_list("question_id", "response__role", "value")
        .annotate(n=Count("pk"))
    ):
        tallies[(question_id, None)].append((value, n))
        tallies[(question_id, role)].append((value, n))
    roles = sorted({role for (_q, role) in tallies if role is not None} | set(ROLES))
    breakdown: dict[str | None, list[Aggregate]] = {None: [], **{role: [] for role in roles}}
    tagged = {
        topic for q in questions if released and q.kind == Question.Kind.TOPICS for value, _n in tallies[(q.pk, None)] for topic in value
    }
    topic_names = dict(Topic.objects.filter(pk__in=tagged).values_list("pk", "name")) if tagged else {}

    def size(question: Question, role: str | None) -> int:
        return sum(n for _value, n in tallies[(question.pk, role)])

    for question in questions:
        everyone = tallies[(question.pk, None)]
        breakdown[None].append(_aggregate(question, everyone, topic_names, hidden=not released or size(question, None) < MIN_GROUP))
        small_role = any(0 < size(question, role) < MIN_GROUP for role in roles)
        for role in roles:
            own = tallies[(question.pk, role)]
            hidden = not released or small_role or size(question, role) < MIN_GROUP
            breakdown[role].append(_aggregate(question, own, topic_names, hidden=hidden))
    return breakdown


def survey_results(*, survey: Survey, role: str | None = None) -> list[Aggregate]:
    """One aggregate per question for everyone or for one role, suppression applied (see `survey_breakdown`)."""
    breakdown = survey_breakdown(survey=survey)
    return breakdown.get(role) or [Aggregate(question=a.question, respondents=0, hidden=True) for a in breakdown[None]]


def by_key(*, results: list[Aggregate]) -> dict[str, Aggregate]:
    return {a.question.key: a for a in results if a.question.key}


# The survey figures the dashboard, its report and its CSV show.
DASHBOARD_KEYS = (Question.Key.SATISFACTION, Question.Key.RELATIONSHIP, Question.Key.CONTINUE, Question.Key.SKILLS_TOPICS)


@dataclass
class SurveyFigures:
    survey: Survey | None
    released: bool
    everyone: dict[str, Aggregate]
    juniors: dict[str, Aggregate]
    seniors: dict[str, Aggregate]


def survey_figures(*, program: Program) -> SurveyFigures:
    survey = Survey.objects.filter(program=program).first()
    results = survey_breakdown(survey=survey, keys=DASHBOARD_KEYS) if survey else {}
    return SurveyFigures(
        survey=survey,
        released=bool(survey and survey.status == Survey.Status.CLOSED),
        everyone=by_key(results=results.get(None, [])),
        juniors=by_key(results=results.get(Role.JUNIOR, [])),
        seniors=by_key(results=results.get(Role.SENIOR, [])),
    )
