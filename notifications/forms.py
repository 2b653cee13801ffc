from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.web import IdChoiceField

from .models import Notification


class PreferencesForm(forms.Form):
    """The optional kinds of e-mail someone keeps; the unticked ones are switched off."""

    enabled = forms.MultipleChoiceField(choices=[], required=False)

    def __init__(self, *args, offered: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enabled"].choices = offered


class ResendForm(forms.Form):
    notification = IdChoiceField(
        queryset=Notification.objects.all(), error_messages=dict.fromkeys(("required", "invalid_choice"), _("Choose an e-mail to resend."))
    )
