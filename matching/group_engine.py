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

import itertools
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix

# Model sizes up to which every admissible set and every junior in it are in the model.
FULL_MODEL_CELLS = 60_000
ENUMERATE_SETS = 20_000  # senior sets of one size enumerated when at most this many
CANDIDATES_PER_SET = 24  # juniors per set in the first columns (large cohorts); pricing adds more
PROVEN_GAP = 1e-6
COLUMNS_MIP_GAP = 5e-4
LP_SOLVER = "ipm"


@dataclass(frozen=True)
class GroupLimits:
    juniors_min: int = 3
    juniors_max: int = 4
    seniors_min: int = 1
    seniors_max: int = 2

    def __post_init__(self) -> None:
        if not (1 <= self.juniors_min <= self.juniors_max and 1 <= self.seniors_min <= self.seniors_max):
            raise ValueError(f"invalid group limits {self}")


@dataclass(frozen=True)
class Group:
    seniors: tuple[int, ...]
    juniors: tuple[int, ...]


@dataclass(frozen=True)
class GroupResult:
    groups: list[Group]
    proven_optimal: bool  # the most juniors placed, and the best value for that, both proven
    optimality_gap: float | None = 0.0  # proven (bound − found) / bound of the value; None: no bound
    method: str = "senior-set assignment (HiGHS)"
    placement_proven: bool = True  # no grouping places more juniors
    bound: float | None = None  # proven upper bound of the value with this many juniors placed
    stats: dict = field(default_factory=dict, compare=False)

    @property
    def value(self) -> float:
        return float(self.stats.get("value", 0.0))


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


