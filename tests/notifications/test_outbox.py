"""The outbox: reminders at the right moment and only once, preferences, essential kinds,
retries, on_commit, digest content, and access to the new pages."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from evaluation.notifications import CHECKIN_DUE, HR_DIGEST, SURVEY_REMINDER
from matching.models import Match, MatchMember
from matching.notifications import ACCEPTANCE_REMINDER, MATCH_CONFIRMED, MATCH_OFFERED
from mentoring.services import hr_coordinator_grant
from notifications.emails import unsubscribe_token
from notifications.models import Notification
from notifications.registry import essential_keys
from notifications.services import (
    notification_resend,
    notification_send,
    notify,
    preferences_update,
)
from notifications.sweep import notifications_sweep
from programs.models import Invitation, Program
from programs.notifications import INVITATION_REMINDER, PHASE_CHANGE
from sessions.models import Meeting, Note, SessionLog
from sessions.notifications import LOG_REMINDER, MEETING_CANCELLED, MEETING_REMINDER, MEETING_SOON
from sessions.services import meeting_confirm_time, meeting_propose_times, note_add
from tests.mentoring.factories import UserFactory
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db
ESSENTIAL = essential_keys()
NOON = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=datetime.UTC)  # a Wednesday


def scheduled_kickoff(hr, starts_at):
    program, ((junior, senior),) = confirmed_pairs(hr)
    match = Match.objects.get(program=program)
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    meeting_propose_times(meeting=kickoff, by=junior, options=[timezone.now() + datetime.timedelta(days=1)], duration_minutes=60)
    meeting_confirm_time(meeting=kickoff, by=senior, option=kickoff.options.get())
    Meeting.objects.filter(pk=kickoff.pk).update(starts_at=starts_at)
    return program, match, kickoff, junior, senior


def sent(kind):
    return Notification.objects.filter(kind=kind, status="sent").count()


def test_meeting_reminder_24h_then_1h_each_once(hr):
    with time_machine.travel(NOON - datetime.timedelta(days=2), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON)
    with time_machine.travel(NOON - datetime.timedelta(hours=30), tick=False):
        notifications_sweep()
        assert sent(MEETING_REMINDER) == 0  # too early
    with time_machine.travel(NOON - datetime.timedelta(hours=20), tick=False):
        mail.outbox.clear()
        notifications_sweep()
        notifications_sweep()  # twice: nothing new
        assert sent(MEETING_REMINDER) == 2 and sent(MEETING_SOON) == 0
        assert sorted(m.to[0] for m in mail.outbox if "Tomorrow" in m.subject) == sorted([junior.email, senior.email])
    with time_machine.travel(NOON - datetime.timedelta(minutes=45), tick=False):
        notifications_sweep()
        notifications_sweep()
        assert sent(MEETING_SOON) == 2 and sent(MEETING_REMINDER) == 2


def test_rescheduled_meeting_gets_fresh_reminders(hr):
    with time_machine.travel(NOON - datetime.timedelta(days=2), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON)
    with time_machine.travel(NOON - datetime.timedelta(hours=20), tick=False):
        notifications_sweep()
        Meeting.objects.filter(pk=kickoff.pk).update(sequence=5, starts_at=NOON + datetime.timedelta(hours=2))
        notifications_sweep()
        assert sent(MEETING_REMINDER) == 4


def test_log_reminder_the_morning_after_only_for_who_has_not_logged(hr):
    with time_machine.travel(NOON - datetime.timedelta(days=2), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON)
    SessionLog.objects.create(meeting=kickoff, author=senior, held=True, actual_minutes=60)
    with time_machine.travel(NOON + datetime.timedelta(hours=6), tick=False):  # same evening
        notifications_sweep()
        assert sent(LOG_REMINDER) == 0
    with time_machine.travel(NOON + datetime.timedelta(hours=21), tick=False):  # 09:00 UTC next day
        notifications_sweep()
        notifications_sweep()
    assert list(Notification.objects.filter(kind=LOG_REMINDER).values_list("recipient", flat=True)) == [junior.pk]


def test_invitation_reminder_after_five_days(hr, junior):
    from tests.programs.factories import invite, tech_program

    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    invite(program, hr, junior)
    invitation = Invitation.objects.get()
    with time_machine.travel(invitation.created_at + datetime.timedelta(days=4), tick=False):
        notifications_sweep()
        assert sent(INVITATION_REMINDER) == 0
    with time_machine.travel(invitation.created_at + datetime.timedelta(days=5, hours=1), tick=False):
        notifications_sweep()
        notifications_sweep()
        assert sent(INVITATION_REMINDER) == 1


def test_acceptance_reminder_for_the_member_who_has_not_answered(hr):
    from matching.services import match_respond, matches_approve, matching_run
    from programs.services import application_decide, program_transition
    from tests.mentoring.factories import UserFactory
    from tests.programs.factories import apply, tech_program

    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    junior, senior = UserFactory(level=20), UserFactory(level=60)
    for person in (junior, senior):
        application_decide(application=apply(program, person), decision="accepted", by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    match = Match.objects.get(program=program)
    match_respond(match=match, user=junior, accept=True)
    with time_machine.travel(match.approved_at + datetime.timedelta(days=3, hours=1), tick=False):
        notifications_sweep()
        notifications_sweep()
    assert list(Notification.objects.filter(kind=ACCEPTANCE_REMINDER).values_list("recipient", flat=True)) == [senior.pk]
    assert MatchMember.objects.get(user=senior).response == "pending"


@pytest.mark.skipif(
    __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="real concurrency needs PostgreSQL (SQLite serialises writers); runs in CI's service run",
)
def test_concurrent_sweeps_write_and_send_each_message_once(hr, transactional_db):
    with time_machine.travel(NOON - datetime.timedelta(days=2), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON)
    errors = []

    def run():
        try:
            with time_machine.travel(NOON - datetime.timedelta(hours=20), tick=False):
                notifications_sweep()
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Notification.objects.filter(kind=MEETING_REMINDER).count() == 2
    assert sent(MEETING_REMINDER) == 2


def test_switched_off_kinds_are_not_sent_but_essential_ones_are(hr, django_capture_on_commit_callbacks):
    with time_machine.travel(NOON - datetime.timedelta(days=2), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON)
    preferences_update(user=junior, disabled=[MEETING_REMINDER, *ESSENTIAL])
    with time_machine.travel(NOON - datetime.timedelta(hours=20), tick=False):
        notifications_sweep()
    assert list(Notification.objects.filter(kind=MEETING_REMINDER).values_list("recipient", flat=True)) == [senior.pk]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=junior, kind=MEETING_CANCELLED, dedupe_key="essential-test", context={"meeting_id": kickoff.pk})
    assert Notification.objects.get(dedupe_key="essential-test").recipient == junior  # essential: never switched off


def test_one_click_unsubscribe_from_the_mail_header(client, hr):
    with time_machine.travel(NOON - datetime.timedelta(days=2), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON)
    with time_machine.travel(NOON - datetime.timedelta(hours=20), tick=False):
        mail.outbox.clear()
        notifications_sweep()
    message = next(m for m in mail.outbox if m.to == [junior.email] and m.subject.startswith("Tomorrow"))
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.split("127.0.0.1:8000", 1)[1]
    assert client.post(path).status_code == 200  # no sign-in needed
    Meeting.objects.filter(pk=kickoff.pk).update(sequence=3)  # moved: a new round of reminders
    with time_machine.travel(NOON - datetime.timedelta(hours=19), tick=False):
        notifications_sweep()
    assert list(Notification.objects.filter(kind=MEETING_REMINDER, recipient=junior).values_list("dedupe_key", flat=True)) == [
        f"meeting_reminder:{kickoff.pk}:0:{junior.pk}"
    ]
    assert Notification.objects.filter(kind=MEETING_REMINDER, recipient=senior).count() == 2
    assert client.post(reverse("notifications:unsubscribe", args=["forged"])).status_code == 404
    essential = unsubscribe_token(junior, MATCH_OFFERED)
    assert client.post(reverse("notifications:unsubscribe", args=[essential])).status_code == 404


def test_failures_are_retried_with_backoff_then_marked_failed(hr, settings, monkeypatch):
    with time_machine.travel(NOON - datetime.timedelta(days=2), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON)
    settings.NOTIFICATION_MAX_ATTEMPTS = 3

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with time_machine.travel(NOON - datetime.timedelta(hours=20), tick=False) as clock:
        notifications_sweep()
        row = Notification.objects.filter(kind=MEETING_REMINDER).first()
        assert (row.status, row.attempts) == ("queued", 1) and "SMTP down" in row.last_error
        assert notification_send(row.pk) == "not-claimed"  # not due before its backoff
        clock.shift(datetime.timedelta(minutes=1, seconds=1))
        notifications_sweep()
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("queued", 2)
        clock.shift(datetime.timedelta(minutes=2, seconds=1))
        notifications_sweep()
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 3)
    monkeypatch.undo()
    notification_resend(notification=row)
    row.refresh_from_db()
    assert row.status in {"queued", "sent"} and row.attempts <= 1


def test_rolled_back_change_sends_nothing(hr, junior, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(recipient=junior, kind=PHASE_CHANGE, dedupe_key="rollback-test", context={"program_id": 1, "status": "active"})
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists() and mail.outbox == []


def test_creating_twice_is_idempotent(junior):
    first = notify(recipient=junior, kind=PHASE_CHANGE, dedupe_key="same", context={"program_id": 1, "status": "active"})
    assert first is not None
    assert notify(recipient=junior, kind=PHASE_CHANGE, dedupe_key="same", context={}) is None
    assert Notification.objects.count() == 1


def test_weekly_digest_has_the_facts_and_no_confidential_text(hr):
    with time_machine.travel(NOON - datetime.timedelta(days=40), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON - datetime.timedelta(days=35))
    Match.objects.filter(pk=match.pk).update(confirmed_at=NOON - datetime.timedelta(days=40))
    SessionLog.objects.create(
        meeting=kickoff, author=junior, held=True, actual_minutes=60, shared="SECRET-SHARED", learned="SECRET-LEARNED"
    )
    note_add(match=match, author=junior, body="SECRET-NOTE", visibility="shared")
    Meeting.objects.filter(pk=kickoff.pk).update(status="held")
    with time_machine.travel(NOON, tick=False):
        mail.outbox.clear()
        notifications_sweep()
        notifications_sweep()
    digests = [m for m in mail.outbox if m.subject.startswith("Weekly digest")]
    assert [m.to for m in digests] == [[hr.email]]
    body = digests[0].body + digests[0].alternatives[0][0]
    assert "Pairs without a meeting in the last 31 days" in body and junior.get_full_name() in body
    for secret in ("SECRET-SHARED", "SECRET-LEARNED", "SECRET-NOTE"):
        assert secret not in body
    assert Note.objects.count() == 1


def test_mails_use_the_recipients_timezone_and_link_to_the_action(hr):
    with time_machine.travel(NOON - datetime.timedelta(days=2), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON)
    junior.timezone = "America/New_York"
    junior.save()
    with time_machine.travel(NOON - datetime.timedelta(hours=20), tick=False):
        mail.outbox.clear()
        notifications_sweep()
    message = next(m for m in mail.outbox if m.to == [junior.email] and m.subject.startswith("Tomorrow"))
    assert "07:00" in message.subject  # 12:00 UTC in New York in March
    assert f"/meetings/{kickoff.pk}/" in message.body and f"Hello {junior.first_name}" in message.body


def test_management_command_runs_the_sweep(hr, capsys):
    from django.core.management import call_command

    call_command("send_due_notifications")
    assert "notification(s) written" in capsys.readouterr().out


# --- pages ---------------------------------------------------------------------------------------
def test_preferences_page_saves_optional_kinds_only(client, junior):
    client.force_login(junior)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "cannot be switched off" in page and "Weekly program digest" not in page
    client.post(reverse("notifications:preferences"), {"enabled": [MEETING_SOON]})
    from notifications.selectors import preferences_of

    disabled = preferences_of(user=junior)
    assert MEETING_REMINDER in disabled and MEETING_SOON not in disabled and not disabled & ESSENTIAL


@pytest.mark.parametrize("persona", ["junior", "senior", "outsider"])
def test_outbox_page_is_hr_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("notifications:outbox")).status_code == 403


def test_outbox_page_filters_and_resends_failed(hr_client, junior):
    row = Notification.objects.create(
        recipient=junior,
        kind=PHASE_CHANGE,
        dedupe_key="f1",
        context={"program_id": 999, "status": "active"},
        status="failed",
        attempts=5,
        last_error="boom",
    )
    page = hr_client.get(reverse("notifications:outbox"), {"status": "failed"}).content.decode()
    assert "boom" in page and "Resend" in page
    hr_client.post(reverse("notifications:outbox"), {"notification": row.pk})
    row.refresh_from_db()
    assert row.status in {"queued", "skipped"} and row.attempts <= 1  # program 999 is gone: skipped on send


# --- security review, issue 10 ---------------------------------------------------------------------
def optional_mail_with_unsubscribe(hr):
    """A real optional e-mail (a meeting reminder) and its recipient."""
    with time_machine.travel(NOON - datetime.timedelta(days=2), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON)
    with time_machine.travel(NOON - datetime.timedelta(hours=20), tick=False):
        mail.outbox.clear()
        notifications_sweep()
    return next(m for m in mail.outbox if m.to == [junior.email] and m.subject.startswith("Tomorrow")), junior


def test_rfc8058_one_click_post_works_without_csrf_token_or_cookies(hr):
    from django.test import Client

    from notifications.selectors import preferences_of

    message, junior = optional_mail_with_unsubscribe(hr)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = message.extra_headers["List-Unsubscribe"].strip("<>").split("127.0.0.1:8000", 1)[1]
    mail_client = Client(enforce_csrf_checks=True)  # a mail provider: no session, no CSRF cookie
    page = mail_client.get(path)
    assert page.status_code == 200 and "Switch these e-mails off?" in page.content.decode()
    assert MEETING_REMINDER not in preferences_of(user=junior)  # opening the link (or a link scanner) changes nothing
    response = mail_client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert MEETING_REMINDER in preferences_of(user=junior)
    assert (
        mail_client.post(
            reverse("notifications:unsubscribe", args=["forged"]),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        ).status_code
        == 404
    )
    assert mail_client.post(reverse("notifications:unsubscribe", args=[unsubscribe_token(junior, MATCH_OFFERED)])).status_code == 404


def test_essential_mails_offer_no_one_click_unsubscribe(hr, django_capture_on_commit_callbacks):
    program, ((junior, senior),) = confirmed_pairs(hr)
    match = Match.objects.get(program=program)
    row = Notification.objects.create(
        recipient=junior, kind=MATCH_CONFIRMED, dedupe_key="essential-headers", context={"match_id": match.pk}
    )
    mail.outbox.clear()
    assert notification_send(row.pk) == "sent"
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe"].endswith("/settings/notifications/>")
    assert "List-Unsubscribe-Post" not in message.extra_headers  # they cannot be switched off in one click


def test_other_pages_still_refuse_posts_without_csrf_token(junior):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(junior)
    assert client.post(reverse("notifications:preferences"), {"enabled": []}).status_code == 403


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-1", "9" * 30, "424242"])
def test_resending_with_a_malformed_id_changes_nothing_and_says_why(hr_client, junior, value):
    row = Notification.objects.create(
        recipient=junior, kind=PHASE_CHANGE, dedupe_key="f2", context={"program_id": 999, "status": "active"}, status="failed", attempts=5
    )
    response = hr_client.post(reverse("notifications:outbox"), {"notification": value}, follow=True)
    assert response.status_code == 200
    assert "Choose an e-mail to resend." in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 5)


def test_outbox_never_names_who_was_reminded_to_check_in_or_answer_the_survey(hr_client, junior, senior):
    Notification.objects.create(
        recipient=junior,
        kind=CHECKIN_DUE,
        dedupe_key="c1",
        context={},
        status="failed",
        last_error=f"SMTPRecipientsRefused: {{'{junior.email}': (550, b'mailbox full')}}",
    )
    Notification.objects.create(recipient=junior, kind=SURVEY_REMINDER, dedupe_key="s1", context={}, status="sent")
    Notification.objects.create(recipient=senior, kind=MEETING_REMINDER, dedupe_key="m1", context={}, status="sent")
    page = hr_client.get(reverse("notifications:outbox")).content.decode()
    assert junior.get_full_name() not in page and junior.email not in page and page.count("a participant") == 2
    assert senior.get_full_name() in page  # other mails still say who they went to
    assert "Resend" in page  # a failed reminder can still be resent, without a name


def test_weekly_digest_goes_only_to_coordinators_who_may_act_as_hr(hr, hr_without_mfa):
    from mentoring.models import HR_GROUP_NAME

    with time_machine.travel(NOON - datetime.timedelta(days=40), tick=False):
        program, match, kickoff, junior, senior = scheduled_kickoff(hr, NOON - datetime.timedelta(days=35))
    departed = UserFactory(email="departed@example.com")
    hr_coordinator_grant(user=departed)
    program.coordinators.add(hr_without_mfa, departed)
    # Queued while still a coordinator, then left the company before it was sent.
    Notification.objects.create(
        recipient=departed, kind=HR_DIGEST, dedupe_key="old-digest", context={"program_id": program.pk}, program=program
    )
    departed.is_active = False
    departed.save()
    departed.groups.remove(*departed.groups.filter(name=HR_GROUP_NAME))
    with time_machine.travel(NOON, tick=False):
        mail.outbox.clear()
        notifications_sweep()
    digests = [m for m in mail.outbox if m.subject.startswith("Weekly digest")]
    assert [m.to for m in digests] == [[hr.email]]  # not to HR without an authenticator, not to the departed
    assert Notification.objects.get(dedupe_key="old-digest").status == "skipped"
