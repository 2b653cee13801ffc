"""The production ASGI entry point (e.g. `uvicorn mentoring.asgi:application`). It refuses development settings."""

import os

from django.core.asgi import get_asgi_application

from mentoring.deployment import refuse_development_settings, warn_about_incomplete_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

refuse_development_settings()
application = get_asgi_application()
warn_about_incomplete_settings()
