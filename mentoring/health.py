"""What the site depends on, and which part of it is down, for load balancers and monitoring.

The database is what the site cannot serve without. The broker (Redis) and the cache are not:
while the broker is down mail waits in the outbox, and the cache degrades or lives in the
database anyway. So a failing broker or cache reports "degraded" with 200, and only a failing
database answers 503. Each probe runs in its own thread with a deadline, so a dependency that
hangs instead of refusing costs /healthz at most PROBE_SECONDS.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections

from .cache import ResilientRedisCache

logger = logging.getLogger(__name__)
# How long a probe may take before its dependency counts as down.
PROBE_SECONDS = 2.0
# A Redis probe's own connect and read timeouts: shorter than the deadline, so it reports its
# own error rather than being abandoned.
REDIS_TIMEOUT = 1.0


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        logger.warning("health check: database unavailable: %s", exc)
        return "error"
    return "ok"


def broker_status() -> str:
    """ "ok" when Redis answers; "eager" when no broker is configured (tasks run in-process)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "unknown"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as exc:
        logger.warning("health check: broker unavailable: %s", exc)
        return "error"
    return "ok"


def cache_status() -> str:
    backend = caches["default"]
    try:
        if isinstance(backend, ResilientRedisCache):
            backend.ping()  # past its breaker: the cache itself would only quietly degrade
        else:
            backend.get("healthz-probe")
    except Exception as exc:
        logger.warning("health check: cache unavailable: %s", exc)
        return "error"
    return "ok"


def _run_with_deadline(probes: dict[str, Callable[[], str]], seconds: float) -> dict[str, str]:
    results: dict[str, str] = {}

    def run(name: str, probe: Callable[[], str]) -> None:
        try:
            results[name] = probe()
        except Exception as exc:
            logger.warning("health check: %s probe failed: %s", name, exc)
            results[name] = "error"
        finally:
            connections.close_all()  # this thread's own connections

    threads = [threading.Thread(target=run, args=(name, probe), name=f"healthz-{name}", daemon=True) for name, probe in probes.items()]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    report = {}
    for name in probes:
        if name not in results:
            logger.warning("health check: %s did not answer within %g s", name, seconds)
        report[name] = results.get(name, "error")
    return report


def health_report() -> tuple[bool, dict[str, str]]:
    """(the site can serve requests, the report): 200 and "ok" or "degraded" while the database
    answers, with the failing parts named; 503 and "error" when it does not."""
    checks = _run_with_deadline({"database": database_status, "broker": broker_status, "cache": cache_status}, PROBE_SECONDS)
    serving = checks["database"] == "ok"
    if not serving:
        status = "error"
    elif all(value in {"ok", "eager"} for value in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return serving, {"status": status, **checks}
