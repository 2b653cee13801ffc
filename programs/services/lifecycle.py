"""The program lifecycle: draft → recruiting → matching → active → evaluating → closed.

`program_transition` is the only way a program changes status. Each allowed move has
guards that return the reasons it is refused; other apps add guards for the moves they
own with `register_guard` (matching requires confirmed matches before `active`).
Every move is recorded as a `ProgramTransition` (who, when, reason).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import User

from ..models import Application, Program, ProgramTransition, Role

S = Program.Status
ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.RECRUITING, S.CLOSED},
    S.RECRUITING: {S.DRAFT, S.MATCHING, S.CLOSED},
    S.MATCHING: {S.RECRUITING, S.ACTIVE},
    S.ACTIVE: {S.EVALUATING},
    S.EVALUATING: {S.CLOSED},
    S.CLOSED: set(),
}
# Moves that skip the normal course of a program and so must say why.
REASON_REQUIRED = {(S.DRAFT, S.CLOSED), (S.RECRUITING, S.CLOSED)}

Guard = Callable[[Program], list[str]]
_GUARDS: dict[tuple[str, str], list[Guard]] = defaultdict(list)


def register_guard(from_status: str, to_status: str) -> Callable[[Guard], Guard]:
    def decorator(guard: Guard) -> Guard:
        _GUARDS[(from_status, to_status)].append(guard)
        return guard

    return decorator


_ON_ENTER: dict[str, list[Callable[[Program], None]]] = defaultdict(list)


def register_on_enter(status: str) -> Callable[[Callable[[Program], None]], Callable[[Program], None]]:
    """Run `hook(program)` inside the transaction that moves a program into `status`."""

    def decorator(hook: Callable[[Program], None]) -> Callable[[Program], None]:
        _ON_ENTER[status].append(hook)
        return hook

    return decorator


def record_transition(
    *, program: Program, from_status: str, to_status: str, by: User | None, reason: str = "", forced: bool = False
) -> ProgramTransition:
    return ProgramTransition.objects.create(
        program=program, from_status=from_status, to_status=to_status, by=by, reason=reason, forced=forced
    )


def transition_refusals(program: Program, to_status: str) -> list[str]:
    """Why `program` cannot move to `to_status` now (empty when it can)."""
    if to_status not in Program.Status.values:
        return [_("“%(status)s” is not a program status.") % {"status": to_status}]
    if to_status not in ALLOWED.get(program.status, set()):
        return [
            _("A %(from)s program cannot move to %(to)s.")
            % {"from": program.get_status_display().lower(), "to": Program.Status(to_status).label.lower()}
        ]
    refusals: list[str] = []
    for guard in _GUARDS[(program.status, to_status)]:
        refusals.extend(guard(program))
    return refusals


def allowed_transitions(program: Program) -> list[str]:
    return [status for status in Program.Status.values if status in ALLOWED.get(program.status, set())]


def program_transition(*, program: Program, to_status: str, by: User, reason: str = "", force: bool = False) -> Program:
    """Move `program` to `to_status`, or raise ValidationError with every reason it cannot.

    `force` overrides only the date guard of active → evaluating, and needs a reason.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        from_status = locked.status
        refusals = transition_refusals(locked, to_status)
        forced = False
        if force and refusals and (from_status, to_status) == (S.ACTIVE, S.EVALUATING):
            if not reason:
                raise ValidationError(_("Say why the program ends early: a reason is required to force it."))
            if refusals == _date_guard(locked):
                refusals, forced = [], True
        if (from_status, to_status) in REASON_REQUIRED and not reason:
            refusals.append(_("Say why: a reason is required to close a program that never ran."))
        if refusals:
            raise ValidationError(refusals)
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        record_transition(program=locked, from_status=from_status, to_status=to_status, by=by, reason=reason, forced=forced)
        if to_status in ANNOUNCED:
            _announce(locked, to_status)
        for hook in _ON_ENTER[to_status]:
            hook(locked)
    program.refresh_from_db()
    return program


