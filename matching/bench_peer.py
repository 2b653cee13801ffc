"""Peer exchange benchmark: `python -m matching.bench_peer [--sizes 100 250 500] [--seed 1] [--check]`.

Engine only, no database: for each size N it builds a random pool of N volunteers as
`matching.problem` would load them (levels from apprentice to executive, a reporting tree in
which about a third report to another volunteer, 12 departments, 10 % speaking only German,
topics, times, modes, time zones and working styles, a few private "rather not" lists), scores
it with `scoring.score_matrix` (topic fit both ways) and applies `scoring.peer_constraints`
(level gap 10). It prints one JSON line per size:

- volunteers, edges (allowed pairs), engine_s (`peer.solve_peer_pairs`, participation),
  pairs, total_score, proven and library;
- greedy_pairs / greedy_total_score: the best-pair-first baseline on the same matrices;
- with --check: milp_s / milp_total_score, HiGHS (scipy.optimize.milp) solving the same
  problem as an independent exact check (participation: most pairs, then best total).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence

import numpy as np

from . import peer
from .scoring import Side, peer_constraints, score_matrix

# matching.models.DEFAULT_WEIGHTS (a test keeps them equal): the models need Django, this does not.
WEIGHTS = {"topics": 45, "availability": 25, "chemistry": 15, "diversity": 15}
LEVELS = np.array([10, 20, 30, 40, 50, 60, 70])
N_TOPICS, N_SLOTS, N_LANGUAGES = 24, 15, 3  # as the catalog, the week grid and en/de/fr


def random_pool(n: int, rng: np.random.Generator) -> tuple[Side, list[tuple[int, int]], list[tuple[int, int]]]:
    """A pool of `n` volunteers, their reporting chains and private lists (as index pairs)."""
    levels = rng.choice(LEVELS, size=n, p=[0.1, 0.2, 0.2, 0.2, 0.15, 0.1, 0.05])
    languages = np.zeros((n, N_LANGUAGES), dtype=bool)
    german_only = rng.random(n) < 0.1
    languages[~german_only, 0] = True
    languages[:, 1] = german_only | (rng.random(n) < 0.3)
    languages[:, 2] = rng.random(n) < 0.1
    expertise, interest = np.zeros((n, N_TOPICS)), np.zeros((n, N_TOPICS))
    for matrix in (expertise, interest):
        for row in range(n):
            chosen = rng.choice(N_TOPICS, size=rng.integers(1, 5), replace=False)
            matrix[row, chosen] = rng.integers(1, 4, size=len(chosen))
    pool = Side(
        ids=np.arange(1, n + 1, dtype=np.int64),
        names=[f"Volunteer {i}" for i in range(n)],
        levels=levels.astype(np.int64),
        departments=rng.integers(0, 12, size=n).astype(np.int64),
        department_names=[""] * n,
        tz_offsets=rng.choice([-5.0, 0.0, 1.0, 2.0], size=n, p=[0.15, 0.25, 0.5, 0.1]),
        modes=rng.integers(0, 3, size=n).astype(np.int64),
        slots=rng.random((n, N_SLOTS)) < 0.3,
        languages=languages,
        styles=rng.integers(1, 6, size=(n, 3)).astype(np.float64),
        expertise=expertise,
        interest=interest,
    )
    # A third report to a volunteer of a higher level; chains are every ancestor.
    manager = np.full(n, -1)
    for person in np.flatnonzero(rng.random(n) < 1 / 3):
        above = np.flatnonzero(levels > levels[person])
        if len(above):
            manager[person] = rng.choice(above)
    chains = []
    for row in range(n):
        boss = int(manager[row])
        while boss >= 0:
            chains.append((row, boss))
            boss = int(manager[boss])
    private = [(int(a), int(b)) for a, b in rng.integers(0, n, size=(n // 20, 2)) if a != b]
    return pool, chains, private


def _milp(scores: np.ndarray, allowed: np.ndarray) -> tuple[float, list[tuple[int, int]]]:
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    n = len(scores)
    rows, cols = np.nonzero(np.triu(allowed, 1))
    edges = len(rows)
    incidence = csr_matrix((np.ones(2 * edges), (np.concatenate([rows, cols]), np.tile(np.arange(edges), 2))), shape=(n, edges))
    big = float(np.abs(scores[rows, cols]).sum()) + 1.0  # one more pair outweighs any total
    started = time.perf_counter()
    result = milp(
        -(big + scores[rows, cols]),
        constraints=LinearConstraint(incidence, 0, 1),
        integrality=np.ones(edges),
        bounds=Bounds(0, 1),
    )
    seconds = time.perf_counter() - started
    if result.x is None or result.status != 0:
        raise RuntimeError(f"HiGHS did not prove an optimum: {result.message}")
    chosen = np.flatnonzero(result.x > 0.5)
    return seconds, [(int(rows[e]), int(cols[e])) for e in chosen]


def measure(size: int, seed: int, *, check: bool = False) -> dict:
    rng = np.random.default_rng(seed + size)
    pool, chains, private = random_pool(size, rng)
    scores = score_matrix(pool, pool, WEIGHTS, peer_exchange=True)
    scores = (scores + scores.T) / 2.0
    limits = peer_constraints(
        pool,
        partners="level",
        min_level_gap=10,
        generations=np.full(size, -1),
        chain_pairs=chains,
        excluded_pairs=(),
        private_pairs=private,
    )
    allowed = limits.allowed
    started = time.perf_counter()
    result = peer.solve_peer_pairs(scores, allowed)
    engine_s = time.perf_counter() - started
    greedy = peer.greedy_peer_pairs(scores, allowed)

    def total(pairs: Sequence[tuple[int, int]]) -> float:
        return round(float(sum(scores[a, b] for a, b in pairs)), 1)

    line = {
        "volunteers": size,
        "edges": int(np.triu(allowed, 1).sum()),
        "engine_s": round(engine_s, 3),
        "pairs": len(result.pairs),
        "total_score": total(result.pairs),
        "proven": result.proven_optimal,
        "library": result.method,
        "greedy_pairs": len(greedy),
        "greedy_total_score": total(greedy),
    }
    if check:
        milp_s, milp_pairs = _milp(scores, allowed)
        line |= {"milp_s": round(milp_s, 3), "milp_pairs": len(milp_pairs), "milp_total_score": total(milp_pairs)}
    return line


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 250, 500])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="also solve with HiGHS (scipy) as an independent exact check")
    args = parser.parse_args(argv)
    for size in args.sizes:
        print(json.dumps(measure(size, args.seed, check=args.check)), flush=True)


if __name__ == "__main__":
    main()
