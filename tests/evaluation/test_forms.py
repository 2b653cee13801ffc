"""The evaluation pages read every POST through a form: a refusal comes back on its field, with
what was typed still there, and nothing is written."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from evaluation.models import Question, Recommendation, Response
from evaluation.selectors import survey_for
from evaluation.services import survey_open
from matching.models import Match
from notifications.models import Notification
from tests.evaluation.helpers import active, evaluating

pytestmark = pytest.mark.django_db


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_survey_refusal_keeps_the_other_answers(client, hr):
    program, ((junior, _senior),) = evaluating(hr, 1)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)
    questions = {q.key: q for q in survey.questions.all()}
    client.force_login(junior)
    posted = {f"q{questions['satisfaction'].pk}": "9", f"q{questions['relationship'].pk}": "yes", f"q{questions['worked'].pk}": "The slots"}
    response = client.post(reverse("evaluation:survey", args=[program.pk]), posted)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"q{questions['satisfaction'].pk}"] == ["Choose from 1 to 5."]
    assert errors[f"q{questions['continue'].pk}"] == ["Please answer this question."]
    assert f"q{questions['worked'].pk}" not in errors and f"q{questions['skills_topics'].pk}" not in errors  # answered; optional
    page = response.content.decode()
    assert ">The slots</textarea>" in page and f'id="q{questions["relationship"].pk}-yes" value="yes" checked' in page
    assert not Response.objects.exists()


def test_a_question_hr_adds_badly_comes_back_on_its_field(hr_client, hr):
    program, _people = evaluating(hr, 1)
    survey = survey_for(program=program)
    before = survey.questions.count()
    url = reverse("evaluation:survey_manage", args=[program.pk])
    response = hr_client.post(url, {"text": "Best format?", "kind": "choice", "choices": "only one", "required": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"choices": ["A choice question needs at least two options."]}  # the service's refusal
    assert 'value="Best format?"' in response.content.decode()
    response = hr_client.post(url, {"text": "", "kind": "riddle"})
    assert response.context["form"].errors == {"text": ["Write the question."], "kind": ["Unknown question type."]}
    assert survey.questions.count() == before
    response = hr_client.post(url, {"text": "Best format?", "kind": "choice", "choices": "1:1\r\ngroup\r\n"})
    assert response.status_code == 302
    added = survey.questions.get(text="Best format?")
    assert (added.choices, added.required) == (["1:1", "group"], False)
    assert flashed(response) == ["Question added."]


def test_a_coauthor_from_outside_the_program_is_refused_on_its_field(client, hr, outsider):
    program, ((junior, senior),) = active(hr)
    client.force_login(junior)
    url = reverse("evaluation:recommendations", args=[program.pk])
    data = {"title": "Dev containers", "description": "Faster onboarding", "area": "technology", "expected_impact": "high"}
    response = client.post(url, {**data, "coauthors": [str(outsider.pk)]})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["coauthors"]
    assert not Recommendation.objects.exists()
    assert client.post(url, {**data, "coauthors": [str(senior.pk)]}).status_code == 302
    assert set(Recommendation.objects.get().authors.all()) == {junior, senior}


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"action": "kudos", "message": " "}, "Write a line of praise."),
        ({"body": ""}, "Write the note first."),
        ({"action": "dance"}, "Select a valid choice. dance is not one of the available choices."),
    ],
)
def test_pair_actions_refuse_with_a_message_and_do_nothing(hr_client, hr, posted, message):
    program, _people = active(hr)
    match = Match.objects.get(program=program)
    response = hr_client.post(reverse("evaluation:pair_action", args=[program.pk, match.pk]), posted)
    assert response.status_code == 302 and flashed(response) == [message]
    match.refresh_from_db()
    assert match.status == Match.Status.CONFIRMED and not match.hr_notes.exists()
    assert not Notification.objects.filter(kind="kudos").exists()


def test_survey_buttons_still_open_and_close(hr_client, hr):
    from evaluation.models import Survey

    program, _people = evaluating(hr, 1)
    url = reverse("evaluation:survey_manage", args=[program.pk])
    questions = Question.objects.filter(survey__program=program).count()
    assert flashed(hr_client.post(url, {"action": "open"}, follow=True)) == ["Survey sent to every participant."]
    assert flashed(hr_client.post(url, {"action": "open"}, follow=True)) == ["The survey is already open."]
    assert flashed(hr_client.post(url, {"action": "close"}, follow=True)) == ["Survey closed. The results are on the dashboard."]
    assert Survey.objects.get(program=program).status == Survey.Status.CLOSED
    assert Question.objects.filter(survey__program=program).count() == questions  # a button adds no question
