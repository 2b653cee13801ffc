from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")
    # HR changes programs, invitations and applications on the HR pages (services check
    # them); in Django admin HR keeps the topic catalog and reads the rest.
    hr_admin_permissions = (
        "view_topic", "add_topic", "change_topic", "view_program", "view_curriculumitem", "view_programtransition",
        "view_invitation", "view_application", "view_applicationtopic",
    )  # fmt: skip

    def ready(self) -> None:
        from . import notifications

        notifications.register()
