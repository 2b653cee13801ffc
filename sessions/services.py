"""Meetings: the plan, scheduling with calendar invitations, logs, notes and action items."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from matching.models import Match
from matching.reasons import render
from mentoring.models import User
from notifications.services import Message, notify_many
from programs.models import Program, Role

from .models import KICKOFF_AGENDA, ActionItem, CalendarFeed, Meeting, Milestone, Note, Project, SessionLog, TimeOption, new_feed_token
from .notifications import MEETING_CANCELLED, MEETING_MOVED, MEETING_SCHEDULED, TIMES_OFFERED
from .selectors import participants_of

MAX_OPTIONS = 5
# Meetings happen around the program's run: a kickoff may come before the start, a
# retrospective after the end. Anything further out is a typo (or an attack: a time near
# year 9999 cannot even be converted to every time zone).
MEETINGS_BEFORE_START = datetime.timedelta(weeks=8)
MEETINGS_AFTER_END = datetime.timedelta(weeks=8)


# --- the plan ------------------------------------------------------------------------------------
def _month_start(program: Program, month: int) -> datetime.date:
    start = program.start_date or timezone.localdate()
    return start + relativedelta(months=month - 1)


@transaction.atomic
def meetings_plan_on_confirmation(match: Match) -> None:
    """matching's "a pair was confirmed" hook (registered in SessionsConfig.ready())."""
    meetings_plan_for_match(match=match)


def meetings_plan_for_match(*, match: Match) -> list[Meeting]:
    """Kickoff, then one meeting per cadence period with that month's curriculum topic.

    Idempotent: a match that already has meetings gets none added.
    """
    if match.meetings.exists():
        return []
    program = match.program
    curriculum = {item.month: item for item in program.curriculum.select_related("topic")}
    members = list(match.members.select_related("user"))
    junior = next((m.user for m in members if m.role == Role.JUNIOR), None)
    senior = next((m.user for m in members if m.role == Role.SENIOR), None)
    peer = program.format == Program.Format.PEER_EXCHANGE
    group_format = program.format == Program.Format.GROUP
    minutes = program.min_meeting_minutes
    per_month = Program.MEETINGS_PER_MONTH[program.meeting_cadence]

    milestones: dict[int, Milestone] = {}
    if program.format == Program.Format.PROJECT:
        project = Project.objects.create(
            match=match,
            goal=program.project_brief or program.goal,
            deliverable=_("A short written recommendation with a working trial set-up"),
        )
        milestones = {
            month: Milestone.objects.create(
                project=project, title=item.title, due_date=_month_start(program, month + 1) - datetime.timedelta(days=1)
            )
            for month, item in sorted(curriculum.items())
        }

    meetings = [
        Meeting(
            program=program,
            match=match,
            kind=Meeting.Kind.KICKOFF,
            **_titled({"msg": gettext_noop("Kickoff")}),
            month=1,
            due_by=_month_start(program, 1) + datetime.timedelta(days=13),
            agenda=[{"msg": message} for message in KICKOFF_AGENDA],
            duration_minutes=max(minutes, 60),
            lead=junior if peer else None,
        )  # fmt: skip
    ]
    number = 0
    for month in range(1, program.length_months + 1):
        item = curriculum.get(month)
        for k in range(per_month):
            number += 1
            last = month == program.length_months and k == per_month - 1
            retro = last and (item is None or item.topic is None)
            # Curriculum titles and notes are HR's words, kept as written; the plan's own words are
            # data, read in each reader's language (matching.reasons).
            title: Any = item.title if item else {"msg": gettext_noop("Month %(month)s"), "month": month}
            if per_month > 1:
                title = {"msg": "%(title)s (%(k)s/%(of)s)", "title": title, "k": k + 1, "of": per_month}
            agenda: list[Any] = [{"msg": gettext_noop("Topic: %(title)s"), "title": item.title if item else title}]
            if item and item.notes:
                agenda.append(item.notes)
            if retro:
                agenda += [
                    {"msg": gettext_noop("What did each of us learn?")},
                    {"msg": gettext_noop("What worked well, what would we change?")},
                    {"msg": gettext_noop("Which improvement recommendations do we hand in?")},
                ]
            meetings.append(
                Meeting(
                    program=program,
                    match=match,
                    kind=Meeting.Kind.RETROSPECTIVE if retro else (Meeting.Kind.GROUP if group_format else Meeting.Kind.ONE_TO_ONE),
                    **_titled(title),
                    topic=item.topic if item else None,
                    month=month,
                    due_by=_month_start(program, month) + datetime.timedelta(days=int(30 * (k + 1) / per_month) - 1),
                    agenda=agenda,
                    duration_minutes=minutes,
                    lead=(senior if number % 2 == 0 else junior) if peer else None,
                    milestone=milestones.get(month),
                )  # fmt: skip
            )
    if group_format:  # the program's group sessions happen inside each group
        every = Program.GROUP_SESSION_EVERY_MONTHS.get(program.group_session_cadence)
        for month in range(every, program.length_months + 1, every) if every else []:
            meetings.append(_group_session(program, month, match=match))
    created = Meeting.objects.bulk_create(meetings)
    if not group_format:
        group_sessions_ensure(program=program)
    return created


