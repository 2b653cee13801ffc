"""Issue 14, item 6 in the browser: HR records leadership's answer on the board; the authors
get it by mail and see the outcome on their recommendations page."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from evaluation.services import recommendation_submit, recommendation_update
from tests.evaluation.helpers import active

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_authors_hear_and_see_leaderships_answer(sign_in, live_server, hr, screenshot_dir):
    program, ((junior, senior),) = active(hr)
    item = recommendation_submit(
        program=program, by=junior, title="Dev containers", description="Faster onboarding", area="technology",
        expected_impact="high", coauthors=[senior],
    )  # fmt: skip
    recommendation_update(recommendation=item, by=hr, status="under_review")
    mail.outbox.clear()
    follow_up = timezone.localdate() + datetime.timedelta(days=60)

    hr_page = sign_in(hr)
    hr_page.goto(f"{live_server.url}/hr/programs/{program.pk}/recommendations/")
    hr_page.locator(f"#s-{item.pk}").select_option("adopted")
    hr_page.locator(f"#lr-{item.pk}").fill("Funded for every team.")
    hr_page.locator(f"#fu-{item.pk}").fill(follow_up.isoformat())
    hr_page.locator(f"#oc-{item.pk}").fill("Onboarding went from 3 days to 4 hours.")
    hr_page.locator(f"#s-{item.pk}").locator("xpath=ancestor::form").get_by_role("button", name="Save").click()
    expect(hr_page.get_by_role("alert").or_(hr_page.locator(".alert")).first).to_be_visible()

    told = sorted(m.to[0] for m in mail.outbox if m.subject == "Your recommendation “Dev containers”: Adopted")
    assert told == sorted([junior.email, senior.email])
    assert "Onboarding went from 3 days to 4 hours." in mail.outbox[0].body

    junior_page = sign_in(junior)
    junior_page.goto(f"{live_server.url}/programs/{program.pk}/recommendations/#recommendation-{item.pk}")
    card = junior_page.locator(f"#recommendation-{item.pk}")
    expect(card.get_by_text("Adopted")).to_be_visible()
    expect(card.get_by_text("Onboarding went from 3 days to 4 hours.")).to_be_visible()
    expect(card.get_by_text("Funded for every team.")).to_be_visible()
    junior_page.screenshot(path=screenshot_dir / "14-6-author-sees-outcome.png", full_page=True)
