"""Reporting lines as a tree, kept free of Django so matching can use it in bulk.

`ReportingTree` is built once from a ``{person_id: manager_id}`` mapping (one database
query, see `mentoring.selectors.reporting_tree`) and then answers "are these two people in
one reporting chain?" for thousands of pairs without touching the database. Ancestor
sets are computed once per person and memoised, so a check is two set look-ups.

Bad data must not hang the matching engine: a cycle in the manager links (possible when
rows are edited by hand in the admin) ends the walk instead of looping forever.
"""

from __future__ import annotations

from collections.abc import Mapping


class ReportingTree:
    def __init__(self, managers: Mapping[int, int | None]) -> None:
        self._manager = dict(managers)
        self._ancestors: dict[int, frozenset[int]] = {}

    def manager_of(self, person: int) -> int | None:
        return self._manager.get(person)

    def chain_above(self, person: int) -> list[int]:
        """Managers of `person`, nearest first, stopping at the top or at a cycle."""
        chain: list[int] = []
        seen = {person}
        current = self._manager.get(person)
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = self._manager.get(current)
        return chain

    def ancestors(self, person: int) -> frozenset[int]:
        cached = self._ancestors.get(person)
        if cached is None:
            cached = frozenset(self.chain_above(person))
            self._ancestors[person] = cached
        return cached

    def in_same_chain(self, a: int, b: int) -> bool:
        """True when a manages b or b manages a, directly or at any depth (or a is b)."""
        if a == b:
            return True
        return a in self.ancestors(b) or b in self.ancestors(a)

    def find_cycle(self, start: int) -> list[int] | None:
        """The people in a manager cycle reachable from `start`, or None when there is none."""
        path: list[int] = []
        index: dict[int, int] = {}
        current: int | None = start
        while current is not None:
            if current in index:
                return path[index[current] :]
            index[current] = len(path)
            path.append(current)
            current = self._manager.get(current)
        return None
