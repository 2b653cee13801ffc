from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import notifications, selectors, services
from .access import hr_required
from .forms import DirectoryFilterForm, PeopleImportForm, ProfileForm
from .health import health_report
from .models import Notification, PeopleImport, User
from .people_import import decode_upload, plan_people_import
from .web import pk_from

PREVIEW_ROW_LIMIT = 500


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from evaluation.selectors import todo_for
    from matching.selectors import matches_visible_to
    from programs import selectors as program_selectors

    portal = {
        "todos": todo_for(request.user),
        "matches": matches_visible_to(request.user),
        "invitations": program_selectors.invitations_for(request.user),
        "applications": program_selectors.applications_of(request.user),
        "open_programs": program_selectors.programs_open_to(request.user),
    }
    return render(request, "mentoring/home.html", {"person": selectors.profile_for(request.user), "portal": portal})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, initial={"timezone": request.user.timezone, "language": request.user.language})
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, timezone_name=form.cleaned_data["timezone"], language=form.cleaned_data["language"])
        messages.success(request, _("Your preferences are saved."))
        return redirect("mentoring:profile")
    return render(request, "mentoring/profile.html", {"form": form, "person": selectors.profile_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def email_addresses(request: HttpRequest) -> HttpResponse:
    """Stands in for allauth's page for adding and switching addresses. The address is the
    person's entry in the company directory (imports match on it), so nobody adds a second
    one: an address added there and confirmed by a careless click would take that mailbox's
    directory entry and password resets away from its owner."""
    if request.method == "POST":
        messages.error(request, _("Your e-mail address is your entry in the company directory, so it cannot be changed here. Ask HR if it is wrong."))
    return redirect("mentoring:profile")


@hr_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.directory_people(
        search=filters.get("q") or "",
        department_id=filters["department"].pk if filters.get("department") else None,
        level=filters.get("level"),
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "mentoring/directory.html", {"form": form, "page": page, "query": query.urlencode()})


@hr_required
@require_GET
def people_export(request: HttpRequest) -> HttpResponse:
    content = services.people_export_csv(people=selectors.people_for_export())
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="people-{stamp}.csv"'
    return response


@hr_required
@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
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
def people_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(PeopleImport.objects.select_related("uploaded_by", "applied_by"), pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "discard":
                services.people_import_discard(people_import=record)
                messages.info(request, _("The import was discarded; nothing changed."))
                return redirect("mentoring:people_import")
            result = services.people_import_confirm(people_import=record, confirmed_by=request.user)
        except ValidationError as exc:
            for message in exc.messages[:20]:
                messages.error(request, message)
            return redirect(record)
        messages.success(
            request,
            _("Import applied: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("mentoring:directory")

    # Re-checked on every view: the directory may have changed since the upload.
    plan = plan_people_import(record.content) if record.status in {PeopleImport.Status.PREVIEWED, PeopleImport.Status.REJECTED} else None
    shown_changes = [change for change in plan.changes if change.action != "unchanged"][:PREVIEW_ROW_LIMIT] if plan else []
    return render(
        request,
        "mentoring/people_import_preview.html",
        {"record": record, "plan": plan, "shown_changes": shown_changes, "row_limit": PREVIEW_ROW_LIMIT},
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)



@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        enabled = set(request.POST.getlist("enabled"))
        notifications.preferences_update(user=request.user, disabled=[kind for kind in notifications.OPTIONAL if kind not in enabled])
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("mentoring:notification_preferences")
    disabled = notifications.preferences_of(request.user)
    kinds = [(kind, Notification.Kind(kind).label, kind not in disabled) for kind in notifications.OPTIONAL if kind != Notification.Kind.HR_DIGEST or request.user.is_hr_coordinator]
    essential = [Notification.Kind(kind).label for kind in Notification.Kind if kind in notifications.ESSENTIAL]
    return render(request, "mentoring/notification_preferences.html", {"kinds": kinds, "essential": essential})


@csrf_exempt  # RFC 8058: the mail provider POSTs without cookies or token; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe from a signed link: no sign-in needed (RFC 8058 POST too).

    GET only asks (link scanners open every link); POST unsubscribes.
    """
    try:
        signing.loads(token, salt=notifications.UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
    except signing.BadSignature as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            _user, kind = notifications.unsubscribe(token)
        except (ValueError, User.DoesNotExist) as exc:
            raise Http404 from exc
        return render(request, "mentoring/unsubscribed.html", {"label": Notification.Kind(kind).label})
    return render(request, "mentoring/unsubscribe.html", {"token": token})


@hr_required
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """The outbox for HR: who got what and when, failures to resend. Never message bodies."""
    if request.method == "POST":
        pk = pk_from(request.POST.get("notification"))
        item = Notification.objects.filter(pk=pk).first() if pk else None
        if item is None:
            messages.error(request, _("Choose an e-mail to resend."))
        elif notifications.notification_resend(notification=item).status == Notification.Status.QUEUED:
            messages.success(request, _("Queued again."))
        else:
            messages.error(request, _("Only failed e-mails can be resent."))
        return redirect(request.get_full_path())
    rows = Notification.objects.select_related("recipient", "program").order_by("-created_at", "-pk")
    status, kind, program = request.GET.get("status", ""), request.GET.get("kind", ""), request.GET.get("program", "")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if pk_from(program):
        rows = rows.filter(program_id=pk_from(program))
    from programs.models import Program

    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "mentoring/notification_list.html",
        {
            "page": page,
            "statuses": Notification.Status.choices,
            "kinds": Notification.Kind.choices,
            "programs": Program.objects.order_by("name").only("pk", "name"),
            "chosen": {"status": status, "kind": kind, "program": program},
        },
    )
