"""Invitations and applications: voluntariness, eligibility, consent, ownership."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from programs.models import Application, Invitation, Program
from programs.selectors import invitations_for, program_visible_to, programs_open_to, readiness
from programs.services import (
    application_decide,
    application_submit,
    application_update,
    application_withdraw,
    applications_decide_bulk,
    invitation_respond,
    program_transition,
    program_update,
)
from tests.matching.factories import MatchFactory
from tests.mentoring.factories import UserFactory
from tests.programs.factories import answers, apply, invite, tech_program, topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(hr):
    return tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=False)


# --- invitations ---------------------------------------------------------------------------
def test_invitations_go_to_eligible_people_and_skip_the_rest_with_reasons(program, hr, junior, senior, django_capture_on_commit_callbacks):
    in_between = UserFactory(level=40)  # senior level: above juniors (≤ mid), below senior mentees (≥ lead)
    with django_capture_on_commit_callbacks(execute=True):
        result = invite(program, hr, junior, senior, in_between)
    assert {i.user for i in result.invited} == {junior, senior}
    assert [(person, reason) for person, reason in result.skipped] == [(in_between, "level Senior is not eligible")]
    assert sorted(m.to[0] for m in mail.outbox) == [junior.email, senior.email]
    message = next(m for m in mail.outbox if m.to == [junior.email])
    assert "as a junior mentor" in message.body and Invitation.objects.get(user=junior).token in message.body
    again = invite(program, hr, junior)
    assert again.invited == [] and again.skipped[0][1] == "is already invited"


def test_invitations_only_while_recruiting(hr, junior):
    draft = tech_program(hr=hr)
    with pytest.raises(ValidationError, match="while the program is recruiting"):
        invite(draft, hr, junior)
    assert not Invitation.objects.exists()


def test_invitation_accept_decline_and_change_of_mind(program, hr, junior):
    invite(program, hr, junior)
    invitation = Invitation.objects.get(user=junior)
    invitation_respond(invitation=invitation, user=junior, accept=False, reason="Too busy this quarter")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decline_reason) == ("declined", "Too busy this quarter")
    assert not Application.objects.exists()  # declining never creates anything
    invitation_respond(invitation=invitation, user=junior, accept=True)
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.decline_reason == ""
    assert not Application.objects.exists()  # accepting only opens the form: the person still applies


def test_nobody_answers_someone_elses_invitation(program, hr, junior, senior):
    invite(program, hr, junior)
    with pytest.raises(PermissionDenied, match="invitation is for someone else"):
        invitation_respond(invitation=Invitation.objects.get(user=junior), user=senior, accept=True)
    with pytest.raises(PermissionDenied, match="invitation is for someone else"):
        invitation_respond(invitation=Invitation.objects.get(user=junior), user=hr, accept=True)
    assert Invitation.objects.get(user=junior).status == "pending"


# --- applications --------------------------------------------------------------------------
def test_invited_junior_applies_with_their_answers(program, hr, junior):
    invite(program, hr, junior)
    application = apply(program, junior, expertise={topic("AI and automation").pk: 3, topic("Inclusive language").pk: 1})
    assert (application.user, application.role, application.status) == (junior, "junior", "submitted")
    assert application.invitation.user == junior
    assert Invitation.objects.get(user=junior).status == "accepted"
    assert sorted(application.topics.values_list("topic__name", "kind", "strength")) == [
        ("AI and automation", "expertise", 3),
        ("Inclusive language", "expertise", 1),
    ]


def test_invitation_only_program_refuses_the_uninvited(program, junior):
    with pytest.raises(PermissionDenied, match="by invitation only"):
        apply(program, junior)


def test_open_call_lets_eligible_people_apply_without_invitation(hr, junior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    assert apply(program, junior).invitation is None


def test_ineligible_level_is_refused_with_the_rule(hr):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    with pytest.raises(ValidationError, match="junior mentors up to Mid-level and senior mentees from Lead; your level is Senior"):
        apply(program, UserFactory(level=40))


def test_no_applications_outside_recruiting(hr, junior):
    program = tech_program(hr=hr, open_call=True)
    with pytest.raises(ValidationError, match="not taking applications"):
        apply(program, junior)


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"voluntary_consent": False}, "voluntary_consent", "please confirm you are volunteering"),
        ({"confidentiality_accepted": False}, "confidentiality_accepted", "accept the confidentiality terms"),
        ({"expertise": {}}, "expertise", "at least one topic you can share"),
        ({"comfort_with_seniors": None}, "comfort_with_seniors", "how comfortable you are speaking openly"),
        ({"languages": []}, "languages", "at least one language"),
        ({"preferred_times": []}, "preferred_times", "at least one time that usually works"),
        ({"preferred_times": ["sun_night"]}, "preferred_times", "Unknown time slot"),
        ({"motivation": "  "}, "motivation", "why you want to take part"),
        ({"expertise": {999999: 2}}, "expertise", "topics no longer exists"),
        ({"expertise": {1: 7}}, "expertise", "scale from 1 to 3"),
    ],
)
def test_junior_application_guards(hr, junior, override, field, message):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    with pytest.raises(ValidationError, match=message) as excinfo:
        apply(program, junior, **override)
    assert any(message in text for text in excinfo.value.message_dict[field])
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"interests": {}}, "interests", "at least one topic you want to learn about"),
        ({"time_commitment_confirmed": False}, "time_commitment_confirmed", "block the time this program needs"),
        ({"openness_statement": ""}, "openness_statement", "what you are open to hear"),
    ],
)
def test_senior_application_guards(hr, senior, override, field, message):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    with pytest.raises(ValidationError, match=message) as excinfo:
        apply(program, senior, **override)
    assert any(message in text for text in excinfo.value.message_dict[field])


def test_peer_exchange_asks_both_sides(hr, junior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    program = program_update(program=program, data={"format": Program.Format.PEER_EXCHANGE})
    with pytest.raises(ValidationError, match="at least one topic you want to learn about") as excinfo:
        application_submit(program=program, user=junior, answers=answers(program, junior, interests={}))
    assert list(excinfo.value.message_dict) == ["interests"]
    application = apply(program, junior)
    assert set(application.topics.values_list("kind", flat=True)) == {"expertise", "interest"}


def test_database_refuses_an_application_without_consent(program, junior):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="application_consent_given"), transaction.atomic():
        Application.objects.create(program=program, user=junior, role="junior", motivation="x", hopes="y", languages=["en"])


def test_one_application_per_person_and_program(hr, junior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    apply(program, junior)
    with pytest.raises(ValidationError, match="already applied"):
        apply(program, junior)


def test_private_avoid_list_cannot_name_oneself(hr, junior, senior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    with pytest.raises(ValidationError, match="cannot exclude yourself") as excinfo:
        apply(program, junior, avoid_people=[junior])
    assert list(excinfo.value.message_dict) == ["avoid_people"]
    application = apply(program, junior, avoid_people=[senior])
    assert list(application.avoid_people.all()) == [senior]


def test_edit_own_application_until_matching(hr, junior, senior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    application = apply(program, junior)
    application_update(application=application, user=junior, answers=answers(program, junior, motivation="Changed my mind about why"))
    application.refresh_from_db()
    assert application.motivation == "Changed my mind about why"
    with pytest.raises(PermissionDenied, match="someone else's application"):
        application_update(application=application, user=senior, answers=answers(program, junior))
    with pytest.raises(PermissionDenied, match="someone else's application"):
        application_update(application=application, user=hr, answers=answers(program, junior))
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    # Issue 14, item 9: during matching the person can still fix their answers until matched.
    application_update(application=application, user=junior, answers=answers(program, junior, languages=["en", "de"]))
    application.refresh_from_db()
    assert application.languages == ["en", "de"]
    MatchFactory(program=program, status="proposed", junior=junior, senior=senior)
    with pytest.raises(ValidationError, match="until you are matched"):
        application_update(application=application, user=junior, answers=answers(program, junior))
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    with pytest.raises(ValidationError, match="until you are matched"):
        application_update(application=application, user=junior, answers=answers(program, junior))


def test_withdraw_any_time_and_apply_again(hr, junior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    application = apply(program, junior)
    application_decide(application=application, decision="accepted", by=hr)
    with pytest.raises(PermissionDenied, match="someone else's application"):
        application_withdraw(application=application, user=hr)
    application_withdraw(application=application, user=junior)
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.withdrawn_at
    with pytest.raises(ValidationError, match="already withdrawn"):
        application_withdraw(application=application, user=junior)
    with pytest.raises(ValidationError, match="has withdrawn"):
        application_decide(application=application, decision="accepted", by=hr)
    again = apply(program, junior)
    assert again.pk == application.pk and again.status == "submitted" and again.decided_by is None


def test_hr_decides_and_the_applicant_is_told(hr, junior, django_capture_on_commit_callbacks):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    application = apply(program, junior)
    with django_capture_on_commit_callbacks(execute=True):
        application_decide(application=application, decision="waitlisted", by=hr, message="We have many juniors this round.")
    application.refresh_from_db()
    assert (application.status, application.decided_by, application.hr_message) == ("waitlisted", hr, "We have many juniors this round.")
    assert mail.outbox[-1].to == [junior.email]
    assert "waitlist" in mail.outbox[-1].subject.lower() or "waitlisted" in mail.outbox[-1].subject.lower()
    assert "We have many juniors this round." in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="Unknown decision"):
        application_decide(application=application, decision="withdrawn", by=hr)


def test_decisions_only_while_recruiting_or_matching(hr, junior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    application = apply(program, junior)
    program_transition(program=program, to_status=Program.Status.CLOSED, by=hr, reason="Cancelled")
    with pytest.raises(ValidationError, match="read-only"):
        application_decide(application=application, decision="accepted", by=hr)


def test_bulk_decisions_report_what_could_not_be_done(hr):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    people = [UserFactory(level=20) for _ in range(3)]
    applications = [apply(program, person) for person in people]
    application_withdraw(application=applications[0], user=people[0])
    decided, problems = applications_decide_bulk(applications=applications, decision="accepted", by=hr)
    assert decided == 2 and len(problems) == 1 and "withdrawn" in problems[0]
    assert readiness(program=program).accepted_juniors == 2


# --- what each person sees -------------------------------------------------------------------
def test_portal_selectors_are_scoped_to_the_person(hr, junior, senior):
    outsider = UserFactory(level=40)  # eligible for neither side
    invite_only = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=False, name="Invite only")
    open_call = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True, name="Open call")
    invite(invite_only, hr, junior)
    assert set(programs_open_to(user=junior)) == {invite_only, open_call}
    assert set(programs_open_to(user=senior)) == {open_call}
    assert set(programs_open_to(user=outsider)) == set()
    assert [i.program for i in invitations_for(user=junior)] == [invite_only]
    assert list(invitations_for(user=senior)) == []
    apply(open_call, junior)
    assert set(programs_open_to(user=junior)) == {invite_only}

    assert program_visible_to(user=junior, pk=invite_only.pk) == invite_only
    assert program_visible_to(user=senior, pk=open_call.pk) == open_call
    # An empty message: the program exists and the visibility rule refused it (a failed
    # lookup would say "matching query does not exist").
    with pytest.raises(Program.DoesNotExist, match="^$"):
        program_visible_to(user=senior, pk=invite_only.pk)
    with pytest.raises(Program.DoesNotExist, match="^$"):
        program_visible_to(user=outsider, pk=open_call.pk)
    assert program_visible_to(user=hr, pk=invite_only.pk) == invite_only
