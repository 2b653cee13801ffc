"""HR's matching review and the participant's match offer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.access import hr_required
from mentoring.web import AuthenticatedRequest, flash_errors, flash_form_errors
from programs.models import Program

from . import selectors, services
from .forms import AnswerForm, ApproveForm, ConfigForm, EndForm, PairForm
from .models import Match, PairRule


def _program(pk: int) -> Program:
    return get_object_or_404(Program, pk=pk)


def _back(program: Program) -> HttpResponse:
    return redirect("matching:review", pk=program.pk)


@hr_required
@require_GET
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    config = services.config_for(program)
    run = selectors.latest_run(program=program)
    matches = list(selectors.matches_of_program(program=program))
    free_juniors, free_seniors = selectors.free_people(program=program)
    free_ids = {u.pk for u in free_juniors} | {u.pk for u in free_seniors}
    unmatched = [row for row in (run.unmatched if run else []) if row["user_id"] in free_ids]
    by_status: dict[str, list[Match]] = {}
    for match in matches:
        by_status.setdefault(match.status, []).append(match)
    return render(
        request,
        "matching/review.html",
        {
            "program": program,
            "config": config,
            "config_form": ConfigForm(initial={**config.weights, "objective": config.objective, "min_level_gap": config.min_level_gap}),
            "run": run,
            "proposed": by_status.get(Match.Status.PROPOSED, []),
            "offered": by_status.get(Match.Status.APPROVED, []),
            "confirmed": by_status.get(Match.Status.CONFIRMED, []),
            "closed": by_status.get(Match.Status.DECLINED, []) + by_status.get(Match.Status.ENDED, []),
            "unmatched": unmatched,
            "free_juniors": free_juniors,
            "free_seniors": free_seniors,
            "rules": selectors.rules_of_program(program=program),
            "can_run": program.status in services.RUNNABLE,
        },
    )


@hr_required
@require_POST
def run(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    try:
        result = services.matching_run(program=program, by=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Matching done in %(ms)s ms: %(n)s proposal(s), %(u)s person(s) without a match.")
            % {"ms": result.duration_ms, "n": result.matches_made, "u": len(result.unmatched)},
        )
    return _back(program)


@hr_required
@require_POST
def config(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    form = ConfigForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form, labelled=True)
        return _back(program)
    data = form.cleaned_data
    try:
        services.config_update(
            program=program,
            weights={name: data[name] for name in ("topics", "availability", "chemistry", "diversity")},
            objective=data["objective"],
            min_level_gap=data["min_level_gap"],
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Matching settings saved. Run matching again to apply them."))
    return _back(program)


@hr_required
@require_POST
def approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    form = ApproveForm(request.POST, program=program)
    if not form.is_valid():  # never fall back to "approve all" on a malformed choice
        flash_form_errors(request, form)
        return _back(program)
    try:
        selected = list(form.cleaned_data["matches"]) or None
        count = services.matches_approve(program=program, by=request.user, matches=selected)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("%(n)s match(es) offered; the people have been told and can accept or decline.") % {"n": count})
    return _back(program)


@hr_required
@require_POST
def discard(request: AuthenticatedRequest, pk: int, match_pk: int) -> HttpResponse:
    program = _program(pk)
    match = get_object_or_404(Match, pk=match_pk, program=program)
    try:
        services.match_discard(match=match)
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(program)


@hr_required
@require_POST
def pair(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Create a manual match, or pin / forbid a pair."""
    program = _program(pk)
    form = PairForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a junior mentor and a senior mentee."))
        return _back(program)
    data = form.cleaned_data
    try:
        if data["kind"] in PairRule.Kind.values:
            services.pair_rule_set(
                program=program, junior=data["junior"], senior=data["senior"], kind=data["kind"], by=request.user, reason=data["reason"]
            )
            messages.success(request, _("Rule saved; it applies from the next run."))
        else:
            services.match_create_manual(program=program, junior=data["junior"], senior=data["senior"], by=request.user)
            messages.success(request, _("Match created as a proposal."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(program)


@hr_required
@require_POST
def rule_remove(request: AuthenticatedRequest, pk: int, rule_pk: int) -> HttpResponse:
    program = _program(pk)
    try:
        services.pair_rule_remove(rule=get_object_or_404(PairRule, pk=rule_pk, program=program))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(program)


@hr_required
@require_POST
def end(request: AuthenticatedRequest, pk: int, match_pk: int) -> HttpResponse:
    program = _program(pk)
    match = get_object_or_404(Match, pk=match_pk, program=program)
    form = EndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the match ends; the reason stays with HR."))
        services.match_end(match=match, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.info(request, _("Match ended. Both people are free to be re-matched."))
    return _back(program)


@login_required
@require_http_methods(["GET", "POST"])
def my_match(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        match = selectors.matches_visible_to(user=request.user).get(pk=pk)
    except Match.DoesNotExist as exc:
        raise Http404 from exc
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_respond(
                match=match, user=request.user, accept=form.cleaned_data["answer"] == "accept", reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Thank you, your answer is saved."))
        return redirect(match.get_absolute_url())
    if match.status == Match.Status.CONFIRMED:
        return redirect("mentoring_sessions:pair", match_pk=match.pk)
    me = next(m for m in match.members.all() if m.user_id == request.user.pk)
    partners = [m for m in match.members.all() if m.user_id != request.user.pk]
    rather_not = selectors.rather_not_partners(match=match, user=request.user) if match.status == Match.Status.APPROVED else []
    return render(
        request, "matching/my_match.html", {"match": match, "me": me, "partners": partners, "form": form, "rather_not": rather_not}
    )
