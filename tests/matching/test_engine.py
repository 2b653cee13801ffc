"""The engine against brute force: exact for both objectives, never an illegal pair."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matching.engine import GroupLimits, greedy_pairs, solve_groups, solve_pairs


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


def brute_force_groups(scores, allowed, limits):
    """Best (juniors placed, score) over every assignment of people to groups."""
    n_j, n_s = scores.shape
    best = (0, 0.0)
    max_groups = min(n_s // limits.seniors_min, n_j // limits.juniors_min)
    for groups in range(1, max_groups + 1):
        for senior_labels in itertools.product(range(-1, groups), repeat=n_s):
            for junior_labels in itertools.product(range(-1, groups), repeat=n_j):
                ok, placed, total = True, 0, 0.0
                for g in range(groups):
                    seniors = [s for s in range(n_s) if senior_labels[s] == g]
                    juniors = [j for j in range(n_j) if junior_labels[j] == g]
                    if not (
                        limits.seniors_min <= len(seniors) <= limits.seniors_max
                        and limits.juniors_min <= len(juniors) <= limits.juniors_max
                    ):
                        ok = False
                        break
                    if not all(allowed[j, s] for j in juniors for s in seniors):
                        ok = False
                        break
                    placed += len(juniors)
                    total += sum(scores[j, s] for j in juniors for s in seniors)
                if ok and (placed, total) > best:
                    best = (placed, total)
    return best


@pytest.mark.parametrize("seed", range(4))
def test_groups_are_optimal_on_small_instances(seed):
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random((5, 2)) * 10)
    allowed = rng.random((5, 2)) > 0.2
    limits = GroupLimits(juniors_min=2, juniors_max=3, seniors_min=1, seniors_max=2)
    result = solve_groups(scores, allowed, limits)
    assert result.proven_optimal
    placed = sum(len(g.juniors) for g in result.groups)
    total = sum(scores[j, s] for g in result.groups for j in g.juniors for s in g.seniors)
    assert (placed, pytest.approx(total)) == brute_force_groups(scores, allowed, limits)
    for group in result.groups:
        assert limits.juniors_min <= len(group.juniors) <= limits.juniors_max
        assert limits.seniors_min <= len(group.seniors) <= limits.seniors_max
        assert all(allowed[j, s] for j in group.juniors for s in group.seniors)
    everyone = [j for g in result.groups for j in g.juniors] + [100 + s for g in result.groups for s in g.seniors]
    assert len(everyone) == len(set(everyone))


def test_group_limits_are_checked():
    with pytest.raises(ValueError, match="invalid group limits"):
        GroupLimits(juniors_min=5, juniors_max=4)
    assert solve_groups(np.ones((2, 1)), np.ones((2, 1), bool), GroupLimits()).groups == []