def _titled(title: Any) -> dict[str, Any]:
    """A meeting's `title` (English, for search and admin) and `title_data` (read in each
    reader's language) from a plain title HR wrote or a reason (matching.reasons)."""
    if isinstance(title, str):
        return {"title": title[:200], "title_data": None}
    with translation.override(None):
        return {"title": render(title)[:200], "title_data": title}


def _group_session(program: Program, month: int, *, match: Match | None) -> Meeting:
    return Meeting(
        program=program, match=match, kind=Meeting.Kind.GROUP, month=month,
        **_titled({"msg": gettext_noop("Group session, month %(month)s"), "month": month}),
        due_by=_month_start(program, month + 1) - datetime.timedelta(days=1),
        agenda=[
            {"msg": gettext_noop("Share what each pair learned")},
            {"msg": gettext_noop("Celebrate successes")},
            {"msg": gettext_noop("Collect improvement ideas")},
        ],
        duration_minutes=program.group_session_minutes,
    )  # fmt: skip


def group_sessions_ensure(*, program: Program) -> list[Meeting]:
    """Program-wide group sessions (for everyone matched), created once."""
    every = Program.GROUP_SESSION_EVERY_MONTHS.get(program.group_session_cadence)
    if not every:
        return []
    existing = set(program.meetings.filter(match=None, kind=Meeting.Kind.GROUP).values_list("month", flat=True))
    wanted = [month for month in range(every, program.length_months + 1, every) if month not in existing]
    return Meeting.objects.bulk_create([_group_session(program, month, match=None) for month in wanted])


# --- scheduling ----------------------------------------------------------------------------------
def _ensure_participant(meeting: Meeting, user: User) -> list[User]:
    people = participants_of(meeting=meeting)
    if meeting.match_id is None:
        if not user.is_hr_coordinator:
            raise PermissionDenied(_("Program-wide sessions are scheduled by the coordinators."))
    elif user.pk not in {p.pk for p in people}:
        raise PermissionDenied(_("This meeting belongs to another pair."))
    return people


def meeting_time_window(program: Program) -> tuple[datetime.datetime, datetime.datetime]:
    """The earliest and latest start any meeting of `program` may have (aware datetimes).

    A program without a start date is counted from today, as its plan is.
    """
    start = program.start_date or timezone.localdate()
    end = program.end_date or start + relativedelta(months=program.length_months)
    earliest = datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC) - MEETINGS_BEFORE_START
    latest = datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC) + MEETINGS_AFTER_END
    return earliest, latest


def _check_times(meeting: Meeting, times: Sequence[datetime.datetime], *, field: str | None) -> None:
    earliest, latest = meeting_time_window(meeting.program)
    if all(earliest <= when <= latest for when in times):
        return
    message = _("Choose a time between %(earliest)s and %(latest)s: meetings of this program happen around its run.") % {
        "earliest": earliest.date().isoformat(),
        "latest": latest.date().isoformat(),
    }
    raise ValidationError({field: message} if field else message)


def _check_length(meeting: Meeting, minutes: int) -> None:
    minimum = meeting.program.min_meeting_minutes
    if minutes < minimum:
        raise ValidationError(
            {
                "duration_minutes": _(
                    "Meetings in this program last at least %(min)s minutes: block real time, not a gap between meetings."
                )
                % {"min": minimum}
            }
        )


def _send_invitations(meeting: Meeting, people: Sequence[User], *, cancel: bool = False) -> None:
    """Everyone gets the .ics (built at send time); one message per person and revision."""
    kind = MEETING_CANCELLED if cancel else MEETING_SCHEDULED
    notify_many(
        Message(person.pk, kind, f"{kind}:{meeting.pk}:{meeting.sequence}:{person.pk}", {"meeting_id": meeting.pk}, meeting.program_id)
        for person in people
    )


