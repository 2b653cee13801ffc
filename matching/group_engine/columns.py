"""Pools of columns: every set (small cohorts) or column generation with a proven bound."""

from __future__ import annotations

import itertools
import math
import time

import highspy
import numpy as np
from numpy.typing import NDArray

from .instance import ENUMERATE_SETS, _Instance, _Pool
from .model import _Model
from .start import _add_coleads, _fill
from .types import Group, GroupLimits

CANDIDATES_PER_SET = 24  # juniors per set in the first columns (large cohorts); pricing adds more
LP_SOLVER = "ipm"  # HiGHS's interior point: 4x faster than simplex on the 1,000 x 300 master LPs


# --- pools ---------------------------------------------------------------------------------------
def _all_sets(inst: _Instance, *, min_members: int) -> tuple[list[tuple[int, ...]], bool]:
    """Every senior set of an allowed size with enough juniors; False when some size was too many."""
    sets: list[tuple[int, ...]] = []
    complete = True
    for k in inst.sizes:
        if k == 1:
            sets += [(s,) for s in range(inst.n_s)]
        elif k == 2:
            counts = inst.allowed.T.astype(np.int32) @ inst.allowed.astype(np.int32)
            a, b = np.triu_indices(inst.n_s, 1)
            keep = counts[a, b] >= min_members
            sets += [(int(s), int(t)) for s, t in zip(a[keep], b[keep], strict=True)]
        elif inst.feasible_sets_of_size(k) <= ENUMERATE_SETS:
            sets += list(itertools.combinations(range(inst.n_s), k))
        else:
            complete = False
    return sets, complete


def _full_pool(inst: _Instance, sets: list[tuple[int, ...]]) -> _Pool:
    pool = _Pool(sets=[], juniors=[])
    for senior_set in sets:
        members = inst.members(senior_set)
        if len(members) >= inst.limits.juniors_min:
            pool.add(senior_set, members)
    return pool


def _gains(inst: _Instance, pool: _Pool, *, placement: bool) -> list[NDArray[np.float64]]:
    if placement:
        return [np.ones(len(members)) for members in pool.juniors]
    return [inst.value(senior_set, members) for senior_set, members in zip(pool.sets, pool.juniors, strict=True)]


def _pattern_cost(reduced: NDArray[np.float64], limits: GroupLimits) -> NDArray[np.float64]:
    """Per column of `reduced` (juniors × candidate sets; −inf where a junior may not join): the
    best sum of between juniors_min and juniors_max entries (−inf when fewer are allowed)."""
    n = reduced.shape[0]
    if n < limits.juniors_min or reduced.shape[1] == 0:
        return np.full(reduced.shape[1], -np.inf)
    top = min(limits.juniors_max, n)
    best = -np.partition(-reduced, top - 1, axis=0)[:top] if top < n else reduced
    best = -np.sort(-best, axis=0)[:top]  # each column's top entries, largest first
    with np.errstate(invalid="ignore"):
        value = best[: limits.juniors_min].sum(axis=0) + np.maximum(best[limits.juniors_min :], 0.0).sum(axis=0)
    value[~np.isfinite(value)] = -np.inf
    return value


def _price(inst: _Instance, pool: _Pool, model: _Model, *, placement: bool, per_round: int) -> tuple[int, float]:
    """Add the columns with positive reduced value (sets of size ≤ 2, and juniors of pool sets).

    Returns how many were added (none: the LP over the pool is the LP over everything) and the
    Lagrangian bound of these prices: Σ prices × right-hand sides + Σ over every senior set of
    max(0, its best reduced gain). It holds for any non-negative prices, so it bounds every
    grouping even when the generation stops early."""
    u, pi, mu, per_group = model.duals()
    limits = inst.limits
    gain = np.ones_like(inst.scores) if placement else inst.scores
    reduced = gain + mu - u[:, None]  # per (junior, senior): gain − the junior's dual + placement's
    blocked = ~inst.allowed
    found: list[tuple[float, tuple[int, ...]]] = []
    placed_at_least = model.placed_at_least or 0
    bound = float(u.sum() + pi.sum()) - mu * placed_at_least - per_group * math.ceil(placed_at_least / limits.juniors_max)
    if 1 in inst.sizes:
        single_blocked = blocked.copy()
        for j, s in inst.pinned.items():  # a pinned junior joins only its senior's set
            keep = single_blocked[j, s]
            single_blocked[j, :] = True
            single_blocked[j, s] = keep
        gains = _pattern_cost(np.where(single_blocked, -np.inf, reduced), limits) - pi + per_group
        bound += float(np.maximum(gains, 0.0).sum())
        for single in np.flatnonzero(gains > 1e-7):
            found.append((float(gains[single]), (int(single),)))
    if 2 in inst.sizes:
        for s in range(inst.n_s - 1):
            partners = np.arange(s + 1, inst.n_s)
            pair = reduced[:, s, None] + gain[:, partners]
            pair_blocked = blocked[:, s, None] | blocked[:, partners]
            for j, t in inst.pinned.items():  # a pinned junior joins only a set holding its senior
                if t != s:
                    pair_blocked[j] |= partners != t
            gains = _pattern_cost(np.where(pair_blocked, -np.inf, pair), limits) - pi[s] - pi[partners] + per_group
            bound += float(np.maximum(gains, 0.0).sum())
            for at in np.flatnonzero(gains > 1e-7):
                found.append((float(gains[at]), (s, int(partners[at]))))
    added = 0
    found.sort(key=lambda item: -item[0])
    for _gain, senior_set in found[:per_round]:
        members = inst.members(senior_set)
        member_gain = np.ones(len(members)) if placement else inst.value(senior_set, members)
        keep = members[np.argsort(-(member_gain - u[members]), kind="stable")[: max(CANDIDATES_PER_SET, limits.juniors_max)]]
        added += pool.add(senior_set, keep)
    # Juniors missing from sets already in the pool.
    solution = model.highs.getSolution()
    dual = np.asarray(solution.row_dual)
    for t, senior_set in enumerate(model.sets):
        members = inst.members(senior_set)
        missing = np.setdiff1d(members, model.members[t], assume_unique=True)
        if not len(missing):
            continue
        size_dual = -(dual[model.max_row + t] + dual[model.min_row + t])
        missing_gain = np.ones(len(missing)) if placement else inst.value(senior_set, missing)
        price = missing_gain + mu - u[missing] - size_dual
        better = price > 1e-7
        if better.any():
            order = np.argsort(-price[better], kind="stable")[: 4 * limits.juniors_max]
            added += pool.add(senior_set, missing[better][order])
    return added, bound


