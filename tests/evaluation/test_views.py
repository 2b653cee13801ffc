"""Who may open the evaluation pages, the home page's to-do, and the journey download."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from sessions.models import Meeting, SessionLog
from tests.evaluation.helpers import active

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["evaluation:dashboard", "evaluation:survey_manage", "evaluation:recommendation_board"])
def test_hr_pages_refuse_participants(client, hr, name):
    program, ((junior, senior),) = active(hr)
    client.force_login(junior)
    assert client.get(reverse(name, args=[program.pk])).status_code == 403
    match = Match.objects.get(program=program)
    assert client.post(reverse("evaluation:pair_action", args=[program.pk, match.pk]), {"body": "x"}).status_code == 403


def test_participant_pages_only_for_the_programs_participants(client, hr, outsider):
    program, ((junior, senior),) = active(hr)
    for name in ("evaluation:checkin", "evaluation:recommendations", "evaluation:journey"):
        client.force_login(outsider)
        assert client.get(reverse(name, args=[program.pk])).status_code == 404
        client.force_login(junior)
        assert client.get(reverse(name, args=[program.pk])).status_code == 200
    client.force_login(hr)
    assert client.get(reverse("evaluation:journey", args=[program.pk])).status_code == 404  # HR reads no one's journey


def test_home_lists_the_pending_checkin_until_done(client, hr):
    program, ((junior, senior),) = active(hr)
    client.force_login(junior)
    assert "Monthly check-in" in client.get(reverse("portal:home")).content.decode()
    client.post(reverse("evaluation:checkin", args=[program.pk]), {"pulse": "4", "meetings_as_planned": "yes"})
    assert "Waiting for you" not in client.get(reverse("portal:home")).content.decode()


def test_journey_download_is_the_participants_own_log(client, hr):
    program, ((junior, senior),) = active(hr)
    match = Match.objects.get(program=program)
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    Meeting.objects.filter(pk=kickoff.pk).update(status="held", starts_at=timezone.now() - datetime.timedelta(days=2))
    SessionLog.objects.create(meeting=kickoff, author=junior, held=True, actual_minutes=60, shared="my-share", learned="my-learning")
    SessionLog.objects.create(meeting=kickoff, author=senior, held=True, actual_minutes=60, shared="his-share", learned="his-learning")
    client.force_login(junior)
    response = client.get(reverse("evaluation:journey", args=[program.pk]), {"download": "1"})
    body = response.content.decode()
    assert "attachment" in response["Content-Disposition"] and "my-learning" in body and "his-learning" not in body
