from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("People and accounts")
    # What HR coordinators may do with this app's models in Django admin (see
    # `services.hr_group_ensure`): maintain the directory's facts, read the import log.
    hr_admin_permissions = (
        "view_user",
        "add_user",
        "change_user",
        "view_department",
        "add_department",
        "change_department",
        "view_peopleimport",
    )

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_migrate

        from .site import check_site_url

        checks.register(check_site_url, checks.Tags.security)
        from django.urls import register_converter

        from .web import IdConverter

        # Before any URLconf loads: `<id:pk>` in every app's routes.
        register_converter(IdConverter, "id")

        from .signals import ensure_hr_group

        # Sent once per app; the last app to migrate leaves the group complete.
        post_migrate.connect(ensure_hr_group, dispatch_uid="mentoring.ensure_hr_group")

        from allauth.mfa.signals import authenticator_added

        from .access import remember_second_factor

        authenticator_added.connect(remember_second_factor, dispatch_uid="mentoring.remember_second_factor")


class MentoringAdminConfig(AdminConfig):
    default_site = "mentoring.admin_site.MentoringAdminSite"

    def ready(self) -> None:
        super().ready()
        from allauth.socialaccount.models import SocialApp, SocialToken
        from django.contrib import admin

        # SSO is configured from the environment and tokens are not stored: nobody needs
        # these in admin, and they hold secrets.
        for model in (SocialApp, SocialToken):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
