"""Shared fixtures: the personas every test talks about, and the browser set-up.

Personas (the healthchecks habit): `hr` (HR coordinator with an authenticator app),
`hr_without_mfa`, `junior`, `senior`, `senior_manager` (the senior's manager) and
`outsider` (someone in another part of the company).
"""

import os
import shutil
import time
import uuid
from pathlib import Path

import pytest
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value, yield_hotp_counters_from_time

from mentoring.models import Level
from mentoring.services import hr_coordinator_grant
from tests.mentoring.factories import DepartmentFactory, UserFactory

# Django's live_server runs in a thread next to Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).parent / "e2e" / "screenshots"


def pytest_report_header(config):
    if CHROMIUM.exists():
        return f"browser tests: Chromium at {CHROMIUM}"
    return f"browser tests: SKIPPED — no Chromium at {CHROMIUM} (apt-get install -y chromium)"


def pytest_collection_modifyitems(config, items):
    # Benchmarks (~60 s each) run only when the -m expression names them (`make bench`,
    # `pytest -m bench`). Deselected, not skipped, so FAIL_ON_SKIP runs stay green and any
    # other -m (`-m "not browser"`) still leaves them out.
    if "bench" in (config.getoption("markexpr") or ""):
        return
    benches = [item for item in items if item.get_closest_marker("bench")]
    if benches:
        config.hook.pytest_deselected(items=benches)
        items[:] = [item for item in items if not item.get_closest_marker("bench")]


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # CI's service run sets FAIL_ON_SKIP: there every test must really run.
    if os.environ.get("FAIL_ON_SKIP") and _skipped and exitstatus == 0:
        print(f"\nFAIL_ON_SKIP is set and {len(_skipped)} test(s) were skipped: {', '.join(_skipped[:10])}")
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A private in-memory cache per test: allauth's rate limits count in the cache, and
    # clearing a shared Redis would also wipe Celery's queue in the service run.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}}
    # Pages read their data afresh (tests/evaluation/test_dashboard_cache.py turns the reuse on).
    settings.DASHBOARD_FACTS_SECONDS = 0
    yield


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process in tests, also in CI's service run; only tests marked
    `services` talk to the real broker and worker."""
    from mentoring.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _topic_catalog_after_flush(request):
    """Transactional tests run on a database another such test may have flushed: put the
    topic catalog (a data migration) back, as every real installation has it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (marker is not None and marker.kwargs.get("transaction"))
    if transactional:
        import importlib

        from django.apps import apps

        request.getfixturevalue("transactional_db")
        importlib.import_module("programs.migrations.0002_topic_catalog").load(apps, None)


def totp_code(secret: str, *, margin: float = 5) -> str:
    """The current TOTP code. With `margin`, waits for the next time step first when fewer than
    `margin` seconds of this one are left, so a code typed into a browser is still valid when
    the server checks it (allauth accepts the current step only)."""
    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.05)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def give_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def hr(db):
    user = UserFactory(
        email="hr@example.com", first_name="Hannah", last_name="Reyes", level=Level.SENIOR, department__name="People & Culture"
    )
    hr_coordinator_grant(user=user)
    user.totp_secret = give_totp(user)
    return user


@pytest.fixture
def hr_without_mfa(db):
    user = UserFactory(
        email="hr2@example.com", first_name="Harald", last_name="Roth", level=Level.SENIOR, department__name="People & Culture"
    )
    hr_coordinator_grant(user=user)
    return user


@pytest.fixture
def senior_manager(db):
    return UserFactory(
        email="director@example.com", first_name="Diana", last_name="Director", level=Level.DIRECTOR, title="Director of Engineering"
    )


@pytest.fixture
def senior(senior_manager):
    return UserFactory(
        email="senior@example.com",
        first_name="Sam",
        last_name="Senior",
        level=Level.LEAD,
        manager=senior_manager,
        title="Engineering Manager",
    )


@pytest.fixture
def junior(db):
    return UserFactory(
        email="junior@example.com",
        first_name="Jo",
        last_name="Junior",
        level=Level.JUNIOR,
        department=DepartmentFactory(name="Product"),
        title="Junior Designer",
    )


@pytest.fixture
def outsider(db):
    return UserFactory(
        email="outsider@example.com", first_name="Olli", last_name="Outsider", level=Level.MID, department=DepartmentFactory(name="Finance")
    )


@pytest.fixture
def hr_client(client, hr):
    client.force_login(hr)
    return client


# --- Browser ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium at {CHROMIUM} for the browser tests")
        pytest.skip(f"no Chromium at {CHROMIUM}: browser tests skipped (apt-get install -y chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def chromium_available() -> bool:
    return CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is not None
