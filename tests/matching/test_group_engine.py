"""Group formation against brute force: exact when the model is whole, honest bounds when it is not."""

import itertools

import numpy as np
import pytest

from matching import group_engine
from matching.group_engine import GroupLimits, solve_groups


def brute_force(scores, allowed, limits, pinned=()):
    """Best (juniors placed, value) over every assignment of people to groups, by enumeration."""
    n_j, n_s = scores.shape
    pins = dict(pinned)
    best = (0, 0.0)
    for groups in range(1, n_s // limits.seniors_min + 1):
        for senior_labels in itertools.product(range(-1, groups), repeat=n_s):
            if any(senior_labels.count(g) < limits.seniors_min or senior_labels.count(g) > limits.seniors_max for g in range(groups)):
                continue
            for junior_labels in itertools.product(range(-1, groups), repeat=n_j):
                placed, total, ok = 0, 0.0, True
                for g in range(groups):
                    seniors = [s for s in range(n_s) if senior_labels[s] == g]
                    juniors = [j for j in range(n_j) if junior_labels[j] == g]
                    if not limits.juniors_min <= len(juniors) <= limits.juniors_max:
                        ok = False
                        break
                    if not all(allowed[j, s] for j in juniors for s in seniors):
                        ok = False
                        break
                    if any(j in pins and pins[j] not in seniors for j in juniors):
                        ok = False
                        break
                    placed += len(juniors)
                    total += sum(scores[j, s] for j in juniors for s in seniors)
                if ok and (placed, total) > best:
                    best = (placed, total)
    return best


def check_valid(result, allowed, limits, pinned=()):
    pins = dict(pinned)
    people = []
    for group in result.groups:
        assert limits.juniors_min <= len(group.juniors) <= limits.juniors_max
        assert limits.seniors_min <= len(group.seniors) <= limits.seniors_max
        assert all(allowed[j, s] for j in group.juniors for s in group.seniors)
        assert all(pins[j] in group.seniors for j in group.juniors if j in pins)
        people += [("j", j) for j in group.juniors] + [("s", s) for s in group.seniors]
    assert len(people) == len(set(people))


def placed_and_value(result, scores):
    placed = sum(len(g.juniors) for g in result.groups)
    value = sum(scores[j, s] for g in result.groups for j in g.juniors for s in g.seniors)
    return placed, value


LIMITS = [
    GroupLimits(juniors_min=2, juniors_max=3, seniors_min=1, seniors_max=2),
    GroupLimits(juniors_min=1, juniors_max=2, seniors_min=1, seniors_max=1),
    GroupLimits(juniors_min=2, juniors_max=2, seniors_min=2, seniors_max=2),
    GroupLimits(juniors_min=1, juniors_max=3, seniors_min=1, seniors_max=3),
]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("limits", LIMITS, ids=lambda lim: f"j{lim.juniors_min}-{lim.juniors_max}s{lim.seniors_min}-{lim.seniors_max}")
def test_small_instances_are_solved_exactly(seed, limits):
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random((5, 3)) * 10)  # many ties
    allowed = rng.random((5, 3)) > 0.25
    result = solve_groups(scores, allowed, limits)
    check_valid(result, allowed, limits)
    assert result.proven_optimal and result.optimality_gap == 0.0 and result.placement_proven
    placed, value = placed_and_value(result, scores)
    assert (placed, pytest.approx(value)) == brute_force(scores, allowed, limits)


