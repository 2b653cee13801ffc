"""Writes: check-ins, HR notes and kudos, the survey's questions and answers, recommendations."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evaluation.models import CheckIn, Question, Recommendation, Survey
from evaluation.selectors import pair_health, survey_for
from evaluation.services import (
    checkin_submit,
    hr_note_add,
    kudos_send,
    question_add,
    recommendation_submit,
    recommendation_update,
    response_submit,
    survey_open,
)
from matching.models import Match
from notifications.models import Notification
from tests.evaluation.helpers import active, answer, evaluating

pytestmark = pytest.mark.django_db


def test_checkin_guards(hr, outsider):
    program, ((junior, senior),) = active(hr)
    checkin_submit(program=program, user=junior, pulse=4, meetings_as_planned=True)
    with pytest.raises(ValidationError, match="already checked in"):
        checkin_submit(program=program, user=junior, pulse=4, meetings_as_planned=True)
    with pytest.raises(PermissionDenied, match="for people in a confirmed pair"):
        checkin_submit(program=program, user=outsider, pulse=4, meetings_as_planned=True)
    with pytest.raises(ValidationError, match="Choose from 1 to 5"):
        checkin_submit(program=program, user=senior, pulse=9, meetings_as_planned=True)
    with pytest.raises(ValidationError, match="Unknown challenge"):
        checkin_submit(program=program, user=senior, pulse=3, meetings_as_planned=True, flags=["bored"])
    assert CheckIn.objects.count() == 1


def test_hr_notes_and_kudos_are_for_coordinators(hr, junior):
    program, ((j, s),) = active(hr)
    match = Match.objects.get(program=program)
    hr_note_add(match=match, author=hr, body="Called both; moving to Thursdays.")
    assert pair_health(program=program)[0].hr_notes[0].body == "Called both; moving to Thursdays."
    with pytest.raises(PermissionDenied, match="HR notes are for coordinators"):
        hr_note_add(match=match, author=j, body="x")
    assert kudos_send(match=match, by=hr, message="Well done!") == 2
    with pytest.raises(PermissionDenied, match="Kudos come from the coordinators"):
        kudos_send(match=match, by=j, message="x")


def test_kudos_sent_twice_is_sent_once_and_other_words_are_new_kudos(hr):
    program, ((j, s),) = active(hr)
    match = Match.objects.get(program=program)
    assert kudos_send(match=match, by=hr, message="Great demo!") == 2
    assert kudos_send(match=match, by=hr, message="  Great demo! ") == 0  # a double click, a second tab
    assert sorted(Notification.objects.filter(kind="kudos").values_list("recipient", flat=True)) == sorted([j.pk, s.pk])
    assert kudos_send(match=match, by=hr, message="And a great retrospective.") == 2
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert kudos_send(match=match, by=hr, message="Great demo!") == 2  # the same words for another success
    assert Notification.objects.filter(kind="kudos").count() == 6


def test_entering_evaluation_prepares_the_survey_and_hr_can_add_questions(hr):
    program, _people = evaluating(hr, 1)
    survey = Survey.objects.get(program=program)
    assert [q.key for q in survey.questions.all()] == [
        "satisfaction",
        "skills",
        "skills_topics",
        "relationship",
        "continue",
        "worked",
        "change",
    ]
    question_add(survey=survey, kind=Question.Kind.CHOICE, text="Best format?", choices=["1:1", "group"])
    with pytest.raises(ValidationError, match="needs at least two options"):
        question_add(survey=survey, kind=Question.Kind.CHOICE, text="Only one option", choices=["a"])
    survey_open(survey=survey, by=hr)
    with pytest.raises(ValidationError, match="before the survey is sent"):
        question_add(survey=survey, kind=Question.Kind.TEXT, text="Late question")


def test_survey_guards(hr, outsider):
    program, ((junior, senior),) = evaluating(hr, 1)
    survey = survey_for(program=program)
    with pytest.raises(ValidationError, match="not open"):
        answer(survey, junior, 4, True)
    survey_open(survey=survey, by=hr)
    with pytest.raises(PermissionDenied, match="The survey is for the program"):
        answer(survey, outsider, 4, True)
    with pytest.raises(ValidationError, match="Please answer this question"):
        response_submit(survey=survey, user=junior, answers={})  # required questions missing
    answer(survey, junior, 4, True)
    with pytest.raises(ValidationError, match="already answered"):
        answer(survey, junior, 4, True)


def test_recommendation_workflow(hr, outsider):
    program, ((junior, senior),) = active(hr)
    recommendation = recommendation_submit(
        program=program,
        by=junior,
        title="Dev containers",
        description="Faster onboarding",
        area="technology",
        expected_impact="high",
        coauthors=[senior, outsider],
    )
    assert set(recommendation.authors.all()) == {junior, senior}  # outsiders are not co-authors
    with pytest.raises(PermissionDenied, match="Recommendations come from the program"):
        recommendation_submit(program=program, by=outsider, title="x", description="y", area="culture", expected_impact="low")
    with pytest.raises(ValidationError, match="cannot become adopted"):
        recommendation_update(
            recommendation=recommendation, by=hr, status="adopted", leadership_response="Yes", follow_up_date=timezone.localdate()
        )
    recommendation_update(recommendation=recommendation, by=hr, status="under_review")
    with pytest.raises(ValidationError, match="needs a follow-up date"):
        recommendation_update(recommendation=recommendation, by=hr, status="adopted", leadership_response="Yes")  # follow-up date missing
    with pytest.raises(PermissionDenied, match="Coordinators record leadership"):
        recommendation_update(
            recommendation=recommendation, by=junior, status="adopted", leadership_response="Yes", follow_up_date=timezone.localdate()
        )
    recommendation_update(
        recommendation=recommendation, by=hr, status="adopted", leadership_response="Funded", follow_up_date=timezone.localdate()
    )
    assert Recommendation.objects.get().status == "adopted"
