"""HR coordinator pages: programs, curriculum, lifecycle, invitations, application review, topics."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.access import hr_required
from mentoring.web import AuthenticatedRequest, flash_errors, flash_form_errors, form_errors_from

from .. import selectors, services
from ..forms import (
    ApplicationFilterForm,
    BulkDecisionForm,
    CurriculumFormSet,
    DecisionForm,
    InviteForm,
    LanguagesCorrectionForm,
    PeopleFilterForm,
    ProgramForm,
    TopicForm,
    TransitionForm,
)
from ..models import Program, Topic
from ..program_templates import TEMPLATES


def _program(pk: int) -> Program:
    try:
        return selectors.program_for_hr(pk=pk)
    except Program.DoesNotExist as exc:
        raise Http404 from exc


@hr_required
@require_GET
def program_list(request: AuthenticatedRequest) -> HttpResponse:
    programs = selectors.programs_for_hr()
    return render(request, "programs/hr/program_list.html", {"programs": programs, "templates": TEMPLATES.values()})


@hr_required
@require_http_methods(["GET", "POST"])
def program_create(request: AuthenticatedRequest, template_key: str = "") -> HttpResponse:
    template = TEMPLATES.get(template_key) if template_key else None
    if template_key and template is None:
        raise Http404
    initial: dict[str, Any] = {"coordinators": [request.user]}
    if template is not None:
        initial.update({"name": template.name, "goal": template.goal, "project_brief": template.project_brief, **template.settings})
    form = ProgramForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if template is not None:
                program = services.program_create_from_template(
                    template_key=template.key,
                    created_by=request.user,
                    data={**form.program_data(), "coordinators": form.cleaned_data["coordinators"]},
                )
            else:
                program = services.program_create(
                    created_by=request.user, data=form.program_data(), coordinators=form.cleaned_data["coordinators"]
                )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Program created as a draft. Check the curriculum, then open recruiting."))
            return redirect(program.get_manage_url())
    return render(request, "programs/hr/program_form.html", {"form": form, "template": template, "program": None})


@hr_required
@require_GET
def program_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    curriculum = list(program.curriculum.all())
    order = Program.Status.values
    cancels = {Program.Status.DRAFT, Program.Status.RECRUITING}

    def rank(status: str) -> int:
        # Forward first, then back, and cancelling a program that never ran last.
        if status == Program.Status.CLOSED and program.status in cancels:
            return 2
        return 0 if order.index(status) > order.index(program.status) else 1

    transitions = [
        (Program.Status(status), services.transition_refusals(program, status), rank(status) == 2)
        for status in sorted(services.allowed_transitions(program), key=rank)
    ]
    return render(
        request,
        "programs/hr/program_detail.html",
        {
            "program": program,
            "curriculum": curriculum,
            "mix": selectors.category_mix(curriculum=curriculum),
            "readiness": selectors.readiness(program=program),
            "transitions": transitions,
            "timeline": list(program.transitions.all()),
        },
    )


@hr_required
@require_http_methods(["GET", "POST"])
def program_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    if program.is_read_only:
        messages.error(request, _("This program is closed and read-only."))
        return redirect(program.get_manage_url())
    form = ProgramForm(
        request.POST if request.method == "POST" else None, instance=program, initial={"coordinators": list(program.coordinators.all())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(program=program, data=form.program_data(), coordinators=form.cleaned_data["coordinators"])
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Program saved."))
            return redirect(program.get_manage_url())
    return render(request, "programs/hr/program_form.html", {"form": form, "program": program, "template": None})


@hr_required
@require_http_methods(["GET", "POST"])
def curriculum_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    if program.is_read_only:
        messages.error(request, _("This program is closed and read-only."))
        return redirect(program.get_manage_url())
    current = {item.month: item for item in program.curriculum.all()}
    initial = [
        {
            "month": month,
            "title": current[month].title if month in current else "",
            "topic": current[month].topic if month in current else None,
            "notes": current[month].notes if month in current else "",
        }
        for month in range(1, program.length_months + 1)
    ]
    used = [item.topic_id for item in current.values() if item.topic_id]
    topics = Topic.objects.filter(is_active=True) | Topic.objects.filter(pk__in=used)
    formset = CurriculumFormSet(
        request.POST if request.method == "POST" else None, initial=initial, topics=topics.order_by("category", "name")
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.curriculum_set(program=program, months=[form.month_plan() for form in formset.forms])
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)  # type: ignore[attr-defined]  # Django's own slot for them
        else:
            messages.success(request, _("Curriculum saved."))
            return redirect(program.get_manage_url())
    return render(request, "programs/hr/curriculum_form.html", {"program": program, "formset": formset})


@hr_required
@require_POST
def program_transition(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid next step."))
        return redirect(program.get_manage_url())
    try:
        services.program_transition(
            program=program,
            to_status=form.cleaned_data["to_status"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            force=form.cleaned_data["force"],
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The program is now %(status)s.") % {"status": program.get_status_display().lower()})
    return redirect(program.get_manage_url())


@hr_required
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    filters = PeopleFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    candidates = selectors.invitable_people(
        program=program,
        search=chosen.get("q") or "",
        department_id=chosen["department"].pk if chosen.get("department") else None,
        level=chosen.get("level"),
    )
    form = InviteForm(request.POST if request.method == "POST" else None, people=selectors.invitable_people(program=program))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.invitations_send(
                program=program, people=form.cleaned_data["people"], invited_by=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            if result.invited:
                sent = len(result.invited)
                messages.success(request, ngettext("%(n)s invitation sent.", "%(n)s invitations sent.", sent) % {"n": sent})
            for person, reason in result.skipped:
                messages.warning(request, _("%(name)s was not invited: %(reason)s.") % {"name": person.get_full_name(), "reason": reason})
            return redirect("programs:invite", pk=program.pk)
    page = Paginator(candidates, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/hr/invite.html",
        {
            "program": program,
            "filters": filters,
            "form": form,
            "page": page,
            "invitations": selectors.invitations_of_program(program=program),
        },
    )


@hr_required
@require_http_methods(["GET", "POST"])
def application_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _program(pk)
    bulk = BulkDecisionForm(request.POST if request.method == "POST" else None, program=program)
    if request.method == "POST":
        if bulk.is_valid():
            decided, problems = services.applications_decide_bulk(
                applications=bulk.cleaned_data["applications"],
                decision=bulk.cleaned_data["decision"],
                by=request.user,
                message=bulk.cleaned_data["message"],
            )
            messages.success(request, ngettext("%(n)s application updated.", "%(n)s applications updated.", decided) % {"n": decided})
            for problem in problems:
                messages.warning(request, problem)
        else:
            flash_form_errors(request, bulk)
        return redirect(request.get_full_path())
    filters = ApplicationFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    applications = selectors.applications_for_review(
        program=program,
        role=chosen.get("role") or "",
        status=chosen.get("status") or "",
        department_id=chosen["department"].pk if chosen.get("department") else None,
        level=chosen.get("level"),
    )
    page = Paginator(applications, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/hr/application_list.html",
        {"program": program, "filters": filters, "page": page, "readiness": selectors.readiness(program=program), "bulk": bulk},
    )


@hr_required
@require_http_methods(["GET", "POST"])
def application_detail(request: AuthenticatedRequest, pk: int, application_pk: int) -> HttpResponse:
    program = _program(pk)
    try:
        application = selectors.application_for_review(program=program, pk=application_pk)
    except program.applications.model.DoesNotExist as exc:
        raise Http404 from exc
    form = DecisionForm(request.POST if request.method == "POST" else None, initial={"message": application.hr_message})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_decide(
                application=application, decision=form.cleaned_data["decision"], by=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Decision saved; %(name)s has been told.") % {"name": application.user.get_full_name()})
            return redirect("programs:applications", pk=program.pk)
    return render(
        request,
        "programs/hr/application_detail.html",
        {
            "program": program,
            "application": application,
            "form": form,
            "correction_form": LanguagesCorrectionForm(initial={"languages": application.languages}),
        },
    )


@hr_required
@require_POST
def application_correct(request: AuthenticatedRequest, pk: int, application_pk: int) -> HttpResponse:
    """HR corrects the languages on an application, with the person's agreement recorded."""
    program = _program(pk)
    try:
        application = selectors.application_for_review(program=program, pk=application_pk)
    except program.applications.model.DoesNotExist as exc:
        raise Http404 from exc
    form = LanguagesCorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.application_correct_languages(
                application=application,
                by=request.user,
                languages=form.cleaned_data["languages"],
                person_agreed=form.cleaned_data["person_agreed"],
                agreement_note=form.cleaned_data["agreement_note"],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, _("Languages corrected for %(name)s; the change is recorded.") % {"name": application.user.get_full_name()}
            )
            return redirect("programs:application", pk=program.pk, application_pk=application.pk)
    return render(
        request,
        "programs/hr/application_detail.html",
        {
            "program": program,
            "application": application,
            "form": DecisionForm(initial={"message": application.hr_message}),
            "correction_form": form,
        },
    )


@hr_required
@require_http_methods(["GET", "POST"])
def topic_list(request: AuthenticatedRequest) -> HttpResponse:
    form = TopicForm(request.POST if request.method == "POST" else None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_create(
                name=form.cleaned_data["name"], category=form.cleaned_data["category"], description=form.cleaned_data["description"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Topic added."))
            return redirect("programs:topics")
    topics = Topic.objects.order_by("category", "-is_active", "name")
    return render(request, "programs/hr/topic_list.html", {"topics": topics, "form": form})


@hr_required
@require_http_methods(["GET", "POST"])
def topic_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(Topic, pk=pk)
    form = TopicForm(request.POST if request.method == "POST" else None, instance=topic)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(
                topic=topic, **{name: form.cleaned_data[name] for name in ("name", "category", "description", "is_active")}
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Topic saved."))
            return redirect("programs:topics")
    return render(request, "programs/hr/topic_form.html", {"topic": topic, "form": form})
