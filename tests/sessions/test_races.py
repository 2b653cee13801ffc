"""Picking a time while the other side replaces the offered times (issue 12, item 7): the time
booked is always one on offer when it is booked; a withdrawn one is refused with a message."""

import functools

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Notification
from sessions.models import CalendarFeed, Meeting
from sessions.notifications import MEETING_MOVED, MEETING_SCHEDULED
from sessions.services import calendar_feed_regenerate, meeting_confirm_time, meeting_propose_times, meeting_reschedule
from tests.races import needs_postgres, race
from tests.sessions.conftest import soon
from tests.sessions.factories import MeetingFactory

WITHDRAWN = "That time was withdrawn; pick one of the times offered now."


@pytest.mark.django_db
def test_a_time_withdrawn_before_it_is_picked_is_refused(pair):
    program, match, junior, senior = pair
    meeting = MeetingFactory(match=match)
    meeting_propose_times(meeting=meeting, by=junior, options=[soon(3)], duration_minutes=60)
    withdrawn = meeting.options.get()  # what the senior's page showed
    meeting_propose_times(meeting=meeting, by=junior, options=[soon(3), soon(5)], duration_minutes=60)
    with pytest.raises(ValidationError) as excinfo:
        meeting_confirm_time(meeting=meeting, by=senior, option=withdrawn)
    assert excinfo.value.messages == [WITHDRAWN]  # even though the same time is offered again: the offer was replaced
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PROPOSED and meeting.starts_at is None
    assert sorted(meeting.options.values_list("starts_at", flat=True)) == [soon(3), soon(5)]
    meeting_confirm_time(meeting=meeting, by=senior, option=meeting.options.get(starts_at=soon(5)))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.starts_at) == (Meeting.Status.SCHEDULED, soon(5))


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_picking_a_time_while_the_times_are_replaced_never_books_a_withdrawn_one(pair):
    program, match, junior, senior = pair
    first_wins = {"confirm": 0, "re-offer": 0}
    for _round in range(20):
        meeting = MeetingFactory(match=match)
        meeting_propose_times(meeting=meeting, by=junior, options=[soon(3)], duration_minutes=60)
        offered = meeting.options.get()
        confirm, reoffer = race(
            functools.partial(meeting_confirm_time, meeting=meeting, by=senior, option=offered),
            functools.partial(meeting_propose_times, meeting=meeting, by=junior, options=[soon(5)], duration_minutes=60),
        )
        meeting.refresh_from_db()
        assert not (confirm.ok and reoffer.ok), f"both told success; booked {meeting.starts_at}, offered now {soon(5)}"
        if confirm.ok:
            first_wins["confirm"] += 1
            assert (meeting.status, meeting.starts_at) == (Meeting.Status.SCHEDULED, soon(3))
            assert isinstance(reoffer.error, ValidationError) and "reschedule it instead" in reoffer.error.messages[0]
        else:
            first_wins["re-offer"] += 1
            assert isinstance(confirm.error, ValidationError) and confirm.error.messages == [WITHDRAWN], confirm.error
            assert reoffer.ok
            assert (meeting.status, meeting.starts_at) == (Meeting.Status.PROPOSED, None)
            assert list(meeting.options.values_list("starts_at", flat=True)) == [soon(5)]
    print(f"first to the meeting's lock: {first_wins}")


def scheduled(match, junior, senior) -> Meeting:
    meeting = MeetingFactory(match=match)
    meeting_propose_times(meeting=meeting, by=junior, options=[soon(3)], duration_minutes=60)
    return meeting_confirm_time(meeting=meeting, by=senior, option=meeting.options.get())


def invitations_sent(meeting) -> list[int]:
    """Everyone invited: the booking, then every move (each with its calendar update)."""
    kinds = [MEETING_SCHEDULED, MEETING_MOVED]
    return sorted(Notification.objects.filter(kind__in=kinds, context__meeting_id=meeting.pk).values_list("recipient", flat=True))


@pytest.mark.django_db
def test_moving_a_meeting_twice_to_the_same_time_sends_one_update(pair):
    program, match, junior, senior = pair
    meeting = scheduled(match, junior, senior)
    move = functools.partial(meeting_reschedule, meeting=meeting, by=junior, starts_at=soon(6), duration_minutes=90, location="Room 2")
    move()
    move()  # a double click: the meeting is already there
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.duration_minutes, meeting.location, meeting.sequence) == (soon(6), 90, "Room 2", 1)
    assert invitations_sent(meeting) == sorted([junior.pk, senior.pk] * 2)  # the booking, then one update
    meeting_reschedule(meeting=meeting, by=senior, starts_at=soon(6), duration_minutes=60, location="Room 2")  # a real change
    meeting.refresh_from_db()
    assert meeting.sequence == 2 and len(invitations_sent(meeting)) == 6


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_moving_a_meeting_twice_at_once_sends_one_update(pair):
    program, match, junior, senior = pair
    meeting = scheduled(match, junior, senior)
    move = functools.partial(meeting_reschedule, meeting=meeting, by=junior, starts_at=soon(6), duration_minutes=90)
    outcomes = race(move, move)
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (soon(6), 1)
    assert invitations_sent(meeting) == sorted([junior.pk, senior.pk] * 2)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_new_calendar_link_asked_for_many_times_at_once_is_one_link(junior):
    outcomes = race(*[functools.partial(calendar_feed_regenerate, user=junior) for _ in range(10)])
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    feed = CalendarFeed.objects.get(user=junior)
    assert feed.token in {outcome.value.token for outcome in outcomes}  # the last one asked for works, the others are gone
