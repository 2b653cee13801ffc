"""Group matching benchmark: `python -m matching.bench_groups [--sizes 12x4 40x12 150x50 1000x300]`.

Engine only (no database), on the instances issue 15 measured the old model with: random scores
0–100 (one decimal) and about 10 % of junior–senior pairs disallowed, groups of 3–4 juniors and
1–2 seniors. Each size gets the time limit the issue sets for it (5 s, 30 s, 60 s; 20 s for other
sizes) unless `--time-limit` says otherwise. One JSON line per size and seed: time, groups,
juniors placed, whether it is proven optimal, the proven gap, the value found, the proven bound,
and the constructive start alone (the "greedy" baseline: assignment to seniors, then co-leads).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence

import numpy as np

from .group_engine import GroupLimits, solve_groups

TIME_LIMITS = {(40, 12): 5.0, (150, 50): 30.0, (1000, 300): 60.0}


def instance(juniors: int, seniors: int, seed: int, disallowed: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return np.round(rng.random((juniors, seniors)) * 100, 1), rng.random((juniors, seniors)) > disallowed


def measure(juniors: int, seniors: int, seed: int, time_limit: float | None = None) -> dict:
    scores, allowed = instance(juniors, seniors, seed)
    limit = time_limit if time_limit is not None else TIME_LIMITS.get((juniors, seniors), 20.0)
    started = time.perf_counter()
    result = solve_groups(scores, allowed, GroupLimits(), time_limit=limit)
    seconds = time.perf_counter() - started
    return {
        "juniors": juniors,
        "seniors": seniors,
        "seed": seed,
        "time_limit_s": limit,
        "seconds": round(seconds, 2),
        "groups": len(result.groups),
        "placed": sum(len(group.juniors) for group in result.groups),
        "proven_optimal": result.proven_optimal,
        "gap_percent": None if result.optimality_gap is None else round(100 * result.optimality_gap, 3),
        "value": round(result.value, 1),
        "bound": None if result.bound is None else round(result.bound, 1),
        "model": result.stats.get("mode"),
        "start_placed": result.stats.get("start_placed"),
        "start_value": round(result.stats.get("start_value", 0.0), 1),
    }


def _size(text: str) -> tuple[int, int]:
    juniors, _x, seniors = text.lower().partition("x")
    return int(juniors), int(seniors)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_size, nargs="+", default=[(12, 4), (40, 12), (150, 50), (1000, 300)])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args(argv)
    for juniors, seniors in args.sizes:
        for seed in args.seeds:
            print(json.dumps(measure(juniors, seniors, seed, args.time_limit)), flush=True)


if __name__ == "__main__":
    main()
