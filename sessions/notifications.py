"""The e-mails meetings send (times offered, scheduled, moved, cancelled, with their calendar files) and
their reminders (24 hours and 1 hour before, the log the morning after), registered with
the outbox from `SessionsConfig.ready()`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from matching.models import Match, MatchMember
from matching.selectors import pairs_on_hold
from notifications.emails import absolute_url
from notifications.registry import NotificationKind, register_collector, register_kind
from notifications.services import Message
from notifications.sweep import local_time

MEETING_SCHEDULED = "meeting_scheduled"
MEETING_MOVED = "meeting_moved"
TIMES_OFFERED = "times_offered"
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
    elif notification.kind in {MEETING_SCHEDULED, MEETING_MOVED}:
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


def _times_offered(notification):
    """To whoever has to pick one of the offered times; nothing when the offer no longer stands
    (picked, replaced by another round, cancelled) or the pair no longer meets."""
    from .models import Meeting
    from .selectors import participants_of

    meeting = Meeting.objects.select_related("program", "match", "proposed_by").filter(pk=notification.context.get("meeting_id")).first()
    if (
        meeting is None
        or meeting.match is None
        or meeting.status != Meeting.Status.PROPOSED
        or meeting.offer_round != notification.context.get("offer_round")
        or meeting.match.status != Match.Status.CONFIRMED
        or meeting.proposed_by_id == notification.recipient_id
    ):
        return None
    people = participants_of(meeting=meeting)
    if notification.recipient_id not in {person.pk for person in people}:
        return None
    options = [option.starts_at for option in meeting.options.order_by("starts_at", "pk")]
    if not options:
        return None
    by = meeting.proposed_by.get_full_name() if meeting.proposed_by else ""
    return {
        "meeting": meeting,
        "program": meeting.program,
        "options": options,
        "by": by,
        "url": absolute_url(meeting.get_absolute_url()),
    }, []


def _meeting_moved(notification):
    """The new time, and what it was before; with the updated calendar invitation."""
    from .models import Meeting

    if notification.context.get("sequence") is not None:
        current = Meeting.objects.filter(pk=notification.context.get("meeting_id")).values_list("sequence", flat=True).first()
        if current != notification.context["sequence"]:
            return None  # moved again (or cancelled) since: the later mail tells the latest
    built = _meeting(notification)
    if built is None:
        return None
    context, attachments = built
    previous = notification.context.get("previous") or {}
    meeting = context["meeting"]
    try:
        was = datetime.datetime.fromisoformat(previous["starts_at"])
    except (KeyError, TypeError, ValueError):
        return None
    context["previous"] = {
        "starts_at": was,
        "duration_minutes": previous.get("duration_minutes"),
        "location": previous.get("location", ""),
        "video_link": previous.get("video_link", ""),
    }
    context["changed"] = {
        "time": was != meeting.starts_at,
        "length": previous.get("duration_minutes") != meeting.duration_minutes,
        "location": previous.get("location", "") != meeting.location,
        "video_link": previous.get("video_link", "") != meeting.video_link,
    }
    mover = next((person for person in context["people"] if person.pk == notification.context.get("by_id")), None)
    context["by"] = mover.get_full_name() if mover is not None else ""
    return context, attachments


def _members_by_pair(match_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Each pair's members as (user id, time zone): plain values, read in batches (a sweep over a
    thousand pairs must not build a model instance per person)."""
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    ids = sorted(set(match_ids))
    for start in range(0, len(ids), 900):
        rows = MatchMember.objects.filter(match_id__in=ids[start : start + 900]).order_by("match_id", "pk")
        for match_id, user_id, tz_name in rows.values_list("match_id", "user_id", "user__timezone"):
            members[match_id].append((user_id, tz_name))
    return members


def meeting_reminders(now: datetime.datetime) -> list[Message]:
    """24 hours and 1 hour before each scheduled meeting, to everyone in it (paused pairs rest)."""
    from .models import Meeting
    from .selectors import participants_of

    upcoming = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + datetime.timedelta(hours=24)
    ).exclude(match__in=pairs_on_hold())
    rows = list(upcoming.values_list("pk", "sequence", "program_id", "starts_at", "match_id"))
    members = _members_by_pair(match_id for *_rest, match_id in rows if match_id is not None)
    messages = []
    for pk, sequence, program_id, starts_at, match_id in rows:
        if match_id is not None:
            people = [user_id for user_id, _tz in members[match_id]]
        else:  # a program-wide group session (a handful per program): everyone in a confirmed pair
            people = [person.pk for person in participants_of(meeting=Meeting(pk=pk, program_id=program_id))]
        assert starts_at is not None  # filtered on it
        kind = MEETING_SOON if starts_at <= now + datetime.timedelta(hours=1) else MEETING_REMINDER
        messages += [Message(user_id, kind, f"{kind}:{pk}:{sequence}:{user_id}", {"meeting_id": pk}, program_id) for user_id in people]
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
    )
    rows = list(recent.values_list("pk", "program_id", "starts_at", "duration_minutes", "match_id"))
    members = _members_by_pair(match_id for *_rest, match_id in rows)
    logged = set(SessionLog.objects.filter(meeting__in=recent).values_list("meeting_id", "author_id"))
    messages = []
    for pk, program_id, starts_at, duration_minutes, match_id in rows:
        assert starts_at is not None  # filtered on it
        ends_at = starts_at + datetime.timedelta(minutes=duration_minutes or 0)
        for user_id, tz_name in members[match_id]:
            if (pk, user_id) in logged:
                continue
            local_now, local_end = local_time(now, tz_name), local_time(ends_at, tz_name)
            if local_end.date() < local_now.date() and local_now.hour >= LOG_REMINDER_HOUR:
                messages.append(Message(user_id, LOG_REMINDER, f"log-reminder:{pk}:{user_id}", {"meeting_id": pk}, program_id))
    return messages


def register() -> None:
    register_kind(NotificationKind(MEETING_SCHEDULED, _("Meeting scheduled or changed"), _meeting, essential=True))
    register_kind(NotificationKind(TIMES_OFFERED, _("Times offered for a meeting: pick one"), _times_offered, essential=True))
    register_kind(NotificationKind(MEETING_MOVED, _("Meeting moved"), _meeting_moved, essential=True))
    register_kind(NotificationKind(MEETING_CANCELLED, _("Meeting cancelled"), _meeting, essential=True))
    register_kind(NotificationKind(MEETING_REMINDER, _("Meeting reminder (24 hours before)"), _meeting))
    register_kind(NotificationKind(MEETING_SOON, _("Meeting reminder (1 hour before)"), _meeting))
    register_kind(NotificationKind(LOG_REMINDER, _("Reminder to log a meeting"), _meeting))
    register_collector("sessions.meeting_reminders", meeting_reminders)
    register_collector("sessions.log_reminders", log_reminders)
