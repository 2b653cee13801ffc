"""Exactly once, as far as SMTP allows: leases fence a sender that lost its row, a real SMTP
conversation tells a permanent refusal from a temporary one and from "possibly delivered",
every attempt carries the same Message-ID, a dead worker's mail goes out within about a
minute, and a mail that no longer makes sense at send time is skipped."""

import datetime
import email

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from evaluation.services import checkin_submit
from matching.models import Match
from matching.services import match_end
from notifications.models import Notification
from notifications.services import dispatch_due, notification_claim, notification_resend, notification_send
from notifications.tasks import send_notification
from programs.models import Program
from programs.services import program_transition
from sessions.models import Meeting, SessionLog
from tests.mentoring.test_settings import run
from tests.notifications.conftest import news_row

pytestmark = pytest.mark.django_db
LEASE = datetime.timedelta(seconds=django_settings.NOTIFICATION_LEASE_SECONDS)


# --- leases ----------------------------------------------------------------------------------------
def test_a_sender_that_lost_its_lease_overwrites_nothing(pair, monkeypatch):
    """Worker A stalls mid-SMTP past its lease; worker B takes the row over and sends it; A's
    late failure must not turn the sent row back into a queued one (it would be sent again)."""
    program, match, junior, senior = pair
    row = news_row(program, junior)
    real_send = EmailMultiAlternatives.send
    calls = []

    def stalls_then_fails(message, fail_silently=False):
        calls.append(len(calls))
        if len(calls) == 1:  # worker A
            with time_machine.travel(timezone.now() + LEASE + datetime.timedelta(seconds=1), tick=False):
                assert notification_send(row.pk) == "sent"  # worker B, after A's lease ran out
            raise TimeoutError("A's connection timed out before the data went out")
        return real_send(message, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", stalls_then_fails)
    notification_send(row.pk)
    row.refresh_from_db()
    assert (row.status, row.last_error, row.claim_token) == ("sent", "", None)
    assert len(mail.outbox) == 1 and row.attempts == 2
    assert dispatch_due() == 0  # and nothing is handed out again


def test_of_two_claimers_exactly_one_wins_and_a_live_lease_is_never_taken(pair):
    program, match, junior, senior = pair
    row = news_row(program, junior)
    first = notification_claim(row.pk)
    assert first is not None and notification_claim(row.pk) is None
    with time_machine.travel(timezone.now() + LEASE - datetime.timedelta(seconds=1), tick=False):
        assert notification_claim(row.pk) is None  # still held by a live sender
    with time_machine.travel(timezone.now() + LEASE + datetime.timedelta(seconds=1), tick=False):
        second = notification_claim(row.pk)
    assert second is not None and second.token != first.token
    assert not first.held.exists() and second.held.exists()


def test_the_lease_outlives_the_task_that_holds_it():
    limit = django_settings.NOTIFICATION_SEND_TIME_LIMIT
    assert send_notification.time_limit == limit and send_notification.soft_time_limit < limit
    assert limit < django_settings.NOTIFICATION_LEASE_SECONDS  # the pool kills a sender before its lease ends
    assert send_notification.soft_time_limit > django_settings.EMAIL_TIMEOUT


def test_a_dead_workers_mail_goes_out_within_about_a_minute(pair):
    """A worker claimed the row, then died (kill -9): nothing is released. The dispatcher,
    run by beat every NOTIFICATION_DISPATCH_SECONDS, hands it over once the lease runs out."""
    program, match, junior, senior = pair
    row = news_row(program, junior)
    died_at = timezone.now()
    assert notification_claim(row.pk) is not None
    with time_machine.travel(died_at + datetime.timedelta(seconds=20), tick=False):
        assert dispatch_due() == 0 and not mail.outbox  # the lease still protects it
    recovery = LEASE + datetime.timedelta(seconds=django_settings.NOTIFICATION_DISPATCH_SECONDS)
    assert recovery <= datetime.timedelta(seconds=60)
    with time_machine.travel(died_at + recovery, tick=False):
        assert dispatch_due() == 1
    row.refresh_from_db()
    assert row.status == "sent" and len(mail.outbox) == 1


def test_the_dispatcher_does_not_hand_out_what_is_already_on_its_way(pair, monkeypatch):
    program, match, junior, senior = pair
    handed = []
    monkeypatch.setattr("notifications.services.enqueue", lambda ids: handed.extend(ids) or len(ids))
    row = news_row(program, junior)
    assert dispatch_due() == 1 and handed == [row.pk]
    assert dispatch_due() == 0  # handed over a moment ago: the broker has it
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11), tick=False):
        assert dispatch_due() == 1  # long enough ago that the broker may have lost it


# --- a real SMTP conversation ---------------------------------------------------------------------------------
def test_a_permanent_refusal_fails_at_once_with_the_servers_reason(pair, smtp):
    program, match, junior, senior = pair
    sink = smtp(rcpt_reply="550 5.1.1 No such mailbox here")
    row = news_row(program, junior)
    assert notification_send(row.pk) == "failed"
    row.refresh_from_db()
    assert row.attempts == 1 and "550" in row.last_error and "No such mailbox here" in row.last_error
    assert sink.messages == []


