"""Check-ins, survey, recommendations and the journey for participants; dashboard, report,
survey set-up and the recommendations board for HR."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching.models import Match, MatchMember
from matching.services import match_pause
from mentoring.access import hr_required
from mentoring.models import User
from mentoring.web import AuthenticatedRequest, csv_response, flash_errors, flash_form_errors, form_errors_from, safe_next
from programs.models import Program, Topic, TopicCategory
from sessions.models import Meeting, SessionLog

from . import selectors, services
from .exports import csv_streaming_response
from .forms import CheckInForm, PairActionForm, PairFilterForm, QuestionForm, RecommendationForm, RecommendationUpdateForm, SurveyForm
from .models import Challenge, CheckIn, Recommendation, Survey


def _participant_program(request: AuthenticatedRequest, pk: int) -> tuple[Program, MatchMember]:
    """A program the user takes part in, and their membership in it; 404 for anyone else."""
    program = get_object_or_404(Program, pk=pk)
    member = selectors.membership(program=program, user=request.user)
    if member is None:
        raise Http404
    return program, member


# --- participants ------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program, _member = _participant_program(request, pk)
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.checkin_submit(
                program=program, user=request.user, pulse=data["pulse"], meetings_as_planned=data["meetings_as_planned"] == "yes",
                flags=data["flags"], comment=data["comment"], reach_out=data["reach_out"],
            )  # fmt: skip
        except ValidationError as exc:
            form_errors_from(form, exc)
        except PermissionDenied as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Thank you for checking in."))
            return redirect("portal:home")
    month = selectors.program_month(program=program)
    done = CheckIn.objects.filter(program=program, user=request.user, month=month).exists()
    return render(
        request,
        "evaluation/checkin.html",
        {"program": program, "form": form, "challenges": Challenge.choices, "done": done, "month": month},
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program, _member = _participant_program(request, pk)
    survey = Survey.objects.filter(program=program, status=Survey.Status.OPEN).first()
    if survey is None:
        raise Http404
    answered = survey.responses.filter(user=request.user).exists()
    form = SurveyForm(request.POST if request.method == "POST" and not answered else None, survey=survey)
    if form.is_valid():
        try:
            services.response_submit(survey=survey, user=request.user, answers=form.answers())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form_errors_from(form, exc)
            else:
                flash_errors(request, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Thank you! Your answers help the next round."))
            return redirect("evaluation:journey", pk=program.pk)
    return render(
        request,
        "evaluation/survey.html",
        {"program": program, "form": form, "answered": answered, "topics": Topic.objects.filter(is_active=True)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendations(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program, member = _participant_program(request, pk)
    participants = [m.user_id for m in selectors.participants(program=program)]
    form = RecommendationForm(request.POST if request.method == "POST" else None, coauthors=User.objects.filter(pk__in=participants))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.recommendation_submit(
                program=program, by=request.user, title=data["title"], description=data["description"], area=data["area"],
                expected_impact=data["expected_impact"], coauthors=list(data["coauthors"]),
            )  # fmt: skip
        except ValidationError as exc:
            form_errors_from(form, exc)
        except PermissionDenied as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Recommendation submitted. Leadership's answer will appear here."))
            return redirect("evaluation:recommendations", pk=program.pk)
    partners = [m.user for m in member.match.members.select_related("user") if m.user_id != request.user.pk]
    board = program.recommendations.prefetch_related("authors").order_by("-created_at")
    return render(
        request,
        "evaluation/recommendations.html",
        {
            "program": program,
            "form": form,
            "board": board,
            "areas": TopicCategory.choices,
            "impacts": Recommendation.Impact.choices,
            "partners": partners,
        },
    )


@login_required
@require_GET
def journey(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A participant's own story of the program, to keep."""
    program, member = _participant_program(request, pk)
    meetings = list(Meeting.objects.filter(match=member.match, status=Meeting.Status.HELD).select_related("topic").order_by("starts_at"))
    logs = {log.meeting_id: log for log in SessionLog.objects.filter(meeting__in=meetings, author=request.user)}
    entries = [(meeting, logs.get(meeting.pk)) for meeting in meetings]
    topics = sorted({m.topic.display_name for m in meetings if m.topic})
    context = {
        "program": program,
        "member": member,
        "entries": entries,
        "topics": topics,
        "minutes": sum((log.actual_minutes or 0) for log in logs.values()),
    }
    if request.GET.get("download"):
        response = render(request, "evaluation/journey.txt", context, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="my-reverse-mentoring-journey-{program.pk}.txt"'
        return response
    return render(request, "evaluation/journey.html", context)


# --- HR ---------------------------------------------------------------------------------------
def results_table(results: selectors.SurveyFigures) -> list[list[Any]]:
    """The survey's headline figures as rows, a hidden cell empty: the page, the report and the
    CSV show the same table."""

    def shown(aggregate: selectors.Aggregate | None, attribute: str) -> Any:
        return "" if aggregate is None or aggregate.hidden else getattr(aggregate, attribute)

    rows: list[list[Any]] = [["measure", "everyone", "junior mentors", "senior mentees"]]
    for key, attribute, label in (
        ("satisfaction", "average", "satisfaction (1–5)"),
        ("relationship", "yes_share", "relationship formed (%)"),
        ("continue", "yes_share", "want to continue (%)"),
    ):
        rows.append([label] + [shown(cells.get(key), attribute) for cells in (results.everyone, results.juniors, results.seniors)])
    # HR's own questions, by the same rules: an average, a share of yes, or a count per option.
    for cells in results.own:
        question = cells[0].question
        if question.kind == question.Kind.SCALE:
            rows.append([_("%(question)s (1–5)") % {"question": question.display_text}, *[shown(cell, "average") for cell in cells]])
        elif question.kind == question.Kind.YESNO:
            rows.append([_("%(question)s (%% yes)") % {"question": question.display_text}, *[shown(cell, "yes_share") for cell in cells]])
        elif question.kind == question.Kind.CHOICE:
            for option in question.choices:
                rows.append(
                    [
                        _("%(question)s: %(option)s") % {"question": question.display_text, "option": option},
                        *["" if cell.hidden else dict(cell.counts).get(option, 0) for cell in cells],
                    ]
                )
    return rows


REPORT_TEXT_SAMPLE = 30  # written survey answers per question the printed report shows; the rest are a page away

# Each dashboard CSV computes only its own table.
DASHBOARD_CSV: dict[str, Callable[[Program], Iterable[list[Any]]]] = {
    "funnel": lambda program: [["stage", "people"], *[[stage, n] for stage, n in selectors.funnel(program=program)]],
    "meetings": lambda program: [
        ["month", "planned", "held", "missed", "cancelled"],
        *[[r.month, r.planned, r.held, r.missed, r.cancelled] for r in selectors.meeting_summary(program=program).months],
    ],
    "pairs": lambda program: chain([["pair", "at risk", "reasons", "milestones"]], selectors.pair_table_rows(program=program)),
    "checkins": lambda program: [
        ["month", "average pulse", "check-ins", "note"],
        *[[month, "" if avg is None else avg, n, note] for month, avg, n, note in selectors.checkin_trend(program=program)],
    ],
    "results": lambda program: results_table(selectors.survey_figures(program=program, sample=0)),
    "recommendations": lambda program: [
        ["status", "count"],
        *[[label, n] for _value, label, n in selectors.recommendation_counts(program=program)],
    ],
    "curriculum": lambda program: [
        ["category", "months"],
        *[[label, n] for _value, label, n in selectors.curriculum_mix(program=program).rows],
    ],
}


@hr_required
@require_GET
def dashboard(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The program's health for HR: `?status=`, `?q=` and `?page=` choose the pairs listed,
    `?print=1` is the printable report, `?csv=<table>` one table as a (streamed) CSV."""
    program = get_object_or_404(Program, pk=pk)
    table = request.GET.get("csv")
    if table:
        export = DASHBOARD_CSV.get(table)
        if export is None:
            raise Http404
        return csv_streaming_response(export(program), f"program-{program.pk}-{table}.csv")
    if request.GET.get("print"):
        board = selectors.dashboard(program=program, text_sample=REPORT_TEXT_SAMPLE)
        context = {"program": program, "board": board, "results_table": results_table(board.results), "today": timezone.localdate()}
        return render(request, "evaluation/report.html", context)
    form = PairFilterForm(request.GET)
    form.is_valid()  # a value that is not valid is the field's error; the others still filter
    status, search = form.cleaned_data.get("status") or "", form.cleaned_data.get("q") or ""
    facts = selectors.recent_pair_facts(program=program, fresh=bool(request.GET.get("fresh")))
    board = selectors.dashboard(program=program, facts=facts)
    listed = selectors.pairs_matching(program=program, facts=facts, status=status, search=search)
    page = Paginator(listed, selectors.PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "program": program,
        "board": board,
        "results_table": results_table(board.results),
        "form": form,
        "page": page,
        "pairs": selectors.pair_health_of(facts=list(page.object_list)),
        "filters": [(value, label, n, _filter_url(value, search)) for value, label, n in board.health.filters],
        "all_url": _filter_url("", search),
        "clear_url": _filter_url(status, ""),
        "status": status,
        "search": search,
        "facts_as_of": facts.as_of,
        "refresh_url": _filter_url(status, search) + ("&" if status or search else "") + "fresh=1",
    }
    return render(request, "evaluation/dashboard.html", context)


def _filter_url(status: str, search: str) -> str:
    """The pair list's link for a health status and a search (page 1)."""
    return "?" + urlencode({key: value for key, value in (("status", status), ("q", search)) if value})


@hr_required
@require_POST
def pair_action(request: AuthenticatedRequest, pk: int, match_pk: int) -> HttpResponse:
    match = get_object_or_404(Match, pk=match_pk, program_id=pk)
    form = PairActionForm(request.POST)
    # Back to the page, filter and search HR acted from.
    back = safe_next(request, request.POST.get("next")) or reverse("evaluation:dashboard", args=[pk])
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(back)
    action, data = form.cleaned_data["action"], form.cleaned_data
    try:
        if action in {"pause", "resume"}:
            match_pause(match=match, by=request.user, pause=action == "pause", reason=data["reason"])
            messages.success(
                request, _("Pair paused: no reminders or alarms until you resume it.") if action == "pause" else _("Pair resumed.")
            )
        elif action == "kudos":
            services.kudos_send(match=match, by=request.user, message=data["message"])
            messages.success(request, _("Kudos sent."))
        else:
            services.hr_note_add(match=match, author=request.user, body=data["body"])
            messages.success(request, _("Note saved (visible to coordinators only)."))
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        selectors.forget_pair_facts(program_id=match.program_id)  # HR sees what they just did
    return redirect(back)


@hr_required
@require_http_methods(["GET", "POST"])
def survey_manage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    survey = selectors.survey_for(program=program)
    form = QuestionForm()
    if request.method == "POST":
        action = request.POST.get("action")  # the button pressed: open, close, or (none) add a question
        if survey is None:
            messages.error(request, _("The survey is prepared when the program moves to evaluating."))
            return redirect("evaluation:survey_manage", pk=program.pk)
        if action in {"open", "close"}:
            try:
                if action == "open":
                    services.survey_open(survey=survey, by=request.user)
                    messages.success(request, _("Survey sent to every participant."))
                else:
                    services.survey_close(survey=survey, by=request.user)
                    messages.success(request, _("Survey closed. The results are on the dashboard."))
            except (ValidationError, PermissionDenied) as exc:
                flash_errors(request, exc)
            return redirect("evaluation:survey_manage", pk=program.pk)
        form = QuestionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.question_add(
                    survey=survey, kind=data["kind"], text=data["text"], choices=form.options(), required=data["required"]
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # the survey was sent meanwhile: the form is gone from the page
                    flash_errors(request, exc)
                    return redirect("evaluation:survey_manage", pk=program.pk)
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Question added."))
                return redirect("evaluation:survey_manage", pk=program.pk)
    return render(
        request,
        "evaluation/survey_manage.html",
        {"program": program, "survey": survey, "form": form, "responses": survey.responses.count() if survey else 0},
    )


ANSWERS_PER_PAGE = 50


@hr_required
@require_GET
def survey_answers(request: AuthenticatedRequest, pk: int, question_pk: int) -> HttpResponse:
    """Every written answer to one free-text question, anonymised (see `selectors.TextAnswers`), a page at a time."""
    program = get_object_or_404(Program, pk=pk)
    survey = get_object_or_404(Survey, program=program)
    answers = next((t for t in selectors.survey_texts(survey=survey, sample=0) if t.question.pk == question_pk), None)
    if answers is None:
        raise Http404
    page = None
    if answers.shown:
        listed = selectors.text_answers(survey=survey, question=answers.question, by_side=answers.by_side)
        page = Paginator(listed, ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "evaluation/survey_answers.html", {"program": program, "survey": survey, "answers": answers, "page": page})


@hr_required
@require_http_methods(["GET", "POST"])
def recommendation_board(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    if request.method == "POST":
        # Each card on the board posts its own small form; its refusal is shown above the board.
        form = RecommendationUpdateForm(request.POST, program=program)
        if not form.is_valid():
            flash_form_errors(request, form)
            return redirect(request.get_full_path())
        data = form.cleaned_data
        try:
            services.recommendation_update(
                recommendation=data["recommendation"], by=request.user, status=data["status"], leadership_response=data["leadership_response"],
                follow_up_date=data["follow_up_date"], outcome=data["outcome"],
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Recommendation updated."))
        return redirect(request.get_full_path())
    board = program.recommendations.prefetch_related("authors").order_by("status", "-created_at")
    status, area = request.GET.get("status", ""), request.GET.get("area", "")
    if status:
        board = board.filter(status=status)
    if area:
        board = board.filter(area=area)
    if request.GET.get("format") == "csv":
        rows = [["title", "area", "expected impact", "status", "authors", "leadership response", "follow-up", "outcome"]]
        rows += [
            [
                r.title,
                r.get_area_display(),
                r.get_expected_impact_display(),
                r.get_status_display(),
                ", ".join(a.get_full_name() for a in r.authors.all()),
                r.leadership_response,
                r.follow_up_date.isoformat() if r.follow_up_date else "",
                r.outcome,
            ]
            for r in board
        ]
        return csv_response(rows, f"program-{program.pk}-recommendations.csv")
    return render(
        request,
        "evaluation/recommendation_board.html",
        {
            "program": program,
            "board": board,
            "statuses": Recommendation.Status.choices,
            "areas": TopicCategory.choices,
            "flow": services.FLOW,
            "chosen": {"status": status, "area": area},
        },
    )