@transaction.atomic
def meeting_propose_times(
    *, meeting: Meeting, by: User, options: Sequence[datetime.datetime], duration_minutes: int, location: str = "", video_link: str = ""
) -> Meeting:
    """Offer one or more times; the other side picks one."""
    meeting = Meeting.objects.select_for_update().select_related("program").get(pk=meeting.pk)
    _ensure_participant(meeting, by)
    if meeting.status != Meeting.Status.PROPOSED:
        raise ValidationError(_("This meeting is %(status)s; reschedule it instead.") % {"status": meeting.get_status_display().lower()})
    _check_length(meeting, duration_minutes)
    _check_times(meeting, options, field="options")
    options = sorted(set(options))
    if not 1 <= len(options) <= MAX_OPTIONS:
        raise ValidationError({"options": _("Offer between 1 and %(n)s times.") % {"n": MAX_OPTIONS}})
    if any(option <= timezone.now() for option in options):
        raise ValidationError({"options": _("Offer times in the future.")})
    offered = sorted(meeting.options.filter(proposed_by=by).values_list("starts_at", flat=True))
    wanted = (duration_minutes, location.strip(), video_link.strip(), by.pk)
    if offered == options and (meeting.duration_minutes, meeting.location, meeting.video_link, meeting.proposed_by_id) == wanted:
        return meeting  # already offered (a double submit, a second tab): no new round, nobody is told twice
    meeting.options.all().delete()
    TimeOption.objects.bulk_create([TimeOption(meeting=meeting, starts_at=option, proposed_by=by) for option in options])
    meeting.duration_minutes, meeting.location, meeting.video_link, meeting.proposed_by = (
        duration_minutes,
        location.strip(),
        video_link.strip(),
        by,
    )
    meeting.offer_round += 1
    meeting.full_clean(exclude=["match", "topic", "lead", "milestone", "proposed_by"])
    meeting.save()
    if meeting.match_id is None:  # a coordinator's proposal for everyone is final at once
        first = meeting.options.order_by("starts_at", "pk").first()
        assert first is not None  # offered just above
        return meeting_confirm_time(meeting=meeting, by=by, option=first)
    # The other side has to pick: tell them (the builder checks at send time that the offer stands).
    notify_many(
        Message(
            person.pk,
            TIMES_OFFERED,
            f"{TIMES_OFFERED}:{meeting.pk}:{meeting.sequence}:{meeting.offer_round}:{person.pk}",
            {"meeting_id": meeting.pk, "offer_round": meeting.offer_round, "by_id": by.pk},
            meeting.program_id,
        )
        for person in participants_of(meeting=meeting)
        if person.pk != by.pk
    )
    return meeting


@transaction.atomic
def meeting_confirm_time(*, meeting: Meeting, by: User, option: TimeOption) -> Meeting:
    """Book one of the offered times.

    `option` was read before the meeting's lock, which `meeting_propose_times` holds while it
    replaces the offer: it is read again under the lock, so a time withdrawn meanwhile is refused,
    never booked.
    """
    meeting = Meeting.objects.select_for_update().select_related("program").get(pk=meeting.pk)
    people = _ensure_participant(meeting, by)
    if option.meeting_id != meeting.pk:
        raise ValidationError(_("That time was not offered for this meeting."))
    if meeting.status != Meeting.Status.PROPOSED:
        raise ValidationError(_("This meeting is already %(status)s.") % {"status": meeting.get_status_display().lower()})
    current = meeting.options.filter(pk=option.pk).first()
    if current is None:
        raise ValidationError(_("That time was withdrawn; pick one of the times offered now."))
    option = current
    if meeting.match_id is not None and option.proposed_by_id == by.pk and len(people) > 1:
        raise ValidationError(_("The other side picks one of the times you offered."))
    _check_times(meeting, [option.starts_at], field=None)  # the program may have been shortened since the offer
    meeting.starts_at, meeting.status = option.starts_at, Meeting.Status.SCHEDULED
    meeting.save(update_fields=["starts_at", "status"])
    meeting.options.all().delete()
    _send_invitations(meeting, people)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *, meeting: Meeting, by: User, starts_at: datetime.datetime, duration_minutes: int, location: str = "", video_link: str = ""
) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("program").get(pk=meeting.pk)
    people = _ensure_participant(meeting, by)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be moved."))
    _check_length(meeting, duration_minutes)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    _check_times(meeting, [starts_at], field="starts_at")
    wanted = (starts_at, duration_minutes, location.strip(), video_link.strip())
    before = (meeting.starts_at, meeting.duration_minutes, meeting.location, meeting.video_link)
    if before == wanted:
        return meeting  # already so (a double submit, a second tab): no new revision, nobody is told twice
    meeting.starts_at, meeting.duration_minutes, meeting.location, meeting.video_link = wanted
    meeting.sequence += 1
    meeting.full_clean(exclude=["match", "topic", "lead", "milestone", "proposed_by"])
    meeting.save()
    # What changed goes with the mail: the builder shows it against the meeting as it is now.
    assert before[0] is not None  # a scheduled meeting has a start
    previous = {
        "starts_at": before[0].isoformat(),
        "duration_minutes": before[1],
        "location": before[2],
        "video_link": before[3],
    }
    notify_many(
        Message(
            person.pk,
            MEETING_MOVED,
            f"{MEETING_MOVED}:{meeting.pk}:{meeting.sequence}:{person.pk}",
            {"meeting_id": meeting.pk, "sequence": meeting.sequence, "previous": previous, "by_id": by.pk},
            meeting.program_id,
        )
        for person in people
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, reason: str) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("program").get(pk=meeting.pk)
    people = _ensure_participant(meeting, by)
    if meeting.status not in {Meeting.Status.PROPOSED, Meeting.Status.SCHEDULED}:
        raise ValidationError(_("A %(status)s meeting cannot be cancelled.") % {"status": meeting.get_status_display().lower()})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why, so your partner knows.")})
    had_time = meeting.status == Meeting.Status.SCHEDULED
    meeting.status, meeting.cancel_reason = Meeting.Status.CANCELLED, reason.strip()
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancel_reason", "sequence"])
    if had_time:
        _send_invitations(meeting, people, cancel=True)
    return meeting


