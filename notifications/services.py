"""The e-mail outbox: reliable, idempotent, respectful.

- `notify` / `notify_many` write `Notification` rows; the UNIQUE dedupe key makes a
  second write of the same message a no-op. Rows are enqueued after the transaction
  commits, so a rolled-back change sends nothing.
- `enqueue` hands row ids to Celery. If the broker is down it logs and returns: the
  web request succeeds, the rows stay queued, the next sweep sends them.
- `notification_send` claims one row with a lease (a token every write-back names, so only
  one sender wins and a late one overwrites nothing), renders the mail from ids at send
  time, sends, and records the result; temporary failures are retried with exponential
  backoff up to NOTIFICATION_MAX_ATTEMPTS, permanent ones fail at once, both for HR to see
  and resend. `notifications_send` does that for a batch over one SMTP connection.
- `outbox_purge` deletes sent and skipped rows after NOTIFICATION_RETENTION_DAYS (daily).
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from mentoring.models import User
from mentoring.site import request_site_url

from . import registry
from .emails import SITE_URL_KEY, UNSUBSCRIBE_SALT, render
from .models import EmailPreference, Notification
from .selectors import preferences_of
from .smtp import Failure, Outcome, classify

logger = logging.getLogger(__name__)
S = Notification.Status
# Queued rows handed to the broker longer ago than this are handed over again (a lost message).
REENQUEUE_AFTER_MINUTES = 10


@dataclass(frozen=True)
class Message:
    recipient_id: int
    kind: str
    dedupe_key: str
    context: dict
    program_id: int | None = None


def _disabled(user_ids: Iterable[int]) -> dict[int, set[str]]:
    """Kinds each recipient switched off. For a large batch (a sweep) every non-empty preference
    is read, which is one small query, instead of a list of thousands of ids."""
    ids = set(user_ids)
    preferences = EmailPreference.objects.exclude(disabled_kinds=[])
    if len(ids) <= 900:
        preferences = preferences.filter(user_id__in=ids)
    return {user_id: set(kinds) for user_id, kinds in preferences.values_list("user_id", "disabled_kinds") if user_id in ids}


# Columns a Message fills; every other column of a new row takes its model default.
_MESSAGE_COLUMNS = ("recipient_id", "kind", "dedupe_key", "context", "program_id")


def notify_many(messages: Iterable[Message], *, enqueue_after_commit: bool = True) -> list[int]:
    """Write outbox rows in bulk (a fixed number of queries per batch); return the new ids.

    A message whose dedupe key is already in the outbox is not written again (also when a
    concurrent sweep writes it at the same moment). Optional kinds the recipient switched off
    are not written at all.
    """
    messages = list(messages)
    if not messages:
        return []
    site = request_site_url()
    if site:  # written during a request: the mail links to the host that served it
        messages = [replace(m, context={**m.context, SITE_URL_KEY: site}) for m in messages]
    disabled = _disabled(m.recipient_id for m in messages)
    essential = registry.essential_keys()
    wanted: dict[str, Message] = {}
    for message in messages:
        if message.kind in essential or message.kind not in disabled.get(message.recipient_id, set()):
            wanted.setdefault(message.dedupe_key, message)
    insert = _insert_returning_new if connection.vendor == "postgresql" else _insert_new
    ids = insert(list(wanted.values()))
    if enqueue_after_commit and ids:
        transaction.on_commit(lambda: hand_over(ids))
    return ids


def _insert_new(messages: list[Message]) -> list[int]:
    """Any database: skip the keys already written, insert the rest, read back their ids."""
    keys = [m.dedupe_key for m in messages]
    existing: set[str] = set()
    for start in range(0, len(keys), 900):
        existing.update(Notification.objects.filter(dedupe_key__in=keys[start : start + 900]).values_list("dedupe_key", flat=True))
    fresh = [
        Notification(recipient_id=m.recipient_id, kind=m.kind, dedupe_key=m.dedupe_key, context=m.context, program_id=m.program_id)
        for m in messages
        if m.dedupe_key not in existing
    ]
    # ignore_conflicts: a concurrent sweep may have written the same key a moment ago.
    Notification.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    new_keys = [n.dedupe_key for n in fresh]
    ids: list[int] = []
    for start in range(0, len(new_keys), 900):
        ids += list(Notification.objects.filter(dedupe_key__in=new_keys[start : start + 900], status=S.QUEUED).values_list("pk", flat=True))
    return ids


def _insert_returning_new(messages: list[Message]) -> list[int]:
    """PostgreSQL: one INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING id
    per 5,000 messages. A column per field as one array parameter, instead of a parameter per
    field per row (10,000 reminders took 1.6 s with bulk_create and the key checks around it),
    and the database itself tells which keys were new."""
    template = Notification()  # every other column: its model default, the same for all rows
    fields = {f.attname: f for f in Notification._meta.concrete_fields if not f.primary_key}
    constant = [name for name in fields if name not in _MESSAGE_COLUMNS]
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in (*constant, *_MESSAGE_COLUMNS))
    selected = ", ".join(
        [f"%s::{fields[name].db_type(connection)}" for name in constant] + [f"v.{connection.ops.quote_name(n)}" for n in _MESSAGE_COLUMNS]
    )
    arrays = ", ".join(f"%s::{fields[name].db_type(connection)}[]" for name in _MESSAGE_COLUMNS)
    table = connection.ops.quote_name(Notification._meta.db_table)
    key_column = connection.ops.quote_name(fields["dedupe_key"].column)
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {selected} FROM unnest({arrays}) AS v({', '.join(_MESSAGE_COLUMNS)}) "
        f"ON CONFLICT ({key_column}) DO NOTHING RETURNING {connection.ops.quote_name(Notification._meta.pk.column)}"
    )
    defaults = [fields[name].get_db_prep_save(getattr(template, name), connection) for name in constant]
    context_field = fields["context"]
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(messages), 5000):
            chunk = messages[start : start + 5000]
            cursor.execute(
                sql,
                [
                    *defaults,
                    [m.recipient_id for m in chunk],
                    [m.kind for m in chunk],
                    [m.dedupe_key for m in chunk],
                    [context_field.get_db_prep_save(m.context, connection) for m in chunk],
                    [m.program_id for m in chunk],
                ],
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def notify(*, recipient: User, kind: str, dedupe_key: str, context: dict[str, Any], program: Any = None) -> int | None:
    ids = notify_many([Message(recipient.pk, kind, dedupe_key, context, getattr(program, "pk", program))])
    return ids[0] if ids else None


def enqueue(ids: Iterable[int]) -> int:
    """Hand rows to Celery; return how many (the first ones of `ids`). On a broker outage the
    rest stay queued for the dispatcher, and the caller waits at most one short timeout."""
    from .broker import publish
    from .tasks import send_notifications

    return publish(send_notifications, list(ids), batch_size=settings.NOTIFICATION_BATCH_SIZE)


def hand_over(ids: list[int]) -> int:
    """Enqueue rows and note when, so the dispatcher re-sends only what the broker may have lost."""
    now = timezone.now()
    # Marked before publishing: a quick worker may be done (and have cleared the mark on a
    # retry) before we hear back from the broker.
    for start in range(0, len(ids), 900):
        Notification.objects.filter(pk__in=ids[start : start + 900]).update(enqueued_at=now)
    count = enqueue(ids)
    for start in range(count, len(ids), 900):
        Notification.objects.filter(pk__in=ids[start : start + 900], enqueued_at=now).update(enqueued_at=None)
    return count


def dispatch_due(*, limit: int = 5000) -> int:
    """Hand the sender what is due and not on its way: queued rows never handed over (a broker
    outage) or handed over long ago (a lost message), and rows whose sender's lease ran out
    (a worker that died or hung). Runs every NOTIFICATION_DISPATCH_SECONDS from beat, so a dead
    worker's mail goes out within about a minute: its lease plus one dispatch period."""
    now = timezone.now()
    lost = now - datetime.timedelta(minutes=REENQUEUE_AFTER_MINUTES)
    queued = Notification.objects.filter(status=S.QUEUED, next_attempt_at__lte=now).filter(Q(enqueued_at=None) | Q(enqueued_at__lt=lost))
    expired = Notification.objects.filter(status=S.SENDING, lease_until__lt=now)
    ids = list(queued.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    ids += list(expired.order_by("lease_until", "pk").values_list("pk", flat=True)[: max(limit - len(ids), 0)])
    return hand_over(ids)


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=2 ** max(attempts - 1, 0))


