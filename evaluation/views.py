"""Check-ins, survey, recommendations and the journey for participants; dashboard, report,
survey set-up and the recommendations board for HR."""

from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching.models import Match
from mentoring.access import hr_required
from mentoring.web import csv_response, flash_errors
from programs.models import Program, Topic, TopicCategory
from sessions.models import Meeting, SessionLog

from . import selectors, services
from .models import Challenge, CheckIn, Question, Recommendation, Survey


def _participant_program(request: HttpRequest, pk: int) -> Program:
    program = get_object_or_404(Program, pk=pk)
    if selectors.membership(program=program, user=request.user) is None:
        raise Http404
    return program




# --- participants ------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    program = _participant_program(request, pk)
    if request.method == "POST":
        try:
            services.checkin_submit(
                program=program, user=request.user, pulse=request.POST.get("pulse"),
                meetings_as_planned=request.POST.get("meetings_as_planned") == "yes", flags=request.POST.getlist("flags"),
                comment=request.POST.get("comment", ""), reach_out=request.POST.get("reach_out") == "on",
            )  # fmt: skip
        except (ValidationError, PermissionDenied, ValueError) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Thank you for checking in."))
            return redirect("portal:home")
    done = CheckIn.objects.filter(program=program, user=request.user, month=selectors.program_month(program=program)).exists()
    return render(request, "evaluation/checkin.html", {"program": program, "challenges": Challenge.choices, "done": done, "month": selectors.program_month(program=program)})


