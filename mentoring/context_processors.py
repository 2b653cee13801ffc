from django.conf import settings

from .access import user_is_hr


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "site_name": settings.SITE_NAME,
        "nav_is_hr": user_is_hr(user) if user is not None else False,
    }
