"""The one place e-mails are built. Each kind is three templates under templates/emails/:
`<name>-subject.txt`, `<name>.txt` and `<name>.html`, rendered in the recipient's language
and time zone. Sending goes through the outbox (`mentoring.notifications`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template, rendered without HTML escaping: `&` stays `&` in a subject or
    a text part. (Only the .html part is HTML and keeps Django's autoescaping.)"""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def one_line(text: str) -> str:
    """A header value: every line break (CR, LF, U+2028, …) and run of spaces becomes one
    space, so a name can neither add a header nor make sending fail with BadHeaderError."""
    return " ".join(text.split())


def build_email(*, to, template: str, context: dict, attachments: list[tuple[str, bytes, str]] = ()) -> EmailMultiAlternatives:
    with translation.override(getattr(to, "language", None) or settings.LANGUAGE_CODE), timezone.override(getattr(to, "timezone", None) or settings.TIME_ZONE):
        full_context = {"recipient": to, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        subject = one_line(render_text(f"emails/{template}-subject.txt", full_context))
        text = render_text(f"emails/{template}.txt", full_context)
        html = render_to_string(f"emails/{template}.html", full_context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to.email])
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message

