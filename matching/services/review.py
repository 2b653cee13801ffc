"""HR's review (pin, forbid, manual, approve), the members' answers and the lifecycle guards."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mentoring.models import User
from notifications.services import Message, notify_many
from programs.models import Program, Role
from programs.services import ensure_editable, register_guard

from ..models import Match, MatchMember, PairRule
from ..notifications import MATCH_CONFIRMED, MATCH_OFFERED
from ..problem import held_user_ids
from .common import _ensure_runnable, _pair_explanation, _pair_problem, refusal_reasons
from .store import _new_match


@transaction.atomic
def match_create_manual(*, program: Program, junior: User, senior: User, by: User) -> Match:
    """HR pairs two people by hand; refused with the reason when a hard rule forbids it."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _ensure_runnable(program)
    busy = held_user_ids(program) & {junior.pk, senior.pk}
    if busy:
        raise ValidationError(_("Both people must be free: at least one is already in a proposed, offered or confirmed match."))
    problem, j, s = _pair_problem(program, junior, senior)
    refusals = refusal_reasons(problem, j, s)
    if refusals:
        raise ValidationError(_("This pair cannot be matched: %(reasons)s.") % {"reasons": "; ".join(refusals)})
    return _new_match(
        program=program,
        run=None,
        source=Match.Source.MANUAL,
        score=float(problem.scores[j, s]),
        explanation=_pair_explanation(problem, j, s, prefix=[{"msg": gettext_noop("matched by HR")}]),
        # In peer exchange the rows come oriented: the lower level is stored as the junior.
        members=[(int(problem.juniors.ids[j]), Role.JUNIOR), (int(problem.seniors.ids[s]), Role.SENIOR)],
        by=by,
    )


@transaction.atomic
def pair_rule_set(*, program: Program, junior: User, senior: User, kind: str, by: User, reason: str = "") -> PairRule:
    """Pin (always pair) or forbid (never pair) one junior–senior pair for the next runs. In peer
    exchange any two accepted volunteers, and a rule on them is one rule whichever order they come in."""
    # Rules of a program are set one at a time, so the check that nobody is pinned twice sees
    # a pin set at the same moment.
    program = Program.objects.select_for_update().get(pk=program.pk)
    ensure_editable(program)
    if kind not in PairRule.Kind.values:
        raise ValidationError(_("Unknown rule."))
    if junior.pk == senior.pk:
        raise ValidationError(_("A pair rule is about two different people."))
    peer = program.format == Program.Format.PEER_EXCHANGE
    if peer and PairRule.objects.filter(program=program, junior=senior, senior=junior).exists():
        junior, senior = senior, junior  # the same two people: keep their one rule
    if kind == PairRule.Kind.PIN:
        problem, j, s = _pair_problem(program, junior, senior)
        refusals = refusal_reasons(problem, j, s)
        if refusals:
            raise ValidationError(_("This pair cannot be pinned: %(reasons)s.") % {"reasons": "; ".join(refusals)})
        pins = PairRule.objects.filter(program=program, kind=PairRule.Kind.PIN)
        if peer:
            either = [junior.pk, senior.pk]
            clash = pins.filter(Q(junior__in=either) | Q(senior__in=either))
        else:
            clash = pins.filter(Q(junior=junior) | Q(senior=senior))
        if clash.exclude(junior=junior, senior=senior).exists():
            raise ValidationError(_("One of them is already pinned to someone else; remove that pin first."))
    rule, _created = PairRule.objects.update_or_create(
        program=program, junior=junior, senior=senior, defaults={"kind": kind, "reason": reason.strip(), "created_by": by}
    )
    if kind == PairRule.Kind.FORBID:
        # A proposal that is now forbidden cannot stand.
        Match.objects.filter(program=program, status=Match.Status.PROPOSED, members__user=junior).filter(members__user=senior).update(
            status=Match.Status.DISCARDED
        )
    return rule


def pair_rule_remove(*, rule: PairRule) -> None:
    ensure_editable(rule.program)
    rule.delete()


def _notify_members(match: Match, kind: str) -> None:
    notify_many(
        Message(member.user_id, kind, f"{kind}:{match.pk}:{member.user_id}", {"match_id": match.pk}, match.program_id)
        for member in match.members.all()
    )


