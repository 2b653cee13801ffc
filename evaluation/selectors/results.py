"""The end-of-program survey's results as HR may see them: aggregates, small groups hidden."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet, TextField, Window
from django.db.models.functions import Cast, Lower, RowNumber
from django.utils.translation import gettext

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


def survey_breakdown(
    *, survey: Survey, keys: Collection[str] | None = None, own: bool = False, questions: list[Question] | None = None
) -> dict[str | None, list[Aggregate]]:
    """Every question's aggregate (or only those with one of `keys`, plus with `own` HR's own
    questions that are not free text) for everyone (key None) and for each role, as HR may see them.

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
    questions = [
        question
        for question in (survey.questions.all() if questions is None else questions)
        if keys is None or question.key in keys or (own and not question.key and question.kind != Question.Kind.TEXT)
    ]
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
    topic_names = {pk: gettext(name) for pk, name in Topic.objects.filter(pk__in=tagged).values_list("pk", "name")} if tagged else {}

    def size(question: Question, role: str | None) -> int:
        return sum(n for _value, n in tallies[(question.pk, role)])

    for question in questions:
        everyone = tallies[(question.pk, None)]
        breakdown[None].append(_aggregate(question, everyone, topic_names, hidden=not released or size(question, None) < MIN_GROUP))
        small_role = any(0 < size(question, role) < MIN_GROUP for role in roles)
        for role in roles:
            side = tallies[(question.pk, role)]
            hidden = not released or small_role or size(question, role) < MIN_GROUP
            breakdown[role].append(_aggregate(question, side, topic_names, hidden=hidden))
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
class TextAnswers:
    """A free-text question's answers as HR may read them: only once the survey is closed and at
    least MIN_GROUP people wrote something; by side only when no side that answered is smaller
    than MIN_GROUP (the complementary rule of `survey_breakdown`). Never a name, a date or a pair,
    and in alphabetical order, so neither who nor when can be read from them."""

    question: Question
    respondents: int
    by_role: dict[str, int]
    released: bool
    sample: list[str] = field(default_factory=list)  # the first few, alphabetically

    @property
    def shown(self) -> bool:
        return self.released and self.respondents >= MIN_GROUP

    @property
    def by_side(self) -> bool:
        return self.shown and not any(0 < n < MIN_GROUP for n in self.by_role.values())

    @property
    def more(self) -> int:
        return self.respondents - len(self.sample) if self.shown else 0


def _written(survey: Survey) -> QuerySet[Answer]:
    """The survey's free-text answers with something written in them."""
    return Answer.objects.filter(response__survey=survey, question__kind=Question.Kind.TEXT).exclude(value="")


def _alphabetical() -> list[Any]:
    return [Lower(Cast("value", TextField())).asc(), Cast("value", TextField()).asc()]


def survey_texts(*, survey: Survey, sample: int = 3, questions: list[Question] | None = None) -> list[TextAnswers]:
    """Every free-text question's answers (see `TextAnswers`) with up to `sample` of them each,
    in one query however many answers there are: each side's first few alphabetically, each
    carrying its side's count (the first few of both sides hold the first few of all)."""
    released = survey.status == Survey.Status.CLOSED
    questions = list(survey.questions.all()) if questions is None else questions
    texts = {
        question.pk: TextAnswers(question=question, respondents=0, by_role={}, released=released)
        for question in questions
        if question.kind == Question.Kind.TEXT
    }
    if not texts:
        return []
    side = [F("question_id"), F("response__role")]
    rows = (
        _written(survey)
        .filter(question__in=list(texts))
        .annotate(
            rank=Window(RowNumber(), partition_by=side, order_by=_alphabetical()),
            n=Window(Count("pk"), partition_by=side),
        )
        .filter(rank__lte=max(sample, 1))
        .values_list("question_id", "response__role", "n", "rank", "value")
    )
    samples: dict[int, list[str]] = defaultdict(list)
    for question_id, role, n, rank, value in rows:
        texts[question_id].by_role[role] = n
        if rank <= sample:
            samples[question_id].append(str(value))
    for answers in texts.values():
        answers.respondents = sum(answers.by_role.values())
        if answers.shown:
            answers.sample = sorted(samples[answers.question.pk], key=lambda text: (text.casefold(), text))[:sample]
    return list(texts.values())


def text_answers(*, survey: Survey, question: Question, by_side: bool) -> QuerySet[Answer, tuple[str, str]]:
    """All of one free-text question's written answers as (role, text), alphabetically (by side
    first when `by_side`), for a paginator: the caller checks `TextAnswers.shown` first."""
    order = ["response__role", *_alphabetical()] if by_side else _alphabetical()
    return _written(survey).filter(question=question).order_by(*order).values_list("response__role", "value")


@dataclass
class SurveyFigures:
    survey: Survey | None
    released: bool
    everyone: dict[str, Aggregate]
    juniors: dict[str, Aggregate]
    seniors: dict[str, Aggregate]
    # HR's own questions (not free text): (everyone, juniors, seniors) each
    own: list[tuple[Aggregate, Aggregate, Aggregate]] = field(default_factory=list)
    texts: list[TextAnswers] = field(default_factory=list)


def survey_figures(*, program: Program, sample: int = 3) -> SurveyFigures:
    """The survey's figures for the dashboard, its report and its CSV; `sample` free-text answers
    per question."""
    # The survey comes with its questions (every survey has the built-in ones): one query for both.
    questions = list(Question.objects.filter(survey__program=program).select_related("survey"))
    survey = questions[0].survey if questions else Survey.objects.filter(program=program).first()
    results = survey_breakdown(survey=survey, keys=DASHBOARD_KEYS, own=True, questions=questions) if survey else {}
    everyone = results.get(None, [])
    juniors, seniors = results.get(Role.JUNIOR, []), results.get(Role.SENIOR, [])
    return SurveyFigures(
        survey=survey,
        released=bool(survey and survey.status == Survey.Status.CLOSED),
        everyone=by_key(results=everyone),
        juniors=by_key(results=juniors),
        seniors=by_key(results=seniors),
        own=[cells for cells in zip(everyone, juniors, seniors, strict=True) if not cells[0].question.key],
        texts=survey_texts(survey=survey, sample=sample, questions=questions) if survey else [],
    )
