"""Group formation: juniors assigned to senior *sets*, exact where it can be, honest where it cannot.

No Django here. Rows of `scores`/`allowed` are juniors, columns seniors. A group is a set T of
seniors (between `seniors_min` and `seniors_max` of them) and between `juniors_min` and
`juniors_max` juniors, every junior–senior pair inside it allowed. A junior j in group T is
worth v[j, T] = Σ_{s∈T} score[j, s]. The objective is lexicographic: as many juniors placed as
possible, then the highest total value.

Formulation ("slots"): a binary y[T] opens the senior set T, a binary x[j, T] puts junior j in it;
each junior in at most one set, each senior in at most one open set, juniors_min·y[T] ≤ Σ_j x[j, T]
≤ juniors_max·y[T] and x[j, T] ≤ y[T]. Groups are named by their seniors, so the model has none of
the relabelling symmetry of "group number g" models (which could not place anyone at 40 × 12).

1. A constructive start: juniors to seniors by one capacitated assignment
   (`linear_sum_assignment` on `juniors_max` copies of each senior), small groups repaired,
   free seniors added as co-leads where they add the most. It always gives a grouping when one
   exists, and it is the MIP's first incumbent, so a time limit never ends with nothing.
2. Phase 1, placement: the most juniors that can be placed. When one senior may lead alone
   (`seniors_min` = 1), singleton sets suffice — a co-led group's juniors could follow either of
   its seniors alone — so this is a capacitated assignment whose LP is almost integral.
3. Phase 2, value: the best total with at least that many juniors placed.
   - Small cohorts: every admissible senior set and every junior in it are in the model, and
     HiGHS proves optimality (or reports its own proven gap).
   - Large cohorts: senior pairs and junior candidates are priced in by column generation on
     the LP relaxation. When pricing finds nothing more, the LP value is a proven upper bound
     for *every* grouping (all sets, all juniors), so `optimality_gap` = (bound − found) / bound
     is honest even though the MIP itself ran on the generated columns. Senior sets of three or
     more are enumerated only when few; otherwise the gap is unknown (None) and says so.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import highspy
import numpy as np
from numpy.typing import NDArray

from .columns import _all_sets, _core_pool, _full_pool, _gains, _generate, _rounded, _seed_pool
from .instance import (
    _as_singletons,
    _better,
    _check,
    _Instance,
    _placed,
    _placement_bound,
    _valid,
    _value,
)
from .model import _Model
from .start import _add_coleads, _start
from .types import Group, GroupLimits, GroupResult

__all__ = ["Group", "GroupLimits", "GroupResult", "solve_groups"]

FULL_MODEL_CELLS = 60_000
PROVEN_GAP = 1e-6
COLUMNS_MIP_GAP = 5e-4


def solve_groups(
    scores: NDArray[np.float64] | Sequence[Sequence[float]],
    allowed: NDArray[np.bool_] | Sequence[Sequence[bool]],
    limits: GroupLimits,
    *,
    time_limit: float = 20.0,
    pinned: Sequence[tuple[int, int]] = (),
    objective: str = "participation",
) -> GroupResult:
    """The best groups (see the module docstring), within `time_limit` seconds.

    objective="participation": the most juniors placed, then the best value; "score": the best
    value only (a junior who adds nothing may stay out)."""
    if objective not in ("participation", "score"):
        raise ValueError(f"unknown objective {objective!r}")
    started = time.perf_counter()
    deadline = started + 0.97 * time_limit  # what is left is for building the answer
    score_matrix = np.asarray(scores, dtype=np.float64)
    allowed_matrix = np.asarray(allowed, dtype=bool)
    _check(score_matrix, allowed_matrix, pinned)
    inst = _Instance(score_matrix, allowed_matrix, limits, pinned)
    stats: dict = {"juniors": inst.n_j, "seniors": inst.n_s}
    if not inst.sizes or inst.n_j < limits.juniors_min:
        return GroupResult(groups=[], proven_optimal=True, optimality_gap=0.0, bound=0.0, stats=stats)

    best = _start(inst)
    stats["start_placed"], stats["start_value"] = _placed(best), _value(inst, best)
    if not best:  # no admissible group at all (checked exhaustively when the sets are few)
        _sets, complete = _all_sets(inst, min_members=limits.juniors_min)
        return GroupResult(groups=[], proven_optimal=complete, optimality_gap=0.0 if complete else None, bound=0.0, stats=stats)

    sets, complete = _all_sets(inst, min_members=limits.juniors_min)
    full = complete and len(sets) * inst.n_j <= 4 * FULL_MODEL_CELLS
    if full:
        pool = _full_pool(inst, sets)
        full = pool.cells <= FULL_MODEL_CELLS
    stats["mode"] = "full" if full else "columns"

    # Phase 1: the most juniors placed.
    target, placement_bound = _placed(best), _placement_bound(inst)
    if objective == "score":
        target = placement_bound = 0  # placement is not part of the goal
    if target < placement_bound:
        if 1 in inst.sizes:
            p_pool, p_exact = _full_pool(inst, [(s,) for s in range(inst.n_s)]), True  # singletons suffice (see docstring)
        elif full:
            p_pool, p_exact = pool, True
        else:
            p_pool, p_exact = _seed_pool(inst, best, with_pairs=True), False
        p_model = _Model(inst, p_pool, _gains(inst, p_pool, placement=True), placed_at_least=None, integer=True, link=False)
        p_model.warm_start(_as_singletons(inst, best) if 1 in inst.sizes else best)
        p_model.run(max(0.2, 0.25 * (deadline - time.perf_counter())))
        placement = p_model.groups()
        if placement and _valid(inst, placement) and _placed(placement) > target:
            best = _add_coleads(inst, placement)
            target = _placed(best)
        if p_exact:
            placement_bound = min(placement_bound, math.floor(p_model.dual_bound() + 1e-6))
    placement_proven = target >= placement_bound
    stats["placement_bound"] = placement_bound

    # Phase 2: the best value with `target` juniors placed.
    if full:
        model = _Model(inst, pool, _gains(inst, pool, placement=False), placed_at_least=target, integer=True)
        model.warm_start(best)
        model.run(max(0.2, deadline - time.perf_counter()))
        found = model.groups()
        if found and _valid(inst, found):
            best = _better(inst, found, best, objective)
        bound = model.dual_bound() if model.status in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit) else None
    else:
        pool = _seed_pool(inst, best, with_pairs=True)
        bound, lp = _generate(inst, pool, placement=False, placed_at_least=target, deadline=started + 0.5 * time_limit, complete=complete)
        stats["lp_seconds"], stats["lp_bound"] = time.perf_counter() - started, bound
        if lp is not None:
            rounded = _rounded(inst, lp)
            if rounded and _valid(inst, rounded) and _placed(rounded) >= target:
                best = _better(inst, rounded, best, objective)
            stats["rounded_value"] = _value(inst, rounded) if rounded else None
        if lp is not None:  # a small model of what the LP uses is quick to solve exactly
            core = _core_pool(inst, lp, best)
            core_model = _Model(inst, core, _gains(inst, core, placement=False), placed_at_least=target, integer=True)
            core_model.warm_start(best)
            core_model.run(max(0.2, 0.1 * (deadline - time.perf_counter())))
            found = core_model.groups()
            if found and _valid(inst, found):
                best = _better(inst, found, best, objective)
            stats["core_cells"], stats["core_value"] = core.cells, _value(inst, best)
        for group in best:
            pool.add(group.seniors, np.asarray(group.juniors, dtype=np.intp))
        model = _Model(inst, pool, _gains(inst, pool, placement=False), placed_at_least=target, integer=True)
        model.warm_start(best)
        # The bound that counts is the LP's over every column; this MIP runs on the generated
        # ones, so proving its own optimum to the last digit buys nothing: 0.05 % is enough.
        model.run(max(0.2, deadline - time.perf_counter()), rel_gap=COLUMNS_MIP_GAP)
        found = model.groups()
        if found and _valid(inst, found):
            best = _better(inst, found, best, objective)
        stats["columns"], stats["mip_bound"] = pool.cells, model.dual_bound()
    value = _value(inst, best)
    gap: float | None = None
    if bound is not None and placement_proven:
        bound = max(bound, value)
        gap = 0.0 if bound <= 0 else max(0.0, (bound - value) / bound)
        if gap < PROVEN_GAP:
            gap = 0.0
    stats.update(value=value, seconds=time.perf_counter() - started)
    return GroupResult(
        groups=sorted(best, key=lambda group: group.seniors),
        proven_optimal=placement_proven and gap == 0.0,
        optimality_gap=gap if placement_proven else None,
        placement_proven=placement_proven,
        bound=bound if placement_proven else None,
        stats=stats,
    )
