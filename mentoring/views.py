from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .access import hr_required
from .forms import DirectoryFilterForm, PeopleImportForm, ProfileForm
from .health import health_report
from .models import PeopleImport
from .people_import import decode_upload
from .web import AuthenticatedRequest, csv_response, flash_errors


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = ProfileForm(
        request.POST if request.method == "POST" else None, initial={"timezone": request.user.timezone, "language": request.user.language}
    )
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, timezone_name=form.cleaned_data["timezone"], language=form.cleaned_data["language"])
        messages.success(request, _("Your preferences are saved."))
        return redirect("mentoring:profile")
    return render(request, "mentoring/profile.html", {"form": form, "person": selectors.profile_for(user=request.user)})


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The language switch on every page: for a signed-in person it becomes their language (pages
    and e-mails); before sign-in it is kept in a cookie, ahead of the browser's Accept-Language."""
    code = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("portal:home")
    if code not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language."))
        return redirect(target)
    if request.user.is_authenticated:
        services.language_set(user=request.user, language=code)
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def email_addresses(request: AuthenticatedRequest) -> HttpResponse:
    """Stands in for allauth's page for adding and switching addresses. The address is the
    person's entry in the company directory (imports match on it), so nobody adds a second
    one: an address added there and confirmed by a careless click would take that mailbox's
    directory entry and password resets away from its owner."""
    if request.method == "POST":
        messages.error(
            request, _("Your e-mail address is your entry in the company directory, so it cannot be changed here. Ask HR if it is wrong.")
        )
    return redirect("mentoring:profile")


@hr_required
@require_GET
def directory(request: AuthenticatedRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.directory_people(
        search=filters.get("q") or "",
        department_id=filters["department"].pk if filters.get("department") else None,
        level=filters.get("level"),
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "mentoring/directory.html", {"form": form, "page": page})


@hr_required
@require_GET
def people_export(request: AuthenticatedRequest) -> HttpResponse:
    stamp = timezone.now().strftime("%Y-%m-%d")
    return csv_response(services.people_export_rows(people=selectors.people_for_export()), f"people-{stamp}.csv")


@hr_required
@require_http_methods(["GET", "POST"])
def people_import(request: AuthenticatedRequest) -> HttpResponse:
    bound = request.method == "POST"
    form = PeopleImportForm(request.POST if bound else None, request.FILES if bound else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = decode_upload(upload.read())
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            record, _plan = services.people_import_preview(content=content, filename=upload.name, uploaded_by=request.user)
            return redirect(record)
    return render(request, "mentoring/people_import.html", {"form": form, "imports": selectors.recent_people_imports()})


@hr_required
@require_http_methods(["GET", "POST"])
def people_import_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        record = selectors.people_import_for_page(pk=pk)
    except PeopleImport.DoesNotExist as exc:
        raise Http404 from exc
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "discard":
                services.people_import_discard(people_import=record)
                messages.info(request, _("The import was discarded; nothing changed."))
                return redirect("mentoring:people_import")
            if action == "check":
                services.people_import_check(people_import=record)
                messages.info(request, _("The file was checked again against the directory as it is now."))
                return redirect(record)
            result = services.people_import_confirm(people_import=record, confirmed_by=request.user)
        except services.PeopleImportRejected:
            # The directory changed since the file was checked. Keep what a check finds now, so
            # the page lists every problem rather than the first few in a message.
            _check_quietly(record)
            messages.error(
                request, _("The directory has changed since this file was checked and the file no longer fits it. Nothing was changed.")
            )
            return redirect(record)
        except ValidationError as exc:
            flash_errors(request, exc, limit=20)
            return redirect(record)
        messages.success(
            request,
            _("Import applied: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("mentoring:directory")

    shows_check = record.status in {PeopleImport.Status.PREVIEWED, PeopleImport.Status.REJECTED}
    if shows_check and record.checked_at is None:
        _check_quietly(record)  # kept before checks were stored: checked once, here
        record.refresh_from_db()
    lines = selectors.people_import_lines(people_import=record, page_number=request.GET.get("page")) if shows_check else None
    return render(request, "mentoring/people_import_preview.html", {"record": record, "page": lines})


def _check_quietly(record: PeopleImport) -> None:
    with contextlib.suppress(ValidationError):  # applied or discarded meanwhile: the page shows that instead
        services.people_import_check(people_import=record)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    serving, report = health_report()  # 200 also when only the broker or cache is down ("degraded")
    return JsonResponse(report, status=200 if serving else 503)
