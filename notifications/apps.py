from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The outbox and everything around it. It imports no feature app: each app registers
    its kinds of e-mail and its reminder collectors from its own `notifications.py`."""

    name = "notifications"
    verbose_name = _("E-mail")
