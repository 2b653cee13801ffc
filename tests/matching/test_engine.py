"""The pair engine against brute force: exact for both objectives, never an illegal pair (groups:
test_group_engine.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matching.engine import greedy_pairs, solve_pairs


def brute_force(scores, allowed, objective):
    """Best (cardinality, score) or score over every matching, by enumeration."""
    rows, cols = scores.shape
    best = (0, 0.0) if objective == "participation" else 0.0
    cells = [(r, c) for r in range(rows) for c in range(cols) if allowed[r, c] and (objective == "participation" or scores[r, c] > 0)]

    def extend(start, used_rows, used_cols, count, total):
        nonlocal best
        value = (count, total) if objective == "participation" else total
        if value > best if objective == "score" else (count > best[0] or (count == best[0] and total > best[1] + 1e-9)):
            best = value
        for index in range(start, len(cells)):
            r, c = cells[index]
            if r not in used_rows and c not in used_cols:
                extend(index + 1, used_rows | {r}, used_cols | {c}, count + 1, total + scores[r, c])

    extend(0, frozenset(), frozenset(), 0, 0.0)
    return best


problems = st.integers(1, 7).flatmap(
    lambda rows: st.integers(1, 7).flatmap(
        lambda cols: st.tuples(
            arrays(np.float64, (rows, cols), elements=st.floats(-20, 100, allow_nan=False, allow_infinity=False, width=32)),
            arrays(np.bool_, (rows, cols), elements=st.booleans()),
        )
    )
)


def check_legal(pairs, allowed):
    assert len({r for r, _ in pairs}) == len(pairs)
    assert len({c for _, c in pairs}) == len(pairs)
    assert all(allowed[r, c] for r, c in pairs)


@settings(max_examples=300, deadline=None)
@given(problems)
def test_participation_is_maximum_cardinality_then_maximum_score(problem):
    scores, allowed = problem
    pairs = solve_pairs(scores, allowed, objective="participation")
    check_legal(pairs, allowed)
    count, total = brute_force(scores, allowed, "participation")
    assert len(pairs) == count
    assert sum(scores[r, c] for r, c in pairs) == pytest.approx(total, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(problems)
def test_score_objective_is_maximum_total_over_positive_pairs(problem):
    scores, allowed = problem
    pairs = solve_pairs(scores, allowed, objective="score")
    check_legal(pairs, allowed)
    assert all(scores[r, c] > 0 for r, c in pairs)
    assert sum(scores[r, c] for r, c in pairs) == pytest.approx(brute_force(scores, allowed, "score"), abs=1e-6)


def test_participation_prefers_two_pairs_over_one_great_pair():
    scores = np.array([[100.0, 90.0], [1.0, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    assert solve_pairs(scores, allowed) == [(0, 1), (1, 0)]
    assert greedy_pairs(scores, allowed) == [(0, 0)]  # greedy leaves a person out
    assert solve_pairs(scores, allowed, objective="score") == [(0, 0)]  # 100 beats 90 + 1


def test_empty_and_fully_forbidden_problems():
    assert solve_pairs(np.zeros((0, 3)), np.zeros((0, 3), bool)) == []
    assert solve_pairs(np.ones((3, 3)), np.zeros((3, 3), bool)) == []


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="one shape"):
        solve_pairs(np.ones((2, 3)), np.ones((3, 2), bool))
    with pytest.raises(ValueError, match="finite"):
        solve_pairs(np.array([[np.nan]]), np.array([[True]]))
    with pytest.raises(ValueError, match="objective"):
        solve_pairs(np.ones((1, 1)), np.ones((1, 1), bool), objective="fastest")


def test_same_input_same_result():
    rng = np.random.default_rng(7)
    scores = np.round(rng.random((60, 50)) * 10)  # many ties
    allowed = rng.random((60, 50)) > 0.3
    assert solve_pairs(scores, allowed) == solve_pairs(scores.copy(), allowed.copy())
