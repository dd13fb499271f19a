from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """Notice-and-action: takedown notices, illegal-content reports, decisions.

    It may import ``articles``; ``articles`` never imports it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
