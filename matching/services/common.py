"""What the run and HR's review share: settings, the runnable guard, one pair's explanation and refusals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from mentoring.models import User
from programs.models import Application, Program, Role
from programs.services import ensure_editable

from ..models import DEFAULT_WEIGHTS, MatchingConfig
from ..problem import Problem, load_problem
from ..reasons import join
from ..scoring import COMPONENTS

RUNNABLE = {Program.Status.MATCHING, Program.Status.ACTIVE}


def config_for(program: Program) -> MatchingConfig:
    config, _created = MatchingConfig.objects.get_or_create(program=program)
    return config


def config_update(
    *, program: Program, weights: Mapping[str, float], objective: str, min_level_gap: int, peer_partners: str | None = None
) -> MatchingConfig:
    """HR's matching settings; `peer_partners` left out keeps the current rule."""
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
    if peer_partners is not None and peer_partners not in MatchingConfig.PeerPartners.values:
        raise ValidationError({"peer_partners": _("Unknown rule for peer exchange partners.")})
    config = config_for(program)
    config.weights, config.objective, config.min_level_gap = cleaned, objective, min_level_gap
    if peer_partners is not None:
        config.peer_partners = peer_partners
    config.full_clean()
    config.save()
    return config


def _ensure_runnable(program: Program) -> None:
    ensure_editable(program)
    if program.status not in RUNNABLE:
        raise ValidationError(_("Matching runs while the program is in its matching phase (or active, to re-match freed people)."))


def _pair_explanation(problem: Problem, j: int, s: int, *, prefix: list[Any] | None = None, data: dict | None = None) -> dict:
    """The explanation of one pair (`data`, when `problem.explain_pairs` made it already)."""
    if problem.peer_exchange and data is None:
        return peer_explanations(problem, [(j, s)], prefixes=[prefix or []])[0]
    if data is None:
        data = problem.explain_pairs([j], [s])[0]
    data["reasons"] = (prefix or []) + data["reasons"]
    return data


TAUGHT_TOPICS = 3  # topics named per direction


def peer_explanations(problem: Problem, pairs: Sequence[tuple[int, int]], *, prefixes: Sequence[list[Any]] | None = None) -> list[dict]:
    """Peer exchange pairs (junior row, senior row) explained: who teaches what, both ways (each
    one's expertise × the other's interests, best first), then the usual availability, language
    and style reasons. Also as data: explanation["teaches"] = [{"from", "to", "topics"}, …]."""
    if not pairs:
        return []
    pool, names = problem.juniors, problem.labels.topics
    first = np.array([a for a, _b in pairs], dtype=np.intp)
    second = np.array([b for _a, b in pairs], dtype=np.intp)
    explained = problem.explain_pairs(first.tolist(), second.tolist())
    directions = []
    for teachers, learners in ((first, second), (second, first)):
        products = pool.expertise[teachers] * pool.interest[learners]
        best = np.argsort(-products, axis=1, kind="stable")[:, :TAUGHT_TOPICS]
        positive = np.take_along_axis(products, best, axis=1) > 0
        directions.append([[int(t) for t, keep in zip(row, kept, strict=True) if keep] for row, kept in zip(best, positive, strict=True)])
    for k, ((a, b), data) in enumerate(zip(pairs, explained, strict=True)):
        teaches, sentences = [], []
        for (teacher, learner), topics in (((a, b), directions[0][k]), ((b, a), directions[1][k])):
            teaches.append({"from": int(pool.ids[teacher]), "to": int(pool.ids[learner]), "topics": [names[t] for t in topics]})
            if topics:
                sentences.append(
                    {
                        "msg": gettext_noop("%(teacher)s shares %(topics)s with %(learner)s"),
                        "teacher": pool.names[teacher],
                        "topics": [{"t": names[t], "inline": True} for t in topics],
                        "learner": pool.names[learner],
                    }
                )
        # explain_pairs' first reason is the topic fit of both directions at once: the sentences say it better.
        rest = data["reasons"][1:] if sentences else data["reasons"]
        data["reasons"] = list(prefixes[k] if prefixes else []) + sentences + rest
        data["teaches"] = teaches
    return explained


def peer_refusal_reasons(problem: Problem, a: int, b: int) -> list[str]:
    """`refusal_reasons` of a peer exchange pair (rows of the pool, either order)."""
    limits, pool = problem.limits, problem.juniors
    reasons = []
    if limits.chain[a, b]:
        reasons.append(_("they are in one reporting chain"))
    if a != b and limits.excluded[a, b]:
        reasons.append(_("the pair is excluded by an HR rule or an earlier decline"))
    if limits.level[a, b]:
        if problem.config.peer_partners == MatchingConfig.PeerPartners.GENERATION:
            generations = problem.generations if problem.generations is not None else np.full(len(pool), -1)
            silent = [pool.names[row] for row in (a, b) if generations[row] < 0]
            if silent:
                reasons.append(_("this program pairs people of different generations, and %(names)s stated none") % {"names": join(silent)})
            else:
                reasons.append(_("they are of the same generation"))
        else:
            steps = problem.config.min_level_gap // 10  # levels are stored 10 apart (mentoring.models.Level)
            reasons.append(
                ngettext(
                    "their levels are less than %(steps)d level apart",
                    "their levels are less than %(steps)d levels apart",
                    steps,
                )
                % {"steps": steps}
            )
    if limits.language[a, b]:
        reasons.append(_("they share no language"))
    return reasons


def refusal_reasons(problem: Problem, j: int, s: int) -> list[str]:
    """Why HR may not pair one junior and senior by hand (empty when it may).

    The participants' private "rather not" lists are deliberately not among the reasons: a refusal
    HR could not explain by its own rules and the declines it sees would give them away. The
    pair still needs both people's acceptance, and the offer reminds the one who listed the other.
    """
    if problem.peer_exchange:
        return peer_refusal_reasons(problem, j, s)
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
    """The problem of one pair HR names, and its (junior row, senior row). In peer exchange any
    two accepted volunteers, in either order: the rows come oriented (`Problem.orient`)."""
    applications = {a.user_id: a for a in program.applications.filter(user__in=[junior, senior], status=Application.Status.ACCEPTED)}
    if program.format == Program.Format.PEER_EXCHANGE:
        if junior.pk == senior.pk:
            raise ValidationError(_("A pair is two different people."))
        for person in (junior, senior):
            if person.pk not in applications:
                raise ValidationError(_("%(name)s is not an accepted volunteer of this program.") % {"name": person.get_full_name()})
        problem = load_problem(program, config=config_for(program), only_user_ids=[junior.pk, senior.pk])
        at = {int(uid): row for row, uid in enumerate(problem.juniors.ids)}
        return (problem, *problem.orient(at[junior.pk], at[senior.pk]))
    if junior.pk not in applications or applications[junior.pk].role != Role.JUNIOR:
        raise ValidationError(_("%(name)s is not an accepted junior mentor of this program.") % {"name": junior.get_full_name()})
    if senior.pk not in applications or applications[senior.pk].role != Role.SENIOR:
        raise ValidationError(_("%(name)s is not an accepted senior mentee of this program.") % {"name": senior.get_full_name()})
    problem = load_problem(program, config=config_for(program), only_user_ids=[junior.pk, senior.pk])
    return problem, 0, 0
