"""Browser journey: HR creates the tech-company program from its template and invites
people; a junior and a senior apply through the portal; HR accepts both."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.models import Level
from programs.models import Application, Program
from tests.mentoring.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_program_from_template_to_accepted_volunteers(sign_in, live_server, hr, screenshot_dir):
    junior = UserFactory(email="jun@example.com", first_name="Juna", last_name="Park", level=Level.JUNIOR, title="Junior Developer")
    senior = UserFactory(email="sen@example.com", first_name="Selma", last_name="Ortiz", level=Level.DIRECTOR, title="VP Engineering")

    # HR: create from the tech template, set a start date, open recruiting.
    hr_page = sign_in(hr)
    hr_page.get_by_role("link", name="Manage programs").click()
    hr_page.get_by_role("link", name=re.compile("Use this template: Engineering leadership")).click()
    start = (timezone.localdate() + datetime.timedelta(days=21)).isoformat()
    hr_page.get_by_label("Start date").fill(start)
    hr_page.screenshot(path=screenshot_dir / "10-program-from-template.png", full_page=True)
    hr_page.get_by_role("button", name="Create draft program").click()
    expect(hr_page.get_by_text("Program created as a draft")).to_be_visible()
    hr_page.get_by_role("button", name="Move to Recruiting").click()
    expect(hr_page.get_by_text("The program is now recruiting.")).to_be_visible()
    hr_page.screenshot(path=screenshot_dir / "11-program-recruiting.png", full_page=True)

    # HR: invite the two volunteers from the directory.
    hr_page.get_by_role("link", name="Invitations").click()
    hr_page.get_by_label("Juna Park").check()
    hr_page.get_by_label("Selma Ortiz").check()
    hr_page.get_by_label("Personal message (optional)").fill("Your perspective would help our leaders.")
    hr_page.get_by_role("button", name="Send invitations").click()
    expect(hr_page.get_by_text("2 invitations sent.")).to_be_visible()
    hr_page.screenshot(path=screenshot_dir / "12-invitations.png", full_page=True)

    # The junior accepts the invitation and applies.
    junior_page = sign_in(junior)
    junior_page.get_by_role("link", name="See the invitation").click()
    expect(junior_page.get_by_text("Your perspective would help our leaders.")).to_be_visible()
    junior_page.get_by_role("button", name="Yes, I'd like to apply").click()
    junior_page.get_by_label("Confidence: AI and automation").select_option(label="Expert")
    junior_page.get_by_label("Confidence: Developer experience").select_option(label="Solid")
    junior_page.get_by_label("Why do you want to take part?").fill("Leaders should see how juniors work with AI tools.")
    junior_page.get_by_label("What would you like to get out of it?").fill("Confidence and a sponsor.")
    junior_page.locator("label[for=id_comfort_with_seniors_2]").click()
    junior_page.get_by_label("Tuesday Morning").check()
    junior_page.get_by_label("I am taking part voluntarily, because I want to.").check()
    junior_page.get_by_label("I accept the confidentiality terms above.").check()
    junior_page.screenshot(path=screenshot_dir / "13-junior-application.png", full_page=True)
    junior_page.get_by_role("button", name="Submit application").click()
    expect(junior_page.get_by_text("Your application is in")).to_be_visible()

    # The senior applies too, confirming the time commitment shown to them.
    senior_page = sign_in(senior)
    senior_page.get_by_role("link", name="See the invitation").click()
    senior_page.get_by_role("button", name="Yes, I'd like to apply").click()
    senior_page.get_by_label("Priority: AI and automation").select_option(label="Top priority")
    senior_page.get_by_label("Priority: Team culture from the junior perspective").select_option(label="Important")
    senior_page.get_by_label("Why do you want to take part?").fill("I have not touched the toolchain in years.")
    senior_page.get_by_label("What would you like to get out of it?").fill("Unfiltered feedback.")
    senior_page.get_by_label("What are you open to hear from a junior colleague?").fill("That our processes feel slow.")
    senior_page.get_by_label(re.compile("I can block about 9.0 hours over 6 months")).check()
    senior_page.get_by_label("Thursday Afternoon").check()
    senior_page.get_by_label("I am taking part voluntarily, because I want to.").check()
    senior_page.get_by_label("I accept the confidentiality terms above.").check()
    senior_page.get_by_role("button", name="Submit application").click()
    expect(senior_page.get_by_text("Your application is in")).to_be_visible()

    # HR reviews and accepts both.
    hr_page.get_by_role("link", name="Applications").click()
    expect(hr_page.get_by_role("link", name="Juna Park")).to_be_visible()
    hr_page.screenshot(path=screenshot_dir / "14-applications.png", full_page=True)
    hr_page.get_by_role("link", name="Juna Park").click()
    hr_page.get_by_role("button", name="Accept").click()
    expect(hr_page.get_by_text("Decision saved; Juna Park has been told.")).to_be_visible()
    hr_page.get_by_role("link", name="Selma Ortiz").click()
    hr_page.get_by_role("button", name="Accept").click()
    expect(hr_page.get_by_text("Decision saved; Selma Ortiz has been told.")).to_be_visible()
    hr_page.get_by_role("link", name="Overview").click()
    expect(hr_page.get_by_text("Balanced: every accepted junior can be paired with a senior.")).to_be_visible()
    hr_page.screenshot(path=screenshot_dir / "15-ready-for-matching.png", full_page=True)

    program = Program.objects.get()
    assert program.status == Program.Status.RECRUITING and program.template_key == "tech"
    assert set(Application.objects.filter(program=program, status="accepted").values_list("user__email", "role")) == {
        ("jun@example.com", "junior"),
        ("sen@example.com", "senior"),
    }
    junior_page.reload()
    junior_page.goto(live_server.url + f"/programs/{program.pk}/my-application/")
    expect(junior_page.get_by_text("You are in!")).to_be_visible()
