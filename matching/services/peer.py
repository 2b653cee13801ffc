"""Peer exchange: everyone accepted is one pool, and anyone may pair with anyone the rules allow.

The pairs are an exact maximum-weight matching of a general graph (`matching.peer`); each
pair is stored with the lower level as the junior, so meetings alternate who leads from there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext_noop

from programs.models import Program, Role

from .. import peer
from ..models import Match, MatchingConfig, PairRule
from ..problem import Problem
from ..scoring import ngettext  # a plural reason (data), not Django's ngettext
from .common import peer_explanations
from .runs import FORMATS, PINNED, Proposals


def _peer_pins(program: Program, problem: Problem, allowed: np.ndarray) -> list[tuple[int, int]]:
    """HR's pins still placeable (either order of the two), as pool rows; they leave `allowed`."""
    at = {int(uid): i for i, uid in enumerate(problem.juniors.ids)}
    pinnable = problem.limits.hr_allowed.copy()  # HR's own pairing: private lists don't veto it (see refusal_reasons)
    placed = []
    for a_id, b_id in PairRule.objects.filter(program=program, kind=PairRule.Kind.PIN).order_by("pk").values_list("junior_id", "senior_id"):
        a, b = at.get(a_id), at.get(b_id)
        if a is None or b is None or not pinnable[a, b]:
            continue  # one of them is matched already, no longer accepted, or HR's rules now forbid it
        placed.append((a, b))
        for row in (a, b):
            allowed[row, :] = allowed[:, row] = False
            pinnable[row, :] = pinnable[:, row] = False
    return placed


def _why_unmatched(problem: Problem, row: int, *, positive_partner: bool, objective: str) -> dict[str, Any]:
    """Why one person got no partner, in words HR can act on (a reason: matching.reasons). A
    private "rather not" list is counted with the reporting chain and HR's exclusions, so no
    reason ever singles it out."""
    limits, others = problem.limits, len(problem.juniors) - 1
    if others == 0:
        return {"msg": gettext_noop("nobody else in the pool")}
    if limits.allowed[row].any():
        if objective == "score" and not positive_partner:
            return {"msg": gettext_noop("no allowed partner with a positive score")}
        return {"msg": gettext_noop("every allowed partner was paired with someone else (an odd number, or too few fitting partners)")}
    by_generation = problem.config.peer_partners == MatchingConfig.PeerPartners.GENERATION
    generations = problem.generations
    if by_generation and generations is not None and generations[row] < 0:
        return {
            "msg": gettext_noop(
                "did not state a generation, and this program pairs people of different generations: ask them to add it to their application"
            )
        }
    ruled_out = limits.chain | limits.excluded
    if limits.private is not None:
        ruled_out = ruled_out | limits.private
    ruled_out = ruled_out.copy()
    ruled_out[row, row] = False  # themselves
    partner_rule = limits.level.copy()
    partner_rule[row, row] = False
    causes = [
        (int(ruled_out[row].sum()), gettext_noop("ruled out (reporting chain or an exclusion)")),
        (
            int(partner_rule[row].sum()),
            gettext_noop("of the same generation or without a stated one") if by_generation else gettext_noop("not enough levels apart"),
        ),
        (int(limits.language[row].sum()), gettext_noop("without a shared language")),
    ]
    causes = [(count, text) for count, text in causes if count]
    for count, text in causes:
        if count == others:
            return {"msg": gettext_noop("no allowed partner: everyone else is %(cause)s"), "cause": {"msg": text}}
    listed = [
        {**ngettext("%(count)d person %(cause)s", "%(count)d people %(cause)s", count), "cause": {"msg": text}} for count, text in causes
    ]
    joined = {"msg": "; ".join(f"%({key})s" for key in "abc"[: len(listed)]), **dict(zip("abc", listed, strict=False))}
    return {"msg": gettext_noop("no allowed partner: %(causes)s"), "causes": joined}


def peer_proposals(program: Program, problem: Problem, config: MatchingConfig) -> Proposals:
    """The whole pool at once: HR's pins first, then the best general matching of the rest."""
    allowed = problem.limits.allowed.copy()
    pinned = _peer_pins(program, problem, allowed)
    result = peer.solve_peer_pairs(problem.scores, allowed, objective="score" if config.objective == "score" else "participation")
    proposals = Proposals(algorithm=f"peer: {result.method} ({config.objective})", proven_optimal=result.proven_optimal)
    chosen = [(*problem.orient(a, b), Match.Source.PINNED) for a, b in pinned]
    chosen += [(*problem.orient(a, b), Match.Source.ENGINE) for a, b in result.pairs]
    prefixes = [[PINNED] if source == Match.Source.PINNED else [] for _j, _s, source in chosen]
    explained = peer_explanations(problem, [(j, s) for j, s, _source in chosen], prefixes=prefixes)
    for (j, s, source), explanation in zip(chosen, explained, strict=True):
        proposals.add(
            source=source,
            score=float(problem.scores[j, s]),
            explanation=explanation,
            members=[(int(problem.juniors.ids[j]), Role.JUNIOR), (int(problem.seniors.ids[s]), Role.SENIOR)],
        )
        proposals.matched_juniors.add(j)
        proposals.matched_seniors.add(s)

    placed = proposals.matched_juniors | proposals.matched_seniors
    positive = np.any(problem.limits.allowed & (problem.scores > 0), axis=1).tolist()
    roles = problem.roles or [Role.JUNIOR] * len(problem.juniors)
    proposals.unmatched = [
        {
            "user_id": int(problem.juniors.ids[row]),
            "name": problem.juniors.names[row],
            "role": roles[row],
            "reason": _why_unmatched(problem, row, positive_partner=bool(positive[row]), objective=config.objective),
        }
        for row in range(len(problem.juniors))
        if row not in placed
    ]
    return proposals


FORMATS[Program.Format.PEER_EXCHANGE] = peer_proposals
