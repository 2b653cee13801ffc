from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from . import (
            notifications,
            services,  # noqa: F401  (registers the survey hook on "evaluating")
        )

        notifications.register()
