"""Browser journey (issue 14, item 3): after the survey closes, HR reads the answers to its own
questions and what people wrote, on the dashboard and a page of all answers, anonymised."""

import re

import pytest
from playwright.sync_api import expect

from tests.evaluation.test_survey_texts import WORKED, closed_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_reads_written_answers_and_its_own_questions(sign_in, live_server, hr, screenshot_dir):
    program, _survey, _questions = closed_program(hr)
    page = sign_in(hr)
    page.goto(live_server.url + f"/hr/programs/{program.pk}/dashboard/")
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("row", name=re.compile(r"Best meeting format\?: In person"))).to_be_visible()
    expect(results.get_by_role("row", name=re.compile(r"Would you recommend it to a colleague\? \(% yes\)"))).to_be_visible()
    expect(results.get_by_text("In their own words")).to_be_visible()
    expect(results.get_by_text("A shared agenda")).to_be_visible()
    expect(results.get_by_text("Zero slides")).to_have_count(0)  # three on the dashboard, the rest a click away
    expect(results.get_by_text("No written answers.")).to_have_count(3)  # e.g. "What was learned?" nobody answered
    results.scroll_into_view_if_needed()
    results.screenshot(path=screenshot_dir / "140-dashboard-survey-texts.png")

    results.get_by_role("link", name="Read all 6 answers").click()
    expect(page.get_by_role("heading", name="What worked well?")).to_be_visible()
    expect(page.get_by_role("heading", name="From junior mentors")).to_be_visible()
    expect(page.get_by_role("heading", name="From senior mentees")).to_be_visible()
    for text in WORKED:
        expect(page.get_by_text(text)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Junior0")
    page.screenshot(path=screenshot_dir / "141-survey-answers.png", full_page=True)

    page.get_by_role("link", name="Back to the results").click()
    page.get_by_role("link", name="Printable report").click()
    expect(page.get_by_text("Zero slides")).to_be_visible()
    page.get_by_text("In their own words").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "142-report-survey-texts.png", full_page=True)
