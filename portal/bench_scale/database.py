"""The benchmark's own database: created fresh (only ever one whose name starts with "bench"),
or found again with --reuse through the facts the build left in it."""

from __future__ import annotations

import json
import re
import sys
from typing import Any
from urllib.parse import urlsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
DEFAULT_DATABASE = "bench_scale"


def _server_url(url: str) -> tuple[str, str]:
    """(maintenance-database URL, bench database name) for a postgres:// URL."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or DEFAULT_DATABASE
    return parts._replace(path="/postgres").geturl(), name


def prepare_postgres(url: str, *, reuse: bool, fallback: bool = False) -> str | None:
    """Create (or, with reuse, find) the bench database; return its URL. Without a reachable
    PostgreSQL: None with `fallback`, otherwise exit 2."""
    import psycopg

    maintenance, name = _server_url(url)
    if not re.fullmatch(r"bench[a-z0-9_]*", name):
        sys.exit(f"Refusing to use the database {name!r}: the benchmark drops and recreates it, so its name must start with 'bench'.")
    try:
        with psycopg.connect(maintenance, connect_timeout=3, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
            if reuse and not exists:
                sys.exit(f"--reuse: there is no database {name!r} yet; run once without --reuse to build it.")
            if not reuse:
                # Only ever the benchmark's own database (its name starts with "bench", checked above).
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        reason = f"No PostgreSQL reachable at {maintenance.rsplit('/', 1)[0]}/ ({str(exc).strip().splitlines()[0]})."
        if fallback:
            print(f"{reason}\nFalling back to a smaller smoke run on SQLite.", file=sys.stderr, flush=True)
            return None
        print(
            f"{reason}\nThe scale benchmark measures PostgreSQL: start it or set BENCH_DATABASE_URL, "
            "or pass --sqlite for a smaller smoke run.",
            file=sys.stderr,
        )
        sys.exit(2)
    return urlsplit(maintenance)._replace(path=f"/{name}").geturl()


def setup_django(*, statement_timeout_s: int) -> None:
    import warnings

    import django

    # WhiteNoise's note that STATIC_ROOT was never collected: the Client's pages need no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.conf import settings
    from django.db.backends.signals import connection_created

    # Time what production renders: no template debug information, no query log.
    settings.DEBUG = False

    def limit(sender, connection, **kwargs):
        # A page that takes minutes at this size fails its section instead of stalling the run.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(statement_timeout_s * 1000)}")

    connection_created.connect(limit, weak=False)


META_TABLE = "bench_scale_meta"


def save_meta(meta: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key varchar(40) PRIMARY KEY, value text NOT NULL)")
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)", ["dataset", json.dumps(meta)])


def load_meta() -> dict[str, Any]:
    from django.db import connection

    if META_TABLE not in connection.introspection.table_names():
        sys.exit("--reuse: this database holds no finished benchmark dataset; run once without --reuse.")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE key = %s", ["dataset"])
        found = cursor.fetchone()
    if found is None:
        sys.exit("--reuse: this database holds no finished benchmark dataset; run once without --reuse.")
    return json.loads(found[0])
