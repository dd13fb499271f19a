"""System checks of the moderation app."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    """``NEWSROOM_SITE_URL`` must be set in production: e-mails sent outside a request (by
    ``moderation_due``) carry links to status pages, and without it they would point at
    ``http://127.0.0.1:8000``."""
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "NEWSROOM_SITE_URL is not set.",
            hint="Set it to the site's public address (e.g. https://news.example.org): "
            "links in e-mails sent by manage.py moderation_due are built from it.",
            id="moderation.W001",
        )
    ]
