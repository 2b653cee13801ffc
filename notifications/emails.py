"""The one place e-mails are built. Each kind is three templates under templates/emails/:
`<name>-subject.txt`, `<name>.txt` and `<name>.html`, rendered in the recipient's language
and time zone. Sending goes through the outbox (`notifications.services`); what each kind
says comes from the builder its app registered (`notifications.registry`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from mentoring.site import current_site_url, site_url_override

from . import registry

# The outbox row's context key holding the site of the request that wrote it (notify_many).
SITE_URL_KEY = "_site_url"


def absolute_url(path: str) -> str:
    """`path` on the site the mail is for (see mentoring/site.py)."""
    return current_site_url() + path


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template, rendered without HTML escaping: `&` stays `&` in a subject or
    a text part. (Only the .html part is HTML and keeps Django's autoescaping.)"""
    template = get_template(template_name).template  # type: ignore[attr-defined]  # the Django engine's own Template
    return template.render(Context(context, autoescape=False))


def one_line(text: str) -> str:
    """A header value: every line break (CR, LF, U+2028, …) and run of spaces becomes one
    space, so a name can neither add a header nor make sending fail with BadHeaderError."""
    return " ".join(text.split())


def build_email(*, to, template: str, context: dict, attachments: Sequence[tuple[str, bytes, str]] = ()) -> EmailMultiAlternatives:
    with (
        translation.override(getattr(to, "language", None) or settings.LANGUAGE_CODE),
        timezone.override(getattr(to, "timezone", None) or settings.TIME_ZONE),
    ):
        full_context = {"recipient": to, "site_name": settings.SITE_NAME, "site_url": current_site_url(), **context}
        subject = one_line(render_text(f"emails/{template}-subject.txt", full_context))
        text = render_text(f"emails/{template}.txt", full_context)
        html = render_to_string(f"emails/{template}.html", full_context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to.email])
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def render(notification) -> EmailMultiAlternatives | None:
    """Build the mail from ids at send time; None when what it was about is gone. Its links
    point to the site of the request that wrote it, if any."""
    with site_url_override(notification.context.get(SITE_URL_KEY)):
        return _render(notification)


def _render(notification) -> EmailMultiAlternatives | None:
    kind = registry.kind(notification.kind)
    if not notification.recipient.is_active:
        return None  # they left (deactivated) after the mail was written: it no longer makes sense
    # What the builder makes (a calendar invitation's summary and agenda, say) is in the
    # recipient's language and time zone too, like the mail around it.
    with (
        translation.override(notification.recipient.language or settings.LANGUAGE_CODE),
        timezone.override(notification.recipient.timezone or settings.TIME_ZONE),
    ):
        built = kind.build(notification)
    if built is None:
        return None
    context, attachments = built
    user = notification.recipient
    preferences = absolute_url(reverse("notifications:preferences"))
    if kind.essential:
        headers = {"List-Unsubscribe": f"<{preferences}>"}
    else:
        link = absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kind.key)]))
        headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        context["unsubscribe_url"] = link
    context["preferences_url"] = preferences
    context["essential"] = kind.essential
    message = build_email(to=user, template=kind.template_name, context=context, attachments=attachments)
    message.extra_headers.update(headers)
    message.extra_headers["Message-ID"] = notification.message_id  # the same on every attempt
    return message
