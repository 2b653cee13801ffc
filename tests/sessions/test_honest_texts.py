"""Issue 14, item 8: HR's meeting page does not claim pairs met when none did."""

import datetime

from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from sessions.models import Meeting
from tests.sessions.conftest import confirmed_pairs


def test_new_pairs_that_never_met_are_not_reported_as_met(hr_client, hr):
    program, _people = confirmed_pairs(hr, pairs=2)
    page = hr_client.get(reverse("mentoring_sessions:hr_meetings", args=[program.pk])).content.decode()
    assert "every confirmed pair" not in page
    assert f"None overdue yet, but 2 pairs confirmed in the last {program.period_days} days have not held a meeting." in page


def test_pairs_that_all_met_are_reported_as_such(hr_client, hr):
    program, _people = confirmed_pairs(hr, pairs=1)
    Meeting.objects.filter(match__program=program, kind="kickoff").update(
        status=Meeting.Status.HELD, starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    page = hr_client.get(reverse("mentoring_sessions:hr_meetings", args=[program.pk])).content.decode()
    assert f"None: every confirmed pair held a meeting in the last {program.period_days} days." in page


def test_a_program_without_pairs_says_so(hr_client, hr):
    program, _people = confirmed_pairs(hr, pairs=1)
    Match.objects.filter(program=program).update(status=Match.Status.PROPOSED)
    page = hr_client.get(reverse("mentoring_sessions:hr_meetings", args=[program.pk])).content.decode()
    assert "No confirmed pairs yet." in page
