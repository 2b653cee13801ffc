"""Each partial index serves the query its comment names: PostgreSQL's planner uses it for that
query's filter (a partial index whose condition the query does not imply is never used).

The filters below are the collectors' and the sender's own, at their shape in the code each
test is named after; sequential scans are switched off so that a tiny test table does not hide the plan."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from evaluation.models import CheckIn
from matching.models import Match
from notifications.models import Notification
from programs.models import Invitation
from sessions.models import Meeting

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="PostgreSQL's planner (CI's service run)"),
]
NOW = timezone.now()
DAY = datetime.timedelta(days=1)

QUERIES = [
    pytest.param(
        "notification_queued_due",
        lambda: (
            Notification.objects.filter(status=Notification.Status.QUEUED, next_attempt_at__lte=NOW)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:5000]
        ),
        id="notifications.services.dispatch_due: due rows",
    ),
    pytest.param(
        "notification_sending_lease",
        lambda: Notification.objects.filter(status=Notification.Status.SENDING, lease_until__lt=NOW),
        id="notifications.services.dispatch_due: expired leases",
    ),
    pytest.param(
        "meeting_upcoming_recent",
        lambda: Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=NOW, starts_at__lte=NOW + DAY),
        id="sessions.notifications.meeting_reminders",
    ),
    pytest.param(
        "meeting_upcoming_recent",
        lambda: Meeting.objects.filter(
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD], starts_at__lt=NOW, starts_at__gte=NOW - 3 * DAY
        ),
        id="sessions.notifications.log_reminders",
    ),
    pytest.param(
        "invitation_pending_by_age",
        lambda: Invitation.objects.filter(status=Invitation.Status.PENDING, created_at__lte=NOW - 5 * DAY, created_at__gt=NOW - 30 * DAY),
        id="programs.notifications.invitation_reminders",
    ),
    pytest.param(
        "match_offered_by_age",
        lambda: Match.objects.filter(status=Match.Status.APPROVED, approved_at__lte=NOW - 3 * DAY, approved_at__gt=NOW - 30 * DAY),
        id="matching.notifications.acceptance_reminders",
    ),
    pytest.param(
        "checkin_once_a_month",
        lambda: CheckIn.objects.filter(program_id=1, month=2).values_list("user_id", flat=True),
        id="evaluation.notifications.checkin_reminders",
    ),
]


@pytest.mark.parametrize(("index", "query"), QUERIES)
def test_the_query_uses_its_index(index, query):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = query().explain()
    assert index in plan, plan
