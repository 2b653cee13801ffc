"""Every lifecycle guard, the recorded timeline, and the read-only end."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from programs.models import Program, ProgramTransition
from programs.services import application_decide, curriculum_set, program_transition, program_update, register_guard, transition_refusals
from tests.mentoring.factories import UserFactory
from tests.programs.factories import apply, tech_program

pytestmark = pytest.mark.django_db
S = Program.Status


def refused(program, to_status, hr, **kwargs) -> list[str]:
    """The refusal's messages; every caller compares them to the exact reasons expected."""
    before = program.status
    with pytest.raises(ValidationError) as excinfo:
        program_transition(program=program, to_status=to_status, by=hr, **kwargs)
    program.refresh_from_db()
    assert program.status == before
    return excinfo.value.messages


def people(level, n):
    return [UserFactory(level=level) for _ in range(n)]


def confirm_all(program, hr):
    """Run matching, offer every proposal and let every member accept."""
    from matching.models import Match
    from matching.services import match_respond, matches_approve, matching_run

    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    for match in Match.objects.filter(program=program, status=Match.Status.APPROVED):
        for member in match.members.all():
            match_respond(match=match, user=member.user, accept=True)


def accepted(program, hr, juniors=1, seniors=1):
    for person in people(20, juniors) + people(60, seniors):
        application_decide(application=apply(program, person), decision="accepted", by=hr)


def test_draft_to_recruiting_needs_start_date_and_full_curriculum(hr):
    program = tech_program(hr=hr, start_date=None)
    curriculum_set(program=program, months=[])
    messages = refused(program, S.RECRUITING, hr)
    assert "Set a start date first." in messages
    assert "The curriculum has no topic for month(s) 1, 2, 3, 4, 5, 6." in messages


def test_draft_to_recruiting_needs_confidentiality_terms(hr):
    program = tech_program(hr=hr)
    Program.objects.filter(pk=program.pk).update(confidentiality_terms="  ")
    assert refused(program, S.RECRUITING, hr) == ["Write the confidentiality terms participants will accept."]


def test_recruiting_and_timeline(hr):
    program = tech_program(hr=hr)
    program_transition(program=program, to_status=S.RECRUITING, by=hr, reason="All-hands announcement")
    step = ProgramTransition.objects.filter(program=program).last()
    assert (step.from_status, step.to_status, step.by, step.reason) == (S.DRAFT, S.RECRUITING, hr, "All-hands announcement")
    assert list(program.transitions.values_list("to_status", flat=True)) == [S.DRAFT, S.RECRUITING]


def test_cannot_skip_steps(hr):
    program = tech_program(hr=hr)
    assert refused(program, S.ACTIVE, hr) == ["A draft program cannot move to active."]
    assert refused(program, "bogus", hr) == ["“bogus” is not a program status."]


def test_back_to_draft_only_without_applicants(hr, junior):
    program = tech_program(hr=hr, status=S.RECRUITING)
    assert transition_refusals(program, S.DRAFT) == []
    apply(program, junior)
    assert refused(program, S.DRAFT, hr) == ["People have already applied; a program with applicants cannot go back to draft."]


def test_matching_needs_accepted_volunteers_on_both_sides(hr):
    program = tech_program(hr=hr, status=S.RECRUITING)
    accepted(program, hr, juniors=1, seniors=0)
    messages = refused(program, S.MATCHING, hr)
    assert messages == ["Matching needs at least 1 accepted junior mentor(s) and 1 senior mentee(s) for this format; 1 and 0 are accepted."]
    accepted(program, hr, juniors=0, seniors=1)
    program_transition(program=program, to_status=S.MATCHING, by=hr)
    assert program.status == S.MATCHING


def test_group_format_needs_a_whole_group(hr):
    program = tech_program(hr=hr, status=S.RECRUITING)
    program_update(program=program, data={"format": Program.Format.GROUP})
    accepted(program, hr, juniors=2, seniors=1)
    assert "at least 3 accepted junior mentor(s) and 1 senior mentee(s)" in refused(program, S.MATCHING, hr)[0]
    accepted(program, hr, juniors=1, seniors=0)
    program_transition(program=program, to_status=S.MATCHING, by=hr)


def test_matching_waits_for_undecided_applications(hr):
    program = tech_program(hr=hr, status=S.RECRUITING)
    accepted(program, hr)
    apply(program, UserFactory(level=20))
    assert refused(program, S.MATCHING, hr) == ["1 application(s) still await your decision."]


def test_active_needs_both_sides_and_evaluating_waits_for_the_end_date(hr):
    program = tech_program(hr=hr, status=S.RECRUITING, start_date=datetime.date(2027, 1, 1))
    accepted(program, hr)
    program_transition(program=program, to_status=S.MATCHING, by=hr)
    assert refused(program, S.ACTIVE, hr) == [
        "Start needs at least one confirmed match: approve the proposals and wait for both sides to accept."
    ]
    confirm_all(program, hr)
    program_transition(program=program, to_status=S.ACTIVE, by=hr)
    with time_machine.travel(datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC)):
        assert refused(program, S.EVALUATING, hr) == [
            "The program runs until 2027-06-30. Evaluate earlier only by forcing it with a reason."
        ]
        assert refused(program, S.EVALUATING, hr, force=True) == ["Say why the program ends early: a reason is required to force it."]
        program_transition(program=program, to_status=S.EVALUATING, by=hr, force=True, reason="Reorganisation")
    step = program.transitions.last()
    assert step.forced and step.reason == "Reorganisation"


def test_evaluating_on_time_needs_no_force(hr):
    program = tech_program(hr=hr, status=S.RECRUITING, start_date=datetime.date(2027, 1, 1))
    accepted(program, hr)
    program_transition(program=program, to_status=S.MATCHING, by=hr)
    confirm_all(program, hr)
    program_transition(program=program, to_status=S.ACTIVE, by=hr)
    with time_machine.travel(datetime.datetime(2027, 7, 1, 12, tzinfo=datetime.UTC)):
        program_transition(program=program, to_status=S.EVALUATING, by=hr)
        program_transition(program=program, to_status=S.CLOSED, by=hr)
    assert program.status == S.CLOSED
    assert refused(program, S.ACTIVE, hr) == ["A closed program cannot move to active."]


def test_force_does_not_override_other_guards(hr):
    program = tech_program(hr=hr)
    assert refused(program, S.ACTIVE, hr, force=True, reason="please") == ["A draft program cannot move to active."]


def test_cancelling_a_program_that_never_ran_needs_a_reason(hr):
    program = tech_program(hr=hr)
    assert refused(program, S.CLOSED, hr) == ["Say why: a reason is required to close a program that never ran."]
    program_transition(program=program, to_status=S.CLOSED, by=hr, reason="Postponed to next year")
    assert program.is_read_only


# Registered once at import, as an app does from ready(); it speaks only for programs whose
# name says so, so it stays silent for every other test in the process.
UNBUDGETED = "Program without a budget"


@register_guard(S.DRAFT, S.RECRUITING)
def _budget_guard(program):
    return ["Budget not approved."] if program.name == UNBUDGETED else []


def test_other_apps_can_add_guards(hr):
    program = tech_program(hr=hr, name=UNBUDGETED)
    assert transition_refusals(program, S.RECRUITING) == ["Budget not approved."]
    assert refused(program, S.RECRUITING, hr) == ["Budget not approved."]
    program = program_update(program=program, data={"name": "Budgeted program"})
    assert transition_refusals(program, S.RECRUITING) == []
    program_transition(program=program, to_status=S.RECRUITING, by=hr)
    assert program.status == S.RECRUITING
