from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")
    hr_admin_permissions = ("view_matchingconfig", "view_matchrun", "view_match", "view_matchmember", "view_pairrule")

    def ready(self) -> None:
        from . import (
            notifications,
            services,  # noqa: F401  (registers the lifecycle guards matching owns)
        )

        notifications.register()
