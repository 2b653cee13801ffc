"""Browser: a junior mentor's home shows the next meeting with its topic and checklist and
flags an overdue kickoff, on a desktop and on a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Meeting
from tests.matching.factories import MatchFactory
from tests.programs.factories import TopicFactory
from tests.sessions.factories import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_shows_what_is_next_and_what_is_overdue(sign_in, junior, senior, screenshot_dir):
    match = MatchFactory(junior=junior, senior=senior, program__name="Engineering leadership learns from juniors")
    MeetingFactory(
        match=match,
        kind=Meeting.Kind.KICKOFF,
        title="Kickoff",
        status=Meeting.Status.PROPOSED,
        due_by=timezone.localdate() - datetime.timedelta(days=3),
    )
    start = (timezone.now() + datetime.timedelta(days=4)).replace(hour=14, minute=0, second=0, microsecond=0)
    MeetingFactory(
        match=match,
        title="Month 1: AI tools",
        topic=TopicFactory(name="AI and automation"),
        status=Meeting.Status.SCHEDULED,
        starts_at=start,
    )
    page = sign_in(junior)
    next_card = page.locator("section", has=page.get_by_role("heading", name="Your next meeting"))
    expect(next_card).to_contain_text("Month 1: AI tools")
    expect(next_card).to_contain_text("AI and automation")
    expect(next_card).to_contain_text(senior.get_full_name())
    expect(next_card).to_contain_text("Prepare the topic for the session")
    overdue = page.locator("section", has=page.get_by_role("heading", name="Overdue"))
    expect(overdue).to_contain_text("Kickoff")
    page.screenshot(path=screenshot_dir / "72-home-next-meeting.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_dir / "73-home-next-meeting-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    overdue.get_by_role("link", name="Kickoff").click()
    expect(page.get_by_role("heading", name="Kickoff", level=1)).to_be_visible()
