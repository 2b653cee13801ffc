"""Django admin, hardened for a curious administrator.

- Entered through the site's own sign-in (rate limits, MFA) only.
- Every registered ModelAdmin (ours and third-party ones) gets `PrivacyAdminMixin`: the
  changelist accepts only the lookups its own list filters and date hierarchy produce —
  any other query-string filter (`?body__regex=…`, `?token__startswith=…`, `?pk=7`) is
  refused with 400 — and confidential fields are never shown, searched, sorted or filtered.
- A model declares its confidential fields with a class attribute `confidential_fields`;
  third-party models are listed here. System checks refuse an admin that names one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .access import second_factor_redirect, user_has_mfa

# Secrets held by the apps we install, which cannot carry the attribute themselves.
THIRD_PARTY_CONFIDENTIAL: dict[str, frozenset[str]] = {
    "account.EmailConfirmation": frozenset({"key"}),
    "mfa.Authenticator": frozenset({"data"}),
    "socialaccount.SocialApp": frozenset({"secret", "key", "client_id"}),
    "socialaccount.SocialToken": frozenset({"token", "token_secret"}),
    "socialaccount.SocialAccount": frozenset({"extra_data"}),
    "sessions.Session": frozenset({"session_key", "session_data"}),
    "mentoring.User": frozenset({"password"}),
}

# The parameters Django's field list filters put in the query string, per field path.
_FILTER_SUFFIXES = ("exact", "isnull", "gte", "lt", "isempty")
_DATE_HIERARCHY_SUFFIXES = ("year", "month", "day")


def confidential_fields(model: type[Model]) -> frozenset[str]:
    return frozenset(getattr(model, "confidential_fields", ())) | THIRD_PARTY_CONFIDENTIAL.get(model._meta.label, frozenset())


def reaches_confidential(model: type[Model], path: str) -> bool:
    """Does a lookup or search path (`members__decline_reason__icontains`) touch a confidential field?"""
    for part in path.lstrip("^=@").split("__"):
        if part in confidential_fields(model):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or lookup type: the path's fields end here
        if not field.is_relation or not isinstance(field.related_model, type):
            return False
        model = field.related_model
    return False


def _path_of(list_filter_item) -> str | None:
    if isinstance(list_filter_item, (list, tuple)):
        list_filter_item = list_filter_item[0]
    return list_filter_item if isinstance(list_filter_item, str) else None


if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class PrivacyAdminMixin(_AdminBase):
    """Applied to every ModelAdmin and inline registered on the site (see `MentoringAdminSite.register`)."""

    # Query-string lookups an admin accepts beyond those of its list filters; keep it empty
    # unless a real page needs one, and never name a confidential field.
    extra_allowed_lookups: tuple[str, ...] = ()

    def get_view_on_site_url(self, obj=None):
        # A model with secrets may carry one in its URL (an invitation's token).
        return None if self._private else super().get_view_on_site_url(obj)

    @property
    def _private(self) -> frozenset[str]:
        return confidential_fields(self.model)

    # --- what the changelist accepts ---------------------------------------------------------
    def allowed_lookups(self, request=None) -> set[str]:
        allowed = set(self.extra_allowed_lookups)
        for item in self.get_list_filter(request) if request is not None else getattr(self, "list_filter", ()):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                if item.parameter_name:
                    allowed.add(item.parameter_name)
                continue
            path = _path_of(item)
            if path is None or reaches_confidential(self.model, path):
                continue
            allowed.update(f"{path}__{suffix}" for suffix in _FILTER_SUFFIXES)
            target = getattr(get_fields_from_path(self.model, path)[-1], "target_field", None)
            if target is not None:  # a relation: RelatedFieldListFilter's parameter
                allowed.add(f"{path}__{target.name}__exact")
        date_hierarchy = getattr(self, "date_hierarchy", None)
        if date_hierarchy and not reaches_confidential(self.model, date_hierarchy):
            allowed.update(f"{date_hierarchy}__{suffix}" for suffix in _DATE_HIERARCHY_SUFFIXES)
        return allowed

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # Raw-id pop-ups pass a foreign key's limit_choices_to as the query string.
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return not reaches_confidential(self.model, lookup)
        return lookup in self.allowed_lookups(request)

    def get_search_fields(self, request):
        return [path for path in super().get_search_fields(request) if not reaches_confidential(self.model, path)]

    def get_list_filter(self, request):
        return [item for item in super().get_list_filter(request) if not reaches_confidential(self.model, _path_of(item) or "")]

    # --- what the forms and lists show ---------------------------------------------------------
    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), *sorted(self._private - {"password"})]

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name not in self._private or name == "password"]

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name not in self._private]

    def get_list_display(self, request):
        return [
            name for name in super().get_list_display(request) if not (isinstance(name, str) and reaches_confidential(self.model, name))
        ]

    # --- checked at start-up -------------------------------------------------------------------
    def check(self, **kwargs):
        errors = super().check(**kwargs)
        names: list[str] = []
        for attribute in (
            "list_display",
            "list_display_links",
            "search_fields",
            "ordering",
            "readonly_fields",
            "raw_id_fields",
            "autocomplete_fields",
        ):
            names.extend(name for name in (getattr(self, attribute, None) or ()) if isinstance(name, str))
        names.extend(path for path in map(_path_of, getattr(self, "list_filter", None) or ()) if path)
        names.extend(name for name in (self.fields or ()) if isinstance(name, str))
        for _title, options in self.fieldsets or ():
            for name in options.get("fields", ()):
                names.extend(name if isinstance(name, (list, tuple)) else [name])
        if getattr(self, "date_hierarchy", None):
            names.append(self.date_hierarchy)
        for name in names:
            if name != "password" and reaches_confidential(self.model, name.lstrip("-")):
                errors.append(
                    checks.Error(
                        f"{type(self).__name__} names the confidential field {name!r} of {self.model._meta.label}.",
                        hint="Confidential fields are never shown, searched, sorted or filtered in Django admin.",
                        obj=type(self),
                        id="mentoring.E001",
                    )
                )
        return errors


def _private_admin_class(admin_class: type) -> type:
    if issubclass(admin_class, PrivacyAdminMixin):
        return admin_class
    attributes: dict[str, Any] = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
    inlines = getattr(admin_class, "inlines", None)
    if inlines:
        attributes["inlines"] = [_private_admin_class(inline) for inline in inlines]
    return type(admin_class.__name__, (PrivacyAdminMixin, admin_class), attributes)


class MentoringAdminSite(admin.AdminSite):
    """Django admin, entered through the site's own sign-in (rate limits, MFA) only."""

    site_header = _("Reverse Mentoring administration")
    site_title = _("Reverse Mentoring admin")
    index_title = _("Raw data")

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, _private_admin_class(admin_class or admin.ModelAdmin), **options)

    def get_urls(self):
        # Django's "view on site" redirect (r/<content type>/<id>/) works for any model with a
        # get_absolute_url, registered or not, for anyone who may enter admin: it would hand
        # out secret links (a calendar feed's or an invitation's token). Ours asks the model's
        # own admin first.
        return [
            path("r/<int:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site_redirect), name="view_on_site")
            if getattr(pattern, "name", None) == "view_on_site"
            else pattern
            for pattern in super().get_urls()
        ]

    def view_on_site_redirect(self, request, content_type_id: int, object_id: str):
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        model_admin = self._registry.get(model) if model else None
        if (
            model is None
            or model_admin is None
            or confidential_fields(model)
            or not model_admin.view_on_site
            or not model_admin.has_view_permission(request)
        ):
            raise Http404
        return shortcut(request, content_type_id, object_id)

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        # Role aside, the same second-factor rule as every HR page: this session used it.
        user = request.user
        return not settings.HR_REQUIRE_MFA or (user_has_mfa(user) and getattr(user, "session_used_second_factor", None) is not False)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated:
            if not (request.user.is_active and request.user.is_staff):
                raise PermissionDenied(_("Django admin is for HR coordinators and administrators."))
            return second_factor_redirect(request, next_url)
        return redirect(reverse("account_login") + "?" + urlencode({"next": next_url}))
