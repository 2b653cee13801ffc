from __future__ import annotations

import datetime
import secrets
from typing import ClassVar

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from mentoring.models import Level

MIN_MEETING_MINUTES = 30  # the source: "at least 30-60 minutes per session"

DEFAULT_CONFIDENTIALITY = _(
    "What is said in our meetings stays between the two of us. Notes and session logs are private to the pair; "
    "HR only sees that meetings happened and how long they were. Nothing shared here is used in performance reviews. "
    "Either of us may end the pairing at any time without giving a reason."
)


class TopicCategory(models.TextChoices):
    TECHNOLOGY = "technology", _("Technology")
    WORK_WORLD = "work_world", _("Work world")
    CULTURE = "culture", _("Culture & diversity")


class Role(models.TextChoices):
    JUNIOR = "junior", _("Junior mentor")
    SENIOR = "senior", _("Senior mentee")


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=TopicCategory.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Retired topics stay on old programs but are not offered any more.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_unique_ci")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the built-in catalog is translated
        (programs.catalog_texts); a topic HR wrote stays as written."""
        return gettext(self.name) if self.name else self.name

    @property
    def display_description(self) -> str:
        return gettext(self.description) if self.description else self.description


class Program(models.Model):
    class Format(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("One-to-one pairs")
        GROUP = "group", _("Group reverse mentoring")
        PEER_EXCHANGE = "peer_exchange", _("Peer exchange (both teach, alternating)")
        PROJECT = "project", _("Project-based")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RECRUITING = "recruiting", _("Recruiting")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active")
        EVALUATING = "evaluating", _("Evaluating")
        CLOSED = "closed", _("Closed")

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")

    class GroupCadence(models.TextChoices):
        NONE = "none", _("No program-wide group sessions")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    MEETINGS_PER_MONTH: ClassVar[dict[str, int]] = {Cadence.WEEKLY: 4, Cadence.BIWEEKLY: 2, Cadence.MONTHLY: 1}
    GROUP_SESSION_EVERY_MONTHS: ClassVar[dict[str, int]] = {GroupCadence.MONTHLY: 1, GroupCadence.QUARTERLY: 3}
    # How long a pair may go without meeting before it counts as quiet, per cadence.
    PERIOD_DAYS: ClassVar[dict[str, int]] = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 31}

    name = models.CharField(_("name"), max_length=150)
    goal = models.TextField(_("goal"), help_text=_("What should the seniors learn, and what should the organisation get out of it?"))
    # The name and goal in other languages, if HR gives them: {"de": {"name": …, "goal": …}, …}.
    # Each reader sees their language's, else the original (programs.services.translations_clean).
    translations = models.JSONField(_("name and goal in other languages"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.ONE_TO_ONE)
    project_brief = models.TextField(
        _("joint project brief"), blank=True, help_text=_("Project-based programs: the kind of project each pair or group works on.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    length_months = models.PositiveSmallIntegerField(
        _("length (months)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    meeting_cadence = models.CharField(_("meeting cadence"), max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    min_meeting_minutes = models.PositiveSmallIntegerField(
        _("minimum meeting length (minutes)"),
        default=45,
        validators=[MinValueValidator(MIN_MEETING_MINUTES), MaxValueValidator(240)],
        help_text=_("At least 30 minutes: real learning needs dedicated, blocked time."),
    )
    group_session_cadence = models.CharField(
        _("program-wide group sessions"), max_length=20, choices=GroupCadence.choices, default=GroupCadence.QUARTERLY
    )
    group_session_minutes = models.PositiveSmallIntegerField(
        _("group session length (minutes)"), default=90, validators=[MinValueValidator(MIN_MEETING_MINUTES), MaxValueValidator(480)]
    )
    confidentiality_terms = models.TextField(_("confidentiality terms"), default=DEFAULT_CONFIDENTIALITY)
    target_juniors = models.PositiveSmallIntegerField(_("target number of junior mentors"), default=4, validators=[MinValueValidator(1)])
    target_seniors = models.PositiveSmallIntegerField(_("target number of senior mentees"), default=4, validators=[MinValueValidator(1)])
    junior_max_level = models.PositiveSmallIntegerField(_("junior mentors: highest level"), choices=Level.choices, default=Level.MID)
    senior_min_level = models.PositiveSmallIntegerField(_("senior mentees: lowest level"), choices=Level.choices, default=Level.LEAD)
    group_juniors_min = models.PositiveSmallIntegerField(_("juniors per group (min)"), default=3, validators=[MinValueValidator(1)])
    group_juniors_max = models.PositiveSmallIntegerField(_("juniors per group (max)"), default=4, validators=[MinValueValidator(1)])
    group_seniors_min = models.PositiveSmallIntegerField(_("seniors per group (min)"), default=1, validators=[MinValueValidator(1)])
    group_seniors_max = models.PositiveSmallIntegerField(_("seniors per group (max)"), default=2, validators=[MinValueValidator(1)])
    open_for_applications = models.BooleanField(
        _("open call"), default=False, help_text=_("Everyone eligible can apply, not only invited people.")
    )
    template_key = models.CharField(_("created from template"), max_length=40, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinators"), related_name="coordinated_programs", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(condition=models.Q(min_meeting_minutes__gte=MIN_MEETING_MINUTES), name="program_min_meeting_30"),
            # Its group sessions are meetings: they obey the meetings' own bounds (mentoring_sessions).
            models.CheckConstraint(
                condition=models.Q(group_session_minutes__gte=MIN_MEETING_MINUTES, group_session_minutes__lte=480),
                name="program_group_session_length",
            ),
            models.CheckConstraint(condition=models.Q(junior_max_level__lt=models.F("senior_min_level")), name="program_levels_ordered"),
            models.CheckConstraint(
                condition=models.Q(group_juniors_min__lte=models.F("group_juniors_max")), name="program_group_juniors_range"
            ),
            models.CheckConstraint(
                condition=models.Q(group_seniors_min__lte=models.F("group_seniors_max")), name="program_group_seniors_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.pk])

    def get_manage_url(self) -> str:
        return reverse("programs:manage_detail", args=[self.pk])

    @property
    def end_date(self) -> datetime.date | None:
        if self.start_date is None:
            return None
        return self.start_date + relativedelta(months=self.length_months) - datetime.timedelta(days=1)

    @property
    def display_name(self) -> str:
        """The name in the reader's language when HR gave one, else as written."""
        return self._translated("name") or self.name

    @property
    def display_goal(self) -> str:
        return self._translated("goal") or self.goal

    def _translated(self, field: str) -> str:
        language = (get_language() or "").split("-")[0]
        entry = (self.translations or {}).get(language) or {}
        return str(entry.get(field) or "").strip()

    @property
    def is_read_only(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def accepts_applications(self) -> bool:
        return self.status == self.Status.RECRUITING

    def role_for_level(self, level: int) -> str | None:
        """Which side a person of `level` takes in this program, or None when not eligible.

        Peer exchange has no sides to qualify for (everyone teaches and learns; matching pairs
        people across level bands or generations): anyone may take part, and the stored role only
        says on which side of the senior band they are."""
        if self.format == self.Format.PEER_EXCHANGE:
            return Role.JUNIOR if level < self.senior_min_level else Role.SENIOR
        if level <= self.junior_max_level:
            return Role.JUNIOR
        if level >= self.senior_min_level:
            return Role.SENIOR
        return None

    @property
    def one_to_one_meetings(self) -> int:
        return self.length_months * self.MEETINGS_PER_MONTH[self.meeting_cadence]

    @property
    def period_days(self) -> int:
        """Days in one meeting period of this program's cadence."""
        return self.PERIOD_DAYS[self.meeting_cadence]

    @property
    def group_sessions(self) -> int:
        every = self.GROUP_SESSION_EVERY_MONTHS.get(self.group_session_cadence)
        return self.length_months // every if every else 0

    @property
    def time_commitment_minutes(self) -> int:
        """Meeting time one participant commits to over the whole program."""
        return self.one_to_one_meetings * self.min_meeting_minutes + self.group_sessions * self.group_session_minutes

    @property
    def time_commitment_hours(self) -> float:
        return round(self.time_commitment_minutes / 60, 1)

    def needed_per_side(self) -> tuple[int, int]:
        """The fewest accepted (juniors, seniors) this format can start matching with."""
        if self.format == self.Format.GROUP:
            return self.group_juniors_min, self.group_seniors_min
        return 1, 1


class CurriculumItem(models.Model):
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="curriculum")
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(24)])
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="curriculum_items",
        help_text=_("Leave empty for a retrospective or free month."),
    )
    title = models.CharField(_("title"), max_length=150)
    notes = models.TextField(_("notes for the pairs"), blank=True)

    class Meta:
        ordering = ["program", "month"]
        verbose_name = _("curriculum month")
        verbose_name_plural = _("curriculum")
        constraints = [models.UniqueConstraint(fields=["program", "month"], name="curriculum_one_item_per_month")]

    def __str__(self) -> str:
        return f"{self.program} · {self.month}: {self.title}"


