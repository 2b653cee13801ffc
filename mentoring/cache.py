"""A Redis cache that degrades instead of failing the request (REDIS_CACHE_URL, see settings).

While its Redis is down or frozen, every call answers as if the cache were empty and every
write is dropped, after at most one short timeout per process and pause (a circuit breaker).
`add` answers True ("stored"): allauth takes its rate-limit lock and one-time-code marks
with `add`, and a False would refuse every sign-in. The price, documented in README: during
the outage rate limits do not count, and a TOTP code or SSO token could be used twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from .circuit import CircuitBreaker

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Short: a healthy Redis answers in a millisecond; a frozen one should cost a request little.
TIMEOUT_SECONDS = 0.5
PAUSE_SECONDS = 30.0
UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError)


class ResilientRedisCache(RedisCache):
    # One breaker per Redis and process, shared by the per-thread backend instances.
    breakers: ClassVar[dict[str, CircuitBreaker]] = {}

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {"socket_connect_timeout": TIMEOUT_SECONDS, "socket_timeout": TIMEOUT_SECONDS, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = self.breaker_for(server)

    @classmethod
    def breaker_for(cls, location: str) -> CircuitBreaker:
        return cls.breakers.setdefault(location, CircuitBreaker("cache", pause=PAUSE_SECONDS))

    def _guarded(self, call: Callable[[], T], fallback: T) -> T:
        if self.breaker.open:
            return fallback
        try:
            return call()
        except UNAVAILABLE as exc:
            self.breaker.trip()
            logger.warning("cache unavailable, carrying on without it for %g s: %s", self.breaker.pause, exc)
            return fallback

    def ping(self) -> bool:
        """Ask Redis itself, past the breaker (for /healthz): raises when it is down."""
        client = self._cache.get_client(write=True)  # type: ignore[attr-defined]  # RedisCache's client, untyped in django-stubs
        return bool(client.ping())

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guarded(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._guarded(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        result = self._guarded(lambda: super(ResilientRedisCache, self).incr(key, delta, version), None)
        if result is None:
            raise ValueError(f"Key '{key}' not found (cache unavailable).")  # what Django raises for a missing key
        return result

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._guarded(lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guarded(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._guarded(lambda: super(ResilientRedisCache, self).clear(), None)
