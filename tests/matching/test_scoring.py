"""The vectorised scoring equals a plain per-pair reference, on random cohorts.

`reference_components` is the scoring rule written the slow, obvious way: one pair at a
time, in Python. The matrices (`components`, `score_matrix`) and the chosen-pairs version
(`components_at`, what the explanations use) must agree with it for every pair.
"""

import math

import numpy as np
import pytest

from matching import scoring
from matching.reasons import render_all
from matching.scoring import (
    COMPONENTS,
    MAX_TZ_HOURS,
    MODES,
    Labels,
    Side,
    combine,
    components,
    components_at,
    explain,
    explain_pairs,
    score_matrix,
)


def random_side(rng: np.random.Generator, n: int, *, topics: int = 12, slots: int = 15, languages: int = 4) -> Side:
    return Side(
        ids=np.arange(1, n + 1, dtype=np.int64),
        names=[f"Person {i}" for i in range(n)],
        levels=rng.integers(10, 70, n),
        departments=rng.integers(-1, 5, n),  # -1: no department
        department_names=[""] * n,
        tz_offsets=rng.choice([-8.0, -5.0, 0.0, 1.0, 2.0, 5.5, 9.0], n),
        modes=rng.integers(0, len(MODES), n),
        slots=rng.random((n, slots)) < 0.25,  # some people pick no slot at all
        languages=rng.random((n, languages)) < 0.5,
        styles=rng.integers(1, 6, (n, 3)).astype(np.float64),
        expertise=(rng.random((n, topics)) < 0.2) * rng.integers(1, 4, (n, topics)).astype(np.float64),
        interest=(rng.random((n, topics)) < 0.2) * rng.integers(1, 4, (n, topics)).astype(np.float64),
    )


def reference_topic_fit(teacher: Side, t: int, learner: Side, le: int) -> float:
    """Share of the learner's wishes (weighted by priority) the teacher covers (by confidence / 3)."""
    wishes = learner.interest[le].tolist()
    if sum(wishes) == 0:
        return 0.0
    offered = teacher.expertise[t].tolist()
    return sum(confidence / 3 * priority for confidence, priority in zip(offered, wishes, strict=True)) / sum(wishes)


def reference_components(juniors: Side, j: int, seniors: Side, s: int, *, peer_exchange: bool) -> dict[str, float]:
    topics = reference_topic_fit(juniors, j, seniors, s)
    if peer_exchange:
        topics = (topics + reference_topic_fit(seniors, s, juniors, j)) / 2
    j_slots, s_slots = set(np.flatnonzero(juniors.slots[j])), set(np.flatnonzero(seniors.slots[s]))
    fewer = min(len(j_slots), len(s_slots))
    slot_fit = len(j_slots & s_slots) / fewer if fewer else 0.0
    modes = {MODES[juniors.modes[j]], MODES[seniors.modes[s]]}
    mode_fit = 0.0 if modes == {"in_person", "remote"} else 1.0
    tz_fit = min(max(1 - abs(juniors.tz_offsets[j] - seniors.tz_offsets[s]) / MAX_TZ_HOURS, 0.0), 1.0)
    gap = sum(abs(juniors.styles[j][k] - seniors.styles[s][k]) for k in range(3)) / 3
    j_dept, s_dept = juniors.departments[j], seniors.departments[s]
    return {
        "topics": topics,
        "availability": 0.5 * slot_fit + 0.25 * mode_fit + 0.25 * tz_fit,
        "chemistry": 1 - gap / 4,
        "diversity": 0.0 if (j_dept == s_dept and j_dept >= 0) else 1.0,
    }


def reference_score(values: dict[str, float], weights: dict[str, float]) -> float:
    used = {name: max(weights.get(name, 0), 0) for name in COMPONENTS}
    return 100 * sum(used[name] * values[name] for name in COMPONENTS) / sum(used.values())


