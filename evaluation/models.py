from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from matching.models import Match
from programs.models import Program, Role, TopicCategory


class Challenge(models.TextChoices):
    """The source's common challenges, as check-in flags."""

    JUNIOR_DOESNT_DARE = "junior_doesnt_dare", _("The junior doesn't dare to speak openly")
    SENIOR_NOT_SERIOUS = "senior_not_serious", _("The senior doesn't take it seriously")
    NO_TIME = "no_time", _("Lack of time")
    UNCLEAR = "unclear", _("Unclear expectations")
    OTHER = "other", _("Something else")


class CheckIn(models.Model):
    """A participant's monthly pulse. The comment is private unless they ask HR to reach out."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="checkins")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="checkins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    month = models.PositiveSmallIntegerField(_("program month"))
    pulse = models.PositiveSmallIntegerField(_("how is it going (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    meetings_as_planned = models.BooleanField(_("meetings are happening as planned"))
    flags = models.JSONField(_("challenges"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    reach_out = models.BooleanField(_("I'd like HR to reach out"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    # Never shown, searched or filtered in Django admin (mentoring.admin_site).
    confidential_fields = ("comment",)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Program and month first: its index also serves the sweep's "who has checked in this
            # month" (evaluation.notifications.checkin_reminders) and the dashboard's per-program reads.
            models.UniqueConstraint(fields=["program", "month", "user"], name="checkin_once_a_month"),
            models.CheckConstraint(condition=models.Q(pulse__gte=1, pulse__lte=5), name="checkin_pulse_range"),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"


class HRNote(models.Model):
    """HR's own note about a pair (an action taken, a call made). Never shown to participants."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="hr_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"HR note {self.pk}"


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (HR can add questions)")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="survey")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Survey of {self.program}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:survey", args=[self.program_id])


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("1–5 scale")
        YESNO = "yesno", _("Yes / no")
        CHOICE = "choice", _("Choice")
        TEXT = "text", _("Text")
        TOPICS = "topics", _("Topic tags")

    class Key(models.TextChoices):
        """The built-in questions the dashboard reads; HR's own questions have none."""

        SATISFACTION = "satisfaction", _("Overall satisfaction")
        SKILLS = "skills", _("Skills or insights gained")
        SKILLS_TOPICS = "skills_topics", _("Topics learned most about")
        RELATIONSHIP = "relationship", _("A working relationship formed")
        CONTINUE = "continue", _("Wants to continue")
        WORKED = "worked", _("What worked well")
        CHANGE = "change", _("What to change")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=30, blank=True, choices=Key.choices, help_text=_("Built-in questions the dashboard reads."))
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=300)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        """A built-in question in the reader's language; one HR added, as written."""
        return gettext(self.text) if self.key else self.text


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_responses")
    role = models.CharField(max_length=10, choices=Role.choices)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_response_once")]

    def __str__(self) -> str:
        return f"Response {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    # Never shown, searched or filtered in Django admin (mentoring.admin_site).
    confidential_fields = ("value",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"Answer {self.pk}"


class Recommendation(models.Model):
    """The program's concrete output: an improvement suggestion from the juniors."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNDER_REVIEW = "under_review", _("Under review")
        ADOPTED = "adopted", _("Adopted")
        DECLINED = "declined", _("Declined")

    class Impact(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="recommendations")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    area = models.CharField(_("area"), max_length=20, choices=TopicCategory.choices)
    expected_impact = models.CharField(_("expected impact"), max_length=10, choices=Impact.choices, default=Impact.MEDIUM)
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="recommendations")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    leadership_response = models.TextField(_("leadership response"), blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="adopted") | models.Q(follow_up_date__isnull=False), name="recommendation_adopted_follow_up"
            ),
        ]

    def __str__(self) -> str:
        return self.title