def brute_force_value(scores, allowed, limits):
    """The best value over every grouping, however many juniors it places."""
    n_j, n_s = scores.shape
    best = 0.0
    for groups in range(1, n_s // limits.seniors_min + 1):
        for senior_labels in itertools.product(range(-1, groups), repeat=n_s):
            if any(not limits.seniors_min <= senior_labels.count(g) <= limits.seniors_max for g in range(groups)):
                continue
            for junior_labels in itertools.product(range(-1, groups), repeat=n_j):
                total = 0.0
                for g in range(groups):
                    seniors = [s for s in range(n_s) if senior_labels[s] == g]
                    juniors = [j for j in range(n_j) if junior_labels[j] == g]
                    if not limits.juniors_min <= len(juniors) <= limits.juniors_max or not all(
                        allowed[j, s] for j in juniors for s in seniors
                    ):
                        break
                    total += sum(scores[j, s] for j in juniors for s in seniors)
                else:
                    best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(4))
def test_score_objective_maximises_the_value_only(seed):
    rng = np.random.default_rng(50 + seed)
    scores = np.round(rng.random((5, 3)) * 20 - 8)  # some pairs are worth less than nothing
    allowed = rng.random((5, 3)) > 0.2
    limits = GroupLimits(juniors_min=1, juniors_max=3, seniors_min=1, seniors_max=2)
    result = solve_groups(scores, allowed, limits, objective="score")
    check_valid(result, allowed, limits)
    assert result.proven_optimal
    assert placed_and_value(result, scores)[1] == pytest.approx(brute_force_value(scores, allowed, limits))
    with pytest.raises(ValueError, match="unknown objective"):
        solve_groups(scores, allowed, limits, objective="fastest")


@pytest.mark.parametrize("seed", range(4))
def test_pinned_pairs_share_a_group_and_stay_optimal(seed):
    rng = np.random.default_rng(100 + seed)
    scores = np.round(rng.random((5, 3)) * 10)
    allowed = rng.random((5, 3)) > 0.2
    j, s = (int(x) for x in np.argwhere(allowed)[seed])
    limits = GroupLimits(juniors_min=1, juniors_max=3, seniors_min=1, seniors_max=2)
    result = solve_groups(scores, allowed, limits, pinned=[(j, s)])
    check_valid(result, allowed, limits, pinned=[(j, s)])
    assert any(j in g.juniors and s in g.seniors for g in result.groups)
    placed, value = placed_and_value(result, scores)
    assert result.proven_optimal
    assert (placed, pytest.approx(value)) == brute_force(scores, allowed, limits, pinned=[(j, s)])


@pytest.mark.parametrize("seed", range(5))
def test_column_generation_bound_holds_for_every_grouping(seed, monkeypatch):
    """With the whole model switched off, the run prices its columns in; the bound it reports must
    be at least the true optimum, and the gap must be what that bound says."""
    monkeypatch.setattr(group_engine, "FULL_MODEL_CELLS", 0)
    monkeypatch.setattr(group_engine.columns, "CANDIDATES_PER_SET", 1)  # start from too few juniors per set
    rng = np.random.default_rng(200 + seed)
    scores = np.round(rng.random((5, 3)) * 10)
    allowed = rng.random((5, 3)) > 0.2
    limits = GroupLimits(juniors_min=2, juniors_max=3, seniors_min=1, seniors_max=2)
    result = solve_groups(scores, allowed, limits)
    assert result.stats["mode"] == "columns"
    check_valid(result, allowed, limits)
    best_placed, best_value = brute_force(scores, allowed, limits)
    placed, value = placed_and_value(result, scores)
    assert placed == best_placed and result.placement_proven
    assert value <= best_value + 1e-6
    assert result.bound is not None and result.bound >= best_value - 1e-6
    # The bound as column generation proved it, before it is compared with the groups found.
    assert result.stats["lp_bound"] >= best_value - 1e-6
    assert result.optimality_gap == pytest.approx(max(0.0, (result.bound - value) / result.bound), abs=1e-6)
    if result.proven_optimal:
        assert value == pytest.approx(best_value)


