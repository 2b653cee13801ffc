from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import user_has_mfa


class MentoringAdminSite(admin.AdminSite):
    """Django admin, entered through the site's own sign-in (rate limits, MFA) only."""

    site_header = _("Reverse Mentoring administration")
    site_title = _("Reverse Mentoring admin")
    index_title = _("Raw data")

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.HR_REQUIRE_MFA or user_has_mfa(request.user)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated:
            if not (request.user.is_active and request.user.is_staff):
                raise PermissionDenied(_("Django admin is for HR coordinators and administrators."))
            return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": next_url}))
        return redirect(reverse("account_login") + "?" + urlencode({"next": next_url}))
