"""The outbox's pages: who may open them and what HR's outbox costs at two sizes."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.budgets import assert_flat, measure
from tests.notifications.factories import EmailPreferenceFactory, NotificationFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("persona", "status"), [("hr", 200), ("junior", 403), ("senior", 403), ("outsider", 403), ("senior_manager", 403)])
def test_outbox_is_for_hr_only_also_when_posting(client, request, persona, status):
    row = NotificationFactory(status=Notification.Status.FAILED, attempts=5, last_error="boom")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("notifications:outbox")).status_code == status
    response = client.post(reverse("notifications:outbox"), {"notification": row.pk})
    row.refresh_from_db()
    assert (response.status_code, row.status == Notification.Status.FAILED) == ((302, False) if status == 200 else (403, True))


@pytest.mark.parametrize("persona", ["junior", "senior", "outsider", "hr"])
def test_preferences_are_each_persons_own(client, request, persona, junior):
    """Everyone opens their own settings; saving them never touches someone else's."""
    EmailPreferenceFactory(user=junior, disabled_kinds=["meeting_soon"])
    person = request.getfixturevalue(persona)
    client.force_login(person)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    client.post(reverse("notifications:preferences"), {"enabled": []})
    junior.email_preference.refresh_from_db()
    if person != junior:
        assert junior.email_preference.disabled_kinds == ["meeting_soon"]


def test_outbox_costs_the_same_at_two_sizes(hr_client, hr):
    program = ProgramFactory()
    url = reverse("notifications:outbox")
    NotificationFactory.create_batch(120, program=program)  # more than a page (100) at both sizes
    small = measure(lambda: hr_client.get(url))
    NotificationFactory.create_batch(280, program=program, status=Notification.Status.SENT)
    large = measure(lambda: hr_client.get(url))
    assert_flat(small, large, ceiling=10)  # one page: the same instances too
    assert large.instances["notifications.Notification"] == 100
