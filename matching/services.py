"""Matching runs, HR's review (pin, forbid, manual, approve) and the members' answers."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentoring.models import User
from notifications.services import Message, notify_many
from programs.models import Application, Program, Role
from programs.services import ensure_editable, register_guard

from . import engine
from .models import DEFAULT_WEIGHTS, Match, MatchingConfig, MatchMember, MatchRun, PairRule
from .notifications import MATCH_CONFIRMED, MATCH_OFFERED
from .problem import Problem, held_user_ids, load_problem
from .scoring import COMPONENTS, why_unmatched

RUNNABLE = {Program.Status.MATCHING, Program.Status.ACTIVE}


def config_for(program: Program) -> MatchingConfig:
    config, _created = MatchingConfig.objects.get_or_create(program=program)
    return config


def config_update(*, program: Program, weights: Mapping[str, float], objective: str, min_level_gap: int) -> MatchingConfig:
    ensure_editable(program)
    cleaned = {}
    for name in COMPONENTS:
        value = weights.get(name, DEFAULT_WEIGHTS[name])
        try:
            value = int(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError({name: _("Weights are whole numbers from 0 to 100.")}) from exc
        if not 0 <= value <= 100:
            raise ValidationError({name: _("Weights are whole numbers from 0 to 100.")})
        cleaned[name] = value
    if not any(cleaned.values()):
        raise ValidationError(_("At least one weight must be above zero."))
    if objective not in MatchingConfig.Objective.values:
        raise ValidationError({"objective": _("Unknown objective.")})
    config = config_for(program)
    config.weights, config.objective, config.min_level_gap = cleaned, objective, min_level_gap
    config.full_clean()
    config.save()
    return config


def _ensure_runnable(program: Program) -> None:
    ensure_editable(program)
    if program.status not in RUNNABLE:
        raise ValidationError(_("Matching runs while the program is in its matching phase (or active, to re-match freed people)."))


def _new_matches(*, program: Program, run: MatchRun | None, specs: list[dict], by: User | None) -> list[Match]:
    """Store matches and their members in two bulk inserts, whatever their number.

    Each spec: {"source", "score", "explanation", "members": [(user_id, role), ...]}.
    """
    matches = Match.objects.bulk_create(
        [
            Match(
                program=program,
                run=run,
                source=spec["source"],
                score=round(spec["score"], 2),
                explanation=spec["explanation"],
                created_by=by,
            )
            for spec in specs
        ],
        batch_size=500,
    )
    MatchMember.objects.bulk_create(
        [
            MatchMember(match=match, user_id=user_id, role=role)
            for match, spec in zip(matches, specs, strict=True)
            for user_id, role in spec["members"]
        ],
        batch_size=1000,
    )
    return matches


def _copy_rows(model: type[models.Model], *, varying: tuple[str, ...], rows: Iterable[tuple], constants: Mapping[str, Any]) -> None:
    """PostgreSQL's COPY into `model`'s table: the `varying` columns (attnames) from each row, ready
    for the database; every other column the same for all rows, from `constants` or the field's
    default, as bulk_create would write them, without a model instance per row."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    varying_fields = [fields[name] for name in varying]
    fixed_fields = [f for name, f in fields.items() if not f.primary_key and name not in varying]
    fixed_values = [f.get_db_prep_save(constants.get(f.attname, f.get_default()), connection) for f in fixed_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in (*varying_fields, *fixed_fields))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row, *fixed_values))


def _store_proposals(*, program: Program, run: MatchRun, specs: list[dict], by: User | None) -> None:
    """A run's proposals and their members, as `_new_matches` stores them. On PostgreSQL with
    COPY, in three statements and no model instance per row: thousands of proposals are most of a
    run's time otherwise."""
    if connection.vendor != "postgresql" or not specs:
        _new_matches(program=program, run=run, specs=specs, by=by)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [Match._meta.db_table, "id", len(specs)]
        )
        ids = [row[0] for row in cursor.fetchall()]
    explanation = next(f for f in Match._meta.concrete_fields if f.attname == "explanation")
    _copy_rows(
        Match,
        varying=("id", "source", "score", "explanation"),
        rows=(
            (pk, spec["source"], round(spec["score"], 2), explanation.get_db_prep_save(spec["explanation"], connection))
            for pk, spec in zip(ids, specs, strict=True)
        ),
        constants={"program_id": program.pk, "run_id": run.pk, "created_by_id": by.pk if by else None, "created_at": timezone.now()},
    )
    _copy_rows(
        MatchMember,
        varying=("match_id", "user_id", "role"),
        rows=((pk, user_id, role) for pk, spec in zip(ids, specs, strict=True) for user_id, role in spec["members"]),
        constants={},
    )


