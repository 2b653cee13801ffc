"""The one way views require HR: `@hr_required`, or `hr_gate()` where a view serves HR and participants."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
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


# Set when an authenticator is activated in a session: that proves the second factor there.
SECOND_FACTOR_SESSION_KEY = "mentoring_second_factor_user"


def session_used_second_factor(request: HttpRequest) -> bool | None:
    """Did this browser session prove the second factor (at sign-in, by re-authenticating, or
    by activating an authenticator)? None when the sign-in was not recorded by allauth (a
    test's force_login, a shell): then the account's authenticator alone decides."""
    user = request.user
    if request.session.get(SECOND_FACTOR_SESSION_KEY) == str(user.pk):
        return True
    records = get_authentication_records(request, user)
    if not records:
        return None
    return any(record.get("method") == "mfa" for record in records)


def remember_second_factor(sender, request=None, user=None, **kwargs) -> None:
    """allauth's `authenticator_added`: activating one in this session proves it here."""
    if request is not None and user is not None and hasattr(request, "session"):
        request.session[SECOND_FACTOR_SESSION_KEY] = str(user.pk)


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
        return second_factor_redirect(request, request.get_full_path())
    return None


def second_factor_redirect(request: HttpRequest, next_url: str) -> HttpResponse:
    """Send an HR coordinator to prove the second factor: set up an authenticator, or enter
    its code in this session when the account has one but this sign-in did not use it."""
    if user_has_mfa(request.user):
        messages.warning(request, _("HR pages show personal data: enter a code from your authenticator app to continue."))
        return redirect(reverse("mfa_reauthenticate") + "?" + urlencode({"next": next_url}))
    messages.warning(
        request,
        _("HR pages show personal data, so they need two-factor authentication. Set up an authenticator app to continue."),
    )
    return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": next_url}))


def hr_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refusal = hr_gate(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    return wrapper
