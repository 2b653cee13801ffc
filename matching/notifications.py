"""The e-mails matching sends (a match offered, a match confirmed) and its reminder (an
offer not yet answered), registered with the outbox from `MatchingConfig.ready()`."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any

from django.utils.translation import gettext_lazy as _

from notifications.emails import absolute_url
from notifications.registry import COLLECTOR_LOOKBACK, Built, NotificationKind, register_collector, register_kind
from notifications.services import Message

MATCH_OFFERED = "match_offered"
MATCH_CONFIRMED = "match_confirmed"
ACCEPTANCE_REMINDER = "acceptance_reminder"


def match_context(notification: Any, *, statuses: Collection[str] | None = None) -> Built:
    """The match a mail is about, from the recipient's side; also for later apps' mails about
    a pair. None when it is gone, the recipient is no longer in it, or (with `statuses`) the
    match has moved on since the mail was written."""
    from .models import Match

    match = Match.objects.select_related("program").filter(pk=notification.context.get("match_id")).first()
    if match is None or (statuses is not None and match.status not in statuses):
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


def _offered(notification: Any) -> Built:
    from .models import Match

    return match_context(notification, statuses={Match.Status.APPROVED})


def _confirmed(notification: Any) -> Built:
    from .models import Match

    return match_context(notification, statuses={Match.Status.CONFIRMED, Match.Status.PAUSED})


def _answer_reminder(notification: Any) -> Built:
    from .models import MatchMember

    built = _offered(notification)
    if built is None or built[0]["member"].response != MatchMember.Response.PENDING:
        return None  # answered (or withdrawn) since
    return built


def acceptance_reminders(now: datetime.datetime) -> list[Message]:
    """Offers still unanswered after 3 days."""
    from .models import Match, MatchMember

    waiting = MatchMember.objects.filter(
        response=MatchMember.Response.PENDING,
        match__status=Match.Status.APPROVED,
        match__approved_at__lte=now - datetime.timedelta(days=3),
        match__approved_at__gt=now - COLLECTOR_LOOKBACK,  # older offers were reminded long ago
    )
    return [
        Message(
            member.user_id, ACCEPTANCE_REMINDER, f"acceptance-reminder:{member.pk}", {"match_id": member.match_id}, member.match.program_id
        )
        for member in waiting.select_related("match")
    ]


def register() -> None:
    register_kind(NotificationKind(MATCH_OFFERED, _("Match proposed to you"), _offered, essential=True))
    register_kind(NotificationKind(MATCH_CONFIRMED, _("Match confirmed"), _confirmed, essential=True))
    register_kind(NotificationKind(ACCEPTANCE_REMINDER, _("Reminder to answer a match"), _answer_reminder))
    register_collector("matching.acceptance_reminders", acceptance_reminders)