def _new_match(
    *, program: Program, run: MatchRun | None, source: str, score: float, explanation: dict, members: list[tuple[int, str]], by: User | None
) -> Match:
    return _new_matches(
        program=program, run=run, specs=[{"source": source, "score": score, "explanation": explanation, "members": members}], by=by
    )[0]


def _pair_explanation(problem: Problem, j: int, s: int, *, prefix: list[str] | None = None, data: dict | None = None) -> dict:
    """The explanation of one pair (`data`, when `problem.explain_pairs` made it already)."""
    if data is None:
        data = problem.explain_pairs([j], [s])[0]
    data["reasons"] = (prefix or []) + data["reasons"]
    return data


def refusal_reasons(problem: Problem, j: int, s: int) -> list[str]:
    """Why HR may not pair one junior and senior by hand (empty when it may).

    The participants' private "rather not" lists are deliberately not among the reasons: a refusal
    HR could not explain by its own rules and the declines it sees would give them away. The
    pair still needs both people's acceptance, and the offer reminds the one who listed the other.
    """
    reasons = []
    if problem.limits.chain[j, s]:
        reasons.append(_("they are in one reporting chain"))
    if problem.limits.excluded[j, s]:
        reasons.append(_("the pair is excluded by an HR rule or an earlier decline"))
    if problem.limits.level[j, s]:
        steps = problem.config.min_level_gap // 10  # levels are stored 10 apart (mentoring.models.Level)
        reasons.append(
            ngettext(
                "the senior is not at least %(steps)d level above the junior",
                "the senior is not at least %(steps)d levels above the junior",
                steps,
            )
            % {"steps": steps}
        )
    if problem.limits.language[j, s]:
        reasons.append(_("they share no language"))
    return reasons


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while. A run builds some 10^5 small objects
    without cycles (rows, explanations): their allocations set off full collections of the whole
    process heap, about 0.1 s of a 2,000-pair run; reference counting frees them all the same."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@transaction.atomic
