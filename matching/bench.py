"""Matching benchmark: `python -m matching.bench [--sizes 100 500 1000 2000] [--seed 1]`.

For each size N it builds, in a throw-away SQLite database, a company with N junior and
N senior applicants accepted into one program, with realistic constraints: about a third
of the juniors report (directly or through a lead) to a senior applicant, 10 % speak only
German, some keep a private "rather not" list. It prints one JSON line per size:

- engine_s: `solve_pairs` alone on the score and allowed matrices;
- load_s: `load_problem`, from the database to those matrices;
- end_to_end_s: `matching_run`, from applications in the database to stored proposals, in a
  fresh process (`--run`), whose peak memory (ru_maxrss) is peak_mb;
- queries: how many SQL queries that run issued (constant, not per pair);
- total_score / matches, and the same for the greedy best-pair-first baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time


def _setup_django(path: str, *, migrate: bool = True) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"
    os.environ["SQLITE_PATH"] = path
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def _run(path: str, program_id: int, hr_id: int) -> None:
    """`--run`: one matching run in this fresh process; prints its time, queries and peak memory."""
    _setup_django(path, migrate=False)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from matching.services import matching_run
    from mentoring.models import User
    from programs.models import Program

    program, hr = Program.objects.get(pk=program_id), User.objects.get(pk=hr_id)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        run = matching_run(program=program, by=hr)
        end_to_end_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"end_to_end_s": end_to_end_s, "queries": len(queries), "matches": run.matches_made, "peak_mb": peak_mb}))


def _build(size: int, rng: random.Random):
    from django.contrib.auth.hashers import make_password

    from mentoring.models import Department, User
    from programs.models import TIME_SLOTS, Application, ApplicationTopic, Program, Topic

    tag = f"b{size}"
    departments = Department.objects.bulk_create([Department(name=f"{tag} dept {i}") for i in range(12)])
    password = make_password(None)
    hr = User.objects.create(email=f"hr-{tag}@bench.test", first_name="H", last_name="R", password=password)
    executives = User.objects.bulk_create(
        [User(email=f"exec{i}-{tag}@bench.test", first_name="E", last_name=str(i), level=70, password=password) for i in range(10)]
    )
    seniors = User.objects.bulk_create(
        [
            User(
                email=f"s{i}-{tag}@bench.test",
                first_name="Senior",
                last_name=str(i),
                level=rng.choice([50, 60, 70]),
                department=rng.choice(departments),
                manager=rng.choice(executives),
                timezone=rng.choice(["Europe/Berlin", "Europe/London", "America/New_York"]),
                password=password,
            )  # fmt: skip
            for i in range(size)
        ]
    )
    juniors = User.objects.bulk_create(
        [
            User(
                email=f"j{i}-{tag}@bench.test",
                first_name="Junior",
                last_name=str(i),
                level=rng.choice([10, 20, 30]),
                department=rng.choice(departments),
                manager=rng.choice(seniors) if rng.random() < 0.33 else None,
                timezone=rng.choice(["Europe/Berlin", "Europe/London", "America/New_York"]),
                password=password,
            )  # fmt: skip
            for i in range(size)
        ]
    )
    program = Program.objects.create(name=f"Benchmark {size}", goal="benchmark", status=Program.Status.MATCHING, created_by=hr)
    topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True))  # a fixed order: PostgreSQL has none without it
    applications = []
    for person, role in [(p, "junior") for p in juniors] + [(p, "senior") for p in seniors]:
        applications.append(
            Application(
                program=program,
                user=person,
                role=role,
                status=Application.Status.ACCEPTED,
                motivation="m",
                hopes="h",
                voluntary_consent=True,
                confidentiality_accepted=True,
                meeting_mode=rng.choice(["in_person", "remote", "hybrid", "hybrid"]),
                preferred_times=rng.sample(TIME_SLOTS, rng.randint(1, 5)),
                languages=["de"] if rng.random() < 0.1 else ["en", "de"][: rng.randint(1, 2)],
                style_directness=rng.randint(1, 5),
                style_structure=rng.randint(1, 5),
                style_pace=rng.randint(1, 5),
            )  # fmt: skip
        )
    applications = Application.objects.bulk_create(applications, batch_size=1000)
    items = []
    for application in applications:
        kind = "expertise" if application.role == "junior" else "interest"
        for topic in rng.sample(topics, rng.randint(1, 4)):
            items.append(ApplicationTopic(application=application, topic_id=topic, kind=kind, strength=rng.randint(1, 3)))
    ApplicationTopic.objects.bulk_create(items, batch_size=2000)
    through = Application.avoid_people.through
    avoid = [
        through(application_id=a.pk, user_id=rng.choice(seniors).pk) for a in applications if a.role == "junior" and rng.random() < 0.05
    ]
    through.objects.bulk_create(avoid)
    return program, hr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000, 2000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--run", nargs=3, metavar=("SQLITE_PATH", "PROGRAM", "HR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        _run(args.run[0], int(args.run[1]), int(args.run[2]))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "bench.sqlite3")
        _setup_django(path)
        from matching import engine
        from matching.problem import load_problem
        from matching.services import config_for

        for size in args.sizes:
            program, hr = _build(size, random.Random(args.seed + size))
            started = time.perf_counter()
            problem = load_problem(program, config=config_for(program))
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            pairs = engine.solve_pairs(problem.scores, problem.limits.allowed)
            engine_s = time.perf_counter() - started
            greedy = engine.greedy_pairs(problem.scores, problem.limits.allowed)
            child = subprocess.run(
                [sys.executable, "-m", "matching.bench", "--run", path, str(program.pk), str(hr.pk)],
                capture_output=True,
                text=True,
                check=True,
            )
            run = json.loads(child.stdout.strip().splitlines()[-1])
            line = {
                "juniors": size,
                "seniors": size,
                "allowed_share": round(float(problem.limits.allowed.mean()), 3),
                "engine_s": round(engine_s, 3),
                "load_s": round(load_s, 3),
                "end_to_end_s": round(run["end_to_end_s"], 3),
                "peak_mb": round(run["peak_mb"]),
                "queries": run["queries"],
                "matches": run["matches"],
                "total_score": round(float(sum(problem.scores[r, c] for r, c in pairs)), 1),
                "greedy_matches": len(greedy),
                "greedy_total_score": round(float(sum(problem.scores[r, c] for r, c in greedy)), 1),
            }
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
