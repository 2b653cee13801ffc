"""Issue 14, item 2 in the browser: the junior offers times; the senior mentee is mailed and
finds "Pick a time" waiting on home, picks one there; when the junior then moves the
meeting, both are told what changed — the old time and the new."""

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


def test_the_partner_is_told_and_finds_the_pick_on_home(sign_in, live_server, hr, screenshot_dir, tmp_path):
    program, ((junior, senior),) = confirmed_pairs(hr)
    for person in (junior, senior):
        person.timezone = "UTC"
        person.save()
    kickoff = Meeting.objects.get(match=Match.objects.get(program=program), kind="kickoff")
    first = (timezone.now() + datetime.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    second = first + datetime.timedelta(days=1, hours=5)
    mail.outbox.clear()

    junior_page = sign_in(junior)
    junior_page.goto(live_server.url + kickoff.get_absolute_url())
    junior_page.get_by_label("Time 1").fill(local(first))
    junior_page.get_by_label("Time 2 (optional)").fill(local(second))
    junior_page.get_by_label("Length (minutes)").fill("60")
    junior_page.get_by_role("button", name="Offer these times").click()
    expect(junior_page.get_by_text("Times offered. Your partner picks one.")).to_be_visible()
    offered = [m for m in mail.outbox if m.subject == "Pick a time: Kickoff"]
    assert [m.to for m in offered] == [[senior.email]]
    assert f"{second:%A} {second.day} {second:%B %Y, %H:%M} (UTC)" in offered[0].body

    senior_page = sign_in(senior)
    waiting = senior_page.get_by_role("region", name="Waiting for you")
    todo = waiting.get_by_role("link", name=f"Pick a time: Kickoff ({program.name})")
    expect(todo).to_be_visible()
    senior_page.screenshot(path=screenshot_dir / "14-2-partner-home-pick-a-time.png", full_page=True)
    todo.click()
    expect(senior_page.get_by_role("button", name="Pick this time")).to_have_count(2)
    senior_page.get_by_role("button", name="Pick this time").first.click()
    expect(senior_page.get_by_text("Scheduled. A calendar invitation is on its way to both of you.")).to_be_visible()
    senior_page.goto(live_server.url + "/")
    expect(senior_page.get_by_role("link", name=re.compile("Pick a time"))).to_have_count(0)

    mail.outbox.clear()
    junior_page.reload()
    moved_to = second + datetime.timedelta(days=2)
    junior_page.get_by_label("New time").fill(local(moved_to))
    junior_page.get_by_role("button", name="Move the meeting").click()
    expect(junior_page.get_by_text("Moved. Everyone gets an updated invitation.")).to_be_visible()
    moved = next(m for m in mail.outbox if m.to == [senior.email])
    assert moved.subject == f"Moved: Kickoff is now {moved_to:%a} {moved_to.day} {moved_to:%b}, {moved_to:%H:%M}"
    assert f"Before: {first:%A} {first.day} {first:%B %Y, %H:%M}" in moved.body
    # how the mail looks to the senior mentee
    rendered = tmp_path / "moved.html"  # a file: the site's CSP is for the site, not for the mail
    rendered.write_text(moved.alternatives[0][0], encoding="utf-8")
    senior_page.goto(rendered.as_uri())
    senior_page.screenshot(path=screenshot_dir / "14-2-meeting-moved-mail.png", full_page=True)
