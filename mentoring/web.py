"""Small helpers shared by the views of every app."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from .spreadsheet import write_csv

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


def flash_errors(request: HttpRequest, error: Exception) -> None:
    """Show a service's refusal (ValidationError or PermissionDenied) as error messages."""
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


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
