"""Programs at the stage the evaluation tests start from, and a survey answer."""

from evaluation.services import response_submit
from programs.models import Program
from programs.services import program_transition
from tests.sessions.conftest import confirmed_pairs


def active(hr, pairs=1):
    program, people = confirmed_pairs(hr, pairs=pairs)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    program.refresh_from_db()
    return program, people


def evaluating(hr, pairs):
    program, people = active(hr, pairs=pairs)
    program_transition(program=program, to_status=Program.Status.EVALUATING, by=hr, force=True, reason="Test")
    program.refresh_from_db()
    return program, people


def answer(survey, user, satisfaction, relationship, **extra):
    values = {}
    for question in survey.questions.all():
        values[question.pk] = {
            "satisfaction": satisfaction,
            "relationship": "yes" if relationship else "no",
            "continue": "yes",
            "skills": "Git",
            "worked": "Time",
            "change": "More",
        }.get(question.key, extra.get(question.text))
    return response_submit(survey=survey, user=user, answers=values)
