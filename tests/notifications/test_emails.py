"""Building e-mails (security review, issue 10 C): the subject and the plain-text part are
plain text, so names appear as typed there and HTML-escaped only in the HTML part; a name
with a line break can neither add a header nor stop the mail from being sent."""

import pytest
from django.core import mail

from matching.models import Match
from notifications.emails import build_email
from notifications.models import Notification
from notifications.services import notification_send
from programs.models import Program
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db
HOSTILE = 'P2 <svg onload=x> & "q"'
ESCAPED = "P2 &lt;svg onload=x&gt; &amp; &quot;q&quot;"


def offered_mail_for(hr, *, program_name: str, partner_name: str, recipient_name: str):
    """Send the real "match offered" e-mail of a fresh pair to the junior; return it."""
    program, ((junior, senior),) = confirmed_pairs(hr)
    Program.objects.filter(pk=program.pk).update(name=program_name)
    senior.first_name = partner_name
    senior.save(update_fields=["first_name"])
    junior.first_name = recipient_name
    junior.save(update_fields=["first_name"])
    match = Match.objects.get(program=program)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.APPROVED)  # the offer is still open
    row = Notification.objects.create(recipient=junior, kind="match_offered", dedupe_key="offer-test", context={"match_id": match.pk})
    mail.outbox.clear()
    assert notification_send(row.pk) == "sent"
    (message,) = mail.outbox
    return message, junior


def test_names_are_plain_in_subject_and_text_and_escaped_in_html(hr):
    message, junior = offered_mail_for(hr, program_name=HOSTILE, partner_name=HOSTILE, recipient_name=HOSTILE)
    assert message.subject == f"Your reverse mentoring match in {HOSTILE}"
    assert f"Hello {HOSTILE}," in message.body
    assert f"in “{HOSTILE}”" in message.body and f"- {HOSTILE} " in message.body
    assert "&lt;" not in message.body and "&amp;" not in message.body and "&quot;" not in message.body
    html = message.alternatives[0][0]
    assert f"Hello {ESCAPED}," in html and f"<strong>{ESCAPED} " in html
    assert "<svg" not in html


def test_kudos_message_text_is_plain_in_the_text_part(hr):
    program, ((junior, senior),) = confirmed_pairs(hr)
    Program.objects.filter(pk=program.pk).update(name=HOSTILE)
    program.refresh_from_db()
    message = build_email(
        to=junior, template="kudos", context={"program": program, "message": "Great <b>work</b> & thanks", "url": "https://x.test/"}
    )
    assert message.subject == f"Kudos from {HOSTILE}"
    assert "Great <b>work</b> & thanks" in message.body
    assert "Great &lt;b&gt;work&lt;/b&gt; &amp; thanks" in message.alternatives[0][0]


@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r", "\u2028", "\x0b"])
def test_a_line_break_in_a_name_cannot_add_a_header_or_stop_the_mail(hr, line_break):
    evil = f"Prog{line_break}Bcc: victim@evil.test{line_break}X-Evil: 1"
    message, junior = offered_mail_for(hr, program_name=evil, partner_name=evil, recipient_name=evil)
    assert message.subject == "Your reverse mentoring match in Prog Bcc: victim@evil.test X-Evil: 1"
    assert message.recipients() == [junior.email]
    headers = message.message().as_string().split("\n\n", 1)[0]
    assert "\nBcc:" not in headers and "\nX-Evil:" not in headers
    assert "victim@evil.test" not in "".join(message.bcc + message.cc + message.to)
