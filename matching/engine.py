"""The matching engine: exact cohort-wide assignment, no Django.

Pairs: `solve_pairs` reduces "best matching in a bipartite graph" to one rectangular
assignment problem solved by `scipy.optimize.linear_sum_assignment` (Jonker–Volgenant),
which is exact. Cells that may not be paired get weight 0, which the solver may "use"
only to leave a row or column unmatched, so they never appear in the result.

- objective="participation": every allowed cell weighs BIG + score, with BIG larger than
  any score difference a whole matching can accumulate. A matching with one more pair
  therefore always wins, and among the largest matchings the highest total score wins.
- objective="score": every allowed cell with a positive score weighs its score; the
  result is the maximum-total-score matching over those cells.

Groups: `solve_groups` forms groups of seniors and juniors with a mixed-integer program
(scipy's HiGHS `milp`), again exact: it maximises the number of juniors placed, then the
summed junior–senior scores inside groups, with every junior–senior pair in a group
allowed and group sizes within the program's limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import lil_matrix

Objective = Literal["participation", "score"]


def _as_problem(scores: ArrayLike, allowed: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    score_matrix = np.asarray(scores, dtype=np.float64)
    allowed_matrix = np.asarray(allowed, dtype=bool)
    if score_matrix.ndim != 2 or score_matrix.shape != allowed_matrix.shape:
        raise ValueError(f"scores {score_matrix.shape} and allowed {allowed_matrix.shape} must be 2-D arrays of one shape")
    if not np.isfinite(score_matrix[allowed_matrix]).all():
        raise ValueError("allowed cells must have finite scores")
    return score_matrix, allowed_matrix


def solve_pairs(scores: ArrayLike, allowed: ArrayLike, *, objective: Objective = "participation") -> list[tuple[int, int]]:
    """Optimal one-to-one pairs (row = junior, column = senior), sorted by row."""
    score_matrix, allowed_matrix = _as_problem(scores, allowed)
    rows, cols = score_matrix.shape
    if rows == 0 or cols == 0 or not allowed_matrix.any():
        return []
    if objective == "participation":
        usable = allowed_matrix
        values = score_matrix[usable]
        spread = float(values.max() - values.min())
        # One more pair must outweigh any score gain a whole matching can make.
        big = (spread + 1.0) * (min(rows, cols) + 1) + abs(float(values.min()))
        weights = np.where(usable, big + score_matrix, 0.0)
    elif objective == "score":
        usable = allowed_matrix & (score_matrix > 0)
        weights = np.where(usable, score_matrix, 0.0)
    else:
        raise ValueError(f"unknown objective {objective!r}")
    row_index, col_index = linear_sum_assignment(weights, maximize=True)
    keep = usable[row_index, col_index]
    return [(int(r), int(c)) for r, c in zip(row_index[keep], col_index[keep], strict=True)]


def greedy_pairs(scores: ArrayLike, allowed: ArrayLike) -> list[tuple[int, int]]:
    """The naive baseline commercial tools use: best remaining pair first. For benchmarks only."""
    score_matrix, allowed_matrix = _as_problem(scores, allowed)
    rows, cols = np.nonzero(allowed_matrix)
    order = np.argsort(-score_matrix[rows, cols], kind="stable")
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    pairs = []
    for index in order:
        r, c = int(rows[index]), int(cols[index])
        if r not in used_rows and c not in used_cols:
            used_rows.add(r)
            used_cols.add(c)
            pairs.append((r, c))
    return sorted(pairs)


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
    proven_optimal: bool  # False when the time limit stopped the search at its best solution so far
    optimality_gap: float | None = 0.0
    method: str = "mixed-integer program (HiGHS)"


def solve_groups(
    scores: ArrayLike, allowed: ArrayLike, limits: GroupLimits, *, time_limit: float = 20.0, pinned: Sequence[tuple[int, int]] = ()
) -> GroupResult:
    """Optimal groups: rows are juniors, columns seniors; every pair inside a group is allowed.

    Variables: x[j,g] junior j in group g, y[s,g] senior s in group g, open[g], and z[j,s]
    (j and s share a group) for allowed pairs to carry the score. Maximise
    BIG·(juniors placed) + score of the junior–senior pairs inside groups.
    """
    score_matrix, allowed_matrix = _as_problem(scores, allowed)
    n_j, n_s = (int(size) for size in score_matrix.shape)
    groups = min(n_s // limits.seniors_min, n_j // limits.juniors_min)
    if groups == 0:
        return GroupResult(groups=[], proven_optimal=True)
    pairs = [(j, s) for j in range(n_j) for s in range(n_s) if allowed_matrix[j, s]]
    n_x, n_y = n_j * groups, n_s * groups
    n_w = len(pairs)
    n_vars = n_x + n_y + groups + n_w

    def x(j: int, g: int) -> int:
        return j * groups + g

    def y(s: int, g: int) -> int:
        return n_x + s * groups + g

    def opened(g: int) -> int:
        return n_x + n_y + g

    def w(p: int) -> int:
        return n_x + n_y + groups + p

    values = score_matrix[allowed_matrix] if allowed_matrix.any() else np.zeros(1)
    big = (float(np.abs(values).sum()) + 1.0) * 2
    c = np.zeros(n_vars)
    for j in range(n_j):
        for g in range(groups):
            c[x(j, g)] = -big  # milp minimises
    for p, (j, s) in enumerate(pairs):
        c[w(p)] = -score_matrix[j, s]

    rows: list[tuple[dict[int, float], float, float]] = []
    for j in range(n_j):
        rows.append(({x(j, g): 1.0 for g in range(groups)}, 0, 1))
    for s in range(n_s):
        rows.append(({y(s, g): 1.0 for g in range(groups)}, 0, 1))
    for g in range(groups):
        juniors = {x(j, g): 1.0 for j in range(n_j)}
        rows.append(({**juniors, opened(g): -limits.juniors_min}, 0, np.inf))
        rows.append(({**juniors, opened(g): -limits.juniors_max}, -np.inf, 0))
        seniors = {y(s, g): 1.0 for s in range(n_s)}
        rows.append(({**seniors, opened(g): -limits.seniors_min}, 0, np.inf))
        rows.append(({**seniors, opened(g): -limits.seniors_max}, -np.inf, 0))
        if g + 1 < groups:  # symmetry breaking: open groups first
            rows.append(({opened(g): 1.0, opened(g + 1): -1.0}, 0, np.inf))
        # More symmetry breaking: group g's lowest-numbered senior is senior number ≥ g, so
        # relabelling the groups cannot produce a "different" solution.
        for s in range(min(g, n_s)):
            rows.append(({y(s, g): 1.0}, 0, 0))
        for j in range(n_j):
            for s in range(n_s):
                if not allowed_matrix[j, s]:
                    rows.append(({x(j, g): 1.0, y(s, g): 1.0}, -np.inf, 1))
    for p, (j, s) in enumerate(pairs):
        # z may be 1 only when j and s are both placed and in the same group.
        rows.append(({w(p): 1.0, **{x(j, g): -1.0 for g in range(groups)}}, -np.inf, 0))
        rows.append(({w(p): 1.0, **{y(s, g): -1.0 for g in range(groups)}}, -np.inf, 0))
        for g in range(groups):
            rows.append(({w(p): 1.0, x(j, g): -1.0, y(s, g): 1.0}, -np.inf, 1))

    matrix = lil_matrix((len(rows), n_vars))
    lower, upper = np.empty(len(rows)), np.empty(len(rows))
    for index, (coefficients, low, high) in enumerate(rows):
        for column, value in coefficients.items():
            matrix[index, column] = value
        lower[index], upper[index] = low, high
    result = milp(
        c,
        constraints=LinearConstraint(matrix.tocsr(), lower, upper),
        integrality=np.ones(n_vars),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit},
    )
    if result.x is None:
        raise RuntimeError(f"group solver found no solution: {result.message}")
    solution = np.round(result.x).astype(int)
    found = []
    for g in range(groups):
        if solution[opened(g)]:
            found.append(
                Group(seniors=tuple(s for s in range(n_s) if solution[y(s, g)]), juniors=tuple(j for j in range(n_j) if solution[x(j, g)]))
            )
    return GroupResult(groups=sorted(found, key=lambda group: group.seniors), proven_optimal=result.status == 0)
