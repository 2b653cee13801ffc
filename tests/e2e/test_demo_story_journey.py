"""Browser journey (issue 14, item 12): in the demo, HR sees a program that lived: a timeline
over weeks, an outbox dated to the story, each pair with its own notes."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from portal.demo import DEMO_PROGRAM_NAME
from programs.models import Program, ProgramTransition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_sees_the_demo_story_dated_over_weeks(sign_in, live_server, hr, screenshot_dir):
    call_command("seed_demo")  # on top of the test's HR coordinator (same email), who keeps their sign-in
    program = Program.objects.get(name=DEMO_PROGRAM_NAME)
    today = date_format(timezone.localtime(), "SHORT_DATE_FORMAT")
    page = sign_in(hr)

    page.goto(live_server.url + f"/hr/programs/{program.pk}/")
    timeline = page.get_by_role("region", name="Timeline")
    recruiting = ProgramTransition.objects.get(program=program, to_status="recruiting").at
    expect(timeline).to_contain_text(date_format(timezone.localtime(recruiting), "SHORT_DATE_FORMAT"))
    expect(timeline).not_to_contain_text(today)
    timeline.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "143-demo-timeline.png", full_page=True)

    page.goto(live_server.url + "/hr/notifications/")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    dates = {re.match(r"\S+", text).group(0) for text in rows.locator("td:first-child").all_inner_texts()}
    assert len(dates) >= 5 and today not in dates, dates
    week_ago = date_format(timezone.localtime() - datetime.timedelta(days=7), "SHORT_DATE_FORMAT")
    assert week_ago not in dates or len(dates) > 1
    page.screenshot(path=screenshot_dir / "144-demo-outbox.png", full_page=True)
