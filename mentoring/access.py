"""The one way views require HR: `@hr_required`, or `hr_gate()` where a view serves HR and participants."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def user_is_hr(user) -> bool:
    """Holds the HR role (for navigation: the HR menu leads to the second-factor set-up)."""
    return bool(user and user.is_authenticated and user.in_hr_group)


def user_has_mfa(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def hr_gate(request: HttpRequest) -> HttpResponse | None:
    """None when the request may use an HR capability; otherwise the response to send instead.

    The capability itself is `User.is_hr_coordinator` (role + second factor); this gate only
    chooses the answer: sign in, set up the authenticator, or 403.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user_is_hr(user):
        raise PermissionDenied(_("This page is for HR coordinators."))
    if not user.is_hr_coordinator:
        messages.warning(
            request,
            _("HR pages show personal data, so they need two-factor authentication. Set up an authenticator app to continue."),
        )
        return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()}))
    return None


def hr_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refusal = hr_gate(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    return wrapper