def test_forty_by_twelve_is_proven_optimal():
    """Issue 15: the old model found no groups at all here within 30–41 s."""
    rng = np.random.default_rng(0)
    scores, allowed = np.round(rng.random((40, 12)) * 100, 1), rng.random((40, 12)) > 0.1
    result = solve_groups(scores, allowed, GroupLimits(), time_limit=20)
    check_valid(result, allowed, GroupLimits())
    assert result.proven_optimal and result.optimality_gap == 0.0
    assert sum(len(g.juniors) for g in result.groups) == 40


def test_a_large_cohort_under_a_tiny_time_limit_still_gets_groups_and_an_honest_answer():
    rng = np.random.default_rng(3)
    scores, allowed = np.round(rng.random((200, 60)) * 100, 1), rng.random((200, 60)) > 0.1
    limits = GroupLimits()
    result = solve_groups(scores, allowed, limits, time_limit=0.5)
    check_valid(result, allowed, limits)
    assert len(result.groups) >= 50  # everyone fits: 200 juniors in groups of at most 4
    assert result.optimality_gap is None or 0.0 <= result.optimality_gap < 1.0
    assert not result.proven_optimal or result.optimality_gap == 0.0
    if result.bound is not None:
        assert result.bound >= placed_and_value(result, scores)[1] - 1e-6


@pytest.mark.parametrize("seed", range(8))
def test_never_empty_when_one_group_exists(seed, monkeypatch):
    """Sparse instances where only a few senior sets can hold a group at all, and a solver that
    finds nothing in its time (as HiGHS did at 40 × 12 with the old model): the constructive
    start alone must give groups."""
    monkeypatch.setattr(group_engine._Model, "run", lambda self, time_limit, **kwargs: None)
    rng = np.random.default_rng(300 + seed)
    n_j, n_s = 9, 4
    allowed = rng.random((n_j, n_s)) > 0.7
    allowed[:3, seed % n_s] = True  # at least one admissible group
    scores = rng.random((n_j, n_s)) * 10
    limits = GroupLimits(juniors_min=3, juniors_max=4, seniors_min=1, seniors_max=2)
    result = solve_groups(scores, allowed, limits, time_limit=0.05)
    check_valid(result, allowed, limits)
    assert result.groups


def test_nothing_admissible_gives_no_groups_proven():
    allowed = np.zeros((6, 3), dtype=bool)
    allowed[:2, 0] = True  # two juniors are not a group of at least three
    result = solve_groups(np.ones((6, 3)), allowed, GroupLimits(juniors_min=3))
    assert result.groups == [] and result.proven_optimal


def test_too_few_juniors_or_seniors():
    assert solve_groups(np.ones((2, 1)), np.ones((2, 1), bool), GroupLimits()).groups == []
    assert solve_groups(np.ones((5, 1)), np.ones((5, 1), bool), GroupLimits(seniors_min=2)).groups == []
    assert solve_groups(np.zeros((0, 0)), np.zeros((0, 0), bool), GroupLimits()).groups == []


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="invalid group limits"):
        GroupLimits(juniors_min=5, juniors_max=4)
    with pytest.raises(ValueError, match="one shape"):
        solve_groups(np.ones((3, 2)), np.ones((2, 3), bool), GroupLimits())
    with pytest.raises(ValueError, match="finite"):
        solve_groups(np.full((3, 1), np.nan), np.ones((3, 1), bool), GroupLimits())
    with pytest.raises(ValueError, match="outside"):
        solve_groups(np.ones((3, 1)), np.ones((3, 1), bool), GroupLimits(), pinned=[(0, 4)])
    with pytest.raises(ValueError, match="pinned to two"):
        solve_groups(np.ones((3, 2)), np.ones((3, 2), bool), GroupLimits(), pinned=[(0, 0), (0, 1)])


def test_same_input_same_groups():
    rng = np.random.default_rng(9)
    scores, allowed = np.round(rng.random((30, 10)) * 10), rng.random((30, 10)) > 0.1
    first = solve_groups(scores, allowed, GroupLimits())
    again = solve_groups(scores.copy(), allowed.copy(), GroupLimits())
    assert first.groups == again.groups
