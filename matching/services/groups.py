"""Group reverse mentoring: the cohort formed into groups of juniors around one or more seniors."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_noop

from programs.models import Program, Role

from .. import engine
from ..models import Match, MatchingConfig
from ..problem import Problem
from .common import _pair_explanation
from .runs import FORMATS, PINNED, Proposals, _pins


def group_proposals(program: Program, problem: Problem, config: MatchingConfig) -> Proposals:
    allowed = problem.limits.allowed.copy()
    pinned = _pins(program, problem, allowed, exclusive=False)  # a pin keeps its two people in one group
    limits = engine.GroupLimits(program.group_juniors_min, program.group_juniors_max, program.group_seniors_min, program.group_seniors_max)
    result = engine.solve_groups(
        problem.scores, allowed, limits, pinned=pinned, time_limit=settings.MATCHING_GROUP_SECONDS, objective=config.objective
    )
    proposals = Proposals(algorithm=f"groups: {result.method}", proven_optimal=result.proven_optimal, optimality_gap=result.optimality_gap)
    pinned_juniors = {j: s for j, s in pinned}
    for group in result.groups:
        pair_scores = [float(problem.scores[j, s]) for j in group.juniors for s in group.seniors]
        score = sum(pair_scores) / len(pair_scores)
        best = [max(group.seniors, key=lambda s, j=j: float(problem.scores[j, s])) for j in group.juniors]  # type: ignore[misc]
        explained = problem.explain_pairs(list(group.juniors), best)
        reasons = []
        for j, data in zip(group.juniors, explained, strict=True):
            first = _pair_explanation(problem, j, 0, data=data)["reasons"][0]
            if pinned_juniors.get(j) in group.seniors:
                first = {"msg": "%(pin)s; %(reason)s", "pin": PINNED, "reason": first}
            reasons.append({"msg": gettext_noop("%(name)s: %(reason)s"), "name": problem.juniors.names[j], "reason": first})
        members: list[tuple[int, str]] = [(int(problem.seniors.ids[s]), Role.SENIOR) for s in group.seniors]
        members += [(int(problem.juniors.ids[j]), Role.JUNIOR) for j in group.juniors]
        source = Match.Source.PINNED if any(pinned_juniors.get(j) in group.seniors for j in group.juniors) else Match.Source.ENGINE
        proposals.add(source=source, score=score, explanation={"reasons": reasons}, members=members)
        proposals.matched_juniors.update(group.juniors)
        proposals.matched_seniors.update(group.seniors)
    return proposals


FORMATS[Program.Format.GROUP] = group_proposals