@transaction.atomic
def meeting_log(
    *, meeting: Meeting, by: User, held: bool, actual_minutes: int | None = None, shared: str = "", learned: str = ""
) -> SessionLog:
    """After the meeting, each participant says whether it happened and logs both directions."""
    meeting = Meeting.objects.select_for_update().select_related("program").get(pk=meeting.pk)
    people = _ensure_participant(meeting, by) if meeting.match_id else participants_of(meeting=meeting)
    if by.pk not in {p.pk for p in people}:
        raise PermissionDenied(_("Only participants log a meeting."))
    if meeting.status not in {Meeting.Status.SCHEDULED, Meeting.Status.HELD, Meeting.Status.MISSED} or not meeting.is_over:
        raise ValidationError(_("A meeting is logged after it has taken place."))
    if held and not actual_minutes:
        raise ValidationError({"actual_minutes": _("How long did you meet?")})
    log, _created = SessionLog.objects.update_or_create(
        meeting=meeting,
        author=by,
        defaults={"held": held, "actual_minutes": actual_minutes if held else None, "shared": shared.strip(), "learned": learned.strip()},
    )
    log.full_clean()
    outcomes = list(meeting.logs.values_list("held", flat=True))
    if any(outcomes):
        meeting.status = Meeting.Status.HELD
    elif len(outcomes) >= len(people):
        meeting.status = Meeting.Status.MISSED
    meeting.save(update_fields=["status"])
    return log


# --- notes and action items ----------------------------------------------------------------------
def _ensure_member(match: Match, user: User) -> None:
    if not match.members.filter(user=user).exists():
        raise PermissionDenied(_("This is another pair's space."))


def note_add(*, match: Match, author: User, body: str, visibility: str, meeting: Meeting | None = None) -> Note:
    _ensure_member(match, author)
    if not (body or "").strip():
        raise ValidationError({"body": _("Write something first.")})
    if visibility not in Note.Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read the note.")})
    if meeting is not None and meeting.match_id != match.pk:
        raise ValidationError(_("That meeting belongs to another pair."))
    return Note.objects.create(match=match, author=author, body=body.strip(), visibility=visibility, meeting=meeting)


def action_item_add(*, match: Match, by: User, title: str, owner: User, due_date: datetime.date | None = None) -> ActionItem:
    _ensure_member(match, by)
    _ensure_member(match, owner)
    if not (title or "").strip():
        raise ValidationError({"title": _("Describe the action.")})
    return ActionItem.objects.create(match=match, title=title.strip(), owner=owner, due_date=due_date, created_by=by)


def action_item_toggle(*, item: ActionItem, by: User) -> ActionItem:
    _ensure_member(item.match, by)
    item.done = not item.done
    item.save(update_fields=["done"])
    return item


# --- personal calendar feed ----------------------------------------------------------------------
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new secret URL; the old one stops working at once. Asked for twice at once, the last one wins."""
    feed, _created = CalendarFeed.objects.update_or_create(user=user, defaults={"token": new_feed_token(), "created_at": timezone.now()})
    return feed


def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
