"""Sections that need processes of their own: the matching run (its peak memory), Celery workers
sending mail through SMTP, gunicorn under load; and what those child processes run."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .common import DOMAIN, ROOT, Bench, BenchError, scaled


def run_child(bench: Bench, name: str, *extra: str, env: dict[str, str] | None = None, timeout: float = 900) -> tuple[dict, int]:
    """Run `python -m portal.bench_scale --child name …`; return its JSON line and its peak RSS (kB)."""
    command = [sys.executable, "-m", "portal.bench_scale", "--child", name, *extra]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=ROOT, env=env or dict(os.environ), stdout=subprocess.PIPE, stderr=errors)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            assert process.stdout is not None
            output = process.stdout.read().decode()
            _pid, status, usage = os.wait4(process.pid, 0)  # reaped here, to read its own ru_maxrss
            process.returncode = os.waitstatus_to_exitcode(status)
        finally:
            timer.cancel()
        if process.returncode != 0:
            errors.seek(0)
            raise BenchError(f"child {name} exited {process.returncode}: {errors.read().decode()[-800:]}")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss


def section_matching_run(bench: Bench) -> None:
    from matching.models import Match

    program = bench.meta["matching"]
    Match.objects.filter(program_id=program, status=Match.Status.DISCARDED).delete()  # earlier runs' leftovers
    engine, _rss = run_child(bench, "engine", str(program))
    run, rss_kb = run_child(bench, "run", str(program), str(bench.meta["hr"]))
    Match.objects.filter(program_id=program, status=Match.Status.DISCARDED).delete()
    ratio = run["end_to_end_s"] / engine["engine_s"] if engine["engine_s"] else float("inf")
    size = f"{engine['juniors']:,}+{engine['seniors']:,}"
    bench.row(
        f"Matching run {size}, database → stored proposals",
        f"{run['end_to_end_s']:.2f} s = {ratio:.1f}× the engine's {engine['engine_s']:.2f} s "
        f"(loading the problem alone {engine['load_s']:.2f} s) · {run['queries']} queries · {run['matches']:,} proposals",
        "≤ 2× engine",
        ratio <= 2,
    )
    bench.row(f"Matching run {size}, peak memory (subprocess ru_maxrss)", f"{rss_kb / 1024:,.0f} MB", "≤ 400 MB", rss_kb <= 400 * 1024)


# --- processes of their own: mail workers, gunicorn ---------------------------------------------
def free_port(preferred: int | None = None) -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred or 0))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(bench: Bench) -> dict[str, str]:
    """The environment of a production process against the bench database: DEBUG off, a random
    key, static files collected (into the benchmark's own folder, through a settings module
    that only moves STATIC_ROOT there)."""
    if bench.production is not None:
        return bench.production
    static = bench.work / "static"
    # The project's settings file run as a module of another name: importing mentoring.settings
    # would import the mentoring package, whose Celery app reads the settings being defined.
    (bench.work / "bench_scale_settings.py").write_text(
        "import importlib.util\n\n"
        f"_spec = importlib.util.spec_from_file_location('_project_settings', {str(ROOT / 'mentoring' / 'settings.py')!r})\n"
        "_settings = importlib.util.module_from_spec(_spec)\n"
        "_spec.loader.exec_module(_settings)\n"
        "globals().update({name: value for name, value in vars(_settings).items() if name.isupper()})\n"
        f"STATIC_ROOT = {str(static)!r}\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "REDIS_CACHE_URL", "EMAIL_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_scale_settings",
            "PYTHONPATH": os.pathsep.join([str(bench.work), str(ROOT)]),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "HR_REQUIRE_MFA": "0",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BenchError(f"collectstatic failed: {result.stderr[-500:]}")
    bench.production = env
    return env


def stop(process: subprocess.Popen | None) -> None:
    """Stop a process group the benchmark started (never anything else)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def section_mail(bench: Bench) -> None:
    from django.db.models import Count

    from mentoring.models import User
    from notifications.models import Notification
    from programs.models import Program

    celery = Path(sys.executable).with_name("celery")
    if shutil.which("redis-server") is None or not celery.exists():
        bench.row("Mail throughput, 2 worker processes → local SMTP", "SKIP: needs redis-server and celery", "≥ 200 mails/s", None)
        return
    try:
        from tests.notifications.smtp_sink import SMTPSink
    except ImportError:
        bench.row(
            "Mail throughput, 2 worker processes → local SMTP", "SKIP: tests/notifications/smtp_sink.py missing", "≥ 200 mails/s", None
        )
        return
    count = bench.args.mails or scaled(3000, bench.meta["scale"], 50)
    env = production_env(bench)
    port = free_port(6391)
    redis_dir = bench.work / "redis"
    redis_dir.mkdir(exist_ok=True)
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(redis_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    worker = None
    tag = f"bench-mail-{secrets.token_hex(4)}"
    try:
        with SMTPSink() as sink:
            worker_env = {
                **env,
                "REDIS_URL": f"redis://127.0.0.1:{port}/0",
                "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
                "EMAIL_USE_TLS": "0",
            }
            worker = subprocess.Popen(
                [
                    str(celery),
                    "-A",
                    "mentoring",
                    "worker",
                    "-c",
                    "2",
                    "-n",
                    f"{tag}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=worker_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            ready = threading.Event()
            log: list[str] = []

            def read() -> None:
                assert worker is not None and worker.stdout is not None
                for line in worker.stdout:
                    log.append(line)
                    if " ready." in line:
                        ready.set()

            threading.Thread(target=read, daemon=True).start()
            if not ready.wait(90):
                raise BenchError("the Celery worker did not start: " + "".join(log[-10:]))
            program = Program.objects.get(pk=bench.meta["evaluating"])
            recipients = list(User.objects.filter(email__endswith=f"@{DOMAIN}", is_active=True).order_by("pk")[:count])
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient=r,
                        kind="phase_change",
                        dedupe_key=f"{tag}:{r.pk}",
                        context={"program_id": program.pk, "status": program.status},
                        program=program,
                    )
                    for r in recipients
                ],
                batch_size=2000,
            )
            rows = Notification.objects.filter(dedupe_key__startswith=f"{tag}:")
            handed, _rss = run_child(bench, "hand-over", tag, env=worker_env)
            deadline = time.time() + max(120, len(recipients) / 10)
            while time.time() < deadline and rows.filter(status__in=["queued", "sending"]).exists():
                time.sleep(0.05)
            finished = time.time()
            statuses = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
            rows.delete()
            received = len(sink.messages)
    finally:
        stop(worker)
        stop(redis)
    sent = statuses.get("sent", 0)
    elapsed = finished - handed["started"]
    rate = sent / elapsed if elapsed > 0 else 0.0
    others = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()) if s != "sent")
    bench.row(
        "Mail throughput, `celery worker -c 2` → local SMTP server",
        f"{rate:,.0f} mails/s ({sent:,} of {len(recipients):,} sent in {elapsed:.1f} s, hand-over {handed['hand_over_s']:.2f} s, "
        f"{received:,} received{', ' + others if others else ''})",
        "≥ 200 mails/s",
        rate >= 200 and sent == len(recipients),
    )


