"""Small helpers shared by the views of every app."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from .models import User
from .spreadsheet import write_csv


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind `login_required` or `hr_required`: its user is a person
    in the directory, never AnonymousUser (for the type checker)."""

    user: User


# The largest primary key any supported database stores (a signed 64-bit integer).
MAX_PK = 2**63 - 1


def pk_from(value: str | None) -> int | None:
    """A primary key typed into a form or URL, or None when it cannot be one: a lookup with
    "abc", "1.5" or a 30-digit number would crash (500) instead of finding nothing."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_PK else None


class IdConverter:
    """`<id:pk>` in URLs: a primary key a database can hold. A longer number matches no
    route (404) instead of overflowing the query (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose bad input ("abc", a 30-digit number) is a form error, not a 500."""

    def to_python(self, value):
        if value not in self.empty_values and pk_from(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The same for several choices."""

    def _check_values(self, value):
        for pk in value:
            if pk_from(str(pk)) is None:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


def safe_next(request: HttpRequest, url: str | None) -> str | None:
    """`url` when it leads back into this site, else None: a `next` taken from a form or a
    link must never send people elsewhere ("//evil.com", "/\\evil.com", "https://evil.com")."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return None


def flash_errors(request: HttpRequest, error: Exception, *, limit: int | None = None) -> None:
    """Show a service's refusal (ValidationError or PermissionDenied) as error messages, the
    first `limit` of them when a long list would bury the page."""
    for message in (getattr(error, "messages", None) or [str(error)])[:limit]:
        messages.error(request, message)


def flash_form_errors(request: HttpRequest, form: forms.Form, *, labelled: bool = False) -> None:
    """Show a form's errors as messages, for a small form on a page that redirects after the
    POST (a board's row, a button); `labelled` names the field before its message."""
    for name, field_messages in form.errors.items():
        field = form.fields.get(name)
        for message in field_messages:
            messages.error(request, f"{field.label}: {message}" if labelled and field is not None and field.label else str(message))


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def csv_response(rows: Iterable[Iterable], filename: str) -> HttpResponse:
    """A downloadable CSV of `rows` (the first row is the header), safe to open in a spreadsheet."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, rows)
    return response
