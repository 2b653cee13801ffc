from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top layer: the pages that gather every app's cards (home, my programs) and the
    demo seeding. It may import any app; no app imports it."""

    name = "portal"
    verbose_name = _("Portal")
