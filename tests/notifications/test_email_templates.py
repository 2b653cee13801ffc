"""Every HTML e-mail extends one base template (the wrapper, the greeting, the button's look and
the footer with the unsubscribe and settings links), so a new mail looks like the others."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from tests.mentoring.factories import UserFactory

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"
HTML = sorted(path.name for path in EMAILS.glob("*.html") if not path.name.startswith("_"))


@pytest.mark.parametrize("name", HTML)
def test_every_html_email_extends_the_base(name):
    assert (EMAILS / name).read_text(encoding="utf-8").startswith('{% extends "emails/_base.html" %}')
    assert (EMAILS / name.replace(".html", ".txt")).exists() and (EMAILS / name.replace(".html", "-subject.txt")).exists()


@pytest.mark.django_db
def test_the_base_gives_the_greeting_the_button_and_the_footer():
    recipient = UserFactory(first_name="Ada", language="en")
    html = render_to_string(
        "emails/kudos.html",
        {
            "recipient": recipient,
            "site_name": "Reverse Mentoring",
            "message": "Well done!",
            "url": "https://rm.example/pair/1/",
            "preferences_url": "https://rm.example/prefs/",
            "unsubscribe_url": "https://rm.example/u/x/",
        },
    )
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</body></html>")
    assert '<html lang="en">' in html and "Hello Ada," in html and "<p>Well done!</p>" in html
    assert '<a href="https://rm.example/pair/1/" style="background: #0f766e;' in html and "Open your pair space</a>" in html
    assert 'href="https://rm.example/u/x/"' in html and 'href="https://rm.example/prefs/"' in html  # the footer's links
