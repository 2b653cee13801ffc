"""The senior-set model in HiGHS (highspy): MIP or LP, with warm start, groups and duals."""

from __future__ import annotations

import math

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix

from .instance import _Instance, _Pool
from .types import Group


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
