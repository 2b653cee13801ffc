"""The e-mails meetings send (scheduled or moved, cancelled, with their calendar files) and
their reminders (24 hours and 1 hour before, the log the morning after), registered with
the outbox from `SessionsConfig.ready()`."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from matching.models import Match, MatchMember
from matching.selectors import pairs_on_hold
from notifications.emails import absolute_url
from notifications.registry import NotificationKind, register_collector, register_kind
from notifications.services import Message
from notifications.sweep import local_time

MEETING_SCHEDULED = "meeting_scheduled"
MEETING_CANCELLED = "meeting_cancelled"
MEETING_REMINDER = "meeting_reminder"
MEETING_SOON = "meeting_soon"
LOG_REMINDER = "log_reminder"
LOG_REMINDER_HOUR = 8  # "the morning after", in the participant's own time zone


def _meeting(notification):
    from . import calendar
    from .models import Meeting
    from .selectors import participants_of

    meeting = Meeting.objects.select_related("program").filter(pk=notification.context.get("meeting_id")).first()
    if meeting is None or not calendar.has_usable_time(meeting):
        return None  # gone, never scheduled, or a legacy time no calendar can hold
    people = participants_of(meeting=meeting)
    # Decided at send time: the pair may have been paused or ended, the recipient may have
    # left it, the meeting may have moved on since the mail was written.
    pair_status = meeting.match.status if meeting.match is not None else Match.Status.CONFIRMED
    attachments = []
    if notification.kind == MEETING_CANCELLED:
        attachments = [("invite.ics", calendar.invitation(meeting, people, cancel=True), "text/calendar; charset=utf-8; method=CANCEL")]
    elif notification.recipient_id not in {person.pk for person in people}:
        return None
    elif notification.kind == MEETING_SCHEDULED:
        if meeting.status != Meeting.Status.SCHEDULED or pair_status not in {Match.Status.CONFIRMED, Match.Status.PAUSED}:
            return None  # cancelled since (the cancellation mail says so), or the pair ended
        attachments = [("invite.ics", calendar.invitation(meeting, people), "text/calendar; charset=utf-8; method=REQUEST")]
    elif pair_status != Match.Status.CONFIRMED:
        return None  # paused or ended: no reminders
    elif notification.kind == LOG_REMINDER:
        if (
            meeting.status not in {Meeting.Status.SCHEDULED, Meeting.Status.HELD}
            or meeting.logs.filter(author_id=notification.recipient_id).exists()
        ):
            return None  # logged since, or the meeting was cancelled
    elif meeting.status != Meeting.Status.SCHEDULED:
        return None  # a reminder about a meeting that moved on is noise
    return {"meeting": meeting, "program": meeting.program, "people": people, "url": absolute_url(meeting.get_absolute_url())}, attachments


def meeting_reminders(now: datetime.datetime) -> list[Message]:
    """24 hours and 1 hour before each scheduled meeting, to everyone in it (paused pairs rest)."""
    from .models import Meeting
    from .selectors import participants_of

    upcoming = (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + datetime.timedelta(hours=24))
        .exclude(match__in=pairs_on_hold())
        .select_related("match")
        .prefetch_related(Prefetch("match__members", queryset=MatchMember.objects.select_related("user")))
    )
    messages = []
    for meeting in upcoming:
        people = [m.user for m in meeting.match.members.all()] if meeting.match is not None else participants_of(meeting=meeting)
        assert meeting.starts_at is not None  # filtered on it
        kind = MEETING_SOON if meeting.starts_at <= now + datetime.timedelta(hours=1) else MEETING_REMINDER
        for person in people:
            messages.append(
                Message(
                    person.pk, kind, f"{kind}:{meeting.pk}:{meeting.sequence}:{person.pk}", {"meeting_id": meeting.pk}, meeting.program_id
                )
            )
    return messages


def log_reminders(now: datetime.datetime) -> list[Message]:
    """The morning after a pair's meeting (in each person's time zone), to whoever has not logged it."""
    from .models import Meeting, SessionLog

    recent = (
        Meeting.objects.filter(
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD], starts_at__lt=now, starts_at__gte=now - datetime.timedelta(days=3)
        )
        .exclude(match=None)
        .exclude(match__in=pairs_on_hold())
        .prefetch_related(
            Prefetch("match__members", queryset=MatchMember.objects.select_related("user")),
            Prefetch("logs", queryset=SessionLog.objects.only("meeting_id", "author_id")),
        )
    )
    messages = []
    for meeting in recent:
        logged = {log.author_id for log in meeting.logs.all()}
        assert meeting.match is not None and meeting.ends_at is not None  # pairs' meetings that started
        for member in meeting.match.members.all():
            person = member.user
            if person.pk in logged:
                continue
            local_now, local_end = local_time(now, person.timezone), local_time(meeting.ends_at, person.timezone)
            if local_end.date() < local_now.date() and local_now.hour >= LOG_REMINDER_HOUR:
                messages.append(
                    Message(
                        person.pk, LOG_REMINDER, f"log-reminder:{meeting.pk}:{person.pk}", {"meeting_id": meeting.pk}, meeting.program_id
                    )
                )
    return messages


def register() -> None:
    register_kind(NotificationKind(MEETING_SCHEDULED, _("Meeting scheduled or changed"), _meeting, essential=True))
    register_kind(NotificationKind(MEETING_CANCELLED, _("Meeting cancelled"), _meeting, essential=True))
    register_kind(NotificationKind(MEETING_REMINDER, _("Meeting reminder (24 hours before)"), _meeting))
    register_kind(NotificationKind(MEETING_SOON, _("Meeting reminder (1 hour before)"), _meeting))
    register_kind(NotificationKind(LOG_REMINDER, _("Reminder to log a meeting"), _meeting))
    register_collector("sessions.meeting_reminders", meeting_reminders)
    register_collector("sessions.log_reminders", log_reminders)