def clock() -> float:
    """This process's monotonic clock (a name of its own, so tests can move it)."""
    return time.monotonic()


@dataclass(frozen=True)
class Claim:
    """A sender's hold on one row: `held` matches the row only while the lease is ours."""

    pk: int
    token: uuid.UUID
    at: float = field(default_factory=lambda: clock())  # when it was taken, by `clock`

    @property
    def held(self) -> QuerySet[Notification]:
        return Notification.objects.filter(pk=self.pk, claim_token=self.token)


def _lease(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)


def _claim_rows(pks: Sequence[int]) -> list[tuple[Claim, Notification]]:
    """Take the rows of `pks` that are free for sending — queued and due, or held by a sender
    whose lease ran out — with one conditional UPDATE, so of any number of senders exactly one
    wins each row; then read them (with their recipients) in one query. In the order of `pks`."""
    if not pks:
        return []
    now = timezone.now()
    claimable = Q(status=S.QUEUED, next_attempt_at__lte=now) | Q(status=S.SENDING, lease_until__lt=now)
    token = uuid.uuid4()
    won = Notification.objects.filter(claimable, pk__in=pks).update(
        status=S.SENDING, claim_token=token, lease_until=_lease(now), claimed_at=now, attempts=F("attempts") + 1
    )
    if not won:
        return []
    taken_at = clock()
    claimed = Notification.objects.select_related("recipient", "program").filter(pk__in=pks, claim_token=token)
    rows = {row.pk: row for row in claimed}
    return [(Claim(pk=pk, token=token, at=taken_at), rows[pk]) for pk in dict.fromkeys(pks) if pk in rows]


