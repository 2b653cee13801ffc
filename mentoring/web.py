"""Small helpers shared by the views of every app."""

from django.contrib import messages
from django.http import HttpRequest


def flash_errors(request: HttpRequest, error: Exception) -> None:
    """Show a service's refusal (ValidationError or PermissionDenied) as error messages."""
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)
