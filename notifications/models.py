from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry


class Notification(models.Model):
    """One e-mail in the outbox. The dedupe key makes creating it idempotent; the row holds
    ids and plain facts only, never confidential content (the mail is rendered at send time).
    Its kind is one an app registered (`notifications.registry`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (no longer relevant)")
        # The whole message went out, then the server's confirmation never came: it may well
        # have arrived. Not retried on its own (a second copy is worse); HR can resend it.
        UNCERTAIN = "uncertain", _("Possibly delivered (the server did not confirm)")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=registry.kind_choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    context = models.JSONField(default=dict)
    # A string reference, not an import: the outbox lists mails per program, but the
    # notifications app sits below programs and imports no feature app.
    program = models.ForeignKey("programs.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The lease of the sender working on the row: every write-back names the token, so a
    # sender that lost its lease (paused, too slow) never overwrites what another one did.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Last handed to the broker: the dispatcher re-sends only rows the broker may have lost.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mentoring_notification"  # moved from the mentoring app with its data
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Rows due for sending, oldest first: notifications.services.dispatch_due. Small: a row
            # leaves it once sent, while the outbox keeps sent rows for NOTIFICATION_RETENTION_DAYS.
            models.Index(fields=["next_attempt_at", "id"], condition=models.Q(status="queued"), name="notification_queued_due"),
            # Rows whose sender's lease ran out (a dead or stuck worker): dispatch_due again.
            models.Index(fields=["lease_until"], condition=models.Q(status="sending"), name="notification_sending_lease"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"

    @property
    def message_id(self) -> str:
        """The mail's Message-ID, the same for every attempt: if a rare second copy of a row is
        sent (a crash between the server's "250 OK" and our commit), mail clients show one."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
        digest = hashlib.sha256(f"{self.dedupe_key}|{self.created_at.isoformat()}".encode()).hexdigest()[:20]
        return f"<outbox.{self.pk}.{digest}@{domain}>"

    @property
    def recipient_hidden_from_hr(self) -> bool:
        """See `NotificationKind.recipient_hidden_from_hr`."""
        return registry.kind(self.kind).recipient_hidden_from_hr


class EmailPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    disabled_kinds = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "mentoring_emailpreference"  # moved from the mentoring app with its data
        verbose_name = _("e-mail preferences")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return f"Preferences of {self.user_id}"
