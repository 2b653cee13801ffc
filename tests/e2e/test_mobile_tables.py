"""At a phone's width (390 × 844) the page itself never scrolls sideways: wide tables scroll
inside their own container, and the applications table shows each applicant's status on
screen without any scrolling at all."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mentoring.models import Level
from programs.models import Program
from tests.matching.factories import MatchFactory
from tests.mentoring.factories import UserFactory
from tests.programs.factories import apply, tech_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PAGE_WIDTH = "document.documentElement.scrollWidth"
# Every table wider than its box must sit in a .table-responsive container.
TABLES_OVERFLOWING_UNCONTAINED = """
[...document.querySelectorAll('table')]
  .filter(t => t.getBoundingClientRect().width > 0 && !t.closest('.table-responsive'))
  .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)
  .map(t => t.id || t.className || t.outerHTML.slice(0, 80))
"""


def on_screen(box) -> bool:
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_applications_status_is_on_screen_on_a_phone(sign_in, live_server, hr, screenshot_dir):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    for n in range(3):
        person = UserFactory(
            first_name=f"Alexandra-Marie{n}", last_name="Vandenberghe-Oppenheimer", level=Level.JUNIOR, title="Junior Platform Engineer"
        )
        apply(program, person)
    page = sign_in(hr)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("programs:applications", args=[program.pk]))
    table = page.get_by_role("table", name="Applications")
    expect(table).to_be_visible()
    page.screenshot(path=screenshot_dir / "70-applications-phone.png", full_page=True)
    # Without scrolling anything sideways, every status sits within the phone's width.
    for status in table.get_by_text("Submitted, awaiting review").all():
        assert on_screen(status.bounding_box()), "the status column sits off-screen"
    assert "table-responsive" in (table.locator("xpath=..").get_attribute("class") or "")
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], "the page scrolls sideways"
    assert page.evaluate("window.scrollX") == 0


def test_hr_pages_never_scroll_sideways_on_a_phone(sign_in, live_server, hr, screenshot_dir):
    match = MatchFactory(program__name="Phone program")
    program = match.program
    pages = {
        "dashboard": reverse("evaluation:dashboard", args=[program.pk]),
        "meetings": reverse("mentoring_sessions:hr_meetings", args=[program.pk]),
        "applications": reverse("programs:applications", args=[program.pk]),
        "programs": reverse("programs:manage_list"),
        "directory": reverse("mentoring:directory"),
        "import": reverse("mentoring:people_import"),
        "outbox": reverse("notifications:outbox"),
    }
    page = sign_in(hr)
    page.set_viewport_size(PHONE)
    for name, url in pages.items():
        page.goto(live_server.url + url)
        page.screenshot(path=screenshot_dir / f"71-phone-{name}.png", full_page=True)
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], f"{name} scrolls sideways"
        assert page.evaluate(TABLES_OVERFLOWING_UNCONTAINED) == [], name


def test_participant_pages_never_scroll_sideways_on_a_phone(sign_in, live_server, junior, screenshot_dir):
    from sessions.models import Meeting
    from tests.sessions.factories import MeetingFactory, SessionLogFactory

    match = MatchFactory(junior=junior, program__name="Phone pair program")
    held = MeetingFactory(match=match, title="A held session", held=True)
    SessionLogFactory(meeting=held, author=junior, shared="A very long word: " + "x" * 80, learned="Patience")
    MeetingFactory(match=match, title="The next one", status=Meeting.Status.SCHEDULED, scheduled=True)
    pages = {
        "home": reverse("portal:home"),
        "pair": reverse("mentoring_sessions:pair", args=[match.pk]),
        "meeting": reverse("mentoring_sessions:meeting", args=[held.pk]),
        "checkin": reverse("evaluation:checkin", args=[match.program.pk]),
        "journey": reverse("evaluation:journey", args=[match.program.pk]),
        "recommendations": reverse("evaluation:recommendations", args=[match.program.pk]),
    }
    page = sign_in(junior)
    page.set_viewport_size(PHONE)
    for name, url in pages.items():
        page.goto(live_server.url + url)
        page.screenshot(path=screenshot_dir / f"74-phone-{name}.png", full_page=True)
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], f"{name} scrolls sideways"
        assert page.evaluate(TABLES_OVERFLOWING_UNCONTAINED) == [], name
        if name == "meeting":
            # Each checklist box stays beside its text when the text wraps.
            item = page.locator(".prep-list li").nth(1)
            box, label = item.locator("input").bounding_box(), item.locator("label").bounding_box()
            assert box and label and box["x"] + box["width"] <= label["x"] and box["y"] >= label["y"] - 4, (box, label)