# --- the model ---------------------------------------------------------------------------------
class _Model:
    """The slot model over a pool, with HiGHS; `cost` per x cell (to maximise)."""

    def __init__(
        self,
        inst: _Instance,
        pool: _Pool,
        gain: list[NDArray[np.float64]],
        *,
        placed_at_least: int | None,
        integer: bool,
        link: bool = True,
    ):
        self.inst = inst
        # The pool as it is now (column generation grows the pool itself afterwards).
        self.sets, self.members = list(pool.sets), list(pool.juniors)
        self.index = dict(pool.index)
        limits = inst.limits
        m = len(pool.sets)
        sizes = np.array([len(members) for members in pool.juniors], dtype=np.intp)
        self.x_start = m + np.concatenate([[0], np.cumsum(sizes)[:-1]]) if m else np.zeros(0, dtype=np.intp)
        n_x = int(sizes.sum())
        self.n_cols = m + n_x
        x_set = np.repeat(np.arange(m), sizes)
        x_junior = np.concatenate(pool.juniors) if m else np.zeros(0, dtype=np.intp)
        x_cols = m + np.arange(n_x)
        self.x_set, self.x_junior = x_set, x_junior

        rows, cols, vals = [], [], []
        lower, upper = [], []
        r = 0
        # junior rows: Σ_T x[j, T] ≤ 1
        rows.append(x_junior)
        cols.append(x_cols)
        vals.append(np.ones(n_x))
        lower += [-np.inf] * inst.n_j
        upper += [1.0] * inst.n_j
        self.junior_row = 0
        r += inst.n_j
        # senior rows: Σ_{T∋s} y[T] ≤ 1
        self.senior_row = r
        for t, senior_set in enumerate(pool.sets):
            rows.append(np.array([r + s for s in senior_set]))
            cols.append(np.full(len(senior_set), t))
            vals.append(np.ones(len(senior_set)))
        lower += [-np.inf] * inst.n_s
        upper += [1.0] * inst.n_s
        r += inst.n_s
        # size rows: Σ_j x − max·y ≤ 0 and Σ_j x − min·y ≥ 0
        self.max_row, self.min_row = r, r + m
        for base, bound in ((self.max_row, limits.juniors_max), (self.min_row, limits.juniors_min)):
            rows += [base + x_set, base + np.arange(m)]
            cols += [x_cols, np.arange(m)]
            vals += [np.ones(n_x), np.full(m, -float(bound))]
        lower += [-np.inf] * m + [0.0] * m
        upper += [0.0] * m + [np.inf] * m
        r += 2 * m
        # linking rows x[j, T] − y[T] ≤ 0: implied for integers by the size rows, but they make the
        # LP (and so the bound) much tighter when the value counts
        if link:
            rows += [r + np.arange(n_x), r + np.arange(n_x)]
            cols += [x_cols, x_set]
            vals += [np.ones(n_x), -np.ones(n_x)]
            lower += [-np.inf] * n_x
            upper += [0.0] * n_x
            r += n_x
        self.placed_row = self.groups_row = None
        self.placed_at_least = placed_at_least
        if placed_at_least is not None:
            self.placed_row = r
            rows.append(np.full(n_x, r))
            cols.append(x_cols)
            vals.append(np.ones(n_x))
            lower.append(float(placed_at_least))
            upper.append(np.inf)
            r += 1
            # Placing that many takes a whole number of groups: at least ⌈placed / juniors_max⌉.
            # Integer solutions obey it anyway; the LP alone would open "37.5 groups" and promise
            # half a co-led group more than any grouping has (about 1 % of the bound at 150 × 50).
            self.groups_row = r
            rows.append(np.full(m, r))
            cols.append(np.arange(m))
            vals.append(np.ones(m))
            lower.append(float(math.ceil(placed_at_least / limits.juniors_max)))
            upper.append(np.inf)
            r += 1
        self.n_rows = r
        matrix = coo_matrix(
            (np.concatenate(vals), (np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64))),
            shape=(r, self.n_cols),
        ).tocsc()
        cost = np.zeros(self.n_cols)
        if n_x:
            cost[m:] = -np.concatenate(gain)  # HiGHS minimises

        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)
        self.highs.setOptionValue("random_seed", 0)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_cols, r
        lp.col_cost_ = cost
        lp.col_lower_, lp.col_upper_ = np.zeros(self.n_cols), np.ones(self.n_cols)
        row_lower, row_upper = np.array(lower, dtype=np.float64), np.array(upper, dtype=np.float64)
        row_lower[np.isneginf(row_lower)] = -highspy.kHighsInf
        row_upper[np.isposinf(row_upper)] = highspy.kHighsInf
        lp.row_lower_, lp.row_upper_ = row_lower, row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * self.n_cols
        self.highs.passModel(lp)

    def warm_start(self, groups: list[Group]) -> None:
        values = np.zeros(self.n_cols)
        for group in groups:
            t = self.index.get(group.seniors)
            if t is None:
                return  # not expressible in this pool
            members = self.members[t]
            positions = np.searchsorted(members, group.juniors)
            if np.any(positions >= len(members)) or np.any(members[np.minimum(positions, len(members) - 1)] != group.juniors):
                return
            values[t] = 1.0
            values[self.x_start[t] + positions] = 1.0
        solution = highspy.HighsSolution()
        solution.col_value = values.tolist()
        solution.value_valid = True
        self.highs.setSolution(solution)

    def run(self, time_limit: float, *, rel_gap: float = 1e-7) -> None:
        self.highs.setOptionValue("time_limit", max(0.05, float(time_limit)))
        self.highs.setOptionValue("mip_rel_gap", rel_gap)
        self.highs.run()

    @property
    def status(self) -> highspy.HighsModelStatus:
        return self.highs.getModelStatus()

    def groups(self) -> list[Group]:
        solution = self.highs.getSolution()
        if not solution.value_valid:
            return []
        values = np.asarray(solution.col_value)
        groups = []
        for t, senior_set in enumerate(self.sets):
            if values[t] > 0.5:
                members = self.members[t]
                chosen = members[values[self.x_start[t] : self.x_start[t] + len(members)] > 0.5]
                groups.append(Group(seniors=senior_set, juniors=tuple(int(j) for j in chosen)))
        return groups

    def duals(self) -> tuple[NDArray[np.float64], NDArray[np.float64], float, float]:
        """LP duals as prices (for a maximisation): per junior, per senior, of the placement row
        and of the group-count row; a column's reduced gain is gain − its juniors' and seniors'
        prices + the placement and group-count prices."""
        dual = np.asarray(self.highs.getSolution().row_dual)
        juniors = -dual[self.junior_row : self.junior_row + self.inst.n_j]
        seniors = -dual[self.senior_row : self.senior_row + self.inst.n_s]
        placed = float(dual[self.placed_row]) if self.placed_row is not None else 0.0
        groups = float(dual[self.groups_row]) if self.groups_row is not None else 0.0
        return juniors, seniors, placed, groups

    def objective(self) -> float:
        return -float(self.highs.getInfo().objective_function_value)

    def dual_bound(self) -> float:
        return -float(self.highs.getInfo().mip_dual_bound)


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
