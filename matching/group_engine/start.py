"""The constructive start: a good grouping fast, and one whenever any exists."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np
from scipy.optimize import linear_sum_assignment

from .instance import ENUMERATE_SETS, _Instance
from .types import Group


# --- 1. constructive start --------------------------------------------------------------------
def _start(inst: _Instance) -> list[Group]:
    """A good grouping fast: capacitated assignment to seniors, repaired, co-leads added."""
    limits = inst.limits
    if inst.n_j == 0 or inst.n_s == 0:
        return []
    if limits.seniors_min == 1:
        leaders = list(range(inst.n_s))
        groups = _fill(inst, [(s,) for s in leaders])
    else:
        groups = _fill(inst, _greedy_sets(inst, limits.seniors_min))
    groups = _add_coleads(inst, groups)
    if not groups:
        groups = _any_group(inst)
    return groups


def _greedy_sets(inst: _Instance, k: int) -> list[tuple[int, ...]]:
    """Disjoint senior sets of size k, greedily by how many juniors they can share."""
    free = set(range(inst.n_s))
    common = inst.allowed.T.astype(np.int64) @ inst.allowed.astype(np.int64)
    sets = []
    for s in np.argsort(-np.diag(common), kind="stable"):
        s = int(s)
        if s not in free:
            continue
        chosen = [s]
        free.discard(s)
        while len(chosen) < k and free:
            mask = inst.allowed[:, chosen].all(axis=1)
            options = sorted(free, key=lambda t: (-int(inst.allowed[mask, t].sum()), t))
            chosen.append(options[0])
            free.discard(options[0])
        if len(chosen) == k:
            sets.append(tuple(sorted(chosen)))
    return sets


def _fill(inst: _Instance, sets: list[tuple[int, ...]]) -> list[Group]:
    """Juniors into the given senior sets by one assignment (`juniors_max` seats per set), then
    sets below `juniors_min` are closed one by one and their juniors re-seated where they fit."""
    limits = inst.limits
    open_sets = list(sets)
    while open_sets:
        seats = np.repeat(np.arange(len(open_sets)), limits.juniors_max)
        ok = np.zeros((inst.n_j, len(open_sets)), dtype=bool)
        value = np.zeros((inst.n_j, len(open_sets)))
        for g, senior_set in enumerate(open_sets):
            members = inst.members(senior_set)
            ok[members, g] = True
            value[members, g] = inst.value(senior_set, members)
        if not ok.any():
            return []
        spread = float(value[ok].max() - value[ok].min()) if ok.any() else 0.0
        big = (spread + 1.0) * (inst.n_j + 1) + abs(float(value[ok].min()))
        weights = np.where(ok, big + value, 0.0)[:, seats]
        rows, cols = linear_sum_assignment(weights, maximize=True)
        keep = ok[rows, seats[cols]]
        assigned: dict[int, list[int]] = {}
        for j, seat in zip(rows[keep], cols[keep], strict=True):
            assigned.setdefault(int(seats[seat]), []).append(int(j))
        short = [g for g in range(len(open_sets)) if len(assigned.get(g, [])) < limits.juniors_min]
        if not short:
            return [Group(seniors=open_sets[g], juniors=tuple(sorted(members))) for g, members in sorted(assigned.items())]
        # Close the sets with the fewest juniors (ties: the lowest value), a quarter of the short
        # ones at a time, and seat everyone again.
        short.sort(key=lambda g: (len(assigned.get(g, [])), float(value[assigned.get(g, []), g].sum()), g))
        closing = set(short[: max(1, len(short) // 4)])
        open_sets = [senior_set for g, senior_set in enumerate(open_sets) if g not in closing]
    return []


def _add_coleads(inst: _Instance, groups: list[Group]) -> list[Group]:
    """Seniors without a group join the group they add most to, while groups have room."""
    limits = inst.limits
    if limits.seniors_max < 2 or not groups:
        return groups
    groups = list(groups)
    used = {s for group in groups for s in group.seniors}
    for s in range(inst.n_s):
        if s in used:
            continue
        best, gain = None, 0.0
        for g, group in enumerate(groups):
            if len(group.seniors) >= limits.seniors_max:
                continue
            juniors = list(group.juniors)
            if not inst.allowed[juniors, s].all():
                continue
            added = float(inst.scores[juniors, s].sum())
            if best is None or added > gain:
                best, gain = g, added
        if best is not None and gain > 0:
            group = groups[best]
            groups[best] = Group(seniors=tuple(sorted((*group.seniors, s))), juniors=group.juniors)
            used.add(s)
    return groups


def _any_group(inst: _Instance) -> list[Group]:
    """One admissible group if there is any (so "no groups" means none exists)."""
    limits = inst.limits
    for k in inst.sizes:
        if inst.feasible_sets_of_size(k) > ENUMERATE_SETS:
            candidates: Iterable[tuple[int, ...]] = _greedy_sets(inst, k)
        else:
            candidates = itertools.combinations(range(inst.n_s), k)
        for senior_set in candidates:
            members = inst.members(tuple(senior_set))
            if len(members) >= limits.juniors_min:
                best = members[np.argsort(-inst.value(tuple(senior_set), members), kind="stable")[: limits.juniors_max]]
                return [Group(seniors=tuple(senior_set), juniors=tuple(sorted(int(j) for j in best)))]
    return []
