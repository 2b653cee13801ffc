"""Small helpers shared by the views of every app."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse


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
    """A downloadable CSV of `rows` (the first row is the header)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(row)
    return response
