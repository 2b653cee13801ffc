"""The meeting plan per format and cadence; scheduling with iCalendar invitations."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar

from matching.models import Match
from programs.models import Program
from sessions.models import Meeting, Milestone, Project
from sessions.services import (
    group_sessions_ensure,
    meeting_cancel,
    meeting_confirm_time,
    meeting_log,
    meeting_propose_times,
    meeting_reschedule,
    meetings_plan_for_match,
)
from tests.sessions.conftest import confirmed_pairs, soon

pytestmark = pytest.mark.django_db


def ics_of(message) -> Calendar:
    ((name, content, mimetype),) = [a for a in message.attachments]
    assert name == "invite.ics" and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def event_of(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


# --- the plan ------------------------------------------------------------------------------------
def test_one_to_one_monthly_plan_follows_the_curriculum(pair):
    program, match, junior, senior = pair
    meetings = list(Meeting.objects.filter(match=match).order_by("month", "due_by", "pk"))
    assert [m.kind for m in meetings] == ["kickoff"] + ["one_to_one"] * 5 + ["retrospective"]
    assert meetings[0].display_agenda[:3] == ["Get to know each other", "Clarify expectations", "Prioritize topics"]
    assert [m.title for m in meetings[1:]] == [
        "Developer experience", "New tools and technologies", "Team culture from the junior perspective",
        "Onboarding feedback", "Career expectations", "Retrospective and recommendations",
    ]  # fmt: skip
    assert meetings[1].topic.name == "Developer experience"
    assert all(m.duration_minutes >= program.min_meeting_minutes for m in meetings)
    # Quarterly program-wide group sessions, created once for everyone.
    assert list(Meeting.objects.filter(program=program, match=None).values_list("month", "kind")) == [(3, "group"), (6, "group")]
    assert group_sessions_ensure(program=program) == []
    assert meetings_plan_for_match(match=match) == []  # idempotent


def test_weekly_cadence_gives_four_meetings_a_month(hr):
    program, people = confirmed_pairs(hr, meeting_cadence="weekly")
    match = Match.objects.get(program=program)
    assert Meeting.objects.filter(match=match).count() == 1 + 6 * 4
    assert Meeting.objects.filter(match=match, month=2).count() == 4


def test_peer_exchange_alternates_who_leads(hr):
    program, ((junior, senior),) = confirmed_pairs(hr, format=Program.Format.PEER_EXCHANGE)
    leads = list(
        Meeting.objects.filter(program=program, match__isnull=False)
        .exclude(kind="kickoff")
        .order_by("month")
        .values_list("lead", flat=True)
    )
    assert leads[:4] == [junior.pk, senior.pk, junior.pk, senior.pk]


def test_project_based_pairs_get_a_project_with_milestones_tied_to_meetings(hr):
    program, _people = confirmed_pairs(hr, format=Program.Format.PROJECT, project_brief="Evaluate an AI tool for a real workflow")
    project = Project.objects.get(match__program=program)
    assert project.goal == "Evaluate an AI tool for a real workflow"
    assert project.milestones.count() == 6
    assert Meeting.objects.filter(match=project.match, milestone__isnull=False).count() == 6
    from dateutil.relativedelta import relativedelta

    first = Milestone.objects.filter(project=project).first()
    assert first.due_date == program.start_date + relativedelta(months=1) - datetime.timedelta(days=1)


def test_group_format_has_group_sessions_per_group(hr):
    program, people = confirmed_pairs(hr)
    Program.objects.filter(pk=program.pk).update(format=Program.Format.GROUP)
    match = Match.objects.get(program=program)
    Meeting.objects.filter(program=program).delete()
    meetings_plan_for_match(match=Match.objects.select_related("program").get(pk=match.pk))
    assert Meeting.objects.filter(match=match, kind="group").count() >= 2
    assert not Meeting.objects.filter(program=program, match=None).exists()


# --- scheduling ------------------------------------------------------------------------------------
def test_propose_confirm_sends_request_invitations_to_both(pair, django_capture_on_commit_callbacks):
    program, match, junior, senior = pair
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    meeting_propose_times(
        meeting=kickoff, by=junior, options=[soon(3), soon(4)], duration_minutes=60, video_link="https://meet.example.com/abc"
    )
    option = kickoff.options.get(starts_at=soon(4))
    with pytest.raises(ValidationError, match="other side picks"):
        meeting_confirm_time(meeting=kickoff, by=junior, option=option)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_confirm_time(meeting=kickoff, by=senior, option=option)
    kickoff.refresh_from_db()
    assert (kickoff.status, kickoff.starts_at, kickoff.sequence) == ("scheduled", soon(4), 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([junior.email, senior.email])
    calendar = ics_of(mail.outbox[0])
    assert calendar["METHOD"] == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]) == f"{kickoff.uid}@reverse-mentoring"
    assert event.decoded("DTSTART") == soon(4)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=60)
    assert {str(a) for a in event.get("ATTENDEE")} == {f"mailto:{junior.email}", f"mailto:{senior.email}"}


def test_meetings_shorter_than_the_program_minimum_are_refused(pair):
    program, match, junior, senior = pair
    meeting = Meeting.objects.filter(match=match, kind="one_to_one").first()
    with pytest.raises(ValidationError, match="last at least 60 minutes") as excinfo:
        meeting_propose_times(meeting=meeting, by=junior, options=[soon()], duration_minutes=program.min_meeting_minutes - 1)
    assert list(excinfo.value.message_dict) == ["duration_minutes"]
    assert not meeting.options.exists()


def test_times_must_be_future_and_participants_only(pair, outsider, hr):
    program, match, junior, senior = pair
    meeting = Meeting.objects.get(match=match, kind="kickoff")
    with pytest.raises(ValidationError, match="future"):
        meeting_propose_times(meeting=meeting, by=junior, options=[soon(-1)], duration_minutes=60)
    for stranger in (outsider, hr):
        with pytest.raises(PermissionDenied, match="belongs to another pair"):
            meeting_propose_times(meeting=meeting, by=stranger, options=[soon()], duration_minutes=60)


def schedule(meeting, junior, senior, when=None):
    meeting_propose_times(meeting=meeting, by=junior, options=[when or soon()], duration_minutes=60)
    return meeting_confirm_time(meeting=meeting, by=senior, option=meeting.options.get())


def test_reschedule_keeps_uid_and_raises_sequence(pair, django_capture_on_commit_callbacks):
    program, match, junior, senior = pair
    meeting = schedule(Meeting.objects.get(match=match, kind="kickoff"), junior, senior)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(meeting=meeting, by=senior, starts_at=soon(6), duration_minutes=75, location="Room 4")
    event = event_of(ics_of(mail.outbox[-1]))
    assert str(event["UID"]) == f"{meeting.uid}@reverse-mentoring"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == soon(6) and str(event["LOCATION"]) == "Room 4"
    with pytest.raises(ValidationError, match="last at least 60 minutes"):
        meeting_reschedule(meeting=meeting, by=senior, starts_at=soon(7), duration_minutes=10)


def test_cancel_sends_method_cancel(pair, django_capture_on_commit_callbacks):
    program, match, junior, senior = pair
    meeting = schedule(Meeting.objects.get(match=match, kind="kickoff"), junior, senior)
    with pytest.raises(ValidationError, match="Say why, so your partner knows"):
        meeting_cancel(meeting=meeting, by=junior, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, by=junior, reason="Sick")
    calendar = ics_of(mail.outbox[-1])
    assert calendar["METHOD"] == "CANCEL"
    event = event_of(calendar)
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"{meeting.uid}@reverse-mentoring"


def test_logging_after_the_meeting_sets_held_or_missed(pair):
    program, match, junior, senior = pair
    meeting = schedule(Meeting.objects.get(match=match, kind="kickoff"), junior, senior)
    with pytest.raises(ValidationError, match="after it has taken place"):
        meeting_log(meeting=meeting, by=junior, held=True, actual_minutes=60)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=soon(-2))
    with pytest.raises(ValidationError, match="How long did you meet"):
        meeting_log(meeting=meeting, by=junior, held=True)
    meeting_log(meeting=meeting, by=junior, held=True, actual_minutes=55, shared="Our CI setup", learned="Why budgets take so long")
    meeting.refresh_from_db()
    assert meeting.status == "held"
    other = schedule(Meeting.objects.filter(match=match, kind="one_to_one").first(), junior, senior)
    Meeting.objects.filter(pk=other.pk).update(starts_at=soon(-1))
    meeting_log(meeting=other, by=junior, held=False)
    other.refresh_from_db()
    assert other.status == "scheduled"  # one side is not enough to call it missed
    meeting_log(meeting=other, by=senior, held=False)
    other.refresh_from_db()
    assert other.status == "missed"
