import logging
import zoneinfo

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import DataError
from django.utils import timezone, translation
from django.views.defaults import bad_request

logger = logging.getLogger(__name__)


class RestoreLanguageMiddleware:
    """Leave the thread's language as the request found it. LocaleMiddleware and the person's
    preferences activate a language for the request and nothing switches it back, so a German
    page left German behind for whatever the same thread did next (a test's mail, a thread
    pool's next task)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        previous = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            translation.activate(previous) if previous else translation.deactivate()


class UserPreferencesMiddleware:
    """Show each signed-in person times in their time zone and pages in their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class MalformedInputMiddleware:
    """Bad input gets a 400 with a message, never a 500, wherever a view forgot to check it:

    - a NUL character in the address or a form value (no one types one; PostgreSQL cannot
      store it in text), refused before any view runs;
    - a number no database column can hold, or text too long for one (OverflowError on
      SQLite, DataError on PostgreSQL), refused when the query fails — services run in
      transactions, so nothing was written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        form = request.method == "POST" and request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}
        if "\x00" in request.path or _has_nul(request.GET) or (form and _has_nul(request.POST)):
            return bad_request(request, BadRequest("NUL character in the request"))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OverflowError, DataError)):
            logger.warning("Refused a request the database cannot take: %s %s", request.method, request.path, exc_info=exception)
            return bad_request(request, exception)
        return None


class SecondFactorMiddleware:
    """Tells the signed-in user object whether this session proved the second factor, so the
    one HR capability check (`User.is_hr_coordinator`) is about the session, not only the
    account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .access import session_used_second_factor

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user.session_used_second_factor = session_used_second_factor(request)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, which leaves Django's DEBUG error pages (inline script and
    style) without the policy for 404 and 500; a refused request (400, e.g. an admin lookup
    outside the list filters) shows the same kind of DEBUG page, so it is left out too.
    Production pages, error pages included, always carry the policy."""

    def process_response(self, request, response):
        if settings.DEBUG and response.status_code == 400:
            return response
        return super().process_response(request, response)
