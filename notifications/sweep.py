"""The periodic sweep: ask every registered collector what is due, write outbox rows
(deduplicated), send.

The database is the source of truth, so a sweep can run any number of times, on several
machines at once, or after a broker outage: every message is written once (its dedupe
key) and sent once (the claim in `notification_send`). Each collector runs on its own —
its own savepoint, its own error log — so one failing query delays only its own reminders.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from . import registry
from .services import Message, dispatch_due, notify_many

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    written: int
    enqueued: int
    failed_collectors: list[str] = field(default_factory=list)


def local_time(moment: datetime.datetime, tz_name: str) -> datetime.datetime:
    """`moment` in a person's time zone (UTC when theirs is unknown); for collectors."""
    try:
        return moment.astimezone(zoneinfo.ZoneInfo(tz_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return moment.astimezone(datetime.UTC)


def collect(now: datetime.datetime) -> tuple[list[Message], list[str]]:
    """Every registered collector's due messages, and the names of those that failed."""
    messages: list[Message] = []
    failed: list[str] = []
    for name, collector in registry.collectors().items():
        try:
            with transaction.atomic():
                messages.extend(collector(now))
        except Exception:
            logger.exception("notification collector %s failed; the others ran", name)
            failed.append(name)
    return messages, failed


def notifications_sweep(*, now: datetime.datetime | None = None, send: bool = True) -> SweepResult:
    """Write every due message, then enqueue what is queued (including retries and rows a
    broker outage left behind)."""
    now = now or timezone.now()
    messages, failed = collect(now)
    written = notify_many(messages, enqueue_after_commit=False)
    enqueued = dispatch_due() if send else 0
    return SweepResult(written=len(written), enqueued=enqueued, failed_collectors=failed)
