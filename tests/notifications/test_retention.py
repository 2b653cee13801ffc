"""Outbox retention: sent and skipped rows go after NOTIFICATION_RETENTION_DAYS, failed and
queued ones stay; the daily job, its command and its setting; and no reminder is sent twice
because the row that remembered it was purged."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.models import Survey
from evaluation.notifications import CHECKIN_DUE, SURVEY_REMINDER
from evaluation.services import survey_open
from matching.models import Match
from matching.notifications import ACCEPTANCE_REMINDER
from mentoring.celery import app
from notifications.models import Notification
from notifications.registry import COLLECTOR_LOOKBACK
from notifications.services import outbox_purge
from notifications.sweep import notifications_sweep
from notifications.tasks import purge_outbox
from programs.models import Invitation, Program
from programs.notifications import INVITATION_REMINDER
from programs.services import program_transition
from tests.mentoring.factories import UserFactory
from tests.programs.factories import invite, tech_program
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.datetime(2027, 6, 1, 3, 30, tzinfo=datetime.UTC)


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def outbox_row(user, key: str, status: str, *, written: float, sent: float | None = None) -> Notification:
    return Notification.objects.create(
        recipient=user, kind="phase_change", dedupe_key=key, context={}, status=status,
        created_at=days_ago(written), next_attempt_at=days_ago(written), sent_at=None if sent is None else days_ago(sent),
    )  # fmt: skip


@pytest.fixture
def outbox(settings):
    settings.NOTIFICATION_RETENTION_DAYS = 180
    user = UserFactory()
    return {
        "old sent": outbox_row(user, "old-sent", "sent", written=200, sent=200),
        "old skipped": outbox_row(user, "old-skipped", "skipped", written=181),
        "recent sent": outbox_row(user, "recent-sent", "sent", written=179, sent=179),
        "resent late": outbox_row(user, "resent-late", "sent", written=200, sent=100),  # HR resent a failed one
        "old failed": outbox_row(user, "old-failed", "failed", written=400),
        "old queued": outbox_row(user, "old-queued", "queued", written=400),
        "old sending": outbox_row(user, "old-sending", "sending", written=400),
    }


def remaining() -> set[str]:
    return set(Notification.objects.values_list("dedupe_key", flat=True))


def test_old_sent_and_skipped_rows_go_the_rest_stay(outbox):
    with time_machine.travel(NOW, tick=False):
        assert outbox_purge() == 2
        assert outbox_purge() == 0  # nothing left to do
    assert remaining() == {"recent-sent", "resent-late", "old-failed", "old-queued", "old-sending"}


def test_the_period_comes_from_the_setting(outbox, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 90
    assert outbox_purge(now=NOW) == 4  # now also the recent and the late-resent rows
    assert remaining() == {"old-failed", "old-queued", "old-sending"}


def test_rows_go_in_batches(settings):
    settings.NOTIFICATION_RETENTION_DAYS = 180
    user = UserFactory()
    for index in range(25):
        outbox_row(user, f"sent-{index}", "sent", written=365, sent=365)
    with CaptureQueriesContext(connection) as queries:
        assert outbox_purge(now=NOW, batch_size=10) == 25
    deletes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("DELETE")]
    assert len(deletes) == 3  # 10 + 10 + 5: no single statement holds the table for long
    assert remaining() == set()


def test_the_daily_task_purges(outbox):
    with time_machine.travel(NOW, tick=False):
        assert purge_outbox.delay().get() == 2
    assert "old-sent" not in remaining() and "old-failed" in remaining()


def test_beat_runs_the_purge_once_a_day():
    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == purge_outbox.name]
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({3}, {30}, set(range(7)))


def test_the_command_purges_and_prints_the_count(outbox):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_outbox", stdout=out)
    assert out.getvalue().strip() == "2 sent or skipped notification(s) older than 180 days deleted."
    assert "old-skipped" not in remaining() and "old-queued" in remaining()


# --- the setting -----------------------------------------------------------------------------------
def manage_check(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "NOTIFICATION_RETENTION_DAYS"} and not k.startswith("PYTEST")
    }
    clean.update(DJANGO_SETTINGS_MODULE="mentoring.settings", **env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.NOTIFICATION_RETENTION_DAYS)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("value", "message"), [("0", "at least 30"), ("-5", "at least 30"), ("soon", "must be a whole number")])
def test_a_retention_that_is_not_a_period_is_refused_at_start_up(value, message):
    result = manage_check(NOTIFICATION_RETENTION_DAYS=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_retention_defaults_to_180_days_and_never_undercuts_the_collectors_look_back():
    assert manage_check().stdout.split() == ["180"]
    assert manage_check(NOTIFICATION_RETENTION_DAYS=str(COLLECTOR_LOOKBACK.days)).stdout.split() == [str(COLLECTOR_LOOKBACK.days)]
    shorter = manage_check(NOTIFICATION_RETENTION_DAYS=str(COLLECTOR_LOOKBACK.days - 1))
    assert shorter.returncode != 0 and "at least 30" in shorter.stderr


# --- no reminder twice ---------------------------------------------------------------------------
def purge_and_sweep_later(moment: datetime.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        outbox_purge()
        notifications_sweep()
        notifications_sweep()


def reminders(kind: str) -> int:
    return Notification.objects.filter(kind=kind).count()


def test_an_invitation_left_unanswered_is_not_reminded_again_after_the_purge(hr, junior, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 30
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    invite(program, hr, junior)
    invitation = Invitation.objects.get()
    with time_machine.travel(invitation.created_at + datetime.timedelta(days=6), tick=False):
        notifications_sweep()
    assert Notification.objects.get(kind=INVITATION_REMINDER).status == "sent"
    purge_and_sweep_later(invitation.created_at + datetime.timedelta(days=60))
    assert reminders(INVITATION_REMINDER) == 0  # purged, and not written again
    assert Invitation.objects.get().status == Invitation.Status.PENDING and Program.objects.get().status == Program.Status.RECRUITING


def test_an_offer_left_unanswered_is_not_reminded_again_after_the_purge(hr, settings):
    from matching.services import matches_approve, matching_run
    from programs.services import application_decide
    from tests.programs.factories import apply

    settings.NOTIFICATION_RETENTION_DAYS = 30
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    for person in (UserFactory(level=20), UserFactory(level=60)):
        application_decide(application=apply(program, person), decision="accepted", by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    approved_at = Match.objects.get(program=program).approved_at
    with time_machine.travel(approved_at + datetime.timedelta(days=4), tick=False):
        notifications_sweep()
    assert reminders(ACCEPTANCE_REMINDER) == 2
    purge_and_sweep_later(approved_at + datetime.timedelta(days=60))
    assert reminders(ACCEPTANCE_REMINDER) == 0


def test_an_unanswered_survey_is_not_reminded_again_after_the_purge(hr, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 30
    program, people = confirmed_pairs(hr)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    program_transition(program=program, to_status=Program.Status.EVALUATING, by=hr, force=True, reason="Test")
    survey = survey_open(survey=Survey.objects.get(program=program), by=hr)
    with time_machine.travel(survey.opened_at + datetime.timedelta(days=6), tick=False):
        notifications_sweep()
    assert reminders(SURVEY_REMINDER) == 2
    purge_and_sweep_later(survey.opened_at + datetime.timedelta(days=60))
    assert reminders(SURVEY_REMINDER) == 0


def test_a_program_running_past_its_last_month_does_not_remind_its_check_in_again(hr, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 30
    program, people = confirmed_pairs(hr)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    program.refresh_from_db()
    last_month = datetime.datetime.combine(
        program.start_date + relativedelta(months=program.length_months - 1), datetime.time(9), tzinfo=datetime.UTC
    )
    with time_machine.travel(last_month + datetime.timedelta(days=8), tick=False):
        notifications_sweep()
    assert reminders(CHECKIN_DUE) == 2
    purge_and_sweep_later(last_month + datetime.timedelta(days=90))  # HR never moved it on to evaluating
    assert reminders(CHECKIN_DUE) == 0
    assert Program.objects.get(pk=program.pk).status == Program.Status.ACTIVE
