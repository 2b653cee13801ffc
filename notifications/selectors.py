"""Reads of the outbox's own data."""

from __future__ import annotations

from mentoring.models import User

from .models import EmailPreference


def preferences_of(*, user: User) -> set[str]:
    """The optional kinds of e-mail `user` switched off."""
    preference = EmailPreference.objects.filter(user=user).first()
    return set(preference.disabled_kinds) if preference else set()
