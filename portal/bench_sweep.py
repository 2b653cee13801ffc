"""Notification sweep benchmark: `python -m portal.bench_sweep [--reminders 10000]`.

Builds, in a throw-away SQLite database, one program whose pairs have meetings starting
within 24 hours (two participants each, so N/2 meetings give N due reminders), then
times one sweep writing the outbox (sending is the workers' job, measured apart) and a
second sweep that must write nothing. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import tempfile
import time


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
        from django.contrib.auth.hashers import make_password
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from matching.models import Match, MatchMember
        from mentoring.models import User
        from notifications.models import Notification
        from notifications.sweep import notifications_sweep
        from programs.models import Program
        from sessions.models import Meeting

        call_command("migrate", verbosity=0)
        pairs = args.reminders // 2
        password = make_password(None)
        hr = User.objects.create(email="hr@bench.test", first_name="H", last_name="R", password=password)
        program = Program.objects.create(
            name="Bench", goal="bench", status=Program.Status.ACTIVE, group_session_cadence="none", created_by=hr
        )
        users = User.objects.bulk_create(
            [User(email=f"p{i}@bench.test", first_name="P", last_name=str(i), password=password) for i in range(pairs * 2)], batch_size=2000
        )
        matches = Match.objects.bulk_create([Match(program=program, status=Match.Status.CONFIRMED) for _ in range(pairs)], batch_size=2000)
        MatchMember.objects.bulk_create(
            [MatchMember(match=m, user=users[2 * i + k], role=("junior", "senior")[k]) for i, m in enumerate(matches) for k in (0, 1)],
            batch_size=2000,
        )
        soon = timezone.now() + datetime.timedelta(hours=12)
        Meeting.objects.bulk_create(
            [
                Meeting(
                    program=program, match=m, kind="one_to_one", title="Session", status="scheduled", starts_at=soon, duration_minutes=60
                )
                for m in matches
            ],
            batch_size=2000,
        )
        with CaptureQueriesContext(connection) as first_queries:
            started = time.perf_counter()
            first = notifications_sweep(send=False)
            first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = notifications_sweep(send=False)
        second_s = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "due_reminders": pairs * 2,
                    "sweep_s": round(first_s, 2),
                    "sweep_queries": len(first_queries),
                    "written": first.written,
                    "repeat_sweep_s": round(second_s, 2),
                    "repeat_written": second.written,
                    "outbox_rows": Notification.objects.count(),
                }
            )
        )


if __name__ == "__main__":
    main()