WEIGHTS = [
    {"topics": 45, "availability": 25, "chemistry": 15, "diversity": 15},
    {"topics": 0, "availability": 3, "chemistry": 0, "diversity": 1},  # components left out
    {"topics": 80, "availability": -5, "chemistry": 5},  # a negative weight counts as 0
]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("peer_exchange", [False, True])
def test_matrices_and_chosen_pairs_equal_the_per_pair_reference(seed, peer_exchange):
    rng = np.random.default_rng(seed)
    juniors, seniors = random_side(rng, int(rng.integers(1, 40))), random_side(rng, int(rng.integers(1, 40)))
    weights = WEIGHTS[seed % len(WEIGHTS)]
    parts = components(juniors, seniors, peer_exchange=peer_exchange)
    scores = score_matrix(juniors, seniors, weights, peer_exchange=peer_exchange)
    rows, cols = np.nonzero(np.ones((len(juniors), len(seniors)), dtype=bool))
    chosen = components_at(juniors, seniors, rows, cols, peer_exchange=peer_exchange)
    for k, (j, s) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        expected = reference_components(juniors, j, seniors, s, peer_exchange=peer_exchange)
        for name in COMPONENTS:
            assert math.isclose(parts[name][j, s], expected[name], rel_tol=1e-12, abs_tol=1e-12), (name, j, s)
            assert math.isclose(chosen[name][k], expected[name], rel_tol=1e-12, abs_tol=1e-12), (name, j, s)
        assert math.isclose(scores[j, s], reference_score(expected, weights), rel_tol=1e-12, abs_tol=1e-9), (j, s)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("block_cells", [1, 500, scoring.BLOCK_CELLS])
def test_score_matrix_is_combine_of_the_components_to_the_bit(seed, block_cells, monkeypatch):
    """A run's scores (and so its pairs and input digest) are those the four matrices gave,
    however many junior rows a block of the computation takes."""
    monkeypatch.setattr(scoring, "BLOCK_CELLS", block_cells)
    rng = np.random.default_rng(100 + seed)
    juniors, seniors = random_side(rng, 120), random_side(rng, 90)
    for weights in WEIGHTS:
        for peer_exchange in (False, True):
            expected = combine(components(juniors, seniors, peer_exchange=peer_exchange), weights)
            assert np.array_equal(score_matrix(juniors, seniors, weights, peer_exchange=peer_exchange), expected)


def test_empty_sides_and_no_positive_weight():
    rng = np.random.default_rng(7)
    for n_juniors, n_seniors in [(0, 3), (3, 0), (0, 0)]:
        scores = score_matrix(random_side(rng, n_juniors), random_side(rng, n_seniors), WEIGHTS[0])
        assert scores.shape == (n_juniors, n_seniors)
    with pytest.raises(ValueError, match="at least one weight must be positive"):
        score_matrix(random_side(rng, 2), random_side(rng, 2), {"topics": 0, "availability": -1})


def test_explanations_of_many_pairs_equal_those_of_each_pair():
    rng = np.random.default_rng(3)
    juniors, seniors = random_side(rng, 30), random_side(rng, 30)
    labels = Labels(
        topics=[f"Topic {t}" for t in range(12)],
        slots=[f"slot {t}" for t in range(15)],
        languages=["English", "German", "French", "Spanish"],
    )
    rows, cols = rng.integers(0, 30, 50).tolist(), rng.integers(0, 30, 50).tolist()
    together = explain_pairs(rows, cols, juniors, seniors, labels)
    for (j, s), explained in zip(zip(rows, cols, strict=True), together, strict=True):
        alone = explain(j, s, juniors, seniors, labels)
        assert explained == alone
        expected = reference_components(juniors, j, seniors, s, peer_exchange=False)
        for name in COMPONENTS:
            assert abs(explained["components"][name] - expected[name]) <= 0.0005 + 1e-9, name
        assert ("different departments" in render_all(explained["reasons"])) == (
            juniors.departments[j] >= 0 and seniors.departments[s] >= 0 and juniors.departments[j] != seniors.departments[s]
        )
    assert explain_pairs([], [], juniors, seniors, labels) == []
