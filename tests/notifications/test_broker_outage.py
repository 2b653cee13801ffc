"""Against the real PostgreSQL and Redis of CI: a broker outage delays mail but loses none
and duplicates none, and a real Celery worker sends a meeting reminder through Redis."""

import datetime
import subprocess
import sys
import textwrap
import time
import uuid

import pytest
from django.utils import timezone

from matching.models import Match
from notifications.models import Notification
from notifications.services import dispatch_due
from sessions.models import Meeting
from tests.notifications.processes import ROOT, env, needs_services, start_worker

pytestmark = [pytest.mark.services, needs_services, pytest.mark.django_db(transaction=True)]


def test_outage_then_recovery_sends_every_message_exactly_once(hr, tmp_path):
    from tests.sessions.conftest import confirmed_pairs

    program, ((junior, senior),) = confirmed_pairs(hr)
    match = Match.objects.get(program=program)
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    kickoff.options.create(starts_at=timezone.now() + datetime.timedelta(hours=5), proposed_by=junior)
    Notification.objects.all().delete()  # only what happens below counts

    # 1. Redis is unreachable: the senior confirms the time in a real request, and the
    #    sweep runs. Both succeed; the messages wait in the outbox.
    script = textwrap.dedent(
        f"""
        import django; django.setup()
        from django.test import Client
        from mentoring.models import User
        from notifications.sweep import notifications_sweep
        client = Client()
        client.force_login(User.objects.get(pk={senior.pk}))
        response = client.post("/meetings/{kickoff.pk}/", {{"action": "confirm", "option": {kickoff.options.get().pk}}})
        print("status", response.status_code)
        print("sweep", notifications_sweep().written)
        """
    )
    down = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env(REDIS_URL="redis://127.0.0.1:1/0"), capture_output=True, text=True, timeout=120
    )
    assert down.returncode == 0, down.stderr
    assert "status 302" in down.stdout
    assert "broker unavailable" in down.stderr
    queued = Notification.objects.filter(status="queued")
    kinds = sorted(queued.values_list("kind", flat=True))
    assert kinds == ["hr_digest", "meeting_reminder", "meeting_reminder", "meeting_scheduled", "meeting_scheduled"]

    # 2. Redis is back: a real worker sends them, each exactly once, through Redis.
    outbox = tmp_path / "mail"
    queue = f"outage-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(outbox))
    try:
        from notifications.tasks import send_notification

        ids = list(queued.values_list("pk", flat=True))
        for pk in ids:
            send_notification.apply_async((pk,), queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and Notification.objects.filter(pk__in=ids, status="sent").count() < len(ids):
            time.sleep(0.5)
        assert Notification.objects.filter(pk__in=ids, status="sent").count() == 5
        # A second round (another sweep, a duplicate task) sends nothing more.
        for pk in ids:
            send_notification.apply_async((pk,), queue=queue)
        time.sleep(3)
    finally:
        worker.terminate()
        try:
            worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    files = list(outbox.glob("*.log"))
    written = "".join(path.read_text(errors="replace") for path in files)
    assert written.count("Subject: ") == 5
    assert written.count(f"To: {junior.email}") == 2 and written.count(f"To: {senior.email}") == 2 and written.count(f"To: {hr.email}") == 1
    assert "METHOD:REQUEST" in written  # the invitation carries its .ics
    assert dispatch_due() == 0  # nothing left queued
