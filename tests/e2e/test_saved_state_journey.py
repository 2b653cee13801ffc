"""Browser journey (issue 14, item 1): the log form shows what is saved, so editing a log of
a missed meeting does not turn it into a held one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Match
from mentoring.models import Level
from programs.models import Program
from programs.services import application_decide, program_transition
from sessions.models import Meeting, SessionLog
from sessions.services import meeting_log
from tests.mentoring.factories import DepartmentFactory, UserFactory
from tests.programs.factories import apply, tech_program
from tests.sessions.conftest import confirmed_pairs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editing_a_missed_log_keeps_it_missed(sign_in, live_server, hr, screenshot_dir):
    program, ((junior, senior),) = confirmed_pairs(hr)
    kickoff = Meeting.objects.get(match=Match.objects.get(program=program), kind="kickoff")
    Meeting.objects.filter(pk=kickoff.pk).update(status=Meeting.Status.SCHEDULED, starts_at=timezone.now() - datetime.timedelta(days=1))
    kickoff.refresh_from_db()
    meeting_log(meeting=kickoff, by=junior, held=False, shared="Nothing yet", learned="")

    page = sign_in(junior)
    page.goto(live_server.url + kickoff.get_absolute_url())
    expect(page.get_by_label("No, it was missed")).to_be_checked()
    expect(page.get_by_label("Yes")).not_to_be_checked()
    expect(page.get_by_label("What I shared")).to_have_value("Nothing yet")
    page.screenshot(path=screenshot_dir / "140-log-shows-missed.png", full_page=True)

    page.get_by_label("What I learned").fill("We will try again next week")
    page.get_by_role("button", name="Save log").click()
    expect(page.get_by_text("Thanks for logging the meeting.")).to_be_visible()
    log = SessionLog.objects.get(meeting=kickoff, author=junior)
    assert log.held is False
    assert log.learned == "We will try again next week"
    expect(page.get_by_label("No, it was missed")).to_be_checked()


def test_group_sizes_show_only_for_the_group_format(sign_in, live_server, hr, screenshot_dir):
    """Issue 14, item 8: a one-to-one program's settings do not ask for group sizes."""
    program = tech_program(hr=hr)
    page = sign_in(hr)
    page.goto(live_server.url + reverse("programs:edit", args=[program.pk]))
    expect(page.get_by_label("Juniors per group (min)")).to_be_hidden()
    page.screenshot(path=screenshot_dir / "141-one-to-one-settings.png", full_page=True)
    page.get_by_label("Format").select_option("group")
    expect(page.get_by_label("Juniors per group (min)")).to_be_visible()
    expect(page.get_by_text("Group sizes (group format only)")).to_be_visible()
    page.screenshot(path=screenshot_dir / "142-group-settings.png", full_page=True)


_TEXT_FITS = """(input) => {
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontSize} ${style.fontFamily}`;
  const text = input.value || input.placeholder;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(text).width <= room;
}"""


def test_dashboard_inline_note_shows_its_whole_prompt(sign_in, live_server, hr, screenshot_dir):
    """Issue 14, item 8: the HR dashboard's inline inputs are wide enough to read."""
    program, _people = confirmed_pairs(hr)
    page = sign_in(hr)
    page.goto(live_server.url + reverse("evaluation:dashboard", args=[program.pk]))
    note = page.get_by_label("HR note").first
    expect(note).to_be_visible()
    note.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "143-dashboard-inline-note.png", full_page=True)
    assert note.evaluate(_TEXT_FITS), "the note's placeholder is cut off"


def test_hr_fixes_languages_with_consent_then_pairs_by_hand(sign_in, live_server, hr, screenshot_dir):
    """Issue 14, item 9: refused for 'they share no language', HR corrects the senior's
    languages with their agreement, and the pair by hand then works."""
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    junior = UserFactory(level=Level.JUNIOR, first_name="Jana", last_name="Jung", department=DepartmentFactory(name="J"))
    senior = UserFactory(level=Level.DIRECTOR, first_name="Sven", last_name="Alt", department=DepartmentFactory(name="S"))
    application_decide(application=apply(program, junior, languages=["en"]), decision="accepted", by=hr)
    application = apply(program, senior, languages=["de"])
    application_decide(application=application, decision="accepted", by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)

    page = sign_in(hr)

    def pair_by_hand():
        page.goto(live_server.url + reverse("matching:review", args=[program.pk]))
        page.get_by_label("Junior mentor").select_option(label="Jana Jung")
        page.get_by_label("Senior mentee").select_option(label="Sven Alt")
        page.get_by_role("button", name="Save", exact=True).click()

    pair_by_hand()
    expect(page.get_by_role("alert")).to_contain_text("This pair cannot be matched: they share no language.")
    page.screenshot(path=screenshot_dir / "144-pair-refused-no-language.png", full_page=True)

    page.goto(live_server.url + reverse("programs:application", args=[program.pk, application.pk]))
    page.get_by_label("English").check()
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("confirm that they agreed")).to_be_visible()
    page.get_by_label("English").check()
    page.get_by_label("The person agreed to this change").check()
    page.get_by_label("How they agreed (optional)").fill("by e-mail today")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("Languages corrected for Sven Alt; the change is recorded.")).to_be_visible()
    expect(page.get_by_text("by e-mail today")).to_be_visible()
    page.screenshot(path=screenshot_dir / "145-languages-corrected.png", full_page=True)

    pair_by_hand()
    expect(page.get_by_text("Match created as a proposal.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "146-paired-by-hand.png", full_page=True)
