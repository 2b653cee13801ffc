"""allauth hooks: who may sign up, and when a sign-up's password counts (see `signup`)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import User
from .signup import password_choice_url, pending_signup_complete
from .site import current_site_url


@dataclass(frozen=True)
class MailSite:
    """What allauth's mail templates call `current_site`: the product's name (not the host,
    which the sites framework's stand-in would give: "Hello from 127.0.0.1:8011!") and the
    host people reach it on."""

    name: str
    domain: str


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

    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        # A new entry starts without a password: the sign-up's password waits in its
        # browser's session until the address is verified there (DirectorySignupForm.save).
        user = super().save_user(request, user, form, commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = MailSite(name=str(settings.SITE_NAME), domain=urlparse(current_site_url()).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            pending_signup_complete(session=request.session, email_address=email_address)
        return confirmed

    def get_email_verification_redirect_url(self, email_address: EmailAddress) -> str:
        # Confirmed somewhere other than the browser that signed up: the mailbox is proven,
        # so its owner chooses the password now.
        user = email_address.user
        if email_address.verified and not self.request.user.is_authenticated and not user.has_usable_password():
            messages.info(self.request, gettext("Now choose your password to finish setting up your account."))
            return password_choice_url(user=user)
        return super().get_email_verification_redirect_url(email_address)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return signup_email_allowed(getattr(sociallogin.user, "email", ""))
