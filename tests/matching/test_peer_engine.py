"""The general (non-bipartite) matcher of peer exchange against brute force."""

import itertools
import json
import random

import numpy as np
import pytest

from matching.peer import greedy_peer_pairs, solve_peer_pairs


def all_matchings(allowed: np.ndarray, usable=None):
    """Every matching of the allowed graph (each as a list of pairs), by recursion on the lowest free node."""
    n = len(allowed)

    def extend(free: tuple[int, ...]):
        if not free:
            yield []
            return
        first, rest = free[0], free[1:]
        yield from extend(rest)  # `first` stays single
        for other in rest:
            if allowed[first, other] and (usable is None or usable[first, other]):
                for tail in extend(tuple(node for node in rest if node != other)):
                    yield [(first, other), *tail]

    yield from extend(tuple(range(n)))


def brute_force(scores, allowed, objective):
    """(pairs, total) of the best matching by the objective's order."""
    usable = scores > 0 if objective == "score" else None
    best = None
    for matching in all_matchings(allowed, usable):
        total = sum(scores[a, b] for a, b in matching)
        key = (len(matching), total) if objective == "participation" else (total,)
        if best is None or key > best[0]:
            best = (key, matching)
    return best[0]


def random_instance(rng: random.Random, n: int, density: float, *, integer: bool):
    scores = np.zeros((n, n))
    allowed = np.zeros((n, n), dtype=bool)
    for a, b in itertools.combinations(range(n), 2):
        value = rng.randint(0, 4) * 10.0 if integer else rng.uniform(-10, 100)  # ties, and a few negatives
        scores[a, b] = scores[b, a] = value
        allowed[a, b] = allowed[b, a] = rng.random() < density
    return scores, allowed


def check(scores, allowed, objective):
    result = solve_peer_pairs(scores, allowed, objective=objective)
    used = [node for pair in result.pairs for node in pair]
    assert len(used) == len(set(used))
    assert all(a < b and allowed[a, b] for a, b in result.pairs)
    if objective == "score":
        assert all(scores[a, b] > 0 for a, b in result.pairs)
    total = sum(scores[a, b] for a, b in result.pairs)
    best = brute_force(scores, allowed, objective)
    if objective == "participation":
        assert len(result.pairs) == best[0]
        assert total == pytest.approx(best[1], abs=1e-4)
    else:
        assert total == pytest.approx(best[0], abs=1e-4)
    assert result.proven_optimal
    return result


@pytest.mark.parametrize("objective", ["participation", "score"])
@pytest.mark.parametrize("integer", [False, True])
def test_the_matcher_is_optimal_on_every_small_random_instance(objective, integer):
    rng = random.Random(f"{objective}-{integer}")
    for _ in range(120):
        n = rng.randint(1, 8)
        scores, allowed = random_instance(rng, n, rng.choice([0.3, 0.6, 1.0]), integer=integer)
        check(scores, allowed, objective)


def test_a_triangle_and_a_five_cycle_where_a_bipartite_method_would_be_wrong():
    # Five people in a ring: an odd cycle. The best is two pairs with the heavy edges.
    n = 5
    scores, allowed = np.zeros((n, n)), np.zeros((n, n), dtype=bool)
    for a, weight in zip(range(n), [90, 10, 80, 10, 70], strict=True):
        b = (a + 1) % n
        scores[a, b] = scores[b, a] = weight
        allowed[a, b] = allowed[b, a] = True
    result = check(scores, allowed, "score")
    assert result.pairs == [(0, 1), (2, 3)]
    # A triangle plus a pendant: participation takes two pairs although the heaviest edge
    # (inside the triangle) would leave room for only one.
    scores, allowed = np.zeros((4, 4)), np.zeros((4, 4), dtype=bool)
    for a, b, weight in [(0, 1, 100), (1, 2, 10), (0, 2, 10), (2, 3, 1)]:
        scores[a, b] = scores[b, a] = weight
        allowed[a, b] = allowed[b, a] = True
    assert check(scores, allowed, "participation").pairs == [(0, 1), (2, 3)]
    assert check(scores, allowed, "score").pairs == [(0, 1), (2, 3)]
    scores[2, 3] = scores[3, 2] = 0.0
    assert check(scores, allowed, "score").pairs == [(0, 1)]  # a zero score never forms a pair
    assert check(scores, allowed, "participation").pairs == [(0, 1), (2, 3)]


