"""Batches: the workers send runs of rows over one SMTP connection (a new connection per mail
was most of the cost), without giving up anything a single send guarantees — each row is
claimed, checked, sent and recorded on its own, a failure drops the connection and the next
row gets a fresh one, and a batch stops in time to stay inside its leases."""

import email
import signal
import uuid

import pytest
from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.services import hand_over, notifications_send
from notifications.tasks import send_notifications
from tests.budgets import measure
from tests.notifications.conftest import news_row

pytestmark = pytest.mark.django_db


def rows(program, recipient, count):
    return [news_row(program, recipient, key=f"news-{n}").pk for n in range(count)]


def message_ids(sink) -> list[str]:
    return [email.message_from_bytes(raw)["Message-ID"] for raw in sink.messages]


def test_a_batch_shares_one_connection(pair, smtp):
    program, match, junior, senior = pair
    sink = smtp()
    pks = rows(program, junior, 10)
    outcomes = notifications_send(pks)
    assert outcomes == {"sent": 10}
    assert sink.behaviour.connections == 1  # one SMTP conversation for ten mails
    assert len(sink.messages) == 10
    expected = {Notification.objects.get(pk=pk).message_id for pk in pks}
    assert set(message_ids(sink)) == expected
    assert set(Notification.objects.filter(pk__in=pks).values_list("status", flat=True)) == {"sent"}


def test_after_a_failure_the_next_row_gets_a_fresh_connection(pair, smtp):
    program, match, junior, senior = pair
    sink = smtp(rcpt_replies=["250 OK", "451 4.3.0 Try again later", "550 5.1.1 No such mailbox"])
    first, second, third, fourth = rows(program, junior, 4)
    outcomes = notifications_send([first, second, third, fourth])
    assert outcomes == {"sent": 2, "queued": 1, "failed": 1}
    statuses = dict(Notification.objects.filter(pk__in=[first, second, third, fourth]).values_list("pk", "status"))
    assert statuses == {first: "sent", second: "queued", third: "failed", fourth: "sent"}
    assert "550 5.1.1 No such mailbox" in Notification.objects.get(pk=third).last_error
    # first and second on one connection, third on a new one, fourth on a third
    assert sink.behaviour.connections == 3
    assert len(sink.messages) == 2


def test_a_batch_over_its_budget_hands_the_rest_over_again(pair, smtp, monkeypatch):
    program, match, junior, senior = pair
    sink = smtp()
    pks = rows(program, junior, 5)
    # The clock passes the budget once two mails are out.
    monkeypatch.setattr(services, "clock", lambda: 99.0 if len(sink.messages) >= 2 else 0.0)
    handed: list[list[int]] = []
    monkeypatch.setattr(services, "hand_over", lambda ids: handed.append(ids) or len(ids))
    outcomes = notifications_send(pks, budget=10)
    assert outcomes == {"sent": 2, "handed-over": 3}
    assert handed == [pks[2:]]
    assert len(sink.messages) == 2
    # Released as they were before the batch claimed them: queued, no attempt counted, no lease.
    rest = Notification.objects.filter(pk__in=pks[2:])
    assert set(rest.values_list("status", "attempts", "claim_token", "lease_until")) == {("queued", 0, None, None)}


def test_an_old_claim_is_renewed_before_sending_or_given_up_when_taken(pair, smtp, monkeypatch):
    """A claim older than the lease minus the send time limit might not cover a whole send:
    the sender renews it first, and sends nothing when another sender took the row meanwhile."""
    program, match, junior, senior = pair
    sink = smtp()
    first, second = rows(program, junior, 2)
    old_enough = django_settings.NOTIFICATION_LEASE_SECONDS - django_settings.NOTIFICATION_SEND_TIME_LIMIT + 1
    now = [0.0]
    monkeypatch.setattr(services, "clock", lambda: now[0])
    real_render = services.render

    def slow_render(notification):
        now[0] += old_enough  # rendering took long
        if notification.pk == second:  # meanwhile another sender took this row over
            Notification.objects.filter(pk=second).update(claim_token=uuid.uuid4())
        return real_render(notification)

    monkeypatch.setattr(services, "render", slow_render)
    before = timezone.now()
    outcomes = notifications_send([first, second], budget=1000)
    assert outcomes == {"sent": 1, "lease-lost": 1}
    assert len(sink.messages) == 1
    assert Notification.objects.get(pk=first).status == "sent"
    taken = Notification.objects.get(pk=second)
    assert taken.status == "sending" and taken.lease_until > before  # the other sender's, untouched


def test_a_row_another_sender_holds_is_left_alone_inside_a_batch(pair, smtp):
    program, match, junior, senior = pair
    sink = smtp()
    first, second = rows(program, junior, 2)
    assert services.notification_claim(second) is not None  # another worker has it
    assert notifications_send([first, second]) == {"sent": 1, "not-claimed": 1}
    assert len(sink.messages) == 1


def test_hand_over_publishes_batches_of_the_configured_size(pair, settings, monkeypatch):
    program, match, junior, senior = pair
    settings.NOTIFICATION_BATCH_SIZE = 4
    batches: list[list[int]] = []
    real = services.notifications_send
    monkeypatch.setattr(services, "notifications_send", lambda pks, **kw: batches.append(list(pks)) or real(pks, **kw))
    pks = rows(program, junior, 10)
    assert hand_over(pks) == 10
    assert batches == [pks[0:4], pks[4:8], pks[8:10]]
    assert set(Notification.objects.filter(pk__in=pks).values_list("status", flat=True)) == {"sent"}


def test_a_batch_ends_inside_its_time_limit_and_so_inside_every_lease():
    limit = django_settings.NOTIFICATION_SEND_TIME_LIMIT
    assert send_notifications.time_limit == limit
    # It takes no new row after the budget; the row it is sending then may still take one
    # SMTP timeout for each step of the conversation before the soft limit.
    assert send_notifications.soft_time_limit >= django_settings.NOTIFICATION_BATCH_SECONDS + django_settings.EMAIL_TIMEOUT
    assert limit < django_settings.NOTIFICATION_LEASE_SECONDS


def test_the_soft_time_limit_after_the_data_went_out_means_possibly_delivered(pair, smtp, settings):
    """Celery raises SoftTimeLimitExceeded wherever the task is; while waiting for the server's
    answer to a message it already has, that is "possibly delivered", not a retry."""
    program, match, junior, senior = pair
    sink = smtp(data_reply_delay=2.0)
    settings.EMAIL_TIMEOUT = 5
    (pk,) = rows(program, junior, 1)

    def soft_limit(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, soft_limit)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        assert notifications_send([pk]) == {"uncertain": 1}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    row = Notification.objects.get(pk=pk)
    assert row.status == "uncertain" and "SoftTimeLimitExceeded" in row.last_error
    assert len(sink.messages) == 1


def test_a_batch_costs_two_queries_and_one_write_per_mail(pair, smtp):
    """Claim and read the batch (2 queries), then per mail only its outcome: the one write that
    must follow the server's "250 OK" at once. The news mail's program comes with the row."""
    program, match, junior, senior = pair
    smtp()
    pks = rows(program, junior, 10)
    cost = measure(lambda: notifications_send(pks), warm=False)
    assert cost.result == {"sent": 10}
    assert cost.count == 2 + 10, "\n".join(cost.queries)
