"""Self sign-up: a sign-up's password waits until that sign-up's address is verified.

Whoever signs up for an address is not yet known to own it, and the address may already
belong to a directory entry (imported by HR, or created by an earlier unverified sign-up).
So nothing that grants access to the entry is stored before the e-mail is verified: the
chosen password is kept, hashed, in the session of the browser that signed up, and becomes
the entry's password only when that same browser confirms the address (the browser allauth
also signs in on confirmation). Anyone else who confirms (the owner clicking a mail that
someone else's sign-up sent, or the owner on another device) has proven the mailbox but
not chosen that password, so they choose one right after confirming.
"""

from __future__ import annotations

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse

from .models import User

PENDING_SIGNUP_SESSION_KEY = "mentoring_pending_signup"


def pending_signup_hold(*, session: SessionBase, user: User, raw_password: str) -> None:
    """Keep a sign-up's password (hashed) in the signing-up browser's session, not on the entry.

    A newer sign-up in the same browser replaces an older one.
    """
    session[PENDING_SIGNUP_SESSION_KEY] = {
        "user": user.pk,
        "email": user.email.lower(),
        "password": make_password(raw_password),
    }


def pending_signup_complete(*, session: SessionBase, email_address: EmailAddress) -> bool:
    """`email_address` was just verified in the browser that owns `session`: if that browser
    signed up for it, the password chosen there becomes the entry's. Returns whether it did."""
    pending = session.get(PENDING_SIGNUP_SESSION_KEY)
    if not email_address.verified or not isinstance(pending, dict):
        return False
    if pending.get("user") != email_address.user_id or pending.get("email") != email_address.email.lower():
        return False
    del session[PENDING_SIGNUP_SESSION_KEY]
    user = email_address.user
    user.password = pending["password"]
    user.save(update_fields=["password"])
    return True


def password_choice_url(*, user: User) -> str:
    """A one-time link to allauth's set-password form, for someone who has just proven the
    mailbox of `user` (the same kind of link "Forgot your password?" mails)."""
    key = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})


def mailbox_proven(*, user: User) -> None:
    """Someone used a link mailed to `user.email` (a set-password link, whose key is void once
    the address changes): that address is verified, and primary since it is the only one."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