# Phases the accepted participants hear about.
ANNOUNCED = {S.ACTIVE, S.EVALUATING, S.CLOSED}


def _announce(program: Program, status: str) -> None:
    from notifications.services import Message, notify_many

    from ..notifications import PHASE_CHANGE

    people = program.applications.filter(status=Application.Status.ACCEPTED).values_list("user_id", flat=True)
    notify_many(
        Message(user_id, PHASE_CHANGE, f"phase:{program.pk}:{status}:{user_id}", {"program_id": program.pk, "status": status}, program.pk)
        for user_id in people
    )


# --- the guards of this app ---------------------------------------------------------------------
@register_guard(S.DRAFT, S.RECRUITING)
def _ready_to_recruit(program: Program) -> list[str]:
    refusals = []
    if program.start_date is None:
        refusals.append(_("Set a start date first."))
    months = set(program.curriculum.values_list("month", flat=True))
    missing = [str(month) for month in range(1, program.length_months + 1) if month not in months]
    if missing:
        refusals.append(_("The curriculum has no topic for month(s) %(months)s.") % {"months": ", ".join(missing)})
    if not program.confidentiality_terms.strip():
        refusals.append(_("Write the confidentiality terms participants will accept."))
    if not program.coordinators.exists():
        refusals.append(_("Name at least one coordinator."))
    return refusals


@register_guard(S.RECRUITING, S.DRAFT)
def _nobody_applied_yet(program: Program) -> list[str]:
    if program.applications.exclude(status=Application.Status.WITHDRAWN).exists():
        return [_("People have already applied; a program with applicants cannot go back to draft.")]
    return []


@register_guard(S.RECRUITING, S.MATCHING)
def _enough_volunteers(program: Program) -> list[str]:
    counts = program.applications.aggregate(
        juniors=Count("pk", filter=Q(role=Role.JUNIOR, status=Application.Status.ACCEPTED)),
        seniors=Count("pk", filter=Q(role=Role.SENIOR, status=Application.Status.ACCEPTED)),
        undecided=Count("pk", filter=Q(status=Application.Status.SUBMITTED)),
    )
    need_juniors, need_seniors = program.needed_per_side()
    refusals = []
    if program.format == Program.Format.PEER_EXCHANGE:  # one pool: anyone may pair with anyone
        volunteers = counts["juniors"] + counts["seniors"]
        if volunteers < 2:
            refusals.append(_("Peer exchange needs at least 2 accepted volunteers; %(count)s accepted.") % {"count": volunteers})
    elif counts["juniors"] < need_juniors or counts["seniors"] < need_seniors:
        refusals.append(
            _(
                "Matching needs at least %(nj)s accepted junior mentor(s) and %(ns)s senior mentee(s) for this format; "
                "%(j)s and %(s)s are accepted."
            )
            % {"nj": need_juniors, "ns": need_seniors, "j": counts["juniors"], "s": counts["seniors"]}
        )
    if counts["undecided"]:
        refusals.append(_("%(n)s application(s) still await your decision.") % {"n": counts["undecided"]})
    return refusals


@register_guard(S.MATCHING, S.ACTIVE)
def _still_has_both_sides(program: Program) -> list[str]:
    if program.format == Program.Format.PEER_EXCHANGE:
        if program.applications.filter(status=Application.Status.ACCEPTED).count() < 2:
            return [_("Peer exchange needs at least 2 accepted volunteers to start.")]
        return []
    accepted = set(program.applications.filter(status=Application.Status.ACCEPTED).values_list("role", flat=True))
    if accepted != {Role.JUNIOR, Role.SENIOR}:
        return [_("The program needs accepted junior mentors and senior mentees to start.")]
    return []


def _date_guard(program: Program) -> list[str]:
    end = program.end_date
    if end is not None and timezone.localdate() < end:
        return [_("The program runs until %(end)s. Evaluate earlier only by forcing it with a reason.") % {"end": end.isoformat()}]
    return []


register_guard(S.ACTIVE, S.EVALUATING)(_date_guard)
