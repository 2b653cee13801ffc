"""Notes and logs reach nobody but the pair — a test per route — plus access, the feed,
timezone display and query budgets."""

import itertools

import pytest
from django.urls import reverse
from icalendar import Calendar

from matching.models import Match
from sessions.models import ActionItem, CalendarFeed, Meeting, Note, SessionLog
from sessions.services import (
    calendar_feed_regenerate,
    calendar_feed_revoke,
    meeting_confirm_time,
    meeting_log,
    meeting_propose_times,
    note_add,
)
from tests.budgets import assert_flat, measure
from tests.matching.factories import MatchFactory
from tests.sessions.conftest import confirmed_pairs, soon
from tests.sessions.factories import CalendarFeedFactory, MeetingFactory, NoteFactory, SessionLogFactory

pytestmark = pytest.mark.django_db
SECRET_NOTE = "my-secret-note-7f3a"
SECRET_LOG = "what-i-learned-9c1e"


@pytest.fixture
def lived_pair(pair):
    """A pair with a held kickoff, a private note, a shared note and logs from both."""
    program, match, junior, senior = pair
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    meeting_propose_times(meeting=kickoff, by=junior, options=[soon()], duration_minutes=60)
    meeting_confirm_time(meeting=kickoff, by=senior, option=kickoff.options.get())
    Meeting.objects.filter(pk=kickoff.pk).update(starts_at=soon(-3))
    meeting_log(meeting=kickoff, by=junior, held=True, actual_minutes=60, shared="CI pipelines", learned=SECRET_LOG)
    meeting_log(meeting=kickoff, by=senior, held=True, actual_minutes=50, shared="Budget process", learned="How juniors use AI")
    note_add(match=match, author=junior, body=SECRET_NOTE, visibility="private", meeting=kickoff)
    note_add(match=match, author=senior, body="shared-note-for-both", visibility="shared")
    return program, match, junior, senior, kickoff


def pages_hr_can_open(program):
    return [
        reverse("mentoring_sessions:hr_meetings", args=[program.pk]),
        reverse("mentoring_sessions:hr_meetings", args=[program.pk]) + "?format=csv",
        reverse("programs:manage_detail", args=[program.pk]),
        reverse("matching:review", args=[program.pk]),
        "/admin/mentoring_sessions/meeting/",
    ]


def test_hr_portal_pages_and_exports_never_show_notes_or_logs(hr_client, lived_pair):
    program, match, junior, senior, kickoff = lived_pair
    for url in pages_hr_can_open(program):
        response = hr_client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET_NOTE not in body and SECRET_LOG not in body and "shared-note-for-both" not in body, url


def test_notes_logs_and_action_items_are_not_in_django_admin(hr_client, lived_pair):
    program, match, junior, senior, kickoff = lived_pair
    note = Note.objects.get(body=SECRET_NOTE)
    log = SessionLog.objects.get(author=junior)
    for url in (
        "/admin/mentoring_sessions/note/", f"/admin/mentoring_sessions/note/{note.pk}/change/",
        "/admin/mentoring_sessions/sessionlog/", f"/admin/mentoring_sessions/sessionlog/{log.pk}/change/",
        "/admin/mentoring_sessions/actionitem/",
    ):  # fmt: skip
        assert hr_client.get(url).status_code == 404, url
    page = hr_client.get(f"/admin/mentoring_sessions/meeting/{kickoff.pk}/change/").content.decode()
    assert SECRET_NOTE not in page and SECRET_LOG not in page


def test_hr_cannot_open_the_pair_space_or_meeting_page(hr_client, lived_pair):
    program, match, junior, senior, kickoff = lived_pair
    assert hr_client.get(reverse("mentoring_sessions:pair", args=[match.pk])).status_code == 404
    assert hr_client.get(kickoff.get_absolute_url()).status_code == 404
    assert hr_client.post(reverse("mentoring_sessions:note_add", args=[match.pk]), {"body": "x", "visibility": "shared"}).status_code == 404


