"""`python -m portal.bench_scale`: see the package's docstring (`--help`)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from urllib.parse import urlsplit

from .common import Bench, Row
from .database import DEFAULT_SERVER, load_meta, prepare_postgres, save_meta, setup_django
from .dataset import build
from .pages import section_approve, section_dashboard, section_import, section_program_list, section_report, section_review, section_sweep
from .processes import child, section_gunicorn, section_mail, section_matching_run

# The sections in the order they run (the matching run leaves the proposals the review and approving use).
RUNNERS: dict[str, Callable[[Bench], None]] = {
    "program-list": section_program_list,
    "dashboard": section_dashboard,
    "report": section_report,
    "matching-run": section_matching_run,
    "review": section_review,
    "approve": section_approve,
    "import": section_import,
    "sweep": section_sweep,
    "mail": section_mail,
    "gunicorn": section_gunicorn,
}
SECTIONS = list(RUNNERS)


# --- the run -----------------------------------------------------------------------------------
def print_table(bench: Bench, *, engine: str, build_s: float | None) -> None:
    counts = bench.meta["counts"]
    built = f"built in {build_s:.0f} s" if build_s is not None else "reused"
    print()
    print(
        f"Scale {bench.meta['scale']:g} on {engine} ({built}): {counts['people']:,} people in a reporting tree {counts['depth']} levels deep, "
        f"{counts['departments']} departments; {counts['applicants']:,}+{counts['applicants']:,} applicants in matching; "
        f"{counts['pairs']:,} confirmed pairs with {counts['meetings']:,} meetings, {counts['session_logs']:,} session logs, "
        f"{counts['checkins']:,} check-ins, {counts['answers']:,} survey answers; {counts['notifications']:,} outbox rows."
    )
    print()
    print("| Measurement | Result | Target | |")
    print("|---|---|---|---|")
    for row in bench.rows:
        cells = [cell.replace("|", "\\|") for cell in (row.measure, row.result, row.target, row.verdict)]
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    usage = sys.modules[__package__ or "portal.bench_scale"].__doc__ or ""
    parser = argparse.ArgumentParser(
        prog="python -m portal.bench_scale",
        description=usage.split("\n\n", 1)[0],
        epilog=usage.split("\n\n", 1)[-1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", type=float, default=None, help="1 = the issue's sizes (default; 0.1 with --sqlite)")
    parser.add_argument("--reuse", action="store_true", help="measure the database an earlier run built")
    parser.add_argument("--only", default="", help="comma-separated sections: " + ", ".join(SECTIONS))
    parser.add_argument("--sqlite", action="store_true", help="a smaller smoke run in a throw-away SQLite database")
    parser.add_argument("--sqlite-if-no-postgres", action="store_true", help="fall back to --sqlite when PostgreSQL is unreachable")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed or a section fails")
    parser.add_argument("--import-100k", action="store_true", help="also import a 100,000-row people file")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page after the warm-up (median)")
    parser.add_argument("--memory-repeats", type=int, default=8)
    parser.add_argument("--mails", type=int, default=None, help="outbox rows for the mail throughput (default 3,000 × scale)")
    parser.add_argument("--load-seconds", type=float, default=10, help="seconds of load on each URL under gunicorn")
    parser.add_argument("--concurrency", type=int, default=4, help="HTTP client threads under gunicorn")
    parser.add_argument("--statement-timeout", type=int, default=120, help="seconds before a query is cancelled (PostgreSQL)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("child_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.child_args)
        return

    only = [name.strip().replace("_", "-") for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"
    for name in ("REDIS_URL", "REDIS_CACHE_URL", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        os.environ.pop(name, None)
    os.environ.update({"HR_REQUIRE_MFA": "0", "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"})
    if args.sqlite and args.reuse:
        parser.error("--reuse works with the PostgreSQL database only")
    url = None
    if not args.sqlite:
        server = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_SERVER
        url = prepare_postgres(server, reuse=args.reuse, fallback=args.sqlite_if_no_postgres and not args.reuse)
    sqlite_dir = None
    if url is None:
        scale = args.scale if args.scale is not None else 0.1
        sqlite_dir = tempfile.mkdtemp(prefix="bench-scale-sqlite-")
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = os.path.join(sqlite_dir, "bench.sqlite3")
        engine = "SQLite"
    else:
        scale = args.scale if args.scale is not None else 1.0
        os.environ["DATABASE_URL"] = url
        engine = f"PostgreSQL (database {urlsplit(url).path.lstrip('/')})"

    setup_django(statement_timeout_s=args.statement_timeout)
    from django.core.management import call_command

    bench: Bench | None = None
    try:
        print(f"== migrating ({engine})", flush=True)
        call_command("migrate", verbosity=0)
        build_s = None
        if args.reuse:
            meta = load_meta()
            print(f"== reusing the scale {meta['scale']:g} dataset", flush=True)
        else:
            print(f"== building the scale {scale:g} dataset", flush=True)
            started = time.perf_counter()
            meta = build(scale, args.seed)
            build_s = time.perf_counter() - started
            meta["build_s"] = round(build_s, 1)
            save_meta(meta)
            print(f"   built in {build_s:.0f} s: {json.dumps(meta['counts'])}", flush=True)
        bench = Bench(args=args, meta=meta)
        for name in SECTIONS:
            if only and name not in only:
                continue
            print(f"== {name}", flush=True)
            started = time.perf_counter()
            try:
                RUNNERS[name](bench)
            except Exception as exc:  # one failing measurement never stops the others
                traceback.print_exc()
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                bench.rows.append(Row(name, f"ERROR: {type(exc).__name__}: {message}"[:300], "", "ERROR"))
                print(f"   ERROR {name}: {type(exc).__name__}: {message}", flush=True)
            print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
        print_table(bench, engine=engine, build_s=build_s)
    finally:
        if bench is not None:
            shutil.rmtree(bench.work, ignore_errors=True)
        if sqlite_dir:
            shutil.rmtree(sqlite_dir, ignore_errors=True)
    assert bench is not None
    if args.strict and any(row.verdict in {"MISS", "ERROR"} for row in bench.rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
