"""Against the real PostgreSQL and Redis of CI: a Celery worker killed (kill -9) while it
waits on a hanging mail server loses its row to the lease, a second worker sends the mail
once, within about a minute, and the first connection never delivered anything."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import pytest
from django.conf import settings

from notifications.models import Notification
from tests.notifications.processes import ROOT, env, needs_services, start_worker
from tests.notifications.smtp_sink import Behaviour, SMTPSink
from tests.sessions.conftest import confirmed_pairs

pytestmark = [pytest.mark.services, needs_services, pytest.mark.django_db(transaction=True)]


def worker(queue: str, smtp_port: int) -> subprocess.Popen:
    return start_worker(queue, own_group=True, EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}", EMAIL_USE_TLS="0")


def run_in_site(code: str, queue: str) -> str:
    """Run `code` in a process configured like the web site, publishing to `queue`."""
    script = (
        "import django; django.setup()\nfrom mentoring.celery import app\napp.conf.task_default_queue = "
        + repr(queue)
        + "\n"
        + textwrap.dedent(code)
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_killed_workers_mail_is_sent_once_by_another_within_a_minute(hr):
    program, ((junior, senior),) = confirmed_pairs(hr)
    Notification.objects.all().delete()
    row = Notification.objects.create(
        recipient=junior,
        kind="phase_change",
        dedupe_key="worker-death",
        context={"program_id": program.pk, "status": program.status},
        program=program,
    )
    queue = f"death-{uuid.uuid4().hex[:8]}"
    with SMTPSink(Behaviour(rcpt_delays=[120.0])) as sink:  # the first connection hangs at RCPT
        first = worker(queue, sink.port)
        second = None
        try:
            run_in_site(f"from notifications.services import hand_over; print(hand_over([{row.pk}]))", queue)
            assert sink.behaviour.rcpt_seen.wait(60), (
                first.stdout.read() if first.poll() is not None else "worker A never reached the server"
            )
            row.refresh_from_db()
            assert row.status == "sending" and row.claim_token is not None
            os.killpg(first.pid, signal.SIGKILL)  # dies mid-send: nothing released
            first.wait(10)
            killed_at = time.monotonic()
            second = worker(queue, sink.port)
            while time.monotonic() - killed_at < 75:
                row.refresh_from_db()
                if row.status == "sent":
                    break
                # What beat does every NOTIFICATION_DISPATCH_SECONDS.
                run_in_site("from notifications.services import dispatch_due; dispatch_due()", queue)
                time.sleep(settings.NOTIFICATION_DISPATCH_SECONDS / 4)
            recovered_after = time.monotonic() - killed_at
            assert row.status == "sent", f"not sent after {recovered_after:.0f} s"
            assert recovered_after <= 70  # the lease (40 s) plus a dispatch period, with start-up slack
            assert len(sink.messages) == 1 and row.attempts == 2  # the dead worker's connection sent nothing
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
