import zoneinfo

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils import timezone, translation


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
