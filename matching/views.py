"""HR's matching review and the participant's match offer."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.access import hr_required
from mentoring.web import AuthenticatedRequest, flash_errors, flash_form_errors
from programs.models import Program, Role

from . import selectors, services
from .forms import AnswerForm, ApproveForm, ConfigForm, EndForm, PairForm, ReviewFilterForm
from .models import Match, PairRule


def _program(pk: int) -> Program:
    return get_object_or_404(Program, pk=pk)


# Proposal cards, match cards of other states, free people offered for pairing by hand, and rows
# of "without a match" on one page of the review.
PAGE_SIZE = 24
FREE_SHOWN = 100
UNMATCHED_SHOWN = 20


def _back(program: Program, request: AuthenticatedRequest | None = None) -> HttpResponse:
    """To the review, on the page and filter the action was taken from (the form's `view`)."""
    url = reverse("matching:review", args=[program.pk])
    if request is not None:
        sent = QueryDict(request.POST.get("view", "")[:500])
        kept = {name: sent[name][:100] for name in (*ReviewFilterForm.FIELDS, "page") if sent.get(name)}
        if kept:
            url += "?" + urlencode(kept)
    return redirect(url)


def _query(request: AuthenticatedRequest, **changes: str) -> str:
    """The review's query string with `changes` (an empty value drops the key), from page 1."""
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        if value:
            query[name] = value
        else:
            query.pop(name, None)
    return query.urlencode()


@hr_required
@require_GET
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    config = services.config_for(program)
    run = selectors.latest_run(program=program)
    filters = ReviewFilterForm(request.GET or None)
    chosen = filters.filters
    counts = selectors.match_counts(program=program, search=chosen["search"], score_band=chosen["score_band"], flag=chosen["flag"])
    paginator = Paginator(selectors.matches_for_review(program=program, **chosen), PAGE_SIZE)
    # The counts by state hold the list's length already: no second COUNT.
    paginator.count = sum(shown for status, (_every, shown) in counts.items() if chosen["status"] in {"", status})
    page = paginator.get_page(request.GET.get("page"))
    search = chosen["search"]
    peer_exchange = program.format == Program.Format.PEER_EXCHANGE
    free = {}
    # Peer exchange pairs anyone with anyone: both lists offer every free volunteer.
    for role in (None,) if peer_exchange else (Role.JUNIOR, Role.SENIOR):
        shown = list(selectors.free_people(program=program, role=role, search=search)[:FREE_SHOWN])
        free[role] = {"shown": shown, "count": getattr(shown[0], "free_count", 0) if shown else 0}
    if peer_exchange:
        free[Role.JUNIOR] = free[Role.SENIOR] = free[None]
    unmatched, unmatched_count = [], 0
    if run and run.unmatched:
        words = search.lower().split()
        rows = [row for row in run.unmatched if all(word in row["name"].lower() for word in words)]
        free_ids = selectors.still_free(program=program, user_ids=[row["user_id"] for row in rows])
        rows = [row for row in rows if row["user_id"] in free_ids]
        unmatched, unmatched_count = rows[:UNMATCHED_SHOWN], len(rows)
    # The tabs count what the search shows in each state; the buttons offer all proposals, or those shown.
    statuses = [
        (value, Match.Status(value).label, counts.get(value, (0, 0))[1], _query(request, status=value)) for value in selectors.REVIEW_ORDER
    ]
    proposed_count, filtered_proposals = counts.get(Match.Status.PROPOSED, (0, 0))
    if chosen["status"] not in {"", Match.Status.PROPOSED}:
        filtered_proposals = 0
    return render(
        request,
        "matching/review.html",
        {
            "program": program,
            "config": config,
            "config_form": ConfigForm(
                initial={
                    **config.weights,
                    "objective": config.objective,
                    "min_level_gap": config.min_level_gap,
                    "peer_partners": config.peer_partners,
                },
                peer_exchange=peer_exchange,
            ),
            "run": run,
            "peer_exchange": peer_exchange,
            # A peer run's pool is everyone, counted once (stored as the juniors' pool), two per pair.
            "peer_run": bool(run and run.algorithm.startswith("peer:")),
            "peer_paired": 2 * run.matches_made if run else 0,
            "filters": filters,
            "current_status": chosen["status"],
            "narrowed": filters.narrowed,
            "filtered_proposals": filtered_proposals,
            "status_links": {"all": _query(request, status="")},
            "page": page,
            "statuses": statuses,
            "total": sum(shown for _every, shown in counts.values()),
            "proposed_count": proposed_count,
            "view": request.GET.urlencode(),
            "unmatched": unmatched,
            "unmatched_more": unmatched_count - len(unmatched),
            "free_juniors": free[Role.JUNIOR]["shown"],
            "free_juniors_count": free[Role.JUNIOR]["count"],
            "free_seniors": free[Role.SENIOR]["shown"],
            "free_seniors_count": free[Role.SENIOR]["count"],
            "free_shown": FREE_SHOWN,
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
            _("Matching done in %(ms)s ms: %(proposals)s, %(unmatched)s.")
            % {
                "ms": result.duration_ms,
                "proposals": ngettext("%(n)s proposal", "%(n)s proposals", result.matches_made) % {"n": result.matches_made},
                "unmatched": ngettext("%(n)s person without a match", "%(n)s people without a match", len(result.unmatched))
                % {"n": len(result.unmatched)},
            },
        )
    return _back(program, request)


@hr_required
@require_POST
def config(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    form = ConfigForm(request.POST, peer_exchange=program.format == Program.Format.PEER_EXCHANGE)
    if not form.is_valid():
        flash_form_errors(request, form, labelled=True)
        return _back(program, request)
    data = form.cleaned_data
    try:
        services.config_update(
            program=program,
            weights={name: data[name] for name in ("topics", "availability", "chemistry", "diversity")},
            objective=data["objective"],
            min_level_gap=data["min_level_gap"],
            peer_partners=data.get("peer_partners") or None,
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Matching settings saved. Run matching again to apply them."))
    return _back(program, request)


@hr_required
@require_POST
def approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    form = ApproveForm(request.POST, program=program)
    filters = ReviewFilterForm(request.POST)
    if not form.is_valid() or (form.cleaned_data["scope"] == "filter" and not filters.is_valid()):
        # Never fall back to "approve all" on a malformed choice.
        flash_form_errors(request, form if form.errors else filters, labelled=not form.errors)
        return _back(program, request)
    if form.cleaned_data["scope"] == "filter":
        proposals = selectors.matches_for_review(program=program, **{**filters.filters, "status": Match.Status.PROPOSED})
        chosen: list[int] | None = list(proposals.values_list("pk", flat=True))
    else:
        chosen = form.cleaned_data["matches"] or None
    try:
        count = services.matches_approve(program=program, by=request.user, match_ids=chosen)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s match offered; the people have been told and can accept or decline.",
                "%(n)s matches offered; the people have been told and can accept or decline.",
                count,
            )
            % {"n": count},
        )
    return _back(program, request)


@hr_required
@require_POST
def discard(request: AuthenticatedRequest, pk: int, match_pk: int) -> HttpResponse:
    program = _program(pk)
    match = get_object_or_404(Match, pk=match_pk, program=program)
    try:
        services.match_discard(match=match)
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(program, request)


@hr_required
@require_POST
def pair(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Create a manual match, or pin / forbid a pair."""
    program = _program(pk)
    form = PairForm(request.POST)
    if not form.is_valid():
        if program.format == Program.Format.PEER_EXCHANGE:
            messages.error(request, _("Choose two people."))
        else:
            messages.error(request, _("Choose a junior mentor and a senior mentee."))
        return _back(program, request)
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
    return _back(program, request)


@hr_required
@require_POST
def rule_remove(request: AuthenticatedRequest, pk: int, rule_pk: int) -> HttpResponse:
    program = _program(pk)
    try:
        services.pair_rule_remove(rule=get_object_or_404(PairRule, pk=rule_pk, program=program))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(program, request)


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
    return _back(program, request)


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
    peer_exchange = match.program.format == Program.Format.PEER_EXCHANGE
    return render(
        request,
        "matching/my_match.html",
        {
            "match": match,
            "me": me,
            "partners": partners,
            "form": form,
            "rather_not": rather_not,
            "peer_exchange": peer_exchange,
            "teaching": _who_teaches_what(match, request.user) if peer_exchange else [],
        },
    )


def _who_teaches_what(match: Match, user) -> list[dict]:
    """A peer exchange pair's explanation["teaches"], seen from `user`: what each one shares."""
    people = {member.user_id: member.user for member in match.members.all()}
    teaching = []
    for item in match.explanation.get("teaches", []):
        teacher, learner = people.get(item.get("from")), people.get(item.get("to"))
        if teacher is not None and learner is not None and item.get("topics"):
            teaching.append({"teacher": teacher, "learner": learner, "topics": item["topics"], "mine": teacher.pk == user.pk})
    return teaching