def test_other_pairs_see_nothing(client, hr):
    program, people = confirmed_pairs(hr, pairs=2)
    (junior_a, senior_a), (junior_b, _senior_b) = people
    match_a = Match.objects.get(program=program, members__user=junior_a)
    note_add(match=match_a, author=junior_a, body=SECRET_NOTE, visibility="shared")
    kickoff_a = Meeting.objects.get(match=match_a, kind="kickoff")
    client.force_login(junior_b)
    assert client.get(reverse("mentoring_sessions:pair", args=[match_a.pk])).status_code == 404
    assert client.get(kickoff_a.get_absolute_url()).status_code == 404
    assert client.post(reverse("mentoring_sessions:action_add", args=[match_a.pk]), {"title": "x"}).status_code == 404
    assert not ActionItem.objects.exists()
    feed = calendar_feed_regenerate(user=junior_b)
    assert SECRET_NOTE.encode() not in client.get(feed.get_absolute_url()).content


def test_partner_sees_shared_notes_but_not_private_ones(client, lived_pair):
    program, match, junior, senior, kickoff = lived_pair
    client.force_login(senior)
    page = client.get(reverse("mentoring_sessions:pair", args=[match.pk])).content.decode()
    assert "shared-note-for-both" in page and SECRET_NOTE not in page
    client.force_login(junior)
    page = client.get(reverse("mentoring_sessions:pair", args=[match.pk])).content.decode()
    assert SECRET_NOTE in page


def test_pair_page_shows_the_two_way_street(client, lived_pair):
    program, match, junior, senior, kickoff = lived_pair
    client.force_login(junior)
    page = client.get(reverse("mentoring_sessions:pair", args=[match.pk])).content.decode()
    assert "two-way-ok" in page
    SessionLog.objects.filter(author=senior).update(learned="")
    page = client.get(reverse("mentoring_sessions:pair", args=[match.pk])).content.decode()
    assert "two-way-warning" in page


def test_feed_parses_back_lists_only_own_meetings_and_can_be_revoked(client, hr):
    program, people = confirmed_pairs(hr, pairs=2)
    (junior_a, senior_a), (junior_b, senior_b) = people
    mine = Meeting.objects.get(match__members__user=junior_a, kind="kickoff")
    theirs = Meeting.objects.get(match__members__user=junior_b, kind="kickoff")
    for meeting, (j, s) in ((mine, people[0]), (theirs, people[1])):
        meeting_propose_times(meeting=meeting, by=j, options=[soon()], duration_minutes=60)
        meeting_confirm_time(meeting=meeting, by=s, option=meeting.options.get())
    feed = calendar_feed_regenerate(user=junior_a)
    response = client.get(feed.get_absolute_url())  # no sign-in: calendar clients cannot
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    assert uids == {f"{mine.uid}@reverse-mentoring"}
    old_url = feed.get_absolute_url()
    new = calendar_feed_regenerate(user=junior_a)
    assert client.get(old_url).status_code == 404 and client.get(new.get_absolute_url()).status_code == 200
    calendar_feed_revoke(user=junior_a)
    assert client.get(new.get_absolute_url()).status_code == 404


def test_calendar_settings_page(client, junior):
    client.force_login(junior)
    assert client.get(reverse("mentoring_sessions:calendar")).status_code == 200
    client.post(reverse("mentoring_sessions:calendar"), {"action": "regenerate"})
    feed = CalendarFeed.objects.get(user=junior)
    assert feed.token in client.get(reverse("mentoring_sessions:calendar")).content.decode()
    client.post(reverse("mentoring_sessions:calendar"), {"action": "revoke"})
    assert not CalendarFeed.objects.exists()


