from __future__ import annotations

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from matching.models import Match
from matching.reasons import render, render_all
from programs.models import MIN_MEETING_MINUTES, Program, Topic

KICKOFF_AGENDA = [  # English msgids: a meeting's agenda is read in each reader's language
    gettext_noop("Get to know each other"),
    gettext_noop("Clarify expectations"),
    gettext_noop("Prioritize topics"),
    gettext_noop("Agree on format: how often, how long, where, how to reach each other"),
]
MAX_MEETING_MINUTES = 480  # a working day; a program's own minimum sits between the two


class Project(models.Model):
    """Project-based programs: the joint project of one pair or group."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="project")
    goal = models.TextField(_("goal"))
    deliverable = models.CharField(_("deliverable"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return f"Project of match {self.match_id}"


class Milestone(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("Kickoff")
        ONE_TO_ONE = "one_to_one", _("Session")
        GROUP = "group", _("Group session")
        RETROSPECTIVE = "retrospective", _("Retrospective")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("To be scheduled")
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="meetings")
    match = models.ForeignKey(
        Match,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
        help_text=_("Empty for a program-wide group session."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # The title as data (matching.reasons) when the plan wrote it ("Kickoff", "Month 3"), so each
    # reader sees it in their own language; `title` keeps the English for search and admin.
    title_data = models.JSONField(null=True, blank=True, editable=False)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    month = models.PositiveSmallIntegerField(_("program month"), default=1)
    due_by = models.DateField(_("plan to meet by"), null=True, blank=True)
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Peer exchange: who leads this meeting."),
    )
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(MIN_MEETING_MINUTES), MaxValueValidator(MAX_MEETING_MINUTES)]
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text=_("Calendar revision, raised on every change."))
    offer_round = models.PositiveIntegerField(default=0, help_text=_("Raised each time a new set of times is offered."))
    cancel_reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # Never shown, searched or filtered in Django admin (mentoring.admin_site).
    confidential_fields = ("cancel_reason",)

    class Meta:
        ordering = ["month", "due_by", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            # Only a meeting with a time gets these: confirmed, then logged after its end.
            models.CheckConstraint(
                condition=~models.Q(status__in=["scheduled", "held", "missed"]) | models.Q(starts_at__isnull=False),
                name="meeting_timed_has_start",
            ),
            # The absolute bounds: each program's own minimum (never below 30) is the services' check.
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=MIN_MEETING_MINUTES, duration_minutes__lte=MAX_MEETING_MINUTES),
                name="meeting_length_range",
            ),
        ]
        indexes = [
            # The sweep's reminders: sessions.notifications.meeting_reminders (scheduled, starting in
            # the next 24 hours) and log_reminders (scheduled or held, started in the last 3 days).
            models.Index(fields=["starts_at"], condition=models.Q(status__in=["scheduled", "held"]), name="meeting_upcoming_recent"),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("mentoring_sessions:meeting", args=[self.pk])

    @property
    def display_title(self) -> str:
        """The title in the reader's language (a curriculum title HR wrote stays as written). A
        title changed since the plan wrote it (in admin, say) is shown as it is now."""
        if self.title_data:
            with translation.override(None):
                planned = render(self.title_data)[:200]
            if planned == self.title:
                return render(self.title_data)
        return self.title

    @property
    def display_agenda(self) -> list[str]:
        """The agenda in the reader's language: the plan's items are data (matching.reasons)."""
        return render_all(self.agenda)

    @property
    def ends_at(self) -> datetime.datetime | None:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes) if self.starts_at else None

    @property
    def is_over(self) -> bool:
        return self.ends_at is not None and self.ends_at <= timezone.now()


class TimeOption(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="options")
    starts_at = models.DateTimeField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.starts_at:%Y-%m-%d %H:%M}"


class SessionLog(models.Model):
    """One participant's own record of a meeting. Private to the pair: never shown to HR."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="logs")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    held = models.BooleanField(_("the meeting took place"))
    actual_minutes = models.PositiveSmallIntegerField(_("actual minutes"), null=True, blank=True, validators=[MaxValueValidator(600)])
    shared = models.TextField(_("what I shared"), blank=True)
    learned = models.TextField(_("what I learned"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Never shown, searched or filtered in Django admin (mentoring.admin_site).
    confidential_fields = ("shared", "learned")

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["meeting", "author"], name="session_log_once")]

    def __str__(self) -> str:
        return f"Log {self.pk}"


class Note(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        SHARED = "shared", _("Shared with my partner(s)")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="notes")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("note"))
    visibility = models.CharField(_("visible to"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    created_at = models.DateTimeField(default=timezone.now)

    # Never shown, searched or filtered in Django admin (mentoring.admin_site).
    confidential_fields = ("body",)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note {self.pk}"


class ActionItem(models.Model):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done", "due_date", "pk"]

    def __str__(self) -> str:
        return f"Action {self.pk}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar subscription URL; regenerate to revoke the old one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    # Never shown, searched or filtered in Django admin (mentoring.admin_site).
    confidential_fields = ("token",)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring_sessions:feed", args=[self.token])
