"""E-mail settings, one-click unsubscribe, and HR's outbox."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mentoring.access import hr_required
from mentoring.models import User
from mentoring.web import AuthenticatedRequest, flash_form_errors, pk_from

from . import registry, selectors, services
from .emails import UNSUBSCRIBE_SALT
from .forms import PreferencesForm, ResendForm
from .models import Notification


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    offered = [kind for kind in registry.kinds() if not kind.essential and (not kind.hr_only or request.user.is_hr_coordinator)]
    form = PreferencesForm(request.POST if request.method == "POST" else None, offered=[(kind.key, kind.label) for kind in offered])
    if form.is_valid():
        enabled = set(form.cleaned_data["enabled"])
        services.preferences_update(user=request.user, disabled=[kind.key for kind in offered if kind.key not in enabled])
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("notifications:preferences")
    flash_form_errors(request, form)
    disabled = selectors.preferences_of(user=request.user)
    kinds = [(kind.key, kind.label, kind.key not in disabled) for kind in offered]
    essential = [kind.label for kind in registry.kinds() if kind.essential]
    return render(request, "notifications/preferences.html", {"kinds": kinds, "essential": essential})


@csrf_exempt  # RFC 8058: the mail provider POSTs without cookies or token; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe from a signed link: no sign-in needed (RFC 8058 POST too).

    GET only asks (link scanners open every link); POST unsubscribes.
    """
    try:
        signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
    except signing.BadSignature as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            _user, kind = services.unsubscribe(token)
        except (ValueError, KeyError, User.DoesNotExist) as exc:
            raise Http404 from exc
        return render(request, "notifications/unsubscribed.html", {"label": registry.kind(kind).label})
    return render(request, "notifications/unsubscribe.html", {"token": token})


@hr_required
@require_http_methods(["GET", "POST"])
def outbox(request: AuthenticatedRequest) -> HttpResponse:
    """The outbox for HR: who got what and when, failures to resend. Never message bodies."""
    if request.method == "POST":
        form = ResendForm(request.POST)
        if not form.is_valid():
            flash_form_errors(request, form)
        elif services.notification_resend(notification=form.cleaned_data["notification"]).status == Notification.Status.QUEUED:
            messages.success(request, _("Queued again."))
        else:
            messages.error(request, _("Only failed or possibly delivered e-mails can be resent."))
        return redirect(request.get_full_path())
    rows = Notification.objects.select_related("recipient", "program").order_by("-created_at", "-pk")
    status, kind, program = request.GET.get("status", ""), request.GET.get("kind", ""), request.GET.get("program", "")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    program_pk = pk_from(program)
    if program_pk:
        rows = rows.filter(program_id=program_pk)
    # The program model by the outbox's own foreign key: this app imports no feature app.
    program_model: Any = Notification._meta.get_field("program").related_model
    programs = program_model.objects.order_by("name").only("pk", "name")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "statuses": Notification.Status.choices,
            "kinds": registry.kind_choices(),
            "programs": programs,
            "chosen": {"status": status, "kind": kind, "program": program},
        },
    )
