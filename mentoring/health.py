"""Liveness of what the site depends on, for load balancers and monitoring."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


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
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as exc:
        logger.warning("health check: broker unavailable: %s", exc)
        return "error"
    return "ok"


def health_report() -> tuple[bool, dict[str, str]]:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value in {"ok", "eager"} for value in checks.values())
    return healthy, {"status": "ok" if healthy else "error", **checks}