@_collector_paused()
def matching_run(*, program: Program, by: User) -> MatchRun:
    """Propose the best matches for everyone accepted and not yet held by a match.

    Earlier proposals that HR has not approved are discarded; offered and confirmed
    matches are left alone, so a run after declines re-matches only the freed people.
    Pinned pairs are placed first.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    _ensure_runnable(program)
    config = config_for(program)
    started = time.perf_counter()
    Match.objects.filter(program=program, status=Match.Status.PROPOSED).update(status=Match.Status.DISCARDED)
    held = held_user_ids(program)
    is_rematch = bool(held) or Match.objects.filter(program=program, status__in=[Match.Status.DECLINED, Match.Status.ENDED]).exists()
    problem = load_problem(program, config=config, exclude_user_ids=held)
    junior_at = {int(uid): i for i, uid in enumerate(problem.juniors.ids)}
    senior_at = {int(uid): i for i, uid in enumerate(problem.seniors.ids)}

    allowed = problem.limits.allowed.copy()
    pinnable = problem.limits.hr_allowed.copy()  # a pin is HR's own pairing: private lists don't veto it (see refusal_reasons)
    placed: list[tuple[int, int, str]] = []
    for rule in PairRule.objects.filter(program=program, kind=PairRule.Kind.PIN).order_by("pk"):
        j, s = junior_at.get(rule.junior_id), senior_at.get(rule.senior_id)
        if j is None or s is None or not pinnable[j, s]:
            continue  # one of them is matched already, or no longer accepted
        placed.append((j, s, Match.Source.PINNED))
        allowed[j, :] = allowed[:, s] = False
        pinnable[j, :] = pinnable[:, s] = False

    run = MatchRun.objects.create(
        program=program,
        created_by=by,
        algorithm="",
        objective=config.objective,
        weights=config.weights,
        min_level_gap=config.min_level_gap,
        is_rematch=is_rematch,
        juniors_in_pool=len(problem.juniors),
        seniors_in_pool=len(problem.seniors),
        input_digest=problem.digest(),
    )
    matched_juniors: set[int] = set()
    matched_seniors: set[int] = set()
    scores: list[float] = []
    specs: list[dict] = []
    if program.format == Program.Format.GROUP:
        limits = engine.GroupLimits(
            program.group_juniors_min, program.group_juniors_max, program.group_seniors_min, program.group_seniors_max
        )
        result = engine.solve_groups(problem.scores, allowed, limits)
        run.algorithm, run.proven_optimal = "groups: mixed-integer program (HiGHS)", result.proven_optimal
        for group in result.groups:
            pair_scores = [float(problem.scores[j, s]) for j in group.juniors for s in group.seniors]
            score = sum(pair_scores) / len(pair_scores)
            reasons = []
            for j in group.juniors:
                best = max(group.seniors, key=lambda s, j=j: float(problem.scores[j, s]))  # type: ignore[misc]
                first = _pair_explanation(problem, j, best)["reasons"][0]
                reasons.append(f"{problem.juniors.names[j]}: {first}")
            members = [(int(problem.seniors.ids[s]), Role.SENIOR) for s in group.seniors] + [
                (int(problem.juniors.ids[j]), Role.JUNIOR) for j in group.juniors
            ]
            specs.append({"source": Match.Source.ENGINE, "score": score, "explanation": {"reasons": reasons}, "members": members})
            matched_juniors.update(group.juniors)
            matched_seniors.update(group.seniors)
            scores.append(score)
    else:
        pairs = engine.solve_pairs(problem.scores, allowed, objective="score" if config.objective == "score" else "participation")
        run.algorithm = f"pairs: linear_sum_assignment ({config.objective})"
        chosen = placed + [(j, s, Match.Source.ENGINE) for j, s in pairs]
        explained = problem.explain_pairs([j for j, _s, _source in chosen], [s for _j, s, _source in chosen])
        for (j, s, source), data in zip(chosen, explained, strict=True):
            prefix = [_("pinned by HR")] if source == Match.Source.PINNED else []
            score = float(problem.scores[j, s])
            specs.append(
                {
                    "source": source,
                    "score": score,
                    "explanation": _pair_explanation(problem, j, s, prefix=prefix, data=data),
                    "members": [(int(problem.juniors.ids[j]), Role.JUNIOR), (int(problem.seniors.ids[s]), Role.SENIOR)],
                }
            )
            matched_juniors.add(j)
            matched_seniors.add(s)
            scores.append(score)

    _store_proposals(program=program, run=run, specs=specs, by=by)

    positive = problem.limits.allowed & (problem.scores > 0)
    unmatched = []
    for side, people, matched, count in (
        ("junior", problem.juniors, matched_juniors, len(problem.seniors)),
        ("senior", problem.seniors, matched_seniors, len(problem.juniors)),
    ):
        for index in range(len(people)):
            if index in matched:
                continue
            has_positive = positive[index].any() if side == "junior" else positive[:, index].any()
            reason = why_unmatched(
                index, side=side, limits=problem.limits, other_count=count, positive_partner=bool(has_positive), objective=config.objective
            )
            unmatched.append({"user_id": int(people.ids[index]), "name": people.names[index], "role": side, "reason": reason})

    run.matches_made = len(scores)
    run.juniors_matched, run.seniors_matched = len(matched_juniors), len(matched_seniors)
    run.total_score = round(sum(scores), 2)
    run.lowest_score = round(min(scores), 2) if scores else None
    run.unmatched = unmatched
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    run.save()
    return run


def _pair_problem(program: Program, junior: User, senior: User) -> tuple[Problem, int, int]:
    applications = {a.user_id: a for a in program.applications.filter(user__in=[junior, senior], status=Application.Status.ACCEPTED)}
    if junior.pk not in applications or applications[junior.pk].role != Role.JUNIOR:
        raise ValidationError(_("%(name)s is not an accepted junior mentor of this program.") % {"name": junior.get_full_name()})
    if senior.pk not in applications or applications[senior.pk].role != Role.SENIOR:
        raise ValidationError(_("%(name)s is not an accepted senior mentee of this program.") % {"name": senior.get_full_name()})
    problem = load_problem(program, config=config_for(program), only_user_ids=[junior.pk, senior.pk])
    return problem, 0, 0


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
        explanation=_pair_explanation(problem, j, s, prefix=[_("matched by HR")]),
        members=[(junior.pk, Role.JUNIOR), (senior.pk, Role.SENIOR)],
        by=by,
    )


@transaction.atomic
def pair_rule_set(*, program: Program, junior: User, senior: User, kind: str, by: User, reason: str = "") -> PairRule:
    """Pin (always pair) or forbid (never pair) one junior–senior pair for the next runs."""
    # Rules of a program are set one at a time, so the check that nobody is pinned twice sees
    # a pin set at the same moment.
    program = Program.objects.select_for_update().get(pk=program.pk)
    ensure_editable(program)
    if kind not in PairRule.Kind.values:
        raise ValidationError(_("Unknown rule."))
    if junior.pk == senior.pk:
        raise ValidationError(_("A pair rule is about two different people."))
    if kind == PairRule.Kind.PIN:
        problem, j, s = _pair_problem(program, junior, senior)
        refusals = refusal_reasons(problem, j, s)
        if refusals:
            raise ValidationError(_("This pair cannot be pinned: %(reasons)s.") % {"reasons": "; ".join(refusals)})
        clash = (
            PairRule.objects.filter(program=program, kind=PairRule.Kind.PIN)
            .filter(Q(junior=junior) | Q(senior=senior))
            .exclude(junior=junior, senior=senior)
        )
        if clash.exists():
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
