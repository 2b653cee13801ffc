"""Matching runs: the whole cohort at once, as pairs or groups."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils.translation import gettext_noop

from mentoring.models import User
from programs.models import Program, Role

from .. import engine
from ..models import Match, MatchingConfig, MatchRun, PairRule
from ..problem import Problem, held_user_ids, load_problem
from ..scoring import why_unmatched
from .common import _ensure_runnable, _pair_explanation, config_for
from .store import _store_proposals


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


PINNED = {"msg": gettext_noop("pinned by HR")}  # a reason (matching.reasons)


@dataclass
class Proposals:
    """What one format's solver proposes: the matches to store, who they place, how good it is."""

    algorithm: str
    specs: list[dict] = field(default_factory=list)
    matched_juniors: set[int] = field(default_factory=set)  # rows of problem.juniors
    matched_seniors: set[int] = field(default_factory=set)  # rows of problem.seniors
    scores: list[float] = field(default_factory=list)
    proven_optimal: bool = True
    optimality_gap: float | None = 0.0  # proven distance from the best possible; None: unknown
    # Set when the format explains its unmatched people itself (peer exchange has one pool).
    unmatched: list[dict] | None = None

    def add(self, *, source: str, score: float, explanation: dict, members: list[tuple[int, str]]) -> None:
        self.specs.append({"source": source, "score": score, "explanation": explanation, "members": members})
        self.scores.append(score)


def _pins(program: Program, problem: Problem, allowed: np.ndarray, *, exclusive: bool = True) -> list[tuple[int, int]]:
    """HR's pinned pairs still placeable, as (junior row, senior row). `exclusive` (one-to-one): the
    two leave `allowed`, as they are placed already; otherwise (groups) their own cell is allowed."""
    junior_at = {int(uid): i for i, uid in enumerate(problem.juniors.ids)}
    senior_at = {int(uid): i for i, uid in enumerate(problem.seniors.ids)}
    pinnable = problem.limits.hr_allowed.copy()  # a pin is HR's own pairing: private lists don't veto it (see refusal_reasons)
    placed = []
    for rule in PairRule.objects.filter(program=program, kind=PairRule.Kind.PIN).order_by("pk"):
        j, s = junior_at.get(rule.junior_id), senior_at.get(rule.senior_id)
        if j is None or s is None or not pinnable[j, s]:
            continue  # one of them is matched already, or no longer accepted
        placed.append((j, s))
        if exclusive:
            allowed[j, :] = allowed[:, s] = False
        else:
            allowed[j, s] = True
        pinnable[j, :] = pinnable[:, s] = False
    return placed


def pair_proposals(program: Program, problem: Problem, config: MatchingConfig) -> Proposals:
    """One-to-one pairs (and project pairs): one exact assignment of the whole cohort."""
    allowed = problem.limits.allowed.copy()
    pinned = _pins(program, problem, allowed)
    pairs = engine.solve_pairs(problem.scores, allowed, objective="score" if config.objective == "score" else "participation")
    proposals = Proposals(algorithm=f"pairs: linear_sum_assignment ({config.objective})")
    chosen = [(j, s, Match.Source.PINNED) for j, s in pinned] + [(j, s, Match.Source.ENGINE) for j, s in pairs]
    explained = problem.explain_pairs([j for j, _s, _source in chosen], [s for _j, s, _source in chosen])
    for (j, s, source), data in zip(chosen, explained, strict=True):
        prefix = [PINNED] if source == Match.Source.PINNED else []
        proposals.add(
            source=source,
            score=float(problem.scores[j, s]),
            explanation=_pair_explanation(problem, j, s, prefix=prefix, data=data),
            members=[(int(problem.juniors.ids[j]), Role.JUNIOR), (int(problem.seniors.ids[s]), Role.SENIOR)],
        )
        proposals.matched_juniors.add(j)
        proposals.matched_seniors.add(s)
    return proposals


# The solver of each format that is not one-to-one pairs; a format's module registers itself.
FORMATS: dict[str, Callable[[Program, Problem, MatchingConfig], Proposals]] = {}


def _unmatched(problem: Problem, proposals: Proposals, objective: str) -> list[dict]:
    positive = problem.limits.allowed & (problem.scores > 0)
    unmatched = []
    for side, people, matched, count in (
        ("junior", problem.juniors, proposals.matched_juniors, len(problem.seniors)),
        ("senior", problem.seniors, proposals.matched_seniors, len(problem.juniors)),
    ):
        for index in range(len(people)):
            if index in matched:
                continue
            has_positive = positive[index].any() if side == "junior" else positive[:, index].any()
            reason = why_unmatched(
                index, side=side, limits=problem.limits, other_count=count, positive_partner=bool(has_positive), objective=objective
            )
            unmatched.append({"user_id": int(people.ids[index]), "name": people.names[index], "role": side, "reason": reason})
    return unmatched


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
    proposals = FORMATS.get(program.format, pair_proposals)(program, problem, config)
    _store_proposals(program=program, run=run, specs=proposals.specs, by=by)

    scores = proposals.scores
    run.algorithm = proposals.algorithm
    run.proven_optimal, run.optimality_gap = proposals.proven_optimal, proposals.optimality_gap
    run.matches_made = len(scores)
    run.juniors_matched, run.seniors_matched = len(proposals.matched_juniors), len(proposals.matched_seniors)
    run.total_score = round(sum(scores), 2)
    run.lowest_score = round(min(scores), 2) if scores else None
    run.unmatched = proposals.unmatched if proposals.unmatched is not None else _unmatched(problem, proposals, config.objective)
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    run.save()
    return run