class ProgramTransition(models.Model):
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=Program.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Program.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    forced = models.BooleanField(_("forced"), default=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("program transition")
        verbose_name_plural = _("program transitions")

    def __str__(self) -> str:
        return f"{self.program}: {self.from_status or '—'} → {self.to_status}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invitee"), on_delete=models.CASCADE, related_name="program_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_invitation_token, editable=False)
    message = models.TextField(_("personal message"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    # Never shown, searched or filtered in Django admin (mentoring.admin_site).
    confidential_fields = ("token", "decline_reason")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["program", "user"], name="invitation_once_per_person")]
        indexes = [
            # The sweep's unanswered invitations by age: programs.notifications.invitation_reminders.
            models.Index(fields=["created_at"], condition=models.Q(status="pending"), name="invitation_pending_by_age"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.program}"

    def get_absolute_url(self) -> str:
        return reverse("programs:invitation", args=[self.token])


WEEKDAYS = [("mon", _("Monday")), ("tue", _("Tuesday")), ("wed", _("Wednesday")), ("thu", _("Thursday")), ("fri", _("Friday"))]
DAY_PARTS = [("morning", _("Morning")), ("midday", _("Midday")), ("afternoon", _("Afternoon"))]
TIME_SLOTS = [f"{day}_{part}" for day, _d in WEEKDAYS for part, _p in DAY_PARTS]


class Generation(models.TextChoices):
    """Self-declared, asked only in peer-exchange programs, used only by matching."""

    GEN_Z = "gen_z", _("Gen Z (born 1997 or later)")
    MILLENNIALS = "millennials", _("Millennials (born 1981–1996)")
    GEN_X = "gen_x", _("Gen X (born 1965–1980)")
    BABY_BOOMERS = "baby_boomers", _("Baby boomers (born 1964 or earlier)")


class Application(models.Model):
    """A person's own, voluntary request to take part. Only the person creates it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class MeetingMode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        REMOTE = "remote", _("Remote (video)")
        HYBRID = "hybrid", _("Either is fine")

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="applications")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    motivation = models.TextField(_("motivation"))
    hopes = models.TextField(_("what you hope to get out of it"))
    comfort_with_seniors = models.PositiveSmallIntegerField(
        _("comfort speaking openly with senior leaders"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    openness_statement = models.TextField(_("openness statement"), blank=True)
    time_commitment_confirmed = models.BooleanField(_("time commitment confirmed"), default=False)
    voluntary_consent = models.BooleanField(_("takes part voluntarily"), default=False)
    confidentiality_accepted = models.BooleanField(_("accepts the confidentiality terms"), default=False)
    meeting_mode = models.CharField(_("meeting mode"), max_length=20, choices=MeetingMode.choices, default=MeetingMode.HYBRID)
    preferred_times = models.JSONField(_("preferred times"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    style_directness = models.PositiveSmallIntegerField(
        _("diplomatic (1) … direct (5)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    style_structure = models.PositiveSmallIntegerField(
        _("structured (1) … exploratory (5)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    style_pace = models.PositiveSmallIntegerField(
        _("steady (1) … fast (5)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    avoid_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rather not be matched with"),
        related_name="+",
        blank=True,
        help_text=_("Private: used only by the matching engine, never shown to anyone."),
    )
    generation = models.CharField(
        _("generation"),
        max_length=20,
        choices=Generation.choices,
        blank=True,
        help_text=_("Peer exchange only, optional: used only to pair people of different generations, never shown."),
    )
    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hr_message = models.TextField(_("message from HR"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    # Never shown, searched or filtered in Django admin (mentoring.admin_site).
    confidential_fields = ("avoid_people", "generation")

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="application_once_per_program"),
            # "Seniors must want to, not have to": no application without the person's own consent.
            models.CheckConstraint(
                condition=models.Q(voluntary_consent=True, confidentiality_accepted=True), name="application_consent_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.program} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return reverse("programs:my_application", args=[self.program_id])

    @property
    def is_open(self) -> bool:
        return self.status not in {self.Status.WITHDRAWN, self.Status.DECLINED}

    @property
    def preferred_times_display(self) -> list[str]:
        days, parts = dict(WEEKDAYS), dict(DAY_PARTS)
        labels = []
        for slot in self.preferred_times:
            day, _sep, part = slot.partition("_")
            labels.append(f"{days.get(day, day)} {str(parts.get(part, part)).lower()}")
        return labels

    @property
    def languages_display(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages]


class ApplicationCorrection(models.Model):
    """HR changed a fact of someone's application with their agreement: who, when, what
    before and after, and how the person agreed (the audit trail of such corrections)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="corrections")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    field = models.CharField(max_length=40)
    before = models.JSONField()
    after = models.JSONField()
    person_agreed = models.BooleanField(_("the person agreed to this change"))
    agreement_note = models.CharField(_("how they agreed"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("application correction")
        verbose_name_plural = _("application corrections")
        constraints = [
            models.CheckConstraint(condition=models.Q(person_agreed=True), name="application_correction_person_agreed"),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.field} {self.changed_at:%Y-%m-%d}"


class ApplicationTopic(models.Model):
    """A topic on an application: expertise the junior offers, or what the senior wants to learn."""

    class Kind(models.TextChoices):
        EXPERTISE = "expertise", _("Expertise")
        INTEREST = "interest", _("Interest")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="topics")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    strength = models.PositiveSmallIntegerField(
        _("confidence or priority"), validators=[MinValueValidator(1), MaxValueValidator(3)], help_text=_("1 = some, 3 = high")
    )

    class Meta:
        ordering = ["application", "kind", "-strength", "topic__name"]
        verbose_name = _("application topic")
        verbose_name_plural = _("application topics")
        constraints = [
            models.UniqueConstraint(fields=["application", "topic", "kind"], name="application_topic_once"),
            models.CheckConstraint(condition=models.Q(strength__gte=1, strength__lte=3), name="application_topic_strength_range"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.kind} {self.strength})"
