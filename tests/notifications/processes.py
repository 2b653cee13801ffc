"""Real processes for the service-run tests: a process configured like the web site, and a real
Celery worker on a queue of the test's own (so no other worker takes its tasks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
needs_services = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres")),
    reason="needs the real PostgreSQL and Redis (CI's service run)",
)


def database_url() -> str:
    """The test database, as another process must name it."""
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def env(**extra: str) -> dict[str, str]:
    """The environment of a site process on the test database, with `extra` settings."""
    values = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    values.update({"DJANGO_SETTINGS_MODULE": "mentoring.settings", "DATABASE_URL": database_url()}, **extra)
    return values


def start_worker(queue: str, *, own_group: bool = False, **settings: str) -> subprocess.Popen:
    """A real Celery worker (one process) on `queue`; `own_group` puts it in a process group of
    its own, so a test can kill it whole."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mentoring", "worker", "--pool=solo", "-Q", queue]
        + ["--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT,
        env=env(**settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=own_group,
    )
