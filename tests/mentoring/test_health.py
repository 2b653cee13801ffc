import os
import threading
import time
import uuid
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from mentoring import health
from mentoring.cache import ResilientRedisCache
from tests.own_redis import RedisServer, needs_redis_server

pytestmark = pytest.mark.django_db
# The probes' deadline plus the time a request takes.
ANSWERS_WITHIN = health.PROBE_SECONDS + 1


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server
    ResilientRedisCache.breakers.clear()


def healthz(client):
    started = time.monotonic()
    response = client.get("/healthz")
    return response, time.monotonic() - started


def test_healthy_embedded_default(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    expected_broker = "ok" if os.environ.get("REDIS_URL") else "eager"
    assert response.json() == {"status": "ok", "database": "ok", "broker": expected_broker, "cache": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_database_cache_is_probed(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "mentoring_cache"}}
    assert client.get("/healthz").json()["cache"] == "ok"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_table"}}
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["cache"] == "error"


def test_broker_down_is_degraded_not_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    # Requests still work (mail waits in the outbox): the load balancer keeps this instance.
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "error", "cache": "ok"}


@needs_redis_server
def test_a_frozen_broker_is_named_quickly(client, settings, redis_server):
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/healthz").json()["broker"] == "ok"
    redis_server.freeze()
    response, elapsed = healthz(client)
    assert elapsed < ANSWERS_WITHIN
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "error", "cache": "ok"}


@needs_redis_server
@pytest.mark.parametrize("outage", ["stop", "freeze"])
def test_a_redis_cache_down_is_degraded_not_down(client, settings, redis_server, outage):
    settings.CACHES = {"default": {"BACKEND": "mentoring.cache.ResilientRedisCache", "LOCATION": redis_server.url}}
    assert client.get("/healthz").json()["cache"] == "ok"
    getattr(redis_server, outage)()
    response, elapsed = healthz(client)
    assert elapsed < ANSWERS_WITHIN
    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["cache"] == "error"


def test_database_down_is_503(client):
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["database"] == "error"


def test_a_hanging_database_is_503_within_the_deadline(client):
    released = threading.Event()

    def hang(*args, **kwargs):
        released.wait(30)
        raise OperationalError("never answered")

    try:
        with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=hang):
            response, elapsed = healthz(client)
    finally:
        released.set()
    assert elapsed < ANSWERS_WITHIN
    assert response.status_code == 503 and response.json()["database"] == "error"


@pytest.mark.services
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's service run)")
def test_real_redis_broker_is_reported_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.services
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's service run)")
def test_redis_cache_backend_works_against_the_real_server():
    cache = ResilientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    assert cache.ping()
    cache.set("greeting", {"hello": "world"}, 30)
    assert cache.get("greeting") == {"hello": "world"}
    cache.delete("greeting")
    assert cache.get("greeting") is None
