import os
import uuid
from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthy_embedded_default(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    expected_broker = "ok" if os.environ.get("REDIS_URL") else "eager"
    assert response.json() == {"status": "ok", "database": "ok", "broker": expected_broker}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_broker_down_is_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}


def test_database_down_is_503(client):
    with mock.patch("mentoring.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.services
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's service run)")
def test_real_redis_broker_is_reported_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.services
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's service run)")
def test_redis_cache_backend_works_against_the_real_server():
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("greeting", {"hello": "world"}, 30)
    assert cache.get("greeting") == {"hello": "world"}
    cache.delete("greeting")
    assert cache.get("greeting") is None
