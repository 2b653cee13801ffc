"""Celery: eager by default, and a real round trip through Redis and a worker in CI."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from mentoring.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


def test_tasks_run_eagerly_without_a_broker():
    # A fresh process with no REDIS_URL: the embedded default, whatever this run uses.
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from mentoring.tasks import ping\n"
        "print(settings.CELERY_TASK_ALWAYS_EAGER, ping.delay('hello').get(timeout=1))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "hello"]


@pytest.mark.services
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's service run)")
def test_round_trip_through_a_real_worker():
    queue = f"test-{uuid.uuid4().hex[:8]}"  # our own queue: no other worker can take the task
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentoring.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentoring",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        started = time.monotonic()
        result = ping.apply_async(args=["through-redis"], queue=queue)
        # disable_sync_subtasks: an eager task earlier in this process may leave Celery thinking
        # it runs inside a task; this test is not one.
        assert result.get(timeout=60, disable_sync_subtasks=False) == "through-redis"
        assert time.monotonic() - started < 60
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert "mentoring.tasks.ping" in output  # the worker registered and ran our task
