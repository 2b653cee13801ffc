"""Real concurrency for race tests: threads with their own database connections, released together.

Only PostgreSQL shows a race (SQLite serialises writers), so the tests that use `race` are marked
`needs_postgres` and run in CI's service run (`DATABASE_URL=postgres://…`, FAIL_ON_SKIP), inside
`@pytest.mark.django_db(transaction=True)` so each thread sees what the others committed.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

needs_postgres = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="real concurrency needs PostgreSQL (SQLite serialises writers); runs in CI's service run",
)


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def race(*calls: Callable[[], Any], timeout: float = 60) -> list[Outcome]:
    """Run each call in its own thread, all started at the same moment; their outcomes in order.

    Each thread connects before the barrier (so the calls themselves start together) and closes its
    connection at the end (or the test database cannot be dropped).
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout)
            outcomes[index].value = call()
        except BaseException as exc:  # every outcome is for the test to judge
            outcomes[index].error = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung (a deadlock?)"
    return outcomes
