"""Handing mail to the broker while it is stopped or frozen (SIGSTOP): the request stays fast,
the outbox row stays queued, and the dispatcher hands it over once the broker is back.

The broker is a redis-server of each test's own (no shared Redis, no Celery worker needed), so
these tests run in both CI runs wherever `redis-server` is on PATH.
"""

import base64
import datetime
import json
import logging
import time

import pytest
from django.db import transaction
from django.utils import timezone

from matching.models import Match
from mentoring.celery import app
from notifications.models import Notification
from notifications.services import dispatch_due, enqueue, notify
from programs.notifications import PHASE_CHANGE
from sessions.models import Meeting
from tests.own_redis import RedisServer, needs_redis_server
from tests.sessions.conftest import confirmed_pairs

pytestmark = [needs_redis_server, pytest.mark.django_db]
# A request that publishes mail must answer within this, whatever the broker does.
FAST = 1.5


@pytest.fixture
def broker(monkeypatch):
    """Tasks are published, not run eagerly, to this test's own redis-server."""
    with RedisServer() as server:
        monkeypatch.setenv("CELERY_BROKER_WRITE_URL", server.url)
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        # Celery's connection pool may already point at another broker (eager tasks acquire
        # it too): start from none, so whatever path publishes goes to this server.
        saved = app._pool, app.amqp._producer_pool
        app._pool = app.amqp._producer_pool = None
        try:
            yield server
        finally:
            if app._pool is not None:
                app._pool.force_close_all()
            app._pool, app.amqp._producer_pool = saved
            app.conf.task_always_eager = eager
            from notifications import broker as publishing

            publishing.breaker.reset()  # no other test inherits this test's outage


def in_broker(server: RedisServer) -> list[int]:
    """The outbox rows the tasks waiting in Celery's default queue will send (a task carries a batch)."""
    client = server.client()
    try:
        raw = client.lrange("celery", 0, -1)
    finally:
        client.close()
    rows: list[int] = []
    for envelope in raw:
        message = json.loads(envelope)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        assert message["headers"]["task"] == "notifications.tasks.send_notifications"
        rows += args[0]
    return sorted(rows)


def kickoff_with_a_time(hr):
    program, ((junior, senior),) = confirmed_pairs(hr)
    kickoff = Meeting.objects.get(match=Match.objects.get(program=program), kind="kickoff")
    option = kickoff.options.create(starts_at=timezone.now() + datetime.timedelta(days=2), proposed_by=junior)
    Notification.objects.all().delete()  # only what the confirmation writes counts
    return kickoff, option, senior


def confirm_time(client, senior, kickoff, option, django_capture_on_commit_callbacks) -> float:
    client.force_login(senior)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{kickoff.pk}/", {"action": "confirm", "option": option.pk})
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    return elapsed


def test_a_healthy_broker_gets_the_mail(broker, hr, client, django_capture_on_commit_callbacks):
    kickoff, option, senior = kickoff_with_a_time(hr)
    confirm_time(client, senior, kickoff, option, django_capture_on_commit_callbacks)
    written = sorted(Notification.objects.values_list("pk", flat=True))
    assert len(written) == 2  # "meeting scheduled" to both
    assert in_broker(broker) == written


def test_confirming_a_time_while_the_broker_is_frozen(broker, hr, client, django_capture_on_commit_callbacks, caplog, monkeypatch):
    kickoff, option, senior = kickoff_with_a_time(hr)
    broker.freeze()
    with caplog.at_level(logging.WARNING, logger="notifications"):
        elapsed = confirm_time(client, senior, kickoff, option, django_capture_on_commit_callbacks)
    assert elapsed < FAST, f"the request took {elapsed:.1f} s on a frozen broker"
    assert "broker unavailable" in caplog.text
    rows = Notification.objects.all()
    assert rows.count() == 2 and set(rows.values_list("status", flat=True)) == {"queued"}

    # Within the pause after a failure, nothing even tries the frozen broker.
    from notifications import broker as publishing

    started = time.monotonic()
    assert enqueue(list(rows.values_list("pk", flat=True))) == 0
    assert time.monotonic() - started < 0.1

    # The broker is back and the pause is over: the dispatcher hands both rows over.
    broker.thaw()
    clock = publishing.breaker.clock
    monkeypatch.setattr(publishing.breaker, "clock", lambda: clock() + publishing.breaker.pause + 1)
    assert dispatch_due() == 2
    assert in_broker(broker) == sorted(rows.values_list("pk", flat=True))


def test_confirming_a_time_while_the_broker_is_stopped(broker, hr, client, django_capture_on_commit_callbacks, caplog):
    kickoff, option, senior = kickoff_with_a_time(hr)
    broker.stop()
    with caplog.at_level(logging.WARNING, logger="notifications"):
        elapsed = confirm_time(client, senior, kickoff, option, django_capture_on_commit_callbacks)
    assert elapsed < FAST, f"the request took {elapsed:.1f} s on a stopped broker"
    assert "broker unavailable" in caplog.text
    assert set(Notification.objects.values_list("status", flat=True)) == {"queued"}


def test_notify_in_a_transaction_while_the_broker_is_frozen(broker, junior, django_capture_on_commit_callbacks):
    broker.freeze()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = notify(recipient=junior, kind=PHASE_CHANGE, dedupe_key="frozen-1", context={"program_id": 1, "status": "active"})
        second = notify(recipient=junior, kind=PHASE_CHANGE, dedupe_key="frozen-2", context={"program_id": 1, "status": "active"})
    assert time.monotonic() - started < FAST
    assert set(Notification.objects.filter(pk__in=[first, second]).values_list("status", flat=True)) == {"queued"}
    broker.thaw()
    assert in_broker(broker) == []


def test_the_workers_own_broker_timeouts_are_left_alone():
    # Publishing has its own short timeouts; a worker waiting for tasks keeps Celery's.
    assert app.conf.broker_transport_options["socket_timeout"] >= 5