def test_a_temporary_refusal_is_retried_later_with_the_same_message_id(pair, smtp):
    program, match, junior, senior = pair
    sink = smtp(rcpt_reply="451 4.3.0 Try again later")
    row = news_row(program, junior)
    assert notification_send(row.pk) == "queued"
    row.refresh_from_db()
    assert row.attempts == 1 and "451" in row.last_error and row.next_attempt_at > timezone.now()
    sink.behaviour.rcpt_reply = "250 OK"
    with time_machine.travel(row.next_attempt_at + datetime.timedelta(seconds=1), tick=False):
        assert notification_send(row.pk) == "sent"
    (received,) = sink.messages
    assert email.message_from_bytes(received)["Message-ID"] == row.message_id


def test_a_server_that_answers_too_late_leaves_the_mail_possibly_delivered(pair, smtp):
    """The server takes the whole message, then answers after the client's timeout: the mail
    most likely arrived. It is not retried (that made 3 copies of each); HR sees it."""
    program, match, junior, senior = pair
    sink = smtp(data_reply_delay=2.5)  # EMAIL_TIMEOUT is 1 s
    row = news_row(program, junior)
    assert notification_send(row.pk) == "uncertain"
    row.refresh_from_db()
    assert row.get_status_display() == "Possibly delivered (the server did not confirm)" and row.last_error
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2), tick=False):
        assert dispatch_due() == 0 and notification_send(row.pk) == "not-claimed"
    assert len(sink.messages) == 1
    # HR decides: resending gives it another round.
    notification_resend(notification=row)
    row.refresh_from_db()
    assert row.status == "queued"


def test_every_attempt_of_a_row_carries_the_same_message_id(pair):
    program, match, junior, senior = pair
    row = news_row(program, junior)
    notification_send(row.pk)
    first = mail.outbox[0].extra_headers["Message-ID"]
    Notification.objects.filter(pk=row.pk).update(status="queued")
    notification_send(row.pk)
    assert mail.outbox[1].extra_headers["Message-ID"] == first == row.message_id
    other = news_row(program, senior, key="news-2")
    assert other.message_id != first and first.startswith("<outbox.") and first.endswith(">")


def test_zero_attempts_is_refused_at_start_up():
    result = run(["-c", "import django; django.setup()"], NOTIFICATION_MAX_ATTEMPTS="0")
    assert result.returncode != 0 and "NOTIFICATION_MAX_ATTEMPTS must be at least 1" in result.stderr


# --- does it still make sense when it is sent? --------------------------------------------------------
def test_no_mail_to_someone_who_left(pair):
    program, match, junior, senior = pair
    row = news_row(program, junior)
    junior.is_active = False
    junior.save(update_fields=["is_active"])
    assert notification_send(row.pk) == "skipped" and not mail.outbox


def test_no_confirmation_for_a_match_that_ended_before_sending(pair, hr):
    program, match, junior, senior = pair
    row = Notification.objects.create(recipient=junior, kind="match_confirmed", dedupe_key="c-1", context={"match_id": match.pk})
    match_end(match=match, by=hr, reason="It did not work out.")
    assert notification_send(row.pk) == "skipped" and not mail.outbox


def test_no_reminder_for_a_paused_pair(pair):
    program, match, junior, senior = pair
    meeting = Meeting.objects.filter(match=match).first()
    Meeting.objects.filter(pk=meeting.pk).update(status="scheduled", starts_at=timezone.now() + datetime.timedelta(hours=20))
    row = Notification.objects.create(recipient=junior, kind="meeting_reminder", dedupe_key="r-1", context={"meeting_id": meeting.pk})
    Match.objects.filter(pk=match.pk).update(status=Match.Status.PAUSED)
    assert notification_send(row.pk) == "skipped" and not mail.outbox


def test_no_check_in_mail_once_checked_in(pair, hr):
    program, match, junior, senior = pair
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    due = [
        Notification.objects.create(recipient=person, kind="checkin_due", dedupe_key=f"ci-{person.pk}", context={"program_id": program.pk})
        for person in (junior, senior)
    ]
    checkin_submit(program=program, user=junior, pulse=4, meetings_as_planned=True)
    assert notification_send(due[0].pk) == "skipped"
    assert notification_send(due[1].pk) == "sent"  # the senior has not checked in yet


def test_the_log_reminder_still_reaches_the_partner_who_has_not_logged(pair):
    program, match, junior, senior = pair
    meeting = Meeting.objects.filter(match=match).first()
    Meeting.objects.filter(pk=meeting.pk).update(status="held", starts_at=timezone.now() - datetime.timedelta(days=1))
    SessionLog.objects.create(meeting=meeting, author=junior, held=True, actual_minutes=60)
    rows = [
        Notification.objects.create(
            recipient=person, kind="log_reminder", dedupe_key=f"log-{person.pk}", context={"meeting_id": meeting.pk}
        )
        for person in (junior, senior)
    ]
    assert notification_send(rows[0].pk) == "skipped"  # she logged it
    assert notification_send(rows[1].pk) == "sent"


def test_hr_sees_a_possibly_delivered_mail_and_can_resend_it(pair, hr_client):
    from django.urls import reverse

    program, match, junior, senior = pair
    row = news_row(program, junior)
    Notification.objects.filter(pk=row.pk).update(status="uncertain", last_error="TimeoutError after DATA")
    page = hr_client.get(reverse("notifications:outbox")).content.decode()
    assert "Possibly delivered" in page and "notification-uncertain" in page and "Resend" in page
    hr_client.post(reverse("notifications:outbox"), {"notification": row.pk})
    row.refresh_from_db()
    assert row.status in {"queued", "sent"}
