"""Every paginated list uses one include (templates/_pagination.html), whose links keep the
list's filters: page 2 of a filtered list is page 2 of that filter, not of everything."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from notifications.models import Notification
from tests.mentoring.factories import DepartmentFactory, UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_no_template_builds_its_own_page_links():
    own = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if path.name != "_pagination.html" and re.search(r"(previous|next)_page_number", path.read_text(encoding="utf-8"))
    ]
    assert own == []


@pytest.mark.django_db
def test_the_directorys_next_page_keeps_the_filter(hr_client):
    sales = DepartmentFactory(name="Sales")
    UserFactory.create_batch(55, department=sales)
    UserFactory.create_batch(3)
    page = hr_client.get(reverse("mentoring:directory"), {"department": sales.pk}).content.decode()
    assert f'href="?department={sales.pk}&amp;page=2"' in page and "Page 1 of 2" in page
    second = hr_client.get(reverse("mentoring:directory"), {"department": sales.pk, "page": 2}).content.decode()
    assert f'href="?department={sales.pk}&amp;page=1"' in second and "Page 2 of 2" in second


@pytest.mark.django_db
def test_the_outbox_pages_beyond_the_latest_hundred(hr_client, junior):
    Notification.objects.bulk_create(
        Notification(recipient=junior, kind="phase_change", dedupe_key=f"page-{n}", context={}, status=Notification.Status.FAILED)
        for n in range(101)
    )
    page = hr_client.get(reverse("notifications:outbox"), {"status": "failed"}).content.decode()
    assert 'href="?status=failed&amp;page=2"' in page
    assert "Page 2 of 2" in hr_client.get(reverse("notifications:outbox"), {"status": "failed", "page": 2}).content.decode()
