"""What the database refuses about evaluation, its enumerations, and who opened the survey."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from evaluation.models import CheckIn, Question, Recommendation, Response, Survey
from evaluation.services import recommendation_update, survey_open
from matching.models import Match
from programs.models import Program, Role
from programs.services import program_transition
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db


def evaluating_program(hr):
    program, people = confirmed_pairs(hr)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    program_transition(program=program, to_status=Program.Status.EVALUATING, by=hr, force=True, reason="Test")
    program.refresh_from_db()
    return program, people


def recommendation(program, **values) -> Recommendation:
    return Recommendation.objects.create(
        program=program, title="Dev containers", description="Faster onboarding", area="technology", **values
    )


def test_an_adopted_recommendation_needs_a_follow_up_date(hr):
    program, people = confirmed_pairs(hr)
    with pytest.raises(IntegrityError, match="recommendation_adopted_follow_up"), transaction.atomic():
        recommendation(program, status=Recommendation.Status.ADOPTED)
    adopted = recommendation(program, status=Recommendation.Status.ADOPTED, follow_up_date=timezone.localdate())
    with pytest.raises(IntegrityError, match="recommendation_adopted_follow_up"), transaction.atomic():
        Recommendation.objects.filter(pk=adopted.pk).update(follow_up_date=None)
    recommendation(program, status=Recommendation.Status.DECLINED)  # only adoption promises a follow-up


def test_the_service_asks_for_the_follow_up_date_before_the_database_would(hr):
    program, people = confirmed_pairs(hr)
    under_review = recommendation(program, status=Recommendation.Status.UNDER_REVIEW)
    with pytest.raises(ValidationError, match="An adopted recommendation needs a follow-up date") as excinfo:
        recommendation_update(recommendation=under_review, by=hr, status="adopted", leadership_response="Funded")
    assert "follow_up_date" in excinfo.value.message_dict
    assert Recommendation.objects.get(pk=under_review.pk).status == Recommendation.Status.UNDER_REVIEW


def test_opening_the_survey_records_who_opened_it(hr):
    program, people = evaluating_program(hr)
    survey = Survey.objects.get(program=program)
    assert survey.opened_by is None
    survey_open(survey=survey, by=hr)
    survey = Survey.objects.get(pk=survey.pk)
    assert (survey.status, survey.opened_by) == (Survey.Status.OPEN, hr)


def test_built_in_questions_carry_keys_from_the_choices(hr):
    program, people = evaluating_program(hr)
    keys = set(Question.objects.filter(survey__program=program).values_list("key", flat=True))
    assert keys == set(Question.Key.values)  # every built-in question, and no key outside the list


def test_a_response_records_the_role_as_one_of_the_choices(hr):
    program, ((junior, senior),) = evaluating_program(hr)
    survey = Survey.objects.get(program=program)
    response = Response.objects.create(survey=survey, user=junior, role=Role.JUNIOR)
    assert response.get_role_display() == Role.JUNIOR.label
    response.role = "boss"
    with pytest.raises(ValidationError, match="not a valid choice"):
        response.full_clean()


def test_one_check_in_per_person_and_month(hr):
    program, ((junior, senior),) = confirmed_pairs(hr)
    match = Match.objects.get(program=program)
    values = {"program": program, "match": match, "user": junior, "month": 2, "pulse": 4, "meetings_as_planned": True}
    CheckIn.objects.create(**values)
    with pytest.raises(IntegrityError, match="checkin_once_a_month|UNIQUE constraint"), transaction.atomic():
        CheckIn.objects.create(**values)
    CheckIn.objects.create(**{**values, "month": 3})
    CheckIn.objects.create(**{**values, "user": senior})
