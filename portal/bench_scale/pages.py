"""Sections measured in this process through django.test.Client, as a signed-in HR coordinator."""

from __future__ import annotations

import csv
import gc
import html
import io
import random
import re
import statistics
import time
from urllib.parse import urlsplit

from .common import DOMAIN, Bench, BenchError, body_of, counted, hr_client, kb, rss_bytes, scaled, time_get, view_row
from .names import FIRST_NAMES, LAST_NAMES


def section_program_list(bench: Bench) -> None:
    from django.urls import reverse

    from programs.models import Program

    timing = time_get(hr_client(bench), reverse("programs:manage_list"), bench.args.runs)
    programs = Program.objects.count()
    view_row(bench, f"HR program list `/hr/programs/` ({programs} programs, one with {bench.meta['counts']['pairs']:,} pairs)", timing, 150)


def section_dashboard(bench: Bench) -> None:
    import tracemalloc

    from django.urls import reverse

    client = hr_client(bench)
    url = reverse("evaluation:dashboard", args=[bench.meta["evaluating"]])
    pairs = bench.meta["counts"]["pairs"]
    # Each request reads the pair facts afresh (?fresh=1): the cost of the first view, and of
    # every view with DASHBOARD_FACTS_SECONDS=0. Then the usual view, reusing them.
    fresh = url + "?fresh=1"
    timing = time_get(client, fresh, bench.args.runs)
    view_row(bench, f"HR dashboard, {pairs:,} pairs (pair facts read afresh)", timing, 300)
    view_row(bench, f"HR dashboard, {pairs:,} pairs (pair facts reused: pages, filters)", time_get(client, url, bench.args.runs), 300)
    bench.row(f"HR dashboard HTML, {pairs:,} pairs", kb(timing.size), "≤ 300 kB", timing.size <= 300_000)
    url = fresh  # memory: the heavier path
    # Memory across repeated requests: the resident size, then Python's own allocations.
    repeats = max(4, bench.args.memory_repeats)
    rss = []
    for _ in range(repeats):
        body_of(client.get(url))
        gc.collect()
        rss.append(rss_bytes())
    tracemalloc.start()
    traced, peaks = [], []
    for _ in range(repeats):
        tracemalloc.reset_peak()
        body_of(client.get(url))
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        traced.append(current)
        peaks.append(peak)
    tracemalloc.stop()
    rss_growth, traced_growth = rss[-1] - rss[1], traced[-1] - traced[1]
    flat = rss_growth <= 8_000_000 and traced_growth <= 1_000_000
    bench.row(
        f"HR dashboard memory over {repeats} repeated requests",
        f"RSS {rss[-1] / 1e6:,.0f} MB ({rss_growth / 1e6:+.1f} MB), traced {traced_growth / 1e3:+,.0f} kB; "
        f"peak {max(peaks) / 1e6:,.0f} MB allocated per request",
        "flat (RSS ≤ +8 MB, traced ≤ +1 MB)",
        flat,
    )


