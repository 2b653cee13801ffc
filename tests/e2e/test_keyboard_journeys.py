"""Browser journeys driven with the keyboard alone (issue 14, item 11): after signing in,
every step moves focus with Tab and acts with Enter, Space, arrow keys and typing — no
clicks, no fill(), no check(). A control a mouse user can reach but a keyboard user cannot
makes tab_to() fail with the path focus took."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from evaluation.models import CheckIn
from matching.models import Match
from matching.services import matches_approve, matching_run
from mentoring.models import Level
from programs.models import Application, Program
from programs.services import application_decide, program_transition
from sessions.models import Meeting, SessionLog
from tests.e2e.keyboard import active, assert_focus_visible, press_and_load, tab_to, type_into
from tests.mentoring.factories import DepartmentFactory, UserFactory
from tests.programs.factories import apply, tech_program
from tests.sessions.conftest import confirmed_pairs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_junior_applies_by_keyboard(sign_in, live_server, hr, screenshot_dir):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    junior = UserFactory(first_name="Kim", last_name="Keys", level=Level.JUNIOR, title="Developer")

    page = sign_in(junior)
    tab_to(page, "Read more and apply", tag="a")
    assert_focus_visible(page)
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
    assert_focus_visible(page, on_label=True)
    tab_to(page, "Tuesday Morning")
    page.keyboard.press("Space")
    assert_focus_visible(page)
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


def offered_pair(hr):
    """A program in matching whose one junior/senior pair has been offered, not yet answered."""
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    junior = UserFactory(level=Level.JUNIOR, department=DepartmentFactory(name="J"), first_name="Jules", last_name="Tab")
    senior = UserFactory(level=Level.DIRECTOR, department=DepartmentFactory(name="S"), first_name="Sana", last_name="Shift")
    for person in (junior, senior):
        application_decide(application=apply(program, person), decision="accepted", by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    program.refresh_from_db()
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    return program, junior, senior


def test_junior_accepts_the_match_by_keyboard(sign_in, hr, screenshot_dir):
    _program, junior, _senior = offered_pair(hr)

    page = sign_in(junior)
    tab_to(page, re.compile("Please answer"), tag="a")
    press_and_load(page)
    expect(page.get_by_role("heading", name="You and Sana Shift")).to_be_visible()
    tab_to(page, "Accept the match", tag="button")
    assert_focus_visible(page)
    press_and_load(page)
    expect(page.get_by_text("You accepted. We are waiting for the other side.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "91-keyboard-match-accepted.png", full_page=True)
    assert Match.objects.get(members__user=junior).members.get(user=junior).response == "accepted"


def type_datetime(page: Page, when: datetime.datetime) -> None:
    """Type into a focused datetime-local input segment by segment, as Chromium's en-US
    locale lays it out (mm/dd/yyyy, hh:mm AM/PM): two digits move on to the next segment;
    the year takes up to six, so an arrow key moves on from it."""
    page.keyboard.type(when.strftime("%m%d%Y"))
    page.keyboard.press("ArrowRight")
    page.keyboard.type(when.strftime("%I%M"))
    page.keyboard.type("A" if when.hour < 12 else "P")


def test_junior_offers_times_and_senior_picks_by_keyboard(sign_in, live_server, hr, screenshot_dir):
    program, ((junior, senior),) = confirmed_pairs(hr)
    for person in (junior, senior):
        person.timezone = "UTC"
        person.save()
    kickoff = Meeting.objects.get(match__program=program, kind="kickoff")
    first = (timezone.now() + datetime.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    second = (first + datetime.timedelta(days=1)).replace(hour=14, minute=30)

    junior_page = sign_in(junior)
    tab_to(junior_page, re.compile(re.escape(program.name)), tag="a")
    press_and_load(junior_page)
    tab_to(junior_page, "Propose times for the kickoff", tag="a")
    press_and_load(junior_page)
    tab_to(junior_page, "Time 1")
    assert_focus_visible(junior_page)
    type_datetime(junior_page, first)
    tab_to(junior_page, "Time 2 (optional)")
    type_datetime(junior_page, second)
    tab_to(junior_page, "Length (minutes)")
    junior_page.keyboard.press("Control+a")
    junior_page.keyboard.type("60")
    tab_to(junior_page, "Offer these times", tag="button")
    assert_focus_visible(junior_page)
    press_and_load(junior_page)
    expect(junior_page.get_by_text("Times offered. Your partner picks one.")).to_be_visible()
    assert sorted(kickoff.options.values_list("starts_at", flat=True)) == [first, second]

    senior_page = sign_in(senior)
    # Home leads the senior straight to the meeting that waits for their answer.
    tab_to(senior_page, re.compile(re.escape(program.name)), tag="a")
    press_and_load(senior_page)
    expect(senior_page.get_by_role("heading", name="Kickoff")).to_be_visible()
    tab_to(senior_page, "Pick this time", tag="button")
    tab_to(senior_page, "Pick this time", tag="button")  # the second offer
    assert_focus_visible(senior_page)
    press_and_load(senior_page)
    expect(senior_page.get_by_text("Scheduled. A calendar invitation is on its way to both of you.")).to_be_visible()
    senior_page.screenshot(path=screenshot_dir / "92-keyboard-time-picked.png", full_page=True)
    kickoff.refresh_from_db()
    assert kickoff.status == Meeting.Status.SCHEDULED and kickoff.starts_at == second


def test_member_logs_the_meeting_by_keyboard(sign_in, live_server, hr, screenshot_dir):
    program, ((junior, _senior),) = confirmed_pairs(hr)
    kickoff = Meeting.objects.get(match__program=program, kind="kickoff")
    Meeting.objects.filter(pk=kickoff.pk).update(
        status=Meeting.Status.SCHEDULED, starts_at=timezone.now() - datetime.timedelta(hours=3), duration_minutes=60
    )

    page = sign_in(junior)
    tab_to(page, re.compile(re.escape(program.name)), tag="a")
    press_and_load(page)
    tab_to(page, re.compile("kickoff", re.I), tag="a")
    press_and_load(page)
    tab_to(page, "Yes", tag="input")  # did the meeting take place?
    page.keyboard.press("Space")
    type_into(page, "How long did you meet (minutes)?", "55")
    type_into(page, "What I shared", "How our dev containers work")
    type_into(page, "What I learned", "How budgets are decided")
    tab_to(page, "Save log", tag="button")
    assert_focus_visible(page)
    press_and_load(page)
    expect(page.get_by_text("Thanks for logging the meeting.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "93-keyboard-meeting-logged.png", full_page=True)
    log = SessionLog.objects.get(meeting=kickoff, author=junior)
    assert log.held and log.actual_minutes == 55 and log.learned == "How budgets are decided"


def test_member_checks_in_by_keyboard(sign_in, hr, screenshot_dir):
    program, ((junior, _senior),) = confirmed_pairs(hr)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)

    page = sign_in(junior)
    tab_to(page, re.compile("Monthly check-in"), tag="a")
    press_and_load(page)
    # The pulse is a radio group: Tab enters it on the first choice, arrows move the choice.
    tab_to(page, "1", tag="input")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert_focus_visible(page, on_label=True)
    tab_to(page, "Yes", tag="input")  # meetings as planned? Yes is checked; keep it
    tab_to(page, "Lack of time", tag="input")
    page.keyboard.press("Space")
    type_into(page, "Comment (optional)", "Going well, a little slow.")
    tab_to(page, "Send check-in", tag="button")
    assert_focus_visible(page)
    press_and_load(page)
    expect(page.get_by_text("Thank you for checking in.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "94-keyboard-checkin.png", full_page=True)
    checkin = CheckIn.objects.get(user=junior)
    assert checkin.pulse == 4 and checkin.meetings_as_planned


def test_skip_link_and_user_menu_by_keyboard(sign_in, junior, screenshot_dir):
    """The first Tab offers the skip link, which moves focus past the navigation; the user
    menu opens with Enter, walks with the arrow keys and closes with Escape back on its toggle."""
    page = sign_in(junior)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    # The next Tab lands inside the page's content, not back in the navigation.
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)"), active(page)["desc"]

    toggle = page.locator("[data-bs-toggle=dropdown]")
    tab_to(page, re.compile(re.escape(junior.get_short_name())), tag="a", backwards=True)
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Profile and preferences")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Change password")).to_be_focused()
    page.screenshot(path=screenshot_dir / "95-keyboard-user-menu.png", full_page=True)
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
