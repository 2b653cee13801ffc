"""Query budgets measured at two sizes, not guessed at one.

A page (or a bulk service) passes when it costs the *same* number of queries with a few rows
as with many, so an N+1 fails however generous the ceiling is; and when it loads the same
number of instances of every model it does not list row by row, so a single query that drags
in a whole table fails too.

    small = measure(lambda: client.get(url))
    add_more_rows()
    large = measure(lambda: client.get(url))
    assert_flat(small, large, ceiling=15, listed={"programs.Program"})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext


@dataclass
class Cost:
    queries: list[str]
    instances: Counter[str]  # "app_label.Model" → instances built from the database or code
    result: Any = None

    @property
    def count(self) -> int:
        return len(self.queries)


def measure(action: Callable[[], Any], *, warm: bool = True) -> Cost:
    """Run `action` once to fill per-process caches (content types, the session, templates)
    unless `warm` is False (for writes), then again counting queries and model instances."""
    if warm:
        action()
    loaded: Counter[str] = Counter()

    def count(sender, **kwargs):
        loaded[sender._meta.label] += 1

    post_init.connect(count, weak=False, dispatch_uid="tests.budgets.measure")
    try:
        with CaptureQueriesContext(connection) as context:
            result = action()
    finally:
        post_init.disconnect(dispatch_uid="tests.budgets.measure")
    return Cost(queries=[query["sql"] for query in context.captured_queries], instances=loaded, result=result)


def assert_flat(small: Cost, large: Cost, *, ceiling: int, listed: Iterable[str] = ()) -> None:
    """Same query count at both sizes and at most `ceiling`; same instances of every model
    except the `listed` ones (the rows the page shows, which may grow with the data)."""
    if small.count != large.count:
        extra = "\n".join(query[:300] for query in sorted(set(large.queries) - set(small.queries))[:5])
        raise AssertionError(f"{small.count} queries with few rows, {large.count} with many: an N+1?\n{extra}")
    assert large.count <= ceiling, f"{large.count} queries, budget {ceiling}"
    listed = set(listed)
    grown = {
        label: (small.instances[label], large.instances[label])
        for label in set(small.instances) | set(large.instances)
        if label not in listed and small.instances[label] != large.instances[label]
    }
    assert not grown, f"instances loaded (few rows, many rows) of models the page does not list: {grown}"
