"""Where links in e-mails point: the site people actually use.

A mail written during a request links to the host that served it (its scheme and host,
which Django has checked against ALLOWED_HOSTS), so an installation reached on another host
or port does not mail dead links. Mails are rendered later by workers from ids, so the
outbox row keeps the request's site (`notifications.services.notify_many`), and the last
site seen is remembered in the cache for mails written without a request (sweeps, digests,
commands). Without either, `SITE_URL` is used; production should set it (a system check
warns when it is missing).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest

logger = logging.getLogger(__name__)

DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"  # `make run` / `make demo`
REMEMBERED_KEY = "mentoring:last-site-url"

_request: ContextVar[HttpRequest | None] = ContextVar("mentoring_site_request", default=None)
_override: ContextVar[str | None] = ContextVar("mentoring_site_override", default=None)
# What this process last wrote to the cache: a write only when the site changes.
_remembered_here: dict[str, str] = {}


def site_url_of(request: HttpRequest) -> str | None:
    """The request's scheme and host, or None when the host is not one of ALLOWED_HOSTS."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return f"{request.scheme}://{host}"


def request_site_url() -> str | None:
    """The site of the request being served (remembered for later mails), or None outside one."""
    request = _request.get()
    url = site_url_of(request) if request is not None else None
    if url and _remembered_here.get("url") != url:
        # After the commit: outside the writer's transaction, and only once it has succeeded.
        transaction.on_commit(lambda: _remember(url))
    return url


def _remember(url: str) -> None:
    try:
        cache.set(REMEMBERED_KEY, url, timeout=None)
        _remembered_here["url"] = url
    except Exception:  # a cache outage must not fail the request that writes a mail
        logger.warning("Could not remember the site URL %s", url, exc_info=True)


def remembered_site_url() -> str | None:
    try:
        return cache.get(REMEMBERED_KEY)
    except Exception:
        return None


def configured_site_url() -> str:
    return (settings.SITE_URL or DEVELOPMENT_SITE_URL).rstrip("/")


def current_site_url() -> str:
    """The base of links built now: the mail's own site (see `site_url_override`), the request's,
    the last one seen, or SITE_URL — in that order."""
    url = _override.get() or request_site_url() or remembered_site_url() or configured_site_url()
    return url.rstrip("/")


@contextmanager
def site_url_override(url: str | None) -> Iterator[None]:
    """Build links for `url` (a stored outbox row's site) inside the block; None changes nothing."""
    token = _override.set(url or _override.get())
    try:
        yield
    finally:
        _override.reset(token)


class SiteFromRequestMiddleware:
    """Makes the request being served known to `current_site_url` (links in mails it writes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def check_site_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL is not set, so e-mails written outside a request (reminders, digests, "
            "make_hr_coordinator's link) point to the last site seen, or to " + DEVELOPMENT_SITE_URL + " before any.",
            hint="Set SITE_URL to the address people use, e.g. https://mentoring.example.com (see 'Configuration' in README.md).",
            id="mentoring.W001",
        )
    ]
