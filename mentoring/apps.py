from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("People and accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .signals import ensure_hr_group

        # Sent once per app; the last app to migrate leaves the group complete.
        post_migrate.connect(ensure_hr_group, dispatch_uid="mentoring.ensure_hr_group")


class MentoringAdminConfig(AdminConfig):
    default_site = "mentoring.admin_site.MentoringAdminSite"
