"""The e-mails programs send (invitations, application answers, program news) and its
reminder (an unanswered invitation), registered with the outbox from `ProgramsConfig.ready()`."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.emails import absolute_url
from notifications.registry import COLLECTOR_LOOKBACK, NotificationKind, register_collector, register_kind
from notifications.services import Message

INVITATION = "invitation"
INVITATION_REMINDER = "invitation_reminder"
APPLICATION_RECEIVED = "application_received"
APPLICATION_DECIDED = "application_decided"
PHASE_CHANGE = "phase_change"


def _invitation(notification):
    from .models import Invitation, Role

    invitation = (
        Invitation.objects.select_related("program", "invited_by", "user").filter(pk=notification.context.get("invitation_id")).first()
    )
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return None  # withdrawn, or answered before the mail went out
    role = invitation.program.role_for_level(invitation.user.level)
    return {
        "program": invitation.program,
        "invitation": invitation,
        "invited_by": invitation.invited_by,
        "role": Role(role).label if role else "",
        "url": absolute_url(reverse("programs:invitation", args=[invitation.token])),
    }, []


def _application(notification):
    from .models import Application

    application = Application.objects.select_related("program").filter(pk=notification.context.get("application_id")).first()
    if application is None or application.status == Application.Status.WITHDRAWN:
        return None
    return {
        "application": application,
        "program": application.program,
        "url": absolute_url(reverse("programs:my_application", args=[application.program_id])),
    }, []


def _phase(notification):
    from .models import Program

    program_id = notification.context.get("program_id")
    # The sender reads the row's program with it; an older row may name it only in its context.
    program = notification.program if program_id and notification.program_id == program_id else None
    program = program or Program.objects.filter(pk=program_id).first()
    if program is None or program.status != notification.context.get("status"):
        return None  # the program has moved on since: this news is old
    return {
        "program": program,
        "status": Program.Status(notification.context.get("status")).label,
        "url": absolute_url(program.get_absolute_url()),
    }, []


def invitation_reminders(now: datetime.datetime) -> list[Message]:
    """Invitations still unanswered after 5 days, while the program recruits."""
    from .models import Invitation, Program

    pending = Invitation.objects.filter(
        status=Invitation.Status.PENDING,
        created_at__lte=now - datetime.timedelta(days=5),
        created_at__gt=now - COLLECTOR_LOOKBACK,  # older ones were reminded long ago
        program__status=Program.Status.RECRUITING,
    )
    return [
        Message(
            invitation.user_id,
            INVITATION_REMINDER,
            f"invitation-reminder:{invitation.pk}",
            {"invitation_id": invitation.pk},
            invitation.program_id,
        )
        for invitation in pending.only("pk", "user_id", "program_id")
    ]


def register() -> None:
    register_kind(NotificationKind(INVITATION, _("Program invitation"), _invitation, template="program-invitation", essential=True))
    register_kind(NotificationKind(APPLICATION_RECEIVED, _("Application received"), _application))
    register_kind(NotificationKind(APPLICATION_DECIDED, _("Application decided"), _application, essential=True))
    register_kind(NotificationKind(INVITATION_REMINDER, _("Reminder about an unanswered invitation"), _invitation))
    register_kind(NotificationKind(PHASE_CHANGE, _("Program news"), _phase))
    register_collector("programs.invitation_reminders", invitation_reminders)
