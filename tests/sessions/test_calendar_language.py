"""A calendar invitation speaks its recipient's language, like the mail it comes with."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from sessions.models import Meeting
from tests.sessions.test_turn_notifications import offer

pytestmark = pytest.mark.django_db


def test_the_invitation_summary_and_agenda_are_in_the_recipient_language(pair, django_capture_on_commit_callbacks):
    from sessions.services import meeting_confirm_time

    program, match, junior, senior = pair
    senior.language = "de"
    senior.save()
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    with django_capture_on_commit_callbacks(execute=True):
        offer(kickoff, junior, 3)
    option = kickoff.options.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_confirm_time(meeting=kickoff, option=option, by=senior)
    invites = {m.to[0]: m for m in mail.outbox if m.attachments}
    with translation.override("de"):
        german_title, german_item = gettext("Kickoff"), gettext("Get to know each other")
    for email, title, item in ((senior.email, german_title, german_item), (junior.email, "Kickoff", "Get to know each other")):
        _name, content, _type = invites[email].attachments[0]
        event = next(c for c in Calendar.from_ical(content).walk() if c.name == "VEVENT")
        assert str(event["summary"]).startswith(f"{title} · ")
        assert item in str(event["description"])
