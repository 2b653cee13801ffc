"""The e-mails evaluation sends (check-in due, the survey, its reminder, kudos, HR's weekly
digest, HR's same-day "please reach out" alert, leadership's answer to a recommendation),
registered with the outbox from `EvaluationConfig.ready()`."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Match, MatchMember
from matching.notifications import match_context
from mentoring.selectors import hr_coordinators
from notifications.emails import absolute_url
from notifications.models import Notification
from notifications.registry import COLLECTOR_LOOKBACK, NotificationKind, register_collector, register_kind
from notifications.services import Message
from programs.models import Program
from sessions.models import Meeting
from sessions.selectors import meeting_facts

CHECKIN_DUE = "checkin_due"
SURVEY_DUE = "survey_due"
SURVEY_REMINDER = "survey_reminder"
KUDOS = "kudos"
HR_DIGEST = "hr_digest"
CHECKIN_REACH_OUT = "checkin_reach_out"
RECOMMENDATION_ANSWERED = "recommendation_answered"
CHECKIN_FROM_DAY = 7  # of each program month


def _program_action(notification):
    from .models import CheckIn, Response, Survey
    from .selectors import membership, program_month

    program = Program.objects.filter(pk=notification.context.get("program_id")).first()
    if program is None:
        return None
    # Decided at send time: still in a running pair, not checked in or answered meanwhile.
    member = membership(program=program, user=notification.recipient)
    if member is None:
        return None
    if notification.kind == CHECKIN_DUE:
        if program.status != Program.Status.ACTIVE or member.match.status != Match.Status.CONFIRMED:
            return None
        if CheckIn.objects.filter(program=program, user_id=notification.recipient_id, month=program_month(program=program)).exists():
            return None
    else:
        survey = Survey.objects.filter(program=program, status=Survey.Status.OPEN).first()
        if survey is None or Response.objects.filter(survey=survey, user_id=notification.recipient_id).exists():
            return None
    view = "evaluation:checkin" if notification.kind == CHECKIN_DUE else "evaluation:survey"
    return {"program": program, "url": absolute_url(reverse(view, args=[program.pk]))}, []


def _kudos(notification):
    built = match_context(notification, statuses={Match.Status.CONFIRMED, Match.Status.PAUSED})
    if built is None:
        return None
    context, attachments = built
    context["message"] = notification.context.get("message", "")
    return context, attachments


def _digest(notification):
    program = Program.objects.filter(pk=notification.context.get("program_id")).first()
    if program is None or not notification.recipient.is_hr_coordinator:
        return None  # gone, or no longer someone who may read HR's facts
    facts = meeting_facts(program=program)
    week_ago = timezone.now() - datetime.timedelta(days=7)
    return {
        "program": program,
        "quiet_pairs": [[m.user.get_full_name() for m in match.members.all()] for match in facts.pairs_without_recent_meeting],
        "period_days": facts.period_days,
        "missed_this_week": Meeting.objects.filter(program=program, status=Meeting.Status.MISSED, starts_at__gte=week_ago).count(),
        "held_this_week": Meeting.objects.filter(program=program, status=Meeting.Status.HELD, starts_at__gte=week_ago).count(),
        "pending_acceptances": MatchMember.objects.filter(
            match__program=program, match__status=Match.Status.APPROVED, response=MatchMember.Response.PENDING
        ).count(),
        "failed_emails": Notification.objects.filter(program=program, status=Notification.Status.FAILED).count(),
        "applications_waiting": program.applications.aggregate(n=Count("pk", filter=Q(status="submitted")))["n"],
        "url": absolute_url(program.get_manage_url()),
    }, []


def reach_out_recipients(*, program: Program) -> list[int]:
    """The program's coordinators who may act as HR now (as the weekly digest chooses them)."""
    return list(program.coordinators.filter(pk__in=hr_coordinators().values("pk")).values_list("pk", flat=True))


def _reach_out(notification):
    """Only who asked and where to act: the mail leaves the product, so the comment (and the
    pulse and challenges, which HR never sees per person) stay behind the HR pages' sign-in."""
    from .models import CheckIn

    checkin = CheckIn.objects.select_related("program", "user").filter(pk=notification.context.get("checkin_id"), reach_out=True).first()
    if checkin is None or not notification.recipient.is_hr_coordinator:
        return None  # gone, or no longer someone who may read HR's facts
    program = checkin.program
    if not program.coordinators.filter(pk=notification.recipient_id).exists():
        return None  # no longer coordinates this program
    url = absolute_url(reverse("evaluation:dashboard", args=[program.pk]) + "?status=reach_out")
    return {"program": program, "person": checkin.user.get_full_name(), "person_email": checkin.user.email, "url": url}, []


