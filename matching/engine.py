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

Groups: `solve_groups` (matching.group_engine) assigns juniors to senior sets: exact on small
and medium cohorts, and on large ones a grouping with its proven distance from the best possible.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment

from .group_engine import Group, GroupLimits, GroupResult, solve_groups

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


# Groups live in their own module; these names stay importable from here.
__all__ = ["Group", "GroupLimits", "GroupResult", "greedy_pairs", "solve_groups", "solve_pairs"]
