"""The same answer sent many times at once (issue 12, items 9 and 10): one is stored, every other
submit gets the message a second sequential submit gets (never a 500), and a double-clicked
kudos writes one message per pair member."""

import functools

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from evaluation.models import CheckIn, Response
from evaluation.notifications import KUDOS
from evaluation.selectors import survey_for
from evaluation.services import checkin_submit, kudos_send, survey_open
from matching.models import Match
from notifications.models import Notification
from tests.evaluation.helpers import active, answer, evaluating
from tests.races import needs_postgres, race

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]
TIMES = 20


def refusals(outcomes) -> set[str]:
    """The messages of every refused call; anything but a ValidationError fails the test."""
    unexpected = [outcome.error for outcome in outcomes if outcome.error is not None and not isinstance(outcome.error, ValidationError)]
    assert not unexpected, unexpected
    return {message for outcome in outcomes if outcome.error is not None for message in outcome.error.messages}


def test_the_same_survey_answer_submitted_at_once_is_stored_once(hr):
    program, ((junior, senior),) = evaluating(hr, 1)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)
    outcomes = race(*[functools.partial(answer, survey, junior, 4, True) for _ in range(TIMES)])
    assert refusals(outcomes) == {"You have already answered. Thank you!"}
    assert sum(outcome.ok for outcome in outcomes) == 1
    assert Response.objects.filter(survey=survey, user=junior).count() == 1


def test_the_same_check_in_submitted_at_once_is_stored_once(hr):
    program, ((junior, senior),) = active(hr)
    submit = functools.partial(checkin_submit, program=program, user=junior, pulse=4, meetings_as_planned=True)
    outcomes = race(*[submit for _ in range(TIMES)])
    assert refusals(outcomes) == {"You have already checked in this month. Thank you!"}
    assert sum(outcome.ok for outcome in outcomes) == 1
    assert CheckIn.objects.filter(program=program, user=junior).count() == 1


def test_the_check_in_form_posted_at_once_from_many_tabs_never_answers_500(hr):
    program, ((junior, senior),) = active(hr)
    url = reverse("evaluation:checkin", args=[program.pk])
    tabs = []
    for _ in range(TIMES):
        tab = Client(raise_request_exception=False)
        tab.force_login(junior)
        tabs.append(tab)
    outcomes = race(*[functools.partial(tab.post, url, {"pulse": "4", "meetings_as_planned": "yes"}) for tab in tabs])
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    statuses = sorted(outcome.value.status_code for outcome in outcomes)
    assert 500 not in statuses, statuses
    assert statuses == [200] * (TIMES - 1) + [302]  # one thank-you redirect, the others the form with the message
    pages = [outcome.value.content.decode() for outcome in outcomes if outcome.value.status_code == 200]
    assert all("checked in this month. Thank you!" in page for page in pages)  # the form's refusal or the "done" note
    assert CheckIn.objects.filter(program=program, user=junior).count() == 1


def test_kudos_clicked_twice_writes_one_message_per_member(hr):
    program, ((junior, senior),) = active(hr)
    match = Match.objects.get(program=program)
    send = functools.partial(kudos_send, match=match, by=hr, message="Your demo to the board was excellent!")
    send()
    send()
    assert sorted(Notification.objects.filter(kind=KUDOS).values_list("recipient", flat=True)) == sorted([junior.pk, senior.pk])
    outcomes = race(send, send)
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    assert Notification.objects.filter(kind=KUDOS).count() == 2
    assert sorted(m.to[0] for m in mail.outbox if "demo to the board" in m.body) == sorted([junior.email, senior.email])
    kudos_send(match=match, by=hr, message="And the follow-up went well too.")  # other words: another kudos
    assert Notification.objects.filter(kind=KUDOS).count() == 4


def test_the_survey_form_posted_at_once_from_many_tabs_never_answers_500(hr):
    program, ((junior, senior),) = evaluating(hr, 1)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)
    values = {"satisfaction": "4", "relationship": "yes", "continue": "yes", "skills": "Git", "worked": "Time", "change": "More"}
    data = {f"q{question.pk}": values[question.key] for question in survey.questions.all() if question.key in values}
    url = reverse("evaluation:survey", args=[program.pk])
    tabs = []
    for _ in range(TIMES):
        tab = Client(raise_request_exception=False)
        tab.force_login(junior)
        tabs.append(tab)
    outcomes = race(*[functools.partial(tab.post, url, data) for tab in tabs])
    statuses = sorted(outcome.value.status_code for outcome in outcomes)
    assert 500 not in statuses, statuses
    assert statuses.count(302) == 1, statuses
    assert Response.objects.filter(survey=survey, user=junior).count() == 1
