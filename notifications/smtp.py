"""Sending over SMTP, and what an error says about the mail.

Django's SMTP backend raises whatever smtplib or the socket raises. The outbox needs to know
more: did the server refuse the mail for good (a 5xx about the recipient or the message:
fail at once with its reason), refuse it for now (a 4xx, a dropped connection before the
message went out: retry later), or might it have been delivered (the whole message was
transmitted, then the server's final reply never came: do not retry blindly — a duplicate
is worse than HR's look)? `EmailBackend` tracks whether the message data went out, and
`classify` turns any sending error into one of those three answers.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

_END_OF_DATA = b"\r\n.\r\n"


class Outcome(Enum):
    TEMPORARY = "temporary"  # try again later
    PERMANENT = "permanent"  # the server refused this mail for good
    POSSIBLY_DELIVERED = "possibly_delivered"  # transmitted, but the server never confirmed


class PossiblyDelivered(Exception):
    """The message data was transmitted in full, then the connection failed or timed out
    before the server's final reply: the mail may well have been delivered."""


@dataclass(frozen=True)
class Failure:
    outcome: Outcome
    reason: str


class _Tracking:
    """Remembers whether a whole message went out on this connection (smtplib sends the
    message and its terminating '.' line in one `send` call from `data()`)."""

    data_sent = False

    def send(self, s: Any) -> None:
        super().send(s)  # type: ignore[misc]
        if isinstance(s, bytes) and s.endswith(_END_OF_DATA):
            self.data_sent = True


class TrackingSMTP(_Tracking, smtplib.SMTP):
    pass


class TrackingSMTP_SSL(_Tracking, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSMTPBackend):
    """Django's SMTP backend that raises `PossiblyDelivered` instead of a plain error when
    the failure came after the message data was sent."""

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return TrackingSMTP_SSL if self.use_ssl else TrackingSMTP

    def _send(self, email_message: Any) -> bool:
        if isinstance(self.connection, _Tracking):
            self.connection.data_sent = False
        try:
            return bool(super()._send(email_message))  # type: ignore[misc]  # Django's helper, not in the stubs
        except Exception as exc:  # socket and SMTP errors, also Celery's soft time limit mid-conversation
            answered = isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
            if getattr(self.connection, "data_sent", False) and not answered:
                raise PossiblyDelivered(f"{type(exc).__name__}: {exc}") from exc
            raise


def _permanent(code: int) -> bool:
    return 500 <= code < 600


def _text(message: Any) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def classify(exc: BaseException) -> Failure:
    """What a sending error means for the mail."""
    if isinstance(exc, PossiblyDelivered):
        return Failure(Outcome.POSSIBLY_DELIVERED, str(exc))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refusals = {address: (code, _text(message)) for address, (code, message) in exc.recipients.items()}
        reason = "; ".join(f"{address}: {code} {message}" for address, (code, message) in refusals.items())
        permanent = bool(refusals) and all(_permanent(code) for code, _message in refusals.values())
        return Failure(Outcome.PERMANENT if permanent else Outcome.TEMPORARY, f"recipient refused: {reason}")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # Our credentials, not this mail: keep it for when the site's settings are fixed.
        return Failure(Outcome.TEMPORARY, f"the mail server refused our sign-in: {exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        return Failure(Outcome.PERMANENT if _permanent(exc.smtp_code) else Outcome.TEMPORARY, reason)
    return Failure(Outcome.TEMPORARY, f"{type(exc).__name__}: {exc}")
