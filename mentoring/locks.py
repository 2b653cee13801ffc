"""Named locks for work that must never run twice at once, across every web process and worker.

`exclusive(name)` waits until no other transaction holds `name`, then holds it until the current
transaction commits or rolls back. What is read after it is what the previous holder left.

- PostgreSQL: a transaction-scoped advisory lock (`pg_advisory_xact_lock`), released by the
  database itself when the transaction ends, also when the process dies.
- SQLite (the embedded default): nothing to take. SQLite lets one transaction write at a time,
  and a transaction that read before another one wrote cannot write afterwards (it fails with
  "database is locked" instead), so two writers never act on the same stale reading.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def lock_key(name: str) -> int:
    """The signed 64-bit key PostgreSQL's advisory locks take, the same for `name` in every process."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def exclusive(name: str) -> None:
    """Hold the lock `name` until the current transaction ends (call it inside `transaction.atomic()`)."""
    if not connection.in_atomic_block:
        raise RuntimeError("exclusive() holds its lock until the transaction ends: call it inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])
