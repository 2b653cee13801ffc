"""Notification sweep benchmark: `python -m portal.bench_sweep [--reminders 10000]`.

Builds, in a throw-away SQLite database, one program whose pairs have meetings starting
within 24 hours (two participants each, so N/2 meetings give N due reminders), then
times one sweep writing the outbox (sending is the workers' job, measured apart) and a
second sweep that must write nothing. Prints one JSON line.

`build_due_reminders` and `time_sweeps` are shared with the scale benchmark
(`portal.bench_scale`), which runs them in its large database.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import tempfile
import time
from typing import Any


def build_due_reminders(reminders: int, *, tag: str = "bench") -> Any:
    """One active program whose pairs meet within 24 hours: `reminders` due meeting reminders
    (N/2 meetings, two participants each). People get e-mail addresses @<tag>.test."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from matching.models import Match, MatchMember
    from mentoring.models import User
    from programs.models import Program
    from sessions.models import Meeting

    pairs = reminders // 2
    password = make_password(None)
    hr = User.objects.create(email=f"hr@{tag}.test", first_name="H", last_name="R", password=password)
    program = Program.objects.create(name="Bench", goal="bench", status=Program.Status.ACTIVE, group_session_cadence="none", created_by=hr)
    users = User.objects.bulk_create(
        [User(email=f"p{i}@{tag}.test", first_name="P", last_name=str(i), password=password) for i in range(pairs * 2)], batch_size=2000
    )
    matches = Match.objects.bulk_create([Match(program=program, status=Match.Status.CONFIRMED) for _ in range(pairs)], batch_size=2000)
    MatchMember.objects.bulk_create(
        [MatchMember(match=m, user=users[2 * i + k], role=("junior", "senior")[k]) for i, m in enumerate(matches) for k in (0, 1)],
        batch_size=2000,
    )
    soon = timezone.now() + datetime.timedelta(hours=12)
    Meeting.objects.bulk_create(
        [
            Meeting(program=program, match=m, kind="one_to_one", title="Session", status="scheduled", starts_at=soon, duration_minutes=60)
            for m in matches
        ],
        batch_size=2000,
    )
    return program


def time_sweeps() -> dict[str, Any]:
    """Time a sweep that writes the outbox (not sending) and a second one that must write nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.sweep import notifications_sweep

    with CaptureQueriesContext(connection) as first_queries:
        started = time.perf_counter()
        first = notifications_sweep(send=False)
        first_s = time.perf_counter() - started
    first_count = len(first_queries)  # read now: it is a window on the connection's query log
    started = time.perf_counter()
    second = notifications_sweep(send=False)
    second_s = time.perf_counter() - started
    return {
        "sweep_s": round(first_s, 2),
        "sweep_queries": first_count,
        "written": first.written,
        "failed_collectors": first.failed_collectors,
        "repeat_sweep_s": round(second_s, 2),
        "repeat_written": second.written,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update({"DJANGO_SETTINGS_MODULE": "mentoring.settings", "SQLITE_PATH": os.path.join(folder, "bench.sqlite3")})
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        import django

        django.setup()
        from django.core.management import call_command

        from notifications.models import Notification

        call_command("migrate", verbosity=0)
        build_due_reminders(args.reminders)
        figures = time_sweeps()
        figures.pop("failed_collectors")
        print(json.dumps({"due_reminders": args.reminders // 2 * 2, **figures, "outbox_rows": Notification.objects.count()}))


if __name__ == "__main__":
    main()