def test_meeting_times_show_in_each_persons_timezone(client, pair):
    program, match, junior, senior = pair
    junior.timezone, senior.timezone = "America/New_York", "Asia/Tokyo"
    junior.save()
    senior.save()
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    when = soon(10, hour=15)  # 15:00 UTC
    meeting_propose_times(meeting=kickoff, by=junior, options=[when], duration_minutes=60)
    meeting_confirm_time(meeting=kickoff, by=senior, option=kickoff.options.get())
    client.force_login(junior)
    assert (
        f"{when.astimezone(__import__('zoneinfo').ZoneInfo('America/New_York')):%H}:00"
        in client.get(kickoff.get_absolute_url()).content.decode()
    )
    client.force_login(senior)
    assert (
        f"{when.astimezone(__import__('zoneinfo').ZoneInfo('Asia/Tokyo')):%H}:00" in client.get(kickoff.get_absolute_url()).content.decode()
    )


def test_meeting_page_flow_and_minimum_length_message(client, pair):
    program, match, junior, senior = pair
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    client.force_login(junior)
    page = client.get(kickoff.get_absolute_url()).content.decode()
    assert "Prepare as junior mentor" in page and "Don&#x27;t over-prepare" in page and "Eye level" in page
    response = client.post(
        kickoff.get_absolute_url(), {"action": "propose", "option_1": soon().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 20}
    )
    assert response.status_code == 200 and "at least 60 minutes" in response.content.decode()
    client.post(
        kickoff.get_absolute_url(),
        {
            "action": "propose",
            "option_1": soon().strftime("%Y-%m-%dT%H:%M"),
            "option_2": soon(5).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
        },
    )
    assert kickoff.options.count() == 2
    client.force_login(senior)
    page = client.get(kickoff.get_absolute_url()).content.decode()
    assert "Prepare as senior mentee" in page and "Pick this time" in page
    client.post(kickoff.get_absolute_url(), {"action": "confirm", "option": kickoff.options.first().pk})
    kickoff.refresh_from_db()
    assert kickoff.status == "scheduled"


def test_hr_meetings_view_costs_the_same_at_two_sizes(hr_client, hr):
    few, _people = confirmed_pairs(hr, pairs=1)
    many, _people = confirmed_pairs(hr, pairs=6)
    small = measure(lambda: hr_client.get(reverse("mentoring_sessions:hr_meetings", args=[few.pk])))
    large = measure(lambda: hr_client.get(reverse("mentoring_sessions:hr_meetings", args=[many.pk])))
    # The pairs' meetings are counted in SQL; only the program-wide sessions are loaded.
    assert_flat(small, large, ceiling=13)
    assert large.instances["mentoring_sessions.Meeting"] == many.meetings.filter(match=None).count()
    assert large.result.status_code == 200


def test_pair_page_costs_the_same_at_two_sizes(client, pair):
    program, match, junior, senior = pair
    meetings = iter(Meeting.objects.filter(match=match).order_by("pk"))

    def live(count):
        for meeting in itertools.islice(meetings, count):
            Meeting.objects.filter(pk=meeting.pk).update(status="held", starts_at=soon(-5))
            SessionLogFactory(meeting=meeting, author=junior)
            NoteFactory(match=match, author=junior, visibility="shared")

    client.force_login(junior)
    url = reverse("mentoring_sessions:pair", args=[match.pk])
    live(1)
    small = measure(lambda: client.get(url))
    live(5)
    large = measure(lambda: client.get(url))
    # Notes and logs are listed with their authors (joined, one person per row).
    assert_flat(small, large, ceiling=14, listed={"mentoring_sessions.SessionLog", "mentoring_sessions.Note", "mentoring.User"})
    assert (small.instances["mentoring_sessions.Note"], large.instances["mentoring_sessions.Note"]) == (1, 6)
    assert large.instances["mentoring.User"] - small.instances["mentoring.User"] == 5 + 5


def test_calendar_feed_costs_the_same_at_two_sizes(client, junior):
    feed = CalendarFeedFactory(user=junior)

    def pairs(count):
        for _ in range(count):
            MeetingFactory(scheduled=True, match=MatchFactory(junior=junior))

    pairs(2)
    small = measure(lambda: client.get(feed.get_absolute_url()))
    pairs(8)
    large = measure(lambda: client.get(feed.get_absolute_url()))
    # Every meeting is an event with its pair's members as attendees.
    listed = {"mentoring_sessions.Meeting", "matching.Match", "matching.MatchMember", "mentoring.User", "programs.Program"}
    assert_flat(small, large, ceiling=6, listed=listed)
    assert large.result.content.decode().count("BEGIN:VEVENT") == 10


