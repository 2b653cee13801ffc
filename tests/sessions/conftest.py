import datetime

import pytest
from django.utils import timezone

from matching.models import Match
from matching.services import match_respond, matches_approve, matching_run
from mentoring.models import Level
from programs.models import Program
from programs.services import application_decide, program_transition
from tests.mentoring.factories import DepartmentFactory, UserFactory
from tests.programs.factories import apply, tech_program


def confirmed_pairs(hr, pairs: int = 1, **program_data):
    """A program in matching with `pairs` confirmed matches (plans created on confirmation)."""
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, **program_data)
    people = []
    for index in range(pairs):
        junior = UserFactory(level=Level.JUNIOR, department=DepartmentFactory(name=f"J{index}"), first_name=f"Junior{index}")
        senior = UserFactory(level=Level.DIRECTOR, department=DepartmentFactory(name=f"S{index}"), first_name=f"Senior{index}")
        for person in (junior, senior):
            application_decide(application=apply(program, person), decision="accepted", by=hr)
        people.append((junior, senior))
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    program.refresh_from_db()
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    for match in Match.objects.filter(program=program):
        for member in match.members.all():
            match_respond(match=match, user=member.user, accept=True)
    return program, people


@pytest.fixture
def pair(hr):
    """(program, match, junior, senior) for one confirmed pair."""
    program, people = confirmed_pairs(hr)
    junior, senior = people[0]
    return program, Match.objects.get(program=program, members__user=junior), junior, senior


def soon(days=3, hour=15):
    return (timezone.now() + datetime.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
