"""The registry: every app's kinds are known to the outbox with their templates, a kind
cannot be registered twice with different meanings, and the sweep runs each collector on
its own so one failing query does not stop the others."""

import datetime
import logging

import pytest
from django.template.loader import get_template

from notifications import registry
from notifications.models import Notification
from notifications.services import Message
from notifications.sweep import notifications_sweep

pytestmark = pytest.mark.django_db


def test_every_app_registered_its_kinds_with_templates():
    keys = {kind.key for kind in registry.kinds()}
    assert {"invitation", "match_offered", "meeting_scheduled", "checkin_due", "hr_digest"} <= keys
    assert {key for key, _label in Notification._meta.get_field("kind").choices} == keys
    for kind in registry.kinds():
        for suffix in ("-subject.txt", ".txt", ".html"):
            get_template(f"emails/{kind.template_name}{suffix}")  # raises when missing
    assert registry.essential_keys() == {
        "invitation",
        "application_decided",
        "match_offered",
        "match_confirmed",
        "meeting_scheduled",
        "meeting_cancelled",
        "times_offered",
        "meeting_moved",
        "checkin_reach_out",
    }
    collectors = set(registry.collectors())
    assert {
        "programs.invitation_reminders",
        "matching.acceptance_reminders",
        "sessions.meeting_reminders",
        "evaluation.hr_digests",
    } <= collectors


def test_a_kind_cannot_mean_two_things():
    existing = registry.kind("invitation")
    assert registry.register_kind(existing) == "invitation"  # the same registration again is harmless
    with pytest.raises(ValueError, match="Two apps register the notification kind 'invitation'"):
        registry.register_kind(registry.NotificationKind("invitation", "Something else", existing.build))


def test_one_failing_collector_does_not_stop_the_others(monkeypatch, junior, caplog):
    def broken(now: datetime.datetime):
        raise RuntimeError("a query went wrong")

    def working(now: datetime.datetime):
        return [Message(junior.pk, "phase_change", "phase:test:1", {"program_id": 1, "status": "active"})]

    monkeypatch.setattr(registry, "collectors", lambda: {"tests.broken": broken, "tests.working": working})
    with caplog.at_level(logging.ERROR, logger="notifications.sweep"):
        result = notifications_sweep(send=False)
    assert result.written == 1 and result.failed_collectors == ["tests.broken"]
    assert Notification.objects.filter(dedupe_key="phase:test:1").exists()
    assert "tests.broken failed" in caplog.text
