"""Browser journey: a participant flags a challenge in a check-in, HR sees the pair at risk
with the reason and records a note; at the end both answer the survey, HR closes it and opens
the printable report."""

import re

import pytest
from playwright.sync_api import expect

from evaluation.models import HRNote, Response
from matching.models import Match
from programs.models import Program
from programs.services import program_transition
from tests.sessions.conftest import confirmed_pairs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_survey(page):
    page.get_by_role("link", name=re.compile("End-of-program survey")).click()
    page.locator("fieldset").nth(0).locator("label", has_text="4").click()
    page.get_by_label("Which concrete skills or insights did you gain?").fill("How leadership decides")
    page.locator("fieldset").nth(3).get_by_label("Yes").check()
    page.locator("fieldset").nth(4).get_by_label("Yes").check()
    page.get_by_label("What worked well?").fill("Fixed slots")
    page.get_by_label("What would you change?").fill("Fewer cancellations")
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_text("Thank you! Your answers help the next round.")).to_be_visible()


def test_checkin_risk_note_survey_report(sign_in, live_server, hr, screenshot_dir):
    program, ((junior, senior),) = confirmed_pairs(hr)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)

    junior_page = sign_in(junior)
    junior_page.get_by_role("link", name=re.compile("Monthly check-in")).click()
    junior_page.locator("label[for=pulse-2]").click()
    junior_page.locator("label[for=map-no]").click()
    junior_page.get_by_label("Lack of time").check()
    junior_page.get_by_label("Comment (optional)").fill("We keep postponing; could you nudge us?")
    junior_page.get_by_label("I'd like HR to reach out to me").check()
    junior_page.screenshot(path=screenshot_dir / "40-checkin.png", full_page=True)
    junior_page.get_by_role("button", name="Send check-in").click()
    expect(junior_page.get_by_text("Thank you for checking in.")).to_be_visible()

    hr_page = sign_in(hr)
    hr_page.goto(live_server.url + f"/hr/programs/{program.pk}/dashboard/")
    row = hr_page.locator(".pair-row").first
    expect(row).to_contain_text("low pulse (1 or 2) in this pair")
    expect(row).to_contain_text("challenge raised in this pair: lack of time")
    expect(row).to_contain_text(f"{junior.get_full_name()} asked HR to reach out")
    expect(row).to_contain_text("We keep postponing; could you nudge us?")
    row.get_by_label("HR note").fill("Called them: moving sessions to Thursday mornings.")
    row.get_by_role("button", name="Save note").click()
    expect(hr_page.get_by_text("Note saved (visible to coordinators only).")).to_be_visible()
    hr_page.screenshot(path=screenshot_dir / "41-dashboard-at-risk.png", full_page=True)
    assert HRNote.objects.get().body.startswith("Called them")

    # The end: evaluation, survey, report.
    program_transition(program=program, to_status=Program.Status.EVALUATING, by=hr, force=True, reason="Journey test")
    hr_page.goto(live_server.url + f"/hr/programs/{program.pk}/survey/")
    hr_page.get_by_role("button", name="Send the survey to every participant").click()
    expect(hr_page.get_by_text("Survey sent to every participant.")).to_be_visible()
    junior_page.goto(live_server.url + "/")
    answer_survey(junior_page)
    senior_page = sign_in(senior)
    answer_survey(senior_page)
    assert Response.objects.count() == 2

    hr_page.goto(live_server.url + f"/hr/programs/{program.pk}/dashboard/")
    expect(hr_page.get_by_text("Results appear once the survey is closed")).to_be_visible()
    hr_page.goto(live_server.url + f"/hr/programs/{program.pk}/survey/")
    hr_page.get_by_role("button", name="Close the survey and show the results").click()
    expect(hr_page.get_by_text("Survey closed. The results are on the dashboard.")).to_be_visible()
    hr_page.goto(live_server.url + f"/hr/programs/{program.pk}/dashboard/")
    hr_page.get_by_role("link", name="Printable report").click()
    expect(hr_page.get_by_role("heading", name=program.name)).to_be_visible()
    expect(
        hr_page.get_by_text("Any group with fewer than 3 respondents is hidden, and so is any figure it could be worked out from.")
    ).to_be_visible()
    # The report counts pairs by reason and names no one.
    health = hr_page.get_by_role("region", name="Pair health")
    expect(health.get_by_role("row", name="someone in this pair asked HR to reach out 1")).to_be_visible()
    expect(hr_page.locator("main")).not_to_contain_text("We keep postponing")
    expect(hr_page.locator("main")).not_to_contain_text(junior.get_full_name())
    hr_page.screenshot(path=screenshot_dir / "42-report.png", full_page=True)
    assert Match.objects.get(program=program).status == Match.Status.CONFIRMED