@pytest.mark.parametrize("persona", ["junior", "senior", "outsider"])
def test_hr_meetings_view_is_hr_only(client, request, pair, persona):
    program, match, junior, senior = pair
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("mentoring_sessions:hr_meetings", args=[program.pk])).status_code == 403


def test_confirmed_match_page_leads_to_the_pair_space(client, pair):
    program, match, junior, senior = pair
    client.force_login(junior)
    response = client.get(reverse("matching:my_match", args=[match.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("mentoring_sessions:pair", args=[match.pk])


def test_coordinators_schedule_program_wide_group_sessions(hr_client, hr, pair, django_capture_on_commit_callbacks):
    from django.core import mail

    program, match, junior, senior = pair
    session = Meeting.objects.get(program=program, match=None, month=3)
    assert session.get_absolute_url() in hr_client.get(reverse("mentoring_sessions:hr_meetings", args=[program.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(
            session.get_absolute_url(), {"action": "propose", "option_1": soon(20).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 90}
        )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "scheduled"
    assert {m.to[0] for m in mail.outbox} == {junior.email, senior.email}  # everyone matched is invited


# --- program-wide group sessions: logs stay with their authors' pairs -------------------------
@pytest.fixture
def held_group_session(hr):
    """A program-wide session two pairs attended, each participant's log holding a secret."""
    import datetime

    from django.utils import timezone

    program, people = confirmed_pairs(hr, pairs=2)
    Match.objects.filter(program=program).update(confirmed_at=timezone.now() - datetime.timedelta(days=30))
    session = Meeting.objects.get(program=program, match=None, month=3)
    Meeting.objects.filter(pk=session.pk).update(
        status="scheduled", starts_at=timezone.now() - datetime.timedelta(days=1), duration_minutes=90
    )
    for index, (junior, senior) in enumerate(people):
        meeting_log(
            meeting=session, by=junior, held=True, actual_minutes=90, shared=f"group-shared-J{index}", learned=f"group-learned-J{index}"
        )
        meeting_log(
            meeting=session,
            by=senior,
            held=index == 0,
            actual_minutes=80,
            shared=f"group-shared-S{index}",
            learned=f"group-learned-S{index}",
        )
    return program, session, people


def group_log_texts(page):
    return {text for text in ("J0", "S0", "J1", "S1") if f"group-shared-{text}" in page or f"group-learned-{text}" in page}


def test_group_session_logs_reach_only_the_author_and_their_partner(client, held_group_session):
    program, session, ((junior0, senior0), (junior1, senior1)) = held_group_session
    client.force_login(junior0)
    assert group_log_texts(client.get(session.get_absolute_url()).content.decode()) == {"J0", "S0"}
    client.force_login(senior1)
    assert group_log_texts(client.get(session.get_absolute_url()).content.decode()) == {"J1", "S1"}


def test_hr_and_superusers_see_group_session_attendance_never_logs(client, hr, held_group_session):
    from tests.conftest import give_totp
    from tests.mentoring.factories import UserFactory

    program, session, ((junior0, senior0), (junior1, senior1)) = held_group_session
    root = UserFactory(is_staff=True, is_superuser=True)
    give_totp(root)
    for viewer in (hr, root):
        client.force_login(viewer)
        response = client.get(session.get_absolute_url())
        page = response.content.decode()
        assert response.status_code == 200
        assert group_log_texts(page) == set() and "group-" not in page
        assert "Attendance" in page and junior1.get_full_name() in page and "missed" in page  # senior1 logged it as missed
        attendance = {row.person.pk: (row.held, row.minutes) for row in response.context["attendance"]}
        assert attendance[junior0.pk] == (True, 90) and attendance[senior1.pk] == (False, None)


def test_hr_without_mfa_cannot_open_or_schedule_a_group_session(client, hr_without_mfa, hr, pair, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    program, match, junior, senior = pair
    session = Meeting.objects.get(program=program, match=None, month=3)
    client.force_login(hr_without_mfa)
    response = client.get(session.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            session.get_absolute_url(), {"action": "propose", "option_1": soon(20).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 90}
        )
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    session.refresh_from_db()
    assert session.status != "scheduled" and not session.options.exists()
    assert not Notification.objects.filter(kind="meeting_scheduled").exists()


def test_the_mfa_rule_holds_in_services_too(hr_without_mfa, pair):
    from django.core.exceptions import PermissionDenied

    program, match, junior, senior = pair
    session = Meeting.objects.get(program=program, match=None, month=3)
    with pytest.raises(PermissionDenied, match="scheduled by the coordinators"):
        meeting_propose_times(meeting=session, by=hr_without_mfa, options=[soon(20)], duration_minutes=90)


@pytest.mark.parametrize("bad", ["abc", "1.5", "", "99999999999999999999"])
def test_malformed_ids_in_pair_forms_get_a_message_not_a_500(client, lived_pair, bad):
    program, match, junior, senior, kickoff = lived_pair
    client.force_login(junior)
    notes = Note.objects.count()
    response = client.post(
        reverse("mentoring_sessions:note_add", args=[match.pk]), {"body": "a note", "visibility": "private", "meeting": bad}
    )
    assert response.status_code == 302 and Note.objects.count() == notes + 1  # saved, just not tied to a meeting
    response = client.post(reverse("mentoring_sessions:action_add", args=[match.pk]), {"title": "Try it", "owner": bad})
    assert response.status_code in {200, 302}
    meeting = Meeting.objects.filter(match=match).exclude(pk=kickoff.pk).first()
    meeting_propose_times(meeting=meeting, by=senior, options=[soon(5)], duration_minutes=60)
    response = client.post(meeting.get_absolute_url(), {"action": "confirm", "option": bad}, follow=True)
    assert response.status_code == 200 and "Pick one of the offered times." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "proposed"


def test_group_session_logs_stay_with_the_pair_of_that_day(client, hr, held_group_session):
    """An ex-partner (pair ended before the session) and a later partner read nothing; an
    offer withdrawn before both accepted never made a pair."""
    import datetime

    from django.utils import timezone

    from matching.models import MatchMember

    program, session, ((junior0, senior0), (junior1, senior1)) = held_group_session
    session.refresh_from_db()
    first, second = Match.objects.filter(program=program).order_by("pk")
    # The first pair ended a week before the session; junior0 and senior1 were paired after it.
    Match.objects.filter(pk=first.pk).update(status="ended", ended_at=session.starts_at - datetime.timedelta(days=7))
    later = Match.objects.create(program=program, status="confirmed", confirmed_at=timezone.now())
    MatchMember.objects.create(match=later, user=junior0, role="junior")
    MatchMember.objects.create(match=later, user=senior1, role="senior")
    withdrawn = Match.objects.create(program=program, status="ended", ended_at=timezone.now())
    MatchMember.objects.create(match=withdrawn, user=junior1, role="junior")
    MatchMember.objects.create(match=withdrawn, user=senior0, role="senior")
    client.force_login(senior0)
    assert group_log_texts(client.get(session.get_absolute_url()).content.decode()) <= {"S0"}
    assert client.get(reverse("mentoring_sessions:pair", args=[withdrawn.pk])).status_code == 404
    client.force_login(junior0)
    assert group_log_texts(client.get(session.get_absolute_url()).content.decode()) <= {"J0"}
    assert client.get(reverse("mentoring_sessions:pair", args=[first.pk])).status_code == 200  # their own ended pair stays theirs
    client.force_login(senior1)
    assert group_log_texts(client.get(session.get_absolute_url()).content.decode()) == {"J1", "S1"}  # still paired with junior1 that day
