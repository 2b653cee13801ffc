"""The built-in survey questions are read in each participant's language, whoever sent the survey."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from evaluation.services import survey_prepare
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


def test_built_in_questions_follow_the_reader_and_hr_questions_stay_as_written():
    program = MatchFactory().program
    with translation.override("fr"):  # HR prepared it in French
        survey = survey_prepare(program=program)
    first = survey.questions.order_by("order").first()
    assert first.text == "Overall, how satisfied are you with the program? (1–5)"  # stored as the msgid
    with translation.override("de"):
        assert first.display_text == gettext("Overall, how satisfied are you with the program? (1–5)")
        assert first.display_text != first.text
    own = survey.questions.create(order=99, kind="text", text="Was hat dich überrascht?")
    with translation.override("es"):
        assert own.display_text == "Was hat dich überrascht?"
