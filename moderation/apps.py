from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """Notice-and-action: takedown notices, illegal-content reports, decisions.

    An app shell for now; its models and workflow arrive with the moderation issue. It may
    import ``articles``; ``articles`` never imports it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation"
    verbose_name = _("Moderation")