@login_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    program = _participant_program(request, pk)
    survey = Survey.objects.filter(program=program, status=Survey.Status.OPEN).first()
    if survey is None:
        raise Http404
    questions = list(survey.questions.all())
    answered = survey.responses.filter(user=request.user).exists()
    errors = {}
    if request.method == "POST" and not answered:
        answers = {}
        for question in questions:
            name = f"q{question.pk}"
            answers[question.pk] = request.POST.getlist(name) if question.kind == Question.Kind.TOPICS else request.POST.get(name)
        try:
            services.response_submit(survey=survey, user=request.user, answers=answers)
        except ValidationError as exc:
            errors = {int(key[1:]): value for key, value in exc.message_dict.items() if key.startswith("q")} if hasattr(exc, "error_dict") else {}
            if not hasattr(exc, "error_dict"):
                flash_errors(request, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Thank you! Your answers help the next round."))
            return redirect("evaluation:journey", pk=program.pk)
    return render(
        request,
        "evaluation/survey.html",
        {"program": program, "questions": questions, "answered": answered, "errors": errors, "topics": Topic.objects.filter(is_active=True), "posted": request.POST},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    program = _participant_program(request, pk)
    if request.method == "POST":
        try:
            services.recommendation_submit(
                program=program, by=request.user, title=request.POST.get("title", ""), description=request.POST.get("description", ""),
                area=request.POST.get("area", ""), expected_impact=request.POST.get("expected_impact", ""),
                coauthors=[m.user for m in selectors.participants(program=program) if str(m.user_id) in request.POST.getlist("coauthors")],
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Recommendation submitted. Leadership's answer will appear here."))
            return redirect("evaluation:recommendations", pk=program.pk)
    member = selectors.membership(program=program, user=request.user)
    partners = [m.user for m in member.match.members.select_related("user") if m.user_id != request.user.pk]
    board = program.recommendations.prefetch_related("authors").order_by("-created_at")
    return render(
        request,
        "evaluation/recommendations.html",
        {"program": program, "board": board, "areas": TopicCategory.choices, "impacts": Recommendation.Impact.choices, "partners": partners},
    )


@login_required
@require_GET
def journey(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's own story of the program, to keep."""
    program = _participant_program(request, pk)
    member = selectors.membership(program=program, user=request.user)
    meetings = list(Meeting.objects.filter(match=member.match, status=Meeting.Status.HELD).select_related("topic").order_by("starts_at"))
    logs = {log.meeting_id: log for log in SessionLog.objects.filter(meeting__in=meetings, author=request.user)}
    entries = [(meeting, logs.get(meeting.pk)) for meeting in meetings]
    topics = sorted({m.topic.name for m in meetings if m.topic})
    context = {"program": program, "member": member, "entries": entries, "topics": topics, "minutes": sum((log.actual_minutes or 0) for log in logs.values())}
    if request.GET.get("download"):
        response = render(request, "evaluation/journey.txt", context, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="my-reverse-mentoring-journey-{program.pk}.txt"'
        return response
    return render(request, "evaluation/journey.html", context)


# --- HR ---------------------------------------------------------------------------------------
def dashboard_tables(board: selectors.Dashboard) -> dict[str, list[list]]:
    """Every dashboard table as rows: the CSV exports and the page use the same numbers."""
    def shown(aggregate, attribute):
        return "" if aggregate is None or aggregate.hidden else getattr(aggregate, attribute)

    tables = {
        "funnel": [["stage", "people"], *[[stage, n] for stage, n in board.funnel]],
        "meetings": [["month", "planned", "held", "missed", "cancelled"], *[[r.month, r.planned, r.held, r.missed, r.cancelled] for r in board.meetings.months]],
        "pairs": [["pair", "at risk", "reasons", "milestones"], *[[" – ".join(m.user.get_full_name() for m in p.match.members.all()), "yes" if p.at_risk else "no", "; ".join(r.label for r in p.reasons), "; ".join(m.label for m in p.milestones)] for p in board.pairs]],
        "checkins": [["month", "average pulse", "check-ins", "note"], *[[month, "" if avg is None else avg, n, note] for month, avg, n, note in board.checkin_trend]],
        "results": [["measure", "everyone", "junior mentors", "senior mentees"]],
        "recommendations": [["status", "count"], *[[label, n] for _value, label, n in board.recommendations]],
        "curriculum": [["category", "months"], *[[label, n] for _value, label, n in board.mix.rows]],
    }
    for key, attribute, label in (("satisfaction", "average", "satisfaction (1–5)"), ("relationship", "yes_share", "relationship formed (%)"), ("continue", "yes_share", "want to continue (%)")):
        tables["results"].append([label] + [shown(results.get(key), attribute) for results in (board.results_all, board.results_junior, board.results_senior)])
    return tables


@hr_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    board = selectors.dashboard(program=program)
    tables = dashboard_tables(board)
    table = request.GET.get("csv")
    if table:
        if table not in tables:
            raise Http404
        return csv_response(tables[table], f"program-{program.pk}-{table}.csv")
    template = "evaluation/report.html" if request.GET.get("print") else "evaluation/dashboard.html"
    return render(request, template, {"program": program, "board": board, "tables": tables, "today": timezone.localdate()})


@hr_required
@require_POST
def pair_action(request: HttpRequest, pk: int, match_pk: int) -> HttpResponse:
    match = get_object_or_404(Match, pk=match_pk, program_id=pk)
    try:
        if request.POST.get("action") in {"pause", "resume"}:
            from matching.services import match_pause

            match_pause(match=match, by=request.user, pause=request.POST["action"] == "pause", reason=request.POST.get("reason", ""))
            messages.success(request, _("Pair paused: no reminders or alarms until you resume it.") if request.POST["action"] == "pause" else _("Pair resumed."))
        elif request.POST.get("action") == "kudos":
            services.kudos_send(match=match, by=request.user, message=request.POST.get("message", ""))
            messages.success(request, _("Kudos sent."))
        else:
            services.hr_note_add(match=match, author=request.user, body=request.POST.get("body", ""))
            messages.success(request, _("Note saved (visible to coordinators only)."))
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    return redirect("evaluation:dashboard", pk=pk)


@hr_required
@require_http_methods(["GET", "POST"])
def survey_manage(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    survey = Survey.objects.filter(program=program).first()
    if request.method == "POST":
        try:
            if survey is None:
                raise ValidationError(_("The survey is prepared when the program moves to evaluating."))
            if request.POST.get("action") == "open":
                services.survey_open(survey=survey, by=request.user)
                messages.success(request, _("Survey sent to every participant."))
            elif request.POST.get("action") == "close":
                services.survey_close(survey=survey, by=request.user)
                messages.success(request, _("Survey closed. The results are on the dashboard."))
            else:
                services.question_add(
                    survey=survey, kind=request.POST.get("kind", ""), text=request.POST.get("text", ""),
                    choices=request.POST.get("choices", "").split("\n"), required=request.POST.get("required") == "on",
                )  # fmt: skip
                messages.success(request, _("Question added."))
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect("evaluation:survey_manage", pk=program.pk)
    return render(
        request,
        "evaluation/survey_manage.html",
        {"program": program, "survey": survey, "kinds": Question.Kind.choices, "responses": survey.responses.count() if survey else 0},
    )


def _posted_recommendation(request: HttpRequest, program: Program) -> Recommendation:
    raw = (request.POST.get("recommendation") or "").strip()
    recommendation = program.recommendations.filter(pk=int(raw)).first() if re.fullmatch(r"[0-9]{1,18}", raw) else None
    if recommendation is None:
        raise ValidationError(_("That recommendation is not on this program's board; reload the page and try again."))
    return recommendation


def _posted_date(raw: str | None) -> datetime.date | None:
    if not (raw or "").strip():
        return None
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ValidationError({"follow_up_date": _("Enter the follow-up date as YYYY-MM-DD.")}) from exc


@hr_required
@require_http_methods(["GET", "POST"])
def recommendation_board(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    if request.method == "POST":
        try:
            recommendation = _posted_recommendation(request, program)
            services.recommendation_update(
                recommendation=recommendation, by=request.user, status=request.POST.get("status", ""),
                leadership_response=request.POST.get("leadership_response", ""),
                follow_up_date=_posted_date(request.POST.get("follow_up_date")), outcome=request.POST.get("outcome", ""),
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
        rows += [[r.title, r.get_area_display(), r.get_expected_impact_display(), r.get_status_display(), ", ".join(a.get_full_name() for a in r.authors.all()), r.leadership_response, r.follow_up_date or "", r.outcome] for r in board]
        return csv_response(rows, f"program-{program.pk}-recommendations.csv")
    return render(
        request,
        "evaluation/recommendation_board.html",
        {"program": program, "board": board, "statuses": Recommendation.Status.choices, "areas": TopicCategory.choices, "flow": services.FLOW, "chosen": {"status": status, "area": area}},
    )
