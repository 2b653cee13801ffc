"""The scale benchmark keeps working end to end at a tiny size (its figures belong in README,
not in tests), and it never touches a database that is not its own."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = {
    "HR program list": "program-list",
    "HR dashboard, ": "dashboard",
    "HR dashboard memory": "dashboard",
    "Printable report": "report",
    "Dashboard CSV `pairs`": "report",
    "Matching run": "matching-run",
    "Matching review page": "review",
    "Approving": "approve",
    "People import": "import",
    "Reminder sweep": "sweep",
    "Mail throughput": "mail",
    "HR dashboard under gunicorn": "gunicorn",
}

pytestmark = pytest.mark.bench


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "BENCH_DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-m", "portal.bench_scale", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=600
    )


def test_every_section_measures_a_tiny_company_on_sqlite():
    result = run("--scale", "0.01", "--sqlite", "--runs", "1", "--memory-repeats", "4", "--load-seconds", "1", "--mails", "30")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = [line for line in result.stdout.splitlines() if line.startswith("| ") and not line.startswith("| Measurement")]
    for label, section in SECTIONS.items():
        rows = [row for row in table if row.startswith(f"| {label}")]
        assert rows, f"no row for {label!r} (section {section})"
        for row in rows:
            verdict = row.rstrip(" |").rsplit("| ", 1)[-1]
            assert verdict in {"PASS", "MISS"} or (verdict == "SKIP" and section == "mail"), row
    assert not [row for row in table if row.endswith("| ERROR |")], "\n".join(table)
    people, depth = re.search(r"([\d,]+) people in a reporting tree (\d+) levels deep", result.stdout).groups()
    assert 100 <= int(people.replace(",", "")) <= 110 and 6 <= int(depth) <= 8


def test_without_postgresql_it_refuses_or_falls_back():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = f"postgres://postgres@127.0.0.1:{port}/bench_scale_absent"
    refused = run("--only", "program-list", BENCH_DATABASE_URL=closed)
    assert refused.returncode == 2 and "No PostgreSQL reachable" in refused.stderr and "--sqlite" in refused.stderr
    fallback = run("--only", "program-list", "--scale", "0.01", "--sqlite-if-no-postgres", BENCH_DATABASE_URL=closed)
    assert fallback.returncode == 0, fallback.stderr[-2000:]
    assert "on SQLite" in fallback.stdout and "| HR program list" in fallback.stdout


def test_it_never_drops_a_database_that_is_not_a_bench_database():
    result = run("--only", "program-list", BENCH_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    assert result.returncode != 0 and "must start with 'bench'" in result.stderr
