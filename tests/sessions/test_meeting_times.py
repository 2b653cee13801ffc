"""Meeting times stay inside a window around the program (security review, issue 10 E):
a far-future time once made the calendar feed answer 500 and left its mails stuck."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from matching.models import Match
from notifications.models import Notification
from notifications.services import notification_send
from sessions.models import CalendarFeed, Meeting
from sessions.services import meeting_confirm_time, meeting_propose_times, meeting_reschedule, meeting_time_window
from tests.sessions.conftest import confirmed_pairs, soon

pytestmark = pytest.mark.django_db
FAR_FUTURE = datetime.datetime(9999, 12, 31, 23, 0, tzinfo=datetime.UTC)


def kickoff_of(match):
    return Meeting.objects.get(match=match, kind="kickoff")


def test_window_runs_from_before_the_start_to_weeks_after_the_end(pair):
    program, match, junior, senior = pair
    earliest, latest = meeting_time_window(program)
    assert earliest.date() < program.start_date <= program.end_date < latest.date()
    assert latest.date() <= program.end_date + datetime.timedelta(days=100)
    assert earliest.date() >= program.start_date - datetime.timedelta(days=100)


@pytest.fixture
def late_pair(hr):
    """A pair whose program starts in half a year, so "before the start" is still the future."""
    program, ((junior, senior),) = confirmed_pairs(hr, start_date=timezone.localdate() + datetime.timedelta(days=180))
    return program, Match.objects.get(program=program), junior, senior


@pytest.mark.parametrize("when", ["year_9999", "after_end", "before_start"])
def test_offering_a_time_outside_the_program_is_refused(late_pair, when):
    program, match, junior, senior = late_pair
    end = datetime.datetime.combine(program.end_date, datetime.time(12), tzinfo=datetime.UTC)
    start = datetime.datetime.combine(program.start_date, datetime.time(12), tzinfo=datetime.UTC)
    option = {
        "year_9999": FAR_FUTURE,
        "after_end": end + datetime.timedelta(days=120),
        "before_start": start - datetime.timedelta(days=120),
    }[when]
    assert option > timezone.now()
    meeting = kickoff_of(match)
    with pytest.raises(ValidationError, match="meetings of this program happen around its run") as excinfo:
        meeting_propose_times(meeting=meeting, by=junior, options=[start, option], duration_minutes=60)
    assert list(excinfo.value.message_dict) == ["options"]
    assert not meeting.options.exists()
    meeting_propose_times(
        meeting=meeting, by=junior, options=[start - datetime.timedelta(days=14), end + datetime.timedelta(days=14)], duration_minutes=60
    )
    assert meeting.options.count() == 2  # a kickoff before the start and a retrospective after the end are fine


def test_the_edges_of_the_window_are_allowed(pair):
    program, match, junior, senior = pair
    earliest, latest = meeting_time_window(program)
    meeting = kickoff_of(match)
    meeting_propose_times(meeting=meeting, by=junior, options=[latest - datetime.timedelta(minutes=1)], duration_minutes=60)
    assert meeting.options.count() == 1


def test_rescheduling_outside_the_window_is_refused(pair):
    program, match, junior, senior = pair
    meeting = kickoff_of(match)
    meeting_propose_times(meeting=meeting, by=junior, options=[soon()], duration_minutes=60)
    meeting_confirm_time(meeting=meeting, by=senior, option=meeting.options.get())
    with pytest.raises(ValidationError, match="meetings of this program happen around its run") as excinfo:
        meeting_reschedule(meeting=meeting, by=senior, starts_at=FAR_FUTURE, duration_minutes=60)
    assert list(excinfo.value.message_dict) == ["starts_at"]
    meeting.refresh_from_db()
    assert meeting.starts_at == soon() and meeting.sequence == 0


def test_confirming_a_stored_option_outside_the_window_is_refused(pair):
    """An option written before the window existed (or the program got shorter since)."""
    program, match, junior, senior = pair
    meeting = kickoff_of(match)
    meeting_propose_times(meeting=meeting, by=junior, options=[soon()], duration_minutes=60)
    meeting.options.update(starts_at=FAR_FUTURE)
    with pytest.raises(ValidationError, match="program"):
        meeting_confirm_time(meeting=meeting, by=senior, option=meeting.options.get())
    meeting.refresh_from_db()
    assert meeting.status == "proposed" and meeting.starts_at is None


def test_the_meeting_page_rerenders_with_the_reason(client, pair):
    program, match, junior, senior = pair
    meeting = kickoff_of(match)
    client.force_login(junior)
    response = client.post(meeting.get_absolute_url(), {"action": "propose", "option_1": "9999-12-31T23:00", "duration_minutes": 60})
    assert response.status_code == 200
    assert "between" in response.content.decode() and not meeting.options.exists()
    meeting_propose_times(meeting=meeting, by=junior, options=[soon()], duration_minutes=60)
    meeting_confirm_time(meeting=meeting, by=senior, option=meeting.options.get())
    client.force_login(senior)
    response = client.post(meeting.get_absolute_url(), {"action": "reschedule", "starts_at": "9999-12-31T23:00", "duration_minutes": 60})
    assert response.status_code == 200 and "between" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at == soon()


def test_hr_cannot_schedule_a_group_session_in_year_9999(hr_client, pair):
    program, match, junior, senior = pair
    session = Meeting.objects.get(program=program, match=None, month=3)
    response = hr_client.post(session.get_absolute_url(), {"action": "propose", "option_1": "9999-12-31T23:00", "duration_minutes": 90})
    assert response.status_code == 200 and "between" in response.content.decode()
    session.refresh_from_db()
    assert session.status == "proposed" and session.starts_at is None


@pytest.fixture
def legacy_far_future_meeting(pair):
    """A confirmed kickoff as a row stored before the window existed: at 9999-12-31 23:00."""
    program, match, junior, senior = pair
    meeting = kickoff_of(match)
    meeting_propose_times(meeting=meeting, by=junior, options=[soon()], duration_minutes=60)
    meeting_confirm_time(meeting=meeting, by=senior, option=meeting.options.get())
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=FAR_FUTURE)
    other = Meeting.objects.filter(match=match, kind="one_to_one").first()
    meeting_propose_times(meeting=other, by=junior, options=[soon(5)], duration_minutes=60)
    meeting_confirm_time(meeting=other, by=senior, option=other.options.get())
    return meeting, other, junior, senior


def test_feed_with_a_legacy_far_future_row_still_answers(client, legacy_far_future_meeting):
    meeting, other, junior, senior = legacy_far_future_meeting
    feed = CalendarFeed.objects.create(user=senior)
    response = client.get(reverse("mentoring_sessions:feed", args=[feed.token]))
    assert response.status_code == 200
    uids = {str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}
    assert uids == {f"{other.uid}@reverse-mentoring"}  # the broken row is left out, the good one stays


def test_mail_about_a_legacy_far_future_row_is_skipped_not_stuck(legacy_far_future_meeting):
    meeting, other, junior, senior = legacy_far_future_meeting
    rows = Notification.objects.filter(kind="meeting_scheduled", context__meeting_id=meeting.pk)
    rows.update(status="queued", attempts=0, next_attempt_at=timezone.now(), sent_at=None)
    mail.outbox.clear()
    assert sorted(notification_send(row.pk) for row in rows) == ["skipped", "skipped"]
    assert mail.outbox == []


def test_migration_puts_legacy_far_future_meetings_back_to_be_scheduled(client, legacy_far_future_meeting):
    """Their meeting and pair pages broke too; after the migration the pair offers a real time."""
    import importlib

    from django.apps import apps

    meeting, other, junior, senior = legacy_far_future_meeting
    senior.timezone = "Asia/Tokyo"  # ahead of UTC: 9999-12-31 23:00 UTC is in year 10000 there
    senior.save(update_fields=["timezone"])
    cancelled = Meeting.objects.filter(match=meeting.match, kind="one_to_one").exclude(pk=other.pk).first()
    Meeting.objects.filter(pk=cancelled.pk).update(status="cancelled", starts_at=datetime.datetime(1, 1, 1, 9, tzinfo=datetime.UTC))
    offered = Meeting.objects.filter(match=meeting.match, kind="one_to_one", status="proposed").exclude(pk=cancelled.pk).first()
    meeting_propose_times(meeting=offered, by=junior, options=[soon(), soon(2)], duration_minutes=60)
    offered.options.filter(starts_at=soon(2)).update(starts_at=FAR_FUTURE)

    importlib.import_module("sessions.migrations.0002_unschedule_unrepresentable_meetings").forwards(apps, None)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.starts_at, meeting.sequence) == ("proposed", None, 1)
    assert Meeting.objects.filter(pk=cancelled.pk).values_list("status", "starts_at").get() == ("cancelled", None)
    assert list(offered.options.values_list("starts_at", flat=True)) == [soon()]
    other.refresh_from_db()
    assert (other.status, other.starts_at) == ("scheduled", soon(5))  # ordinary rows are left alone
    client.force_login(senior)
    for url in (meeting.get_absolute_url(), reverse("mentoring_sessions:pair", args=[meeting.match_id]), offered.get_absolute_url()):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("tz", ["America/New_York", "Pacific/Kiritimati", "Etc/GMT+12"])
@pytest.mark.parametrize("typed", ["9999-12-31T23:00", "0001-01-01T00:00"])
def test_the_ends_of_the_calendar_in_any_time_zone_are_refused_not_a_500(client, pair, tz, typed):
    program, match, junior, senior = pair
    junior.timezone = tz
    junior.save(update_fields=["timezone"])
    meeting = kickoff_of(match)
    client.force_login(junior)
    response = client.post(meeting.get_absolute_url(), {"action": "propose", "option_1": typed, "option_2": typed, "duration_minutes": 60})
    assert response.status_code == 200
    assert not meeting.options.exists()


def test_the_service_refuses_the_ends_of_the_calendar_in_any_offset(pair):
    import zoneinfo

    program, match, junior, senior = pair
    meeting = kickoff_of(match)
    new_york = datetime.datetime(9999, 12, 31, 23, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))  # year 10000 in UTC
    with pytest.raises(ValidationError, match="program"):
        meeting_propose_times(meeting=meeting, by=junior, options=[new_york, new_york], duration_minutes=60)