def test_participation_takes_more_pairs_over_a_higher_total():
    # Path 0-1-2-3: the heavy middle edge alone (100) against the two outer ones (1 + 1).
    scores, allowed = np.zeros((4, 4)), np.zeros((4, 4), dtype=bool)
    for a, b, weight in [(0, 1, 1), (1, 2, 100), (2, 3, 1)]:
        scores[a, b] = scores[b, a] = weight
        allowed[a, b] = allowed[b, a] = True
    assert check(scores, allowed, "participation").pairs == [(0, 1), (2, 3)]
    assert check(scores, allowed, "score").pairs == [(1, 2)]


def test_the_same_input_gives_the_same_pairs_even_with_ties():
    rng = random.Random(7)
    scores, allowed = random_instance(rng, 40, 0.7, integer=True)
    results = {tuple(solve_peer_pairs(scores, allowed).pairs) for _ in range(3)}
    assert len(results) == 1


def test_empty_and_edgeless_inputs():
    assert solve_peer_pairs(np.zeros((0, 0)), np.zeros((0, 0), dtype=bool)).pairs == []
    assert solve_peer_pairs(np.ones((3, 3)), np.zeros((3, 3), dtype=bool)).pairs == []


@pytest.mark.parametrize(
    ("scores", "allowed", "message"),
    [
        (np.zeros((2, 3)), np.zeros((2, 3), dtype=bool), "square"),
        (np.zeros((3, 3)), np.zeros((2, 2), dtype=bool), "square"),
        (np.zeros(3), np.zeros(3, dtype=bool), "square"),
        (np.zeros((2, 2)), np.eye(2, dtype=bool), "themselves"),
        (np.zeros((2, 2)), np.array([[False, True], [False, False]]), "symmetric"),
        (np.array([[0.0, 5.0], [6.0, 0.0]]), np.array([[False, True], [True, False]]), "symmetric"),
        (np.array([[0.0, np.nan], [np.nan, 0.0]]), np.array([[False, True], [True, False]]), "finite"),
    ],
)
def test_invalid_input_is_refused(scores, allowed, message):
    with pytest.raises(ValueError, match=message):
        solve_peer_pairs(scores, allowed)


def test_asymmetric_scores_outside_the_allowed_pairs_do_not_matter():
    scores = np.array([[0.0, 5.0, 1.0], [5.0, 0.0, 2.0], [9.0, 2.0, 0.0]])
    allowed = np.array([[False, True, False], [True, False, True], [False, True, False]])
    assert solve_peer_pairs(scores, allowed, objective="score").pairs == [(0, 1)]
    with pytest.raises(ValueError, match="objective"):
        solve_peer_pairs(scores, allowed, objective="best")  # type: ignore[arg-type]


def test_the_greedy_baseline_is_a_valid_matching_and_never_beats_the_exact_one():
    rng = random.Random(3)
    for _ in range(30):
        scores, allowed = random_instance(rng, rng.randint(2, 12), 0.6, integer=False)
        scores = np.abs(scores)
        greedy = greedy_peer_pairs(scores, allowed)
        used = [node for pair in greedy for node in pair]
        assert len(used) == len(set(used)) and all(allowed[a, b] for a, b in greedy)
        exact = solve_peer_pairs(scores, allowed, objective="score").pairs
        assert sum(scores[a, b] for a, b in exact) >= sum(scores[a, b] for a, b in greedy) - 1e-6


def test_five_hundred_volunteers_are_paired_completely():
    """Size only, not time (bench_peer measures time): a dense random instance of 500."""
    rng = np.random.default_rng(1)
    n = 500
    scores = np.triu(rng.uniform(0, 100, (n, n)), 1)
    scores = scores + scores.T
    allowed = np.triu(rng.random((n, n)) < 0.7, 1)
    allowed = allowed | allowed.T
    result = solve_peer_pairs(scores, allowed)
    assert len(result.pairs) == 250
    greedy = greedy_peer_pairs(scores, allowed)
    assert sum(scores[a, b] for a, b in result.pairs) >= sum(scores[a, b] for a, b in greedy)


def test_the_peer_benchmark_prints_one_json_line_per_size_and_agrees_with_highs(capsys):
    """The script works (its figures belong in the module docstring and the report, not here)."""
    from matching import bench_peer
    from matching.models import DEFAULT_WEIGHTS

    assert bench_peer.WEIGHTS == DEFAULT_WEIGHTS
    bench_peer.main(["--sizes", "20", "31", "--seed", "3", "--check"])
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [line["volunteers"] for line in lines] == [20, 31]
    for line in lines:
        assert line["proven"] and line["library"] == "blossom (rustworkx)" and line["edges"] > 0
        assert line["pairs"] == line["milp_pairs"] >= line["greedy_pairs"]
        assert line["total_score"] == pytest.approx(line["milp_total_score"], abs=0.11)
        assert {"engine_s", "greedy_total_score"} <= set(line)
