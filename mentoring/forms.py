from __future__ import annotations

import functools

from allauth.account.forms import ResetPasswordKeyForm, SignupForm
from allauth.account.models import EmailAddress
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Department, Level, User, known_timezones
from .signup import mailbox_proven, pending_signup_hold
from .web import IdChoiceField


@functools.cache
def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_timezones()) if "/" in name or name == "UTC"]


def unclaimed_directory_person(email: str) -> User | None:
    """A directory entry (imported by HR) that nobody has verified yet, or None."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or EmailAddress.objects.filter(user=user, verified=True).exists():
        return None
    return user


class DirectorySignupForm(SignupForm):
    """allauth's sign-up, which also lets people HR imported claim their directory entry.

    Nothing that grants access is stored on the entry before its address is verified: the
    password waits in this browser's session and counts only when this browser confirms
    the address (see `mentoring.signup`).
    """

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    field_order = ["email", "first_name", "last_name", "password1", "password2"]

    claim_user: User | None = None

    def validate_unique_email(self, value: str) -> str:
        self.claim_user = unclaimed_directory_person(value)
        if self.claim_user is not None:
            self.account_already_exists = False
            return value
        return super().validate_unique_email(value)

    def clean(self):
        cleaned = super().clean()
        if self.claim_user is None and not self.account_already_exists and cleaned.get("email"):
            for name in ("first_name", "last_name"):
                if not cleaned.get(name):
                    self.add_error(name, _("Please give your name."))
        return cleaned

    def save(self, request):
        if self.claim_user is None:
            user = super().save(request)  # created without a password (AccountAdapter.save_user)
        else:
            user = self.claim_user
            EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True, "verified": False})
        pending_signup_hold(session=request.session, user=user, raw_password=self.cleaned_data["password1"])
        return user


class SetPasswordFromMailForm(ResetPasswordKeyForm):
    """allauth's form behind a mailed set-password link ("Forgot your password?", a first
    coordinator's link). The link reached the account's own address, so using it proves that
    mailbox: the address counts as verified, and no second "please confirm" mail follows."""

    def save(self) -> None:
        super().save()
        mailbox_proven(user=self.user)


class ProfileForm(forms.Form):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save preferences")))


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("People file (CSV)"),
        help_text=_("UTF-8 CSV with the columns email, first_name, last_name, title, department, level, manager_email."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_enctype = "multipart/form-data"
        self.helper.add_input(Submit("submit", _("Check file")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.PEOPLE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": settings.PEOPLE_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    department = IdChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *Level.choices],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
