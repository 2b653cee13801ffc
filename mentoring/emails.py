"""The one place e-mails are built. Each kind is three templates under templates/emails/:
`<name>-subject.txt`, `<name>.txt` and `<name>.html`, rendered in the recipient's language.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def build_email(*, to, template: str, context: dict, attachments: list[tuple[str, bytes, str]] = ()) -> EmailMultiAlternatives:
    with translation.override(getattr(to, "language", None) or settings.LANGUAGE_CODE):
        full_context = {"recipient": to, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{template}-subject.txt", full_context).split())
        text = render_to_string(f"emails/{template}.txt", full_context)
        html = render_to_string(f"emails/{template}.html", full_context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to.email])
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def send_after_commit(*, to, template: str, context: dict, attachments: list[tuple[str, bytes, str]] = ()) -> None:
    """Send once the surrounding transaction has committed; a mail failure never undoes the write."""

    def send() -> None:
        try:
            build_email(to=to, template=template, context=context, attachments=list(attachments)).send()
        except Exception:  # SMTP trouble must not turn a saved decision into an error page
            logger.exception("could not send %s e-mail to %s", template, to.email)

    transaction.on_commit(send)
