"""The pair space, meeting pages, calendar feed, and HR's facts-only meetings view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching.models import Match
from mentoring.access import hr_gate, hr_required, user_is_hr
from mentoring.models import User
from mentoring.web import AuthenticatedRequest, csv_response, flash_errors, flash_form_errors, form_errors_from, pk_from, safe_next
from programs.models import Program

from . import calendar, selectors, services
from .forms import ActionItemForm, CancelForm, ConfirmTimeForm, LogForm, NoteForm, ProposeForm, RescheduleForm
from .models import ActionItem, CalendarFeed, Meeting, Project, SessionLog
from .preparation import IN_SESSION, JUNIOR_PREP, SENIOR_PREP


def _pair(request: AuthenticatedRequest, match_pk: int) -> Match:
    try:
        return selectors.pair_for(user=request.user, match_pk=match_pk)
    except Match.DoesNotExist as exc:
        raise Http404 from exc


def _meeting(request: AuthenticatedRequest, pk: int) -> tuple[Meeting, HttpResponse | None]:
    """A meeting of one of the user's pairs, or a program-wide session of their program, or
    (for HR coordinators, through the HR gate) a program-wide session to schedule."""
    meeting = get_object_or_404(Meeting.objects.select_related("program", "topic", "lead", "match"), pk=pk)
    if request.user.pk in {p.pk for p in selectors.participants_of(meeting=meeting)}:
        return meeting, None
    if meeting.match_id is None and user_is_hr(request.user):
        return meeting, hr_gate(request)
    raise Http404


@login_required
@require_GET
def pair_space(request: AuthenticatedRequest, match_pk: int) -> HttpResponse:
    match = _pair(request, match_pk)
    meetings = selectors.meetings_of_pair(match=match)
    members = list(match.members.all())
    return render(
        request,
        "sessions/pair.html",
        {
            "match": match,
            "me": next(m for m in members if m.user_id == request.user.pk),
            "partners": [m for m in members if m.user_id != request.user.pk],
            "meetings": meetings,
            "street": selectors.two_way_street(match=match, meetings=meetings),
            "notes": selectors.notes_visible_to(user=request.user, match=match),
            "actions": selectors.action_items_of(match=match),
            "project": Project.objects.filter(match=match).prefetch_related("milestones").first(),
            "note_form": NoteForm(initial={"visibility": "private"}),
            "action_form": ActionItemForm(),
        },
    )


@login_required
@require_POST
def note_add(request: AuthenticatedRequest, match_pk: int) -> HttpResponse:
    match = _pair(request, match_pk)
    form = NoteForm(request.POST, match=match)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.note_add(match=match, author=request.user, body=data["body"], visibility=data["visibility"], meeting=data["meeting"])
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Note saved."))
    else:
        flash_form_errors(request, form)
    next_url = safe_next(request, form.cleaned_data.get("next"))
    return redirect(next_url) if next_url else redirect("mentoring_sessions:pair", match_pk=match.pk)


@login_required
@require_POST
def action_add(request: AuthenticatedRequest, match_pk: int) -> HttpResponse:
    match = _pair(request, match_pk)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        owner_pk = pk_from(str(form.cleaned_data["owner"] or request.user.pk))
        owner = (User.objects.filter(pk=owner_pk).first() if owner_pk else None) or request.user
        try:
            services.action_item_add(
                match=match, by=request.user, title=form.cleaned_data["title"], owner=owner, due_date=form.cleaned_data["due_date"]
            )
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
    else:
        messages.error(request, _("Describe the action."))
    return redirect("mentoring_sessions:pair", match_pk=match.pk)


@login_required
@require_POST
def action_toggle(request: AuthenticatedRequest, match_pk: int, item_pk: int) -> HttpResponse:
    match = _pair(request, match_pk)
    services.action_item_toggle(item=get_object_or_404(ActionItem, pk=item_pk, match=match), by=request.user)
    return redirect("mentoring_sessions:pair", match_pk=match.pk)


def _log_initial(log: SessionLog | None, meeting: Meeting) -> dict[str, object]:
    if log is None:
        return {"held": "1", "actual_minutes": meeting.duration_minutes}
    return {
        "held": "1" if log.held else "0",
        "actual_minutes": log.actual_minutes if log.held else meeting.duration_minutes,
        "shared": log.shared,
        "learned": log.learned,
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting, refusal = _meeting(request, pk)
    if refusal is not None:
        return refusal
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "propose": ProposeForm(
            request.POST if action == "propose" else None,
            initial={"duration_minutes": meeting.duration_minutes, "location": meeting.location, "video_link": meeting.video_link},
        ),
        "reschedule": RescheduleForm(
            request.POST if action == "reschedule" else None,
            initial={"duration_minutes": meeting.duration_minutes, "location": meeting.location, "video_link": meeting.video_link},
        ),
        "cancel": CancelForm(request.POST if action == "cancel" else None),
        "log": LogForm(request.POST if action == "log" else None),
        "confirm": ConfirmTimeForm(request.POST if action == "confirm" else None, meeting=meeting),
    }
    if action:
        try:
            if action == "confirm":
                if not forms["confirm"].is_valid():
                    raise ValidationError(list(forms["confirm"].errors["option"]))
                services.meeting_confirm_time(meeting=meeting, by=request.user, option=forms["confirm"].cleaned_data["option"])
                messages.success(request, _("Scheduled. A calendar invitation is on its way to both of you."))
                return redirect(meeting.get_absolute_url())
            form = forms.get(action)
            if form is None:
                raise Http404
            if form.is_valid():
                data = form.cleaned_data
                if action == "propose":
                    services.meeting_propose_times(
                        meeting=meeting,
                        by=request.user,
                        options=forms["propose"].options(),  # type: ignore[attr-defined]  # the ProposeForm
                        duration_minutes=data["duration_minutes"],
                        location=data["location"],
                        video_link=data["video_link"],
                    )
                    messages.success(request, _("Times offered. Your partner picks one."))
                elif action == "reschedule":
                    services.meeting_reschedule(
                        meeting=meeting,
                        by=request.user,
                        starts_at=data["starts_at"],
                        duration_minutes=data["duration_minutes"],
                        location=data["location"],
                        video_link=data["video_link"],
                    )
                    messages.success(request, _("Moved. Everyone gets an updated invitation."))
                elif action == "cancel":
                    services.meeting_cancel(meeting=meeting, by=request.user, reason=data["reason"])
                    messages.info(request, _("Cancelled. Everyone has been told."))
                elif action == "log":
                    services.meeting_log(
                        meeting=meeting,
                        by=request.user,
                        held=data["held"],
                        actual_minutes=data["actual_minutes"],
                        shared=data["shared"],
                        learned=data["learned"],
                    )
                    messages.success(request, _("Thanks for logging the meeting."))
                return redirect(meeting.get_absolute_url())
        except (ValidationError, PermissionDenied) as exc:
            form = forms.get(action)
            if form is not None and isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                form_errors_from(form, exc)
            else:
                flash_errors(request, exc)
    meeting.refresh_from_db()
    role = None
    if meeting.match_id:
        assert meeting.match is not None
        role = meeting.match.members.filter(user=request.user).values_list("role", flat=True).first()
    logs = selectors.logs_visible_to(user=request.user, meeting=meeting)
    my_log = next((log for log in logs if log.author_id == request.user.pk), None)
    if not forms["log"].is_bound:
        # The log form shows what is saved (a missed meeting stays missed when the log is
        # edited again); a first log starts from "we met, for the planned length".
        forms["log"] = LogForm(initial=_log_initial(my_log, meeting))
    return render(
        request,
        "sessions/meeting.html",
        {
            "meeting": meeting,
            "role": role,
            "forms": forms,
            "options": list(meeting.options.select_related("proposed_by")),
            "logs": logs,
            "my_log": my_log,
            "attendance": selectors.group_session_attendance(meeting=meeting)
            if meeting.match_id is None and request.user.is_hr_coordinator
            else None,
            "notes": selectors.notes_visible_to(user=request.user, match=meeting.match).filter(meeting=meeting)
            if meeting.match is not None
            else [],
            "note_form": NoteForm(initial={"visibility": "private"}),
            "prep": JUNIOR_PREP if role == "junior" else SENIOR_PREP,
            "in_session": IN_SESSION,
            "participants": selectors.participants_of(meeting=meeting),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.info(request, _("Your calendar link no longer works."))
        else:
            services.calendar_feed_regenerate(user=request.user)
            messages.success(request, _("New calendar link created; any old link stopped working."))
        return redirect("mentoring_sessions:calendar")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request, "sessions/calendar.html", {"feed": feed, "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else ""}
    )


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret-URL subscription calendar (calendar clients cannot sign in)."""
    subscription = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if subscription is None:
        raise Http404
    user = subscription.user
    meetings = selectors.meetings_for_feed(user=user)
    content = calendar.feed(meetings, lambda m: [member.user for member in m.match.members.all()] if m.match_id else [user])
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="reverse-mentoring.ics"'
    return response


@hr_required
@require_GET
def hr_meetings(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    facts = selectors.meeting_facts(program=program)
    if request.GET.get("format") == "csv":
        rows: list[list[Any]] = [
            ["month", "planned", "held", "missed", "cancelled"],
            *[[r.month, r.planned, r.held, r.missed, r.cancelled] for r in facts.months],
        ]
        return csv_response(rows, f"meetings-program-{program.pk}.csv")
    group_sessions = program.meetings.filter(match=None).order_by("month")
    return render(request, "sessions/hr_meetings.html", {"program": program, "facts": facts, "group_sessions": group_sessions})
