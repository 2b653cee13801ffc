"""Signing in while Redis is stopped or frozen (SIGSTOP), with the cache mentoring/settings.py
configures for a deployment: sign-in still works, fast, and its rate limits still count.

The Redis is a redis-server of each test's own; these tests run in both CI runs wherever
`redis-server` is on PATH.
"""

import logging
import runpy
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from mentoring.cache import ResilientRedisCache
from tests.mentoring.factories import PASSWORD
from tests.own_redis import RedisServer, needs_redis_server

pytestmark = [needs_redis_server, pytest.mark.django_db]
SETTINGS = Path(__file__).resolve().parents[2] / "mentoring" / "settings.py"
TOO_MANY = "Too many failed login attempts"
FAST = 1.5


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server
    ResilientRedisCache.breakers.clear()  # no other test inherits this test's outage


def project_caches(monkeypatch, **env) -> dict:
    """CACHES as mentoring/settings.py builds them for a deployment with `env`."""
    for name in ("REDIS_URL", "REDIS_CACHE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))["CACHES"]


def sign_in(client, email, password=PASSWORD):
    started = time.monotonic()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response, time.monotonic() - started


def signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.parametrize("outage", ["stop", "freeze"])
def test_sign_in_works_while_the_redis_of_redis_url_is_down(client, junior, settings, monkeypatch, redis_server, outage):
    settings.CACHES = project_caches(monkeypatch, REDIS_URL=redis_server.url)
    getattr(redis_server, outage)()
    response, elapsed = sign_in(client, junior.email)
    assert response.status_code == 302 and signed_in(client, junior)
    assert elapsed < FAST, f"sign-in took {elapsed:.1f} s"


def test_rate_limits_still_count_while_redis_is_down(client, junior, settings, monkeypatch, redis_server):
    settings.CACHES = project_caches(monkeypatch, REDIS_URL=redis_server.url)
    redis_server.stop()
    for _ in range(5):
        response, _elapsed = sign_in(client, junior.email, "wrong-password")
        assert response.status_code == 200 and TOO_MANY not in response.content.decode()
    response, _elapsed = sign_in(Client(), junior.email)  # even the right password, from a fresh browser
    assert TOO_MANY in response.content.decode()


def test_the_default_cache_lives_in_the_database(monkeypatch):
    # With or without Redis: rate limits, one-time TOTP codes and SSO token replay checks stay
    # shared between processes and survive a Redis outage.
    for env in ({}, {"REDIS_URL": "redis://redis.internal:6379/0"}):
        assert project_caches(monkeypatch, **env)["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


# --- REDIS_CACHE_URL: the cache in Redis, on request --------------------------------------------
def test_an_explicit_redis_cache_works_and_counts_while_redis_is_up(client, junior, settings, monkeypatch, redis_server):
    settings.CACHES = project_caches(monkeypatch, REDIS_URL="redis://127.0.0.1:1/0", REDIS_CACHE_URL=redis_server.url)
    for _ in range(5):
        sign_in(client, junior.email, "wrong-password")
    response, _elapsed = sign_in(Client(), junior.email)
    assert TOO_MANY in response.content.decode()
    assert redis_server.client().dbsize() > 0  # the counts are in Redis


@pytest.mark.parametrize("outage", ["stop", "freeze"])
def test_an_explicit_redis_cache_degrades_while_redis_is_down(client, junior, settings, monkeypatch, redis_server, outage, caplog):
    settings.CACHES = project_caches(monkeypatch, REDIS_CACHE_URL=redis_server.url)
    getattr(redis_server, outage)()
    with caplog.at_level(logging.WARNING, logger="mentoring.cache"):
        response, elapsed = sign_in(client, junior.email)
    assert response.status_code == 302 and signed_in(client, junior)
    assert elapsed < FAST, f"sign-in took {elapsed:.1f} s"
    assert "cache unavailable" in caplog.text
    # The documented trade-off: while this Redis is down, failed sign-ins are not counted.
    for _ in range(6):
        response, _elapsed = sign_in(Client(), junior.email, "wrong-password")
        assert TOO_MANY not in response.content.decode()


def test_the_degraded_cache_pauses_after_a_failure_and_recovers(settings, monkeypatch, redis_server):
    settings.CACHES = project_caches(monkeypatch, REDIS_CACHE_URL=redis_server.url)
    backend = caches["default"]
    backend.set("greeting", "hello", 60)
    assert backend.get("greeting") == "hello"

    redis_server.freeze()
    started = time.monotonic()
    assert backend.get("greeting", "fallback") == "fallback"  # one short timeout ...
    assert backend.add("lock", True) is True  # ... then no further tries during the pause
    backend.set("greeting", "ignored")
    assert backend.get_many(["greeting"]) == {}
    assert backend.delete("greeting") is False
    assert time.monotonic() - started < FAST

    redis_server.thaw()
    breaker = ResilientRedisCache.breaker_for(redis_server.url)
    clock = breaker.clock
    monkeypatch.setattr(breaker, "clock", lambda: clock() + breaker.pause + 1)
    assert backend.get("greeting") == "hello"  # back, and nothing was written meanwhile
