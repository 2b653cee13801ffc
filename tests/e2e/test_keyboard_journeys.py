"""Browser journeys driven with the keyboard alone (issue 14, item 11): after signing in,
every step moves focus with Tab and acts with Enter, Space, arrow keys and typing — no
clicks, no fill(), no check(). A control a mouse user can reach but a keyboard user cannot
makes tab_to() fail with the path focus took."""

import re

import pytest
from playwright.sync_api import expect

from mentoring.models import Level
from programs.models import Application, Program
from tests.e2e.keyboard import assert_focus_visible, press_and_load, tab_to, type_into
from tests.mentoring.factories import UserFactory
from tests.programs.factories import tech_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_junior_applies_by_keyboard(sign_in, live_server, hr, screenshot_dir):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    junior = UserFactory(first_name="Kim", last_name="Keys", level=Level.JUNIOR, title="Developer")

    page = sign_in(junior)
    tab_to(page, "Read more and apply", tag="a")
    press_and_load(page)
    tab_to(page, re.compile("Apply"), tag="a")
    press_and_load(page)
    expect(page.get_by_role("heading", name=re.compile("Apply to"))).to_be_visible()

    # A select: focus it, then arrow keys change the value without opening the list.
    tab_to(page, "Confidence: AI and automation")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    type_into(page, "Why do you want to take part?", "Leaders should see how juniors use AI tools.")
    type_into(page, "What would you like to get out of it?", "Confidence and a sponsor.")
    # A radio group: Tab lands on the checked (or first) radio, arrows move the choice.
    tab_to(page, "1", tag="input")  # comfort with seniors, 1 to 5
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    tab_to(page, "Tuesday Morning")
    page.keyboard.press("Space")
    tab_to(page, "I am taking part voluntarily, because I want to.")
    page.keyboard.press("Space")
    tab_to(page, "I accept the confidentiality terms above.")
    page.keyboard.press("Space")
    tab_to(page, "Submit application", tag="button")
    assert_focus_visible(page)
    press_and_load(page)
    expect(page.get_by_text("Your application is in")).to_be_visible()
    page.screenshot(path=screenshot_dir / "90-keyboard-applied.png", full_page=True)

    application = Application.objects.get(program=program, user=junior)
    assert application.voluntary_consent and application.confidentiality_accepted
    assert "tue_morning" in application.preferred_times
    assert application.comfort_with_seniors == 3
    assert application.topics.get(topic__name="AI and automation", kind="expertise").strength == 3
