"""Fixtures for the outbox's delivery tests: a confirmed pair and a real SMTP server."""

import pytest

from matching.models import Match
from notifications.models import Notification
from tests.notifications.smtp_sink import Behaviour, SMTPSink
from tests.sessions.conftest import confirmed_pairs


@pytest.fixture
def pair(hr):
    program, ((junior, senior),) = confirmed_pairs(hr)
    Notification.objects.all().delete()  # only the rows each test writes count
    return program, Match.objects.get(program=program), junior, senior


def news_row(program, recipient, key="news-1"):
    """A "program news" mail about the program's current phase (a kind that is always relevant)."""
    return Notification.objects.create(
        recipient=recipient,
        kind="phase_change",
        dedupe_key=key,
        context={"program_id": program.pk, "status": program.status},
        program=program,
    )


@pytest.fixture
def smtp(settings):
    """A real SMTP server on localhost, spoken to by the site's own backend."""

    def start(**behaviour):
        sink = SMTPSink(Behaviour(**behaviour)).__enter__()
        settings.EMAIL_BACKEND = "notifications.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 1
        started.append(sink)
        return sink

    started: list[SMTPSink] = []
    yield start
    for sink in started:
        sink.__exit__(None, None, None)
