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


def publish(task: Any, ids: Sequence[int], *, batch_size: int = 1) -> int:
    """Send `task(batch)` for each run of `batch_size` ids in order (a list of ids per task, or
    `task(pk)` with the default batch size of 1); return how many ids were handed over (a
    prefix of `ids`)."""
    if not ids:
        return 0
    app = task.app
    batches = [list(ids[start : start + batch_size]) for start in range(0, len(ids), batch_size)]
    arguments = [(batch,) if batch_size > 1 else (batch[0],) for batch in batches]
    if app.conf.task_always_eager:  # no broker: the task runs here and now
        return _run_eagerly(task, arguments)
    if breaker.open:
        logger.info("broker paused after a failure, %s notification(s) stay queued", len(ids))
        return 0
    timeout = settings.BROKER_PUBLISH_TIMEOUT
    count = 0
    try:
        with app.connection_for_write(
            transport_options={"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0}
        ) as connection:
            for args in arguments:
                task.apply_async(args, connection=connection, retry=False)
                count += _size(args)
    except Exception as exc:  # kombu/redis/socket errors: the broker is unreachable or hanging
        breaker.trip()
        logger.warning("broker unavailable, %s notification(s) stay queued (next try in %g s): %s", len(ids) - count, breaker.pause, exc)
    return count


def _size(args: tuple[Any]) -> int:
    return len(args[0]) if isinstance(args[0], list) else 1


def _run_eagerly(task: Any, arguments: Sequence[tuple[Any]]) -> int:
    count = 0
    for args in arguments:
        try:
            task.apply_async(args)
        except Exception as exc:  # the rows stay queued; the dispatcher tries again
            logger.warning("notification(s) %s could not be sent in-process, they stay queued: %s", args[0], exc)
            return count
        count += _size(args)
    return count
