"""The volunteer's side: programs open to me, invitations, my application."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.web import AuthenticatedRequest, flash_errors, form_errors_from

from .. import selectors, services
from ..forms import ApplicationForm, InvitationAnswerForm
from ..models import Application, Invitation, Program, Role


@login_required
@require_GET
def program_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        program = selectors.program_visible_to(user=request.user, pk=pk)
    except Program.DoesNotExist as exc:
        raise Http404 from exc
    application = program.applications.filter(user=request.user).first()
    invitation = program.invitations.filter(user=request.user).first()
    role = program.role_for_level(request.user.level)
    return render(
        request,
        "programs/portal/program_detail.html",
        {
            "program": program,
            "curriculum": list(program.curriculum.all()),
            "application": application,
            "invitation": invitation,
            "role": Role(role) if role else None,
            "can_apply": program.accepts_applications
            and role is not None
            and (program.open_for_applications or invitation is not None)
            and (application is None or application.status == Application.Status.WITHDRAWN),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: AuthenticatedRequest, token: str) -> HttpResponse:
    # Someone else's link is simply not found: invitations are personal.
    invitation = get_object_or_404(Invitation.objects.select_related("program", "invited_by"), token=token, user=request.user)
    form = InvitationAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            services.invitation_respond(invitation=invitation, user=request.user, accept=accept, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect(invitation.get_absolute_url())
        if accept:
            return redirect("programs:apply", pk=invitation.program_id)
        messages.info(request, _("Thanks for letting us know. You can still change your mind while the program is recruiting."))
        return redirect("portal:programs")
    program = invitation.program
    return render(
        request,
        "programs/portal/invitation.html",
        {"invitation": invitation, "program": program, "curriculum": list(program.curriculum.select_related("topic")), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Apply, or edit one's own application. The applicant is always the signed-in person."""
    program = get_object_or_404(Program, pk=pk)
    application = program.applications.filter(user=request.user).first()
    editing = application is not None and application.status != Application.Status.WITHDRAWN
    try:
        if not editing:
            services.may_apply(program=program, user=request.user)
        role = services.intake.application_role(program=program, user=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("portal:programs")
    if editing and application is not None and not services.application_editable(application=application):
        messages.info(request, _("Applications can be changed until you are matched; ask HR to correct a fact after that."))
        return redirect("programs:my_application", pk=program.pk)

    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        program=program,
        user=request.user,
        role=role,
        initial=ApplicationForm.initial_from(application if editing else None, request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if editing and application is not None:
                services.application_update(application=application, user=request.user, answers=form.answers())
            else:
                services.application_submit(program=program, user=request.user, answers=form.answers())
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, _("Your application is saved.") if editing else _("Thank you! Your application is in; HR will get back to you.")
            )
            return redirect("programs:my_application", pk=program.pk)
    return render(
        request,
        "programs/portal/apply.html",
        {
            "program": program,
            "form": form,
            "role": Role(role),
            "editing": editing,
            "curriculum": list(program.curriculum.select_related("topic")),
        },
    )


@login_required
@require_GET
def my_application(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.select_related("program", "decided_by").prefetch_related("topics__topic", "avoid_people"),
        program_id=pk,
        user=request.user,
    )
    return render(
        request,
        "programs/portal/my_application.html",
        {"application": application, "program": application.program, "editable": services.application_editable(application=application)},
    )


@login_required
@require_POST
def withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, program_id=pk, user=request.user)
    try:
        services.application_withdraw(application=application, user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.info(request, _("Your application is withdrawn. Thank you for considering it."))
    return redirect("portal:programs")
