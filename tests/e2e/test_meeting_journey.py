"""Browser journey: the junior offers two times, the senior picks one, both get a calendar
invitation, both log the meeting afterwards, and the pair page shows the two-way street."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Match
from sessions.models import Meeting
from tests.sessions.conftest import confirmed_pairs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(dt: datetime.datetime) -> str:
    return dt.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M")


def test_junior_proposes_senior_picks_both_log(sign_in, hr, screenshot_dir):
    program, ((junior, senior),) = confirmed_pairs(hr)
    for person in (junior, senior):
        person.timezone = "UTC"
        person.save()
    match = Match.objects.get(program=program)
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    first = (timezone.now() + datetime.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    second = first + datetime.timedelta(days=1, hours=5)
    mail.outbox.clear()

    junior_page = sign_in(junior)
    junior_page.get_by_role("link", name=re.compile("Engineering leadership learns from juniors")).first.click()
    expect(junior_page.get_by_role("heading", name=re.compile("You and"))).to_be_visible()
    junior_page.get_by_role("link", name="Propose times for the kickoff").click()
    junior_page.get_by_label("Time 1").fill(local(first))
    junior_page.get_by_label("Time 2 (optional)").fill(local(second))
    junior_page.get_by_label("Length (minutes)").fill("60")
    junior_page.screenshot(path=screenshot_dir / "30-junior-offers-times.png", full_page=True)
    junior_page.get_by_role("button", name="Offer these times").click()
    expect(junior_page.get_by_text("Times offered. Your partner picks one.")).to_be_visible()

    senior_page = sign_in(senior)
    senior_page.goto(junior_page.url)
    expect(senior_page.get_by_role("button", name="Pick this time")).to_have_count(2)
    senior_page.screenshot(path=screenshot_dir / "31-senior-picks.png", full_page=True)
    senior_page.get_by_role("button", name="Pick this time").nth(1).click()
    expect(senior_page.get_by_text("Scheduled. A calendar invitation is on its way to both of you.")).to_be_visible()
    kickoff.refresh_from_db()
    assert kickoff.starts_at == second
    invited = {message.to[0] for message in mail.outbox if any(name == "invite.ics" for name, _c, _m in message.attachments)}
    assert invited == {junior.email, senior.email}

    # Time passes: the meeting took place.
    Meeting.objects.filter(pk=kickoff.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=3))
    for page, shared, learned in (
        (junior_page, "How our dev containers work", "How budgets are decided"),
        (senior_page, "Why the platform looks the way it does", "Which AI tools juniors rely on"),
    ):
        page.reload()
        page.get_by_label("How long did you meet (minutes)?").fill("55")
        page.get_by_label("What I shared").fill(shared)
        page.get_by_label("What I learned").fill(learned)
        page.get_by_role("button", name="Save log").click()
        expect(page.get_by_text("Thanks for logging the meeting.")).to_be_visible()
    senior_page.screenshot(path=screenshot_dir / "32-meeting-logged.png", full_page=True)

    junior_page.get_by_role("link", name="Pair space").click()
    expect(junior_page.get_by_text("Both sides share and both sides learn.")).to_be_visible()
    junior_page.screenshot(path=screenshot_dir / "33-pair-two-way-street.png", full_page=True)
    kickoff.refresh_from_db()
    assert kickoff.status == Meeting.Status.HELD
