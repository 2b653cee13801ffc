"""allauth hooks: who may sign up."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import User


def signup_email_allowed(email: str) -> bool:
    """Sign-up is for people in the directory and for the configured company domains."""
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        return False
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        return True
    return email.rsplit("@", 1)[1] in settings.SIGNUP_EMAIL_DOMAINS


SIGNUP_REFUSED = _(
    "This e-mail address is not in the company directory, so it cannot sign up here. "
    "Use your work address, or ask your HR coordinator to add you to the directory."
)


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not signup_email_allowed(email):
            raise ValidationError(SIGNUP_REFUSED)
        return email


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return signup_email_allowed(getattr(sociallogin.user, "email", ""))
