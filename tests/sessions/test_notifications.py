"""The meetings' reminder collectors at scale: reading what is due costs the same queries and
builds no model instance per meeting or person, however many pairs meet (10,000 reminders
once took 1.9 s just to gather)."""

import datetime

import pytest
import time_machine

from matching.models import Match
from notifications.sweep import collect
from sessions.models import Meeting, SessionLog
from sessions.notifications import LOG_REMINDER, MEETING_REMINDER, MEETING_SOON, log_reminders, meeting_reminders
from tests.budgets import assert_flat, measure
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=datetime.UTC)


def pairs_meeting(hr, count):
    """`count` pairs, each with a meeting tomorrow morning (a 24-hour reminder), one within the
    hour (the 1-hour one) and one held yesterday that one member has logged (a log reminder)."""
    with time_machine.travel(NOON - datetime.timedelta(days=3), tick=False):
        program, people = confirmed_pairs(hr, pairs=count)
    for match in Match.objects.filter(program=program):
        kickoff = Meeting.objects.get(match=match, kind="kickoff")
        Meeting.objects.filter(pk=kickoff.pk).update(status="scheduled", starts_at=NOON + datetime.timedelta(hours=20), duration_minutes=60)
        soon = Meeting.objects.create(
            program=program,
            match=match,
            kind="one_to_one",
            status="scheduled",
            starts_at=NOON + datetime.timedelta(minutes=30),
            duration_minutes=60,
        )
        held = Meeting.objects.create(
            program=program, match=match, kind="one_to_one", status="held", starts_at=NOON - datetime.timedelta(days=1), duration_minutes=60
        )
        junior = match.members.get(role="junior").user
        SessionLog.objects.create(meeting=held, author=junior, held=True)
        assert soon.pk
    return program


def test_the_collectors_find_every_reminder_once_per_person(hr):
    pairs_meeting(hr, 2)
    with time_machine.travel(NOON, tick=False):
        messages = meeting_reminders(NOON) + log_reminders(NOON)
    kinds = sorted(m.kind for m in messages)
    assert kinds == sorted([MEETING_REMINDER] * 4 + [MEETING_SOON] * 4 + [LOG_REMINDER] * 2)
    seniors_logs = [m for m in messages if m.kind == LOG_REMINDER]
    assert {Match.objects.get(members__user_id=m.recipient_id).members.get(user_id=m.recipient_id).role for m in seniors_logs} == {"senior"}
    assert len({m.dedupe_key for m in messages}) == len(messages)


def test_gathering_reminders_costs_the_same_for_two_pairs_and_for_eight(hr):
    pairs_meeting(hr, 2)
    with time_machine.travel(NOON, tick=False):
        small = measure(lambda: meeting_reminders(NOON) + log_reminders(NOON), warm=False)
    pairs_meeting(hr, 6)
    with time_machine.travel(NOON, tick=False):
        large = measure(lambda: meeting_reminders(NOON) + log_reminders(NOON), warm=False)
        assert not collect(NOON)[1]  # and every collector runs
    assert (len(small.result), len(large.result)) == (10, 40)
    # no model instances per meeting, member or person: the collectors read plain values
    assert_flat(small, large, ceiling=6)