def notification_claim(pk: int) -> Claim | None:
    """Take one row for sending (see `_claim_rows`); None when another sender has it or it is not due."""
    claimed = _claim_rows([pk])
    return claimed[0][0] if claimed else None


def _release(claim: Claim, **fields: Any) -> bool:
    """Write the outcome back only if the lease is still ours; False when it was lost."""
    written = claim.held.update(claim_token=None, lease_until=None, **fields)
    if not written:
        logger.warning("notification %s: the lease was lost; another sender has the row, nothing overwritten", claim.pk)
    return bool(written)


def notification_send(pk: int, *, connection: BaseEmailBackend | None = None) -> str:
    """Send one row at most once per claim, and record what happened. Returns its new status.

    Exactly once, but for one window: when the server accepted the mail (its "250 OK") and
    this process died before the row was marked sent, the next sender sends it again after
    the lease. That copy carries the same Message-ID, so mail clients show it once.

    `connection`: an e-mail backend to send through and keep open (a batch shares one SMTP
    connection); without it the mail opens and closes its own.
    """
    claimed = _claim_rows([pk])
    if not claimed:
        return "not-claimed"  # sent already, not due yet, or another sender holds it
    return _send_claimed(*claimed[0], connection)[0]


def _send_claimed(claim: Claim, notification: Notification, connection: BaseEmailBackend | None) -> tuple[str, bool]:
    """(the row's new status, whether sending raised: the connection may be unusable)."""
    try:
        message = render(notification)
    except Exception as exc:  # a builder's bug or a lost template: retry like a temporary failure
        return _failed(claim, notification, Failure(Outcome.TEMPORARY, f"{type(exc).__name__}: {exc}")), False
    if message is None:
        _release(claim, status=S.SKIPPED)
        return S.SKIPPED, False
    # Last look before the point of no return. A claim younger than the lease minus the send
    # time limit still covers any send the time limit allows; an older one is renewed first,
    # or, when it was taken over meanwhile, this sender stops.
    old_claim = clock() - claim.at > settings.NOTIFICATION_LEASE_SECONDS - settings.NOTIFICATION_SEND_TIME_LIMIT
    if old_claim and not claim.held.filter(lease_until__gt=timezone.now()).update(lease_until=_lease(timezone.now())):
        logger.warning("notification %s: lease lost before sending; not sent by this worker", claim.pk)
        return "lease-lost", False
    try:
        if connection is not None:
            connection.open()  # no-op while open; connecting is part of sending (its errors too)
            message.connection = connection
        message.send()
    except Exception as exc:
        return _failed(claim, notification, classify(exc)), True
    if not _release(claim, status=S.SENT, sent_at=timezone.now(), last_error=""):
        logger.error("notification %s was sent after its lease ran out: a second copy may follow (same Message-ID)", claim.pk)
    return S.SENT, False


