"""The dashboard reuses its pair facts for DASHBOARD_FACTS_SECONDS across pages, filters and
searches (one reading over every meeting, log and check-in, not one per page view), says when
they were read, reads afresh on request, and forgets them when HR acts on a pair or a check-in
comes in."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from evaluation.services import checkin_submit
from matching.models import Match
from programs.models import Program
from sessions.models import Meeting
from tests.budgets import measure
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(hr, settings):
    settings.DASHBOARD_FACTS_SECONDS = 60
    program, people = confirmed_pairs(hr, pairs=3)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE, start_date=timezone.localdate())
    program.refresh_from_db()
    return program, people


def missed_twice(match):
    for _ in range(2):
        Meeting.objects.create(
            program=match.program, match=match, kind="one_to_one", status="missed", starts_at=timezone.now(), duration_minutes=60
        )


def test_pages_and_filters_reuse_one_reading(hr_client, running):
    program, people = running
    url = reverse("evaluation:dashboard", args=[program.pk])
    hr_client.get(url)
    again = measure(lambda: hr_client.get(url, {"page": "1"}), warm=False)
    fresh = measure(lambda: hr_client.get(url, {"page": "1", "fresh": "1"}), warm=False)
    extra = [q for q in fresh.queries if q not in again.queries]
    assert fresh.count - again.count == 4, "\n".join(q[:200] for q in extra)  # pairs, meetings, check-ins, logs
    assert b"Pair health as of" in again.result.content and b"Refresh now" in again.result.content


def test_a_change_shows_after_a_refresh_or_when_the_reading_expires(hr_client, running):
    program, people = running
    url = reverse("evaluation:dashboard", args=[program.pk])
    assert hr_client.get(url).context["board"].health.by_status["at_risk"] == 0
    missed_twice(Match.objects.filter(program=program).first())  # participants' doing: no signal to HR's page
    assert hr_client.get(url).context["board"].health.by_status["at_risk"] == 0  # still the reading of a moment ago
    assert hr_client.get(url, {"fresh": "1"}).context["board"].health.by_status["at_risk"] == 1
    missed_twice(Match.objects.filter(program=program).last())
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=61)):
        assert hr_client.get(url).context["board"].health.by_status["at_risk"] == 2


def test_hr_sees_its_own_pair_action_and_a_new_reach_out_at_once(hr_client, running, django_capture_on_commit_callbacks):
    program, ((junior, senior), *_rest) = running
    url = reverse("evaluation:dashboard", args=[program.pk])
    assert hr_client.get(url).context["board"].health.by_status["paused"] == 0
    match = Match.objects.get(program=program, members__user=junior)
    hr_client.post(reverse("evaluation:pair_action", args=[program.pk, match.pk]), {"action": "pause", "reason": "parental leave"})
    assert hr_client.get(url).context["board"].health.by_status["paused"] == 1
    other = Match.objects.filter(program=program, status="confirmed").exclude(pk=match.pk).first()
    member = other.members.first().user
    with django_capture_on_commit_callbacks(execute=True):
        checkin_submit(program=program, user=member, pulse=4, meetings_as_planned=True, reach_out=True)
    assert hr_client.get(url).context["board"].health.by_status["reach_out"] == 1
