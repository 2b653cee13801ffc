from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import Program, Role

from .reasons import render_all

DEFAULT_WEIGHTS = {"topics": 45, "availability": 25, "chemistry": 15, "diversity": 15}


def default_weights() -> dict[str, int]:
    return dict(DEFAULT_WEIGHTS)


class MatchingConfig(models.Model):
    """How a program's matching is scored and constrained; HR adjusts it between runs."""

    class Objective(models.TextChoices):
        PARTICIPATION = "participation", _("Match as many people as possible, then the best total score")
        SCORE = "score", _("Best total score (may leave weak pairs unmatched)")

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="matching_config")
    weights = models.JSONField(_("weights"), default=default_weights)
    objective = models.CharField(_("objective"), max_length=20, choices=Objective.choices, default=Objective.PARTICIPATION)

    class PeerPartners(models.TextChoices):
        LEVEL = "level", _("Anyone at least the minimum level gap apart")
        GENERATION = "generation", _("Anyone of another generation")

    min_level_gap = models.PositiveSmallIntegerField(
        _("minimum level gap"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_("The senior's level must be at least this far above the junior's (10 = one step, e.g. junior → mid)."),
    )
    peer_partners = models.CharField(
        _("peer exchange partners"),
        max_length=20,
        choices=PeerPartners.choices,
        default=PeerPartners.LEVEL,
        help_text=_("Peer exchange programs: who may be paired with whom (everyone teaches and learns)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")

    def __str__(self) -> str:
        return f"{self.program} matching"


class MatchRun(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    algorithm = models.CharField(max_length=60)
    objective = models.CharField(max_length=20, choices=MatchingConfig.Objective.choices)
    weights = models.JSONField()
    min_level_gap = models.PositiveSmallIntegerField()
    is_rematch = models.BooleanField(default=False)
    juniors_in_pool = models.PositiveIntegerField(default=0)
    seniors_in_pool = models.PositiveIntegerField(default=0)
    matches_made = models.PositiveIntegerField(default=0)
    juniors_matched = models.PositiveIntegerField(default=0)
    seniors_matched = models.PositiveIntegerField(default=0)
    total_score = models.FloatField(default=0)
    lowest_score = models.FloatField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    proven_optimal = models.BooleanField(default=True)
    optimality_gap = models.FloatField(
        null=True, blank=True, help_text=_("Proven distance of the total score from the best possible (0.004 = 0.4 %); empty: unknown.")
    )
    input_digest = models.CharField(max_length=64, help_text=_("Same inputs, same digest, same result."))
    unmatched = models.JSONField(default=list, help_text=_("[{user_id, role, reason}]"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.program} run {self.pk}"

    @property
    def method_description(self) -> str:
        """The method in words HR can read (the stored `algorithm` names the solver)."""
        if self.algorithm.startswith("groups:"):
            method = _("Groups formed by an optimisation model (mixed-integer program)")
        elif self.algorithm.startswith("peer:"):
            method = _("Peer exchange pairs: the best pairing of everyone with everyone at once (blossom algorithm)")
        else:
            method = _("One-to-one pairs: the best assignment of everyone at once (Hungarian method)")
        return _("%(method)s. Goal: %(objective)s.") % {"method": method, "objective": self.get_objective_display()}

    @property
    def quality_description(self) -> str:
        """How close the run came to the best possible, in words HR can read."""
        groups = self.algorithm.startswith("groups:")
        # One-to-one pairs are solved exactly, whatever the stored flag says.
        if self.proven_optimal or self.algorithm.startswith("pairs:"):
            if groups:
                return gettext("Optimal: no other grouping places more people or scores higher.")
            if self.objective == MatchingConfig.Objective.SCORE:
                return gettext("Optimal: no other pairing scores higher.")
            return gettext("Optimal: no other pairing places more people or scores higher.")
        if self.optimality_gap is not None:
            percent = self.optimality_gap * 100
            if percent < 0.005:
                gap = gettext("less than %(percent)s") % {"percent": formats.number_format(0.01, 2)}
            else:
                places = 1 if percent >= 0.1 else 2
                gap = formats.number_format(round(percent, places), places)  # number_format cuts, not rounds
            return gettext("Within %(gap)s %% of the best possible (proven).") % {"gap": gap}
        if groups:
            return gettext(
                "Good groups found, but the search stopped before it could prove how close they are to the best possible; "
                "a longer search (MATCHING_GROUP_SECONDS) may improve them."
            )
        return gettext("Good pairs found, but the search stopped before it could prove how close they are to the best possible.")

    @property
    def junior_coverage(self) -> float:
        return self.juniors_matched / self.juniors_in_pool if self.juniors_in_pool else 0.0

    @property
    def senior_coverage(self) -> float:
        return self.seniors_matched / self.seniors_in_pool if self.seniors_in_pool else 0.0

    @property
    def average_score(self) -> float:
        return self.total_score / self.matches_made if self.matches_made else 0.0


class Match(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Offered, waiting for answers")
        CONFIRMED = "confirmed", _("Confirmed")
        PAUSED = "paused", _("Paused")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")
        DISCARDED = "discarded", _("Discarded")

    class Source(models.TextChoices):
        ENGINE = "engine", _("Matching engine")
        PINNED = "pinned", _("Pinned by HR")
        MANUAL = "manual", _("Created by HR")

    # A person is in at most one match in these states per program.
    HOLDING = (Status.PROPOSED, Status.APPROVED, Status.CONFIRMED, Status.PAUSED)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="matches")
    run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="matches")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ENGINE)
    score = models.FloatField(default=0)
    explanation = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        indexes = [
            # Offers waiting for answers by age: matching.notifications.acceptance_reminders.
            models.Index(fields=["approved_at"], condition=models.Q(status="approved"), name="match_offered_by_age"),
        ]

    def __str__(self) -> str:
        return f"{self.program}: match {self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("matching:my_match", args=[self.pk])

    @property
    def reasons(self) -> list[str]:
        """The explanation in the reader's language (stored as data: matching.reasons)."""
        return render_all(self.explanation.get("reasons", []))


class MatchMember(models.Model):
    class Response(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    # Never shown, searched or filtered in Django admin (mentoring.admin_site).
    confidential_fields = ("decline_reason",)

    class Meta:
        ordering = ["role", "user__last_name"]
        verbose_name = _("match member")
        verbose_name_plural = _("match members")
        constraints = [models.UniqueConstraint(fields=["match", "user"], name="match_member_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.match}"


class PairRule(models.Model):
    """HR's word on one junior–senior pair in a program: always pair them, or never."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Pinned: always pair")
        FORBID = "forbid", _("Forbidden: never pair")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pair_rules")
    junior = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    senior = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("pair rule")
        verbose_name_plural = _("pair rules")
        constraints = [
            models.UniqueConstraint(fields=["program", "junior", "senior"], name="pair_rule_once"),
            models.CheckConstraint(condition=~models.Q(junior=models.F("senior")), name="pair_rule_two_people"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.junior} – {self.senior}"