def load(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> tuple[float, int, int]:
    """Requests per second a thread pool of HTTP clients gets for `path` in `seconds`."""
    deadline = time.perf_counter() + seconds
    headers = {"Host": "127.0.0.1", "Cookie": cookie} if cookie else {"Host": "127.0.0.1"}

    def client() -> tuple[int, int]:
        done = failed = 0
        while time.perf_counter() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    done += 1
                else:
                    failed += 1
            except OSError:
                failed += 1
            finally:
                connection.close()
        return done, failed

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda _i: client(), range(concurrency)))
    elapsed = time.perf_counter() - started
    done = sum(d for d, _f in results)
    return done / elapsed, done, sum(f for _d, f in results)


def section_gunicorn(bench: Bench) -> None:
    from django.urls import reverse

    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        raise BenchError("gunicorn is not installed in this environment (requirements.txt pins it)")
    env = production_env(bench)
    port = free_port()
    errors = open(bench.work / "gunicorn.log", "w")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(
        [
            str(gunicorn),
            "mentoring.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=errors,
        stderr=errors,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise BenchError("gunicorn did not answer /healthz: " + (bench.work / "gunicorn.log").read_text()[-800:])
            time.sleep(0.2)
        session, _rss = run_child(bench, "session", str(bench.meta["hr"]), env=env)
        cookie = f"{session['name']}={session['value']}"
        dashboard = reverse("evaluation:dashboard", args=[bench.meta["evaluating"]])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", dashboard, headers={"Host": "127.0.0.1", "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            log = (bench.work / "gunicorn.log").read_text()[-1500:]
            raise BenchError(f"the dashboard under gunicorn answered {response.status} {response.getheader('Location') or ''}\n{log}")
        seconds, concurrency = bench.args.load_seconds, bench.args.concurrency
        health_rps, health_n, health_failed = load(port, "/healthz", "", seconds, concurrency)
        board_rps, board_n, board_failed = load(port, dashboard, cookie, seconds, concurrency)
        # Every request reading the pair facts afresh (?fresh=1): the worst case, for comparison.
        fresh_rps, _fresh_n, fresh_failed = load(port, dashboard + "?fresh=1", cookie, seconds, concurrency)
    finally:
        stop(server)
        errors.close()
    ratio = board_rps / health_rps if health_rps else 0.0
    failed = f", {health_failed + board_failed} failed" if health_failed + board_failed else ""
    bench.row(
        f"HR dashboard under gunicorn (2 workers, DEBUG off, {concurrency} clients × {seconds:g} s each)",
        f"{board_rps:,.1f} req/s vs /healthz {health_rps:,.0f} req/s = 1/{1 / ratio:,.0f}{failed}"
        if ratio
        else f"{board_rps:,.1f} req/s vs /healthz {health_rps:,.0f} req/s{failed}",
        "≥ 1/10 of /healthz",
        ratio >= 0.1 and not board_failed,
    )
    bench.row(
        "… the same, each request reading the pair facts afresh (`?fresh=1`)",
        f"{fresh_rps:,.1f} req/s = 1/{health_rps / fresh_rps:,.0f} of /healthz{', ' + str(fresh_failed) + ' failed' if fresh_failed else ''}"
        if fresh_rps
        else f"{fresh_rps:,.1f} req/s",
        "(for comparison)",
        None,
        info=True,
    )


# --- child processes ---------------------------------------------------------------------------
def child(name: str, arguments: list[str]) -> None:
    """What a child process measures; prints one JSON line."""
    import resource

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if name == "engine":
        from matching import engine
        from matching.problem import load_problem
        from matching.services import config_for
        from programs.models import Program

        program = Program.objects.get(pk=int(arguments[0]))
        started = time.perf_counter()
        problem = load_problem(program, config=config_for(program))
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        engine.solve_pairs(problem.scores, problem.limits.allowed)
        engine_s = time.perf_counter() - started
        print(json.dumps({"engine_s": engine_s, "load_s": load_s, "juniors": len(problem.juniors), "seniors": len(problem.seniors)}))
    elif name == "run":
        from matching.services import matching_run
        from mentoring.models import User
        from programs.models import Program

        program = Program.objects.get(pk=int(arguments[0]))
        hr = User.objects.get(pk=int(arguments[1]))
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run = matching_run(program=program, by=hr)
            elapsed = time.perf_counter() - started
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"end_to_end_s": elapsed, "queries": len(queries), "matches": run.matches_made, "maxrss_kb": maxrss}))
    elif name == "session":
        from django.conf import settings
        from django.test import Client

        from mentoring.models import User

        client = Client()
        client.force_login(User.objects.get(pk=int(arguments[0])))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        print(json.dumps({"name": settings.SESSION_COOKIE_NAME, "value": cookie.value}))
    elif name == "hand-over":
        from notifications.models import Notification
        from notifications.services import hand_over

        ids = list(Notification.objects.filter(dedupe_key__startswith=f"{arguments[0]}:").order_by("pk").values_list("pk", flat=True))
        started_at = time.time()
        started = time.perf_counter()
        handed = hand_over(ids)
        print(json.dumps({"started": started_at, "handed": handed, "hand_over_s": time.perf_counter() - started}))
    else:
        raise SystemExit(f"unknown child {name!r}")
