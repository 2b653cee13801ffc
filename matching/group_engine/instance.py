"""One instance: the matrices, pins, candidate pools, and what makes a grouping valid and better."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .types import Group, GroupLimits

ENUMERATE_SETS = 20_000  # senior sets of one size enumerated when at most this many


@dataclass
class _Pool:
    """Candidate columns: senior sets and, per set, the juniors that may join it."""

    sets: list[tuple[int, ...]]
    juniors: list[NDArray[np.intp]]
    index: dict[tuple[int, ...], int] = field(default_factory=dict)

    def add(self, senior_set: tuple[int, ...], juniors: NDArray[np.intp]) -> bool:
        at = self.index.get(senior_set)
        if at is None:
            self.index[senior_set] = len(self.sets)
            self.sets.append(senior_set)
            self.juniors.append(np.unique(juniors).astype(np.intp))
            return True
        merged = np.union1d(self.juniors[at], juniors).astype(np.intp)
        grew = len(merged) > len(self.juniors[at])
        self.juniors[at] = merged
        return grew

    @property
    def cells(self) -> int:
        return sum(len(members) for members in self.juniors)


class _Instance:
    def __init__(self, scores: NDArray[np.float64], allowed: NDArray[np.bool_], limits: GroupLimits, pinned: Sequence[tuple[int, int]]):
        self.scores, self.limits = scores, limits
        self.n_j, self.n_s = scores.shape
        self.allowed = allowed.copy()
        self.pinned = {int(j): int(s) for j, s in pinned}
        self.sizes = [k for k in range(limits.seniors_min, limits.seniors_max + 1) if k <= self.n_s]

    def members(self, senior_set: tuple[int, ...]) -> NDArray[np.intp]:
        """Juniors allowed with every senior of the set (a pinned junior only with its senior)."""
        ok = np.asarray(self.allowed[:, np.asarray(senior_set, dtype=np.intp)].all(axis=1))
        for j, s in self.pinned.items():
            if s not in senior_set:
                ok[j] = False
        return np.flatnonzero(ok)

    def value(self, senior_set: tuple[int, ...], juniors: NDArray[np.intp]) -> NDArray[np.float64]:
        return self.scores[np.ix_(juniors, np.asarray(senior_set, dtype=np.intp))].sum(axis=1)

    def feasible_sets_of_size(self, k: int) -> int:
        return math.comb(self.n_s, k)


def _check(scores: NDArray[np.float64], allowed: NDArray[np.bool_], pinned: Sequence[tuple[int, int]]) -> None:
    if scores.ndim != 2 or scores.shape != allowed.shape:
        raise ValueError(f"scores {scores.shape} and allowed {allowed.shape} must be 2-D arrays of one shape")
    if not np.isfinite(scores[allowed]).all():
        raise ValueError("allowed cells must have finite scores")
    juniors = [j for j, _s in pinned]
    if len(set(juniors)) != len(juniors):
        raise ValueError("a junior is pinned to two seniors")
    for j, s in pinned:
        if not (0 <= j < scores.shape[0] and 0 <= s < scores.shape[1]):
            raise ValueError(f"pinned pair {(j, s)} is outside the matrix")


def _placement_bound(inst: _Instance) -> int:
    """A quick upper bound on the juniors any grouping places: those with an admissible senior
    set, and no more than the seats of as many groups as there are seniors for."""
    limits = inst.limits
    placeable = np.ones(inst.n_j, dtype=bool)  # with co-leads only, not checked set by set
    if 1 in inst.sizes:  # singletons suffice for placement (see the module docstring)
        placeable[:] = False
        for s in range(inst.n_s):
            members = inst.members((s,))
            if len(members) >= limits.juniors_min:
                placeable[members] = True
    return int(min(placeable.sum(), limits.juniors_max * (inst.n_s // limits.seniors_min)))


def _as_singletons(inst: _Instance, groups: list[Group]) -> list[Group]:
    """The same juniors under one of their seniors each (as placement needs no co-leads)."""
    single = []
    for group in groups:
        pins = {inst.pinned[j] for j in group.juniors if j in inst.pinned}
        if len(pins) > 1:
            return []
        single.append(Group(seniors=(pins.pop() if pins else group.seniors[0],), juniors=group.juniors))
    return single


def _valid(inst: _Instance, groups: list[Group]) -> bool:
    limits = inst.limits
    seen_j: set[int] = set()
    seen_s: set[int] = set()
    for group in groups:
        if not (limits.seniors_min <= len(group.seniors) <= limits.seniors_max):
            return False
        if not (limits.juniors_min <= len(group.juniors) <= limits.juniors_max):
            return False
        if not inst.allowed[np.ix_(list(group.juniors), list(group.seniors))].all():
            return False
        for j in group.juniors:
            if inst.pinned.get(j, group.seniors[0]) not in group.seniors:
                return False
        if seen_j & set(group.juniors) or seen_s & set(group.seniors):
            return False
        seen_j |= set(group.juniors)
        seen_s |= set(group.seniors)
    return True


def _value(inst: _Instance, groups: list[Group]) -> float:
    return float(sum(inst.scores[np.ix_(list(g.juniors), list(g.seniors))].sum() for g in groups))


def _placed(groups: list[Group]) -> int:
    return sum(len(g.juniors) for g in groups)


def _better(inst: _Instance, a: list[Group], b: list[Group], objective: str = "participation") -> list[Group]:
    """The better of two valid groupings: by (placed, value), or by value for "score"."""
    if objective == "score":
        return a if _value(inst, a) >= _value(inst, b) else b
    return a if (_placed(a), _value(inst, a)) >= (_placed(b), _value(inst, b)) else b
