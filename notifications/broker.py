"""Handing tasks to the broker without letting a broker outage slow a web request down.

Publishing uses a connection of its own with short timeouts (BROKER_PUBLISH_TIMEOUT), so the
worker keeps Celery's longer ones for waiting on tasks, and no retries. After a failure a
circuit breaker skips the broker for BROKER_PUBLISH_PAUSE seconds: a frozen Redis costs each
process at most one short timeout per pause. Nothing is lost meanwhile: what was not handed
over stays queued in the outbox and the dispatcher hands it over later.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from mentoring.circuit import CircuitBreaker

logger = logging.getLogger(__name__)
breaker = CircuitBreaker("broker", pause=settings.BROKER_PUBLISH_PAUSE)


def publish(task: Any, ids: Sequence[int]) -> int:
    """Send `task(pk)` for each id in order; return how many were handed over (a prefix of `ids`)."""
    if not ids:
        return 0
    app = task.app
    if app.conf.task_always_eager:  # no broker: the task runs here and now
        return _run_eagerly(task, ids)
    if breaker.open:
        logger.info("broker paused after a failure, %s notification(s) stay queued", len(ids))
        return 0
    timeout = settings.BROKER_PUBLISH_TIMEOUT
    count = 0
    try:
        with app.connection_for_write(
            transport_options={"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0}
        ) as connection:
            for pk in ids:
                task.apply_async((pk,), connection=connection, retry=False)
                count += 1
    except Exception as exc:  # kombu/redis/socket errors: the broker is unreachable or hanging
        breaker.trip()
        logger.warning("broker unavailable, %s notification(s) stay queued (next try in %g s): %s", len(ids) - count, breaker.pause, exc)
    return count


def _run_eagerly(task: Any, ids: Sequence[int]) -> int:
    count = 0
    for pk in ids:
        try:
            task.apply_async((pk,))
        except Exception as exc:  # the row stays queued; the dispatcher tries again
            logger.warning("notification %s could not be sent in-process, it stays queued: %s", pk, exc)
            return count
        count += 1
    return count