def notifications_send(pks: Sequence[int], *, budget: float | None = None) -> Counter[str]:
    """Send a batch of rows over one mail-server connection; return how many ended how.

    The batch is claimed at once (one UPDATE, one SELECT); then each row is checked, sent and
    recorded on its own exactly as `notification_send` does, only the connection is shared (a
    new one per mail cost most of the time). After a failed send the connection is dropped
    and the next row opens a fresh one. A batch stops after `budget` seconds
    (NOTIFICATION_BATCH_SECONDS): the rows it did not reach are released and handed over
    again, so the task ends well inside its time limit, and so inside every lease it took.
    """
    budget = settings.NOTIFICATION_BATCH_SECONDS if budget is None else budget
    started = clock()
    claimed = _claim_rows(pks)
    outcomes: Counter[str] = Counter()
    if len(claimed) < len(set(pks)):
        outcomes["not-claimed"] = len(set(pks)) - len(claimed)
    connection: BaseEmailBackend | None = None
    try:
        for index, (claim, notification) in enumerate(claimed):
            if clock() - started > budget:
                rest = [c for c, _row in claimed[index:]]
                _unclaim(rest)
                logger.info("batch over its %g s budget: %s notification(s) handed over again", budget, len(rest))
                hand_over([c.pk for c in rest])
                outcomes["handed-over"] += len(rest)
                break
            if connection is None:
                connection = get_connection()
            status, broken = _send_claimed(claim, notification, connection)
            outcomes[status] += 1
            if broken:
                _close_quietly(connection)
                connection = None
    finally:
        if connection is not None:
            _close_quietly(connection)
    return outcomes


def _unclaim(claims: Sequence[Claim]) -> None:
    """Give back rows this sender claimed and never tried: queued again, the attempt not counted."""
    if claims:
        Notification.objects.filter(pk__in=[c.pk for c in claims], claim_token=claims[0].token).update(
            status=S.QUEUED, claim_token=None, lease_until=None, attempts=F("attempts") - 1
        )


def _close_quietly(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except Exception as exc:  # a connection that already failed may fail to say goodbye too
        logger.info("closing the mail connection failed: %s", exc)


def _failed(claim: Claim, notification: Notification, failure: Failure) -> str:
    reason = failure.reason[:2000]
    if failure.outcome is Outcome.POSSIBLY_DELIVERED:
        status = S.UNCERTAIN
        logger.warning("notification %s possibly delivered, not retried: %s", claim.pk, reason)
        _release(claim, status=status, last_error=reason)
    elif failure.outcome is Outcome.PERMANENT or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        status = S.FAILED
        logger.error("notification %s failed for good: %s", claim.pk, reason)
        _release(claim, status=status, last_error=reason)
    else:
        status = S.QUEUED
        _release(claim, status=status, last_error=reason, next_attempt_at=timezone.now() + backoff(notification.attempts), enqueued_at=None)
    return status


def notification_resend(*, notification: Notification) -> Notification:
    """HR gives a failed (or possibly delivered) message another round of attempts."""
    updated = Notification.objects.filter(pk=notification.pk, status__in=[S.FAILED, S.UNCERTAIN]).update(
        status=S.QUEUED, attempts=0, next_attempt_at=timezone.now(), last_error="", enqueued_at=None
    )
    if updated:
        transaction.on_commit(lambda: hand_over([notification.pk]))
    notification.refresh_from_db()
    return notification


PURGE_BATCH = 1000


def outbox_purge(*, now: datetime.datetime | None = None, batch_size: int = PURGE_BATCH) -> int:
    """Delete sent and skipped rows written more than NOTIFICATION_RETENTION_DAYS ago; return how many.

    Failed rows stay for HR to see and resend, queued and sending ones until they are sent. The
    rows go in small batches, each its own short DELETE, so a large outbox is never locked for
    long and the senders keep working meanwhile. No index serves this daily query on purpose:
    one over every sent row would cost each send a write for the sake of one query a day.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    done = [S.SENT, S.SKIPPED]
    old = Notification.objects.filter(status__in=done, created_at__lt=cutoff).filter(Q(sent_at=None) | Q(sent_at__lt=cutoff))
    deleted = 0
    while True:
        ids = list(old.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if ids:
            deleted += Notification.objects.filter(pk__in=ids, status__in=done).delete()[0]
        if len(ids) < batch_size:
            return deleted


# --- preferences -------------------------------------------------------------------------------
def preferences_update(*, user: User, disabled: Iterable[str]) -> EmailPreference:
    kinds = sorted({kind for kind in disabled if kind in registry.optional_keys()})  # essential kinds cannot be switched off
    preference, _created = EmailPreference.objects.update_or_create(user=user, defaults={"disabled_kinds": kinds})
    return preference


def unsubscribe(token: str) -> tuple[User, str]:
    """Switch one optional kind off from a signed link; raises signing.BadSignature or ValueError."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
    user = User.objects.get(pk=data["u"])
    kind = data["k"]
    if kind not in registry.optional_keys():
        raise ValueError("essential messages cannot be unsubscribed")
    preferences_update(user=user, disabled=preferences_of(user=user) | {kind})
    return user, kind
