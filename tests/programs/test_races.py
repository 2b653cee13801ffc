"""HR's writes sent many times at once (issue 12, item 9): the same invitation twenty times is
one invitation and one mail, the others a no-op reported as "already invited"; the same new topic
twice is one topic and a message. Never a 500."""

import functools

import pytest
from django.core.exceptions import ValidationError

from mentoring.models import Level
from notifications.models import Notification
from programs.models import Application, Invitation, Program, Topic, TopicCategory
from programs.notifications import APPLICATION_DECIDED, INVITATION
from programs.services import application_decide, invitations_send, topic_create
from tests.mentoring.factories import UserFactory
from tests.programs.factories import apply, tech_program
from tests.races import needs_postgres, race

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]
TIMES = 20


def test_inviting_the_same_person_at_once_invites_once(hr):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    person = UserFactory(level=Level.JUNIOR)
    outcomes = race(*[functools.partial(invitations_send, program=program, people=[person], invited_by=hr) for _ in range(TIMES)])
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    assert sorted(len(outcome.value.invited) for outcome in outcomes) == [0] * (TIMES - 1) + [1]
    skipped = [reason for outcome in outcomes for _person, reason in outcome.value.skipped]
    assert skipped == ["is already invited"] * (TIMES - 1)
    assert Invitation.objects.filter(program=program, user=person).count() == 1
    assert Notification.objects.filter(kind=INVITATION, recipient=person).count() == 1


def test_the_same_new_topic_created_at_once_is_one_topic(hr):
    create = functools.partial(topic_create, name="Prompt engineering", category=TopicCategory.TECHNOLOGY)
    outcomes = race(*[create for _ in range(TIMES)])
    errors = [outcome.error for outcome in outcomes if not outcome.ok]
    assert all(isinstance(error, ValidationError) for error in errors), errors
    assert {message for error in errors for message in error.messages} == {"There is already a topic called “Prompt engineering”."}
    assert len(errors) == TIMES - 1
    assert Topic.objects.filter(name__iexact="prompt engineering").count() == 1


def test_deciding_the_same_application_twice_at_once_tells_the_applicant_once(hr):
    # Its dedupe key holds the decision's time: what keeps it to one mail is the application's lock
    # and "the same decision again changes nothing".
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    person = UserFactory(level=Level.JUNIOR)
    application = apply(program, person)
    accept = functools.partial(application_decide, application=application, decision="accepted", by=hr)
    outcomes = race(accept, accept)
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    assert Application.objects.get(pk=application.pk).status == Application.Status.ACCEPTED
    assert Notification.objects.filter(kind=APPLICATION_DECIDED, recipient=person).count() == 1
