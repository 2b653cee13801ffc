"""Issue 14, item 2: every step that needs the other person's action tells them — offered
times by mail and as a to-do on home, a moved meeting with what changed (old and new time)."""

import functools
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.translation import gettext

from notifications.models import Notification
from sessions.models import Meeting
from sessions.notifications import MEETING_MOVED, TIMES_OFFERED
from sessions.services import meeting_cancel, meeting_confirm_time, meeting_propose_times, meeting_reschedule
from tests.races import needs_postgres, race
from tests.sessions.conftest import soon

pytestmark = pytest.mark.django_db


def german(when):
    with translation.override("de"):
        return dateformat.format(when.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")), gettext("l j F Y, H:i"))  # German order


def offer(meeting, by, *days, **extra):
    return meeting_propose_times(meeting=meeting, by=by, options=[soon(day) for day in days], duration_minutes=60, **extra)


def test_offering_times_mails_the_partner_once_per_offer(pair, django_capture_on_commit_callbacks):
    program, match, junior, senior = pair
    senior.language, senior.timezone = "de", "Asia/Tokyo"
    senior.save()
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    with django_capture_on_commit_callbacks(execute=True):
        offer(kickoff, junior, 3, 4, location="Room 4")
        offer(kickoff, junior, 4, 3, location="Room 4")  # the same offer again: a double submit
    assert [m.to for m in mail.outbox] == [[senior.email]]  # the proposer is not told their own offer
    message = mail.outbox[0]
    with translation.override("de"):  # all in the recipient's language, the kickoff's title too
        subject = gettext("Pick a time: %(title)s") % {"title": gettext("Kickoff")}
        essential, pick = gettext("This message is essential to your program and cannot be switched off."), gettext("Pick a time")
    assert message.subject == subject
    for day in (3, 4):  # both times, in the recipient's own language and time zone
        assert f"- {german(soon(day))} (Asia/Tokyo)" in message.body
    assert junior.get_full_name() in message.body and "Room 4" in message.body
    assert reverse("mentoring_sessions:meeting", args=[kickoff.pk]) in message.body
    assert essential in message.body  # cannot be switched off: the pair cannot meet without it
    html = message.alternatives[0][0]
    assert '<html lang="de">' in html and f"{pick}</a>" in html
    with django_capture_on_commit_callbacks(execute=True):
        offer(kickoff, junior, 5, location="Room 4")  # a new round: told again
    assert len(mail.outbox) == 2 and german(soon(5)) in mail.outbox[1].body and german(soon(3)) not in mail.outbox[1].body
    keys = sorted(Notification.objects.filter(kind=TIMES_OFFERED).values_list("dedupe_key", flat=True))
    assert keys == [f"times_offered:{kickoff.pk}:0:1:{senior.pk}", f"times_offered:{kickoff.pk}:0:2:{senior.pk}"]


def test_an_offer_that_no_longer_stands_is_not_mailed(pair, django_capture_on_commit_callbacks):
    program, match, junior, senior = pair
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    offer(kickoff, junior, 3)  # written, not yet sent (no on_commit run)
    meeting_confirm_time(meeting=kickoff, by=senior, option=kickoff.options.get())
    from notifications.services import notification_send

    row = Notification.objects.get(kind=TIMES_OFFERED)
    assert notification_send(row.pk) == "skipped"


def test_moving_a_meeting_says_what_changed(pair, django_capture_on_commit_callbacks):
    program, match, junior, senior = pair
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    offer(kickoff, junior, 3)
    meeting_confirm_time(meeting=kickoff, by=senior, option=kickoff.options.get())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(meeting=kickoff, by=senior, starts_at=soon(6, hour=10), duration_minutes=75, location="Room 9")
        meeting_reschedule(meeting=kickoff, by=senior, starts_at=soon(6, hour=10), duration_minutes=75, location="Room 9")  # twice
    assert sorted(m.to[0] for m in mail.outbox) == sorted([junior.email, senior.email])
    utc = zoneinfo.ZoneInfo(junior.timezone)  # the recipient's own time zone
    message = next(m for m in mail.outbox if m.to == [junior.email])
    new, old = soon(6, hour=10).astimezone(utc), soon(3).astimezone(utc)
    assert message.subject == f"Moved: Kickoff is now {new:%a} {new.day} {new:%b}, {new:%H:%M}"
    assert f"Now: {new:%A} {new.day} {new:%B %Y, %H:%M}" in message.body and "75 min, Room 9" in message.body
    assert f"Before: {old:%A} {old.day} {old:%B %Y, %H:%M}, 60 min" in message.body
    assert senior.get_full_name() + " moved" in message.body
    assert "essential" in message.body and message.attachments[0][0] == "invite.ics"
    assert "<s>" in message.alternatives[0][0]  # the old time struck through
    assert set(Notification.objects.filter(kind=MEETING_MOVED).values_list("dedupe_key", flat=True)) == {
        f"meeting_moved:{kickoff.pk}:1:{junior.pk}",
        f"meeting_moved:{kickoff.pk}:1:{senior.pk}",
    }


def test_a_move_overtaken_by_a_cancellation_is_not_mailed(pair):
    program, match, junior, senior = pair
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    offer(kickoff, junior, 3)
    meeting_confirm_time(meeting=kickoff, by=senior, option=kickoff.options.get())
    meeting_reschedule(meeting=kickoff, by=senior, starts_at=soon(6), duration_minutes=60)
    meeting_cancel(meeting=kickoff, by=junior, reason="Sick")
    from notifications.services import notification_send

    assert {notification_send(row.pk) for row in Notification.objects.filter(kind=MEETING_MOVED)} == {"skipped"}


def test_home_shows_the_partner_a_time_to_pick(client, pair):
    program, match, junior, senior = pair
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    url = reverse("mentoring_sessions:meeting", args=[kickoff.pk])
    offer(kickoff, junior, 3)
    client.force_login(senior)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Pick a time: Kickoff" in page and f'href="{url}"' in page
    client.force_login(junior)  # the one who offered waits; nothing for them to do
    assert "Pick a time" not in client.get(reverse("portal:home")).content.decode()
    meeting_confirm_time(meeting=kickoff, by=senior, option=kickoff.options.get())
    client.force_login(senior)
    assert "Pick a time" not in client.get(reverse("portal:home")).content.decode()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_offer_sent_twice_at_once_is_one_round_and_one_mail(pair):
    program, match, junior, senior = pair
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    send = functools.partial(meeting_propose_times, meeting=kickoff, by=junior, options=[soon(3), soon(4)], duration_minutes=60)
    outcomes = race(send, send)
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    kickoff.refresh_from_db()
    assert kickoff.offer_round == 1 and kickoff.options.count() == 2
    assert list(Notification.objects.filter(kind=TIMES_OFFERED).values_list("recipient", flat=True)) == [senior.pk]
