"""The periodic sweep: find what is due, write outbox rows (deduplicated), send.

The database is the source of truth, so a sweep can run any number of times, on several
machines at once, or after a broker outage: every message is written once (its dedupe
key) and sent once (the claim in `notification_send`). Queries do not grow per message.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from .models import Notification
from .notifications import Message, dispatch_due, notify_many
from .selectors import hr_coordinators

K = Notification.Kind
LOG_REMINDER_HOUR = 8  # "the morning after", in the participant's own time zone


@dataclass(frozen=True)
class SweepResult:
    written: int
    enqueued: int


def _local(moment: datetime.datetime, tz_name: str) -> datetime.datetime:
    try:
        return moment.astimezone(zoneinfo.ZoneInfo(tz_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return moment.astimezone(datetime.UTC)


def collect(now: datetime.datetime) -> list[Message]:
    from matching.models import Match, MatchMember
    from programs.models import Invitation, Program
    from sessions.models import Meeting, SessionLog
    from sessions.selectors import participants_of

    messages: list[Message] = []
    members = MatchMember.objects.select_related("user")
    upcoming = (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + datetime.timedelta(hours=24))
        .exclude(match__status=Match.Status.PAUSED)
        .select_related("match")
        .prefetch_related(Prefetch("match__members", queryset=members))
    )
    for meeting in upcoming:
        people = [m.user for m in meeting.match.members.all()] if meeting.match_id else participants_of(meeting)
        soon = meeting.starts_at <= now + datetime.timedelta(hours=1)
        kind = K.MEETING_SOON if soon else K.MEETING_REMINDER
        for person in people:
            messages.append(Message(person.pk, kind, f"{kind}:{meeting.pk}:{meeting.sequence}:{person.pk}", {"meeting_id": meeting.pk}, meeting.program_id))

    recent = (
        Meeting.objects.filter(status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD], starts_at__lt=now, starts_at__gte=now - datetime.timedelta(days=3))
        .exclude(match=None)
        .exclude(match__status=Match.Status.PAUSED)
        .prefetch_related(Prefetch("match__members", queryset=members), Prefetch("logs", queryset=SessionLog.objects.only("meeting_id", "author_id")))
    )
    for meeting in recent:
        logged = {log.author_id for log in meeting.logs.all()}
        for member in meeting.match.members.all():
            person = member.user
            if person.pk in logged:
                continue
            local_now, local_end = _local(now, person.timezone), _local(meeting.ends_at, person.timezone)
            if local_end.date() < local_now.date() and local_now.hour >= LOG_REMINDER_HOUR:
                messages.append(Message(person.pk, K.LOG_REMINDER, f"log-reminder:{meeting.pk}:{person.pk}", {"meeting_id": meeting.pk}, meeting.program_id))

    for invitation in Invitation.objects.filter(
        status=Invitation.Status.PENDING, created_at__lte=now - datetime.timedelta(days=5), program__status=Program.Status.RECRUITING
    ).only("pk", "user_id", "program_id"):
        messages.append(Message(invitation.user_id, K.INVITATION_REMINDER, f"invitation-reminder:{invitation.pk}", {"invitation_id": invitation.pk}, invitation.program_id))

    for member in MatchMember.objects.filter(
        response=MatchMember.Response.PENDING, match__status=Match.Status.APPROVED, match__approved_at__lte=now - datetime.timedelta(days=3)
    ).select_related("match"):
        messages.append(Message(member.user_id, K.ACCEPTANCE_REMINDER, f"acceptance-reminder:{member.pk}", {"match_id": member.match_id}, member.match.program_id))

    messages += _evaluation_messages(now)

    year, week, _day = now.isocalendar()
    live = [Program.Status.RECRUITING, Program.Status.MATCHING, Program.Status.ACTIVE, Program.Status.EVALUATING]
    # Only coordinators who may act as HR now: not a deactivated one, not one without the
    # second factor the HR pages would ask for.
    coordinators = Prefetch("coordinators", queryset=hr_coordinators())
    for program in Program.objects.filter(status__in=live).prefetch_related(coordinators):
        for coordinator in program.coordinators.all():
            messages.append(
                Message(coordinator.pk, K.HR_DIGEST, f"hr-digest:{program.pk}:{coordinator.pk}:{year}-W{week:02d}", {"program_id": program.pk}, program.pk)
            )
    return messages


def _evaluation_messages(now: datetime.datetime) -> list[Message]:
    """Monthly check-ins (from day 7 of each program month) and survey reminders (after 5 days)."""
    from dateutil.relativedelta import relativedelta

    from evaluation.models import CheckIn, Response, Survey
    from evaluation.services import participants, program_month
    from matching.models import Match
    from programs.models import Program

    messages = []
    today = now.date()
    for program in Program.objects.filter(status=Program.Status.ACTIVE).exclude(start_date=None):
        month = program_month(program, today)
        if (today - (program.start_date + relativedelta(months=month - 1))).days < 7:
            continue
        done = set(CheckIn.objects.filter(program=program, month=month).values_list("user_id", flat=True))
        for member in participants(program):
            if member.match.status == Match.Status.CONFIRMED and member.user_id not in done:
                messages.append(Message(member.user_id, K.CHECKIN_DUE, f"checkin-due:{program.pk}:{month}:{member.user_id}", {"program_id": program.pk}, program.pk))
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, opened_at__lte=now - datetime.timedelta(days=5)).select_related("program"):
        answered = set(Response.objects.filter(survey=survey).values_list("user_id", flat=True))
        for member in participants(survey.program):
            if member.user_id not in answered:
                messages.append(Message(member.user_id, K.SURVEY_REMINDER, f"survey-reminder:{survey.pk}:{member.user_id}", {"program_id": survey.program_id}, survey.program_id))
    return messages


def notifications_sweep(*, now: datetime.datetime | None = None, send: bool = True) -> SweepResult:
    """Write every due message, then enqueue what is queued (including retries and rows a
    broker outage left behind)."""
    now = now or timezone.now()
    written = notify_many(collect(now), enqueue_after_commit=False)
    enqueued = dispatch_due() if send else 0
    return SweepResult(written=len(written), enqueued=enqueued)
