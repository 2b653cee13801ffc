"""Evaluation rows for tests that need a check-in, a survey answer or a recommendation to
exist; the services that write them are tested in this folder's test_services.py."""

import datetime

import factory
from django.utils import timezone

from evaluation.models import Answer, CheckIn, HRNote, Question, Recommendation, Response, Survey
from mentoring.models import Level
from programs.models import Program, Role, TopicCategory
from tests.matching.factories import MatchFactory, member
from tests.mentoring.factories import UserFactory
from tests.programs.factories import ProgramFactory


class CheckInFactory(factory.django.DjangoModelFactory):
    """The junior's month-1 pulse of a pair, all well; `worried=True` for a low pulse, a
    challenge and a request that HR reach out."""

    class Meta:
        model = CheckIn

    class Params:
        worried = factory.Trait(pulse=2, meetings_as_planned=False, flags=["no_time"], comment="We keep cancelling.", reach_out=True)

    match = factory.SubFactory(MatchFactory)
    program = factory.LazyAttribute(lambda o: o.match.program)
    user = factory.LazyAttribute(lambda o: member(o.match, Role.JUNIOR))
    month = 1
    pulse = 4
    meetings_as_planned = True
    flags = factory.LazyFunction(list)


class HRNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HRNote

    match = factory.SubFactory(MatchFactory)
    author = factory.SubFactory(UserFactory, level=Level.SENIOR)
    body = "Called both; they agreed on a fixed slot."


class SurveyFactory(factory.django.DjangoModelFactory):
    """The open end-of-program survey of an evaluating program (no questions: add them)."""

    class Meta:
        model = Survey

    program = factory.SubFactory(
        ProgramFactory,
        status=Program.Status.EVALUATING,
        start_date=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200)),
    )
    status = Survey.Status.OPEN
    opened_at = factory.LazyFunction(timezone.now)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    order = factory.Sequence(lambda n: n)
    kind = Question.Kind.SCALE
    text = factory.Sequence(lambda n: f"Question {n}: how useful was it?")


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    user = factory.SubFactory(UserFactory, level=Level.JUNIOR)
    role = Role.JUNIOR


class AnswerFactory(factory.django.DjangoModelFactory):
    """A 1–5 answer to a scale question of the response's own survey."""

    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory, survey=factory.SelfAttribute("..response.survey"))
    value = 4


class RecommendationFactory(factory.django.DjangoModelFactory):
    """A proposed recommendation; `adopted=True` for one leadership took up (with its follow-up
    date); `authors=[…]` for who wrote it."""

    class Meta:
        model = Recommendation
        skip_postgeneration_save = True

    class Params:
        adopted = factory.Trait(
            status=Recommendation.Status.ADOPTED,
            leadership_response="We will pilot it next quarter.",
            follow_up_date=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90)),
        )

    program = factory.SubFactory(ProgramFactory, status=Program.Status.EVALUATING)
    title = factory.Sequence(lambda n: f"Recommendation {n}: async stand-ups")
    description = "Replace the daily status meeting with a written update."
    area = TopicCategory.WORK_WORLD
    status = Recommendation.Status.PROPOSED
    created_by = factory.SelfAttribute("program.created_by")

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.authors.set(extracted)
