"""Browser journey (issue 15): in the demo company, HR starts a group program from its template,
accepts the volunteers, moves it to matching and runs matching: the review shows groups of
several juniors around one or two seniors, and says how good the grouping is. A peer exchange
program's review speaks of one pool."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Match, MatchingConfig, MatchRun
from mentoring.models import Level, User
from programs.models import Application, Program
from tests.matching.test_peer_exchange import peer_program, to_matching, volunteer
from tests.programs.factories import apply, topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Demo people in no other demo program: nine juniors to teach, three leaders to learn.
JUNIORS = {
    "ben.okafor@example.com": ("Developer experience", "Modern toolchains"),
    "lea.dubois@example.com": ("Social media platforms", "Inclusive language"),
    "amira.haddad@example.com": ("AI and automation", "Social media platforms"),
    "ella.sato@example.com": ("What young talent looks for in jobs", "Inclusive language"),
    "sophie.keller@example.com": ("AI and automation", "Asynchronous collaboration"),
    "yusuf.demir@example.com": ("Modern toolchains", "AI and automation"),
    "noah.fischer@example.com": ("Developer experience", "Asynchronous collaboration"),
    "anna.becker@example.com": ("How young users use products", "Mobile-first thinking"),
    "nina.petrova@example.com": ("What young talent looks for in jobs", "Onboarding experience"),
}
SENIORS = {
    "david.moreau@example.com": ("How young users use products", "Mobile-first thinking", "Developer experience"),
    "katrin.wolf@example.com": ("AI and automation", "Asynchronous collaboration", "Modern toolchains"),
    "claire.dupont@example.com": ("What young talent looks for in jobs", "Inclusive language", "Social media platforms"),
}


def test_hr_runs_group_matching_and_reads_the_groups_and_their_quality(sign_in, live_server, hr, screenshot_dir):
    call_command("seed_demo")  # on top of the test's HR coordinator (same email), who keeps their sign-in
    page = sign_in(hr)
    page.set_viewport_size({"width": 1280, "height": 1000})

    # HR: a program from the group template, open for applications.
    page.get_by_role("link", name="Manage programs").click()
    page.get_by_role("link", name=re.compile("Use this template: Group reverse mentoring circles")).click()
    page.get_by_label("Start date").fill((timezone.localdate() + datetime.timedelta(days=21)).isoformat())
    page.get_by_label("Open call").check()
    page.get_by_role("button", name="Create draft program").click()
    expect(page.get_by_text("Program created as a draft")).to_be_visible()
    page.get_by_role("button", name="Move to Recruiting").click()
    expect(page.get_by_text("The program is now recruiting.")).to_be_visible()
    program = Program.objects.get(template_key="group")
    assert program.format == Program.Format.GROUP

    # The volunteers apply in the portal (their own journey is tested elsewhere).
    for email, topics in JUNIORS.items():
        apply(program, User.objects.get(email=email), expertise={topic(name).pk: 3 for name in topics})
    for email, topics in SENIORS.items():
        apply(program, User.objects.get(email=email), interests={topic(name).pk: 3 for name in topics})

    # HR accepts them all at once, then moves the program to matching.
    page.get_by_role("link", name="Applications").click()
    for user in User.objects.filter(email__in=[*JUNIORS, *SENIORS]):
        page.get_by_label(f"Select {user.get_full_name()}").check()
    page.locator("#bulk-decision").select_option("accepted")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator(".app-accepted").first).to_be_visible()
    assert Application.objects.filter(program=program, status=Application.Status.ACCEPTED).count() == 12
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Move to Matching").click()
    expect(page.get_by_text(re.compile("The program is now (in )?matching", re.I))).to_be_visible()

    # HR runs matching and reads the groups.
    page.get_by_role("link", name="Matching").click()
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_text(re.compile(r"Matching done in \d+ ms: 3 proposals,"))).to_be_visible()
    run = MatchRun.objects.get(program=program)
    assert run.algorithm.startswith("groups:")
    quality = page.locator(".run-quality")
    expect(quality).to_contain_text(
        re.compile(r"Optimal: no other grouping places more people or scores higher\.|Within [\d.]+ % of the best possible")
    )
    cards = page.locator(".match-card")
    expect(cards).to_have_count(3)
    for index in range(3):
        card = cards.nth(index)
        juniors, seniors = card.locator(".role-junior").count(), card.locator(".role-senior").count()
        assert 3 <= juniors <= 4 and 1 <= seniors <= 2, (juniors, seniors)
    groups = Match.objects.filter(run=run)
    assert sum(group.members.filter(role="junior").count() for group in groups) == 9
    page.locator("#run-heading").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "150-group-matching-review.png", full_page=True)


def test_hr_reviews_a_peer_exchange_program_as_one_pool(sign_in, live_server, hr, screenshot_dir):
    program = peer_program(hr, partners=MatchingConfig.PeerPartners.LEVEL)
    volunteer(program, hr, "Ana Apprentice", Level.APPRENTICE)
    volunteer(program, hr, "Cem Mid", Level.MID)
    volunteer(program, hr, "Dora Director", Level.DIRECTOR)
    to_matching(program)
    page = sign_in(hr)
    page.goto(live_server.url + f"/hr/programs/{program.pk}/matching/")

    partners = page.get_by_label("Peer exchange partners")
    expect(partners).to_have_value("level")
    partners.select_option("generation")
    expect(partners).to_have_value("generation")
    expect(page.get_by_label("First person").locator("option")).to_have_count(3)
    expect(page.get_by_label("Second person")).to_have_value(str(User.objects.get(first_name="Dora").pk))

    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_text(re.compile(r"Matching done in \d+ ms: 1 proposal,"))).to_be_visible()
    facts = page.locator(".run-facts")
    expect(facts).to_contain_text("People paired")
    expect(facts).to_contain_text("2 of 3 volunteers")
    expect(facts).not_to_contain_text("Juniors matched")
    expect(page.locator(".run-quality")).to_contain_text("Optimal")
    page.screenshot(path=screenshot_dir / "151-peer-matching-review.png", full_page=True)
