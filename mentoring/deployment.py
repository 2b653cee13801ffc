"""Guard for the production entry points: gunicorn loads `mentoring.wsgi`, an ASGI server
`mentoring.asgi`. Development runs `manage.py runserver` (`make run`, `make demo`), which
loads neither (settings.WSGI_APPLICATION is None), so a deployment that forgot `DEBUG=0`
stops at start-up instead of serving tracebacks signed with the public development key.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_development_settings() -> None:
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on")
    if settings.SECRET_KEY.startswith("django-insecure"):
        problems.append("the public development SECRET_KEY is in use")
    if problems:
        raise ImproperlyConfigured(
            f"This is the production entry point, but {' and '.join(problems)}. Set DEBUG=0, SECRET_KEY and "
            "ALLOWED_HOSTS (see 'Configuration' in README.md); for development use `make run` or `make demo`."
        )


def warn_about_incomplete_settings() -> None:
    """What `check --deploy` would warn about that a server start must not hide (gunicorn runs
    no system checks): logged once per process, after Django has set up logging."""
    from .site import check_site_url

    for message in check_site_url():
        logging.getLogger("mentoring.deployment").warning("%s %s (%s)", message.msg, message.hint, message.id)