def _links(page: bytes, base: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The printable report's URL and each (table, CSV URL) the dashboard page links to."""
    report: str | None = None
    tables: list[tuple[str, str]] = []
    for href in re.findall(r'href="([^"]*[?&](?:csv|print)=[^"]*)"', page.decode("utf-8", "replace")):
        url = html.unescape(href)
        if url.startswith("?"):
            url = base + url
        query = dict(part.split("=", 1) for part in urlsplit(url).query.split("&") if "=" in part)
        if "csv" in query and query["csv"] not in dict(tables):
            tables.append((query["csv"], url))
        elif "print" in query and report is None:
            report = url
    return report, tables


def section_report(bench: Bench) -> None:
    from django.urls import reverse

    client = hr_client(bench)
    base = reverse("evaluation:dashboard", args=[bench.meta["evaluating"]])
    response = client.get(base)
    if response.status_code != 200:
        raise BenchError(f"the dashboard answered {response.status_code}")
    report, tables = _links(body_of(response), base)
    if report is None or not tables:
        raise BenchError("the dashboard links no printable report or no CSV (looked for ?print= and ?csv=)")
    pairs = bench.meta["counts"]["pairs"]
    timing = time_get(client, report, bench.args.runs)
    view_row(bench, f"Printable report, {pairs:,} pairs", timing, 300)
    for table, url in tables:
        timing = time_get(client, url, bench.args.runs)
        lines = len(timing.body.decode("utf-8", "replace").splitlines())
        view_row(bench, f"Dashboard CSV `{table}`", timing, 300, f" · {lines:,} lines")


def ensure_proposals(bench: Bench, needed: int) -> None:
    """The program in matching has at least `needed` proposals (a matching run makes them)."""
    from matching.models import Match
    from matching.services import matching_run
    from mentoring.models import User
    from programs.models import Program

    program = Program.objects.get(pk=bench.meta["matching"])
    if Match.objects.filter(program=program, status=Match.Status.PROPOSED).count() < needed:
        print("   (running matching to have proposals)", flush=True)
        matching_run(program=program, by=User.objects.get(pk=bench.meta["hr"]))
        Match.objects.filter(program=program, status=Match.Status.DISCARDED).delete()


def section_review(bench: Bench) -> None:
    from django.urls import reverse

    from matching.models import Match

    ensure_proposals(bench, 1)
    proposals = Match.objects.filter(program_id=bench.meta["matching"], status=Match.Status.PROPOSED).count()
    timing = time_get(hr_client(bench), reverse("matching:review", args=[bench.meta["matching"]]), bench.args.runs)
    view_row(bench, f"Matching review page, {proposals:,} proposals", timing, 300)


def section_approve(bench: Bench) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from matching.models import Match

    program = bench.meta["matching"]
    big = min(1000, scaled(1000, bench.meta["scale"], 12))
    ensure_proposals(bench, big)
    client = hr_client(bench)
    url = reverse("matching:approve", args=[program])

    def approve(count: int) -> tuple[float, int]:
        ids = list(
            Match.objects.filter(program_id=program, status=Match.Status.PROPOSED).order_by("pk").values_list("pk", flat=True)[:count]
        )
        with transaction.atomic():  # rolled back: the proposals stay for the next run
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.post(url, {"matches": [str(pk) for pk in ids]})
                elapsed = time.perf_counter() - started
            count = counted(queries)
            offered = Match.objects.filter(pk__in=ids, status=Match.Status.APPROVED).count()
            transaction.set_rollback(True)
        if offered != len(ids):
            raise BenchError(f"approving {len(ids)} proposals offered {offered} (answer {response.status_code})")
        return elapsed, count

    approve(10)  # warm-up
    small_s, small_q = approve(10)
    big_runs = [approve(big) for _ in range(min(3, bench.args.runs))]
    big_s = statistics.median(s for s, _q in big_runs)
    big_q = big_runs[0][1]
    bench.row(
        f"Approving {big:,} proposals (the POST; its hand-over to the broker after commit not timed)",
        f"{big_s:.2f} s median",
        "≤ 2 s",
        big_s <= 2,
    )
    bench.row(
        f"Approving: queries for 10 and for {big:,} proposals",
        f"{small_q} and {big_q} ({small_s * 1000:.0f} ms for 10)",
        "equal",
        small_q == big_q,
    )


def people_file(rows: int, rng: random.Random) -> bytes:
    """A directory file as HR exports it: everyone already there (some with a new title,
    department or manager), then new people reporting to existing seniors."""
    from mentoring.models import Level, User

    existing = list(
        User.objects.filter(email__endswith=f"@{DOMAIN}")
        .order_by("pk")
        .values_list("email", "first_name", "last_name", "title", "department__name", "level", "manager__email")[: rows * 9 // 10]
    )
    seniors = [email for email, *_rest, level, _m in existing if level >= 40]
    departments = sorted({row[4] for row in existing if row[4]})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "first_name", "last_name", "title", "department", "level", "manager_email"])
    for email, first, last, title, department, level, manager in existing:
        roll = rng.random()
        if roll < 0.08:
            title = f"{title} II"
        elif roll < 0.10 and level <= 30:
            department = rng.choice(departments)
        elif roll < 0.11 and level <= 30:  # a new manager from a higher level: no cycle possible
            manager = rng.choice(seniors)
        writer.writerow([email, first, last, title, department or "", Level(level).slug, manager or ""])
    for k in range(rows - len(existing)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        writer.writerow(
            [
                f"{first.lower()}.{last.lower()}.new{k}@{DOMAIN}",
                first,
                last,
                "Specialist",
                rng.choice(departments),
                "junior",
                rng.choice(seniors),
            ]
        )
    return out.getvalue().encode()


def time_import(bench: Bench, rows: int) -> tuple[float, str]:
    """Upload, preview and apply a people file of `rows` rows through HR's pages; rolled back."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test.utils import override_settings
    from django.urls import reverse

    from mentoring.models import PeopleImport

    data = people_file(rows, random.Random(rows))
    client = hr_client(bench)
    # A 100,000-row file is larger than the default upload limit (PEOPLE_IMPORT_MAX_BYTES).
    limit = max(len(data) + 1024, settings.PEOPLE_IMPORT_MAX_BYTES)
    with override_settings(PEOPLE_IMPORT_MAX_BYTES=limit), transaction.atomic():
        started = time.perf_counter()
        response = client.post(reverse("mentoring:people_import"), {"file": SimpleUploadedFile("people.csv", data, "text/csv")})
        if response.status_code != 302:
            raise BenchError(f"the upload answered {response.status_code}")
        upload_s = time.perf_counter() - started
        preview = response["Location"]
        mark = time.perf_counter()
        response = client.get(preview)
        body_of(response)
        if response.status_code != 200:
            raise BenchError(f"the preview answered {response.status_code}")
        preview_s = time.perf_counter() - mark
        mark = time.perf_counter()
        response = client.post(preview, {"action": "apply"})
        apply_s = time.perf_counter() - mark
        total = time.perf_counter() - started
        record = PeopleImport.objects.order_by("-pk").first()
        transaction.set_rollback(True)
    if record is None or record.status != PeopleImport.Status.APPLIED:
        raise BenchError(
            f"the import was not applied ({record.status if record else 'no record'}, {record.error_count if record else 0} errors)"
        )
    detail = (
        f"{total:.1f} s (upload {upload_s:.1f} + preview {preview_s:.1f} + apply {apply_s:.1f}) · {len(data) / 1e6:.1f} MB, "
        f"{record.created_count:,} new, {record.updated_count:,} changed"
    )
    if limit > settings.PEOPLE_IMPORT_MAX_BYTES:
        detail += f" (upload limit raised to {limit / 2**20:.0f} MB for this file)"
    return total, detail


def section_import(bench: Bench) -> None:
    rows = scaled(10_000, bench.meta["scale"], 50)
    total, detail = time_import(bench, rows)
    bench.row(f"People import, {rows:,} rows (upload, preview, apply)", detail, "≤ 10 s", total <= 10)
    if bench.args.import_100k:
        total, detail = time_import(bench, 100_000)
        bench.row("People import, 100,000 rows (upload, preview, apply)", detail, "≤ 90 s", total <= 90)


def section_sweep(bench: Bench) -> None:
    from django.db import transaction

    from portal import bench_sweep

    due = scaled(10_000, bench.meta["scale"], 20) // 2 * 2
    with transaction.atomic():  # rolled back: the meetings are due only for the next 24 hours
        bench_sweep.build_due_reminders(due, tag="sweep.scale-bench")
        figures = bench_sweep.time_sweeps()
        transaction.set_rollback(True)
    if figures["failed_collectors"]:
        raise BenchError(f"collectors failed: {', '.join(figures['failed_collectors'])}")
    bench.row(
        f"Reminder sweep, {due:,} due (in the whole dataset)",
        f"{figures['sweep_s']:.2f} s · {figures['sweep_queries']} queries · {figures['written']:,} written; "
        f"again: {figures['repeat_sweep_s']:.2f} s, {figures['repeat_written']} written",
        "≤ 2 s",
        figures["sweep_s"] <= 2 and figures["repeat_written"] == 0,
    )
