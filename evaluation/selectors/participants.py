"""Who takes part in a program, and where a participant stands in it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Match, MatchMember
from mentoring.models import User
from programs.models import Program, Role
from sessions.selectors import times_to_pick

from ..models import CheckIn, Survey

MIN_GROUP = 3
LOW_PULSE = 2  # "low pulse (1 or 2) in this pair"
ROLES = (Role.JUNIOR, Role.SENIOR)
PARTICIPATING = [Match.Status.CONFIRMED, Match.Status.ENDED]


def program_month(*, program: Program, today: datetime.date | None = None) -> int:
    """Which month of the program `today` falls in (1-based, clamped to the program)."""
    today = today or timezone.localdate()
    start = program.start_date or today
    months = relativedelta(today, start).months + 12 * relativedelta(today, start).years + 1
    return max(1, min(program.length_months, months))


def membership(*, program: Program, user: User) -> MatchMember | None:
    """`user`'s place in a confirmed (or ended) pair of `program`, the latest one; None if none."""
    return (
        MatchMember.objects.filter(match__program=program, match__status__in=PARTICIPATING, user=user)
        .select_related("match")
        .order_by("-match__confirmed_at")
        .first()
    )


def participants(*, program: Program) -> list[MatchMember]:
    """Everyone in a confirmed (or ended) pair of `program`, with their user and match."""
    return list(
        MatchMember.objects.filter(match__program=program, match__status__in=PARTICIPATING)
        .select_related("user", "match")
        .order_by("user_id")
        .distinct()
    )


def survey_for(*, program: Program) -> Survey | None:
    """The program's end-of-program survey, prepared when the program moved to evaluating."""
    return Survey.objects.filter(program=program).first()


@dataclass(frozen=True)
class Todo:
    label: str
    url: str


def todo_for(*, user: User) -> list[Todo]:
    """Pending check-ins, surveys and times to pick for the portal home, in five queries."""
    from django.urls import reverse

    from ..models import Response

    members = list(
        MatchMember.objects.filter(
            user=user,
            match__status__in=[Match.Status.CONFIRMED, Match.Status.ENDED],
            match__program__status__in=[Program.Status.ACTIVE, Program.Status.EVALUATING],
        ).select_related("match__program")
    )
    programs = {m.match.program_id: m.match.program for m in members}
    done = set(CheckIn.objects.filter(user=user, program_id__in=programs).values_list("program_id", "month"))
    open_surveys = {s.program_id: s for s in Survey.objects.filter(program_id__in=programs, status=Survey.Status.OPEN)}
    answered = set(Response.objects.filter(user=user, survey__in=open_surveys.values()).values_list("survey__program_id", flat=True))
    todos = []
    for member in members:
        program = member.match.program
        if (
            program.status == Program.Status.ACTIVE
            and member.match.status == Match.Status.CONFIRMED
            and (program.pk, program_month(program=program)) not in done
        ):
            todos.append(
                Todo(_("Monthly check-in: %(name)s") % {"name": program.display_name}, reverse("evaluation:checkin", args=[program.pk]))
            )
        if program.pk in open_surveys and program.pk not in answered:
            todos.append(
                Todo(_("End-of-program survey: %(name)s") % {"name": program.display_name}, reverse("evaluation:survey", args=[program.pk]))
            )
    # Times the partner offered wait for this person's pick (one query, however many pairs).
    todos += [
        Todo(
            _("Pick a time: %(meeting)s (%(program)s)") % {"meeting": meeting.display_title, "program": meeting.program.display_name},
            meeting.get_absolute_url(),
        )
        for meeting in times_to_pick(user=user)
    ]
    return todos
