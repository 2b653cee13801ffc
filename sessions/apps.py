from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    name = "sessions"
    # Plain "sessions" would collide with django.contrib.sessions.
    label = "mentoring_sessions"
    verbose_name = _("Meetings")
    # Meeting facts only; notes and logs are not in admin at all.
    hr_admin_permissions = ("view_meeting",)

    def ready(self) -> None:
        from matching.services import register_on_confirmed

        from . import notifications, services

        notifications.register()
        register_on_confirmed(services.meetings_plan_on_confirmation)
