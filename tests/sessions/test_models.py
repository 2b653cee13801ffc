"""What the database itself refuses about meetings, and the data migration that made room for it."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from sessions.models import Meeting, SessionLog

pytestmark = pytest.mark.django_db


def kickoff_of(match) -> Meeting:
    return Meeting.objects.get(match=match, kind=Meeting.Kind.KICKOFF)


@pytest.mark.parametrize("status", ["scheduled", "held", "missed"])
def test_a_meeting_that_has_been_scheduled_needs_a_start(pair, status):
    program, match, junior, senior = pair
    meeting = kickoff_of(match)
    with pytest.raises(IntegrityError, match="meeting_timed_has_start"), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(status=status)
    Meeting.objects.filter(pk=meeting.pk).update(status=status, starts_at=timezone.now())
    assert Meeting.objects.get(pk=meeting.pk).status == status


@pytest.mark.parametrize("status", ["proposed", "cancelled"])
def test_a_meeting_not_yet_or_never_scheduled_may_have_no_start(pair, status):
    program, match, junior, senior = pair
    meeting = kickoff_of(match)
    Meeting.objects.filter(pk=meeting.pk).update(status=status, starts_at=None)
    assert Meeting.objects.filter(pk=meeting.pk, status=status, starts_at=None).exists()


@pytest.mark.parametrize(("minutes", "allowed"), [(29, False), (30, True), (480, True), (481, False)])
def test_meeting_length_stays_within_its_absolute_bounds(pair, minutes, allowed):
    program, match, junior, senior = pair
    meeting = kickoff_of(match)
    if allowed:
        Meeting.objects.filter(pk=meeting.pk).update(duration_minutes=minutes)
        assert Meeting.objects.get(pk=meeting.pk).duration_minutes == minutes
    else:
        with pytest.raises(IntegrityError, match="meeting_length_range"), transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(duration_minutes=minutes)


BEFORE = [("mentoring_sessions", "0002_unschedule_unrepresentable_meetings")]


@pytest.mark.django_db(transaction=True)
def test_migration_gives_logged_meetings_without_a_start_one_before_the_check(pair):
    """Migration 0002 took unrepresentable times away, also from meetings logged as held or
    missed; 0003 gives those a start (from their first log) so 0004's check can apply."""
    program, match, junior, senior = pair
    held, missed, scheduled, *_ = Meeting.objects.filter(match=match).order_by("pk")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    logged_at = timezone.now() - datetime.timedelta(days=2)
    Meeting.objects.filter(pk=held.pk).update(status="held", starts_at=None, duration_minutes=60)
    SessionLog.objects.create(meeting=held, author=junior, held=True, actual_minutes=60, created_at=logged_at)
    SessionLog.objects.create(meeting=held, author=senior, held=True, actual_minutes=60, created_at=logged_at + datetime.timedelta(hours=5))
    Meeting.objects.filter(pk=missed.pk).update(status="missed", starts_at=None)
    Meeting.objects.filter(pk=scheduled.pk).update(status="scheduled", starts_at=None, sequence=2)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest state for the other tests

    held.refresh_from_db()
    missed.refresh_from_db()
    scheduled.refresh_from_db()
    assert (held.status, held.starts_at) == ("held", logged_at - datetime.timedelta(minutes=60))  # ended by its first log
    assert missed.status == "missed" and missed.starts_at == missed.created_at - datetime.timedelta(minutes=missed.duration_minutes)
    assert (scheduled.status, scheduled.starts_at, scheduled.sequence) == ("proposed", None, 3)  # the pair offers a time again
    with pytest.raises(IntegrityError, match="meeting_timed_has_start"), transaction.atomic():
        Meeting.objects.filter(pk=held.pk).update(starts_at=None)
