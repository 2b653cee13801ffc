"""A small circuit breaker: after a dependency failed, leave it alone for a while.

A frozen Redis answers nothing until each call's timeout runs out; without a pause every
request would wait that long. With one, a process pays at most one timeout per pause.
The state is per process (each gunicorn worker finds out on its own), which is enough.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class CircuitBreaker:
    def __init__(self, name: str, *, pause: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.pause = pause
        self.clock = clock
        self._closed_again_at = 0.0

    @property
    def open(self) -> bool:
        """True while calls should be skipped."""
        return self.clock() < self._closed_again_at

    def trip(self) -> None:
        """The dependency just failed: skip it for `pause` seconds."""
        self._closed_again_at = self.clock() + self.pause

    def reset(self) -> None:
        self._closed_again_at = 0.0
