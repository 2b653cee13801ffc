"""What every section shares: the run's state, the rows of the table, timing pages as HR."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "scale-bench.test"  # every person the benchmark makes has an address here
HR_EMAIL = f"hr@{DOMAIN}"


class BenchError(Exception):
    """A measurement that could not be taken (shown as ERROR in the table)."""


@dataclass
class Row:
    measure: str
    result: str
    target: str
    verdict: str  # PASS, MISS, ERROR, SKIP or INFO (a figure for comparison)


@dataclass
class Bench:
    args: argparse.Namespace
    meta: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-scale-")))
    production: dict[str, str] | None = None  # the environment of gunicorn and the workers, once prepared

    def row(self, measure: str, result: str, target: str, passed: bool | None, *, info: bool = False) -> None:
        verdict = "INFO" if info else "SKIP" if passed is None else "PASS" if passed else "MISS"
        self.rows.append(Row(measure, result, target, verdict))
        print(f"   {verdict:5} {measure}: {result} (target {target})", flush=True)


def scaled(value: float, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(value * scale))


# --- measuring ---------------------------------------------------------------------------------
@dataclass
class Timing:
    median_ms: float
    queries: int
    size: int
    body: bytes


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def counted(queries) -> int:
    """Queries a request ran, without the savepoints its atomic blocks make inside our own transaction."""
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")))


def time_get(client, url: str, runs: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # the warm-up, whose queries are counted
        body = body_of(response)
    count = counted(queries)  # now: the next request clears the connection's query log
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code} {response.get('Location', '')}".strip())
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        body_of(client.get(url))
        times.append(time.perf_counter() - started)
    return Timing(statistics.median(times) * 1000, count, len(body), body)


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def kb(size: int) -> str:
    return f"{size / 1000:,.0f} kB" if size >= 10_000 else f"{size / 1000:.1f} kB"


def view_row(bench: Bench, label: str, timing: Timing, limit_ms: float, extra: str = "") -> None:
    result = f"{ms(timing.median_ms)} median · {timing.queries} queries · {kb(timing.size)}{extra}"
    bench.row(label, result, f"≤ {limit_ms:,.0f} ms", timing.median_ms <= limit_ms)


def hr_client(bench: Bench):
    from django.test import Client

    from mentoring.models import User

    client = Client()
    client.force_login(User.objects.get(pk=bench.meta["hr"]))
    return client


def rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
