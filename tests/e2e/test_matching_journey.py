"""Browser journey: HR runs matching, reads the explanations and approves; the junior and
the senior each accept their match in the portal."""

import re

import pytest
from playwright.sync_api import expect

from matching.models import Match
from mentoring.models import Level
from programs.models import Program
from programs.services import application_decide, program_transition
from tests.mentoring.factories import DepartmentFactory, UserFactory
from tests.programs.factories import apply, tech_program, topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_matches_and_both_sides_accept(sign_in, hr, screenshot_dir):
    eng, product = DepartmentFactory(name="Engineering"), DepartmentFactory(name="Product")
    lead = UserFactory(
        email="lead@example.com", first_name="Lars", last_name="Lead", level=Level.LEAD, department=eng, title="Engineering Lead"
    )
    junior = UserFactory(
        email="jo@example.com", first_name="Jo", last_name="Nguyen", level=Level.JUNIOR, department=eng, manager=lead, title="Developer"
    )
    other_junior = UserFactory(
        email="ada@example.com", first_name="Ada", last_name="Kim", level=Level.JUNIOR, department=product, title="Designer"
    )
    senior = UserFactory(
        email="vp@example.com", first_name="Vera", last_name="Patel", level=Level.DIRECTOR, department=product, title="VP Product"
    )
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    ai, devx = topic("AI and automation").pk, topic("Developer experience").pk
    for person, kwargs in [
        (junior, {"expertise": {ai: 3, devx: 2}}),
        (other_junior, {"expertise": {devx: 1}}),
        (lead, {"interests": {devx: 3}}),
        (senior, {"interests": {ai: 3}}),
    ]:
        application_decide(application=apply(program, person, **kwargs), decision="accepted", by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)

    hr_page = sign_in(hr)
    hr_page.goto(hr_page.url.rstrip("/") + f"/hr/programs/{program.pk}/")
    hr_page.get_by_role("link", name="Matching").click()
    hr_page.get_by_role("button", name="Run matching").click()
    expect(hr_page.get_by_text(re.compile(r"Matching done in \d+ ms: 2 proposals,"))).to_be_visible()
    # Jo reports to Lars: the engine pairs Jo with Vera and explains why.
    card = hr_page.locator(".match-card").filter(has_text="Jo Nguyen")
    expect(card).to_contain_text("Vera Patel")
    expect(card).to_contain_text("shares AI and automation")
    expect(card).to_contain_text("different departments")
    hr_page.screenshot(path=screenshot_dir / "20-matching-proposals.png", full_page=True)
    hr_page.get_by_role("button", name="Approve all and offer").click()
    expect(hr_page.get_by_text("2 matches offered; the people")).to_be_visible()

    junior_page = sign_in(junior)
    junior_page.get_by_role("link", name=re.compile("Please answer")).click()
    expect(junior_page.get_by_role("heading", name="You and Vera Patel")).to_be_visible()
    expect(junior_page.get_by_text("shares AI and automation")).to_be_visible()
    junior_page.screenshot(path=screenshot_dir / "21-junior-match-offer.png", full_page=True)
    junior_page.get_by_role("button", name="Accept the match").click()
    expect(junior_page.get_by_text("You accepted. We are waiting for the other side.")).to_be_visible()

    senior_page = sign_in(senior)
    senior_page.get_by_role("link", name=re.compile("Please answer")).click()
    senior_page.get_by_role("button", name="Accept the match").click()
    expect(senior_page.get_by_text("Confirmed!")).to_be_visible()
    senior_page.screenshot(path=screenshot_dir / "22-senior-confirmed.png", full_page=True)

    hr_page.reload()
    expect(hr_page.get_by_role("heading", name="Confirmed")).to_be_visible()
    hr_page.screenshot(path=screenshot_dir / "23-matching-confirmed.png", full_page=True)
    match = Match.objects.get(members__user=junior)
    assert match.status == Match.Status.CONFIRMED
    assert set(match.members.values_list("user__email", flat=True)) == {"jo@example.com", "vp@example.com"}
