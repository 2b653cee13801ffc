"""The pair pages read their POSTs through forms: a note's meeting and the page to go back to,
a picked time. A `next` that leads off the site is ignored."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from sessions.models import Meeting, Note
from sessions.services import meeting_propose_times
from tests.sessions.conftest import confirmed_pairs, soon

pytestmark = pytest.mark.django_db


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    "next_url", ["/\\evil.com", "//evil.com", "https://evil.com", "http://testserver.evil.com/", "javascript:alert(1)", " //evil.com"]
)
def test_a_next_off_the_site_is_refused(client, pair, next_url):
    _program, match, junior, _senior = pair
    client.force_login(junior)
    response = client.post(
        reverse("mentoring_sessions:note_add", args=[match.pk]), {"body": "A thought", "visibility": "private", "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring_sessions:pair", args=[match.pk])
    assert Note.objects.get().body == "A thought"  # the note itself is fine


def test_a_next_on_the_site_is_followed_and_the_note_belongs_to_that_meeting(client, pair):
    _program, match, junior, _senior = pair
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    client.force_login(junior)
    data = {"body": "For the kickoff", "visibility": "shared", "meeting": str(kickoff.pk), "next": kickoff.get_absolute_url()}
    response = client.post(reverse("mentoring_sessions:note_add", args=[match.pk]), data)
    assert response["Location"] == kickoff.get_absolute_url()
    assert Note.objects.get().meeting == kickoff


def test_a_note_naming_another_pairs_meeting_is_not_tied_to_it(client, hr):
    program, ((junior, _senior), (other_junior, _other_senior)) = confirmed_pairs(hr, pairs=2)
    mine = Meeting.objects.filter(match__members__user=junior).first().match
    theirs = Meeting.objects.filter(match__members__user=other_junior).first()
    client.force_login(junior)
    response = client.post(
        reverse("mentoring_sessions:note_add", args=[mine.pk]), {"body": "x", "visibility": "private", "meeting": str(theirs.pk)}
    )
    assert response.status_code == 302 and flashed(response) == ["Note saved."]
    note = Note.objects.get()
    assert (note.match, note.meeting) == (mine, None)


def test_an_empty_note_says_what_to_do(client, pair):
    _program, match, junior, _senior = pair
    client.force_login(junior)
    response = client.post(reverse("mentoring_sessions:note_add", args=[match.pk]), {"body": "", "visibility": "private"})
    assert flashed(response) == ["Write something first."] and not Note.objects.exists()


@pytest.mark.parametrize("option", ["", "abc", "9" * 30, "other"])
def test_picking_a_time_not_offered_for_this_meeting_is_refused(client, hr, option):
    program, ((junior, senior), (other_junior, _)) = confirmed_pairs(hr, pairs=2)
    kickoff = Meeting.objects.get(match__members__user=junior, kind="kickoff")
    other = Meeting.objects.get(match__members__user=other_junior, kind="kickoff")
    meeting_propose_times(meeting=kickoff, by=junior, options=[soon()], duration_minutes=60)
    meeting_propose_times(meeting=other, by=other_junior, options=[soon(4)], duration_minutes=60)
    value = str(other.options.get().pk) if option == "other" else option
    client.force_login(senior)
    response = client.post(kickoff.get_absolute_url(), {"action": "confirm", "option": value}, follow=True)
    assert "Pick one of the offered times." in response.content.decode()
    kickoff.refresh_from_db()
    assert kickoff.starts_at is None or kickoff.status != Meeting.Status.SCHEDULED
    response = client.post(kickoff.get_absolute_url(), {"action": "confirm", "option": str(kickoff.options.get().pk)})
    kickoff.refresh_from_db()
    assert response.status_code == 302 and kickoff.status == Meeting.Status.SCHEDULED
