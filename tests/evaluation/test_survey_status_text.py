"""Issue 14, item 8: the survey page does not say "Open" once the program is closed."""

from django.urls import reverse

from evaluation.models import Survey
from programs.models import Program
from tests.evaluation.factories import SurveyFactory


def test_survey_of_a_closed_program_is_not_shown_as_open(hr_client, hr):
    survey = SurveyFactory(status=Survey.Status.OPEN)
    survey.program.coordinators.add(hr)
    Program.objects.filter(pk=survey.program.pk).update(status=Program.Status.CLOSED)
    page = hr_client.get(reverse("evaluation:survey_manage", args=[survey.program.pk])).content.decode()
    assert ">Open</span>" not in page
    assert "Closed with the program" in page
    assert "The program is closed: the survey takes no more answers." in page
    assert "Close the survey and show the results" not in page


def test_survey_of_an_evaluating_program_is_open(hr_client, hr):
    survey = SurveyFactory(status=Survey.Status.OPEN)
    page = hr_client.get(reverse("evaluation:survey_manage", args=[survey.program.pk])).content.decode()
    assert ">Open</span>" in page
    assert "Close the survey and show the results" in page
