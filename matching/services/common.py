"""What the run and HR's review share: settings, the runnable guard, one pair's explanation and refusals."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentoring.models import User
from programs.models import Application, Program, Role
from programs.services import ensure_editable

from ..models import DEFAULT_WEIGHTS, MatchingConfig
from ..problem import Problem, load_problem
from ..scoring import COMPONENTS

RUNNABLE = {Program.Status.MATCHING, Program.Status.ACTIVE}


def config_for(program: Program) -> MatchingConfig:
    config, _created = MatchingConfig.objects.get_or_create(program=program)
    return config


def config_update(*, program: Program, weights: Mapping[str, float], objective: str, min_level_gap: int) -> MatchingConfig:
    ensure_editable(program)
    cleaned = {}
    for name in COMPONENTS:
        value = weights.get(name, DEFAULT_WEIGHTS[name])
        try:
            value = int(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError({name: _("Weights are whole numbers from 0 to 100.")}) from exc
        if not 0 <= value <= 100:
            raise ValidationError({name: _("Weights are whole numbers from 0 to 100.")})
        cleaned[name] = value
    if not any(cleaned.values()):
        raise ValidationError(_("At least one weight must be above zero."))
    if objective not in MatchingConfig.Objective.values:
        raise ValidationError({"objective": _("Unknown objective.")})
    config = config_for(program)
    config.weights, config.objective, config.min_level_gap = cleaned, objective, min_level_gap
    config.full_clean()
    config.save()
    return config


def _ensure_runnable(program: Program) -> None:
    ensure_editable(program)
    if program.status not in RUNNABLE:
        raise ValidationError(_("Matching runs while the program is in its matching phase (or active, to re-match freed people)."))


def _pair_explanation(problem: Problem, j: int, s: int, *, prefix: list[str] | None = None, data: dict | None = None) -> dict:
    """The explanation of one pair (`data`, when `problem.explain_pairs` made it already)."""
    if data is None:
        data = problem.explain_pairs([j], [s])[0]
    data["reasons"] = (prefix or []) + data["reasons"]
    return data


def refusal_reasons(problem: Problem, j: int, s: int) -> list[str]:
    """Why HR may not pair one junior and senior by hand (empty when it may).

    The participants' private "rather not" lists are deliberately not among the reasons: a refusal
    HR could not explain by its own rules and the declines it sees would give them away. The
    pair still needs both people's acceptance, and the offer reminds the one who listed the other.
    """
    reasons = []
    if problem.limits.chain[j, s]:
        reasons.append(_("they are in one reporting chain"))
    if problem.limits.excluded[j, s]:
        reasons.append(_("the pair is excluded by an HR rule or an earlier decline"))
    if problem.limits.level[j, s]:
        steps = problem.config.min_level_gap // 10  # levels are stored 10 apart (mentoring.models.Level)
        reasons.append(
            ngettext(
                "the senior is not at least %(steps)d level above the junior",
                "the senior is not at least %(steps)d levels above the junior",
                steps,
            )
            % {"steps": steps}
        )
    if problem.limits.language[j, s]:
        reasons.append(_("they share no language"))
    return reasons


def _pair_problem(program: Program, junior: User, senior: User) -> tuple[Problem, int, int]:
    applications = {a.user_id: a for a in program.applications.filter(user__in=[junior, senior], status=Application.Status.ACCEPTED)}
    if junior.pk not in applications or applications[junior.pk].role != Role.JUNIOR:
        raise ValidationError(_("%(name)s is not an accepted junior mentor of this program.") % {"name": junior.get_full_name()})
    if senior.pk not in applications or applications[senior.pk].role != Role.SENIOR:
        raise ValidationError(_("%(name)s is not an accepted senior mentee of this program.") % {"name": senior.get_full_name()})
    problem = load_problem(program, config=config_for(program), only_user_ids=[junior.pk, senior.pk])
    return problem, 0, 0
