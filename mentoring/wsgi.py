"""The production web entry point: `gunicorn mentoring.wsgi`. It refuses development settings."""

import os

from django.core.wsgi import get_wsgi_application

from mentoring.deployment import refuse_development_settings, warn_about_incomplete_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

refuse_development_settings()
application = get_wsgi_application()
warn_about_incomplete_settings()
