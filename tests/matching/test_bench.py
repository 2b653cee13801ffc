"""The benchmark script keeps working (its figures belong in README, not in tests)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.bench


def test_benchmark_prints_one_json_line_per_size():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run(
        [sys.executable, "-m", "matching.bench", "--sizes", "12", "30"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [line["juniors"] for line in lines] == [12, 30]
    for line in lines:
        assert line["matches"] > 0 and line["total_score"] >= line["greedy_total_score"] - 1e-6
        assert {"engine_s", "end_to_end_s", "queries"} <= set(line)


def test_group_benchmark_prints_one_json_line_per_size(capsys):
    from matching import bench_groups

    bench_groups.main(["--sizes", "12x4", "40x12", "--seeds", "0", "1"])
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [(line["juniors"], line["seed"]) for line in lines] == [(12, 0), (12, 1), (40, 0), (40, 1)]
    for line in lines:
        assert line["placed"] == line["juniors"] and line["proven_optimal"] and line["gap_percent"] == 0.0
        assert line["value"] >= line["start_value"] and line["bound"] >= line["value"]
