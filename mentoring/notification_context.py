"""What each kind of e-mail says, built at send time from the ids in the outbox row.

Only facts go into HR mails (counts, names, dates); pair content (notes, logs) is never
read here.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from .emails import absolute_url
from .models import Notification

K = Notification.Kind


def _invitation(notification):
    from programs.models import Invitation, Role

    invitation = Invitation.objects.select_related("program", "invited_by", "user").filter(pk=notification.context.get("invitation_id")).first()
    if invitation is None:
        return None
    role = invitation.program.role_for_level(invitation.user.level)
    return {
        "program": invitation.program,
        "invitation": invitation,
        "invited_by": invitation.invited_by,
        "role": Role(role).label if role else "",
        "url": absolute_url(reverse("programs:invitation", args=[invitation.token])),
    }, []


def _application(notification):
    from programs.models import Application

    application = Application.objects.select_related("program").filter(pk=notification.context.get("application_id")).first()
    if application is None:
        return None
    return {"application": application, "program": application.program, "url": absolute_url(reverse("programs:my_application", args=[application.program_id]))}, []


def _match(notification):
    from matching.models import Match

    match = Match.objects.select_related("program").filter(pk=notification.context.get("match_id")).first()
    if match is None:
        return None
    members = list(match.members.select_related("user"))
    member = next((m for m in members if m.user_id == notification.recipient_id), None)
    if member is None:
        return None
    return {
        "match": match,
        "program": match.program,
        "member": member,
        "partners": [m.user for m in members if m.user_id != notification.recipient_id],
        "url": absolute_url(match.get_absolute_url()),
    }, []


def _meeting(notification):
    from sessions import calendar
    from sessions.models import Meeting
    from sessions.selectors import participants_of

    meeting = Meeting.objects.select_related("program").filter(pk=notification.context.get("meeting_id")).first()
    if meeting is None or not calendar.has_usable_time(meeting):
        return None  # gone, never scheduled, or a legacy time no calendar can hold
    people = participants_of(meeting)
    attachments = []
    if notification.kind == K.MEETING_SCHEDULED:
        if meeting.status != Meeting.Status.SCHEDULED:
            return None  # cancelled since: the cancellation mail says so
        attachments = [("invite.ics", calendar.invitation(meeting, people), "text/calendar; charset=utf-8; method=REQUEST")]
    elif notification.kind == K.MEETING_CANCELLED:
        attachments = [("invite.ics", calendar.invitation(meeting, people, cancel=True), "text/calendar; charset=utf-8; method=CANCEL")]
    elif meeting.status != Meeting.Status.SCHEDULED:
        return None  # a reminder about a meeting that moved on is noise
    return {"meeting": meeting, "program": meeting.program, "people": people, "url": absolute_url(meeting.get_absolute_url())}, attachments


def _phase(notification):
    from programs.models import Program

    program = Program.objects.filter(pk=notification.context.get("program_id")).first()
    if program is None:
        return None
    return {"program": program, "status": Program.Status(notification.context.get("status")).label, "url": absolute_url(program.get_absolute_url())}, []


def _digest(notification):
    from matching.models import Match, MatchMember
    from programs.models import Program
    from sessions.models import Meeting
    from sessions.selectors import meeting_facts

    program = Program.objects.filter(pk=notification.context.get("program_id")).first()
    if program is None or not notification.recipient.is_hr_coordinator:
        return None  # gone, or no longer someone who may read HR's facts
    facts = meeting_facts(program)
    week_ago = timezone.now() - datetime.timedelta(days=7)
    return {
        "program": program,
        "quiet_pairs": [[m.user.get_full_name() for m in match.members.all()] for match in facts.pairs_without_recent_meeting],
        "period_days": facts.period_days,
        "missed_this_week": Meeting.objects.filter(program=program, status=Meeting.Status.MISSED, starts_at__gte=week_ago).count(),
        "held_this_week": Meeting.objects.filter(program=program, status=Meeting.Status.HELD, starts_at__gte=week_ago).count(),
        "pending_acceptances": MatchMember.objects.filter(match__program=program, match__status=Match.Status.APPROVED, response=MatchMember.Response.PENDING).count(),
        "failed_emails": Notification.objects.filter(program=program, status=Notification.Status.FAILED).count(),
        "applications_waiting": program.applications.aggregate(n=Count("pk", filter=Q(status="submitted")))["n"],
        "url": absolute_url(program.get_manage_url()),
    }, []


def _program_action(notification):
    from programs.models import Program

    program = Program.objects.filter(pk=notification.context.get("program_id")).first()
    if program is None:
        return None
    path = {
        K.CHECKIN_DUE: reverse("evaluation:checkin", args=[program.pk]),
        K.SURVEY_DUE: reverse("evaluation:survey", args=[program.pk]),
        K.SURVEY_REMINDER: reverse("evaluation:survey", args=[program.pk]),
    }[notification.kind]
    return {"program": program, "url": absolute_url(path)}, []


def _kudos(notification):
    built = _match(notification)
    if built is None:
        return None
    context, attachments = built
    context["message"] = notification.context.get("message", "")
    return context, attachments


BUILDERS = {
    K.CHECKIN_DUE: _program_action,
    K.SURVEY_DUE: _program_action,
    K.SURVEY_REMINDER: _program_action,
    K.KUDOS: _kudos,
    K.INVITATION: _invitation,
    K.INVITATION_REMINDER: _invitation,
    K.APPLICATION_RECEIVED: _application,
    K.APPLICATION_DECIDED: _application,
    K.MATCH_OFFERED: _match,
    K.MATCH_CONFIRMED: _match,
    K.ACCEPTANCE_REMINDER: _match,
    K.MEETING_SCHEDULED: _meeting,
    K.MEETING_CANCELLED: _meeting,
    K.MEETING_REMINDER: _meeting,
    K.MEETING_SOON: _meeting,
    K.LOG_REMINDER: _meeting,
    K.PHASE_CHANGE: _phase,
    K.HR_DIGEST: _digest,
}


def context_for(notification: Notification):
    return BUILDERS[notification.kind](notification)