def _seed_pool(inst: _Instance, start: list[Group], *, with_pairs: bool) -> _Pool:
    """Singletons (when allowed) with their best juniors, plus the start's sets."""
    pool = _Pool(sets=[], juniors=[])
    limits = inst.limits
    if 1 in inst.sizes:
        for s in range(inst.n_s):
            members = inst.members((s,))
            if len(members) >= limits.juniors_min:
                best = members[np.argsort(-inst.scores[members, s], kind="stable")[: max(CANDIDATES_PER_SET, limits.juniors_max)]]
                pool.add((s,), best)
    for group in start:
        if with_pairs or len(group.seniors) == 1:
            members = inst.members(group.seniors)
            best = members[np.argsort(-inst.value(group.seniors, members), kind="stable")[: max(CANDIDATES_PER_SET, limits.juniors_max)]]
            pool.add(group.seniors, np.union1d(best, group.juniors))
    return pool


def _rounded(inst: _Instance, lp: _Model) -> list[Group]:
    """A grouping from the LP: its most-used senior sets that don't share a senior, filled with
    juniors by one assignment (the LP is nearly integral; this is its obvious rounding)."""
    values = np.asarray(lp.highs.getSolution().col_value)[: len(lp.sets)]
    used: set[int] = set()
    chosen = []
    for t in np.argsort(-values, kind="stable"):
        if values[t] < 0.3:
            break
        senior_set = lp.sets[int(t)]
        if used.isdisjoint(senior_set):
            chosen.append(senior_set)
            used.update(senior_set)
    return _add_coleads(inst, _fill(inst, chosen)) if chosen else []


def _core_pool(inst: _Instance, lp: _Model, best: list[Group]) -> _Pool:
    """The sets and juniors the LP solution uses, plus the current best grouping's."""
    values = np.asarray(lp.highs.getSolution().col_value)
    core = _Pool(sets=[], juniors=[])
    for t, senior_set in enumerate(lp.sets):
        if values[t] > 1e-6:
            members = lp.members[t]
            used = values[lp.x_start[t] : lp.x_start[t] + len(members)] > 1e-6
            core.add(senior_set, members[used])
    for group in best:
        core.add(group.seniors, np.asarray(group.juniors, dtype=np.intp))
    return core


def _generate(
    inst: _Instance, pool: _Pool, *, placement: bool, placed_at_least: int | None, deadline: float, complete: bool
) -> tuple[float | None, _Model | None]:
    """Column generation on the LP. Returns a proven bound of every grouping (None: none, e.g.
    when senior sets of three or more exist but were too many to price) and the last LP."""
    per_round = max(2 * inst.n_s, 50)
    bound, model = None, None
    while time.perf_counter() < deadline:
        gain = _gains(inst, pool, placement=placement)
        trial = _Model(inst, pool, gain, placed_at_least=placed_at_least, integer=False)
        trial.highs.setOptionValue("solver", LP_SOLVER)
        trial.run(max(0.5, deadline - time.perf_counter()))
        if trial.status != highspy.HighsModelStatus.kOptimal:
            break
        model = trial
        added, lagrangian = _price(inst, pool, model, placement=placement, per_round=per_round)
        if complete:
            bound = lagrangian if bound is None else min(bound, lagrangian)
        if not added:
            if complete:  # nothing prices out: the LP over the pool is the LP over everything
                bound = min(bound if bound is not None else np.inf, model.objective())
            break
    return bound, model