@transaction.atomic
def matches_approve(*, program: Program, by: User, matches: Iterable[Match] | None = None, match_ids: Iterable[int] | None = None) -> int:
    """Offer proposed matches to their members: those in `matches` or `match_ids`, or all the
    program's proposals when neither is given. Returns how many were offered.

    A fixed number of queries however many: one update, one read of the members and one
    `notify_many` for all of them (each member's mail keeps its key "match_offered:<match>:<user>",
    so nothing is mailed twice)."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _ensure_runnable(program)
    proposed = Match.objects.filter(program=program, status=Match.Status.PROPOSED)
    if matches is not None or match_ids is not None:
        chosen = {m.pk for m in matches or ()} | set(match_ids or ())
        proposed = proposed.filter(pk__in=chosen)
    # Locked, so a proposal discarded at this moment is either discarded or offered, not both.
    approved = list(proposed.select_for_update().order_by("-score", "pk").values_list("pk", flat=True))
    if not approved:
        return 0
    Match.objects.filter(pk__in=approved).update(status=Match.Status.APPROVED, approved_by=by, approved_at=timezone.now())
    members = (
        MatchMember.objects.filter(match_id__in=approved)
        .order_by("-match__score", "match_id", "role", "user__last_name")
        .values_list("match_id", "user_id")
    )
    notify_many(
        Message(user_id, MATCH_OFFERED, f"{MATCH_OFFERED}:{match_id}:{user_id}", {"match_id": match_id}, program.pk)
        for match_id, user_id in members
    )
    return len(approved)


def match_discard(*, match: Match) -> None:
    updated = Match.objects.filter(pk=match.pk, status=Match.Status.PROPOSED).update(status=Match.Status.DISCARDED)
    if not updated:
        raise ValidationError(_("Only a proposal that has not been offered yet can be discarded."))


# What later apps do when a pair is confirmed (sessions plans its meetings), registered from
# their AppConfig.ready(): matching sits below them and imports none of them.
_ON_CONFIRMED: list[Callable[[Match], None]] = []


def register_on_confirmed(react: Callable[[Match], None]) -> Callable[[Match], None]:
    """Run `react(match)` inside the transaction that confirms a pair (both accepted)."""
    if react not in _ON_CONFIRMED:
        _ON_CONFIRMED.append(react)
    return react


@transaction.atomic
def match_respond(*, match: Match, user: User, accept: bool, reason: str = "") -> Match:
    """A member accepts or declines. All accept: confirmed. Anyone declines: the people are free again."""
    match = Match.objects.select_for_update().select_related("program").get(pk=match.pk)
    member = match.members.filter(user=user).first()
    if member is None:
        raise PermissionDenied(_("This match is not yours."))
    if match.status != Match.Status.APPROVED:
        raise ValidationError(_("This match is %(status)s; there is nothing to answer.") % {"status": match.get_status_display().lower()})
    member.response = MatchMember.Response.ACCEPTED if accept else MatchMember.Response.DECLINED
    member.decline_reason = "" if accept else (reason or "").strip()
    member.responded_at = timezone.now()
    member.save(update_fields=["response", "decline_reason", "responded_at"])
    responses = set(match.members.values_list("response", flat=True))
    if MatchMember.Response.DECLINED in responses:
        match.status = Match.Status.DECLINED
        match.save(update_fields=["status"])
    elif responses == {MatchMember.Response.ACCEPTED}:
        match.status, match.confirmed_at = Match.Status.CONFIRMED, timezone.now()
        match.save(update_fields=["status", "confirmed_at"])
        for react in _ON_CONFIRMED:  # e.g. sessions plans the pair's meetings
            react(match)
        _notify_members(match, MATCH_CONFIRMED)
    return match


@transaction.atomic
def match_end(*, match: Match, by: User, reason: str) -> Match:
    """End a pair that does not work; both people can then be re-matched."""
    match = Match.objects.select_for_update().select_related("program").get(pk=match.pk)
    ensure_editable(match.program)
    if match.status not in {Match.Status.APPROVED, Match.Status.CONFIRMED}:
        raise ValidationError(_("Only an offered or confirmed match can be ended."))
    if not (reason or "").strip():
        raise ValidationError(_("Say why the match ends; the reason stays with HR."))
    match.status, match.ended_at, match.ended_by, match.end_reason = Match.Status.ENDED, timezone.now(), by, reason.strip()
    match.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
    return match


@transaction.atomic
def match_pause(*, match: Match, by: User, pause: bool, reason: str = "") -> Match:
    """Put a struggling pair on hold (no reminders, no at-risk alarms) or resume it."""
    match = Match.objects.select_for_update().select_related("program").get(pk=match.pk)
    ensure_editable(match.program)
    if not by.is_hr_coordinator:
        raise PermissionDenied(_("Coordinators pause and resume pairs."))
    source, target = (Match.Status.CONFIRMED, Match.Status.PAUSED) if pause else (Match.Status.PAUSED, Match.Status.CONFIRMED)
    if match.status != source:
        raise ValidationError(
            _("Only a %(status)s match can be %(action)s.")
            % {"status": Match.Status(source).label.lower(), "action": _("paused") if pause else _("resumed")}
        )
    match.status = target
    if pause:
        match.end_reason = (reason or "").strip()
    match.save(update_fields=["status", "end_reason"])
    return match


# --- lifecycle guards owned by matching ---------------------------------------------------------
@register_guard(Program.Status.MATCHING, Program.Status.ACTIVE)
def _needs_confirmed_matches(program: Program) -> list[str]:
    if not Match.objects.filter(program=program, status=Match.Status.CONFIRMED).exists():
        return [_("Start needs at least one confirmed match: approve the proposals and wait for both sides to accept.")]
    return []


@register_guard(Program.Status.MATCHING, Program.Status.RECRUITING)
def _no_offers_out(program: Program) -> list[str]:
    if Match.objects.filter(program=program, status__in=[Match.Status.APPROVED, Match.Status.CONFIRMED]).exists():
        return [_("Matches have been offered already; end them before reopening recruiting.")]
    return []
