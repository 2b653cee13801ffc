"""The pages that gather what every app has for the signed-in person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evaluation.selectors import todo_for
from matching.selectors import matches_visible_to
from mentoring.selectors import profile_for
from mentoring.web import AuthenticatedRequest
from programs import selectors as program_selectors
from sessions import selectors as session_selectors


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    portal = {
        "todos": todo_for(user=request.user),
        "next_steps": session_selectors.next_steps_for(user=request.user),
        "matches": matches_visible_to(user=request.user),
        "invitations": program_selectors.invitations_for(user=request.user),
        "applications": program_selectors.applications_of(user=request.user),
        "open_programs": program_selectors.programs_open_to(user=request.user),
    }
    return render(request, "portal/home.html", {"person": profile_for(user=request.user), "portal": portal})


@login_required
@require_GET
def my_programs(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "portal/programs.html",
        {
            "open_programs": program_selectors.programs_open_to(user=request.user),
            "invitations": program_selectors.invitations_for(user=request.user),
            "applications": program_selectors.applications_of(user=request.user),
            "matches": matches_visible_to(user=request.user),
        },
    )