def recommendation_answer_digest(recommendation) -> str:
    """What the authors were told, as a short fingerprint: the same answer saved twice is one mail."""
    import hashlib

    answer = "\x1f".join(
        [recommendation.status, recommendation.leadership_response, str(recommendation.follow_up_date or ""), recommendation.outcome]
    )
    return hashlib.sha256(answer.encode()).hexdigest()[:16]


def _recommendation_answered(notification):
    from .models import Recommendation

    recommendation = Recommendation.objects.select_related("program").filter(pk=notification.context.get("recommendation_id")).first()
    if recommendation is None or not recommendation.authors.filter(pk=notification.recipient_id).exists():
        return None
    if recommendation_answer_digest(recommendation) != notification.context.get("answer"):
        return None  # answered again since: that mail tells the latest
    url = absolute_url(reverse("evaluation:recommendations", args=[recommendation.program_id]) + f"#recommendation-{recommendation.pk}")
    return {"recommendation": recommendation, "program": recommendation.program, "url": url}, []


def checkin_reminders(now: datetime.datetime) -> list[Message]:
    """From day 7 of each program month, to confirmed pairs' members who have not checked in."""
    from .models import CheckIn
    from .selectors import participants, program_month

    messages = []
    today = now.date()
    for program in Program.objects.filter(status=Program.Status.ACTIVE).exclude(start_date=None):
        if program.start_date is None:
            continue
        month = program_month(program=program, today=today)
        since = (today - (program.start_date + relativedelta(months=month - 1))).days
        # Not due yet, or due so long ago (a program run on past its last month) that the
        # reminder went back then: the outbox may have purged its row since.
        if not CHECKIN_FROM_DAY <= since < CHECKIN_FROM_DAY + COLLECTOR_LOOKBACK.days:
            continue
        done = set(CheckIn.objects.filter(program=program, month=month).values_list("user_id", flat=True))
        for member in participants(program=program):
            if member.match.status == Match.Status.CONFIRMED and member.user_id not in done:
                messages.append(
                    Message(
                        member.user_id,
                        CHECKIN_DUE,
                        f"checkin-due:{program.pk}:{month}:{member.user_id}",
                        {"program_id": program.pk},
                        program.pk,
                    )
                )
    return messages


def survey_reminders(now: datetime.datetime) -> list[Message]:
    """Five days after the survey opened, to whoever has not answered."""
    from .models import Response, Survey
    from .selectors import participants

    messages = []
    opened = {"opened_at__lte": now - datetime.timedelta(days=5), "opened_at__gt": now - COLLECTOR_LOOKBACK}  # the reminder went long ago
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, **opened).select_related("program"):
        answered = set(Response.objects.filter(survey=survey).values_list("user_id", flat=True))
        for member in participants(program=survey.program):
            if member.user_id not in answered:
                messages.append(
                    Message(
                        member.user_id,
                        SURVEY_REMINDER,
                        f"survey-reminder:{survey.pk}:{member.user_id}",
                        {"program_id": survey.program_id},
                        survey.program_id,
                    )
                )
    return messages


def hr_digests(now: datetime.datetime) -> list[Message]:
    """Weekly, per live program, to its coordinators who may act as HR now (not a deactivated
    one, not one without the second factor the HR pages would ask for)."""
    year, week, _day = now.isocalendar()
    live = [Program.Status.RECRUITING, Program.Status.MATCHING, Program.Status.ACTIVE, Program.Status.EVALUATING]
    messages = []
    for program in Program.objects.filter(status__in=live).prefetch_related(Prefetch("coordinators", queryset=hr_coordinators())):
        for coordinator in program.coordinators.all():
            messages.append(
                Message(
                    coordinator.pk,
                    HR_DIGEST,
                    f"hr-digest:{program.pk}:{coordinator.pk}:{year}-W{week:02d}",
                    {"program_id": program.pk},
                    program.pk,
                )
            )
    return messages


def register() -> None:
    register_kind(NotificationKind(CHECKIN_DUE, _("Monthly check-in"), _program_action, recipient_hidden_from_hr=True))
    register_kind(NotificationKind(SURVEY_DUE, _("End-of-program survey"), _program_action))
    register_kind(NotificationKind(SURVEY_REMINDER, _("Reminder about the survey"), _program_action, recipient_hidden_from_hr=True))
    register_kind(NotificationKind(KUDOS, _("Kudos from HR"), _kudos))
    register_kind(NotificationKind(HR_DIGEST, _("Weekly program digest (HR)"), _digest, hr_only=True))
    register_kind(
        NotificationKind(CHECKIN_REACH_OUT, _("A participant asks HR to reach out (HR)"), _reach_out, essential=True, hr_only=True)
    )
    register_kind(NotificationKind(RECOMMENDATION_ANSWERED, _("Leadership's answer to your recommendation"), _recommendation_answered))
    register_collector("evaluation.checkin_reminders", checkin_reminders)
    register_collector("evaluation.survey_reminders", survey_reminders)
    register_collector("evaluation.hr_digests", hr_digests)
