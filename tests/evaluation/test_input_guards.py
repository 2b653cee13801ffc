"""Malformed and oversized input to the evaluation pages: a clear message, nothing written, never a 500."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import Answer, CheckIn, Question, Recommendation, Response
from evaluation.selectors import survey_for
from evaluation.services import (
    checkin_submit,
    question_add,
    recommendation_submit,
    recommendation_update,
    response_submit,
    survey_open,
)
from tests.evaluation.helpers import active, evaluating

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- C: non-numbers where numbers are expected ---------------------------------------------------
@pytest.fixture
def open_survey(client, hr):
    program, ((junior, _senior),) = evaluating(hr, 1)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)
    client.force_login(junior)
    questions = {q.key: q for q in survey.questions.all()}
    valid = {
        f"q{questions['satisfaction'].pk}": "4",
        f"q{questions['skills'].pk}": "Git",
        f"q{questions['relationship'].pk}": "yes",
        f"q{questions['continue'].pk}": "yes",
        f"q{questions['worked'].pk}": "Slots",
        f"q{questions['change'].pk}": "More",
    }
    return program, questions, valid


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("satisfaction", "abc", "Choose from 1 to 5."),
        ("satisfaction", "4.5", "Choose from 1 to 5."),
        ("satisfaction", HUGE, "Choose from 1 to 5."),
        ("skills_topics", "abc", "Choose topics from the list."),
        ("skills_topics", HUGE, "Choose topics from the list."),
        ("skills_topics", "-1", "Choose topics from the list."),
        ("skills", "x" * 5001, "Please keep it to 5000 characters (this has 5001)."),
    ],
)
def test_a_malformed_survey_answer_is_shown_on_the_form_and_nothing_is_saved(client, open_survey, key, value, message):
    program, questions, valid = open_survey
    response = client.post(reverse("evaluation:survey", args=[program.pk]), {**valid, f"q{questions[key].pk}": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please answer the highlighted questions." in page and message in page
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_the_same_survey_answered_properly_is_saved(client, open_survey):
    program, questions, valid = open_survey
    response = client.post(reverse("evaluation:survey", args=[program.pk]), valid)
    assert response.status_code == 302 and Response.objects.count() == 1


@pytest.mark.parametrize("pulse", ["abc", "", "4.5", HUGE, "0", "6"])
def test_a_malformed_pulse_is_refused_with_a_message(client, hr, pulse):
    program, ((junior, _senior),) = active(hr)
    client.force_login(junior)
    response = client.post(
        reverse("evaluation:checkin", args=[program.pk]),
        {"pulse": pulse, "meetings_as_planned": "no", "flags": ["no_time"], "comment": "Kept"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"pulse": ["Choose from 1 to 5."]}  # on its field, not a banner
    page = response.content.decode()
    assert "Choose from 1 to 5." in page and flashed(response) == []
    # The rest of the answer is still there to correct and send again.
    assert 'value="no" checked' in page and 'value="no_time" id="flag-no_time" checked' in page and ">Kept</textarea>" in page
    assert not CheckIn.objects.exists()


@pytest.fixture
def board(hr_client, hr):
    program, ((junior, _senior),) = active(hr)
    recommendation = recommendation_submit(
        program=program, by=junior, title="Dev containers", description="Faster onboarding", area="technology", expected_impact="high"
    )
    return program, recommendation


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"recommendation": "abc"}, "That recommendation is not on this program's board; reload the page and try again."),
        ({"recommendation": HUGE}, "That recommendation is not on this program's board; reload the page and try again."),
        ({"recommendation": "²"}, "That recommendation is not on this program's board; reload the page and try again."),
        ({"recommendation": ""}, "That recommendation is not on this program's board; reload the page and try again."),
        ({"status": "bogus"}, "Choose a status from the list."),
        ({"status": "under_review", "follow_up_date": "next week"}, "Enter the follow-up date as YYYY-MM-DD."),
        ({"status": "under_review", "leadership_response": "x" * 5001}, "Please keep it to 5000 characters (this has 5001)."),
        ({"status": "under_review", "outcome": "x" * 5001}, "Please keep it to 5000 characters (this has 5001)."),
    ],
)
def test_malformed_board_updates_are_refused_with_a_message(hr_client, board, posted, message):
    program, recommendation = board
    data = {"recommendation": str(recommendation.pk), "status": "proposed", **posted}
    response = hr_client.post(reverse("evaluation:recommendation_board", args=[program.pk]), data)
    assert response.status_code == 302
    assert flashed(response) == [message]
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.leadership_response, recommendation.outcome, recommendation.follow_up_date) == (
        "proposed",
        "",
        "",
        None,
    )


def test_a_recommendation_of_another_program_cannot_be_updated_from_this_board(hr_client, hr, board):
    program, _recommendation = board
    other, ((junior, _senior),) = active(hr)
    elsewhere = recommendation_submit(
        program=other, by=junior, title="Elsewhere", description="Other board", area="culture", expected_impact="low"
    )
    response = hr_client.post(
        reverse("evaluation:recommendation_board", args=[program.pk]), {"recommendation": str(elsewhere.pk), "status": "under_review"}
    )
    assert response.status_code == 302 and flashed(response) == [
        "That recommendation is not on this program's board; reload the page and try again."
    ]
    elsewhere.refresh_from_db()
    assert elsewhere.status == "proposed"


# --- D: length limits, in the services ----------------------------------------------------------
def test_recommendation_title_and_description_have_limits(client, hr):
    program, ((junior, _senior),) = active(hr)
    with pytest.raises(ValidationError) as refused:
        recommendation_submit(
            program=program, by=junior, title="t" * 5000, description="d" * 5001, area="technology", expected_impact="high"
        )
    assert refused.value.message_dict == {
        "title": ["Please keep it to 200 characters (this has 5000)."],
        "description": ["Please keep it to 5000 characters (this has 5001)."],
    }
    client.force_login(junior)
    response = client.post(
        reverse("evaluation:recommendations", args=[program.pk]),
        {"title": "t" * 5000, "description": "Fine", "area": "technology", "expected_impact": "high"},
    )
    assert response.status_code == 200 and flashed(response) == []
    assert response.context["form"].errors == {
        "title": ["Please keep it to 200 characters (this has 5000)."]
    }  # the service's refusal, on its field
    assert "Please keep it to 200 characters (this has 5000)." in response.content.decode()
    assert not Recommendation.objects.exists()
    recommendation_submit(program=program, by=junior, title="t" * 200, description="d" * 5000, area="technology", expected_impact="high")
    assert Recommendation.objects.count() == 1


def test_leadership_response_and_outcome_have_limits(hr):
    program, ((junior, _senior),) = active(hr)
    recommendation = recommendation_submit(
        program=program, by=junior, title="Dev containers", description="Faster onboarding", area="technology", expected_impact="high"
    )
    with pytest.raises(ValidationError) as refused:
        recommendation_update(
            recommendation=recommendation, by=hr, status="under_review", leadership_response="r" * 5001, outcome="o" * 5001
        )
    assert set(refused.value.message_dict) == {"leadership_response", "outcome"}
    recommendation.refresh_from_db()
    assert recommendation.status == "proposed" and recommendation.leadership_response == ""


def test_checkin_comment_has_a_limit(hr):
    program, ((junior, _senior),) = active(hr)
    with pytest.raises(ValidationError) as refused:
        checkin_submit(program=program, user=junior, pulse=3, meetings_as_planned=True, comment="c" * 2001)
    assert refused.value.message_dict == {"comment": ["Please keep it to 2000 characters (this has 2001)."]}
    assert not CheckIn.objects.exists()
    checkin_submit(program=program, user=junior, pulse=3, meetings_as_planned=True, comment="c" * 2000)
    assert CheckIn.objects.get().comment == "c" * 2000


def test_survey_text_answers_are_refused_not_cut_when_too_long(hr):
    program, ((junior, _senior),) = evaluating(hr, 1)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)
    answers = {
        q.pk: {"satisfaction": "4", "relationship": "yes", "continue": "yes", "skills_topics": None}.get(q.key, "fine")
        for q in survey.questions.all()
    }
    skills = survey.questions.get(key="skills")
    with pytest.raises(ValidationError) as refused:
        response_submit(survey=survey, user=junior, answers={**answers, skills.pk: "s" * 5001})
    assert refused.value.message_dict == {f"q{skills.pk}": ["Please keep it to 5000 characters (this has 5001)."]}
    assert not Response.objects.exists()


def test_question_text_has_the_columns_limit(hr):
    program, _people = evaluating(hr, 1)
    survey = survey_for(program=program)
    with pytest.raises(ValidationError) as refused:
        question_add(survey=survey, kind="text", text="q" * 301)
    assert refused.value.message_dict == {"text": ["Please keep it to 300 characters (this has 301)."]}
    assert not Question.objects.filter(survey=survey, key="").exists()
